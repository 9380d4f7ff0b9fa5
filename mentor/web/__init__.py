"""The web app (FastAPI + Jinja2, server-rendered; one small static script for keyboard shortcuts):
``mentor serve`` runs it."""

from mentor.web.app import create_app

__all__ = ["create_app"]
