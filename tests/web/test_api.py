"""The JSON API mirrors the pages with the SDK's own data."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture(scope="module")
def api(server: str, api_token: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {api_token}"}
    return httpx.Client(base_url=f"{server}/api", timeout=30, headers=headers)


def test_datasets(api: httpx.Client) -> None:
    body = api.get("/datasets").json()
    by_name = {d["name"]: d for d in body}
    assert by_name["hh-harmless"]["version_count"] == 2
    assert by_name["hh-harmless"]["latest"] == 2
    assert by_name["instructions"]["description"] == "Hand-written SFT chats"


def test_versions_and_one_version(api: httpx.Client) -> None:
    versions = api.get("/datasets/hh-harmless").json()
    assert [v["ref"] for v in versions] == ["hh-harmless@v1", "hh-harmless@v2"]
    assert versions[1]["parents"] == ["hh-harmless@v1"]
    one = api.get("/datasets/hh-harmless/v/1").json()
    assert one["record_count"] == 2312
    assert one["kind_counts"] == {"preference": 2312}
    assert one["sources"][0]["sha256"].startswith("ebfaaed21162")


def test_records_page(api: httpx.Client) -> None:
    body = api.get("/datasets/instructions/v/1/records", params={"per_page": 5, "page": 3}).json()
    assert body["page"] == 3 and body["pages"] == 3 and body["per_page"] == 5
    assert [r["id"] for r in body["records"]] == ["inst-011", "inst-012"]
    assert body["version"]["ref"] == "instructions@v1"
    assert body["records"][0]["messages"][0]["role"] in {"system", "user"}


def test_lineage_of_a_merge_has_two_parents(api: httpx.Client) -> None:
    body = api.get("/datasets/harmless-mix/v/1/lineage").json()
    assert body["root"] == "harmless-mix@v1"
    parents = sorted(src for src, dst in body["edges"] if dst == "harmless-mix@v1")
    assert parents == ["hh-harmless@v2", "safety-prefs@v1"]
    assert len(body["nodes"]) == 6


def test_diff(api: httpx.Client) -> None:
    body = api.get("/datasets/hh-harmless/diff", params={"old": "1", "new": "v2"}).json()
    assert (body["added"], body["removed"], body["changed"], body["unchanged"]) == (0, 1650, 0, 662)
    assert len(body["removed_ids"]) == 20


def test_audit(api: httpx.Client) -> None:
    events = api.get("/audit", params={"limit": 3}).json()
    assert len(events) == 3
    assert events[0]["id"] > events[1]["id"] > events[2]["id"]
    about = api.get("/audit", params={"object": "instructions@v1"}).json()
    assert {e["object_id"] for e in about} == {"instructions@v1"}
    assert {"version.create", "version.export"} & {e["action"] for e in about}


@pytest.mark.parametrize(
    ("path", "status", "kind"),
    [
        ("/datasets/nope", 404, "NotFoundError"),
        ("/datasets/hh-harmless/v/3", 404, "NotFoundError"),
        ("/datasets/hh-harmless/v/three/lineage", 400, "InputError"),
        ("/datasets/hh-harmless/v/1/records?per_page=100000", 400, "RequestValidationError"),
        ("/datasets/hh-harmless/diff?old=v1", 400, "RequestValidationError"),
    ],
)
def test_errors_are_json(api: httpx.Client, path: str, status: int, kind: str) -> None:
    response = api.get(path)
    assert response.status_code == status
    body = response.json()
    assert body["type"] == kind and body["message"]
