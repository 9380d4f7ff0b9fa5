"""The QA report a user reaches from a version page."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import httpx
import pytest

import mentor
from mentor.demo.accounts import PASSWORD
from mentor.qa.report import COLOURS, stylesheet, write_html
from mentor.qa.summary import Summary
from mentor.web.session import SESSION_COOKIE

from .test_browser import ARGS

# What the report's stylesheet does to the page, as the browser computed it.
STYLED: Final = """() => {
  const table = getComputedStyle(document.querySelector('table'));
  const badge = document.querySelector('span.sev');
  const look = getComputedStyle(badge);
  return {
    collapse: table.borderCollapse,
    maxWidth: getComputedStyle(document.body).maxWidth,
    badge: look.color,
    badgeBackground: look.backgroundColor !== 'rgba(0, 0, 0, 0)',
  };
}"""


def test_version_page_links_a_qa_report_with_real_findings(viewer: httpx.Client) -> None:
    client = viewer
    version = client.get("/datasets/hh-harmless/v/1")
    assert 'href="/datasets/hh-harmless/v/1/qa"' in version.text
    report = client.get("/datasets/hh-harmless/v/1/qa")
    assert report.status_code == 200
    assert "QA report: hh-harmless@v1" in report.text
    assert "<svg" in report.text and "<script" not in report.text
    assert "2,312" in report.text  # records scanned
    assert "empty-turn" in report.text  # HH has empty assistant replies


def test_viewing_a_report_is_a_read_not_an_audited_scan(
    viewer: httpx.Client, workspace_url: str
) -> None:
    with mentor.connect(workspace_url) as ws:
        before = ws.audit(limit=1000, object_id="hh-harmless@v1")
        first = viewer.get("/datasets/hh-harmless/v/1/qa")
        again = viewer.get("/datasets/hh-harmless/v/1/qa")
        assert first.status_code == again.status_code == 200
        assert again.text == first.text  # kept: the version cannot change
        assert ws.audit(limit=1000, object_id="hh-harmless@v1") == before


def test_the_report_page_links_its_stylesheet_and_has_no_inline_style(
    viewer: httpx.Client,
) -> None:
    report = viewer.get("/datasets/hh-harmless/v/1/qa").text
    assert '<link rel="stylesheet" href="/static/qa-report.css">' in report
    assert "<style" not in report and "style=" not in report
    css = viewer.get("/static/qa-report.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.text == stylesheet()


def test_a_report_file_is_styled_on_its_own(tmp_path: Path) -> None:
    summary = Summary("t@v1", 1, ("lint",), {}, {}, {}, {}, {}, {})
    html = write_html(summary, tmp_path / "report.html").read_text(encoding="utf-8")
    assert f"<style>\n{stylesheet()}</style>" in html
    assert "<link" not in html and "style=" not in html


def test_severity_badges_have_the_charts_colours() -> None:
    css = stylesheet()
    for severity, colour in COLOURS.items():
        assert f".qa-report .sev-{severity} {{ background: {colour}; }}" in css


@pytest.mark.browser
def test_the_report_page_is_styled_under_the_csp_in_a_browser(
    chromium_path: str, server: str, workspace_url: str
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with mentor.connect(workspace_url) as ws:
        token = ws.accounts.login("vic", PASSWORD).token
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        try:
            context = browser.new_context()
            context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": server}])
            page = context.new_page()
            console: list[str] = []
            page.on("console", lambda message: console.append(message.text))
            response = page.goto(f"{server}/datasets/hh-harmless/v/1/qa")
            assert response is not None and response.status == 200
            page.wait_for_load_state("load")
            styled = page.evaluate(STYLED)
        finally:
            browser.close()
    assert [m for m in console if "Content Security Policy" in m] == []
    assert styled == {
        "collapse": "collapse",
        "maxWidth": "1152px",  # 72rem
        "badge": "rgb(255, 255, 255)",
        "badgeBackground": True,
    }
