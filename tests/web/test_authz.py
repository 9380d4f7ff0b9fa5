"""The authorization matrix: every route of the app, with every role and with nobody.

Routes are read from ``app.routes``, so pages and API routes added later are covered without
touching this file. Each one must declare ``require(...)`` unless it is on the public list, and
answers each role exactly as :func:`mentor.accounts.allowed` says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import httpx
import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import mentor
from mentor.accounts import Permission, Role, allowed, csrf_token
from mentor.accounts.sessions import start
from mentor.store import write_transaction
from mentor.web.app import create_app
from mentor.web.session import CSRF_HEADER, SESSION_COOKIE, route_rules

PUBLIC: Final = {
    ("/login", "GET"),
    ("/login", "POST"),
    ("/openapi.json", "GET"),
}
PUBLIC_MOUNTS: Final = {"/static"}
# Values for path parameters; any other parameter gets "1" (a route answers 404 or 400 then,
# which still shows the request got past the permission check).
SAMPLE: Final = {"name": "tiny", "number": "1"}
UNSAFE: Final = {"POST", "PUT", "PATCH", "DELETE"}
PASSWORD: Final = "matrix-password"
_PARAM: Final = re.compile(r"\{(\w+)(?::\w+)?\}")


@dataclass(frozen=True)
class Endpoint:
    """One method of one route, with the permissions it declares."""

    method: str
    path: str
    permissions: frozenset[Permission]

    @property
    def url(self) -> str:
        """The path with its parameters filled in."""
        return _PARAM.sub(lambda m: SAMPLE.get(m.group(1), "1"), self.path)

    @property
    def api(self) -> bool:
        """Whether programs (not browsers) are its audience."""
        return self.path.startswith("/api/")


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every method of every route of `app` but the public ones."""
    return [
        Endpoint(method, rule.path, rule.permissions)
        for rule in route_rules(app.routes)
        for method in sorted(rule.methods)
        if (rule.path, method) not in PUBLIC
    ]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The app over a workspace with one user per role and one tiny dataset."""
    folder = tmp_path_factory.mktemp("authz")
    url = f"sqlite:///{folder / 'mentor.db'}"
    records = folder / "tiny.jsonl"
    records.write_bytes(
        b"\n".join(
            orjson.dumps({"id": f"r{i}", "messages": [{"role": "user", "content": f"hi {i}"}]})
            for i in range(2)
        )
    )
    with mentor.connect(url, user="setup") as ws:
        ws.datasets.import_file(records, "tiny")
        for role in Role:
            ws.accounts.add_user(role.value, role, PASSWORD)
    application = create_app(url)
    yield application
    application.state.workspace.close()


def _session(app: FastAPI, role: Role) -> str:
    """A fresh login session of the user whose name is the role (without the password check,
    which other tests cover: the matrix needs many sessions)."""
    ws = app.state.workspace
    with write_transaction(ws.engine) as conn:
        return start(conn, ws.accounts.user(role.value)).token


def _token(app: FastAPI, role: Role) -> str:
    return str(app.state.workspace.accounts.create_token(role.value, "matrix").token)


def _call(client: TestClient, endpoint: Endpoint, headers: dict[str, str]) -> httpx.Response:
    return client.request(endpoint.method, endpoint.url, headers=headers, data={})


def _signs_in(response: httpx.Response) -> bool:
    return response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def _problem(endpoint: Endpoint, who: str, permitted: bool, response: httpx.Response) -> str:
    if permitted:
        ok = response.status_code not in (401, 403, 500) and not _signs_in(response)
    else:
        ok = response.status_code == 403
    if ok:
        return ""
    want = "let through" if permitted else "403"
    return f"{endpoint.method} {endpoint.url} as {who}: {response.status_code}, expected {want}"


def test_every_route_but_the_sign_in_page_declares_a_permission(app: FastAPI) -> None:
    undeclared = [f"{e.method} {e.path}" for e in endpoints(app) if not e.permissions]
    assert not undeclared, f"routes without require(...): {undeclared}"
    rules = route_rules(app.routes)
    assert {r.path for r in rules if r.mount} <= PUBLIC_MOUNTS
    paths = {r.path for r in rules}
    assert {"/", "/datasets/{name}", "/audit", "/api/datasets", "/account", "/logout"} <= paths


def test_nobody_is_sent_to_sign_in_or_told_401(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    problems = []
    for endpoint in endpoints(app):
        response = _call(client, endpoint, {})
        if endpoint.api:
            good = response.status_code == 401 and "Bearer" in response.headers["www-authenticate"]
        else:
            good = _signs_in(response)
        if not good:
            problems.append(f"{endpoint.method} {endpoint.url}: {response.status_code}")
    assert not problems


@pytest.mark.parametrize("via", ["session", "token"])
@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_what_its_permissions_allow(
    app: FastAPI, role: Role, via: str
) -> None:
    client = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    reading = _session(app, role) if via == "session" else _token(app, role)
    problems = []
    for endpoint in endpoints(app):
        # Unsafe requests may end the session (sign out) or change it: each gets a fresh one.
        secret = _session(app, role) if via == "session" and endpoint.method in UNSAFE else reading
        if via == "session":
            client.cookies.set(SESSION_COOKIE, secret)
            headers = {CSRF_HEADER: csrf_token(secret)}
        else:
            headers = {"Authorization": f"Bearer {secret}"}
        permitted = all(allowed(role, p) for p in endpoint.permissions)
        response = _call(client, endpoint, headers)
        problems.append(_problem(endpoint, f"{role} ({via})", permitted, response))
    assert not [p for p in problems if p]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.VIEWER, 200), (Role.REVIEWER, 200), (Role.ANNOTATOR, 403), (Role.ADMIN, 200)],
)
def test_reading_the_data_needs_view_data(app: FastAPI, role: Role, status: int) -> None:
    client = TestClient(app, cookies={SESSION_COOKIE: _session(app, role)})
    for path in ("/datasets/tiny", "/datasets/tiny/v/1", "/audit", "/api/datasets"):
        assert client.get(path).status_code == status, path
    assert client.get("/account").status_code == 200
    home = client.get("/", follow_redirects=False)
    if status == 403:  # the front door sends them to their own area instead of a 403 page
        assert (home.status_code, home.headers["location"]) == (303, "/annotate")
        assert client.get("/annotate").status_code == 200
    else:
        assert home.status_code == 200 and "tiny" in home.text


def test_the_403_page_says_who_you_are_and_what_your_role_lacks(app: FastAPI) -> None:
    client = TestClient(app, cookies={SESSION_COOKIE: _session(app, Role.ANNOTATOR)})
    page = client.get("/datasets/tiny")
    assert page.status_code == 403
    assert "annotator is an annotator, and an annotator may not read datasets" in page.text
    api = client.get("/api/datasets")
    assert api.status_code == 403 and api.json()["type"] == "Forbidden"


def test_the_sign_in_redirect_keeps_the_page_asked_for(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    response = client.get("/datasets/tiny/v/1", params={"page": 1})
    assert response.headers["location"] == "/login?next=%2Fdatasets%2Ftiny%2Fv%2F1%3Fpage%3D1"


def test_public_pages_need_no_sign_in(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    assert client.get("/login").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/static/mentor.css").status_code == 200


def test_only_a_post_leases_an_annotation_item(app: FastAPI) -> None:
    """``GET /annotate/NAME/next`` leases nothing (a link on another site cannot hand a signed-in
    annotator an item); the Start button's ``POST`` does, with the session's CSRF token."""
    rules = {
        (rule.path, method): rule.permissions
        for rule in route_rules(app.routes)
        for method in rule.methods
    }
    for method in ("GET", "POST"):
        assert rules[("/annotate/{name}/next", method)] == {Permission.ANNOTATE}
    client = TestClient(app, follow_redirects=False)
    session = _session(app, Role.ANNOTATOR)
    client.cookies.set(SESSION_COOKIE, session)
    forged = client.post("/annotate/tiny/next")
    assert forged.status_code == 403 and "CSRF token is missing or wrong" in forged.text
    sent = client.post("/annotate/tiny/next", headers={CSRF_HEADER: csrf_token(session)})
    assert sent.status_code == 404 and "no project named" in sent.text  # past both checks


def test_every_unsafe_route_refuses_a_browser_session_without_its_csrf_token(
    app: FastAPI,
) -> None:
    """Every POST (new ones included: the Start button, password changes, the provider-picking
    project form) refuses a session that does not send its CSRF token, for the admin, who may
    do everything; nothing past the check runs."""
    client = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    unsafe = [e for e in endpoints(app) if e.method in UNSAFE]
    assert {"/annotate/{name}/next", "/account/password", "/projects"} <= {e.path for e in unsafe}
    problems = []
    for endpoint in unsafe:
        secret = _session(app, Role.ADMIN)
        client.cookies.set(SESSION_COOKIE, secret)
        for headers in ({}, {CSRF_HEADER: csrf_token(_session(app, Role.ADMIN))}):
            response = client.request(
                endpoint.method, endpoint.url, headers=headers, data={"prelabel": "record"}
            )
            if response.status_code != 403 or "CSRF" not in response.text:
                problems.append(f"{endpoint.method} {endpoint.url}: {response.status_code}")
    assert not problems
