"""The least a task type can be: a plain class with the :class:`mentor.annotate.TaskType`
protocol's members and no base class (Mentor gives it the defaults); it reuses tone's
templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from mentor.annotate import FormFields
from mentor.annotate.tasks import View, parse, prompt_and_response
from mentor.records import Record

from .tone import Tone, TonePayload


class PlainTone:
    """Tone again, written against the protocol alone."""

    name = "plain-tone"
    title = "Tone, the protocol alone"
    kinds = ("sft",)
    payload_model: type[BaseModel] = TonePayload
    templates = Path(__file__).parent / "templates"

    def view(self, record: Record, config: dict[str, Any]) -> View:
        prompt, response = prompt_and_response(record)
        return {"prompt": prompt, "response": response, "tones": ["warm", "neutral", "cold"]}

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> dict[str, Any]:
        return parse(TonePayload, raw, where).model_dump(mode="json")

    def read_form(self, form: FormFields) -> dict[str, Any]:
        return Tone().read_form(form)
