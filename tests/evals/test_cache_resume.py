"""The response cache, resuming a stopped run, and replaying a recorded one — on both backends."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

import mentor
from mentor.errors import ConflictError, InputError
from mentor.evals import RunOptions
from mentor.store.eval_tables import eval_results
from tests.conftest import ROOT
from tests.evals.test_runner import provider, suite_of
from tests.servers import Reply, Stub, completion_body, write_suite

FAST = RunOptions(concurrency=4, backoff_s=0.01, timeout_s=10)


def test_a_second_run_is_served_from_the_cache(ws: mentor.Workspace, stub: Stub) -> None:
    first = ws.evals.run(suite_of(5), provider(stub), options=FAST)
    assert stub.calls == 5
    second = ws.evals.run(suite_of(5), provider(stub), options=FAST)
    assert stub.calls == 5  # no new call
    assert second.id != first.id and second.counts == first.counts == {"passed": 5}
    again = list(ws.evals.results(second.id))
    assert all(r.cached and r.attempts == 0 for r in again)
    assert [r.output for r in again] == [r.output for r in ws.evals.results(first.id)]


def test_no_cache_and_changed_parameters_call_again(ws: mentor.Workspace, stub: Stub) -> None:
    ws.evals.run(suite_of(3), provider(stub), options=FAST)
    ws.evals.run(suite_of(3), provider(stub), options=RunOptions(use_cache=False))
    assert stub.calls == 6
    ws.evals.run(suite_of(3), provider(stub), {"temperature": "0.7"}, options=FAST)
    assert stub.calls == 9
    ws.evals.run(suite_of(3), f"openai:other-model@{stub.url}", options=FAST)
    assert stub.calls == 12
    assert ws.evals.clear_cache("openai") == 3 * 3  # 3 model+params pairs; --no-cache stores none
    ws.evals.run(suite_of(3), provider(stub), options=FAST)
    assert stub.calls == 15


def test_errored_calls_are_not_cached(ws: mentor.Workspace, stub: Stub) -> None:
    stub.reset(lambda p, n: Reply(400))
    ws.evals.run(suite_of(2), provider(stub), options=FAST)
    stub.reset()
    run = ws.evals.run(suite_of(2), provider(stub), options=FAST)
    assert stub.calls == 2 and run.counts == {"passed": 2}


def test_resume_asks_only_the_cases_that_errored(ws: mentor.Workspace, stub: Stub) -> None:
    broken = {"question 2", "question 5"}
    stub.reset(lambda p, n: Reply(400) if p in broken else Reply(body=completion_body("echo")))
    run = ws.evals.run(suite_of(8), provider(stub), options=FAST)
    assert run.counts == {"passed": 6, "error": 2} and run.status == "completed"
    stub.reset()
    resumed = ws.evals.resume(run.id, options=RunOptions(use_cache=False))
    assert sorted(stub.prompts()) == sorted(broken)
    assert resumed.id == run.id and resumed.counts == {"passed": 8}
    assert [r.case_id for r in ws.evals.results(run.id)] == [f"c{n}" for n in range(8)]


def test_resume_refuses_another_suite_version_or_provider(ws: mentor.Workspace, stub: Stub) -> None:
    run = ws.evals.run(suite_of(2), provider(stub), options=FAST)
    with pytest.raises(ConflictError, match="not this suite"):
        ws.evals.resume(run.id, suite=suite_of(3))
    with pytest.raises(ConflictError, match="same provider"):
        ws.evals.resume(run.id, provider=f"openai:other@{stub.url}")
    with pytest.raises(InputError, match="not a run id"):
        ws.evals.resume("latest")


def _stored(db: str, run_id: int) -> int:
    with mentor.connect(db) as ws, ws.engine.connect() as conn:
        query = select(func.count()).where(eval_results.c.run_id == run_id)
        return int(conn.execute(query.select_from(eval_results)).scalar_one())


def test_a_killed_run_resumes_without_asking_again(db_url: str, stub: Stub, tmp_path: Path) -> None:
    """Kill `mentor eval run` mid-way (SIGKILL: nothing can be tidied), then --resume it."""
    stub.reset(lambda p, n: Reply(body=completion_body("echo"), delay=0.05))
    suite = write_suite(tmp_path / "s.yaml", [f"q{n}" for n in range(60)])
    env = {**os.environ, "MENTOR_DB": db_url, "MENTOR_USER": "tester"}
    argv = [sys.executable, "-m", "mentor", "eval", "run", str(suite), "--provider", provider(stub)]
    proc = subprocess.Popen([*argv, "--concurrency", "2"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _stored(db_url, 1) >= 10:
                break
        except Exception:  # the run row may not exist yet
            pass
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = _stored(db_url, 1)
    assert 10 <= done < 60
    with mentor.connect(db_url, user="tester") as ws:
        assert ws.evals.get_run(1).status == "running"  # killed: nobody closed it
        answered = {r.case.messages[-1]["content"] for r in ws.evals.results(1)}
        stub.reset()
        resumed = ws.evals.resume(1, suite=suite)
        asked = stub.prompts()
        assert not answered & set(asked)  # nothing stored was asked again
        assert len(asked) == 60 - done
        assert resumed.status == "completed" and resumed.counts == {"passed": 60}


def test_ctrl_c_stops_the_run_cleanly_and_keeps_what_finished(
    sqlite_ws: mentor.Workspace, stub: Stub, tmp_path: Path
) -> None:
    stub.reset(lambda p, n: Reply(body=completion_body("echo"), delay=0.1))
    suite = write_suite(tmp_path / "s.yaml", [f"q{n}" for n in range(200)])
    db = str(sqlite_ws.engine.url)
    env = {**os.environ, "MENTOR_DB": db, "MENTOR_USER": "tester"}
    argv = [sys.executable, "-m", "mentor", "eval", "run", str(suite), "--provider", provider(stub)]
    proc = subprocess.Popen(
        [*argv, "--concurrency", "2"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _stored(db, 1) < 4:  # a result is stored within 1 s
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    run = sqlite_ws.evals.get_run(1)
    assert run.status == "interrupted" and run.finished_at is not None
    assert 4 <= run.done == _stored(db, 1) < 200
    assert run.done >= len(stub.prompts()) - 2  # at most the calls in flight were lost


def test_replay_reproduces_a_run_without_calls(ws: mentor.Workspace, stub: Stub) -> None:
    stub.reset(lambda p, n: Reply(body=completion_body("echo" if p != "question 1" else "nope")))
    original = ws.evals.run(suite_of(4), provider(stub), options=FAST)
    stub.reset()
    replayed = ws.evals.run(suite_of(4), f"replay:{original.id}", options=FAST)
    assert stub.calls == 0
    assert replayed.counts == original.counts == {"passed": 3, "failed": 1}
    assert replayed.fingerprint["recorded"] == original.fingerprint
    pairs = zip(ws.evals.results(original.id), ws.evals.results(replayed.id), strict=True)
    assert all(a.output == b.output and a.status == b.status for a, b in pairs)


def test_replay_from_a_jsonl_file(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    recorded = tmp_path / "outputs.jsonl"
    lines = [{"case_id": "c0", "output": "echo zero"}, {"id": "c1", "text": "silence"}]
    recorded.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    run = sqlite_ws.evals.run(suite_of(3), f"replay:{recorded}")
    assert run.counts == {"passed": 1, "failed": 1, "error": 1}
    missing = next(iter(sqlite_ws.evals.results(run.id, status="error")))
    assert missing.case_id == "c2" and "no recorded output for case 'c2'" in (missing.error or "")
