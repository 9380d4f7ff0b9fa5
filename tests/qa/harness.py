"""Running one check the way a scan does, for the check tests."""

from __future__ import annotations

import pickle

from mentor.qa.checks.base import Check
from mentor.qa.findings import Finding
from mentor.records import Record


def scan(check: Check, records: list[Record], batch_size: int = 1000) -> list[Finding]:
    """As a scan runs a check: prepare on a pickled copy (a worker), absorb here in order."""
    worker = pickle.loads(pickle.dumps(check))
    found: list[Finding] = []
    for start in range(0, len(records), batch_size):
        prepared = pickle.loads(pickle.dumps(worker.prepare(records[start : start + batch_size])))
        found += check.absorb(prepared)
    return found + check.finish()
