"""Redaction: replace PII spans with typed placeholders such as ``<EMAIL>`` and ``<PHONE>``.

`redact` works on one text; `redact_record` applies a record's ``pii`` findings to the fields
their spans name (``chosen[0].content``, ``messages[2].content[1].text``) and returns a new
record, leaving the one it was given untouched. Overlapping spans are merged into one
placeholder, the type of the most severe of them, so no character of either survives.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from mentor.errors import InputError
from mentor.qa.findings import SEVERITIES, Finding
from mentor.qa.pii.detection import Detection
from mentor.qa.pii.kinds import kind
from mentor.records import Record

_STEP: Final = re.compile(r"\[(\d+)\]|\.?([A-Za-z_]\w*)")
_SEVERITY_RANK: Final = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True, slots=True)
class _Run:
    """Characters [start, end) become one placeholder, that of `top`, its most severe span."""

    start: int
    end: int
    top: Detection


def _runs(text: str, spans: Iterable[Detection]) -> list[_Run]:
    """Spans merged where they overlap, in order."""
    runs: list[_Run] = []
    for det in sorted(spans, key=lambda d: (d.start, -d.end)):
        if not 0 <= det.start <= det.end <= len(text):
            raise InputError(
                f"span {det.start}-{det.end} ({det.code}) is outside a text of {len(text)} "
                "characters: the findings are not from this text; scan it again"
            )
        if det.start == det.end:
            continue
        if runs and det.start < runs[-1].end:
            last = runs[-1]
            top = det if _outranks(det, last.top) else last.top
            runs[-1] = _Run(last.start, max(last.end, det.end), top)
        else:
            runs.append(_Run(det.start, det.end, det))
    return runs


def _outranks(a: Detection, b: Detection) -> bool:
    rank_a, rank_b = _SEVERITY_RANK[kind(a.code).severity], _SEVERITY_RANK[kind(b.code).severity]
    return rank_a < rank_b or (rank_a == rank_b and a.end - a.start > b.end - b.start)


def redact(text: str, spans: Iterable[Detection]) -> str:
    """`text` with each span replaced by its kind's placeholder (overlaps merged)."""
    out: list[str] = []
    pos = 0
    for run in _runs(text, spans):
        out += (text[pos : run.start], kind(run.top.code).placeholder)
        pos = run.end
    out.append(text[pos:])
    return "".join(out)


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    pos = 0
    for m in _STEP.finditer(path):
        if m.start() != pos:
            break
        steps.append(int(m.group(1)) if m.group(1) is not None else m.group(2))
        pos = m.end()
    if pos != len(path) or not steps:
        raise InputError(f"cannot read the field path {path!r}", field=path)
    return steps


def _replace(node: Any, steps: list[str | int], path: str, spans: list[Detection]) -> Any:
    """A shallow copy of `node` with the text at `steps` redacted (copies only along the path)."""
    if not steps:
        if not isinstance(node, str):
            raise InputError("the field holds no text to redact", field=path)
        return redact(node, spans)
    step, rest = steps[0], steps[1:]
    try:
        child = node[step]
    except (KeyError, IndexError, TypeError):
        raise InputError("the record has no such field", field=path) from None
    copy = list(node) if isinstance(node, list) else dict(node)
    copy[step] = _replace(child, rest, path, spans)  # type: ignore[index]
    return copy


def redact_record(rec: Record, findings: Iterable[Finding]) -> Record:
    """A copy of `rec` with its ``pii`` findings' spans replaced by typed placeholders."""
    by_field: defaultdict[str, list[Detection]] = defaultdict(list)
    for f in findings:
        if f.check != "pii" or f.span is None:
            continue
        if "id" in rec and f.record_id and f.record_id != rec["id"]:
            raise InputError(
                f"a finding for record {f.record_id!r} was given for record {rec['id']!r}"
            )
        by_field[f.span.field].append(Detection(f.code, f.span.start, f.span.end))
    out: Record = rec
    for path, spans in by_field.items():
        out = _replace(out, _steps(path), path, spans)
    return out
