"""Settings read from the environment (``MENTOR_*``) with embedded defaults."""

from __future__ import annotations

import getpass
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_user() -> str:
    """The login name of whoever runs Mentor ("unknown" where there is none)."""
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"


class Settings(BaseSettings):
    """Mentor's settings; every field can be set as ``MENTOR_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="MENTOR_", extra="ignore")

    db: str = Field("sqlite:///mentor.db", description="Database URL (SQLite or PostgreSQL).")
    home: Path = Field(Path(".mentor"), description="Folder for artifacts: exports, reports.")
    user: str = Field(default_factory=_default_user, description="Name recorded as the actor.")
    debug: bool = Field(False, description="Show tracebacks on errors.")
    max_line_bytes: int = Field(
        16 * 1024 * 1024, description="Longest input line or record accepted on import, in bytes."
    )
    max_request_bytes: int = Field(
        4 * 1024 * 1024,
        ge=1024,
        description="Largest request body `mentor serve` accepts, in bytes (larger: 413).",
    )
    max_text_chars: int = Field(
        200_000,
        ge=1,
        description="Longest free text accepted in a label, review, question, answer, note or "
        "guideline, in characters.",
    )


def load_settings() -> Settings:
    """Read the settings from the environment now."""
    return Settings()
