"""The compare page in a real chromium: model outputs, prompts and judge replies made of XSS
payloads show as text and nothing runs, with the app's CSP and without it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import mentor
from mentor.web.session import SESSION_COOKIE

from .conftest import serving
from .eval_world import JUDGE_REPLY, PASSWORD, EvalWorld, build_eval_world
from .payloads import XSS_PAYLOADS
from .test_browser import ARGS, RAN

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> EvalWorld:
    return build_eval_world(tmp_path_factory.mktemp("eval-browser"))


@pytest.fixture(scope="module")
def browser(chromium_path: str, world: EvalWorld) -> Iterator[Browser]:
    del world  # built first: the SDK runs its own event loop, Playwright's sync API too
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield browser
        browser.close()


def _inert(page: Page, dialogs: list[str]) -> None:
    page.wait_for_timeout(300)  # let any onerror/onload/ontoggle fire
    assert dialogs == []
    assert page.evaluate(RAN) == {"xss": None, "scripts": 0, "handlers": 0, "badLinks": 0}


def test_compare_page_shows_xss_outputs_as_text_and_runs_nothing(
    browser: Browser, world: EvalWorld, tmp_path: Path
) -> None:
    with mentor.connect(world.url) as ws:
        token = ws.accounts.login("vic", PASSWORD).token
    dialogs: list[str] = []
    shots = Path(os.environ.get("MENTOR_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with serving(world.url) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
        page = context.new_page()

        def opened(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", opened)
        page.goto(f"{base}/evals/compare?baseline={world.baseline}&candidate={world.candidate}")
        assert (
            page.locator("h1").inner_text() == f"#{world.candidate} vs baseline #{world.baseline}"
        )
        assert page.locator("#tier-chart svg g.interval").count() == 6  # 3 tiers x 2 runs
        page.locator(
            "#still-passing > details > summary"
        ).click()  # the XSS case passed in both runs
        case = page.locator("#still-passing article", has_text="xss-echo")
        sides = case.locator(".side .eval-output")
        assert sides.count() == 2 and sides.first.is_visible()
        text = sides.first.inner_text()
        for payload in XSS_PAYLOADS:
            if not payload.startswith("```"):  # a code block shows only its body
                assert payload.split("\n")[0] in text
        assert "Repeat this: <script>window.__xss = 1</script>" in case.inner_text()
        page.locator("#unjudged > details > summary").click()
        page.locator("#unjudged article", has_text="judge-essay").locator("summary").first.click()
        assert JUDGE_REPLY in page.locator("#unjudged").inner_text()
        page.screenshot(path=str(shots / "mentor-eval-compare.png"), full_page=True)
        _inert(page, dialogs)

        # Sanitising alone is enough: the same HTML without the Content-Security-Policy.
        html = page.content()
        page.set_content(html)
        _inert(page, dialogs)
        context.close()
