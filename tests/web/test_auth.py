"""Signing in and out of the web app, CSRF on forms, cookies, and API tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from http.cookies import SimpleCookie

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import mentor
from mentor.store import now, write_transaction
from mentor.store.account_tables import sign_in_failures
from mentor.web.app import create_app
from mentor.web.session import CSRF_HEADER, SESSION_COOKIE

from .conftest import csrf_of, sign_in

PASSWORD = "auth-test-password"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    url = f"sqlite:///{tmp_path_factory.mktemp('auth') / 'mentor.db'}"
    with mentor.connect(url, user="setup") as ws:
        for name, role in (("root", "admin"), ("vic", "viewer"), ("ana", "annotator")):
            ws.accounts.add_user(name, role, PASSWORD)
    application = create_app(url)
    yield application
    application.state.workspace.close()


def _client(
    app: FastAPI, base_url: str = "http://testserver", address: str = "testclient"
) -> TestClient:
    return TestClient(app, base_url=base_url, follow_redirects=False, client=(address, 50000))


def _signed_in(app: FastAPI, name: str) -> TestClient:
    client = _client(app)
    assert sign_in(client, name, PASSWORD).status_code == 303
    return client


def _cookies(response: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie header of a response by cookie name."""
    return {
        SimpleCookie(h).popitem()[0]: h.lower() for h in response.headers.get_list("set-cookie")
    }


def test_a_wrong_password_says_so_and_starts_no_session(app: FastAPI) -> None:
    client = _client(app)
    response = sign_in(client, "vic", "not it")
    assert response.status_code == 400
    assert "wrong user name or password" in response.text
    assert SESSION_COOKIE not in _cookies(response)
    assert sign_in(client, "nobody", PASSWORD).text.count("wrong user name or password") == 1
    assert client.get("/").status_code == 303


def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(app: FastAPI) -> None:
    plain = _cookies(sign_in(_client(app), "vic", PASSWORD))[SESSION_COOKIE]
    assert "httponly" in plain and "samesite=lax" in plain and "path=/" in plain
    assert "secure" not in plain
    tls = _cookies(sign_in(_client(app, "https://testserver"), "vic", PASSWORD))[SESSION_COOKIE]
    assert "httponly" in tls and "samesite=lax" in tls and "secure" in tls
    form_cookie = _cookies(_client(app).get("/login"))["mentor_login"]
    assert "httponly" in form_cookie and "samesite=strict" in form_cookie


def test_signing_in_goes_to_the_page_asked_for_and_never_to_another_site(app: FastAPI) -> None:
    for asked, landed in (("/audit?limit=5", "/audit?limit=5"), ("//evil.example", "/")):
        client = _client(app)
        data = {"name": "vic", "password": PASSWORD, "next": asked}
        data["csrf_token"] = csrf_of(client.get("/login").text)
        assert client.post("/login", data=data).headers["location"] == landed
    # With no page asked for, an annotator lands on the first page they may see, not on "/".
    annotator = _client(app)
    landing = sign_in(annotator, "ana", PASSWORD).headers["location"]
    assert landing != "/" and annotator.get(landing).status_code == 200


def test_logout_ends_the_session_on_the_server(app: FastAPI) -> None:
    client = _signed_in(app, "vic")
    stolen = client.cookies[SESSION_COOKIE]
    page = client.get("/account")
    assert page.status_code == 200 and 'id="whoami"' in page.text
    out = client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    replay = _client(app)
    replay.cookies.set(SESSION_COOKIE, stolen)
    assert replay.get("/account").headers["location"] == "/login?next=%2Faccount"


def test_a_post_needs_the_sessions_csrf_token(app: FastAPI) -> None:
    client = _signed_in(app, "vic")
    token = csrf_of(client.get("/account").text)
    assert client.post("/account/tokens", data={"label": "x"}).status_code == 403
    wrong = client.post("/account/tokens", data={"label": "x", "csrf_token": "0" * 64})
    assert wrong.status_code == 403 and "CSRF token is missing or wrong" in wrong.text
    other = _signed_in(app, "vic")  # another session's token is no good either
    assert other.post("/account/tokens", data={"csrf_token": token}).status_code == 403
    made = client.post("/account/tokens", data={"label": "laptop", "csrf_token": token})
    assert made.status_code == 200 and 'id="new-token"' in made.text
    by_header = client.post("/account/tokens", data={"label": "h"}, headers={CSRF_HEADER: token})
    assert by_header.status_code == 200
    assert [t.label for t in app.state.workspace.accounts.tokens("vic")] == ["laptop", "h"]


def test_the_sign_in_form_needs_its_own_csrf_cookie(app: FastAPI) -> None:
    client = _client(app)
    token = csrf_of(client.get("/login").text)
    client.cookies.clear()  # a form posted from another site arrives without the cookie
    forged = client.post("/login", data={"name": "vic", "password": PASSWORD, "csrf_token": token})
    assert forged.status_code == 403 and SESSION_COOKIE not in _cookies(forged)


def test_a_bearer_token_works_for_the_api_until_revoked(app: FastAPI) -> None:
    accounts = app.state.workspace.accounts
    new = accounts.create_token("vic", "script")
    client = _client(app)
    auth = {"Authorization": f"Bearer {new.token}"}
    me = client.get("/api/me", headers=auth)
    assert me.json() == {
        "name": "vic",
        "role": "viewer",
        "permissions": ["own_account", "view_data"],
    }
    assert client.get("/api/datasets", headers=auth).json() == []
    # Programs send no CSRF token: a Bearer token cannot be sent by another site's page.
    assert client.post("/account/tokens", headers=auth, data={"label": "ci"}).status_code == 200
    accounts.revoke_token(new.info.id)
    refused = client.get("/api/datasets", headers=auth)
    assert refused.status_code == 401 and "revoked" in refused.json()["message"]
    assert client.get("/", headers=auth).status_code == 401  # not a redirect: it is a program
    bad = client.get("/api/datasets", headers={"Authorization": "Basic dmljOnBhc3M="})
    assert bad.status_code == 401 and "must be 'Bearer <token>'" in bad.json()["message"]


def test_a_disabled_user_cannot_sign_in(app: FastAPI) -> None:
    accounts = app.state.workspace.accounts
    accounts.add_user("gone", "viewer", PASSWORD)
    client = _signed_in(app, "gone")
    accounts.disable("gone")
    assert client.get("/account").status_code == 303
    refused = sign_in(_client(app), "gone", PASSWORD)
    assert refused.status_code == 400 and "disabled" in refused.text


def test_guessing_is_paused_after_a_few_failures(app: FastAPI) -> None:
    app.state.workspace.accounts.add_user("target", "viewer", PASSWORD)
    client = _client(app)
    for _ in range(5):
        assert sign_in(client, "target", "guess").status_code == 400
    paused = sign_in(client, "target", PASSWORD)
    assert paused.status_code == 429 and "too many failed sign-ins" in paused.text


def test_a_guesser_is_slowed_down_while_the_user_signs_in_from_elsewhere(app: FastAPI) -> None:
    app.state.workspace.accounts.add_user("cleo", "annotator", PASSWORD)
    attacker = _client(app, address="203.0.113.66")
    for _ in range(5):
        assert sign_in(attacker, "cleo", "guess").status_code == 400
    paused = sign_in(attacker, "CLEO ", PASSWORD)  # the right password, as typed by anyone
    assert paused.status_code == 429 and "try again in 1 minute" in paused.text
    assert SESSION_COOKIE not in _cookies(paused)
    cleo = _client(app, address="198.51.100.7")
    assert sign_in(cleo, "cleo", PASSWORD).status_code == 303
    assert cleo.get("/account").status_code == 200
    # A minute later the guesser gets one more try, then waits twice as long.
    with write_transaction(app.state.workspace.engine) as conn:
        t = sign_in_failures
        conn.execute(t.update().values(last_failed_at=now() - timedelta(minutes=2)))
    assert sign_in(attacker, "cleo", "guess").status_code == 400
    again = sign_in(attacker, "cleo", PASSWORD)
    assert again.status_code == 429 and "try again in 2 minutes" in again.text


def test_changing_your_password_ends_your_other_sessions_and_revokes_tokens_if_asked(
    app: FastAPI,
) -> None:
    accounts = app.state.workspace.accounts
    accounts.add_user("pat", "viewer", PASSWORD)
    here, elsewhere = _signed_in(app, "pat"), _signed_in(app, "pat")
    script = accounts.create_token("pat", "script").token
    page = here.get("/account")
    assert 'id="password-form"' in page.text and 'name="revoke_tokens"' in page.text
    form = {"current": PASSWORD, "password": "pat's new password", "csrf_token": csrf_of(page.text)}
    differ = here.post("/account/password", data={**form, "confirm": "something else"})
    assert differ.status_code == 400 and "the two new passwords differ" in differ.text
    wrong = here.post(
        "/account/password", data={**form, "current": "not it", "confirm": form["password"]}
    )
    assert wrong.status_code == 400 and "the current password is wrong" in wrong.text
    changed = here.post(
        "/account/password", data={**form, "confirm": form["password"], "revoke_tokens": "yes"}
    )
    assert changed.status_code == 200 and 'id="password-changed"' in changed.text
    assert "1 API token revoked" in changed.text
    assert here.get("/account").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/account").headers["location"] == "/login?next=%2Faccount"
    assert accounts.token_user(script) is None
    assert sign_in(_client(app), "pat", "pat's new password").status_code == 303


def test_an_admin_sets_a_password_and_chooses_whether_tokens_survive(app: FastAPI) -> None:
    accounts = app.state.workspace.accounts
    accounts.add_user("sam", "viewer", PASSWORD)
    kept = accounts.create_token("sam", "kept")
    sams = _signed_in(app, "sam")
    admin = _signed_in(app, "root")
    page = admin.get("/users")
    assert 'action="/users/sam/password"' in page.text
    token = csrf_of(page.text)
    keep = {"password": "sam's second password", "csrf_token": token}
    assert admin.post("/users/sam/password", data=keep).status_code == 303
    assert sams.get("/account").status_code == 303  # sam's session ended
    assert admin.get("/users").status_code == 200  # the admin's did not
    assert accounts.token_user(kept.token) is not None
    drop = {"password": "sam's third password", "revoke_tokens": "yes", "csrf_token": token}
    assert admin.post("/users/sam/password", data=drop).status_code == 303
    assert accounts.token_user(kept.token) is None
    assert [(e.action, e.actor) for e in app.state.workspace.audit(limit=2)] == [
        ("user.password", "root"),
        ("token.revoke", "root"),
    ]
    short = admin.post("/users/sam/password", data={**keep, "password": "short"})
    assert short.status_code == 400 and "at least 8 characters" in short.text


def test_only_admins_revoke_other_peoples_tokens(app: FastAPI) -> None:
    theirs = app.state.workspace.accounts.create_token("root", "admin's").info.id
    viewer = _signed_in(app, "vic")
    token = csrf_of(viewer.get("/account").text)
    refused = viewer.post(f"/account/tokens/{theirs}/revoke", data={"csrf_token": token})
    absent = viewer.post(f"/account/tokens/{theirs + 1000}/revoke", data={"csrf_token": token})
    assert refused.status_code == absent.status_code == 404
    # Someone else's token and no token at all read the same: ids cannot be probed.
    said = [re.findall(r'class="error-message">(.*?)<', r.text) for r in (refused, absent)]
    assert said[0] == [f"you have no API token with id {theirs}"]
    assert said[1] == [f"you have no API token with id {theirs + 1000}"]
    assert not app.state.workspace.accounts.token(theirs).revoked
    admin = _signed_in(app, "root")
    token = csrf_of(admin.get("/account").text)
    assert (
        admin.post(f"/account/tokens/{theirs}/revoke", data={"csrf_token": token}).status_code
        == 303
    )
    assert app.state.workspace.accounts.token(theirs).revoked


def test_an_admin_manages_users_on_the_users_page(app: FastAPI) -> None:
    admin = _signed_in(app, "root")
    page = admin.get("/users")
    assert page.status_code == 200 and 'href="/users" aria-current="page"' in page.text
    token = csrf_of(page.text)
    form = {"name": "newbie", "role": "annotator", "password": PASSWORD, "csrf_token": token}
    assert admin.post("/users", data=form).status_code == 303
    assert admin.post("/users/newbie/role", data={"role": "reviewer", "csrf_token": token})
    assert admin.post("/users/newbie/disable", data={"csrf_token": token}).status_code == 303
    newbie = app.state.workspace.accounts.user("newbie")
    assert newbie.role == "reviewer" and newbie.disabled
    last = app.state.workspace.audit(limit=3)
    assert [(e.action, e.actor) for e in last] == [
        ("user.disable", "root"),
        ("user.role", "root"),
        ("user.create", "root"),
    ]
    taken = admin.post("/users", data=form)
    assert taken.status_code == 409 and "already a user named" in taken.text
    assert 'href="/users"' not in _signed_in(app, "vic").get("/account").text
