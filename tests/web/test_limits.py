"""Size limits, as an annotator or a program meets them over a live server: a request body over
``MENTOR_MAX_REQUEST_BYTES`` is refused with 413 before anything reads it (declared or sent in
chunks), free text over ``MENTOR_MAX_TEXT_CHARS`` is refused naming the field and the limit, and
nothing refused is stored. Also the security headers, HSTS only over https."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import closing
from typing import Any, Final

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import mentor
from mentor.accounts import Role
from mentor.annotate import ProjectSettings
from mentor.config import Settings
from mentor.errors import InputError
from mentor.web.headers import SecurityHeaders

from .annotate_world import PASSWORD, client_for
from .conftest import csrf_of, serving

BODY_LIMIT: Final = Settings().max_request_bytes
TEXT_LIMIT: Final = Settings().max_text_chars
GUIDE: Final = "# Guide\n\nPick the better response.\n"


class World:
    """A live server over two small projects, an API client per person and the SDK."""

    def __init__(self, url: str, base: str, tokens: dict[str, str]):
        self.url = url
        self.base = base
        self.api = {
            name: httpx.Client(
                base_url=f"{base}/api/projects",
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            for name, token in tokens.items()
        }

    def stored(self, project: str) -> int:
        """How many annotations the store holds for `project`."""
        with mentor.connect(self.url, user="checker") as ws:
            return len(ws.projects.annotations(project))

    def questions(self, project: str) -> int:
        with mentor.connect(self.url, user="checker") as ws:
            return len(ws.projects.questions(project))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("limits")
    url = f"sqlite:///{folder / 'mentor.db'}"
    prefs = [
        {"id": f"p{i}", "prompt": f"Q{i}?", "chosen": "Good", "rejected": "Poor"} for i in range(4)
    ]
    chats = [
        {
            "id": f"c{i}",
            "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello"},
            ],
        }
        for i in range(2)
    ]
    with mentor.connect(url, user="setup") as ws:
        for name, role in (
            ("ana", Role.ANNOTATOR),
            ("ben", Role.ANNOTATOR),
            ("trina", Role.TRAINER),
        ):
            ws.accounts.add_user(name, role, PASSWORD)
        for name, rows in (("prefs", prefs), ("chats", chats)):
            path = folder / f"{name}.jsonl"
            path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
            ws.datasets.import_file(path, name)
        for name, data, task in (("pw", "prefs", "pairwise"), ("sft", "chats", "sft")):
            ws.projects.create(
                name, dataset=f"{data}@v1", task=task, guideline=GUIDE, settings=ProjectSettings()
            )
        tokens = {n: ws.accounts.create_token(n, "limit tests").token for n in ("ana", "ben")}
    with serving(url) as base:
        world = World(url, base, tokens)
        yield world
        for client in world.api.values():
            client.close()


def _lease(client: httpx.Client, project: str) -> dict[str, Any]:
    response = client.post(f"/{project}/next")
    assert response.status_code == 200, response.text
    task: dict[str, Any] = response.json()
    return task


def _label(rationale: str) -> bytes:
    body = {"payload": {"choice": "A", "rationale": rationale}, "client_id": uuid.uuid4().hex}
    return orjson.dumps(body)


def _json_error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert set(body) == {"error", "type", "message"}
    message: str = body["message"]
    return message


def test_a_body_declared_over_the_limit_gets_413_and_stores_nothing(world: World) -> None:
    ana = world.api["ana"]
    task = _lease(ana, "pw")
    body = _label("x" * (BODY_LIMIT + 10))
    response = ana.post(
        f"/pw/items/{task['item_id']}/annotations",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    message = _json_error(response, 413)
    assert f"at most {BODY_LIMIT:,} bytes" in message and "MENTOR_MAX_REQUEST_BYTES" in message
    assert f"is {len(body):,} bytes" in message
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # the usual headers too
    assert world.stored("pw") == 0
    # The lease is untouched: a label of a sensible size goes through.
    ok = ana.post(
        f"/pw/items/{task['item_id']}/annotations",
        content=_label("clearer"),
        headers={"Content-Type": "application/json"},
    )
    assert ok.status_code == 201, ok.text
    assert world.stored("pw") == 1


def test_a_chunked_body_is_cut_off_at_the_limit(world: World) -> None:
    ben = world.api["ben"]
    task = _lease(ben, "pw")
    body = _label("y" * (BODY_LIMIT + 10))
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))  # no Content-Length
    before = world.stored("pw")
    response = ben.post(
        f"/pw/items/{task['item_id']}/annotations",
        content=chunks,
        headers={"Content-Type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    message = _json_error(response, 413)
    assert f"at most {BODY_LIMIT:,} bytes" in message
    assert world.stored("pw") == before


def test_a_form_over_the_limit_gets_a_413_page(world: World) -> None:
    with closing(client_for(world.base, "trina")) as client:
        page = client.get("/projects/pw")
        data = {"csrf_token": csrf_of(page.text), "body": "z" * (BODY_LIMIT + 10), "note": ""}
        response = client.post("/projects/pw/guideline", data=data)
        assert response.status_code == 413
        assert "text/html" in response.headers["content-type"]
        assert f"at most {BODY_LIMIT:,} bytes" in response.text
    with mentor.connect(world.url, user="checker") as ws:
        assert len(ws.projects.guideline_versions("pw")) == 1


def test_a_rationale_over_the_text_limit_names_field_and_limit(world: World) -> None:
    ana = world.api["ana"]
    task = _lease(ana, "pw")
    before = world.stored("pw")
    long = _label("r" * (TEXT_LIMIT + 1))
    assert len(long) < BODY_LIMIT  # the field's own limit speaks, not the body's
    response = ana.post(
        f"/pw/items/{task['item_id']}/annotations",
        content=long,
        headers={"Content-Type": "application/json"},
    )
    message = _json_error(response, 400)
    assert "field 'payload.rationale'" in message
    assert f"{TEXT_LIMIT + 1:,} characters" in message and f"at most {TEXT_LIMIT:,}" in message
    assert world.stored("pw") == before
    exactly = ana.post(
        f"/pw/items/{task['item_id']}/annotations",
        content=_label("r" * TEXT_LIMIT),
        headers={"Content-Type": "application/json"},
    )
    assert exactly.status_code == 201, exactly.text[:300]


def test_a_gold_response_over_the_limit_is_refused_on_the_task_page(world: World) -> None:
    with closing(client_for(world.base, "ben")) as client:
        leased = client.post(
            "/annotate/sft/next", data={"csrf_token": csrf_of(client.get("/annotate/sft").text)}
        )
        assert leased.status_code == 303, leased.text
        task_page = client.get(leased.headers["location"])
        assignment = leased.headers["location"].rsplit("/", 1)[-1]
        with mentor.connect(world.url, user="checker") as ws:
            item_id = ws.projects.task("sft", int(assignment), "ben").item_id
        form = {
            "csrf_token": csrf_of(task_page.text),
            "client_id": uuid.uuid4().hex,
            "assignment_id": assignment,
            "response": "w" * (TEXT_LIMIT + 1),
            "rationale": "",
        }
        response = client.post(f"/annotate/sft/items/{item_id}", data=form)
        assert response.status_code == 400
        assert "field &#39;payload.response&#39;" in response.text
        assert f"at most {TEXT_LIMIT:,}" in response.text
    assert world.stored("sft") == 0


def test_a_question_over_the_limit_is_refused(world: World) -> None:
    before = world.questions("pw")
    response = world.api["ana"].post("/pw/questions", json={"question": "q" * (TEXT_LIMIT + 1)})
    message = _json_error(response, 400)
    assert "field 'question'" in message and f"at most {TEXT_LIMIT:,}" in message
    assert world.questions("pw") == before


def test_the_sdk_refuses_the_same_text_and_the_limit_is_a_setting(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTOR_MAX_TEXT_CHARS", "50")
    with mentor.connect(world.url, user="ana") as ws:
        task = ws.projects.next_item("pw")
        assert task is not None
        with pytest.raises(InputError, match=r"field 'payload.rationale': 51 characters") as found:
            ws.projects.submit(
                "pw", task.item_id, {"choice": "A", "rationale": "s" * 51}, client_id="sdk"
            )
        assert "at most 50" in str(found.value)
        with pytest.raises(InputError, match="field 'question'"):
            ws.projects.ask("pw", "?" * 51)
        with pytest.raises(InputError, match="field 'reason'"):
            ws.projects.skip("pw", task.item_id, reason="because" * 10)
        with pytest.raises(InputError, match="field 'guideline'"):
            ws.acting_as("trina").projects.update_guideline("pw", "# G\n" + "g" * 60)
        stored = ws.projects.submit(
            "pw", task.item_id, {"choice": "A", "rationale": "s" * 50}, client_id="sdk"
        )
        assert stored.payload["rationale"] == "s" * 50


def test_the_body_limit_is_a_setting(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTOR_MAX_REQUEST_BYTES", "2048")
    with serving(world.url) as base, httpx.Client(base_url=base, timeout=60) as client:
        response = client.post("/login", data={"name": "ana", "password": "p" * 4096})
        assert response.status_code == 413
        assert "at most 2,048 bytes" in response.text


def test_security_headers_and_hsts_only_over_https(world: World) -> None:
    with httpx.Client(base_url=world.base, timeout=60) as client:
        plain = client.get("/login")
        # uvicorn trusts X-Forwarded-Proto from a proxy on loopback, as behind a TLS proxy.
        tls = client.get("/login", headers={"X-Forwarded-Proto": "https"})
        static = client.get("/static/mentor.css")
    for response in (plain, tls, static):
        assert response.status_code == 200
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert plain.headers["Cache-Control"] == "no-store"
    assert static.headers.get("Cache-Control") != "no-store"
    assert "Strict-Transport-Security" not in plain.headers
    assert "Strict-Transport-Security" not in static.headers
    assert tls.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_server_error_carries_the_security_headers_too() -> None:
    async def boom(request: Request) -> Response:
        raise RuntimeError("a bug")

    app = Starlette(routes=[Route("/boom", boom)], middleware=[Middleware(SecurityHeaders)])

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/boom")

    response = asyncio.run(get())
    assert response.status_code == 500 and response.text == "Internal Server Error"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
