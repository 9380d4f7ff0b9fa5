"""Coverage: what a dataset is made of, and whether its priority intents are there in number.

Counts records by intent, language (detected offline when a record has none, see
:mod:`mentor.qa.language`), source and length. :meth:`CoverageCheck.summary` returns these
distributions for a report to chart.

Given a priority-intent file, each intent with fewer records than its minimum is a finding:
``intent-missing`` (high) when it has none at all, ``intent-below-minimum`` (medium) when it has
some. Such findings are about the dataset, not one record: their `record_id` is empty and their
`group` is the intent. The file is YAML (a list of intents, or intent -> minimum) or text, one
intent a line with an optional minimum after it, ``#`` starting a comment::

    billing-dispute: 50
    refund request 20
    password reset

Intents match case-insensitively. Without a minimum an intent needs `default_minimum` records.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

import yaml

from mentor import yamlfile
from mentor.errors import ConfigError, InputError
from mentor.qa.findings import Finding, Severity
from mentor.qa.language import UNDETERMINED, detect_all
from mentor.qa.text import prompt_text, text_length, texts
from mentor.records import Record

NONE: Final = "(none)"
_LINE: Final = re.compile(r"^(?P<intent>.+?)(?:\s*[:,=\t ]\s*(?P<minimum>-?\d+))?$")


@dataclass(frozen=True, slots=True)
class CoverageConfig:
    """Where the priority intents are, and how records are bucketed.

    `priorities` is the path of a priority-intent file (None: no intent findings).
    `length_buckets` are the upper bounds, in characters of all of a record's text, of every
    length bucket but the last. Languages are detected for records without one unless
    `detect_language` is off; a detection less sure than `min_confidence` counts as ``und``.
    """

    priorities: str | Path | None = None
    default_minimum: int = 1
    length_buckets: tuple[int, ...] = (256, 1024, 4096, 16384)
    detect_language: bool = True
    min_confidence: float = 0.1

    def __post_init__(self) -> None:
        buckets = tuple(int(b) for b in self.length_buckets)
        if not buckets or list(buckets) != sorted(set(buckets)) or buckets[0] <= 0:
            raise ConfigError(
                f"coverage: length_buckets must be increasing positive numbers, got {buckets}"
            )
        object.__setattr__(self, "length_buckets", buckets)
        if self.default_minimum < 0:
            raise ConfigError("coverage: default_minimum cannot be negative")


@dataclass(frozen=True, slots=True)
class PriorityIntent:
    """An intent the dataset must cover, with the fewest records that is enough."""

    intent: str
    minimum: int


@dataclass(frozen=True, slots=True)
class IntentCoverage:
    """How many records a priority intent has against its minimum."""

    intent: str
    minimum: int
    count: int

    @property
    def met(self) -> bool:
        """Whether the intent has at least its minimum."""
        return self.count >= self.minimum


@dataclass(frozen=True, slots=True)
class CoverageSummary:
    """The dataset's distributions, each from label to record count (largest first; lengths
    in bucket order), and the coverage of each priority intent."""

    records: int
    intents: dict[str, int]
    languages: dict[str, int]
    detected_languages: int  # records whose language was detected, not given
    sources: dict[str, int]
    lengths: dict[str, int]
    priorities: tuple[IntentCoverage, ...]


@dataclass(frozen=True, slots=True)
class _Facts:
    intent: str
    language: str
    detected: bool
    source: str
    bucket: int


def _minimum(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"a minimum must be a whole number >= 0, got {value!r:.40}", where=where)
    return value


def _yaml_priorities(data: Any, where: str, default: int) -> list[PriorityIntent]:
    if isinstance(data, dict):
        data = [{k: v} for k, v in data.items()]
    if not isinstance(data, list):
        raise InputError(
            "expected a list of intents or a mapping of intent -> minimum", where=where
        )
    found = []
    for i, item in enumerate(data, 1):
        if isinstance(item, str):
            found.append(PriorityIntent(item.strip(), default))
        elif isinstance(item, dict) and "intent" in item:
            minimum = item.get("min", item.get("minimum", default))
            found.append(PriorityIntent(str(item["intent"]), _minimum(minimum, f"{where}[{i}]")))
        elif isinstance(item, dict) and len(item) == 1:
            [(name, minimum)] = item.items()
            minimum = default if minimum is None else minimum
            found.append(PriorityIntent(str(name), _minimum(minimum, f"{where}: {name}")))
        else:
            raise InputError(f"entry {i} is not an intent: {item!r:.60}", where=where)
    return found


def read_priorities(path: str | Path, default_minimum: int = 1) -> tuple[PriorityIntent, ...]:
    """The priority intents of a YAML or text file (see the module's docs for the format)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the priority-intent file: {exc}", where=str(path)) from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yamlfile.load(raw, str(path)) or []
        except yaml.YAMLError as exc:
            raise InputError(f"not valid YAML: {exc}", where=str(path)) from exc
        found = _yaml_priorities(data, str(path), default_minimum)
    else:
        found = []
        for number, line in enumerate(raw.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            m = _LINE.match(line)
            if m:
                minimum = m["minimum"]
                where = f"{path}:{number}"
                value = default_minimum if minimum is None else _minimum(int(minimum), where)
                found.append(PriorityIntent(m["intent"].strip(), value))
    seen: set[str] = set()
    for p in found:
        if not p.intent or p.intent.casefold() in seen:
            raise InputError(f"intent {p.intent!r} is empty or listed twice", where=str(path))
        seen.add(p.intent.casefold())
    return tuple(found)


def _ranked(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _detection_text(rec: Record) -> str:
    """What a record's language is detected from: its prompt, else its first text."""
    return prompt_text(rec) or next((t for _, t in texts(rec)), "")


def _size(n: int) -> str:
    return f"{n // 1024}k" if n % 1024 == 0 else str(n)


class CoverageCheck:
    """Distributions by intent, language, source and length; priority intents below minimum."""

    name = "coverage"

    def __init__(self, config: CoverageConfig = CoverageConfig()) -> None:
        self.config = config
        self.priorities: tuple[PriorityIntent, ...] = (
            read_priorities(config.priorities, config.default_minimum)
            if config.priorities is not None
            else ()
        )
        bounds = config.length_buckets
        self.bucket_labels = (
            [f"<{_size(bounds[0])}"]
            + [f"{_size(a)}-{_size(b)}" for a, b in pairwise(bounds)]
            + [f">={_size(bounds[-1])}"]
        )
        self._records = self._detected = 0
        self._intents: Counter[str] = Counter()
        self._languages: Counter[str] = Counter()
        self._sources: Counter[str] = Counter()
        self._lengths = [0] * len(self.bucket_labels)

    def _facts(self, rec: Record, detected: str) -> _Facts:
        length = text_length(rec)
        bucket = next((i for i, b in enumerate(self.config.length_buckets) if length < b), -1)
        language = rec.get("language")
        return _Facts(
            str(rec.get("intent") or NONE).strip(),
            str(language or detected).strip().lower(),
            not language,
            str(rec.get("source") or NONE),
            bucket,
        )

    def prepare(self, batch: list[Record]) -> list[_Facts]:
        """Each record's intent, language (detected if need be), source and length bucket.

        The languages a batch lacks are detected together, which costs far less than one by
        one (see :func:`mentor.qa.language.detect_all`).
        """
        unknown = [i for i, rec in enumerate(batch) if not rec.get("language")]
        detected = [UNDETERMINED] * len(batch)
        if unknown and self.config.detect_language:
            found = detect_all(
                [_detection_text(batch[i]) for i in unknown],
                min_confidence=self.config.min_confidence,
            )
            for i, language in zip(unknown, found, strict=True):
                detected[i] = language
        return [self._facts(rec, language) for rec, language in zip(batch, detected, strict=True)]

    def absorb(self, prepared: list[_Facts]) -> list[Finding]:
        """Count the batch; coverage has no findings until the end."""
        for facts in prepared:
            self._records += 1
            self._detected += facts.detected
            self._intents[facts.intent] += 1
            self._languages[facts.language] += 1
            self._sources[facts.source] += 1
            self._lengths[facts.bucket] += 1
        return []

    def _coverage(self) -> tuple[IntentCoverage, ...]:
        by_key = Counter[str]()
        for intent, count in self._intents.items():
            by_key[intent.casefold()] += count
        return tuple(
            IntentCoverage(p.intent, p.minimum, by_key[p.intent.casefold()])
            for p in self.priorities
        )

    def finish(self) -> list[Finding]:
        """A finding for each priority intent with fewer records than its minimum."""
        found = []
        for c in self._coverage():
            if c.met:
                continue
            missing = c.count == 0
            code = "intent-missing" if missing else "intent-below-minimum"
            severity: Severity = "high" if missing else "medium"
            what = "has no records" if missing else f"has {c.count} record(s)"
            found.append(
                Finding(
                    "",
                    self.name,
                    code,
                    severity,
                    f"priority intent {c.intent!r} {what}; {c.minimum} wanted",
                    evidence=f"{c.count}/{c.minimum}",
                    group=c.intent,
                )
            )
        return found

    def summary(self) -> CoverageSummary:
        """The distributions so far (complete once every batch is absorbed)."""
        return CoverageSummary(
            self._records,
            _ranked(self._intents),
            _ranked(self._languages),
            self._detected,
            _ranked(self._sources),
            dict(zip(self.bucket_labels, self._lengths, strict=True)),
            self._coverage(),
        )
