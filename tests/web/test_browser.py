"""A real chromium clicks through the app, and no payload in a record ever runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from .payloads import XSS_ID, XSS_PAYLOADS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

pytestmark = pytest.mark.browser

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Anything a payload could have left behind if the page had run it.
RAN = """() => ({
  xss: window.__xss ?? null,
  scripts: document.querySelectorAll('script').length,
  handlers: [...document.querySelectorAll('*')].filter(
      el => [...el.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length,
  badLinks: [...document.querySelectorAll('a[href]')].filter(
      a => !/^(https?:|mailto:|\\/|#|\\?)/i.test(a.getAttribute('href'))).length,
})"""


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def dialogs() -> list[str]:
    return []


@pytest.fixture
def page(browser: Browser, dialogs: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def opened(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", opened)
    yield page
    context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: $MENTOR_SCREENSHOTS to keep them, else a temporary folder."""
    folder = Path(os.environ.get("MENTOR_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_click_from_home_to_version_lineage_and_datasheet(
    page: Page, server: str, shots: Path
) -> None:
    page.goto(server)
    assert page.locator("h1").first.inner_text() == "Datasets"
    assert page.locator("#datasets tbody tr").count() == 7
    page.screenshot(path=str(shots / "mentor-home.png"), full_page=True)

    page.click("#datasets >> text=harmless-mix")
    assert page.url == f"{server}/datasets/harmless-mix"
    page.click("#versions >> text=harmless-mix@v1")
    assert page.locator("h1").inner_text() == "harmless-mix@v1"
    assert page.locator("article.record").count() == 20
    assert page.locator("article.record .chosen .msg").first.is_visible()
    page.screenshot(path=str(shots / "mentor-version.png"))

    page.click("text=Lineage")
    assert page.url.endswith("/datasets/harmless-mix/v/1/lineage")
    svg = page.locator("svg.lineage")
    assert svg.is_visible()
    assert svg.locator("g.node").count() == 6
    assert svg.locator("path.edge").count() == 5
    assert svg.locator("g.node.root").get_attribute("data-id") == "harmless-mix@v1"
    page.screenshot(path=str(shots / "mentor-lineage.png"))

    svg.locator('g.node[data-id="hh-harmless@v2"] a').click()  # nodes link to their versions
    assert page.url.endswith("/datasets/hh-harmless/v/2")
    page.click("text=Datasheet")
    assert page.locator("article.datasheet h1").inner_text() == "Datasheet: hh-harmless@v2"
    assert page.locator("article.datasheet table").count() >= 3


def test_paging_through_records(page: Page, server: str) -> None:
    page.goto(f"{server}/datasets/hh-harmless/v/1")
    first = page.locator("article.record header code").first.inner_text()
    page.locator("a[rel=next]").first.click()
    assert "page=2" in page.url
    assert page.locator("article.record header code").first.inner_text() != first
    assert "Page 2 of 116" in page.locator(".pager").first.inner_text()


def test_unknown_version_shows_the_message(page: Page, server: str) -> None:
    response = page.goto(f"{server}/datasets/hh-harmless/v/9")
    assert response is not None and response.status == 404
    assert "hh-harmless has no version 9" in page.locator(".error-message").inner_text()


def _assert_inert(page: Page, dialogs: list[str]) -> None:
    page.wait_for_timeout(300)  # let any onerror/onload/ontoggle fire
    ran = page.evaluate(RAN)
    assert dialogs == []
    assert ran == {"xss": None, "scripts": 0, "handlers": 0, "badLinks": 0}


def test_xss_payloads_in_records_show_as_text_and_never_run(
    page: Page, server: str, dialogs: list[str], shots: Path
) -> None:
    page.goto(f"{server}/datasets/xss-payloads/v/1")
    _assert_inert(page, dialogs)
    page.screenshot(path=str(shots / "mentor-xss.png"), full_page=True)
    text = page.locator("main").inner_text()
    for payload in XSS_PAYLOADS:
        if not payload.startswith("```"):  # a code block shows only its body
            assert payload.split("\n")[0] in text
    assert "<script>alert('in a code block')</script>" in text
    assert XSS_ID in text and "#<script>alert(1)</script>" in text
    assert page.locator("article.record").count() == len(XSS_PAYLOADS) + 1


@pytest.mark.parametrize("path", ["/", "/datasets/xss-payloads/v/1/lineage", "/audit"])
def test_xss_in_names_descriptions_and_files_stays_text(
    page: Page, server: str, dialogs: list[str], path: str
) -> None:
    page.goto(server + path)
    _assert_inert(page, dialogs)


def test_sanitising_alone_is_enough_without_the_csp(
    page: Page, server: str, dialogs: list[str]
) -> None:
    # The server's Content-Security-Policy blocks scripts anyway; load the same HTML without it.
    html = httpx.get(f"{server}/datasets/xss-payloads/v/1").text
    page.set_content(html)
    _assert_inert(page, dialogs)
    assert "<img src=x onerror=" in page.locator("main").inner_text()
