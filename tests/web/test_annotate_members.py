"""Project members on the web: a trainer adds and removes them on the project's page; an
annotator who is not a member neither sees the project nor reaches its tasks, on pages or the
API; reviewers are not held back."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import orjson
import pytest

import mentor
from mentor.accounts import Role

from .annotate_world import GUIDELINE, PASSWORD, client_for
from .conftest import SignIn, csrf_of, serving

PEOPLE = (
    ("trina", Role.TRAINER),
    ("rey", Role.REVIEWER),
    ("ana", Role.ANNOTATOR),
    ("ben", Role.ANNOTATOR),
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("annotate-members")
    url = f"sqlite:///{folder / 'mentor.db'}"
    rows = [
        {"id": f"p{i}", "prompt": f"Question {i}?", "chosen": "Good", "rejected": "Poor"}
        for i in range(3)
    ]
    data = folder / "prefs.jsonl"
    data.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    with mentor.connect(url, user="setup") as ws:
        for name, role in PEOPLE:
            ws.accounts.add_user(name, role, PASSWORD)
        ws.datasets.import_file(data, "prefs")
        for name in ("open", "club"):
            ws.projects.create(name, dataset="prefs@v1", task="pairwise", guideline=GUIDELINE)
    return url


@pytest.fixture(scope="module")
def base(world: str) -> Iterator[str]:
    with serving(world) as url:
        yield url


def _listed(html: str) -> list[str]:
    return re.findall(r'<tr data-project="([\w.-]+)"', html)


def _start(client: httpx.Client, project: str) -> httpx.Response:
    """Press Start on my projects page: the POST that leases an item."""
    token = csrf_of(client.get("/annotate").text)
    return client.post(
        f"/annotate/{project}/next", data={"csrf_token": token}, follow_redirects=True
    )


def test_a_trainer_adds_a_member_and_others_lose_sight_of_the_project(
    world: str, base: str
) -> None:
    trina, rey, ana, ben = (client_for(base, name) for name in ("trina", "rey", "ana", "ben"))
    # Before: the project is open, and ben takes an item from it.
    assert _listed(ben.get("/annotate").text) == ["club", "open"]
    held = _start(ben, "club")
    assert held.status_code == 200 and "/tasks/" in str(held.url)
    page = trina.get("/projects/club")
    assert "No members: every annotator may work on this project" in page.text

    added = trina.post(
        "/projects/club/members", data={"users": "ana", "csrf_token": csrf_of(page.text)}
    )
    assert added.status_code == 303
    page = trina.get(added.headers["location"])
    assert "Members added." in page.text
    table = page.text.split('id="member-list"')[1].split("</table>")[0]
    assert "<td>ana</td><td>trina</td>" in table and "ben" not in table

    # Ben no longer sees the project, and its pages and his held task are not found.
    assert _listed(ben.get("/annotate").text) == ["open"]
    for path in (str(held.url), "/annotate/club/next", "/annotate/club"):
        refused = ben.get(path)
        assert refused.status_code == 404, path
        assert "no project named &#39;club&#39; is open to ben" in refused.text
    token = csrf_of(ben.get("/annotate").text)
    assert ben.post("/annotate/club/next", data={"csrf_token": token}).status_code == 404
    with mentor.connect(world) as ws:
        token = ws.accounts.create_token("ben", "members").token
    api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"})
    assert [p["name"] for p in api.get("/api/projects").json()] == ["open"]
    assert api.post("/api/projects/club/next").status_code == 404
    assert api.get("/api/projects/club").json()["type"] == "NotAMemberError"
    assert api.post("/api/projects/open/next").status_code == 200

    # Ana, a member, is served; the reviewer still sees the project and its review queue.
    assert _listed(ana.get("/annotate").text) == ["club", "open"]
    assert "/tasks/" in str(_start(ana, "club").url)
    assert rey.get("/projects/club").status_code == 200
    assert rey.get("/review/club").status_code == 200
    # A reviewer may read the members but not change them.
    assert "remove ana" not in rey.get("/projects/club").text

    with mentor.connect(world) as ws:
        events = [e for e in ws.audit(object_id="club") if e.action == "project.member.add"]
    assert [(e.actor, e.after) for e in events] == [("trina", {"member": "ana"})]

    removed = trina.post(
        "/projects/club/members/remove", data={"users": "ana", "csrf_token": csrf_of(page.text)}
    )
    assert removed.status_code == 303
    assert "No members" in trina.get("/projects/club").text
    assert _listed(ben.get("/annotate").text) == ["club", "open"]
    for client in (trina, ana, rey, ben, api):
        client.close()


def test_an_unknown_project_name_tells_an_annotator_of_no_other_project(
    world: str, base: str
) -> None:
    ben = client_for(base, "ben")
    token = csrf_of(ben.get("/annotate").text)
    form = {"csrf_token": token, "assignment_id": "1"}
    with mentor.connect(world) as ws:
        api_token = ws.accounts.create_token("ben", "unknown names").token
    api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {api_token}"})
    answers = [
        ben.get("/annotate/zzz"),
        ben.get("/annotate/zzz/next"),
        ben.get("/annotate/zzz/tasks/1"),
        ben.get("/annotate/zzz/tasks/1/images/0"),
        ben.post("/annotate/zzz/next", data=form),
        ben.post("/annotate/zzz/items/1", data=form),
        ben.post("/annotate/zzz/items/1/skip", data=form),
        ben.post("/annotate/zzz/questions", data={**form, "item_id": "1", "text": "?"}),
        api.get("/api/projects/zzz"),
        api.post("/api/projects/zzz/next"),
        api.post("/api/projects/zzz/items/1", json={"payload": {"choice": "a"}}),
    ]
    for answer in answers:
        assert answer.status_code in (404, 422), (answer.request.url, answer.status_code)
        for other in ("open", "club", "prefs"):
            assert f"'{other}'" not in answer.text and f"&#39;{other}&#39;" not in answer.text
        assert "projects here" not in answer.text, answer.request.url
    for client in (ben, api):
        client.close()


def _between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_the_members_form_names_an_unknown_user_and_needs_its_csrf_token(base: str) -> None:
    trina = client_for(base, "trina")
    token = csrf_of(trina.get("/projects/open").text)
    unknown = trina.post("/projects/open/members", data={"users": "ana zed", "csrf_token": token})
    assert unknown.status_code == 400  # the form comes back, with the reason beside it
    assert "no user named &#39;zed&#39;" in _between(unknown.text, 'id="members-problem"', "</p>")
    assert 'value="ana zed"' in unknown.text  # what was typed, to fix in place
    assert "No members" in unknown.text  # nothing was added, not even ana
    missing = trina.post("/projects/nope/members", data={"users": "ana", "csrf_token": token})
    assert missing.status_code == 404
    forged = trina.post("/projects/open/members", data={"users": "ben"})
    assert forged.status_code == 403
    assert "No members" in trina.get("/projects/open").text
    trina.close()


def _error_message(response: httpx.Response) -> str:
    found = re.search(r'<p class="error-message">(.*?)</p>', response.text, flags=re.DOTALL)
    assert found is not None, response.text
    return found.group(1)


def test_a_members_only_projects_quality_pages_are_not_found_for_other_annotators(
    signed_in: SignIn,
) -> None:
    """The demo's helpfulness-rubric has members ana and ben; cleo is not one."""
    cleo, ana, rey = signed_in("cleo"), signed_in("ana"), signed_in("rey")
    page = "/quality/projects/{}/annotators/{}"
    hidden = cleo.get(page.format("helpfulness-rubric", "cleo"))
    unknown = cleo.get(page.format("no-such-project", "cleo"))
    assert hidden.status_code == unknown.status_code == 404
    assert _error_message(hidden) == _error_message(unknown).replace(
        "no-such-project", "helpfulness-rubric"
    )
    assert "projects here" not in _error_message(unknown)  # names no other project
    others = cleo.get(page.format("helpfulness-rubric", "ana"))  # not a 403: that would tell
    assert others.status_code == 404 and _error_message(others) == _error_message(hidden)
    assert cleo.get(page.format("hh-harmless-prefs", "cleo")).status_code == 200  # open to all
    assert ana.get(page.format("helpfulness-rubric", "ana")).status_code == 200  # a member
    assert ana.get(page.format("helpfulness-rubric", "ben")).status_code == 403  # not hers
    assert rey.get(page.format("helpfulness-rubric", "cleo")).status_code == 200  # a reader
