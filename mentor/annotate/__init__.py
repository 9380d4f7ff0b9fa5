"""Annotation projects: guidelines, task types, queues, gold, review, adjudication, release."""

from mentor.annotate.service import Projects

__all__ = ["Projects"]
