"""SFT gold responses: write the ideal response to a prompt, or edit a draft into one.

The stored label keeps the diff from the draft to the submitted response, so edits can be
studied (how much did people change the model's answer, and where).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from mentor.annotate.forms import FormFields, raw
from mentor.annotate.tasks import (
    Payload,
    Strict,
    TaskTypeBase,
    View,
    metadata,
    parse,
    prompt_and_response,
    text_of,
)
from mentor.errors import InputError
from mentor.records import Record

_SPACE = re.compile(r"\s+")
_NO_NEWLINE = "\\ No newline at end of file"


class SftConfig(Strict):
    """Settings of an SFT task: whether a draft response is shown for editing."""

    show_draft: bool = True


class SftPayload(Strict):
    """A gold response; `diff` and `edited` are filled in by Mentor from the draft."""

    response: str = Field(min_length=1)
    rationale: str = ""
    diff: str | None = None
    edited: bool | None = None


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _lines(text: str) -> list[str]:
    """`text` split after each "\n" only, as ``diff`` and git split it (``splitlines`` would
    also split at "\r", "\f", U+2028 and more, and print those lines run together)."""
    lines = text.split("\n")
    return [f"{line}\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _unified_diff(draft: str, response: str) -> str:
    """The unified diff from `draft` to `response`, one line per line, as ``diff -u`` writes it:
    a last line without a newline is followed by ``\\ No newline at end of file``."""
    return "".join(
        line if line.endswith("\n") else f"{line}\n{_NO_NEWLINE}\n"
        for line in difflib.unified_diff(_lines(draft), _lines(response), "draft", "response")
    )


class Sft(TaskTypeBase):
    """Write or edit the gold assistant response."""

    name = "sft"
    title = "SFT gold response writing and editing"
    kinds = ("sft", "preference", "rating")
    payload_model = SftPayload
    config_model = SftConfig
    templates = Path(__file__).parent / "templates" / "sft"

    def view(self, record: Record, config: dict[str, Any]) -> View:
        prompt, response = prompt_and_response(record)
        if not prompt:
            raise InputError(f"record '{record['id']}' has no prompt to answer", where="--from")
        draft = text_of(response) if response and config.get("show_draft", True) else None
        return {"prompt": prompt, "draft": draft}

    def read_form(self, form: FormFields) -> Payload:
        return {"response": raw(form, "response"), "rationale": raw(form, "rationale").strip()}

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> Payload:
        label = parse(SftPayload, raw, where)
        if not label.response.strip():
            raise InputError("the response is empty", where=where, field="response")
        draft = view.get("draft") or ""
        return {
            "response": label.response,
            "rationale": label.rationale,
            "diff": _unified_diff(draft, label.response),
            "edited": bool(view.get("draft")) and _norm(draft) != _norm(label.response),
        }

    def value(self, payload: Payload, field: str | None, config: dict[str, Any]) -> str:
        if field == "edited":
            return "edited" if payload.get("edited") else "kept"
        return _norm(payload["response"])

    def aggregate(self, payloads: Sequence[Payload], config: dict[str, Any]) -> Payload:
        return payloads[0]

    def score(self, answer: Payload, payload: Payload, config: dict[str, Any]) -> float:
        a, b = _norm(answer["response"]), _norm(payload["response"])
        return difflib.SequenceMatcher(None, a, b).ratio()

    def fields(self, config: dict[str, Any]) -> list[str]:
        return ["edited"]

    def label_in_record(self, record: Record, config: dict[str, Any]) -> Payload | None:
        _, response = prompt_and_response(record)
        text = text_of(response)
        return {"response": text, "rationale": "", "diff": "", "edited": False} if text else None

    def release(self, record: Record, label: Payload, config: dict[str, Any]) -> Record:
        prompt, _ = prompt_and_response(record)
        answer = {"role": "assistant", "content": label["response"]}
        return {
            "id": record["id"],
            "kind": "sft",
            "messages": [*prompt, answer],
            **metadata(record),
        }
