"""Span labels on a response: hallucinations, unsafe content, PII, with a category and correction.

Spans are character offsets into the response text. Two spans match when they carry the same
label and overlap by at least `iou` (intersection over union); annotators agree when their spans
match one to one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from mentor.annotate.forms import MAX_ROWS, FormFields, raw, text, whole
from mentor.annotate.tasks import (
    Keys,
    Payload,
    Strict,
    TaskTypeBase,
    View,
    parse,
    plurality,
    prompt_and_response,
    text_of,
)
from mentor.errors import InputError
from mentor.records import Record


class SpanLabel(Strict):
    """A kind of span, what it means and the categories it may carry."""

    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    categories: list[str] = Field(default_factory=list)


def _default_labels() -> list[SpanLabel]:
    return [
        SpanLabel(name="hallucination", description="A claim the context does not support"),
        SpanLabel(name="unsafe", description="Harmful or policy-violating content"),
        SpanLabel(name="pii", description="Personal data about a real person"),
    ]


class SpansConfig(Strict):
    """Settings of a span task: the span labels and the overlap two matching spans need."""

    labels: list[SpanLabel] = Field(default_factory=_default_labels, min_length=1)
    iou: float = Field(default=0.5, gt=0, le=1)


class Span(Strict):
    """One span: [start, end) in the response text, its label, category and correction."""

    start: int = Field(ge=0)
    end: int = Field(ge=1)
    label: str
    category: str | None = None
    correction: str | None = None
    quote: str | None = None


class SpansPayload(Strict):
    """The spans marked on a response (none is a valid answer)."""

    spans: list[Span] = Field(default_factory=list, max_length=MAX_ROWS)  # as many as the form
    comment: str = ""


def _iou(a: Payload, b: Payload) -> float:
    inter = min(a["end"], b["end"]) - max(a["start"], b["start"])
    union = max(a["end"], b["end"]) - min(a["start"], b["start"])
    return float(max(inter, 0) / union)


def _matched(a: Sequence[Payload], b: Sequence[Payload], iou: float) -> int:
    """How many spans of `a` pair off one to one with a matching span of `b`."""
    free = list(b)
    count = 0
    for span in a:
        hit = next((s for s in free if s["label"] == span["label"] and _iou(s, span) >= iou), None)
        if hit is not None:
            free.remove(hit)
            count += 1
    return count


class Spans(TaskTypeBase):
    """Mark spans of a response with a label, category and correction."""

    name = "spans"
    title = "Span labels on a response"
    kinds = ("sft", "preference", "rating")
    payload_model = SpansPayload
    config_model = SpansConfig
    templates = Path(__file__).parent / "templates" / "spans"
    keys = Keys(
        actions={"digit": ("label-span", "pick")},
        help={"1…9": "after selecting response text: give it that label"},
    )

    def view(self, record: Record, config: dict[str, Any]) -> View:
        prompt, response = prompt_and_response(record)
        text = text_of(response)
        if not text:
            raise InputError(
                f"record '{record['id']}' has no response text to mark", where="--from"
            )
        return {"prompt": prompt, "text": text, "labels": config["labels"]}

    def read_form(self, form: FormFields) -> Payload:
        spans = []
        for i in range(MAX_ROWS):
            if f"span-{i}-start" not in form:
                break
            start = whole(form, f"span-{i}-start", f"spans.{i}.start")
            end = whole(form, f"span-{i}-end", f"spans.{i}.end")
            if start is None and end is None:
                continue  # a blank row of the form
            span: Payload = {"start": start, "end": end, "label": text(form, f"span-{i}-label")}
            for part in ("category", "correction"):
                if text(form, f"span-{i}-{part}"):
                    span[part] = text(form, f"span-{i}-{part}")
            spans.append(span)
        return {"spans": spans, "comment": raw(form, "comment").strip()}

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> Payload:
        label = parse(SpansPayload, raw, where)
        defs = {d["name"]: d for d in config["labels"]}
        text = view["text"]
        spans: list[Payload] = []
        for i, span in enumerate(label.spans):
            if not span.start < span.end <= len(text):
                raise InputError(
                    f"expected start < end <= {len(text)} (the response length), "
                    f"got {span.start}..{span.end}",
                    where=where,
                    field=f"spans.{i}.end",
                )
            if span.label not in defs:
                raise InputError(
                    f"'{span.label}' is not a span label; expected one of {', '.join(defs)}",
                    where=where,
                    field=f"spans.{i}.label",
                )
            allowed = defs[span.label]["categories"]
            if span.category is not None and allowed and span.category not in allowed:
                raise InputError(
                    f"'{span.category}' is not a category of {span.label}; expected one of "
                    f"{', '.join(allowed)}",
                    where=where,
                    field=f"spans.{i}.category",
                )
            if any(
                (s["start"], s["end"], s["label"]) == (span.start, span.end, span.label)
                for s in spans
            ):
                raise InputError(
                    f"the {span.label} span {span.start}..{span.end} is given twice",
                    where=where,
                    field=f"spans.{i}",
                )
            span.quote = text[span.start : span.end]
            spans.append(span.model_dump(mode="json", exclude_none=True))
        spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
        return {"spans": spans, "comment": label.comment}

    def agree(self, payloads: Sequence[Payload], config: dict[str, Any]) -> bool:
        iou = float(config.get("iou", 0.5))
        first = payloads[0]["spans"] if payloads else []
        return all(
            len(p["spans"]) == len(first) == _matched(first, p["spans"], iou) for p in payloads
        )

    def aggregate(self, payloads: Sequence[Payload], config: dict[str, Any]) -> Payload:
        iou = float(config.get("iou", 0.5))
        groups: list[list[Payload]] = []
        for payload in payloads:
            for span in payload["spans"]:
                home = next(
                    (
                        g
                        for g in groups
                        if g[0]["label"] == span["label"] and _iou(g[0], span) >= iou
                    ),
                    None,
                )
                if home is None:
                    groups.append([span])
                else:
                    home.append(span)
        kept = []
        for group in groups:
            if len(group) * 2 > len(payloads):
                where = plurality([(s["start"], s["end"]) for s in group])
                kept.append(next(s for s in group if (s["start"], s["end"]) == where))
        kept.sort(key=lambda s: (s["start"], s["end"], s["label"]))
        return {"spans": kept}

    def score(self, answer: Payload, payload: Payload, config: dict[str, Any]) -> float:
        gold, given = answer["spans"], payload["spans"]
        if not gold and not given:
            return 1.0
        hits = _matched(gold, given, float(config.get("iou", 0.5)))
        return 2 * hits / (len(gold) + len(given))

    def fields(self, config: dict[str, Any]) -> list[str]:
        return [d["name"] for d in config["labels"]]

    def value(self, payload: Payload, field: str | None, config: dict[str, Any]) -> str:
        labels = {s["label"] for s in payload["spans"]}
        if field is not None:
            return "yes" if field in labels else "no"
        return "|".join(sorted(labels)) or "none"
