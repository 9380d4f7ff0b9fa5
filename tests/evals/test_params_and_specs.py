"""Bad generation parameters and provider specs are refused where they are given, naming the flag,
before a run is created; a value stored before they were checked still reads back as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import text

import mentor
from mentor.errors import ConfigError, InputError
from mentor.evals import build_provider, make_case, make_suite
from mentor.providers.params import generation_params
from tests.servers import Reply, Stub, completion_body

ONE = make_suite("one", [make_case("a", "hi", graders=[{"type": "contains", "value": "echo"}])])


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("max_tokens", "-1", "from 1 to 1,000,000"),
        ("max_tokens", "0", "from 1 to 1,000,000"),
        ("max_tokens", "99999999999999999999999", "from 1 to 1,000,000"),
        ("max_tokens", "1.5", "whole number"),
        ("temperature", "-5", "from 0 to 2"),
        ("temperature", "nan", "finite"),
        ("temperature", "inf", "finite"),
        ("temperature", "warm", "expected a number"),
        ("top_p", "2", "above 0 and at most 1"),
        ("top_p", "0", "above 0 and at most 1"),
        ("seed", "99999999999999999999", "64 bits"),
        ("max_tokens", True, "true/false"),
    ],
)
def test_out_of_range_params_name_the_param(key: str, value: Any, says: str) -> None:
    with pytest.raises(InputError, match=says) as caught:
        generation_params({key: value})
    assert (caught.value.where, caught.value.field) == ("--param", key)


def test_good_params_are_parsed() -> None:
    got = generation_params({"max_tokens": " 64 ", "temperature": "0.7", "seed": "none"})
    assert (got.max_tokens, got.temperature, got.seed) == (64, 0.7, None)
    assert generation_params({"stop": "a,b", "top_p": 1}).stop == ("a", "b")


def test_a_run_with_a_bad_param_is_never_created(sqlite_ws: mentor.Workspace, stub: Stub) -> None:
    with pytest.raises(InputError, match="--param: field 'max_tokens'"):
        sqlite_ws.evals.run(ONE, f"openai:m@{stub.url}", {"max_tokens": "-1"})
    assert sqlite_ws.evals.runs() == [] and stub.calls == 0


def test_a_huge_stored_param_still_reads_back_as_json(
    sqlite_ws: mentor.Workspace, stub: Stub
) -> None:
    stub.reset(lambda p, n: Reply(body=completion_body("echo")))
    run = sqlite_ws.evals.run(ONE, f"openai:m@{stub.url}")
    huge = 99999999999999999999999
    stored = json.dumps({**asdict(run)["params"], "max_tokens": huge})
    with sqlite_ws.engine.begin() as conn:  # as a run made before parameters were checked
        conn.execute(text("UPDATE eval_runs SET params = :p"), {"p": stored})
    for found in (sqlite_ws.evals.get_run(run.id), *sqlite_ws.evals.runs()):
        assert orjson.loads(orjson.dumps(asdict(found)))["params"]["max_tokens"] == str(huge)
    with pytest.raises(InputError, match=f"run {run.id}'s parameters: field 'max_tokens'"):
        sqlite_ws.evals.resume(run.id)


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("command:'x", "no closing quotation"),
        ("openai:gpt@notaurl", "'notaurl' is not a base URL; expected http"),
        ("openai:gpt@ftp://x", "'ftp://x' is not a base URL"),
        ("openai:gpt@http://[::1", "is not a base URL"),
        ("openai:gpt@http://host:99999/v1", "is not a base URL"),
        ({"type": "anthropic", "model": "c", "base_url": "localhost"}, "is not a base URL"),
        ("train:abc", "expected a training run id"),
        ("replay:nowhere.jsonl", "no such file"),
    ],
)
def test_bad_specs_are_refused_when_given(
    sqlite_ws: mentor.Workspace, spec: str | dict[str, Any], says: str
) -> None:
    with pytest.raises(InputError, match=says) as added:
        sqlite_ws.providers.add("p", spec)
    assert added.value.field == "spec" and sqlite_ws.providers.all() == []
    with pytest.raises(ConfigError, match=f"^--provider: .*{says}"):
        sqlite_ws.evals.run(ONE, spec)
    assert sqlite_ws.evals.runs() == []


def test_good_specs_are_named(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    recorded = tmp_path / "answers.jsonl"
    recorded.write_text('{"case_id": "a", "output": "echo"}\n', encoding="utf-8")
    for name, spec in [
        ("a", "openai:gpt@https://api.example.com:8443/v1"),
        ("b", "openai:llama@http://[::1]:11434/v1"),
        ("c", "command:'./my model.sh' --fast"),
        ("d", "train:3"),
        ("e", "replay:12@gpt"),
        ("f", f"replay:{recorded}"),
        ("g", {"spec": "command:./m.sh", "system": "Be brief."}),
    ]:
        sqlite_ws.providers.add(name, spec)
    assert sqlite_ws.providers.names() == list("abcdefg")
    assert build_provider("command:'./my model.sh' --fast").fingerprint()["command"] == [
        "./my model.sh",
        "--fast",
    ]
