"""The XSS corpus as item texts (prompts, responses), rationales, questions, a guideline and a
project description: in a real chromium, on every annotation page that shows them, none runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from typing import TYPE_CHECKING

import httpx
import pytest

from .annotate_world import XSS_TEXT, build_world, client_for
from .conftest import csrf_of, serving
from .payloads import XSS_PAYLOADS
from .test_annotate_browser import signed_in
from .test_browser import ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

pytestmark = pytest.mark.browser

# What a payload could have left behind if the page had run it. Mentor's own keys.js is the one
# script a page may hold.
RAN = """() => ({
  xss: window.__xss ?? null,
  scripts: [...document.querySelectorAll('script')].filter(
      s => s.getAttribute('src') !== '/static/keys.js').length,
  handlers: [...document.querySelectorAll('*')].filter(
      el => [...el.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length,
  badLinks: [...document.querySelectorAll('a[href]')].filter(
      a => !/^(https?:|mailto:|\\/|#|\\?)/i.test(a.getAttribute('href'))).length,
  frames: document.querySelectorAll('iframe, object, embed').length,
  foreignImages: [...document.querySelectorAll('img')].filter(
      i => !i.getAttribute('src').startsWith('/')).length,
})"""
INERT = {"xss": None, "scripts": 0, "handlers": 0, "badLinks": 0, "frames": 0, "foreignImages": 0}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_world(tmp_path_factory.mktemp("annotate-xss"))


@pytest.fixture(scope="module")
def base(world: str) -> Iterator[str]:
    with serving(world) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium_path: str, base: str) -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield browser
        browser.close()


def watched(page: Page) -> list[str]:
    dialogs: list[str] = []

    def opened(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", opened)
    return dialogs


def assert_inert(page: Page, dialogs: list[str]) -> None:
    page.wait_for_timeout(200)  # let any onerror/onload/ontoggle fire
    assert dialogs == []
    assert page.evaluate(RAN) == INERT


@pytest.fixture(scope="module")
def labelled(browser: Browser, base: str) -> list[str]:
    """ana labels every XSS item with the keyboard, a payload as each rationale, and asks a
    question made of payloads; every task page is checked on the way. Returns the pages' text."""
    page = signed_in(browser, base, "ana")
    dialogs = watched(page)
    texts = []
    page.goto(f"{base}/annotate/xss")
    page.keyboard.press("Enter")  # Start: each submit then goes straight on to the next item
    page.wait_for_url("**/tasks/*")
    for payload in XSS_PAYLOADS:
        assert "/tasks/" in page.url
        assert_inert(page, dialogs)
        texts.append(page.locator("main").inner_text())
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("1")
        page.fill("textarea[name=rationale]", payload)
        before = page.url
        page.keyboard.press("Control+Enter")
        page.wait_for_url(lambda url, before=before: url != before and "saved=1" in url)
    page.goto(f"{base}/annotate/xss")
    page.fill("#ask-form textarea", XSS_TEXT)
    page.click("#ask-form button")
    assert_inert(page, dialogs)
    texts.append(page.locator("main").inner_text())
    page.context.close()
    return texts


def test_items_with_payloads_show_them_as_text(labelled: list[str]) -> None:
    shown = "\n".join(labelled)
    for payload in XSS_PAYLOADS:
        if not payload.startswith("```"):
            assert payload.split("\n")[0] in shown
    assert "<script>alert('in a code block')</script>" in shown


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("ana", "/annotate"),
        ("ana", "/annotate/xss"),
        ("rey", "/review/xss"),
        ("rey", "/review"),
        ("trina", "/projects"),
        ("trina", "/projects/xss"),
    ],
)
def test_payloads_in_rationales_questions_guideline_and_description_never_run(
    labelled: list[str], browser: Browser, base: str, who: str, path: str
) -> None:
    page = signed_in(browser, base, who)
    dialogs = watched(page)
    response = page.goto(base + path)
    assert response is not None and response.status == 200
    assert_inert(page, dialogs)
    if path == "/review/xss":
        assert page.locator(".review-entry").count() == len(XSS_PAYLOADS)
        assert "<img src=x onerror=" in page.locator("main").inner_text()
    page.context.close()


def _start(client: httpx.Client, project: str) -> httpx.Response:
    """Press Start on the project's page: the POST that leases my next item."""
    token = csrf_of(client.get(f"/annotate/{project}").text)
    return client.post(
        f"/annotate/{project}/next", data={"csrf_token": token}, follow_redirects=True
    )


def _side_showing(html: str, text: str) -> str:
    """The label ("A" or "B") of the side of a pairwise page that shows `text`."""
    a_side = html.split('id="side-A"')[1].split("</section>")[0]
    return "A" if text in a_side else "B"


def test_the_adjudication_page_keeps_payloads_inert(browser: Browser, base: str) -> None:
    with closing(client_for(base, "ana")) as ana, closing(client_for(base, "ben")) as ben:
        for client, prefers in ((ana, "Good answer"), (ben, "Poor answer")):
            page = _start(client, "duo").text
            item = re.search(r'action="/annotate/duo/items/(\d+)"', page)
            client_id = re.search(r'name="client_id" value="(\w+)"', page)
            assert item and client_id
            data = {"choice": _side_showing(page, prefers), "rationale": XSS_TEXT,
                    "client_id": client_id.group(1), "csrf_token": csrf_of(page)}  # fmt: skip
            assert client.post(f"/annotate/duo/items/{item.group(1)}", data=data).status_code == 303
    page = signed_in(browser, base, "rey")
    dialogs = watched(page)
    page.goto(f"{base}/adjudicate/duo")
    assert page.locator(".dispute .annotation").count() == 2
    assert_inert(page, dialogs)
    page.context.close()


def test_sanitising_alone_is_enough_without_the_csp(
    labelled: list[str], browser: Browser, base: str
) -> None:
    with closing(client_for(base, "rey")) as rey:
        html = rey.get("/review/xss").text
    page = browser.new_page()
    dialogs = watched(page)
    page.set_content(html)  # the HTML without the server's Content-Security-Policy
    assert_inert(page, dialogs)
    page.close()


def _mark_everything(base: str) -> int:
    """ana marks two overlapping spans on every item of the span project made of payloads (one
    ends inside the payload's markup); returns how many items she labelled."""
    done = 0
    with closing(client_for(base, "ana")) as ana:
        page = _start(ana, "xss-spans")
        while "/tasks/" in page.url.path:
            html = page.text
            length = re.search(r"\((\d+) characters;", html)
            item = re.search(r'action="/annotate/xss-spans/items/(\d+)"', html)
            client_id = re.search(r'name="client_id" value="(\w+)"', html)
            assert length and item and client_id
            n = int(length.group(1))
            data = {
                "span-0-start": "0", "span-0-end": str(n), "span-0-label": "unsafe",
                "span-1-start": "1", "span-1-end": str(max(2, n // 2)), "span-1-label": "pii",
                "client_id": client_id.group(1), "csrf_token": csrf_of(html),
            }  # fmt: skip
            posted = ana.post(f"/annotate/xss-spans/items/{item.group(1)}", data=data)
            assert posted.status_code == 303, posted.text
            done += 1
            page = ana.get(posted.headers["location"])  # the next item, or "nothing left"
    return done


def test_marked_spans_over_payloads_stay_text(browser: Browser, base: str) -> None:
    labelled = _mark_everything(base)
    assert labelled == len(XSS_PAYLOADS)
    page = signed_in(browser, base, "rey")
    dialogs = watched(page)
    page.goto(f"{base}/review/xss-spans")
    assert_inert(page, dialogs)
    # In her label and in the correction form: each item's text, marked, reads as the payload.
    assert page.locator("mark.span-mark").count() >= 2 * 2 * labelled
    texts = page.locator("[data-span-text]").all_inner_texts()
    assert len(texts) == labelled
    for payload in XSS_PAYLOADS:
        assert any(payload.split("\n")[0].strip() in text for text in texts), payload
    page.context.close()


def test_payloads_sent_as_the_pre_label_provider_are_refused_and_shown_inert(
    browser: Browser, base: str
) -> None:
    """The new-project form's provider field only offers named providers; a forged value made of
    payloads comes back as the form's error, as text."""
    page = signed_in(browser, base, "trina")
    dialogs = watched(page)
    page.goto(f"{base}/projects/new")
    page.fill("input[name=name]", "xss-provider")
    page.fill("input[name=dataset]", "prefs@v1")
    page.select_option("select[name=task]", "pairwise")
    page.fill("textarea[name=guideline]", "# Labels")
    page.evaluate(
        """([value]) => {
            const option = document.createElement('option');
            option.value = value;
            option.selected = true;
            document.querySelector('#prelabel').append(option);
        }""",
        [f"model:{XSS_TEXT}"],
    )
    page.click("#new-project-form button[type=submit]")
    error = page.locator("#create-error").inner_text()
    assert "prelabel" in error and "not a named provider" in error
    assert_inert(page, dialogs)
    page.context.close()
