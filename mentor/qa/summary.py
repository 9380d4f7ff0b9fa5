"""What a scan found, counted as the findings stream past: by check, severity and code.

The tally keeps counts, the distinct records and groups each check touched, and a handful of
the worst findings per check, never the findings themselves, so a summary of a scan of
millions of records fits in memory whatever the number of findings.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from mentor.qa.findings import SEVERITIES, Finding, Severity

RANK: dict[Severity, int] = {s: i for i, s in enumerate(SEVERITIES)}
WORST_PER_CHECK = 5


@dataclass(frozen=True)
class Summary:
    """Counts of one scan, by check.

    `by_severity`: findings per severity; `records_by_severity`: records per the severity of
    their worst finding; `affected`: records with a finding above ``info``; `groups`:
    distinct groups (duplicate clusters, evaluation items, intents).
    """

    target: str
    records: int
    checks: tuple[str, ...]
    by_severity: dict[str, dict[Severity, int]]
    by_code: dict[str, dict[str, int]]
    affected: dict[str, int]
    groups: dict[str, int]
    records_by_severity: dict[str, dict[Severity, int]]
    worst: dict[str, tuple[Finding, ...]]
    invalid_rows: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    """Figures about the whole corpus from checks that offer them (coverage distributions)."""

    @property
    def findings(self) -> int:
        """How many findings in all."""
        return sum(sum(counts.values()) for counts in self.by_severity.values())

    def count(self, check: str, at_least: Severity = "info") -> int:
        """Findings of `check` with severity `at_least` or worse."""
        counts = self.by_severity.get(check, {})
        return sum(n for sev, n in counts.items() if RANK[sev] <= RANK[at_least])

    def rate(self, check: str, at_least: Severity = "low") -> float:
        """The share of records with a finding of `check` of severity `at_least` or worse."""
        counts = self.records_by_severity.get(check, {})
        hit = sum(n for sev, n in counts.items() if RANK[sev] <= RANK[at_least])
        return hit / self.records if self.records else 0.0


class Tally:
    """Builds a :class:`Summary` from findings as they arrive."""

    def __init__(self, target: str, checks: tuple[str, ...]):
        self.target = target
        self.checks = checks
        self.records = 0
        self.invalid_rows = 0
        self.details: dict[str, Any] = {}
        self._severity: dict[str, Counter[Severity]] = defaultdict(Counter)
        self._code: dict[str, Counter[str]] = defaultdict(Counter)
        self._records: dict[str, dict[int, int]] = defaultdict(dict)
        self._groups: dict[str, set[str]] = defaultdict(set)
        self._worst: dict[str, list[tuple[int, int, Finding]]] = defaultdict(list)
        self._seen = 0

    def add(self, finding: Finding) -> None:
        """Count one finding."""
        check = finding.check
        self._severity[check][finding.severity] += 1
        self._code[check][finding.code] += 1
        if finding.record_id:
            # Hashes, not ids: a million ids would cost far more memory than the counts.
            worst = self._records[check]
            key, rank = hash(finding.record_id), RANK[finding.severity]
            worst[key] = min(rank, worst.get(key, rank))
        if finding.group is not None:
            self._groups[check].add(finding.group)
        self._seen += 1
        # A min-heap on (-rank, -seq) keeps the most severe, earliest findings.
        entry = (-RANK[finding.severity], -self._seen, finding)
        heap = self._worst[check]
        if len(heap) < WORST_PER_CHECK:
            heapq.heappush(heap, entry)
        elif entry[:2] > heap[0][:2]:
            heapq.heapreplace(heap, entry)

    def _by_worst(self, check: str) -> dict[Severity, int]:
        ranks = Counter(self._records[check].values())
        return {s: ranks[RANK[s]] for s in SEVERITIES if ranks[RANK[s]]}

    def summary(self) -> Summary:
        """The counts so far, with every check that ran present (even without findings)."""
        names = tuple(dict.fromkeys((*self.checks, *self._severity)))
        return Summary(
            target=self.target,
            records=self.records,
            checks=self.checks,
            by_severity={
                c: {s: self._severity[c][s] for s in SEVERITIES if self._severity[c][s]}
                for c in names
            },
            by_code={c: dict(self._code[c].most_common()) for c in names},
            affected={
                c: sum(1 for r in self._records[c].values() if r < RANK["info"]) for c in names
            },
            groups={c: len(self._groups[c]) for c in names},
            records_by_severity={c: self._by_worst(c) for c in names},
            worst={
                c: tuple(f for *_, f in sorted(self._worst[c], reverse=True))
                for c in names
                if self._worst[c]
            },
            invalid_rows=self.invalid_rows,
            details=dict(self.details),
        )


def worst_first(summary: Summary) -> list[Finding]:
    """The worst examples of every check together, most severe first."""
    found = [f for fs in summary.worst.values() for f in fs]
    return sorted(found, key=lambda f: RANK[f.severity])
