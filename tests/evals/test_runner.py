"""The runner against a scripted endpoint: retries, Retry-After, timeouts, rate, concurrency,
and results streamed to the store as they finish."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import func, select

import mentor
from mentor.evals import GenerationParams, RunOptions, make_case, make_suite
from mentor.evals.cases import Suite
from mentor.store.eval_tables import eval_results
from tests.servers import Reply, Stub, completion_body

CONTAINS_ECHO = ({"type": "contains", "value": "echo"},)


def suite_of(count: int, name: str = "load") -> Suite:
    return make_suite(
        name,
        [make_case(f"c{n}", f"question {n}", graders=list(CONTAINS_ECHO)) for n in range(count)],
    )


def provider(stub: Stub) -> str:
    return f"openai:stub-model@{stub.url}"


FAST = RunOptions(concurrency=4, backoff_s=0.05, timeout_s=10)


def test_429_waits_as_long_as_retry_after_says(sqlite_ws: mentor.Workspace, stub: Stub) -> None:
    stub.reset(
        lambda p, n: (
            Reply(429, {"Retry-After": "1"}) if n == 1 else Reply(body=completion_body("echo ok"))
        )
    )
    run = sqlite_ws.evals.run(suite_of(2), provider(stub), options=FAST)
    assert run.counts == {"passed": 2}
    for prompt in ("question 0", "question 1"):
        first, second = stub.times(prompt)
        assert 1.0 <= second - first < 3.0  # waited the full second, not the 0.05 s backoff
    assert {r.attempts for r in sqlite_ws.evals.results(run.id)} == {2}


def test_retry_after_as_an_http_date_is_honoured(sqlite_ws: mentor.Workspace, stub: Stub) -> None:
    def script(prompt: str, n: int) -> Reply:
        when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
        return Reply(503, {"Retry-After": when}) if n == 1 else Reply(body=completion_body("echo"))

    stub.reset(script)
    run = sqlite_ws.evals.run(suite_of(1), provider(stub), options=FAST)
    first, second = stub.times("question 0")
    assert second - first >= 1.0  # HTTP dates have one-second resolution
    assert run.counts == {"passed": 1}


def test_500s_back_off_and_recover_within_the_retry_budget(
    sqlite_ws: mentor.Workspace, stub: Stub
) -> None:
    stub.reset(lambda p, n: Reply(500) if n <= 2 else Reply(body=completion_body("echo fine")))
    options = RunOptions(concurrency=2, retries=2, backoff_s=0.2, timeout_s=10)
    run = sqlite_ws.evals.run(suite_of(1), provider(stub), options=options)
    times = stub.times("question 0")
    assert len(times) == 3 and run.counts == {"passed": 1}
    # equal jitter: the first wait is 0.1-0.2 s, the second 0.2-0.4 s (upper bounds loose: a
    # busy machine can only make waits longer)
    assert 0.1 <= times[1] - times[0] < 1.0
    assert 0.2 <= times[2] - times[1] < 1.5


def test_a_call_failing_after_all_retries_is_an_error_not_a_fail(
    sqlite_ws: mentor.Workspace, stub: Stub
) -> None:
    stub.reset(lambda p, n: Reply(502, body={"error": {"message": "bad gateway"}}))
    options = RunOptions(retries=2, backoff_s=0.01, timeout_s=5)
    run = sqlite_ws.evals.run(suite_of(3), provider(stub), options=options)
    assert run.counts == {"error": 3} and run.pass_rate is None
    assert stub.calls == 9
    (row, *_) = sqlite_ws.evals.results(run.id)
    assert row.status == "error" and row.output is None and row.grades == ()
    assert "HTTP 502" in (row.error or "") and "bad gateway" in (row.error or "")
    assert "after 3 attempts" in (row.error or "")


def test_a_client_error_is_not_retried(sqlite_ws: mentor.Workspace, stub: Stub) -> None:
    stub.reset(lambda p, n: Reply(400, body={"error": {"message": "context too long"}}))
    run = sqlite_ws.evals.run(suite_of(2), provider(stub), options=FAST)
    assert stub.calls == 2 and run.counts == {"error": 2}


def test_a_hanging_endpoint_times_out_into_errored_results(
    sqlite_ws: mentor.Workspace, stub: Stub
) -> None:
    stub.reset(
        lambda p, n: Reply(hang=True) if p.endswith("1") else Reply(body=completion_body("echo"))
    )
    options = RunOptions(concurrency=2, timeout_s=0.5, retries=1, backoff_s=0.01)
    started = time.monotonic()
    run = sqlite_ws.evals.run(suite_of(2), provider(stub), options=options)
    assert time.monotonic() - started < 5
    assert run.counts == {"passed": 1, "error": 1} and run.pass_rate == 1.0
    errored = next(iter(sqlite_ws.evals.results(run.id, status="error")))
    assert errored.case_id == "c1" and "no answer within 0.5 s" in (errored.error or "")
    assert len(stub.times("question 1")) == 2  # a timeout is retried


def test_rate_limit_spaces_the_calls(sqlite_ws: mentor.Workspace, stub: Stub) -> None:
    options = RunOptions(concurrency=8, rate=20, timeout_s=10)
    started = time.monotonic()
    run = sqlite_ws.evals.run(suite_of(30), provider(stub), options=options)
    elapsed = time.monotonic() - started
    starts = sorted(s.at for s in stub.seen)
    assert run.counts == {"passed": 30}
    assert starts[-1] - starts[0] >= 29 / 20 * 0.9 and elapsed >= 1.3
    # in any half second about 20/s * 0.5 s + 1 = 11 calls; unlimited, all 30 would land at once
    # (a little slack: on a busy machine requests leave on time but arrive in small bunches)
    assert max(sum(1 for t in starts if a <= t < a + 0.5) for a in starts) <= 13


def test_concurrency_bounds_calls_in_flight(sqlite_ws: mentor.Workspace, stub: Stub) -> None:
    stub.reset(lambda p, n: Reply(body=completion_body("echo"), delay=0.15))
    sqlite_ws.evals.run(suite_of(12), provider(stub), options=RunOptions(concurrency=3))
    assert stub.max_in_flight == 3


def test_a_run_records_what_ran_and_each_answer(ws: mentor.Workspace, stub: Stub) -> None:
    params = {"temperature": "0.5", "max_tokens": "32", "seed": "7"}
    run = ws.evals.run(suite_of(3, "recorded"), provider(stub), params, note="nightly")
    assert run.status == "completed" and run.note == "nightly" and run.created_by == "tester"
    assert run.fingerprint == {"provider": "openai", "model": "stub-model", "base_url": stub.url}
    assert run.params["temperature"] == 0.5 and run.params["max_tokens"] == 32
    assert run.graders == {"contains": "1"} and run.suite_hash == suite_of(3).content_hash
    assert stub.seen[0].body["temperature"] == 0.5 and stub.seen[0].body["seed"] == 7
    rows = list(ws.evals.results(run.id))
    assert [r.case_id for r in rows] == ["c0", "c1", "c2"]
    first = rows[0]
    assert first.output == "echo: question 0" and first.raw["usage"]["completion_tokens"] == 3
    assert (first.prompt_tokens, first.completion_tokens) == (7, 3)
    assert first.latency_s is not None and first.latency_s > 0
    assert first.grades[0].passed is True and first.grades[0].grader == "contains"
    assert ws.evals.suite_of(run.id).cases[0].messages == (
        {"role": "user", "content": "question 0"},
    )
    assert [e.action for e in ws.audit(object_id=str(run.id))] == ["eval.run"]


def test_results_reach_the_store_while_the_run_is_going(
    sqlite_ws: mentor.Workspace, stub: Stub
) -> None:
    """2,000 cases: rows are written in batches as cases finish, not held until the end."""
    options = RunOptions(concurrency=16, batch_size=50, use_cache=False)
    samples: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        if done in (500, 1000, 1500):
            with sqlite_ws.engine.connect() as conn:
                stored = conn.execute(select(func.count()).select_from(eval_results)).scalar_one()
            samples.append((done, stored))

    run = sqlite_ws.evals.run(suite_of(2000), provider(stub), options=options, progress=progress)
    assert run.counts == {"passed": 2000}
    assert [d for d, _ in samples] == [500, 1000, 1500]
    for done, stored in samples:
        # at most one batch per writer plus the calls in flight are not yet in the store
        assert stored >= done - 2 * options.batch_size - options.concurrency, samples


def test_bad_options_name_the_flag(sqlite_ws: mentor.Workspace, stub: Stub) -> None:
    with pytest.raises(mentor.errors.InputError, match="--concurrency"):
        sqlite_ws.evals.run(suite_of(1), provider(stub), options=RunOptions(concurrency=0))
    with pytest.raises(mentor.errors.InputError, match="--param: field 'temprature'"):
        sqlite_ws.evals.run(suite_of(1), provider(stub), {"temprature": "1"})


def test_params_reach_the_provider_unchanged(sqlite_ws: mentor.Workspace, stub: Stub) -> None:
    params = GenerationParams(temperature=0.0, max_tokens=5, stop=("\n",))
    sqlite_ws.evals.run(suite_of(1), provider(stub), params)
    assert stub.seen[0].body["stop"] == ["\n"] and stub.seen[0].body["max_tokens"] == 5
