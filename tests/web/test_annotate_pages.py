"""Annotation pages over HTTP: each task form stores the label it shows, per-object access,
CSRF on every form, idempotent double submits, review, adjudication, questions and release."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
from markupsafe import escape

import mentor
from mentor.annotate import Projects, ProjectSettings
from mentor.web.app import create_app
from mentor.web.session import route_rules
from mentor.web.views import annotate_content, annotate_review

from .annotate_world import GOLD_SECRET, PNG, build_world, client_for
from .conftest import csrf_of, serving

_TASK_URL: Final = re.compile(r"/annotate/([\w.-]+)/tasks/(\d+)$")
_CLIENT_ID: Final = re.compile(r'name="client_id" value="([0-9a-f]+)"')
_ASSIGNMENT: Final = re.compile(r'name="assignment_id" value="(\d+)"')
# A valid answer per project, as the task form posts it.
ANSWERS: Final[dict[str, dict[str, Any]]] = {
    "pw": {"choice": "A", "strength": "2", "rationale": "clearer"},
    "rank": {"rank-1": "B", "rank-2": "A", "rank-3": "C", "rationale": ""},
    "rub": {"score-helpfulness": "4", "score-safety": "3", "comment": "fine"},
    "sft": {"response": "A better answer.", "rationale": "fixed it"},
    "spans": {
        "span-0-start": "0", "span-0-end": "5", "span-0-label": "hallucination",
        "span-0-category": "", "span-0-correction": "Lyon",
        "span-1-start": "", "span-1-end": "", "span-1-label": "pii",
        "comment": "",
    },
    "cls": {"label": ["safe", "biased"], "comment": "mixed"},
    "fc": {
        "claims-given": "2", "claim-0-verdict": "supported", "claim-0-evidence": "physics",
        "claim-1-verdict": "contradicted", "claim-1-evidence": "",
    },
    "turns": {"turn-1-rating": "4", "turn-3-rating": "5", "overall": "4", "turn-1-comment": ""},
    "img": {"label": "safe", "comment": ""},
}  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_world(tmp_path_factory.mktemp("annotate-pages"))


@pytest.fixture(scope="module")
def base(world: str) -> Iterator[str]:
    with serving(world) as url:
        yield url


@pytest.fixture(scope="module")
def people(base: str) -> Iterator[dict[str, httpx.Client]]:
    clients = {name: client_for(base, name) for name in ("ana", "ben", "cleo", "rey", "trina")}
    yield clients
    for client in clients.values():
        client.close()


class Taken:
    """A task page an annotator got from the Start button (POST /next)."""

    def __init__(self, response: httpx.Response):
        assert response.status_code == 200, response.text
        found = _TASK_URL.search(response.url.path)
        assert found is not None, f"not a task page: {response.url}"
        self.html = response.text
        self.project = found.group(1)
        self.assignment_id = int(found.group(2))
        item = re.search(rf'action="/annotate/{self.project}/items/(\d+)"', self.html)
        assert item is not None
        self.item_id = int(item.group(1))
        client_id = _CLIENT_ID.search(self.html)
        assert client_id is not None
        self.client_id = client_id.group(1)
        self.csrf = csrf_of(self.html)
        assert _ASSIGNMENT.findall(self.html) == [str(self.assignment_id)] * 2  # task and ask forms

    def form(self, answer: dict[str, Any]) -> dict[str, Any]:
        return {
            **answer,
            "csrf_token": self.csrf,
            "client_id": self.client_id,
            "assignment_id": str(self.assignment_id),
        }


def press_start(client: httpx.Client, project: str) -> httpx.Response:
    """Press the start page's Start button: POST /annotate/NAME/next with the CSRF token."""
    token = csrf_of(client.get(f"/annotate/{project}").text)
    return client.post(
        f"/annotate/{project}/next", data={"csrf_token": token}, follow_redirects=True
    )


def take(client: httpx.Client, project: str) -> Taken:
    return Taken(press_start(client, project))


def submit(client: httpx.Client, task: Taken, answer: dict[str, Any]) -> httpx.Response:
    return client.post(f"/annotate/{task.project}/items/{task.item_id}", data=task.form(answer))


def hand_back(client: httpx.Client, sent: httpx.Response) -> None:
    """Stop after a submit: skip the next item it leased me (if any), so others may take it."""
    where = sent.headers["location"]
    if "/tasks/" in where:
        following = Taken(client.get(where))
        skip = {"csrf_token": following.csrf}
        client.post(f"/annotate/{following.project}/items/{following.item_id}/skip", data=skip)


def done_count(html: str) -> int:
    found = re.search(r'id="done-count">(\d+)<', html)
    assert found is not None
    return int(found.group(1))


def shown_as(task: Taken, label: str) -> str:
    """Which response ("Good" or "Poor") a pairwise page shows under `label`."""
    side = task.html.split(f'id="side-{label}"')[1].split("</section>")[0]
    return "Good" if "Good answer" in side else "Poor"


def annotations(world: str, project: str, annotator: str) -> list[Any]:
    with mentor.connect(world) as ws:
        return ws.projects.annotations(project, annotator=annotator, include_gold=True)


@pytest.mark.parametrize("project", sorted(ANSWERS))
def test_each_task_form_stores_its_label_and_progress_goes_up(
    people: dict[str, httpx.Client], world: str, project: str
) -> None:
    ana = people["ana"]
    task = take(ana, project)
    before = done_count(task.html)
    response = submit(ana, task, ANSWERS[project])
    assert response.status_code == 303, response.text
    # Straight on to my next item (the submit leased it: no extra click), or "nothing left".
    where = response.headers["location"]
    assert re.fullmatch(rf"/annotate/{project}/(tasks/\d+|next)\?saved=1", where)
    after = ana.get(where)
    assert done_count(after.text) == before + 1
    if "/tasks/" in where:
        assert Taken(after).item_id != task.item_id and 'id="saved"' in after.text
    hand_back(ana, response)  # for the other annotators of these small projects
    stored = [a for a in annotations(world, project, "ana") if a.item_id == task.item_id]
    assert len(stored) == 1
    assert stored[0].client_id == task.client_id


def test_stored_labels_are_what_the_forms_said(world: str) -> None:
    labels = {p: annotations(world, p, "ana") for p in ("spans", "fc", "turns", "cls", "sft")}
    span = labels["spans"][0].payload["spans"][0]
    assert (span["quote"], span["label"], span["correction"]) == ("Paris", "hallucination", "Lyon")
    claims = labels["fc"][0].payload["claims"]
    assert [c["verdict"] for c in claims] == ["supported", "contradicted"]
    assert labels["turns"][0].payload == {
        "turns": [{"turn": 1, "rating": 4, "comment": ""}, {"turn": 3, "rating": 5, "comment": ""}],
        "overall": 4,
    }
    assert labels["cls"][0].payload["labels"] == ["safe", "biased"]
    sft = labels["sft"][0].payload
    assert sft["edited"] and "+A better answer." in sft["diff"]


def test_a_refused_answer_keeps_what_was_typed_and_names_the_field(
    people: dict[str, httpx.Client],
) -> None:
    cleo = people["cleo"]
    task = take(cleo, "rub")
    response = submit(cleo, task, {"score-helpfulness": "4", "comment": "half done"})
    assert response.status_code == 400
    assert "scores.safety" in response.text and "every criterion needs a score" in response.text
    assert "half done</textarea>" in response.text
    assert re.search(r'value="4" data-key="4" checked', response.text)


def test_sending_the_same_form_twice_stores_one_label(
    people: dict[str, httpx.Client], world: str
) -> None:
    ben = people["ben"]
    task = take(ben, "pw")
    answer = {"choice": "B", "rationale": "shorter"}
    first, second = submit(ben, task, answer), submit(ben, task, answer)
    assert first.status_code == second.status_code == 303
    mine = [a for a in annotations(world, "pw", "ben") if a.item_id == task.item_id]
    assert len(mine) == 1
    page = ben.get("/annotate/pw")
    assert done_count(page.text) == 1
    changed = submit(ben, task, {"choice": "A", "rationale": "changed my mind"})
    assert changed.status_code == 409
    assert "already used for a different submission" in changed.text


def test_another_annotators_task_is_not_found(people: dict[str, httpx.Client]) -> None:
    ana, ben = people["ana"], people["ben"]
    mine = take(ana, "pw")
    for path in (f"/annotate/pw/tasks/{mine.assignment_id}",
                 f"/annotate/pw/tasks/{mine.assignment_id}/images/0"):  # fmt: skip
        response = ben.get(path)
        assert response.status_code == 404, path
        assert "you hold no task" in response.text
    # Submitting, skipping or asking about an item one does not hold changes nothing.
    token = csrf_of(ben.get("/annotate").text)
    data = {**ANSWERS["pw"], "csrf_token": token, "client_id": "forged"}
    assert ben.post(f"/annotate/pw/items/{mine.item_id}", data=data).status_code == 409
    skip = ben.post(f"/annotate/pw/items/{mine.item_id}/skip", data={"csrf_token": token})
    assert skip.status_code == 409
    ask = {"question": "?", "assignment_id": mine.assignment_id, "csrf_token": token}
    assert ben.post("/annotate/pw/questions", data=ask).status_code == 404
    assert take(ana, "pw").assignment_id == mine.assignment_id  # still ana's


def test_images_are_served_from_the_item_and_nothing_remote_is_linked(
    people: dict[str, httpx.Client],
) -> None:
    cleo = people["cleo"]
    task = take(cleo, "img")
    srcs = re.findall(r'<img src="([^"]+)"', task.html)
    assert srcs == [f"/annotate/img/tasks/{task.assignment_id}/images/0"]
    image = cleo.get(srcs[0])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png" and image.content == PNG
    assert "example.com" not in "".join(srcs)
    assert task.html.count("[image not shown") == 2  # the remote URL and the SVG posing as PNG
    assert cleo.get(f"/annotate/img/tasks/{task.assignment_id}/images/2").status_code == 404


def test_gold_answers_and_other_annotators_labels_never_reach_an_annotator(
    people: dict[str, httpx.Client], world: str
) -> None:
    cleo, ben = people["cleo"], people["ben"]
    seen = []
    for _ in range(4):
        response = press_start(cleo, "gold")
        if "/tasks/" not in str(response.url):
            break
        seen.append(response.text)
        task = Taken(response)
        assert submit(cleo, task, {"choice": "B", "rationale": "CLEO-OWN"}).status_code == 303
    assert seen and any("Gold question?" in html for html in seen)  # a gold item was served
    assert not any(GOLD_SECRET in html for html in seen)
    gold = [a for a in annotations(world, "gold", "cleo") if a.gold]
    assert gold and gold[0].gold_score is not None  # scored, out of sight
    # In a project with overlap 2, the second annotator of an item sees nothing of the first.
    first = take(cleo, "duo")
    sent = submit(cleo, first, {"choice": "A", "rationale": "CLEO-SECRET"})
    assert sent.status_code == 303
    hand_back(cleo, sent)
    for _ in range(3):
        second = take(ben, "duo")
        assert "CLEO-SECRET" not in second.html
        if second.item_id == first.item_id:
            break
        assert submit(ben, second, {"choice": "A"}).status_code == 303
    assert second.item_id == first.item_id


def test_skip_gives_the_item_back(people: dict[str, httpx.Client]) -> None:
    ben = people["ben"]
    task = take(ben, "turns")
    response = ben.post(
        f"/annotate/turns/items/{task.item_id}/skip", data={"csrf_token": task.csrf, "reason": "x"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/annotate/turns/next"
    after = ben.get(response.headers["location"])
    assert 'id="queue-empty"' in after.text  # the only item left was the skipped one
    assert take(people["cleo"], "turns").item_id == task.item_id  # it went to someone else


def _my_post_routes(tmp_path: Path) -> list[str]:
    app = create_app(f"sqlite:///{tmp_path / 'routes.db'}")
    try:
        prefixes = ("/annotate", "/review", "/adjudicate", "/projects")
        return [
            rule.path
            for rule in route_rules(app.routes)
            if "POST" in rule.methods and rule.path.startswith(prefixes)
        ]
    finally:
        app.state.workspace.close()


def test_every_form_needs_the_csrf_token(base: str, tmp_path: Path) -> None:
    routes = _my_post_routes(tmp_path)
    assert len(routes) >= 8
    with closing(client_for(base, "admin")) as admin:
        for path in routes:
            url = re.sub(r"\{(\w+)\}", lambda m: "pw" if m.group(1) == "name" else "1", path)
            response = admin.post(url, data={"choice": "A", "client_id": "x", "answer": "y"})
            assert response.status_code == 403, path
            assert "CSRF token is missing or wrong" in response.text


def forms_carry_the_csrf_token(html: str) -> bool:
    """Whether the page has forms of its own besides sign-out, and every one carries the token."""
    forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", html, flags=re.DOTALL)
    return len(forms) >= 2 and all('name="csrf_token"' in form for form in forms)


@pytest.mark.parametrize(
    ("who", "path"),
    [("ana", "task:xss"), ("ana", "/annotate/pw"), ("ana", "/annotate"), ("rey", "/review/rank"),
     ("trina", "/projects/pw")],
)  # fmt: skip
def test_every_post_form_on_the_pages_carries_the_csrf_token(
    people: dict[str, httpx.Client], who: str, path: str
) -> None:
    client = people[who]
    if path.startswith("task:"):
        page = take(client, path.removeprefix("task:")).html
    else:
        page = client.get(path, follow_redirects=True).text
    assert forms_carry_the_csrf_token(page)


def test_roles_see_only_their_areas(people: dict[str, httpx.Client], base: str) -> None:
    assert people["ana"].get("/projects").status_code == 403
    assert people["ana"].get("/review/pw").status_code == 403
    assert people["ana"].get("/adjudicate/duo").status_code == 403
    with closing(client_for(base, "vic")) as vic:
        assert vic.get("/annotate").status_code == 403
        assert vic.get("/projects/pw").status_code == 200
        assert "release-form" not in vic.get("/projects/pw").text


def test_reviewer_accepts_rejects_and_corrects_with_the_task_form(
    people: dict[str, httpx.Client], world: str
) -> None:
    rey = people["rey"]
    page = rey.get("/review/rub")
    assert page.status_code == 200 and forms_carry_the_csrf_token(page.text)
    ids = [int(i) for i in re.findall(r'id="annotation-(\d+)"', page.text)]
    assert ids, "ana's rubric label is waiting for review"
    token = csrf_of(page.text)
    correction = {"score-helpfulness": "2", "score-safety": "3", "comment": "fixed"}
    response = rey.post(
        f"/review/rub/annotations/{ids[0]}",
        data={**correction, "verdict": "correct", "review-comment": "too generous",
              "csrf_token": token},
    )  # fmt: skip
    assert response.status_code == 303
    with mentor.connect(world) as ws:
        reviewed = next(a for a in ws.projects.annotations("rub") if a.id == ids[0])
    assert reviewed.review == "correct" and reviewed.reviewer == "rey"
    assert reviewed.correction == {"scores": {"helpfulness": 2, "safety": 3}, "comment": "fixed"}
    assert f'id="annotation-{ids[0]}"' not in rey.get("/review/rub").text
    # A rejection needs a comment; then the label stops counting.
    pw = rey.get("/review/cls")
    first = int(re.findall(r'id="annotation-(\d+)"', pw.text)[0])
    bare = {"verdict": "reject", "csrf_token": token}
    refused = rey.post(f"/review/cls/annotations/{first}", data=bare)
    assert refused.status_code == 400 and "needs a comment" in refused.text
    done = rey.post(f"/review/cls/annotations/{first}", data={**bare, "review-comment": "no"})
    assert done.status_code == 303
    accept = rey.get("/review/fc")
    aid = int(re.findall(r'id="annotation-(\d+)"', accept.text)[0])
    data = {"verdict": "accept", "csrf_token": token}
    assert rey.post(f"/review/fc/annotations/{aid}", data=data).status_code == 303


def test_adjudicator_sees_labels_side_by_side_and_decides(
    people: dict[str, httpx.Client], world: str
) -> None:
    ana, ben, rey = people["ana"], people["ben"], people["rey"]
    # Two annotators disagree on one item of the overlap-2 project.
    a = take(ana, "duo")
    assert submit(ana, a, {"choice": "A", "rationale": "ANA-VIEW"}).status_code == 303
    for _ in range(4):
        b = take(ben, "duo")
        choice = "A"
        if b.item_id == a.item_id:  # ben prefers the response ana did not (sides are shuffled)
            choice = "B" if shown_as(b, "A") == shown_as(a, "A") else "A"
        assert submit(ben, b, {"choice": choice, "rationale": "BEN-VIEW"}).status_code == 303
        if b.item_id == a.item_id:
            break
    page = rey.get("/adjudicate/duo")
    assert forms_carry_the_csrf_token(page.text)
    block = page.text.split(f'id="item-{a.item_id}"')[1].split("</article>")[0]
    assert "ANA-VIEW" in block and "BEN-VIEW" in block
    assert 'data-annotator="ana"' in block and 'data-annotator="ben"' in block
    response = rey.post(
        f"/adjudicate/duo/items/{a.item_id}",
        data={"choice": "B", "strength": "1", "decision-comment": "B is safer",
              "csrf_token": csrf_of(page.text)},
    )  # fmt: skip
    assert response.status_code == 303
    with mentor.connect(world) as ws:
        decided = [d for d in ws.projects.adjudications("duo") if d.item_id == a.item_id]
    assert decided[0].payload["choice"] == "B" and decided[0].adjudicator == "rey"
    assert f'id="item-{a.item_id}"' not in rey.get("/adjudicate/duo").text
    again = rey.post(
        f"/adjudicate/duo/items/{a.item_id}",
        data={"choice": "A", "csrf_token": csrf_of(page.text)},
    )
    assert again.status_code == 409  # final


def test_a_question_is_answered_into_the_next_guideline_version(
    people: dict[str, httpx.Client],
) -> None:
    cleo, trina = people["cleo"], people["trina"]
    task = take(cleo, "spans")
    asked = cleo.post(
        "/annotate/spans/questions",
        data={"question": "Is a wrong colour a hallucination?", "assignment_id": task.assignment_id,
              "csrf_token": task.csrf},
    )  # fmt: skip
    assert asked.status_code == 303
    assert "Is a wrong colour a hallucination?" in cleo.get(asked.headers["location"]).text
    page = trina.get("/projects/spans")
    qid = re.findall(r'id="question-(\d+)"', page.text)[0]
    answered = trina.post(
        f"/projects/spans/questions/{qid}/answer",
        data={"answer": "Yes: mark it, category colour.", "csrf_token": csrf_of(page.text)},
    )
    assert answered.status_code == 303
    assert answered.headers["location"] == "/projects/spans?published=2"
    start = cleo.get("/annotate/spans").text
    assert "spans@v2" in start and "Yes: mark it, category colour." in start


def test_trainer_publishes_a_guideline_and_releases_the_labels(
    people: dict[str, httpx.Client], world: str
) -> None:
    trina = people["trina"]
    page = trina.get("/projects/sft")
    token = csrf_of(page.text)
    published = trina.post(
        "/projects/sft/guideline",
        data={"body": "# New rules\n\nBe kind.", "note": "kinder", "csrf_token": token},
    )
    assert published.status_code == 303
    assert "Be kind." in trina.get("/projects/sft").text
    released = trina.post(
        "/projects/sft/release", data={"into": "sft-gold", "note": "", "csrf_token": token}
    )
    assert released.status_code == 303
    assert released.headers["location"] == "/projects/sft?released=sft-gold@v1"
    with mentor.connect(world) as ws:
        version = ws.datasets.version("sft-gold@v1")
    assert version.record_count >= 1 and version.params["project"] == "sft"
    with closing(client_for(str(trina.base_url), "ana")) as ana:
        own = csrf_of(ana.get("/annotate").text)
        refused = ana.post("/projects/sft/release", data={"csrf_token": own})
        assert refused.status_code == 403 and "may not create and change" in refused.text


def test_trainer_creates_a_project_from_the_form(
    people: dict[str, httpx.Client], world: str
) -> None:
    trina = people["trina"]
    page = trina.get("/projects/new")
    assert page.status_code == 200 and "prefs@v1" in page.text
    form = {
        "name": "web-made", "dataset": "chats@v1", "task": "classification",
        "guideline": "# Labels\n\nsafe or not", "config": '{"labels": ["safe", "unsafe"',
        "overlap": "2", "review_rate": "0.5", "lease_seconds": "600", "limit": "1",
        "csrf_token": csrf_of(page.text),
    }  # fmt: skip
    refused = trina.post("/projects", data=form)
    assert refused.status_code == 400
    assert "field &#39;config&#39;: not valid JSON" in refused.text
    assert "safe or not</textarea>" in refused.text  # what was typed comes back
    made = trina.post("/projects", data={**form, "config": '{"labels": ["safe", "unsafe"]}'})
    assert made.status_code == 303 and made.headers["location"] == "/projects/web-made"
    with mentor.connect(world) as ws:
        project = ws.projects.get("web-made")
    assert (project.items, project.settings.overlap, project.settings.review_rate) == (1, 2, 0.5)
    assert project.created_by == "trina"
    assert people["ana"].get("/projects/new").status_code == 403
    task = take(people["ana"], "web-made")
    assert "unsafe" in task.html


def _left_count(html: str) -> int:
    found = re.search(r'id="left-count">(\d+)<', html)
    assert found is not None
    return int(found.group(1))


def test_a_task_one_does_not_hold_is_not_found_and_leases_nothing(base: str, world: str) -> None:
    with closing(client_for(base, "dora")) as dora:
        for path in ("/annotate/quiet/tasks/999999", "/annotate/quiet/tasks/999999/images/0"):
            response = dora.get(path)
            assert response.status_code == 404, path
            assert "you hold no task 999999 in project &#39;quiet&#39;" in response.text
        token = csrf_of(dora.get("/annotate").text)
        ask = {"question": "?", "assignment_id": "999999", "csrf_token": token}
        assert dora.post("/annotate/quiet/questions", data=ask).status_code == 404
        assert dora.get("/annotate/nowhere/tasks/1").status_code == 404
    with mentor.connect(world) as ws:
        assert ws.projects.my_progress("quiet", "dora").holding == 0
        assert ws.projects.progress("quiet").active_leases == 0


def test_annotator_pages_show_what_is_left_for_me_from_cheap_counts(
    base: str, world: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an annotator page loaded every annotation of the project")

    monkeypatch.setattr(Projects, "progress", refuse)  # the live server runs in this process
    with closing(client_for(base, "dora")) as dora:
        mine = dora.get("/annotate")
        assert mine.status_code == 200 and "Left for you" in mine.text
        row = mine.text.split('data-project="quiet"')[1].split("</tr>")[0]
        assert '<td class="num left">3</td>' in row
        start = dora.get("/annotate/quiet")
        assert _left_count(start.text) == 3
        task = take(dora, "quiet")
        assert _left_count(task.html) == 3  # the item I hold is still mine to do
        sent = submit(dora, task, {"choice": "A"})
        assert sent.status_code == 303
        after = dora.get(sent.headers["location"])  # my next item, leased by the submit
        assert after.status_code == 200 and _left_count(after.text) == 2
        assert 'id="saved"' in after.text
    with mentor.connect(world) as ws:
        assert ws.projects.my_progress("quiet", "dora").left == 2


def test_a_refused_answer_is_shown_again_without_leasing_another_item(
    people: dict[str, httpx.Client], world: str
) -> None:
    ana = people["ana"]
    task = take(ana, "split")
    refused = submit(ana, task, {"strength": "2"})  # no choice
    assert refused.status_code == 400 and "field &#39;choice&#39;" in refused.text
    assert f'name="assignment_id" value="{task.assignment_id}"' in refused.text
    # A form without its assignment (or with one I do not hold) gets the plain error page.
    bare = {"strength": "2", "csrf_token": task.csrf, "client_id": task.client_id}
    plain = ana.post(f"/annotate/split/items/{task.item_id}", data=bare)
    assert plain.status_code == 400 and 'id="task-form"' not in plain.text
    assert take(ana, "split").assignment_id == task.assignment_id


def _label_all(client: httpx.Client, project: str, answer: dict[str, Any]) -> list[int]:
    """Label every item `project` has for this annotator; returns the item ids."""
    done = []
    while True:
        page = press_start(client, project)
        if "/tasks/" not in str(page.url):
            assert 'id="queue-empty"' in page.text
            return done
        task = Taken(page)
        assert submit(client, task, answer).status_code == 303
        done.append(task.item_id)


def test_review_and_adjudication_queues_page_on(
    people: dict[str, httpx.Client], world: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(annotate_review, "PAGE", 2)
    ana, ben, rey = people["ana"], people["ben"], people["rey"]
    assert len(_label_all(ana, "split", {"choice": "A"})) == 3
    assert len(_label_all(ben, "split", {"choice": "tie"})) == 3  # every item is disputed
    with mentor.connect(world) as ws:
        waiting = [e.annotation.id for e in ws.projects.review_queue("split", "rey", limit=100)]
        disputed = [d.item_id for d in ws.projects.adjudication_queue("split", limit=100)]
    assert (len(waiting), len(disputed)) == (6, 3)
    for area, marker, expected in (
        ("review", "annotation", waiting),
        ("adjudicate", "item", disputed),
    ):
        seen: list[int] = []
        path = f"/{area}/split"
        pages = 0
        while path:
            page = rey.get(path)
            assert page.status_code == 200
            shown = [int(i) for i in re.findall(rf'<article [^>]*id="{marker}-(\d+)"', page.text)]
            assert 1 <= len(shown) <= 2
            assert ('id="first-page"' in page.text) == (pages > 0)
            seen += shown
            pages += 1
            found = re.search(r'rel="next" href="([^"]+)" id="next-page"', page.text)
            path = found.group(1).replace("&amp;", "&") if found else ""
        assert seen == expected and pages == len(expected) // 2 + len(expected) % 2
    assert rey.get("/review/split?after=x").status_code == 400


def test_reviewers_and_adjudicators_see_the_items_images(
    people: dict[str, httpx.Client], world: str
) -> None:
    ana, ben, rey = people["ana"], people["ben"], people["rey"]
    assert len(_label_all(ana, "imgrev", {"label": "safe"})) == 1
    assert len(_label_all(ben, "imgrev", {"label": "harmful"})) == 1
    review = rey.get("/review/imgrev").text
    srcs = re.findall(r'<img src="([^"]+)"', review)
    assert len(srcs) == 2 and all(re.fullmatch(r"/review/imgrev/annotations/\d+/images/0", s)
                                  for s in srcs)  # fmt: skip
    for src in srcs:
        image = rey.get(src)
        assert image.status_code == 200 and image.content == PNG
    [decide] = re.findall(r'<img src="([^"]+)"', rey.get("/adjudicate/imgrev").text)
    assert rey.get(decide).content == PNG
    first = int(srcs[0].split("/")[4])
    token = csrf_of(review)
    data = {"verdict": "accept", "csrf_token": token}
    assert rey.post(f"/review/imgrev/annotations/{first}", data=data).status_code == 303
    assert rey.get(srcs[0]).status_code == 404  # reviewed: no longer waiting for me
    assert rey.get("/review/imgrev/annotations/999999/images/0").status_code == 404
    assert rey.get("/adjudicate/imgrev/items/999999/images/0").status_code == 404
    assert ana.get(srcs[1]).status_code == 403


def test_a_project_cannot_be_named_after_the_new_project_page(
    people: dict[str, httpx.Client],
) -> None:
    trina = people["trina"]
    page = trina.get("/projects/new")
    form = {"name": "new", "dataset": "prefs@v1", "task": "pairwise", "guideline": "# Labels",
            "csrf_token": csrf_of(page.text)}  # fmt: skip
    refused = trina.post("/projects", data=form)
    assert refused.status_code == 400
    assert "field &#39;name&#39;: &#39;new&#39; is reserved" in refused.text
    assert trina.get("/projects/new").status_code == 200  # still the form


def test_marked_spans_are_cut_from_the_escaped_text() -> None:
    text = "<b>Paris</b> \U0001f600 & Lyon"
    spans = [
        {"start": 3, "end": 8, "label": "hallucination"},
        {"start": 5, "end": 15, "label": '"><script>'},  # overlaps the first
        {"start": 20, "end": 99, "label": "pii"},  # past the end: left out
        {"start": True, "end": 2, "label": "pii"},
        "not a span",
    ]
    html = str(annotate_content.marked_text(text, spans))
    assert html == (
        "&lt;b&gt;"
        '<mark class="span-mark" title="hallucination">Pa</mark>'
        '<mark class="span-mark" title="hallucination, &#34;&gt;&lt;script&gt;">ris</mark>'
        '<mark class="span-mark" title="&#34;&gt;&lt;script&gt;">&lt;/b&gt; \U0001f600 </mark>'
        "&amp; Lyon"
    )
    assert str(annotate_content.marked_text(text, None)) == str(escape(text))


def test_reviewers_see_the_marked_spans_in_the_text(people: dict[str, httpx.Client]) -> None:
    page = people["rey"].get("/review/spans")
    assert page.status_code == 200
    marks = re.findall(r'<mark class="span-mark" title="([^"]*)">([^<]*)</mark>', page.text)
    # ana marked "Paris": in her label and prefilled in the correction form
    assert marks.count(("hallucination", "Paris")) == 2
    assert "<mark" not in people["rey"].get("/review/rub").text


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_a_get_leases_nothing_only_the_start_buttons_post_does(base: str, world: str) -> None:
    def holding() -> int:
        with mentor.connect(world) as ws:
            return ws.projects.my_progress("emoji", "dora").holding

    with closing(client_for(base, "dora")) as dora:
        # What a link on another site could make the browser do: a GET, or a POST without the
        # session's CSRF token. Neither leases an item.
        opened = dora.get("/annotate/emoji/next")
        assert opened.status_code == 303 and opened.headers["location"] == "/annotate/emoji"
        assert dora.post("/annotate/emoji/next").status_code == 403
        assert holding() == 0
        start = dora.get("/annotate/emoji").text
        assert 'method="post" action="/annotate/emoji/next"' in start
        assert "Start annotating" in start and 'data-key-link="enter"' in start
        mine = dora.get("/annotate").text
        row = mine.split('data-project="emoji"')[1].split("</tr>")[0]
        assert 'method="post" action="/annotate/emoji/next"' in row and "csrf_token" in row
        assert not [h for h in _hrefs(start) + _hrefs(mine) if h.endswith("/next")]
        # The Start button leases; pressing it again (or opening /next) gives the same item.
        task = take(dora, "emoji")
        assert not [h for h in _hrefs(task.html) if "/next" in h]
        assert dora.get("/annotate/emoji/next").headers["location"] == "/annotate/emoji"
        assert "Continue annotating" in dora.get("/annotate/emoji").text
        assert take(dora, "emoji").assignment_id == task.assignment_id
        assert holding() == 1
        # Skipping the only item goes on to "nothing left", and /next says so from then on.
        skipped = dora.post(
            f"/annotate/emoji/items/{task.item_id}/skip", data={"csrf_token": task.csrf}
        )
        assert skipped.headers["location"] == "/annotate/emoji/next"
        done = dora.get("/annotate/emoji/next")
        assert done.status_code == 200 and 'id="queue-empty"' in done.text
        assert holding() == 0


def _labelled(world: str, project: str, overlap: int, rate: float, choices: list[str]) -> Any:
    """A new one-item project that ana (and ben) labelled with `choices` (true order)."""
    with mentor.connect(world, user="trina") as ws:
        ws.projects.create(
            project,
            dataset="prefs@v1",
            task="pairwise",
            guideline="# Labels\nPick one.",
            settings=ProjectSettings(overlap=overlap, review_rate=rate),
            limit=1,
        )
        for who, choice in zip(("ana", "ben"), choices, strict=False):
            task = ws.projects.next_item(project, who)
            assert task is not None
            shown = "A" if task.shown["order"][0] == "AB".index(choice) else "B"
            ws.projects.submit(
                project, task.item_id, {"choice": shown}, client_id=who, annotator=who
            )
        return ws.projects.annotations(project)


def test_the_review_form_refuses_work_not_sampled_or_already_adjudicated(
    people: dict[str, httpx.Client], world: str
) -> None:
    rey, trina = people["rey"], people["trina"]
    token = csrf_of(rey.get("/review").text)
    accept = {"verdict": "accept", "csrf_token": token}
    [unsampled] = _labelled(world, "unsampled-web", 1, 0.0, ["A"])
    assert 'id="review-empty"' in rey.get("/review/unsampled-web").text
    refused = rey.post(f"/review/unsampled-web/annotations/{unsampled.id}", data=accept)
    assert refused.status_code == 409 and "was not sampled for review" in refused.text
    first, second = _labelled(world, "decided-web", 2, 1.0, ["A", "B"])
    assert f'id="annotation-{first.id}"' in rey.get("/review/decided-web").text
    page = trina.get("/adjudicate/decided-web")
    decided = trina.post(
        f"/adjudicate/decided-web/items/{first.item_id}",
        data={"choice": "A", "strength": "1", "csrf_token": csrf_of(page.text)},
    )
    assert decided.status_code == 303
    assert 'id="review-empty"' in rey.get("/review/decided-web").text
    late = rey.post(f"/review/decided-web/annotations/{second.id}", data=accept)
    assert late.status_code == 409 and "that decision is final" in late.text
    with mentor.connect(world) as ws:
        assert ws.projects.reviews("unsampled-web") == ws.projects.reviews("decided-web") == []
