"""PII: personal data and secrets in a record's texts, each with its kind, span and severity.

Structured kinds are found by pattern and checked by checksum or numbering rules (emails,
phone numbers via `phonenumbers`, card numbers, IBANs, US SSNs, UK NI numbers, IP addresses)
and secrets by their vendors' formats (cloud and API keys, tokens, private keys, JWTs,
passwords in URLs). Names and places need a model: the optional NER extra, off by default.
Severities are in :mod:`mentor.qa.pii.kinds`. Evidence is masked: a finding never repeats the
value it reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from mentor.errors import ConfigError
from mentor.qa.findings import Finding, Span
from mentor.qa.pii.detection import Detection
from mentor.qa.pii.evidence import mask
from mentor.qa.pii.kinds import KINDS, NER_KINDS, kind
from mentor.qa.pii.ner import DEFAULT_MODEL, find_entities
from mentor.qa.pii.phones import DEFAULT_REGIONS
from mentor.qa.pii.scanner import find_pii
from mentor.qa.text import texts
from mentor.records import Record

NAME: Final = "pii"


@dataclass(frozen=True, slots=True)
class PiiConfig:
    """What the PII check looks for.

    `kinds` limits findings to those codes (all kinds when None); `regions` are the ISO
    regions a phone number without a country code is tried in; `ner` turns on names and
    places through the NER extra, with the spaCy pipeline `ner_model`.
    """

    kinds: frozenset[str] | None = None
    regions: tuple[str, ...] = DEFAULT_REGIONS
    ner: bool = False
    ner_model: str = DEFAULT_MODEL

    def __post_init__(self) -> None:
        # Options given on the command line arrive as "email,phone" or a YAML list.
        if self.kinds is not None:
            object.__setattr__(self, "kinds", frozenset(_names(self.kinds)))
        object.__setattr__(self, "regions", tuple(r.upper() for r in _names(self.regions)))
        unknown = sorted((self.kinds or frozenset()) - KINDS.keys())
        if unknown:
            raise ConfigError(
                f"unknown PII kind(s) {', '.join(unknown)}; known: {', '.join(sorted(KINDS))}"
            )


def _names(value: str | Iterable[str]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(item).strip() for item in items if str(item).strip()]


def _finding(record_id: str, path: str, text: str, det: Detection) -> Finding:
    k = kind(det.code)
    value = text[det.start : det.end]
    detail = f" ({det.detail})" if det.detail else ""
    return Finding(
        record_id=record_id,
        check=NAME,
        code=det.code,
        severity=k.severity,
        message=f"{k.label}{detail} in {path}",
        span=Span(path, det.start, det.end),
        evidence=mask(det.code, value),
    )


def scan_record(rec: Record, config: PiiConfig = PiiConfig()) -> list[Finding]:
    """The PII findings of one record, in field order then position."""
    record_id = str(rec.get("id", ""))
    wants_ner = config.ner and (config.kinds is None or bool(config.kinds & NER_KINDS))
    out: list[Finding] = []
    for path, text in texts(rec):
        found = find_pii(text, config.kinds, config.regions)
        if wants_ner:
            found = _with_entities(text, found, config)
        for det in found:
            out.append(_finding(record_id, path, text, det))
    return out


def _with_entities(text: str, found: list[Detection], config: PiiConfig) -> list[Detection]:
    """Add NER names and places that do not overlap a structured finding."""
    extra = [
        e
        for e in find_entities(text, config.ner_model)
        if (config.kinds is None or e.code in config.kinds)
        and all(e.end <= d.start or d.end <= e.start for d in found)
    ]
    return sorted(found + extra, key=lambda d: d.start) if extra else found


class PiiCheck:
    """Personal data and secrets in record texts (per record: all work is in `prepare`)."""

    name = NAME

    def __init__(self, config: PiiConfig = PiiConfig()) -> None:
        self.config = config

    def prepare(self, batch: Sequence[Record]) -> list[Finding]:
        """Scan one batch (in a worker process)."""
        out: list[Finding] = []
        for rec in batch:
            out += scan_record(rec, self.config)
        return out

    def absorb(self, prepared: list[Finding]) -> list[Finding]:
        """Hand the batch's findings on as they are."""
        return prepared

    def finish(self) -> list[Finding]:
        """Nothing needs the whole corpus."""
        return []
