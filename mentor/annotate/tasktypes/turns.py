"""Multi-turn chats rated turn by turn: a score for each assistant turn, and one overall."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from statistics import median_low
from typing import Any

from pydantic import Field, model_validator

from mentor.annotate.forms import FormFields, raw, whole
from mentor.annotate.tasks import Payload, Strict, TaskTypeBase, View, parse
from mentor.errors import InputError
from mentor.records import Record

_TURN = re.compile(r"turn-(\d+)-rating")


class TurnsConfig(Strict):
    """Settings of a per-turn rating task: the scale, the agreement tolerance, an overall score."""

    min: int = 1
    max: int = 5
    tolerance: int = Field(default=1, ge=0)
    overall: bool = True

    @model_validator(mode="after")
    def _scale(self) -> TurnsConfig:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be above min ({self.min})")
        return self


class TurnRating(Strict):
    """The rating of one assistant turn (its index in the conversation)."""

    turn: int = Field(ge=0)
    rating: int
    comment: str = ""


class TurnsPayload(Strict):
    """A rating for every assistant turn, and an overall rating when the project asks for one."""

    turns: list[TurnRating]
    overall: int | None = None


class Turns(TaskTypeBase):
    """Rate each assistant turn of a multi-turn chat."""

    name = "turns"
    title = "Multi-turn chat with per-turn ratings"
    kinds = ("sft",)
    payload_model = TurnsPayload
    config_model = TurnsConfig
    templates = Path(__file__).parent / "templates" / "turns"

    def view(self, record: Record, config: dict[str, Any]) -> View:
        messages = record["messages"]
        turns = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
        if not turns:
            raise InputError(
                f"record '{record['id']}' has no assistant turn to rate", where="--from"
            )
        return {"messages": messages, "turns": turns, "scale": [config["min"], config["max"]]}

    def read_form(self, form: FormFields) -> Payload:
        turns = []
        for key in form:
            found = _TURN.fullmatch(key)
            if found is None:
                continue
            turn = int(found.group(1))
            rating = whole(form, key, f"turns.{turn}.rating")
            if rating is not None:
                comment = raw(form, f"turn-{turn}-comment").strip()
                turns.append({"turn": turn, "rating": rating, "comment": comment})
        payload: Payload = {"turns": sorted(turns, key=lambda t: t["turn"])}
        overall = whole(form, "overall", "overall")
        if overall is not None:
            payload["overall"] = overall
        return payload

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> Payload:
        label = parse(TurnsPayload, raw, where)
        lo, hi = config["min"], config["max"]
        assistant = set(view["turns"])  # a set: a chat may have many thousands of turns
        rated: dict[int, TurnRating] = {}
        for i, turn in enumerate(label.turns):
            if turn.turn not in assistant or turn.turn in rated:
                raise InputError(
                    f"turn {turn.turn} is not an assistant turn or is rated twice; the assistant "
                    f"turns are {', '.join(map(str, view['turns']))}",
                    where=where,
                    field=f"turns.{i}.turn",
                )
            if not lo <= turn.rating <= hi:
                raise InputError(
                    f"expected {lo}..{hi}, got {turn.rating}",
                    where=where,
                    field=f"turns.{i}.rating",
                )
            rated[turn.turn] = turn
        missing = [t for t in view["turns"] if t not in rated]
        if missing:
            raise InputError(
                f"turns {', '.join(map(str, missing))} have no rating", where=where, field="turns"
            )
        if config.get("overall", True) and label.overall is None:
            raise InputError(
                "this project asks for an overall rating", where=where, field="overall"
            )
        if label.overall is not None and not lo <= label.overall <= hi:
            raise InputError(
                f"expected {lo}..{hi}, got {label.overall}", where=where, field="overall"
            )
        turns = [rated[t].model_dump(mode="json") for t in view["turns"]]
        return {"turns": turns, **({"overall": label.overall} if label.overall is not None else {})}

    def _scores(self, payload: Payload) -> dict[str, int]:
        scores = {f"turn:{t['turn']}": int(t["rating"]) for t in payload["turns"]}
        if "overall" in payload:
            scores["overall"] = int(payload["overall"])
        return scores

    def agree(self, payloads: Sequence[Payload], config: dict[str, Any]) -> bool:
        tables = [self._scores(p) for p in payloads]
        for key in tables[0] if tables else ():
            values = [t[key] for t in tables if key in t]
            if max(values) - min(values) > int(config.get("tolerance", 1)):
                return False
        return True

    def aggregate(self, payloads: Sequence[Payload], config: dict[str, Any]) -> Payload:
        first = payloads[0]
        turns = [
            {
                "turn": t["turn"],
                "rating": median_low([p["turns"][i]["rating"] for p in payloads]),
                "comment": "",
            }
            for i, t in enumerate(first["turns"])
        ]
        overall = [p["overall"] for p in payloads if "overall" in p]
        return {"turns": turns, **({"overall": median_low(overall)} if overall else {})}

    def score(self, answer: Payload, payload: Payload, config: dict[str, Any]) -> float:
        gold, given = self._scores(answer), self._scores(payload)
        span = config["max"] - config["min"]
        gaps = [abs(v - given.get(k, v)) / span for k, v in gold.items()]
        return float(1.0 - sum(gaps) / len(gaps))

    def fields(self, config: dict[str, Any]) -> list[str]:
        return ["overall"] if config.get("overall", True) else []

    def value(self, payload: Payload, field: str | None, config: dict[str, Any]) -> int | str:
        scores = self._scores(payload)
        if field is None:
            return "|".join(f"{k}={v}" for k, v in scores.items())
        if field not in scores:
            raise InputError(f"no rating '{field}'; there are {', '.join(scores)}", where="--field")
        return scores[field]
