"""The quality dashboard per project and the annotator page."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
