"""Pairwise preference: which of two responses is better (A / B / tie), how much, and why.

The two responses are shown in an order drawn per annotator; the order shown is stored with each
annotation and the choice is mapped back to the item's own A (the record's ``chosen``) and B.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from statistics import median_low
from typing import Any, Literal

from pydantic import Field

from mentor.annotate.forms import FormFields, raw, text, whole
from mentor.annotate.tasks import (
    Keys,
    Payload,
    Strict,
    TaskTypeBase,
    View,
    letter,
    letter_index,
    parse,
    plurality,
)
from mentor.errors import InputError
from mentor.records import Record


class PairwiseConfig(Strict):
    """Settings of a pairwise task."""

    strengths: list[str] = Field(
        default_factory=lambda: ["slightly better", "better", "much better"]
    )
    allow_tie: bool = True
    require_rationale: bool = False


class PairwisePayload(Strict):
    """A pairwise label: the better response as shown, optional strength (1..) and rationale."""

    choice: Literal["A", "B", "tie"]
    strength: int | None = Field(default=None, ge=1)
    rationale: str = ""


class Pairwise(TaskTypeBase):
    """Pick the better of two responses to the same prompt."""

    name = "pairwise"
    title = "Pairwise preference"
    kinds = ("preference",)
    payload_model = PairwisePayload
    config_model = PairwiseConfig
    shuffled = True
    templates = Path(__file__).parent / "templates" / "pairwise"
    keys = Keys(help={"Q W E": "how much better"})

    def view(self, record: Record, config: dict[str, Any]) -> View:
        cfg = PairwiseConfig.model_validate(config)
        return {
            "prompt": record["prompt"],
            "responses": [
                {"label": "A", "messages": record["chosen"]},
                {"label": "B", "messages": record["rejected"]},
            ],
            "strengths": cfg.strengths,
            "allow_tie": cfg.allow_tie,
        }

    def read_form(self, form: FormFields) -> Payload:
        payload: Payload = {"rationale": raw(form, "rationale").strip()}
        if text(form, "choice"):
            payload["choice"] = text(form, "choice")
        strength = whole(form, "strength", "strength")
        if strength is not None and payload.get("choice") != "tie":
            payload["strength"] = strength
        return payload

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> Payload:
        cfg = PairwiseConfig.model_validate(config)
        label = parse(PairwisePayload, raw, where)
        if label.choice == "tie" and not cfg.allow_tie:
            raise InputError(
                "this project does not allow ties; pick A or B", where=where, field="choice"
            )
        if label.strength is not None and label.strength > len(cfg.strengths):
            raise InputError(
                f"expected 1..{len(cfg.strengths)} ({', '.join(cfg.strengths)}), "
                f"got {label.strength}",
                where=where,
                field="strength",
            )
        if cfg.require_rationale and not label.rationale.strip():
            raise InputError("this project asks for a rationale", where=where, field="rationale")
        if label.choice == "tie":
            label.strength = None
        return label.model_dump(mode="json", exclude_none=True)

    def unshow(self, payload: Payload, order: list[int]) -> Payload:
        if payload["choice"] == "tie":
            return payload
        shown = letter_index(payload["choice"], len(order), "payload", "choice")
        return {**payload, "choice": letter(order[shown])}

    def show(self, payload: Payload, order: list[int]) -> Payload:
        if payload["choice"] == "tie":
            return payload
        true = letter_index(payload["choice"], len(order), "payload", "choice")
        return {**payload, "choice": letter(order.index(true))}

    def aggregate(self, payloads: Sequence[Payload], config: dict[str, Any]) -> Payload:
        choice = plurality([p["choice"] for p in payloads], ("A", "B", "tie"))
        strengths = [p["strength"] for p in payloads if p["choice"] == choice and "strength" in p]
        final: Payload = {"choice": choice}
        if strengths:
            final["strength"] = median_low(strengths)
        return final

    def value(self, payload: Payload, field: str | None, config: dict[str, Any]) -> str:
        return str(payload["choice"])

    def label_in_record(self, record: Record, config: dict[str, Any]) -> Payload | None:
        if record.get("unranked"):
            return None
        return {"choice": "tie" if record.get("tie") else "A"}

    def release(self, record: Record, label: Payload, config: dict[str, Any]) -> Record:
        out = {k: v for k, v in record.items() if k not in ("tie", "margin", "unranked")}
        if label["choice"] == "B":
            out["chosen"], out["rejected"] = record["rejected"], record["chosen"]
        else:
            out["chosen"], out["rejected"] = record["chosen"], record["rejected"]
        if label["choice"] == "tie":
            out["tie"] = True
        elif "strength" in label:
            out["margin"] = label["strength"]
        return out
