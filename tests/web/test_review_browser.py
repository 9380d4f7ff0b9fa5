"""An annotator reviews eval outputs in a real chromium (pass or fail, with a reason), a trainer
releases the review project from its page, and the run's page shows what people said beside
the graders' verdict."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import mentor
from mentor.accounts import Role

from ..judges.review_world import make_runs
from .conftest import serving
from .test_annotate_browser import signed_in
from .test_browser import ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
PASSWORD = "mentor-demo"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    """A workspace with a pass-fail review project over the candidate run's outputs."""
    folder = tmp_path_factory.mktemp("review-browser")
    url = f"sqlite:///{folder / 'mentor.db'}"
    with mentor.connect(url, user="trina") as ws:
        for name, role in (("trina", Role.TRAINER), ("ana", Role.ANNOTATOR)):
            ws.accounts.add_user(name, role, PASSWORD)
        _, cand, _ = make_runs(ws, folder)
        ws.reviews.create("review", run=cand, limit=2)  # capital, then moon
    return url, cand


@pytest.fixture(scope="module")
def browser(chromium_path: str, world: tuple[str, int]) -> Iterator[Browser]:
    del world  # built first: the SDK runs its own event loop, Playwright's sync API too
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield browser
        browser.close()


def _grade(page: Page, key: str, reason: str) -> None:
    """Pick pass (1) or fail (2) with the keyboard, write the reason, submit with Enter."""
    page.locator("body").click(position={"x": 5, "y": 5})  # the focus on no field
    page.keyboard.press(key)
    if reason:
        page.keyboard.press("r")  # the comment field
        page.keyboard.type(reason)
        page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Enter")
    page.wait_for_url("**saved=1")


def test_annotator_reviews_outputs_and_the_run_page_shows_people_beside_graders(
    browser: Browser, world: tuple[str, int], tmp_path: Path
) -> None:
    url, cand = world
    shots = Path(os.environ.get("MENTOR_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with serving(url) as base:
        ana = signed_in(browser, base, "ana")
        ana.goto(f"{base}/annotate/review")
        ana.keyboard.press("Enter")  # start
        ana.wait_for_url("**/tasks/*")
        assert "The capital of France is Paris." in ana.locator("main").inner_text()
        _grade(ana, "1", "")
        assert "Neil Armstrong, in 1972." in ana.locator("main").inner_text()
        ana.screenshot(path=str(shots / "review-task.png"), full_page=True)
        _grade(ana, "2", "Wrong year: the landing was in 1969.")
        assert not ana.errors  # type: ignore[attr-defined]

        trina = signed_in(browser, base, "trina")
        trina.goto(f"{base}/projects/review")
        trina.click("#release-form button[type=submit]")
        trina.wait_for_url("**released=*")

        trina.goto(f"{base}/evals/runs/{cand}")
        assert trina.locator("#reviews a", has_text="review").count() == 1
        moon = trina.locator("article.eval-case", has_text="Neil Armstrong")
        assert "passed" in moon.locator("header .status").inner_text()  # the graders passed it
        people = moon.locator(".human-grade")
        assert people.locator(".human-verdict").inner_text() == "fail"
        assert "by ana" in people.locator(".human-who").inner_text()
        assert people.locator(".human-reason").inner_text() == (
            "ana: Wrong year: the landing was in 1969."
        )
        capital = trina.locator("article.eval-case", has_text="capital of France is")
        assert capital.locator(".human-verdict").inner_text() == "pass"
        people_alone = trina.locator("#pass-rates tr", has_text="people alone")
        assert people_alone.locator("td.num").first.inner_text() == "50.0%"  # 1 of their 2
        assert trina.locator("#pass-rates tr", has_text="prediction-powered").count() == 1
        trina.screenshot(path=str(shots / "review-run-page.png"), full_page=True)
        trina.click("nav.grade-sources a:text('both')")
        trina.wait_for_url("**grades=both*")
        assert "(both grades)" in trina.locator("#scorecard h2").inner_text()
        rate = trina.locator("#metrics tr", has_text="pass-rate").locator("td.num").first
        assert rate.inner_text() == "60.0%"  # moon now fails: 3 of 5 pass
        assert not trina.errors  # type: ignore[attr-defined]
