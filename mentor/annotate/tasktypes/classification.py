"""Classification and flags from a taxonomy: one label, or several (safety and bias flags)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from mentor.annotate.forms import FormFields, raw
from mentor.annotate.tasks import (
    Payload,
    Strict,
    TaskTypeBase,
    View,
    parse,
    plurality,
    prompt_and_response,
)
from mentor.errors import InputError
from mentor.records import Record


class LabelDef(Strict):
    """One label of the taxonomy, with what it means and an optional group (e.g. safety, bias)."""

    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    group: str = ""


class ClassificationConfig(Strict):
    """Settings of a classification task: the taxonomy, and whether several labels may apply."""

    labels: list[LabelDef] = Field(min_length=1)
    multi: bool = False
    reason_required: list[str] = Field(
        default_factory=list,
        description="Labels that need a reason in the comment (e.g. fail in a pass/fail review).",
    )

    @model_validator(mode="before")
    @classmethod
    def _names(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("labels"), list):
            data = {
                **data,
                "labels": [{"name": x} if isinstance(x, str) else x for x in data["labels"]],
            }
        return data

    @model_validator(mode="after")
    def _known_reasons(self) -> ClassificationConfig:
        names = {x.name for x in self.labels}
        unknown = [n for n in self.reason_required if n not in names]
        if unknown:
            raise ValueError(f"reason_required names {unknown[0]!r}, which is not a label")
        return self


class ClassificationPayload(Strict):
    """The labels that apply (exactly one unless the project allows several) and a comment."""

    labels: list[str]
    comment: str = ""


def _names(config: dict[str, Any]) -> list[str]:
    return [x["name"] for x in config["labels"]]


class Classification(TaskTypeBase):
    """Label a prompt and response with classes or flags from a taxonomy."""

    name = "classification"
    title = "Classification and safety / bias flags"
    kinds = ("sft", "preference", "rating", "ranking")
    payload_model = ClassificationPayload
    config_model = ClassificationConfig
    templates = Path(__file__).parent / "templates" / "classification"

    def view(self, record: Record, config: dict[str, Any]) -> View:
        prompt, response = prompt_and_response(record)
        return {
            "prompt": prompt,
            "response": response,
            "labels": config["labels"],
            "multi": config.get("multi", False),
        }

    def read_form(self, form: FormFields) -> Payload:
        labels = [v for v in form.getlist("label") if isinstance(v, str) and v]
        return {"labels": labels, "comment": raw(form, "comment").strip()}

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> Payload:
        label = parse(ClassificationPayload, raw, where)
        names = _names(config)
        for i, name in enumerate(label.labels):
            if name not in names:
                raise InputError(
                    f"'{name}' is not in the taxonomy; expected one of {', '.join(names)}",
                    where=where,
                    field=f"labels.{i}",
                )
        if not config.get("multi") and len(set(label.labels)) != 1:
            raise InputError(
                f"expected exactly one label, got {len(set(label.labels))}",
                where=where,
                field="labels",
            )
        chosen = set(label.labels)
        needs = [n for n in config.get("reason_required", []) if n in chosen]
        if needs and not label.comment.strip():
            raise InputError(
                f"a '{needs[0]}' needs a reason: say why in the comment",
                where=where,
                field="comment",
            )
        return {"labels": [n for n in names if n in chosen], "comment": label.comment}

    def value(self, payload: Payload, field: str | None, config: dict[str, Any]) -> str:
        if field is not None:
            if field not in _names(config):
                raise InputError(f"no label '{field}' in the taxonomy", where="--field")
            return "yes" if field in payload["labels"] else "no"
        return "|".join(payload["labels"]) or "none"

    def aggregate(self, payloads: Sequence[Payload], config: dict[str, Any]) -> Payload:
        names = _names(config)
        if not config.get("multi"):
            return {"labels": [plurality([p["labels"][0] for p in payloads], names)]}
        half = len(payloads) / 2
        return {"labels": [n for n in names if sum(n in p["labels"] for p in payloads) > half]}

    def score(self, answer: Payload, payload: Payload, config: dict[str, Any]) -> float:
        gold, given = set(answer["labels"]), set(payload["labels"])
        return 1.0 if not gold | given else len(gold & given) / len(gold | given)

    def fields(self, config: dict[str, Any]) -> list[str]:
        return _names(config) if config.get("multi") else []

    def label_in_record(self, record: Record, config: dict[str, Any]) -> Payload | None:
        meta = record.get("meta", {})
        found = meta.get("labels", [meta["label"]] if "label" in meta else None)
        if not isinstance(found, list) or not set(found) <= set(_names(config)):
            return None
        return {"labels": [n for n in _names(config) if n in found], "comment": ""}
