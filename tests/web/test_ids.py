"""Ids no row can have (past 64 bits, negative, zero) in an address, a query or a form: the
page or API answers "not found" with the reason, never a server error. Text that is not a
number at all stays a 400."""

from __future__ import annotations

from typing import Final

import httpx
import pytest

import mentor
from mentor.demo.annotation import PROJECT

from .conftest import SignIn, csrf_of

HUGE: Final = 2**63  # one past the largest SQLite INTEGER
BIG: Final = "99999999999999999999"
P: Final = PROJECT

# (method, address, form or JSON body); the pages are asked as trina (a trainer may do all of
# it), the API with her token.
PAGES: Final = [
    ("GET", f"/evals/runs/{HUGE}", None),
    ("GET", "/evals/runs/-1", None),
    ("GET", "/evals/runs/0", None),
    ("GET", f"/evals/runs/{HUGE}/gate", None),
    ("POST", f"/evals/runs/{HUGE}/gate", {"gate_yaml": "conditions: []"}),
    ("GET", f"/evals/compare?baseline={BIG}&candidate={HUGE}", None),
    ("GET", f"/datasets/hh-harmless/v/{BIG}", None),
    ("GET", f"/datasets/hh-harmless/v/{HUGE}/lineage", None),
    ("GET", f"/datasets/hh-harmless/v/{HUGE}/datasheet", None),
    ("GET", f"/datasets/hh-harmless/v/{HUGE}/qa", None),
    ("GET", f"/datasets/hh-harmless/diff?old=1&new={BIG}", None),
    ("GET", f"/review/{P}?after={HUGE}", None),
    ("GET", f"/review/{P}?after=-1", None),
    ("GET", f"/adjudicate/{P}?after={HUGE}", None),
    ("GET", f"/review/{P}/annotations/{HUGE}/images/0", None),
    ("POST", f"/review/{P}/annotations/{HUGE}", {"verdict": "accept"}),
    ("GET", f"/adjudicate/{P}/items/{HUGE}/images/0", None),
    ("POST", f"/adjudicate/{P}/items/{HUGE}", {"choice": "A"}),
    ("GET", f"/annotate/{P}/tasks/{HUGE}", None),
    ("GET", f"/annotate/{P}/tasks/-5/images/0", None),
    ("POST", f"/annotate/{P}/items/{HUGE}", {"choice": "A", "client_id": "c"}),
    ("POST", f"/annotate/{P}/items/{HUGE}/skip", {}),
    ("POST", f"/annotate/{P}/questions", {"question": "Why?", "assignment_id": str(HUGE)}),
]
API: Final = [
    ("GET", f"/api/datasets/hh-harmless/v/{BIG}", None),
    ("GET", f"/api/datasets/hh-harmless/v/{HUGE}/records", None),
    ("GET", f"/api/datasets/hh-harmless/diff?old=1&new={BIG}", None),
    ("POST", f"/api/projects/{P}/items/{HUGE}/annotations", {"payload": {}, "client_id": "c"}),
    ("POST", f"/api/projects/{P}/items/{HUGE}/skip", {}),
    ("POST", f"/api/projects/{P}/annotations/{HUGE}/review", {"verdict": "accept"}),
    ("POST", f"/api/projects/{P}/items/{HUGE}/adjudication", {"payload": {}}),
    ("POST", f"/api/projects/{P}/questions", {"question": "Why?", "item_id": HUGE}),
]


@pytest.fixture(scope="module")
def trina(signed_in: SignIn) -> httpx.Client:
    return signed_in("trina")


@pytest.fixture(scope="module")
def trina_api(server: str, workspace_url: str) -> httpx.Client:
    with mentor.connect(workspace_url) as ws:
        token = ws.accounts.create_token("trina", "id tests").token
    return httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=60)


@pytest.mark.parametrize(("method", "address", "form"), PAGES)
def test_a_page_for_an_impossible_id_is_not_found(
    trina: httpx.Client, method: str, address: str, form: dict[str, str] | None
) -> None:
    if method == "GET":
        response = trina.get(address)
    else:
        token = csrf_of(trina.get("/annotate").text)
        response = trina.post(address, data={**(form or {}), "csrf_token": token})
    assert response.status_code == 404, response.text[:400]
    assert "text/html" in response.headers["content-type"]
    assert "Internal Server Error" not in response.text


@pytest.mark.parametrize(("method", "address", "body"), API)
def test_the_api_answers_an_impossible_id_with_404(
    trina_api: httpx.Client, method: str, address: str, body: dict[str, object] | None
) -> None:
    response = trina_api.request(method, address, json=body)
    assert response.status_code == 404, response.text[:400]
    assert response.json()["error"] == "Not found"


def test_the_message_says_what_ids_can_be(trina_api: httpx.Client, trina: httpx.Client) -> None:
    found = trina_api.post(
        f"/api/projects/{P}/items/{HUGE}/annotations", json={"payload": {}, "client_id": "c"}
    ).json()
    assert found["type"] == "NotFoundError"
    assert "item_id: no such id" in found["message"]
    assert f"from 1 to {HUGE - 1}, got {HUGE}" in found["message"]
    assert (
        f"no evaluation run {BIG}" in trina.get(f"/evals/compare?baseline={BIG}&candidate=1").text
    )
    assert f"hh-harmless has no version {BIG}" in trina.get(f"/datasets/hh-harmless/v/{BIG}").text


def test_text_that_is_no_number_is_still_a_bad_request(
    trina: httpx.Client, trina_api: httpx.Client
) -> None:
    assert trina.get("/evals/runs/abc").status_code == 400
    assert trina.get(f"/review/{P}?after=x").status_code == 400
    assert trina_api.post(f"/api/projects/{P}/items/x/skip", json={}).status_code == 400
    # 0 is where the first page starts
    assert trina.get(f"/review/{P}?after=0").status_code == 200
