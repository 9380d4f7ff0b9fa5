"""The protocol every check follows, so one runner can spread it over processes or Ray.

A scan streams records in batches. For each batch, ``prepare`` runs wherever the executor puts
it (another process, a Ray worker): it must be a pure function of the batch and the check's
settings, and return something picklable. ``absorb`` then runs in the main process, in batch
order, and may keep state (an LSH index, counts). ``finish`` returns what only the whole corpus
can tell (duplicate clusters, coverage). Per-record checks return their findings from
``prepare`` and hand them through ``absorb``.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from mentor.qa.findings import Finding
from mentor.records import Record


@runtime_checkable
class Check(Protocol):
    """A dataset health check."""

    name: str

    def prepare(self, batch: list[Record]) -> Any:
        """Work on one batch away from the main process (pure, picklable result)."""
        ...

    def absorb(self, prepared: Any) -> list[Finding]:
        """Take one prepared batch in the main process, in order; return findings ready now."""
        ...

    def finish(self) -> list[Finding]:
        """Findings that need the whole corpus; called once after the last batch."""
        ...
