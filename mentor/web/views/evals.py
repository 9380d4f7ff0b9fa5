"""Evaluation pages: runs, a run, and the side-by-side compare view."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
