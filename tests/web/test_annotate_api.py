"""The annotation JSON API over a live server, on SQLite and on PostgreSQL: every task type end
to end with an API token, idempotent retries, the caller's own lease only, roles, sign-in,
validation errors that name the field, gold answers kept back, review and adjudication."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import orjson
import pytest

import mentor
from mentor.accounts import Role
from mentor.annotate import ProjectSettings

from .conftest import serving

PASSWORD: Final = "api-test-password"
PEOPLE: Final = {
    "trina": Role.TRAINER,
    "rey": Role.REVIEWER,
    "ana": Role.ANNOTATOR,
    "ben": Role.ANNOTATOR,
    "vic": Role.VIEWER,
}
GOLD_SECRET: Final = "GOLD-RATIONALE-must-never-be-served"
GUIDE: Final = "# Guide\n\nPick the better response. Ask when unsure.\n"
RUBRIC: Final = {
    "criteria": [
        {"name": "helpfulness", "min": 1, "max": 5},
        {"name": "safety", "min": 1, "max": 3},
    ]
}
CLASSES: Final = {"labels": [{"name": "safe"}, {"name": "harmful"}]}


def _chat(user: str, assistant: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]


DATASETS: Final[dict[str, list[dict[str, Any]]]] = {
    "prefs": [
        {"id": f"p{i}", "prompt": f"Q{i}?", "chosen": f"Good {i}", "rejected": f"Poor {i}"}
        for i in range(3)
    ],
    "pair": [{"id": "p", "prompt": "Q?", "chosen": "Good", "rejected": "Poor"}],
    "ranks": [
        {"id": "k0", "prompt": "Rank", "ranking": [0, 1, 2], "responses": ["one", "two", "three"]}
    ],
    "ratings": [{"id": "t0", "prompt": "Why?", "response": "Because.", "scores": {"x": 1}}],
    "chats": [{"id": "c0", "messages": _chat("Capital?", "Paris is the capital of France.")}],
    "claims": [
        {
            "id": "f0",
            "messages": _chat("Facts?", "Water boils at 100 C. The moon is cheese."),
            "meta": {"claims": ["Water boils at 100 C", "The moon is cheese"]},
        }
    ],
    "multi": [
        {
            "id": "m0",
            "messages": [
                *_chat("Hi", "Hello!"),
                *_chat("Help?", "Sure."),
            ],
        }
    ],
}
# task type: (dataset, config)
TASKS: Final[dict[str, tuple[str, dict[str, Any]]]] = {
    "pairwise": ("pair", {}),
    "ranking": ("ranks", {}),
    "rubric": ("ratings", RUBRIC),
    "sft": ("chats", {}),
    "spans": ("chats", {}),
    "classification": ("chats", CLASSES),
    "factcheck": ("claims", {}),
    "turns": ("multi", {}),
}
# project: (dataset, task, config, settings)
OTHERS: Final[dict[str, tuple[str, str, dict[str, Any], ProjectSettings]]] = {
    "retry": ("prefs", "pairwise", {}, ProjectSettings()),
    "solo": ("prefs", "pairwise", {}, ProjectSettings()),
    "duo": ("prefs", "pairwise", {}, ProjectSettings(overlap=2)),
    "checks": ("ratings", "rubric", RUBRIC, ProjectSettings()),
    "asks": ("prefs", "pairwise", {}, ProjectSettings()),
    "peek": ("prefs", "pairwise", {}, ProjectSettings()),
    "unsampled": ("prefs", "pairwise", {}, ProjectSettings(review_rate=0.0)),
    "judged": ("pair", "pairwise", {}, ProjectSettings(overlap=2, review_rate=1.0)),
}


def answer(task: dict[str, Any]) -> dict[str, Any]:
    """A valid label for any task type, built from what the task shows (in the order shown)."""
    view = task["view"]
    kind = task["task_type"]
    if kind == "pairwise":
        return {"choice": "A", "strength": 2, "rationale": "clearer"}
    if kind == "ranking":
        return {"ranking": [r["label"] for r in reversed(view["responses"])]}
    if kind == "rubric":
        return {"scores": {c["name"]: c["min"] for c in view["criteria"]}, "comment": "ok"}
    if kind == "sft":
        return {"response": "Paris is France's capital.", "rationale": "shorter"}
    if kind == "spans":
        return {"spans": [{"start": 0, "end": 5, "label": view["labels"][0]["name"]}]}
    if kind == "classification":
        return {"labels": [view["labels"][0]["name"]]}
    if kind == "factcheck":
        return {"claims": [{"verdict": "supported", "evidence": "checked"} for _ in view["claims"]]}
    assert kind == "turns"
    return {"turns": [{"turn": t, "rating": 4} for t in view["turns"]], "overall": 4}


def _gold_file(folder: Path) -> Path:
    line = {
        "record": {
            "id": "g1",
            "kind": "preference",
            "prompt": "Gq?",
            "chosen": "G+",
            "rejected": "G-",
        },
        "answer": {"choice": "A", "strength": 1, "rationale": GOLD_SECRET},
    }
    path = folder / "gold.jsonl"
    path.write_bytes(orjson.dumps(line) + b"\n")
    return path


def _build(url: str, folder: Path) -> dict[str, str]:
    """The projects and people; returns each person's API token."""
    with mentor.connect(url, user="setup") as ws:
        for name, role in PEOPLE.items():
            ws.accounts.add_user(name, role, PASSWORD)
        for name, rows in DATASETS.items():
            path = folder / f"{name}.jsonl"
            path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
            ws.datasets.import_file(path, name)
        review = ProjectSettings(review_rate=1.0)
        projects = {f"t-{task}": (data, task, cfg, review) for task, (data, cfg) in TASKS.items()}
        for name, (data, task, cfg, settings) in {**projects, **OTHERS}.items():
            ws.projects.create(
                name,
                dataset=f"{data}@v1",
                task=task,
                guideline=GUIDE,
                settings=settings,
                config=cfg,
            )
        ws.projects.create(
            "honeypot",
            dataset="prefs@v1",
            task="pairwise",
            guideline=GUIDE,
            settings=ProjectSettings(gold_rate=0.99),
            gold=_gold_file(folder),
        )
        return {name: ws.accounts.create_token(name, "api tests").token for name in PEOPLE}


class World:
    """The live server, an API client per person, and the SDK on the same database."""

    def __init__(self, url: str, base: str, tokens: dict[str, str]):
        self.url = url
        self.base = base
        self.listing = f"{base}/api/projects"
        self.clients = {
            name: httpx.Client(
                base_url=f"{base}/api/projects",
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            for name, token in tokens.items()
        }

    def __getitem__(self, name: str) -> httpx.Client:
        return self.clients[name]

    def sdk(self) -> mentor.Workspace:
        """The workspace, to check what the store holds."""
        return mentor.connect(self.url, user="checker")

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("annotate-api")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'mentor.db'}"
    else:
        url = request.getfixturevalue("db_url_module")
    tokens = _build(url, folder)
    with serving(url) as base:
        found = World(url, base, tokens)
        yield found
        found.close()


def _next(client: httpx.Client, project: str) -> dict[str, Any]:
    response = client.post(f"/{project}/next")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _submit(
    client: httpx.Client, task: dict[str, Any], payload: dict[str, Any], client_id: str
) -> httpx.Response:
    return client.post(
        f"/{task['project']}/items/{task['item_id']}/annotations",
        json={"payload": payload, "client_id": client_id},
    )


def _error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    message: str = response.json()["message"]
    return message


@pytest.mark.parametrize("task_type", sorted(TASKS))
def test_each_task_type_end_to_end(world: World, task_type: str) -> None:
    project = f"t-{task_type}"
    task = _next(world["ana"], project)
    assert task["task_type"] == task_type and task["annotator"] == "ana"
    assert _next(world["ana"], project)["assignment_id"] == task["assignment_id"]  # same lease
    label = answer(task)
    stored = _submit(world["ana"], task, label, f"ana-{project}")
    assert stored.status_code == 201, stored.text
    assert world["ana"].post(f"/{project}/next").status_code == 204  # one item, overlap 1

    queue = world["rey"].get(f"/{project}/reviews/queue").json()
    [waiting] = [r for r in queue if r["annotation"]["id"] == stored.json()["annotation_id"]]
    assert waiting["annotation"]["annotator"] == "ana"
    verdict = world["rey"].post(
        f"/{project}/annotations/{waiting['annotation']['id']}/review", json={"verdict": "accept"}
    )
    assert verdict.status_code == 201, verdict.text

    with world.sdk() as ws:
        [annotation] = ws.projects.annotations(project)
        assert (annotation.annotator, annotation.submitted) == ("ana", stored.json()["payload"])
        assert annotation.review == "accept" and annotation.reviewer == "rey"
        assert ws.projects.progress(project).done == 1
    mine = world["ana"].get(f"/{project}").json()
    assert (mine["mine"]["submitted"], mine["done"], mine["progress"]) == (1, 1, None)


def test_a_retry_stores_the_label_once(world: World) -> None:
    task = _next(world["ana"], "retry")
    label = {"choice": "B", "rationale": "kinder"}
    first = _submit(world["ana"], task, label, "retry-1")
    again = _submit(world["ana"], task, label, "retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["annotation_id"] == first.json()["annotation_id"]
    assert again.json()["replayed"] is True
    changed = _submit(world["ana"], task, {"choice": "A"}, "retry-1")
    assert "already used for a different submission" in _error(changed, 409)
    with world.sdk() as ws:
        assert len(ws.projects.annotations("retry", annotator="ana")) == 1


def test_an_annotator_gets_only_their_own_lease(world: World) -> None:
    mine = _next(world["ana"], "solo")
    theirs = _next(world["ben"], "solo")
    assert mine["item_id"] != theirs["item_id"]
    taken = _submit(world["ben"], mine, {"choice": "A"}, "ben-steals")
    assert "ben holds no lease" in _error(taken, 409)
    skipped = world["ben"].post(f"/solo/items/{mine['item_id']}/skip", json={})
    assert "ben holds no lease" in _error(skipped, 409)
    assert _next(world["ana"], "solo")["item_id"] == mine["item_id"]
    with world.sdk() as ws:
        assert ws.projects.annotations("solo") == []


def test_skip_gives_the_item_back_for_good(world: World) -> None:
    first = _next(world["ben"], "solo")
    response = world["ben"].post(f"/solo/items/{first['item_id']}/skip", json={"reason": "unsure"})
    assert response.status_code == 204, response.text
    after = world["ben"].post("/solo/next")
    assert after.status_code == 204 or after.json()["item_id"] != first["item_id"]


def test_roles(world: World) -> None:
    refused = world["vic"].post("/duo/next")
    assert "vic is a viewer, and a viewer may not work through" in _error(refused, 403)
    assert refused.json()["type"] == "Forbidden"
    assert world["ana"].get("/duo/reviews/queue").status_code == 403
    assert world["ana"].get("/duo/adjudication/queue").status_code == 403
    decided = world["ana"].post("/duo/items/1/adjudication", json={"payload": {"choice": "A"}})
    assert decided.status_code == 403
    assert (
        world["ana"].post("/duo/annotations/1/review", json={"verdict": "accept"}).status_code
        == 403
    )
    listed = {p["name"]: p for p in world["vic"].get(world.listing).json()}
    assert listed["duo"]["progress"]["project"] == "duo"
    assert all(p["progress"] is None for p in world["ana"].get(world.listing).json())
    assert world["vic"].get("/asks/guideline").json()["number"] == 1


def test_sign_in_is_required(world: World) -> None:
    with httpx.Client(base_url=f"{world.base}/api/projects", timeout=30) as nobody:
        response = nobody.post("/duo/next")
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert nobody.get(world.listing).status_code == 401
        bad = nobody.post("/duo/next", headers={"Authorization": "Bearer mentor_nope"})
        assert "the API token is not valid" in _error(bad, 401)


def test_validation_errors_name_the_field(world: World) -> None:
    ana = world["ana"]
    task = _next(ana, "checks")
    url = f"/checks/items/{task['item_id']}/annotations"
    assert "client_id" in _error(ana.post(url, json={"payload": {}}), 400)
    extra = ana.post(url, json={"payload": {}, "client_id": "c", "when": 1})
    assert "when" in _error(extra, 400)
    assert "time_spent_s" in _error(
        ana.post(url, json={"payload": {}, "client_id": "c", "time_spent_s": -1}), 400
    )
    high = {"scores": {"helpfulness": 5, "safety": 9}}
    message = _error(ana.post(url, json={"payload": high, "client_id": "c"}), 400)
    assert "field 'scores.safety'" in message and "expected 1..3, got 9" in message
    assert "question" in _error(ana.post("/checks/questions", json={"question": ""}), 400)
    odd = world["rey"].post("/checks/annotations/1/review", json={"verdict": "maybe"})
    assert "verdict" in _error(odd, 400)
    assert "no project named 'nope'" in _error(ana.post("/nope/next"), 404)
    with world.sdk() as ws:
        assert ws.projects.annotations("checks") == []


def test_gold_answers_never_reach_the_annotator(world: World) -> None:
    served = []
    while (response := world["ben"].post("/honeypot/next")).status_code == 200:
        assert GOLD_SECRET not in response.text and "gold" not in response.text.lower()
        task = response.json()
        served.append(task["item_id"])
        stored = _submit(world["ben"], task, {"choice": "A"}, f"gold-{task['item_id']}")
        assert stored.status_code == 201 and GOLD_SECRET not in stored.text
    assert response.status_code == 204
    with world.sdk() as ws:
        gold = [a for a in ws.projects.annotations("honeypot", include_gold=True) if a.gold]
        assert len(served) == 4 and len(gold) == 1  # three regular items and the gold one


def _pick(task: dict[str, Any], starts: str) -> dict[str, Any]:
    """The pairwise label choosing the response that starts with `starts`, wherever shown."""
    for response in task["view"]["responses"]:
        if response["messages"][0]["content"].startswith(starts):
            return {"choice": response["label"]}
    raise AssertionError(f"no response starting {starts!r}")


def test_a_disagreement_is_adjudicated(world: World) -> None:
    for who, starts in (("ana", "Good"), ("ben", "Poor")):
        task = _next(world[who], "duo")
        assert _submit(world[who], task, _pick(task, starts), f"duo-{who}").status_code == 201
    [dispute] = world["rey"].get("/duo/adjudication/queue").json()
    assert sorted(a["annotator"] for a in dispute["annotations"]) == ["ana", "ben"]
    url = f"/duo/items/{dispute['item_id']}/adjudication"
    decided = world["rey"].post(url, json={"payload": {"choice": "A"}, "comment": "A is kinder"})
    assert decided.status_code == 201, decided.text
    assert "already adjudicated by rey" in _error(
        world["trina"].post(url, json={"payload": {"choice": "B"}}), 409
    )
    with world.sdk() as ws:
        [final] = ws.projects.adjudications("duo")
        assert (final.adjudicator, final.payload["choice"]) == ("rey", "A")


def test_a_question_is_answered_in_the_next_guideline(world: World) -> None:
    task = _next(world["ana"], "asks")
    asked = world["ana"].post(
        "/asks/questions", json={"question": "Is a tie allowed?", "item_id": task["item_id"]}
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["asked_by"] == "ana" and asked.json()["item_id"] == task["item_id"]
    with world.sdk() as ws:
        ws.projects.answer("asks", asked.json()["id"], "Yes, when both are equally good.")
    guideline = world["ana"].get("/asks/guideline").json()
    assert guideline["number"] == 2 and "Yes, when both are equally good." in guideline["text"]


def test_a_question_about_an_item_one_does_not_hold_or_labelled_is_not_found(
    world: World,
) -> None:
    held = _next(world["ana"], "peek")
    with world.sdk() as ws:
        [gold] = [i.id for i in ws.projects.items("honeypot") if i.gold]
    messages = []
    for who, project, item in (("ben", "peek", held["item_id"]), ("ben", "peek", 999_999),
                               ("ana", "honeypot", gold)):  # fmt: skip
        asked = world[who].post(f"/{project}/questions", json={"question": "?", "item_id": item})
        message = _error(asked, 404)
        messages.append(message.replace(str(item), "N").replace(who, "W").replace(project, "P"))
    assert len(set(messages)) == 1 and "W has no item N in project 'P'" in messages[0]
    mine = world["ana"].post(
        "/peek/questions", json={"question": "Tie?", "item_id": held["item_id"]}
    )
    assert mine.status_code == 201, mine.text
    with world.sdk() as ws:
        assert [q.asked_by for q in ws.projects.questions("peek")] == ["ana"]
        assert ws.projects.questions("honeypot") == []


def test_only_sampled_work_on_undecided_items_is_reviewed(world: World) -> None:
    task = _next(world["ana"], "unsampled")
    stored = _submit(world["ana"], task, {"choice": "A"}, "unsampled-ana").json()
    assert world["rey"].get("/unsampled/reviews/queue").json() == []
    refused = world["rey"].post(
        f"/unsampled/annotations/{stored['annotation_id']}/review", json={"verdict": "accept"}
    )
    assert "was not sampled for review" in _error(refused, 409)
    for who, starts in (("ana", "Good"), ("ben", "Poor")):
        task = _next(world[who], "judged")
        assert _submit(world[who], task, _pick(task, starts), f"judged-{who}").status_code == 201
    queue = world["rey"].get("/judged/reviews/queue").json()
    assert len(queue) == 2
    [dispute] = world["trina"].get("/judged/adjudication/queue").json()
    url = f"/judged/items/{dispute['item_id']}/adjudication"
    assert world["trina"].post(url, json={"payload": {"choice": "A"}}).status_code == 201
    assert world["rey"].get("/judged/reviews/queue").json() == []
    late = world["rey"].post(
        f"/judged/annotations/{queue[0]['annotation']['id']}/review",
        json={"verdict": "reject", "comment": "too late"},
    )
    assert "was adjudicated, and that decision is final" in _error(late, 409)
    with world.sdk() as ws:
        assert ws.projects.reviews("unsampled") == ws.projects.reviews("judged") == []
