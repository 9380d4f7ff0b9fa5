"""Fact-check: the claims a response makes, each supported, contradicted or unverifiable, with
evidence. Claims come from the record (``meta.claims``) or are written by the annotator."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from mentor.annotate.forms import MAX_ROWS, FormFields, raw, text, whole
from mentor.annotate.tasks import (
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

Verdict = Literal["supported", "contradicted", "unverifiable"]
VERDICTS = ("supported", "contradicted", "unverifiable")
_SPACE = re.compile(r"\s+")


class Claim(Strict):
    """One claim with its verdict and the evidence for it (a quote, a URL)."""

    claim: str | None = None
    verdict: Verdict
    evidence: str = ""


class FactCheckPayload(Strict):
    """The verdict on each claim (in the record's order when the record lists its claims)."""

    claims: list[Claim] = Field(default_factory=list, max_length=MAX_ROWS)  # as many as the form


def _key(claim: str) -> str:
    return _SPACE.sub(" ", claim).strip().lower()


def _verdicts(payload: Payload) -> dict[str, str]:
    return {_key(c["claim"]): c["verdict"] for c in payload["claims"]}


class FactCheck(TaskTypeBase):
    """Check each claim of a response against evidence."""

    name = "factcheck"
    title = "Fact-check of claims"
    kinds = ("sft", "preference", "rating")
    payload_model = FactCheckPayload
    templates = Path(__file__).parent / "templates" / "factcheck"

    def view(self, record: Record, config: dict[str, Any]) -> View:
        prompt, response = prompt_and_response(record)
        claims = record.get("meta", {}).get("claims", [])
        if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
            raise InputError(
                f"record '{record['id']}': meta.claims should be a list of strings", where="--from"
            )
        return {"prompt": prompt, "text": text_of(response), "claims": claims, "verdicts": VERDICTS}

    def read_form(self, form: FormFields) -> Payload:
        given = whole(form, "claims-given", "claims-given") or 0
        claims = []
        for i in range(MAX_ROWS):
            if f"claim-{i}-evidence" not in form:
                break
            claim: Payload = {"evidence": raw(form, f"claim-{i}-evidence").strip()}
            if text(form, f"claim-{i}-verdict"):
                claim["verdict"] = text(form, f"claim-{i}-verdict")
            if i >= given:  # a claim the annotator writes; blank rows are left out
                if not text(form, f"claim-{i}-text") and "verdict" not in claim:
                    continue
                claim["claim"] = text(form, f"claim-{i}-text")
            claims.append(claim)
        return {"claims": claims}

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> Payload:
        label = parse(FactCheckPayload, raw, where)
        given = view["claims"]
        if given and len(label.claims) != len(given):
            raise InputError(
                f"expected a verdict for each of the {len(given)} claims, got {len(label.claims)}",
                where=where,
                field="claims",
            )
        out = []
        for i, claim in enumerate(label.claims):
            text = claim.claim if claim.claim is not None else (given[i] if given else "")
            if given and _key(text) != _key(given[i]):
                raise InputError(
                    f"expected the claim {given[i]!r:.80} here",
                    where=where,
                    field=f"claims.{i}.claim",
                )
            if not text.strip():
                raise InputError(
                    "write the claim being checked", where=where, field=f"claims.{i}.claim"
                )
            out.append({"claim": text, "verdict": claim.verdict, "evidence": claim.evidence})
        return {"claims": out}

    def value(self, payload: Payload, field: str | None, config: dict[str, Any]) -> str:
        verdicts = _verdicts(payload)
        if field is not None:
            return verdicts.get(_key(field), "absent")
        return "|".join(f"{k}={v}" for k, v in sorted(verdicts.items())) or "none"

    def aggregate(self, payloads: Sequence[Payload], config: dict[str, Any]) -> Payload:
        claims: dict[str, list[dict[str, Any]]] = {}
        for payload in payloads:
            for claim in payload["claims"]:
                claims.setdefault(_key(claim["claim"]), []).append(claim)
        out = []
        for group in claims.values():
            if len(group) * 2 > len(payloads):
                verdict = plurality([c["verdict"] for c in group], VERDICTS)
                first = next(c for c in group if c["verdict"] == verdict)
                out.append(
                    {"claim": group[0]["claim"], "verdict": verdict, "evidence": first["evidence"]}
                )
        return {"claims": out}

    def score(self, answer: Payload, payload: Payload, config: dict[str, Any]) -> float:
        gold, given = _verdicts(answer), _verdicts(payload)
        if not gold:
            return 1.0 if not given else 0.0
        return sum(given.get(k) == v for k, v in gold.items()) / len(gold)
