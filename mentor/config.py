"""Settings read from the environment (``MENTOR_*``) with embedded defaults."""

from __future__ import annotations

import getpass
import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from mentor.errors import ConfigError


def _default_user() -> str:
    """The login name of whoever runs Mentor ("unknown" where there is none)."""
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"


def _default_model_cache() -> str:
    """$XDG_CACHE_HOME/mentor/models, else ~/.cache/mentor/models."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(root) / "mentor" / "models")


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
    model_cache: str = Field(
        default_factory=_default_model_cache,
        description="Folder where GGUF models (the bundled SmolLM2 among them) are kept once "
        "converted, so later loads take under a second instead of ~25 s; empty: convert on "
        "every load.",
    )
    db_pool_size: int = Field(
        20,
        ge=1,
        le=1000,
        description="PostgreSQL connections each process keeps open (requests beyond wait for "
        "one); workers x this must stay under the server's max_connections.",
    )


# Settings of the machine rather than of a workspace: read from the environment where they are
# used (the model cache by whatever loads a GGUF), so `mentor.connect` does not take them.
MACHINE_SETTINGS: frozenset[str] = frozenset({"model_cache"})

# What the settings are read from: MENTOR_* (any case) and the variables getpass reads the
# login name from. The same values give the same settings, so they are parsed once.
_LOGIN: tuple[str, ...] = ("LOGNAME", "USER", "LNAME", "USERNAME")


def load_settings() -> Settings:
    """The settings as the environment says now (parsed again only when it changed: text limits
    are read on every submitted label)."""
    seen = tuple(
        sorted(
            (key, value)
            for key, value in os.environ.items()
            if key[:7].upper() == "MENTOR_" or key in _LOGIN
        )
    )
    return _parsed(seen).model_copy()


@lru_cache(maxsize=16)
def _parsed(_environment: tuple[tuple[str, str], ...]) -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"MENTOR_{'_'.join(map(str, e['loc'])).upper()}={str(e['input'])[:40]!r}: {e['msg']}"
            for e in exc.errors()
        )
        raise ConfigError(f"a setting in the environment is not usable: {problems}") from None
