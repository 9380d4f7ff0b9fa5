"""Fuzzing the web app: every route in /openapi.json driven by schemathesis (seeded, bounded),
and every form route fed hostile values, as an admin and as an annotator. No answer may be a
5xx, and the server keeps serving. The server here has a workspace of its own (a copy of the
web tests' demo workspace), since fuzzing changes whatever it may change."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentor
from mentor.accounts import Role
from mentor.web.app import create_app
from mentor.web.session import route_rules

from .conftest import serving

PASSWORD: Final = "fuzz-password-1"
HOSTILE: Final = [
    "",
    "x" * 300_000,
    "[" * 100_000,
    "{" * 50_000,
    "-1",
    str(2**64),
    "99999999999999999999999999",
    "1e309",
    "nan",
    "<script>window.__xss=1</script>\"'><img src=x onerror=alert(1)>",
    "\x00\u202e💥",
    "a: &a [*a, *a, *a]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]",
    '{"__proto__": {"x": 1}, "choice": "A"}',
    "../../../../etc/passwd",
    "model:command:touch /tmp/mentor-fuzz-pwned",
]
FIELDS: Final = (
    "name", "dataset", "task", "guideline", "config", "overlap", "review_rate", "lease_seconds",
    "limit", "prelabel", "seed", "description", "choice", "strength", "rationale", "payload",
    "users", "body", "note", "answer", "into", "question", "text", "password", "new_password",
    "current", "role", "label", "gate_yaml", "baseline", "verdict", "comment", "correction",
    "reason", "client_id", "time_spent_s", "scores", "response", "spans", "revoke_tokens", "next",
)  # fmt: skip


@pytest.fixture(scope="module")
def fuzz_url(workspace_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A consistent copy of the web tests' workspace (SQLite's backup API), with a fuzz admin."""
    source = workspace_url.removeprefix("sqlite:///")
    target = tmp_path_factory.mktemp("fuzz") / "mentor.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    url = f"sqlite:///{target}"
    with mentor.connect(url) as ws:
        ws.accounts.add_user("fuzz-admin", Role.ADMIN, PASSWORD)
    return url


@pytest.fixture(scope="module")
def fuzz_server(fuzz_url: str) -> Iterator[str]:
    with serving(fuzz_url) as base:
        yield base


def _bearer(url: str, user: str) -> dict[str, str]:
    """A fresh token each time: the fuzzer may revoke tokens or change passwords."""
    with mentor.connect(url) as ws:
        return {"Authorization": f"Bearer {ws.accounts.create_token(user, 'fuzz').token}"}


REAL_NAMES: Final = st.sampled_from(
    ["hh-harmless-prefs", "helpfulness-rubric", "hh-harmless", "safety-prefs", "ana", "cleo"]
)
REAL_IDS: Final = st.integers(min_value=0, max_value=60)
_SCHEMA = schemathesis.openapi.from_dict(create_app("sqlite://").openapi())
_OPERATIONS = {op.label: op for op in (r.ok() for r in _SCHEMA.get_all_operations())}


@pytest.mark.parametrize("label", sorted(_OPERATIONS))
def test_no_route_answers_5xx_to_generated_requests(
    label: str, fuzz_url: str, fuzz_server: str
) -> None:
    tokens = {user: _bearer(fuzz_url, user) for user in ("fuzz-admin", "ana")}

    @given(case=_OPERATIONS[label].as_strategy(), real=st.booleans(), data=st.data())
    @settings(
        max_examples=12,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Any, real: bool, data: st.DataObject) -> None:
        if real:  # half the cases reach past the 404s: real names and small ids
            for key in case.path_parameters or {}:
                known = REAL_NAMES if key in ("name", "annotator") else REAL_IDS
                case.path_parameters[key] = data.draw(known, label=key)
        for user, headers in tokens.items():
            response = case.call(base_url=fuzz_server, headers=headers, timeout=60)
            if response.status_code == 401:  # the fuzzer revoked this token: take a new one
                tokens[user] = _bearer(fuzz_url, user)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} as {user}: {response.status_code} "
                f"{response.text[:300]}"
            )

    fuzz()


def _post_routes() -> list[str]:
    rules = route_rules(create_app("sqlite://").routes)
    return sorted({r.path for r in rules if "POST" in r.methods and r.path != "/login"})


def _paths(template: str) -> list[str]:
    """The route with real ids and names, and with hostile ones."""
    real = {
        "name": "cleo" if template.startswith("/users") else "hh-harmless-prefs",
        "token_id": "1",
        "annotation_id": "1",
        "item_id": "1",
        "question_id": "1",
        "run_id": "1",
        "number": "1",
        "batch_id": "1",
        "suite": "starter-sample",
    }
    hostile = dict.fromkeys(real, str(2**64))
    hostile["name"] = hostile["suite"] = "%3Cscript%3E..%2F..%2Fetc"
    return [template.format(**values) for values in (real, hostile)]


@pytest.mark.parametrize("route", _post_routes())
def test_every_form_route_refuses_hostile_values_without_a_5xx(
    route: str, fuzz_url: str, fuzz_server: str
) -> None:
    for user in ("fuzz-admin", "ana"):
        with httpx.Client(base_url=fuzz_server, headers=_bearer(fuzz_url, user)) as client:
            for path in _paths(route):
                for value in HOSTILE:
                    response = client.post(path, data=dict.fromkeys(FIELDS, value), timeout=60)
                    assert response.status_code < 500, (path, user, value[:40], response.text[:300])
    assert not Path("/tmp/mentor-fuzz-pwned").exists()
    assert httpx.get(f"{fuzz_server}/login").status_code == 200
