"""The error-analysis pages in a real chromium: the top-issues tracker with its chart, tagging a
failed result from the run page, promoting a cluster of failures into a category; an output made
of XSS payloads shows as text and runs nothing; no page breaks the CSP; a viewer reads only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

import mentor
from mentor.accounts import Role
from mentor.analysis import Category
from mentor.web.session import SESSION_COOKIE
from tests.analysis.failure_world import XSS_CASE, make_run

from .conftest import serving
from .payloads import XSS_PAYLOADS
from .test_browser import ARGS, RAN

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
PASSWORD = "mentor-demo"
NO_SCRIPT = {"xss": None, "scripts": 0, "handlers": 0, "badLinks": 0}


@dataclass(frozen=True)
class World:
    url: str
    first: int
    second: int


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("analysis-pages")
    url = f"sqlite:///{folder / 'mentor.db'}"
    with mentor.connect(url, user="setup") as ws:
        ws.accounts.add_user("trina", Role.TRAINER, PASSWORD)
        ws.accounts.add_user("vic", Role.VIEWER, PASSWORD)
        first = make_run(ws, folder)
        second = make_run(ws, folder, xss="\n".join(XSS_PAYLOADS))
        ws.analysis.set_taxonomy(
            "planted", [Category("wrong-capital", "Names a city that is not the capital.")]
        )
        ws.analysis.tag(first, "capital-france", "wrong-capital")
        for case in ("capital-france", "capital-spain", "capital-japan"):
            ws.analysis.tag(second, case, "wrong-capital")
    return World(url, first, second)


@pytest.fixture(scope="module")
def browser(chromium_path: str, world: World) -> Iterator[Browser]:
    del world  # built first: the SDK runs its own event loop, Playwright's sync API too
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def base(world: World) -> Iterator[str]:
    with serving(world.url) as found:
        yield found


@pytest.fixture
def console() -> Iterator[list[str]]:
    seen: list[str] = []
    yield seen
    assert [m for m in seen if "Content Security Policy" in m] == []


def _page(browser: Browser, base: str, world: World, name: str, console: list[str]) -> Page:
    with mentor.connect(world.url) as ws:
        token = ws.accounts.login(name, PASSWORD).token
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
    page = context.new_page()
    page.on("console", lambda message: console.append(message.text))
    page.on("dialog", lambda d: (console.append(f"dialog {d.message}"), d.dismiss()))
    return page


def test_the_tracker_shows_rates_statuses_and_the_trend_chart(
    browser: Browser, base: str, world: World, console: list[str]
) -> None:
    page = _page(browser, base, world, "vic", console)
    page.goto(f"{base}/analysis")
    page.locator("#suites a", has_text="planted").click()
    page.wait_for_url("**/analysis/planted")
    assert page.locator("#issues-chart svg").count() == 1
    row = page.locator("#issues-table tbody tr", has_text="wrong-capital")
    assert row.locator(".badge").inner_text() == "persisting"
    assert "15.0%" in row.inner_text() and "3/20" in row.inner_text()
    assert "planted@v1" in page.locator("#taxonomy").inner_text()
    assert "Names a city that is not the capital." in page.locator("#taxonomy").inner_text()
    # A viewer reads the pages but gets no form to change anything.
    page.goto(f"{base}/evals/runs/{world.second}?show=failed")
    assert page.locator(".result-tags").count() > 0 and page.locator(".tag-form").count() == 0
    page.goto(f"{base}/analysis/planted/clusters")
    assert page.locator(".promote-form").count() == 0
    assert page.evaluate(RAN) == NO_SCRIPT


def test_a_trainer_tags_a_failed_result_from_the_run_page(
    browser: Browser, base: str, world: World, console: list[str]
) -> None:
    page = _page(browser, base, world, "trina", console)
    page.goto(f"{base}/evals/runs/{world.second}?show=failed")
    case = page.locator("article.eval-case", has=page.locator("h3 code", has_text="capital-italy"))
    case.locator("select[name=category]").select_option("wrong-capital")
    case.locator("input[name=note]").fill("Milan <b>is not</b> the capital")
    case.locator(".tag-form button").click()
    page.wait_for_url(f"**/evals/runs/{world.second}?show=failed#case-*")
    tags = page.locator("article.eval-case", has=page.locator("h3 code", has_text="capital-italy"))
    shown = tags.locator(".result-tags li").inner_text()
    assert "wrong-capital" in shown and "Milan <b>is not</b> the capital" in shown
    with mentor.connect(world.url) as ws:
        made = [t for t in ws.analysis.tags(world.second) if t.case_id == "capital-italy"]
        assert [(t.category, t.created_by) for t in made] == [("wrong-capital", "trina")]


def test_a_trainer_promotes_a_cluster_into_a_category(
    browser: Browser, base: str, world: World, console: list[str]
) -> None:
    page = _page(browser, base, world, "trina", console)
    page.goto(f"{base}/analysis/planted/clusters?run={world.second}")
    section = page.locator("section.failure-cluster", has=page.locator("h2", has_text="cooking"))
    number = section.get_attribute("id")
    assert number is not None and section.locator(".exemplars > li").count() >= 1
    section.locator("input[name=name]").fill("cooking-refusal")
    section.locator("input[name=definition]").fill("Refuses an ordinary cooking question.")
    section.locator("button[type=submit]").click()
    page.wait_for_url(f"**/analysis/planted/clusters?run={world.second}#{number}")
    assert "cooking-refusal: 6" in page.locator(f"#{number} .counts").inner_text()
    with mentor.connect(world.url) as ws:
        assert ws.analysis.taxonomy("planted").names == ["wrong-capital", "cooking-refusal"]
    page.goto(f"{base}/analysis/planted")
    assert page.locator("#taxonomy dt", has_text="cooking-refusal").count() == 1


def test_an_output_made_of_xss_payloads_shows_as_text(
    browser: Browser, base: str, world: World, console: list[str]
) -> None:
    page = _page(browser, base, world, "trina", console)
    page.goto(f"{base}/evals/runs/{world.second}?show=failed")
    case = page.locator("article.eval-case", has=page.locator("h3 code", has_text=XSS_CASE))
    assert XSS_PAYLOADS[0] in case.inner_text()
    page.wait_for_timeout(300)  # let any onerror/onload/ontoggle fire
    assert page.evaluate(RAN) == NO_SCRIPT
    page.goto(f"{base}/analysis/planted/clusters?run={world.second}")
    assert XSS_CASE in page.content()
    page.wait_for_timeout(300)
    assert page.evaluate(RAN) == NO_SCRIPT
    assert not [m for m in console if m.startswith("dialog")]
