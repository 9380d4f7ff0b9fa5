"""Large suites stream: checked from the file in one pass, stored as read, run from the store a
page at a time, so a run's memory does not grow with its number of cases."""

from __future__ import annotations

import hashlib
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

import mentor
from mentor.errors import ConflictError
from mentor.evals import RunOptions, load_suite
from mentor.evals.specs import case_to_dict
from mentor.evals.suite_store import PAGE
from mentor.evals.suites import SuiteFile, open_suite
from mentor.store.eval_tables import eval_cases, eval_runs, eval_suites
from tests.servers import Reply, Stub, completion_body

FAST = RunOptions(concurrency=8, backoff_s=0.01, timeout_s=10, use_cache=False)


def write_jsonl(path: Path, count: int, *, padding: int = 0) -> Path:
    with path.open("wb") as fh:
        for n in range(count):
            case = {
                "id": f"c{n}",
                "prompt": f"question {n} " + "x" * padding,
                "reference": "echo",
                "graders": [{"type": "contains", "value": "echo" if n % 2 else "ech"}],
            }
            fh.write(orjson.dumps(case) + b"\n")
    return path


def provider(stub: Stub) -> str:
    return f"openai:stub-model@{stub.url}"


def test_the_suite_version_is_the_hash_of_the_canonical_case_list(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", 50)
    loaded = load_suite(path)
    whole = orjson.dumps([case_to_dict(c) for c in loaded.cases], option=orjson.OPT_SORT_KEYS)
    assert loaded.content_hash == hashlib.sha256(whole).hexdigest()
    opened = open_suite(path)
    assert (opened.content_hash, opened.case_count) == (loaded.content_hash, 50)
    assert [c.id for c in opened.iter_cases()] == [c.id for c in loaded.cases]
    uses = [(spec.params["value"], case_id) for spec, case_id in opened.grader_uses()]
    assert uses == [("ech", "c0"), ("echo", "c1")]


def test_a_file_run_and_an_in_memory_run_share_one_stored_suite_version(
    ws: mentor.Workspace, stub: Stub, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", PAGE * 2 + 7)  # spans three pages
    first = ws.evals.run(path, provider(stub), options=FAST)
    second = ws.evals.run(load_suite(path), provider(stub), options=FAST)
    assert first.counts == second.counts == {"passed": 1007}
    assert [r.position for r in ws.evals.results(first.id)] == list(range(1, 1008))
    with ws.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(eval_suites)).scalar_one() == 1
        stored = conn.execute(select(func.count()).select_from(eval_cases)).scalar_one()
    assert stored == 1007 and ws.evals.suite_of(first.id).content_hash == first.suite_hash


def test_a_file_that_changes_before_it_is_stored_leaves_nothing_behind(
    ws: mentor.Workspace, stub: Stub, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", 20)
    checked = open_suite(path)
    write_jsonl(path, 21)  # edited between the check and the run
    with pytest.raises(ConflictError, match="changed while it was being stored"):
        ws.evals.run(checked, provider(stub), options=FAST)
    with ws.engine.connect() as conn:
        for table in (eval_suites, eval_cases, eval_runs):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0
    assert stub.prompts() == []


def test_resume_pages_through_the_suite_and_asks_only_the_errored_cases(
    ws: mentor.Workspace, stub: Stub, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", 1200)
    broken = {f"question {n} " for n in range(0, 1200, 97)}
    stub.reset(lambda p, n: Reply(400) if p in broken else Reply(body=completion_body("echo")))
    run = ws.evals.run(path, provider(stub), options=FAST)
    assert run.counts == {"passed": 1200 - len(broken), "error": len(broken)}
    stub.reset()
    resumed = ws.evals.resume(run.id, suite=path, options=FAST)
    assert sorted(stub.prompts()) == sorted(broken)
    assert resumed.counts == {"passed": 1200}


def _peak_traced(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_cases(
    sqlite_ws: mentor.Workspace, stub: Stub, tmp_path: Path
) -> None:
    """Cases of ~9 KB each: 1,000 more of them would be 9 MB more to hold; the peak stays put."""
    small = write_jsonl(tmp_path / "small.jsonl", 1000, padding=9000)
    large = write_jsonl(tmp_path / "large.jsonl", 2000, padding=9000)
    opts = RunOptions(concurrency=16, use_cache=False)
    stub.keep_seen = False  # the stub runs in this process: its own log must not count
    peaks = [
        _peak_traced(lambda p=p: sqlite_ws.evals.run(p, provider(stub), options=opts))
        for p in (small, large)
    ]
    assert sqlite_ws.evals.runs()[0].counts == {"passed": 2000}
    assert isinstance(open_suite(large), SuiteFile)
    # Holding the larger suite would add 1,000 cases x 9 KB = 9 MB; allow a fifth of that.
    assert peaks[1] - peaks[0] < 2_000_000, peaks


def test_a_csv_suite_streams_like_it_loads(
    ws: mentor.Workspace, stub: Stub, tmp_path: Path
) -> None:
    rows = ["id,template,var.city,reference,tags"]
    rows += [f"c{n},Where is {{city}}?,City{n},echo,geo;n{n % 3}" for n in range(700)]
    path = tmp_path / "cities.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    opened, loaded = open_suite(path), load_suite(path)
    assert (opened.content_hash, opened.case_count) == (loaded.content_hash, 700)
    assert list(opened.iter_cases()) == list(loaded.cases) == list(opened.iter_cases())
    run = ws.evals.run(path, provider(stub), options=FAST)
    assert run.suite_hash == loaded.content_hash and run.case_count == 700
    assert stub.prompts()[0].startswith("Where is City")
    assert ws.evals.suite_of(run.id).cases == loaded.cases
