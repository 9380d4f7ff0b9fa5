"""The judge calibration pages: the list, one record with its charts and disagreements (over
HTTP and in a real chromium), answers made of XSS payloads shown as text, and who may look."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
import pytest

import mentor
from mentor.accounts import Role
from mentor.web.session import SESSION_COOKIE
from tests.judges.verdict_world import XSS, pair_rows, write_jsonl

from .annotate_world import client_for
from .conftest import serving
from .test_browser import ARGS, RAN

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PASSWORD = "mentor-demo"


@dataclass(frozen=True)
class World:
    url: str
    pairwise: int
    labels: int


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("judge-pages")
    url = f"sqlite:///{folder / 'mentor.db'}"
    rows = pair_rows(pairs=60, agree=0.6)
    rows[0].update(human="a", verdict_ab="b", verdict_ba="b", a=XSS, item="xss<b>item</b>")
    with mentor.connect(url, user="trina") as ws:
        for name, role in (("trina", Role.TRAINER), ("vic", Role.VIEWER), ("ana", Role.ANNOTATOR)):
            ws.accounts.add_user(name, role, PASSWORD)
        pair = ws.judges.calibrate("judge-0", write_jsonl(folder / "v.jsonl", rows))
        labels = [
            {"item": f"l{i}", "human_label": "good" if i % 3 else "bad", "judge_label": "good"}
            for i in range(30)
        ]
        label = ws.judges.calibrate(
            "<script>judge</script>", write_jsonl(folder / "l.jsonl", labels)
        )
    return World(url, pair.id, label.id)


@pytest.fixture(scope="module")
def base(world: World) -> Iterator[str]:
    with serving(world.url) as url:
        yield url


def test_the_list_shows_each_record_with_kappa_and_its_interval(base: str, world: World) -> None:
    with closing(client_for(base, "vic")) as viewer:
        page = viewer.get("/judges")
    assert page.status_code == 200
    assert '<a href="/judges" aria-current="page">Judges</a>' in page.text
    assert f'<a href="/judges/{world.pairwise}">judge-0</a>' in page.text
    assert "&lt;script&gt;judge&lt;/script&gt;" in page.text and "<script>judge" not in page.text
    with mentor.connect(world.url) as ws:
        kappa = ws.judges.get(world.pairwise).kappa
    assert (
        f'{kappa["value"]:.3f} <span class="muted">[{kappa["low"]:.3f}, {kappa["high"]:.3f}]'
        in page.text
    )


def test_a_record_shows_figures_charts_and_escaped_disagreements(base: str, world: World) -> None:
    with closing(client_for(base, "vic")) as viewer:
        page = viewer.get(f"/judges/{world.pairwise}")
        labels = viewer.get(f"/judges/{world.labels}")
        missing = viewer.get("/judges/999")
    assert page.status_code == 200
    html = page.text
    for shown in ("Cohen's kappa", "Krippendorff", "flip rate", "first-position win rate"):
        assert shown in html
    assert html.count('class="cell"') == 9  # a 3 x 3 confusion heatmap
    assert 'id="bias-rates"' in html and 'id="bias-differences"' in html
    assert "xss&lt;b&gt;item&lt;/b&gt;" in html and "&lt;img src=x onerror=" in html
    assert "<img src=x" not in html
    assert labels.status_code == 200 and "Pairwise biases" not in labels.text
    # the judge always said good: no agreement beyond chance, and a 2 x 2 confusion matrix
    assert "<strong>0.000 <span" in labels.text and labels.text.count('class="cell"') == 4
    assert missing.status_code == 404


def test_annotators_and_strangers_may_not_look(base: str, world: World) -> None:
    with closing(client_for(base, "ana")) as annotator:
        assert annotator.get(f"/judges/{world.pairwise}").status_code == 403
    with httpx.Client(base_url=base) as stranger:
        assert stranger.get("/judges", follow_redirects=False).status_code in (303, 401)


@pytest.mark.browser
def test_in_a_browser_the_chart_and_the_payload_answer_show_and_nothing_runs(
    chromium_path: str, world: World, base: str
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with mentor.connect(world.url) as ws:
        token = ws.accounts.login("vic", PASSWORD).token
    with sync_api.sync_playwright() as p:
        browser: Browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{base}/judges/{world.pairwise}")
        assert page.locator("h1").inner_text() == f"Calibration #{world.pairwise}: judge-0"
        assert page.locator("#confusion svg rect.cell").count() == 9
        assert page.locator("#bias-rates svg g.interval").count() == 3
        assert page.locator("#bias-differences svg g.interval").count() == 2
        row = page.locator("tr.disagreement", has_text="xss<b>item</b>")
        assert row.count() == 1 and XSS in row.inner_text()
        page.wait_for_timeout(300)  # let any onerror fire
        assert dialogs == []
        assert page.evaluate(RAN) == {"xss": None, "scripts": 0, "handlers": 0, "badLinks": 0}
        context.close()
        browser.close()
