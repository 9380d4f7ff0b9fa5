"""The training pages in a real chromium under the app's CSP: the runs list, and a run's page
with its loss curve, lineage drawing and lift table; eval run and version pages link to it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import mentor
from mentor.web.session import SESSION_COOKIE
from tests.quality.training_world import LABELS, TrainingWorld, training_world
from tests.train.conftest import smol_tokenizer, tiny_base
from tests.train.tiny_models import PREFS, import_prefs, insert_run

from .annotate_world import PASSWORD as SIGN_IN
from .annotate_world import client_for
from .conftest import serving
from .test_browser import ARGS, RAN

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = ["smol_tokenizer", "tiny_base", "training_world"]
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield browser
        browser.close()


def _run_page(page: Page, world: TrainingWorld) -> None:
    run = world.run
    assert page.locator("h1").inner_text() == f"Training run #{run.id}: dpo on {world.release}"
    assert page.locator("#chart-loss svg polyline").count() == 1  # the loss, by step
    assert page.locator("#chart-margins svg").count() == 1
    for node in (f"project:{world.project}", world.release, f"training:{run.id}", run.ref):
        assert page.locator(f'svg.lineage g.node[data-id="{node}"]').count() == 1
    evals = page.locator(f'svg.lineage g.node[data-id="eval:{world.trained_eval}"] a')
    assert evals.get_attribute("href") == f"/evals/runs/{world.trained_eval}"
    assert page.locator("#labels-used").inner_text() == str(LABELS)
    row = page.locator(f'#lift-table tr[data-eval="{world.trained_eval}"]')
    cells = row.locator("td")
    assert cells.nth(2).inner_text() == f"#{world.base_eval}"
    assert cells.nth(6).inner_text().startswith("[")  # the paired 95% interval
    compare = row.locator("a", has_text="compare").get_attribute("href")
    assert compare == f"/evals/compare?baseline={world.base_eval}&candidate={world.trained_eval}"


def test_an_empty_list_a_failed_run_and_who_may_look(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mentor.db'}"
    with mentor.connect(url, home=tmp_path, user="tester") as ws:
        ws.accounts.add_user("vic", "viewer", SIGN_IN)
        ws.accounts.add_user("ana", "annotator", SIGN_IN)
        with serving(url) as base, closing(client_for(base, "vic")) as viewer:
            empty = viewer.get("/training")
            assert "No training run yet" in empty.text
            assert '<a href="/training" aria-current="page">Training</a>' in empty.text
            version_id = import_prefs(ws, tmp_path, "prefs", PREFS)
            run_id = insert_run(
                ws,
                kind="sft",
                status="failed",
                out_dir=tmp_path,
                version_id=version_id,
                error="CUDA <b>out</b> of memory",
            )
            page = viewer.get(f"/training/runs/{run_id}")
            assert page.status_code == 200
            assert "failed</span>: CUDA &lt;b&gt;out&lt;/b&gt; of memory" in page.text
            assert "The run logged no loss yet" in page.text
            assert "Only a succeeded sft or dpo run has a model to evaluate" in page.text
            assert viewer.get("/training/runs/99").status_code == 404
            with closing(client_for(base, "ana")) as annotator:
                assert annotator.get("/training").status_code == 403


@pytest.mark.browser
@pytest.mark.train
@pytest.mark.parametrize("training_world", ["sqlite"], indirect=True)
def test_a_run_page_shows_curves_lineage_and_lift_and_is_linked_from_evals_and_versions(
    browser: Browser, training_world: TrainingWorld, tmp_path: Path
) -> None:
    world = training_world
    with mentor.connect(world.url, home=tmp_path, user="tester") as ws:
        ws.accounts.add_user("vic", "viewer", PASSWORD)
        token = ws.accounts.login("vic", PASSWORD).token
    console: list[str] = []
    with serving(world.url) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
        page = context.new_page()
        page.on("console", lambda message: console.append(message.text))
        page.goto(f"{base}/training")
        assert page.locator("header nav a", has_text="Training").get_attribute("aria-current")
        page.locator("#training-runs a", has_text=f"#{world.run.id}").click()
        _run_page(page, world)
        if shots := os.environ.get("MENTOR_SCREENSHOTS"):
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / "mentor-training-run.png"), full_page=True)
        assert page.evaluate(RAN) == {"xss": None, "scripts": 0, "handlers": 0, "badLinks": 0}

        page.goto(f"{base}/evals/runs/{world.trained_eval}")
        page.locator("#training-run").click()
        page.wait_for_url(f"**/training/runs/{world.run.id}")
        name, number = world.release.split("@v")
        page.goto(f"{base}/datasets/{name}/v/{number}")
        assert (
            page.locator("#trained-by a").get_attribute("href") == f"/training/runs/{world.run.id}"
        )
        page.goto(f"{base}/datasets/{name}/v/{number}/lineage")
        assert page.locator(f'svg.lineage g.node[data-id="{world.run.ref}"]').count() == 1
        context.close()
    assert [m for m in console if "Content Security Policy" in m] == []
