"""A real chromium clicks through the app, and no payload in a record ever runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

import mentor
from mentor.demo.accounts import PASSWORD
from mentor.web.session import SESSION_COOKIE

from .payloads import XSS_ID, XSS_PAYLOADS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Dialog, Page

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


@pytest.fixture(scope="module")
def session_token(workspace_url: str) -> str:
    """A login session of vic, the demo's viewer, made through the SDK."""
    with mentor.connect(workspace_url) as ws:
        return ws.accounts.login("vic", PASSWORD).token


def _context(browser: Browser, dialogs: list[str]) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def opened(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", opened)
    return context, page


@pytest.fixture
def anonymous(browser: Browser, dialogs: list[str]) -> Iterator[Page]:
    """A page in a fresh browser context with no cookies."""
    context, page = _context(browser, dialogs)
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser, dialogs: list[str], server: str, session_token: str) -> Iterator[Page]:
    """A page signed in as vic (the viewer)."""
    context, page = _context(browser, dialogs)
    context.add_cookies([{"name": SESSION_COOKIE, "value": session_token, "url": server}])
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
    # the demo's seven datasets plus the annotation project's labelled release
    assert page.locator("#datasets tbody tr").count() == 8
    assert page.locator("#datasets >> text=hh-harmless-prefs-labels").count() == 1
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
    page: Page, viewer: httpx.Client, dialogs: list[str]
) -> None:
    # The server's Content-Security-Policy blocks foreign scripts anyway; load the HTML without it.
    html = viewer.get("/datasets/xss-payloads/v/1").text
    page.set_content(html)
    _assert_inert(page, dialogs)
    assert "<img src=x onerror=" in page.locator("main").inner_text()


def test_sign_in_through_the_form_see_who_you_are_and_sign_out(
    anonymous: Page, server: str, shots: Path
) -> None:
    page = anonymous
    page.goto(f"{server}/datasets/hh-harmless")
    assert page.url == f"{server}/login?next=%2Fdatasets%2Fhh-harmless"
    page.fill("input[name=name]", "rey")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert page.locator("#login-error").inner_text() == "wrong user name or password"
    page.fill("input[name=name]", "rey")
    page.fill("input[name=password]", PASSWORD)
    page.screenshot(path=str(shots / "mentor-login.png"))
    page.click("button[type=submit]")
    assert page.url == f"{server}/datasets/hh-harmless"  # back where the visit began
    assert page.locator("#whoami").inner_text() == "rey reviewer"
    page.click("text=Sign out")
    assert page.url == f"{server}/login"
    page.goto(f"{server}/account")
    assert page.url.startswith(f"{server}/login?next=")


def test_an_annotator_sees_no_datasets(anonymous: Page, server: str) -> None:
    page = anonymous
    page.goto(f"{server}/login")
    page.fill("input[name=name]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert "/login" not in page.url
    assert page.locator("#whoami").inner_text() == "ana annotator"
    assert page.locator("header.top nav a", has_text="Datasets").count() == 0
    response = page.goto(f"{server}/datasets/hh-harmless")
    assert response is not None and response.status == 403
    assert "an annotator may not read datasets" in page.locator(".error-message").inner_text()


def test_a_new_api_token_is_shown_once(page: Page, server: str) -> None:
    page.goto(f"{server}/account")
    page.fill("#new-token-form input[name=label]", "browser test")
    page.click("#new-token-form button")
    token = page.locator("#new-token code").inner_text()
    assert token.startswith("mentor_")
    me = httpx.get(f"{server}/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["name"] == "vic"
    page.goto(f"{server}/account")
    assert token not in page.content()
    assert "browser test" in page.locator("#tokens").inner_text()


@pytest.mark.parametrize(
    "path",
    ["/", "/datasets/hh-harmless", "/datasets/hh-harmless/v/1", "/evals", "/quality", "/account"],
)
def test_a_phone_never_scrolls_the_page_sideways(page: Page, server: str, path: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    response = page.goto(server + path)
    assert response is not None and response.status == 200
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width} px wide on a 390 px screen"


def test_every_page_names_an_icon_that_is_served(page: Page, server: str) -> None:
    page.goto(server)
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon is not None
    served = page.request.get(server + icon)
    assert served.status == 200 and served.headers["content-type"].startswith("image/svg+xml")
