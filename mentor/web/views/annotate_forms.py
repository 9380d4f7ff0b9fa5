"""Task forms: the fields a task page posts, read into the payload a task type validates.

Parsing only: which fields the form has and how they make a payload. Whether the payload is a
valid label is for the task type to say (the SDK's ``validate`` names the field that is wrong),
so missing answers are left out rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from starlette.datastructures import FormData

from mentor.errors import InputError

Payload = dict[str, Any]
_MAX_ROWS: Final = 200
_TURN: Final = re.compile(r"turn-(\d+)-rating")


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _raw(form: FormData, key: str) -> str:
    """A text area's value as typed (only line endings normalised)."""
    value = form.get(key)
    return value.replace("\r\n", "\n") if isinstance(value, str) else ""


def _int(form: FormData, key: str, field: str) -> int | None:
    value = _text(form, key)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InputError(f"expected a whole number, got {value!r:.40}", field=field) from None


def _pairwise(form: FormData) -> Payload:
    payload: Payload = {"rationale": _raw(form, "rationale").strip()}
    if _text(form, "choice"):
        payload["choice"] = _text(form, "choice")
    strength = _int(form, "strength", "strength")
    if strength is not None and payload.get("choice") != "tie":
        payload["strength"] = strength
    return payload


def _ranking(form: FormData) -> Payload:
    ranking = []
    for place in range(1, _MAX_ROWS):
        if f"rank-{place}" not in form:
            break
        ranking.append(_text(form, f"rank-{place}"))
    return {"ranking": [label for label in ranking if label], "rationale": _raw(form, "rationale")}


def _rubric(form: FormData) -> Payload:
    scores = {}
    for key in form:
        if key.startswith("score-"):
            name = key.removeprefix("score-")
            score = _int(form, key, f"scores.{name}")
            if score is not None:
                scores[name] = score
    return {"scores": scores, "comment": _raw(form, "comment").strip()}


def _sft(form: FormData) -> Payload:
    return {"response": _raw(form, "response"), "rationale": _raw(form, "rationale").strip()}


def _spans(form: FormData) -> Payload:
    spans = []
    for i in range(_MAX_ROWS):
        if f"span-{i}-start" not in form:
            break
        start = _int(form, f"span-{i}-start", f"spans.{i}.start")
        end = _int(form, f"span-{i}-end", f"spans.{i}.end")
        if start is None and end is None:
            continue  # a blank row of the form
        span: Payload = {"start": start, "end": end, "label": _text(form, f"span-{i}-label")}
        for part in ("category", "correction"):
            if _text(form, f"span-{i}-{part}"):
                span[part] = _text(form, f"span-{i}-{part}")
        spans.append(span)
    return {"spans": spans, "comment": _raw(form, "comment").strip()}


def _classification(form: FormData) -> Payload:
    labels = [v for v in form.getlist("label") if isinstance(v, str) and v]
    return {"labels": labels, "comment": _raw(form, "comment").strip()}


def _factcheck(form: FormData) -> Payload:
    given = _int(form, "claims-given", "claims-given") or 0
    claims = []
    for i in range(_MAX_ROWS):
        if f"claim-{i}-evidence" not in form:
            break
        claim: Payload = {"evidence": _raw(form, f"claim-{i}-evidence").strip()}
        if _text(form, f"claim-{i}-verdict"):
            claim["verdict"] = _text(form, f"claim-{i}-verdict")
        if i >= given:  # a claim the annotator writes; blank rows are left out
            if not _text(form, f"claim-{i}-text") and "verdict" not in claim:
                continue
            claim["claim"] = _text(form, f"claim-{i}-text")
        claims.append(claim)
    return {"claims": claims}


def _turns(form: FormData) -> Payload:
    turns = []
    for key in form:
        found = _TURN.fullmatch(key)
        if found is None:
            continue
        turn = int(found.group(1))
        rating = _int(form, key, f"turns.{turn}.rating")
        if rating is not None:
            comment = _raw(form, f"turn-{turn}-comment").strip()
            turns.append({"turn": turn, "rating": rating, "comment": comment})
    payload: Payload = {"turns": sorted(turns, key=lambda t: t["turn"])}
    overall = _int(form, "overall", "overall")
    if overall is not None:
        payload["overall"] = overall
    return payload


READERS: Final[dict[str, Callable[[FormData], Payload]]] = {
    "pairwise": _pairwise,
    "ranking": _ranking,
    "rubric": _rubric,
    "sft": _sft,
    "spans": _spans,
    "classification": _classification,
    "factcheck": _factcheck,
    "turns": _turns,
}


def payload_from_form(task_type: str, form: FormData) -> Payload:
    """The label a task form posted, as the task type's payload (not yet validated)."""
    reader = READERS.get(task_type)
    if reader is None:
        raise InputError(
            f"the web pages have no form for task type '{task_type}'; label it through the SDK",
            field="task_type",
        )
    return reader(form)


def client_id(form: FormData) -> str:
    """The id the form was rendered with (a retry of the same form sends it again)."""
    value = _text(form, "client_id")
    if not value:
        raise InputError(
            "the form has no client id; reload the page and send it again", field="client_id"
        )
    return value
