"""Annotation pages: projects, task pages, review and adjudication queues."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
