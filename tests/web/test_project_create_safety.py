"""Creating a project from the web: a trainer picks a named provider and can never make the
server run a command, call a URL or open a path; a refused form leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import mentor

from .conftest import SignIn, csrf_of

ATTACKS = [
    "model:command:touch {tmp}/pwned",
    "model:openai:gpt-4o@http://127.0.0.1:9/v1",
    "model:hf:/etc/shadow",
    "command:touch {tmp}/pwned",
]


def _form(page: httpx.Response, name: str, **values: str) -> dict[str, str]:
    return {
        "name": name,
        "dataset": "safety-prefs@v1",
        "task": "pairwise",
        "guideline": "# Labels\nA, B or tie.",
        "limit": "3",
        "csrf_token": csrf_of(page.text),
        **values,
    }


@pytest.mark.parametrize("spec", ATTACKS)
def test_a_trainer_cannot_choose_what_the_server_runs(
    signed_in: SignIn, workspace_url: str, tmp_path: Path, spec: str
) -> None:
    trina = signed_in("trina")
    page = trina.get("/projects/new")
    refused = trina.post("/projects", data=_form(page, "evil", prelabel=spec.format(tmp=tmp_path)))
    assert refused.status_code == 400
    assert "field &#39;prelabel&#39;" in refused.text
    assert not (tmp_path / "pwned").exists()
    with mentor.connect(workspace_url) as ws:
        assert "evil" not in [p.name for p in ws.projects.all()]


def test_the_same_refusal_with_an_api_token(
    server: str, workspace_url: str, tmp_path: Path
) -> None:
    with mentor.connect(workspace_url) as ws:
        token = ws.accounts.create_token("trina", "provider attack").token
    form = {
        "name": "evil-api",
        "dataset": "safety-prefs@v1",
        "task": "pairwise",
        "guideline": "# Labels",
        "prelabel": f"model:command:touch {tmp_path}/pwned",
    }
    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"}) as api:
        refused = api.post("/projects", data=form)
    assert refused.status_code == 400 and "named provider" in refused.text
    assert not (tmp_path / "pwned").exists()


def test_the_form_offers_the_named_providers_and_creates_with_one(
    signed_in: SignIn, workspace_url: str, tmp_path: Path
) -> None:
    script = tmp_path / "model.py"
    script.write_text('import sys\nsys.stdin.read()\nprint(\'{"choice": "B"}\')\n')
    with mentor.connect(workspace_url) as ws:
        ws.providers.add("web-judge", f"command:python3 {script}", note="always B")
    trina = signed_in("trina")
    page = trina.get("/projects/new")
    assert '<option value="model:web-judge">' in page.text
    assert str(script) not in page.text  # the spec stays on the server
    made = trina.post("/projects", data=_form(page, "named-pick", prelabel="model:web-judge"))
    assert made.status_code == 303, made.text
    with mentor.connect(workspace_url) as ws:
        project = ws.projects.get("named-pick")
        assert project.settings.prelabel == "model:web-judge" and project.items == 3
        task = ws.projects.next_item("named-pick", "ana")
        assert task is not None and task.suggestion is not None


def test_hostile_numbers_and_nesting_are_refused_not_500(signed_in: SignIn) -> None:
    trina = signed_in("trina")
    page = trina.get("/projects/new")
    for field, value in [
        ("config", "[" * 100_000),
        ("overlap", str(10**30)),
        ("lease_seconds", "-5"),
        ("seed", str(2**64)),
        ("limit", "1" * 5000),
        ("review_rate", "nan"),
    ]:
        refused = trina.post("/projects", data=_form(page, "hostile", **{field: value}))
        assert refused.status_code == 400, (field, refused.status_code)
        assert f"field &#39;{field}&#39;" in refused.text or f"--{field.replace('_', '-')}" in (
            refused.text
        )
    assert trina.get("/projects/hostile").status_code == 404
