"""`mentor eval run|show|runs` as a user types them, against the bundled model and a stub."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.conftest import run_cli
from tests.servers import Reply, Stub, completion_body, write_suite

CAPITALS = """\
name: capitals
cases:
  - id: france
    prompt: What is the capital of France?
    severity: critical
    graders: [{type: contains, value: Paris}]
  - id: japan
    prompt: What is the capital of Japan?
    graders: [{type: contains, value: Tokyo}]
"""


def test_run_the_bundled_model_over_http_then_show_it(model_server: str, tmp_path: Path) -> None:
    suite = tmp_path / "capitals.yaml"
    suite.write_text(CAPITALS, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'm.db'}"
    spec = f"openai:SmolLM2-135M-Instruct@{model_server}"
    ran = run_cli(
        "eval", "run", str(suite), "--provider", spec, "--param", "max_tokens=24", "--json", db=db
    )
    assert ran.returncode == 0, ran.stderr
    run = json.loads(ran.stdout)
    assert run["status"] == "completed" and run["done"] == 2
    assert run["fingerprint"]["base_url"] == model_server and run["params"]["max_tokens"] == 24
    assert run["counts"].get("passed", 0) >= 1  # the model knows Paris
    shown = run_cli("eval", "show", str(run["id"]), db=db)
    assert shown.returncode == 0, shown.stderr
    assert "france" in shown.stdout and "Paris" in shown.stdout and "critical" in shown.stdout
    listed = run_cli("eval", "runs", db=db, env={"COLUMNS": "200"})
    assert "capitals" in listed.stdout and "SmolLM2-135M-Instruct" in listed.stdout


def test_summary_failures_and_json(stub: Stub, tmp_path: Path) -> None:
    stub.reset(
        lambda p, n: (
            Reply(500) if p == "q3" else Reply(body=completion_body("echo" if p != "q2" else "no"))
        )
    )
    suite = write_suite(tmp_path / "s.yaml", ["q1", "q2", "q3"])
    db = f"sqlite:///{tmp_path / 'm.db'}"
    ran = run_cli(
        "eval", "run", str(suite), "--provider", f"openai:m@{stub.url}", "--retries", "1", db=db
    )
    assert ran.returncode == 0, ran.stderr
    assert "run 1: 50.0% passed" in ran.stdout
    assert "1 passed, 1 failed" in ran.stdout and "errors     1" in ran.stdout
    assert "1 cases errored" in ran.stderr and "--resume 1" in ran.stderr
    failures = json.loads(run_cli("eval", "show", "1", "--failures", "--json", db=db).stdout)
    assert [(r["case"]["id"], r["status"]) for r in failures["results"]] == [
        ("c2", "failed"),
        ("c3", "error"),
    ]
    assert failures["results"][1]["error"].startswith(
        f"{stub.url}/chat/completions answered HTTP 500"
    )
    stub.reset()
    resumed = run_cli("eval", "run", str(suite), "--resume", "1", "--json", db=db)
    assert json.loads(resumed.stdout)["counts"] == {"passed": 2, "failed": 1}
    assert stub.prompts() == ["q3"]


def test_a_run_where_every_case_errored_is_an_error_not_a_pass(stub: Stub, tmp_path: Path) -> None:
    stub.reset(lambda p, n: Reply(401, body={"error": {"message": "bad key"}}))
    suite = write_suite(tmp_path / "s.yaml", ["q1", "q2", "q3"])
    db = f"sqlite:///{tmp_path / 'm.db'}"
    ran = run_cli("eval", "run", str(suite), "--provider", f"openai:m@{stub.url}", db=db)
    assert ran.returncode == 1 and "✓" not in ran.stdout
    assert "run 1: all 3 cases errored (first: " in ran.stderr and "HTTP 401" in ran.stderr
    as_json = run_cli(
        "eval", "run", str(suite), "--provider", f"openai:m@{stub.url}", "--json", db=db
    )
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["counts"] == {"error": 3}
    stub.reset()
    resumed = run_cli("eval", "run", str(suite), "--resume", "1", db=db)
    assert resumed.returncode == 0 and "run 1: 100.0% passed" in resumed.stdout


def test_a_model_that_never_answers_stops_the_run_early(stub: Stub, tmp_path: Path) -> None:
    stub.reset(lambda p, n: Reply(404, body={"error": {"message": "no such model"}}))
    suite = write_suite(tmp_path / "s.yaml", [f"q{i}" for i in range(60)])
    db = f"sqlite:///{tmp_path / 'm.db'}"
    spec = f"openai:m@{stub.url}"
    ran = run_cli("eval", "run", str(suite), "--provider", spec, "--concurrency", "2", db=db)
    assert ran.returncode == 1, ran.stderr
    asked = len(stub.prompts())  # 10 in a row failed, and the call still in flight then
    assert asked in (10, 11)
    assert f"run 1: stopped: the first {asked} of 60 cases got no answer" in ran.stderr
    shown = json.loads(run_cli("eval", "show", "1", "--json", db=db).stdout)
    assert shown["run"]["status"] == "interrupted" and shown["run"]["counts"] == {"error": asked}
    stub.reset()
    resumed = run_cli("eval", "run", str(suite), "--resume", "1", "--json", db=db)
    assert json.loads(resumed.stdout)["counts"] == {"passed": 60}


def test_one_answer_keeps_a_failing_provider_from_stopping_the_run(
    stub: Stub, tmp_path: Path
) -> None:
    stub.reset(lambda p, n: Reply(body=completion_body("echo")) if p == "q0" else Reply(404))
    suite = write_suite(tmp_path / "s.yaml", [f"q{i}" for i in range(30)])
    db = f"sqlite:///{tmp_path / 'm.db'}"
    spec = f"openai:m@{stub.url}"
    ran = run_cli("eval", "run", str(suite), "--provider", spec, "--concurrency", "1", db=db)
    assert ran.returncode == 0 and "errors     29" in ran.stdout
    assert len(stub.prompts()) == 30


GRADER_BROKEN_WHILE_FLAGGED = """\
from pathlib import Path

def grade(case, output):
    if Path(__file__).with_name("broken").exists():
        raise RuntimeError("the grading service is down")
    return "echo" in output.text
"""


def test_resume_grades_again_the_cases_a_grader_errored_on(stub: Stub, tmp_path: Path) -> None:
    (tmp_path / "flaky_grader.py").write_text(GRADER_BROKEN_WHILE_FLAGGED, encoding="utf-8")
    (tmp_path / "broken").touch()
    suite = tmp_path / "s.jsonl"
    grader = {"type": "python", "function": "flaky_grader:grade"}
    suite.write_text(
        "".join(
            json.dumps({"id": f"c{i}", "prompt": f"q{i}", "graders": [grader]}) + "\n"
            for i in range(3)
        ),
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'm.db'}"
    env = {"PYTHONPATH": str(tmp_path)}
    ran = run_cli("eval", "run", str(suite), "--provider", f"openai:m@{stub.url}", db=db, env=env)
    assert ran.returncode == 1 and "the grading service is down" in ran.stderr
    (tmp_path / "broken").unlink()
    resumed = run_cli("eval", "run", str(suite), "--resume", "1", "--json", db=db, env=env)
    assert json.loads(resumed.stdout)["counts"] == {"passed": 3}
    assert len(stub.prompts()) == 3  # the answers came from the cache: only grading was redone


def test_mistakes_get_a_clear_message_and_exit_code(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    bad = tmp_path / "bad.yaml"
    bad.write_text(CAPITALS.replace("severity: critical", "severity: urgent"), encoding="utf-8")
    cmd = f"command:{sys.executable} -c print(1)"
    ran = run_cli("eval", "run", str(bad), "--provider", cmd, db=db)
    assert ran.returncode == 4
    assert f"{bad}:5: field 'severity': must be critical, major or minor" in ran.stderr
    good = tmp_path / "good.yaml"
    good.write_text(CAPITALS, encoding="utf-8")
    unknown = run_cli("eval", "run", str(good), "--provider", "gpt-5", db=db)
    assert unknown.returncode == 2 and "unknown provider 'gpt-5'" in unknown.stderr
    missing = run_cli("eval", "run", str(good), db=db)
    assert missing.returncode == 4 and "--provider" in missing.stderr
    param = run_cli("eval", "run", str(good), "--provider", cmd, "--param", "temp", db=db)
    assert param.returncode == 4 and "'temp' is not KEY=VALUE" in param.stderr
    nothing = run_cli("eval", "show", "42", db=db)
    assert nothing.returncode == 3 and "no evaluation run 42" in nothing.stderr


def test_system_prompt_goes_first_and_into_the_fingerprint(tmp_path: Path) -> None:
    script = tmp_path / "model.py"
    script.write_text(
        "import json, sys\n"
        "req = json.load(sys.stdin)\n"
        "print(' | '.join(m['role'] + ':' + m['content'] for m in req['messages']))\n",
        encoding="utf-8",
    )
    suite = write_suite(tmp_path / "s.yaml", ["q1"])
    db = f"sqlite:///{tmp_path / 'm.db'}"
    spec = f"command:{sys.executable} {script}"
    plain = json.loads(
        run_cli("eval", "run", str(suite), "--provider", spec, "--json", db=db).stdout
    )
    ran = run_cli(
        "eval", "run", str(suite), "--provider", spec, "--system", "Be brief.", "--json", db=db
    )
    assert ran.returncode == 0, ran.stderr
    prompted = json.loads(ran.stdout)
    assert prompted["fingerprint"]["system_prompt"] == "Be brief."
    assert "system_prompt" not in plain["fingerprint"]
    shown = json.loads(run_cli("eval", "show", str(prompted["id"]), "--json", db=db).stdout)
    assert shown["results"][0]["output"].startswith("system:Be brief. | user:q1")
    # the cache keys on the fingerprint: the prompted run called the model again
    assert shown["results"][0]["cached"] is False
