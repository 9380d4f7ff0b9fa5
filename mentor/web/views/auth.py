"""Log in and out; who may see what (owned by mentor.accounts)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
