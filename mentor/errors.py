"""Errors Mentor raises, written for the person who will read them."""

from __future__ import annotations

from typing import Final

GATE_FAILED_EXIT: Final = 6
"""Exit code of ``mentor qa gate`` and ``mentor eval gate`` when the gate fails: CI can tell a
failed gate from an error (codes 1 to 5)."""


class MentorError(Exception):
    """Base of every error Mentor raises on purpose; its message is meant for the user."""

    exit_code = 1


class ConfigError(MentorError):
    """A setting, flag or URL is not usable."""

    exit_code = 2


class NotFoundError(MentorError):
    """A dataset, version or other named object does not exist."""

    exit_code = 3


class InputError(MentorError):
    """A file or value supplied by the user is not what Mentor expected.

    `where` names the place (``file:line``, ``file:row``, a flag) and `field` the field.
    """

    exit_code = 4

    def __init__(self, message: str, *, where: str | None = None, field: str | None = None):
        self.where = where
        self.field = field
        self.reason = message
        parts = [p for p in (where, f"field '{field}'" if field else None) if p]
        super().__init__(f"{': '.join(parts)}: {message}" if parts else message)


class RecordError(InputError):
    """One record failed validation; the importer adds the file and line."""


class ConflictError(MentorError):
    """The operation would break an invariant (a name already taken, a duplicate id)."""

    exit_code = 5
