"""Tone: is a response warm, neutral or cold? A plug-in task type (entry point
``mentor.task_types``: ``tone = "tests.plugin_pkg.tone:Tone"``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from mentor.annotate import FormFields, Keys, TaskTypeBase
from mentor.annotate.tasks import Strict, View, prompt_and_response
from mentor.records import Record

TONES = ("warm", "neutral", "cold")


class TonePayload(Strict):
    """A tone label and a note."""

    tone: Literal["warm", "neutral", "cold"]
    note: str = ""


class Tone(TaskTypeBase):
    """Say the tone of the response."""

    name = "tone"
    title = "Tone of a response"
    kinds = ("sft", "preference", "rating")
    payload_model = TonePayload
    templates = Path(__file__).parent / "templates"
    keys = Keys(actions={"digit": ("pick",)}, help={"1 2 3": "warm, neutral, cold"})

    def view(self, record: Record, config: dict[str, Any]) -> View:
        prompt, response = prompt_and_response(record)
        return {"prompt": prompt, "response": response, "tones": list(TONES)}

    def read_form(self, form: FormFields) -> dict[str, Any]:
        tone = form.get("tone")
        note = form.get("note")
        payload: dict[str, Any] = {"note": note.strip() if isinstance(note, str) else ""}
        if isinstance(tone, str) and tone:
            payload["tone"] = tone
        return payload
