"""Scanning: findings with their places, the same on every executor, streamed, reported."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor.errors import InputError, NotFoundError
from mentor.qa import registry
from mentor.qa.executors import LocalExecutor, SerialExecutor
from mentor.qa.findings import Finding, Span
from mentor.qa.text import texts
from mentor.records import Record
from tests.conftest import HH
from tests.qa.corpus import EMAIL, corpus, eval_items, sft, write_jsonl

ALL = "lint,exact-dup,near-dup,pii,contamination"


class ShoutCheck:
    """Upper-case words of at least `min_length` letters (a stand-in third-party check)."""

    name = "shout"

    def __init__(self, min_length: int = 4):
        self.pattern = re.compile(rf"\b[A-Z]{{{min_length},}}\b")

    def prepare(self, batch: list[Record]) -> list[Finding]:
        return [
            Finding(rec["id"], self.name, "upper", "low", "shouting", Span(path, *m.span()), m[0])
            for rec in batch
            for path, text in texts(rec)
            for m in self.pattern.finditer(text)
        ]

    def absorb(self, prepared: list[Finding]) -> list[Finding]:
        return prepared

    def finish(self) -> list[Finding]:
        return []


class FussyCheck:
    """Refuses a record it cannot handle (a stand-in for a check that fails mid-scan)."""

    name = "fussy"

    def prepare(self, batch: list[Record]) -> int:
        if any(rec["id"] == "r42" for rec in batch):
            raise InputError("cannot handle this record", where="r42")
        return len(batch)

    def absorb(self, prepared: int) -> list[Finding]:
        return []

    def finish(self) -> list[Finding]:
        return []


@pytest.fixture
def third_party(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checks declared as entry points, as an installed package would declare them."""
    extra = (
        EntryPoint("shout", "tests.qa.test_scan:ShoutCheck", registry.GROUP),
        EntryPoint("broken", "tests.qa.no_such_module:Nothing", registry.GROUP),
        EntryPoint("fussy", "tests.qa.test_scan:FussyCheck", registry.GROUP),
    )
    monkeypatch.setattr(registry, "BUILTIN", registry.BUILTIN + extra)


def _train(ws: mentor.Workspace, tmp_path: Path) -> str:
    ws.datasets.import_file(write_jsonl(tmp_path / "evals.jsonl", eval_items()), "evals")
    return ws.datasets.import_file(
        write_jsonl(tmp_path / "train.jsonl", corpus()), "train"
    ).version.ref


def test_scan_reports_each_planted_problem_where_it_is(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ref = _train(ws, tmp_path)
    result = ws.qa.scan(ref, checks=ALL, against=("evals",), batch_size=16)
    found = {(f.record_id, f.check, f.code) for f in result.findings}
    assert {
        ("empty-turn", "lint", "empty-turn"),
        ("exact-copy", "exact-dup", "duplicate"),
        ("r3", "exact-dup", "keeper"),
        ("near-copy", "near-dup", "near-duplicate"),
        ("has-email", "pii", "email"),
        ("contaminated", "contamination", "eval-overlap"),
    } <= found
    assert not any(f.record_id.startswith("r") and f.severity != "info" for f in result.findings)
    email = next(f for f in result.findings if f.check == "pii")
    assert email.span is not None and email.span.field == "messages[1].content"
    rec = next(r for r in ws.datasets.records(ref) if r["id"] == "has-email")
    assert rec["messages"][1]["content"][email.span.start : email.span.end] == EMAIL
    overlap = next(f for f in result.findings if f.check == "contamination")
    assert overlap.group == "evals@v1:sky"
    summary = result.summary
    assert summary.records == 65 and summary.target == ref
    assert summary.checks == ("lint", "exact-dup", "near-dup", "pii", "contamination")
    assert summary.by_severity["lint"] == {"high": 1}
    assert summary.by_code["near-dup"] == {"near-duplicate": 2, "keeper": 1}
    assert summary.affected["near-dup"] == 2 and summary.groups["contamination"] == 1
    assert summary.worst["lint"][0].record_id == "empty-turn"


def test_findings_are_identical_on_every_executor(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ref = _train(sqlite_ws, tmp_path)
    runs = {
        executor: sqlite_ws.qa.scan(
            ref, checks=ALL, against=("evals",), executor=executor, workers=2, batch_size=7
        )
        for executor in ("serial", "local")
    }
    assert runs["local"].executor == "local"
    assert runs["local"].findings == runs["serial"].findings
    assert runs["local"].summary == runs["serial"].summary
    assert len(runs["local"].findings) >= 8


def test_a_check_declared_as_entry_point_runs_in_worker_processes_with_options(
    sqlite_ws: mentor.Workspace, tmp_path: Path, third_party: None
) -> None:
    rows = [sft(f"s{i}", f"PLEASE help STOP item {i}", "Sure thing.") for i in range(12)]
    ref = sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "s.jsonl", rows), "s").version.ref
    result = sqlite_ws.qa.scan(ref, checks="shout", batch_size=5, workers=2)
    assert [(f.record_id, f.evidence) for f in result.findings][:3] == [
        ("s0", "PLEASE"),
        ("s0", "STOP"),
        ("s1", "PLEASE"),
    ]
    assert result.findings[0].span == Span("messages[0].content", 0, 6)
    longer = sqlite_ws.qa.scan(ref, checks="shout", options={"shout": {"min_length": 5}})
    assert {f.evidence for f in longer.findings} == {"PLEASE"}
    assert "shout" in {info.name for info in registry.describe()}


def test_progress_is_reported_up_to_the_total(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    ref = _train(sqlite_ws, tmp_path)
    seen: list[tuple[int, int]] = []
    sqlite_ws.qa.scan(ref, checks="lint", batch_size=10, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (65, 65)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) == 7


def _plus(shared: int, item: int) -> int:
    return item + shared


def test_executors_keep_results_in_order_and_few_batches_in_flight() -> None:
    # The local pool's main process works on one more item itself rather than wait.
    for executor, limit in ((SerialExecutor(), 1), (LocalExecutor(workers=2, in_flight=3), 4)):
        pulled = 0

        def items() -> Iterator[int]:
            nonlocal pulled
            for i in range(40):
                pulled += 1
                yield i

        out = []
        for result in executor.map(_plus, 100, items()):
            out.append(result)
            assert pulled - len(out) <= limit
        assert out == [i + 100 for i in range(40)]


def _slow_pid(shared: float, item: int) -> int:
    time.sleep(shared)
    return os.getpid()


def test_the_main_process_works_while_the_pool_starts_and_the_workers_help() -> None:
    pids = list(LocalExecutor(workers=2).map(_slow_pid, 0.05, range(100)))
    assert pids[0] == os.getpid()  # the first batch did not wait for a worker to start
    assert set(pids) - {os.getpid()}  # but the workers, once up, took some


def test_a_file_is_scanned_through_the_import_maps_without_writing(
    sqlite_ws: mentor.Workspace,
) -> None:
    result = sqlite_ws.qa.scan(str(HH), checks="lint,exact-dup", map="hh-rlhf")
    assert result.summary.records == 2312
    assert result.summary.target == str(HH)
    assert result.summary.by_code["lint"]["truncated"] > 0
    assert sqlite_ws.datasets.all() == []


def test_rows_that_are_not_records_become_schema_findings(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "raw.jsonl"
    good = json.dumps(sft("ok", "Hello there, how are you?", "Fine, thanks."))
    path.write_text(f'{good}\n{{oops\n{{"kind": "sft", "messages": "x", "id": 3.5}}\n')
    result = sqlite_ws.qa.scan(str(path), checks="lint")
    assert result.summary.records == 1 and result.summary.invalid_rows == 2
    schema = [f for f in result.findings if f.code == "schema"]
    assert [f.record_id for f in schema] == ["raw.jsonl:2", "raw.jsonl:3"]
    assert "not valid JSON" in schema[0].message and schema[0].severity == "high"


def test_findings_file_and_html_report(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script>'
    rows = [*corpus(20), sft(hostile, "", "Fine.")]
    ref = sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "h.jsonl", rows), "h").version.ref
    out, page = tmp_path / "out" / "findings.jsonl", tmp_path / "out" / "report.html"
    result = sqlite_ws.qa.scan(ref, checks="lint,exact-dup,pii", findings=out, html=page)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == len(result.findings) and result.findings_file == out
    email = next(item for item in lines if item["check"] == "pii")
    assert email["record_id"] == "has-email" and email["severity"] == "medium"
    assert email["span"] == {"field": "messages[1].content", "start": 9, "end": 31}
    assert email["evidence"] and EMAIL not in email["evidence"]
    html = page.read_text()
    assert html.count("<svg") >= 3 and "<table" in html
    assert "<script" not in html and hostile not in html
    assert re.search(r"&lt;script&gt;alert\((&quot;|&#34;)x(&quot;|&#34;)\)&lt;/script&gt;", html)
    assert not re.search(r"""(src|href)\s*=""", html)
    assert not list(out.parent.glob(".*partial"))


def test_a_scan_of_a_version_is_audited(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    ref = _train(sqlite_ws, tmp_path)
    sqlite_ws.qa.scan(ref, checks="lint")
    event = sqlite_ws.audit(object_id=ref)[0]
    assert event.action == "qa.scan" and event.actor == "tester"
    assert event.detail["records"] == 65 and event.detail["by_severity"]["lint"] == {"high": 1}


@pytest.mark.parametrize(
    ("kwargs", "error", "where"),
    [
        ({"checks": "lint,spelling"}, InputError, "--checks"),
        ({"checks": "broken"}, InputError, "--checks"),
        ({"checks": "contamination"}, InputError, "--against"),
        ({"checks": "near-dup", "options": {"near-dup": {"treshold": 0.7}}}, InputError, None),
        ({"checks": "near-dup", "options": {"near-dup": {"threshold": 3}}}, InputError, None),
        ({"checks": "lint", "options": {"pii": {"ner": True}}}, InputError, "--option"),
        ({"executor": "spark"}, InputError, "--executor"),
        ({"workers": 0}, InputError, "--workers"),
        ({"against": ("nope@v1",)}, NotFoundError, None),
    ],
)
def test_bad_input_is_refused_naming_the_place(
    sqlite_ws: mentor.Workspace,
    tmp_path: Path,
    third_party: None,
    kwargs: dict[str, Any],
    error: type[Exception],
    where: str | None,
) -> None:
    ref = _train(sqlite_ws, tmp_path)
    with pytest.raises(error) as caught:
        sqlite_ws.qa.scan(ref, **kwargs)
    if where is not None:
        assert isinstance(caught.value, InputError) and caught.value.where == where
    if kwargs.get("options", {}).get("near-dup"):
        assert "near-dup" in str(caught.value)
    if kwargs.get("checks") == "broken":
        assert "cannot be loaded" in str(caught.value)


def test_unknown_targets(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no dataset named 'nope'"):
        sqlite_ws.qa.scan("nope@v1", checks="lint")
    with pytest.raises(InputError, match="no such file"):
        sqlite_ws.qa.scan(str(tmp_path / "missing.jsonl"), checks="lint")


def test_a_check_failing_in_a_worker_stops_the_scan_and_leaves_no_file(
    sqlite_ws: mentor.Workspace, tmp_path: Path, third_party: None
) -> None:
    ref = _train(sqlite_ws, tmp_path)
    out = tmp_path / "findings.jsonl"
    for executor in ("local", "serial"):
        with pytest.raises(InputError, match="r42: cannot handle this record"):
            sqlite_ws.qa.scan(
                ref, checks="lint,fussy", executor=executor, batch_size=8, findings=out
            )
        assert list(tmp_path.glob("*findings*")) == []
