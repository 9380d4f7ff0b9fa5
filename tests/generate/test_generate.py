"""`mentor generate`: candidates from real models become an unranked version people rank."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor.errors import InputError
from mentor.generate import GenerateOptions
from tests.annotate.project_world import GUIDE, dataset
from tests.conftest import run_cli
from tests.servers import Reply, Stub, completion_body

FAST = GenerateOptions(concurrency=4, timeout_s=60, backoff_s=0.01, max_wait_s=1)
HOT = {"temperature": 0.8, "max_tokens": 12}
PROMPTS = [
    {
        "id": "colour",
        "kind": "sft",
        "messages": [
            {"role": "user", "content": "Name a colour."},
            {"role": "assistant", "content": "Blue."},
        ],
        "tags": ["colours"],
        "intent": "chat",
    },
    {"id": "hello", "kind": "preference", "prompt": "Say hi.", "chosen": "Hi!", "rejected": "No."},
    {
        "id": "count",
        "kind": "sft",
        "messages": [
            {"role": "user", "content": "Count to three."},
            {"role": "assistant", "content": "1 2 3"},
            {"role": "user", "content": "Now to two."},
        ],
    },
]


def numbered(prompt: str, count: int) -> Reply:
    """The stub's answers: a different one each time it sees a prompt."""
    return Reply(body=completion_body(f"answer {count} to {prompt}"))


def _prompts(ws: mentor.Workspace, tmp: Path, rows: list[dict[str, Any]] = PROMPTS) -> str:
    return dataset(ws, tmp, "prompts", rows)


def test_two_models_give_an_unranked_version_that_people_rank(
    ws: mentor.Workspace, tmp_path: Path, model_server: str, stub: Stub
) -> None:
    stub.reset(numbered)
    ref = _prompts(ws, tmp_path)
    models = [f"openai:SmolLM2-135M-Instruct@{model_server}", f"openai:stub-model@{stub.url}"]
    result = ws.generations.run(ref, models, samples=2, params=HOT, seed=7, options=FAST)
    version = result.version
    assert version is not None and version.ref == "prompts-candidates@v1"
    assert (version.transform, version.parents, version.record_count) == ("generate", [ref], 3)
    assert ws.datasets.lineage(version.ref).parents_of(version.ref) == [ref]
    records = {r["id"]: r for r in ws.datasets.records(version.ref)}
    assert set(records) == {"colour", "hello", "count"}
    assert records["colour"]["prompt"] == [{"role": "user", "content": "Name a colour."}]
    assert len(records["count"]["prompt"]) == 3  # up to the last user turn
    assert records["colour"]["tags"] == ["colours"] and records["colour"]["intent"] == "chat"
    fingerprints = [p["fingerprint"] for p in result.generation.providers]
    for rec in records.values():
        assert rec["kind"] == "ranking" and rec["unranked"] is True and "ranking" not in rec
        assert len(rec["responses"]) == 4
        made = rec["meta"]["generation"]["responses"]
        assert [(m["seed"], m["params"]["temperature"]) for m in made] == [(7, 0.8), (8, 0.8)] * 2
        assert [m["fingerprint"] for m in made] == [fingerprints[0]] * 2 + [fingerprints[1]] * 2
    assert sorted(s.body["seed"] for s in stub.seen) == [7, 7, 7, 8, 8, 8]
    with pytest.raises(InputError, match="not ranked yet"):
        ws.datasets.export(version.ref, "trl-dpo", tmp_path / "dpo.jsonl")

    ws.projects.create("rank", dataset=version.ref, task="ranking", guideline=GUIDE)
    while (task := ws.projects.next_item("rank", "ana")) is not None:
        assert task.suggestion is None  # nothing pretends to be a ranking yet
        order = ["D", "C", "B", "A"]
        ws.projects.submit(
            "rank", task.item_id, {"ranking": order}, client_id=str(task.item_id), annotator="ana"
        )
    released = ws.projects.release("rank").version
    assert released.parents == [version.ref]
    for rec in ws.datasets.records(released.ref):
        assert "unranked" not in rec and sorted(rec["ranking"]) == [0, 1, 2, 3]
    exported = ws.datasets.export(released.ref, "trl-dpo", tmp_path / "dpo.jsonl")
    assert exported.written == 3 * 6


def test_pairwise_candidates_go_to_a_pairwise_project(
    sqlite_ws: mentor.Workspace, tmp_path: Path, stub: Stub
) -> None:
    stub.reset(numbered)
    ref = _prompts(sqlite_ws, tmp_path, PROMPTS[:2])
    model = f"openai:stub-model@{stub.url}"
    result = sqlite_ws.generations.run(
        ref, [model], samples=3, shape="pairwise", params=HOT, out="pairs", options=FAST
    )
    assert result.version is not None and result.version.record_count == 2 * 3
    records = list(sqlite_ws.datasets.records(result.version.ref))
    assert {r["kind"] for r in records} == {"preference"}
    assert all(r["unranked"] and len(r["meta"]["generation"]["responses"]) == 2 for r in records)
    sqlite_ws.projects.create("pick", dataset=result.version.ref, task="pairwise", guideline=GUIDE)
    while (task := sqlite_ws.projects.next_item("pick", "ana")) is not None:
        payload = {"choice": "B"}
        sqlite_ws.projects.submit(
            "pick", task.item_id, payload, client_id=str(task.item_id), annotator="ana"
        )
    released = sqlite_ws.projects.release("pick").version
    out = sqlite_ws.datasets.export(released.ref, "trl-dpo", tmp_path / "dpo.jsonl")
    assert out.written == 6


class Crash(Exception):
    """Stands in for Ctrl-C or a killed process half-way through."""


def test_a_stopped_generation_resumes_asking_only_for_missing_answers(
    sqlite_ws: mentor.Workspace, tmp_path: Path, stub: Stub
) -> None:
    stub.reset(numbered)
    ref = _prompts(sqlite_ws, tmp_path)
    model = f"openai:stub-model@{stub.url}"
    options = GenerateOptions(concurrency=1, use_cache=False)

    def crash_at_three(done: int, _total: int) -> None:
        if done == 3:
            raise Crash

    with pytest.raises(Crash):
        sqlite_ws.generations.run(
            ref, [model], samples=2, params=HOT, options=options, progress=crash_at_three
        )
    assert stub.calls == 3
    assert [d.name for d in sqlite_ws.datasets.all()] == ["prompts"]  # nothing half-written
    with pytest.raises(InputError, match="--resume"):  # another request has nothing to resume
        sqlite_ws.generations.run(ref, [model], samples=3, params=HOT, resume=True)
    stub.reset(numbered)
    result = sqlite_ws.generations.run(
        ref, [model], samples=2, params=HOT, options=options, resume=True
    )
    assert stub.calls == 3  # only the three answers the first try did not store
    assert result.version is not None and result.version.record_count == 3
    assert result.generation.status == "completed"


def test_a_busy_server_is_retried_and_a_broken_one_writes_nothing(
    sqlite_ws: mentor.Workspace, tmp_path: Path, stub: Stub
) -> None:
    ref = _prompts(sqlite_ws, tmp_path, PROMPTS[:1])
    model = f"openai:stub-model@{stub.url}"
    busy_once = {"status": 429, "headers": {"Retry-After": "0"}}
    stub.reset(lambda p, n: Reply(**busy_once) if n == 1 else numbered(p, n))
    options = GenerateOptions(concurrency=1, backoff_s=0.01, use_cache=False)
    done = sqlite_ws.generations.run(ref, [model], samples=2, params=HOT, options=options)
    assert done.version is not None and stub.calls == 3  # the 429 was asked again

    stub.reset(lambda p, n: Reply(status=500))
    broken = replace(options, retries=1)
    failed = sqlite_ws.generations.run(
        ref, [model], samples=2, params=HOT, options=broken, out="broken"
    )
    assert (
        failed.version is None and failed.failed == 2 and failed.generation.status == "incomplete"
    )
    assert "broken" not in [d.name for d in sqlite_ws.datasets.all()]


@pytest.mark.parametrize(
    ("change", "flag", "says"),
    [
        ({"prompts": "nope@v1"}, "PROMPTS", "no dataset named 'nope'"),
        ({"prompts": "bare@v1"}, "PROMPTS", "has no prompts"),
        ({"providers": ["nosuch:model"]}, "--provider", "unknown provider 'nosuch'"),
        ({"providers": []}, "--provider", "at least one model"),
        ({"samples": 0}, "--samples", "at least 1"),
        ({"params": {"max_tokens": 8}}, "--param", "temperature"),
        ({"shape": "triples"}, "--as", "ranking or pairwise"),
        ({"out": "no good"}, "--out", "not a usable dataset name"),
        ({"seed": 2**63 - 1}, "--seed", "must fit in 64 bits"),
        ({"providers": ["command:'x"]}, "--provider", "no closing quotation"),
        ({"providers": ["openai:m@notaurl"]}, "--provider", "is not a base URL"),
        ({"params": {"temperature": "nan"}}, "--param", "finite"),
    ],
)
def test_bad_input_names_the_flag(
    sqlite_ws: mentor.Workspace, tmp_path: Path, change: dict[str, Any], flag: str, says: str
) -> None:
    _prompts(sqlite_ws, tmp_path)
    bare = [{"id": "x", "kind": "sft", "messages": [{"role": "assistant", "content": "Hi."}]}]
    dataset(sqlite_ws, tmp_path, "bare", bare)
    args: dict[str, Any] = {"prompts": "prompts@v1", "providers": ["smollm2"], "samples": 2}
    args["params"] = HOT
    args.update(change)
    with pytest.raises(InputError, match=says) as caught:
        sqlite_ws.generations.run(args.pop("prompts"), args.pop("providers"), **args)
    assert caught.value.where == flag


def test_the_command_writes_the_version_and_explains_failures(tmp_path: Path, stub: Stub) -> None:
    stub.reset(numbered)
    db = f"sqlite:///{tmp_path / 'mentor.db'}"
    rows = tmp_path / "prompts.jsonl"
    rows.write_text("".join(json.dumps(r) + "\n" for r in PROMPTS), encoding="utf-8")
    assert run_cli("datasets", "import", str(rows), "--name", "prompts", db=db).returncode == 0
    model = f"openai:stub-model@{stub.url}"
    args = ["generate", "prompts@v1", "--provider", model, "--samples", "2"]
    made = run_cli(*args, "--param", "temperature=0.7", "--json", db=db)
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["version"] == "prompts-candidates@v1"
    cold = run_cli(*args, db=db)
    assert cold.returncode == 4 and "--param" in cold.stderr and "temperature" in cold.stderr


def test_a_named_provider_is_asked_by_its_name(
    sqlite_ws: mentor.Workspace, tmp_path: Path, stub: Stub
) -> None:
    stub.reset(numbered)
    ref = _prompts(sqlite_ws, tmp_path, PROMPTS[:1])
    sqlite_ws.providers.add("house-model", f"openai:stub-model@{stub.url}")
    result = sqlite_ws.generations.run(ref, ["house-model"], samples=2, params=HOT, options=FAST)
    assert result.version is not None and stub.calls == 2
    [described] = result.generation.providers
    assert (described["spec"], described["model"]) == ("house-model", "stub-model")


def test_the_next_step_it_prints_is_a_command_that_works(tmp_path: Path, stub: Stub) -> None:
    stub.reset(numbered)
    db = f"sqlite:///{tmp_path / 'mentor.db'}"
    rows = tmp_path / "prompts.jsonl"
    rows.write_text(json.dumps(PROMPTS[0]) + "\n", encoding="utf-8")
    assert run_cli("datasets", "import", str(rows), "--name", "prompts", db=db).returncode == 0
    model = f"openai:stub-model@{stub.url}"
    args = ["--provider", model, "--samples", "2", "--param", "temperature=0.7"]
    made = run_cli("generate", "prompts@v1", *args, db=db)
    assert made.returncode == 0, made.stderr
    hint = "mentor projects create NAME --from prompts-candidates@v1 --task ranking"
    assert hint in " ".join(made.stdout.split()), made.stdout
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    step = ["projects", "create", "rank", "--from", "prompts-candidates@v1", "--task", "ranking"]
    created = run_cli(*step, "--guideline", str(guide), db=db)
    assert created.returncode == 0, created.stderr


def test_an_empty_answer_is_a_failed_call_not_a_candidate(
    sqlite_ws: mentor.Workspace, tmp_path: Path, stub: Stub
) -> None:
    ref = _prompts(sqlite_ws, tmp_path, PROMPTS[:1])
    stub.reset(lambda p, n: Reply(body=completion_body("  \n") if n == 1 else numbered(p, n).body))
    options = replace(FAST, concurrency=1)
    model = f"openai:stub-model@{stub.url}"
    first = sqlite_ws.generations.run(ref, [model], samples=2, params=HOT, options=options)
    assert first.version is None and first.failed == 1
    assert first.error is not None and "answered with no text" in first.error
    again = sqlite_ws.generations.run(
        ref, [model], samples=2, params=HOT, options=options, resume=True
    )
    assert again.version is not None
    records = sqlite_ws.datasets.records(again.version.ref)
    responses = [r for rec in records for r in rec["responses"]]
    assert len(responses) == 2 and all(r[-1]["content"].strip() for r in responses)
