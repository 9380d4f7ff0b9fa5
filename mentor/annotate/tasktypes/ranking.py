"""Ranking: order N responses to one prompt from best to worst (responses shuffled per annotator).

A ranking lists response labels best first (``["C", "A", "B"]``); it is stored mapped back to the
record's own order. Labels aggregate by Borda count.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

from mentor.annotate.forms import MAX_ROWS, FormFields, raw, text
from mentor.annotate.tasks import (
    Keys,
    Payload,
    Strict,
    TaskTypeBase,
    View,
    letter,
    letter_index,
    parse,
)
from mentor.errors import InputError
from mentor.records import Record


class RankingConfig(Strict):
    """Settings of a ranking task: agreement on the full order or only on the best response."""

    agree_on: Literal["full", "top"] = "full"


class RankingPayload(Strict):
    """A ranking: every response label once, best first, and an optional rationale."""

    ranking: list[str]
    rationale: str = ""


class Ranking(TaskTypeBase):
    """Order several responses from best to worst."""

    name = "ranking"
    title = "Ranking of N responses"
    kinds = ("ranking",)
    payload_model = RankingPayload
    config_model = RankingConfig
    shuffled = True
    templates = Path(__file__).parent / "templates" / "ranking"
    keys = Keys(
        actions={"digit": ("rank",), "Backspace": ("unrank",)},
        help={"Backspace": "take the last pick back"},
    )

    def view(self, record: Record, config: dict[str, Any]) -> View:
        return {
            "prompt": record["prompt"],
            "responses": [
                {"label": letter(i), "messages": r} for i, r in enumerate(record["responses"])
            ],
        }

    def read_form(self, form: FormFields) -> Payload:
        ranking = []
        for place in range(1, MAX_ROWS):
            if f"rank-{place}" not in form:
                break
            ranking.append(text(form, f"rank-{place}"))
        return {
            "ranking": [label for label in ranking if label],
            "rationale": raw(form, "rationale"),
        }

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> Payload:
        label = parse(RankingPayload, raw, where)
        labels = [letter(i) for i in range(len(view["responses"]))]
        if sorted(label.ranking) != labels:
            raise InputError(
                f"expected each of {', '.join(labels)} exactly once, best first; "
                f"got {', '.join(label.ranking) or 'nothing'}",
                where=where,
                field="ranking",
            )
        return label.model_dump(mode="json")

    def unshow(self, payload: Payload, order: list[int]) -> Payload:
        shown = [letter_index(x, len(order), "payload", "ranking") for x in payload["ranking"]]
        return {**payload, "ranking": [letter(order[i]) for i in shown]}

    def show(self, payload: Payload, order: list[int]) -> Payload:
        true = [letter_index(x, len(order), "payload", "ranking") for x in payload["ranking"]]
        return {**payload, "ranking": [letter(order.index(i)) for i in true]}

    def value(self, payload: Payload, field: str | None, config: dict[str, Any]) -> str:
        ranking = payload["ranking"]
        top_only = field == "top" or (field is None and config.get("agree_on") == "top")
        return str(ranking[0]) if top_only else "".join(ranking)

    def aggregate(self, payloads: Sequence[Payload], config: dict[str, Any]) -> Payload:
        points: dict[str, int] = {}
        for p in payloads:
            for place, label in enumerate(p["ranking"]):
                points[label] = points.get(label, 0) + place
        return {"ranking": sorted(points, key=lambda label: (points[label], label))}

    def score(self, answer: Payload, payload: Payload, config: dict[str, Any]) -> float:
        gold = {label: i for i, label in enumerate(answer["ranking"])}
        given = {label: i for i, label in enumerate(payload["ranking"])}
        pairs = list(combinations(gold, 2))
        if not pairs:
            return 1.0
        same = sum((gold[a] < gold[b]) == (given[a] < given[b]) for a, b in pairs)
        return same / len(pairs)

    def fields(self, config: dict[str, Any]) -> list[str]:
        return ["top"]

    def label_in_record(self, record: Record, config: dict[str, Any]) -> Payload | None:
        if record.get("unranked"):
            return None
        return {"ranking": [letter(i) for i in record["ranking"]]}

    def release(self, record: Record, label: Payload, config: dict[str, Any]) -> Record:
        kept = {k: v for k, v in record.items() if k != "unranked"}
        return {**kept, "ranking": [ord(x) - ord("A") for x in label["ranking"]]}
