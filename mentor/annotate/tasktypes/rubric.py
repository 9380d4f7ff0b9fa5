"""Rubric rating: score one response on several criteria, each on its own defined scale."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from statistics import median_low
from typing import Any

from pydantic import Field, model_validator

from mentor.annotate.forms import FormFields, raw, whole
from mentor.annotate.tasks import (
    Payload,
    Strict,
    TaskTypeBase,
    View,
    canonical,
    metadata,
    parse,
    prompt_and_response,
)
from mentor.errors import InputError
from mentor.records import Record


class Criterion(Strict):
    """One criterion: its name, what it means, its scale and what the points mean."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
    description: str = ""
    min: int = 1
    max: int = 5
    labels: dict[int, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _scale(self) -> Criterion:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be above min ({self.min})")
        return self


class RubricConfig(Strict):
    """Settings of a rubric task: the criteria, and how far apart two scores may be and agree."""

    criteria: list[Criterion] = Field(min_length=1)
    tolerance: int = Field(default=1, ge=0)

    @model_validator(mode="after")
    def _unique(self) -> RubricConfig:
        names = [c.name for c in self.criteria]
        if len(set(names)) != len(names):
            raise ValueError(f"criterion names repeat: {', '.join(names)}")
        return self


class RubricPayload(Strict):
    """A rubric label: a whole-number score per criterion and an optional comment."""

    scores: dict[str, int]
    comment: str = ""


class Rubric(TaskTypeBase):
    """Rate a response on each criterion of a rubric."""

    name = "rubric"
    title = "Multi-criterion rubric rating"
    kinds = ("rating", "sft", "preference")
    payload_model = RubricPayload
    config_model = RubricConfig
    templates = Path(__file__).parent / "templates" / "rubric"

    def view(self, record: Record, config: dict[str, Any]) -> View:
        prompt, response = prompt_and_response(record)
        if not response:
            raise InputError(
                f"record '{record['id']}' has no assistant response to rate", where="--from"
            )
        return {"prompt": prompt, "response": response, "criteria": config["criteria"]}

    def read_form(self, form: FormFields) -> Payload:
        scores = {}
        for key in form:
            if key.startswith("score-"):
                name = key.removeprefix("score-")
                score = whole(form, key, f"scores.{name}")
                if score is not None:
                    scores[name] = score
        return {"scores": scores, "comment": raw(form, "comment").strip()}

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> Payload:
        label = parse(RubricPayload, raw, where)
        criteria = RubricConfig.model_validate(config).criteria
        unknown = label.scores.keys() - {c.name for c in criteria}
        if unknown:
            raise InputError(
                f"no such criterion; the criteria are {', '.join(c.name for c in criteria)}",
                where=where,
                field=f"scores.{sorted(unknown)[0]}",
            )
        for c in criteria:
            score = label.scores.get(c.name)
            if score is None:
                raise InputError(
                    "every criterion needs a score", where=where, field=f"scores.{c.name}"
                )
            if not c.min <= score <= c.max:
                raise InputError(
                    f"expected {c.min}..{c.max}, got {score}", where=where, field=f"scores.{c.name}"
                )
        return {
            "scores": {c.name: label.scores[c.name] for c in criteria},
            "comment": label.comment,
        }

    def agree(self, payloads: Sequence[Payload], config: dict[str, Any]) -> bool:
        tolerance = int(config.get("tolerance", 1))
        for name in self.fields(config):
            scores = [p["scores"][name] for p in payloads]
            if scores and max(scores) - min(scores) > tolerance:
                return False
        return True

    def aggregate(self, payloads: Sequence[Payload], config: dict[str, Any]) -> Payload:
        return {
            "scores": {
                name: median_low([p["scores"][name] for p in payloads])
                for name in self.fields(config)
            }
        }

    def score(self, answer: Payload, payload: Payload, config: dict[str, Any]) -> float:
        criteria = RubricConfig.model_validate(config).criteria
        gaps = [
            abs(answer["scores"][c.name] - payload["scores"][c.name]) / (c.max - c.min)
            for c in criteria
        ]
        return float(1.0 - sum(gaps) / len(gaps))

    def fields(self, config: dict[str, Any]) -> list[str]:
        return [c["name"] for c in config["criteria"]]

    def value(self, payload: Payload, field: str | None, config: dict[str, Any]) -> int | str:
        if field is None:
            return canonical(payload["scores"]).decode()
        if field not in payload["scores"]:
            raise InputError(
                f"no criterion '{field}'; the criteria are {', '.join(self.fields(config))}",
                where="--field",
            )
        return int(payload["scores"][field])

    def label_in_record(self, record: Record, config: dict[str, Any]) -> Payload | None:
        scores = record.get("scores")
        if not isinstance(scores, dict):
            return None
        criteria = RubricConfig.model_validate(config).criteria
        if not all(isinstance(scores.get(c.name), int) for c in criteria):
            return None
        if not all(c.min <= scores[c.name] <= c.max for c in criteria):
            return None
        return {"scores": {c.name: scores[c.name] for c in criteria}, "comment": ""}

    def release(self, record: Record, label: Payload, config: dict[str, Any]) -> Record:
        prompt, response = prompt_and_response(record)
        return {
            "id": record["id"],
            "kind": "rating",
            "prompt": prompt,
            "response": response,
            "scores": dict(label["scores"]),
            **metadata(record),
        }
