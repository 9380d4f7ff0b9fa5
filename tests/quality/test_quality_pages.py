"""The quality pages in the web app, signed in through the real form: the KPI page, a project's
dashboard with real numbers and SVG charts, annotator pages only for their owner (and the people
who may read the data), and one real chromium rendering the dashboard's charts."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

import mentor
from mentor.accounts import Role
from mentor.web.app import create_app
from mentor.web.wire import Protocol
from tests.web.conftest import sign_in

from .builder import build

PASSWORD = "quality-pages"
PEOPLE = {
    "trina": Role.TRAINER,
    "vic": Role.VIEWER,
    "rey": Role.REVIEWER,
    "ana": Role.ANNOTATOR,
    "ben": Role.ANNOTATOR,
}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("quality-pages")
    url = f"sqlite:///{folder / 'mentor.db'}"
    with mentor.connect(url, home=folder / "home", user="trina") as ws:
        build(ws, folder)
        for name, role in PEOPLE.items():
            ws.accounts.add_user(name, role, PASSWORD)
    return url


@pytest.fixture(scope="module")
def app_client(url: str) -> Iterator[TestClient]:
    app = create_app(url)
    with TestClient(app, follow_redirects=False) as client:
        yield client
    app.state.workspace.close()


def _as(client: TestClient, name: str) -> TestClient:
    client.cookies.clear()
    assert sign_in(client, name, PASSWORD).status_code == 303  # type: ignore[arg-type]
    return client


def test_dashboard_shows_the_projects_numbers(app_client: TestClient) -> None:
    page = _as(app_client, "trina").get("/quality/projects/tiny-pairs")
    assert page.status_code == 200, page.text
    text = page.text
    assert "Quality: tiny-pairs" in text
    assert "0.556" in text  # percent agreement 10/18
    assert "Krippendorff&#39;s alpha (nominal)" in text
    assert "75.0% of 8 reviewed" in text
    assert "50.0% (95% CI 18.8% to 81.2%) over 6 gold answers" in text
    assert "v1 → v2" in text and "77.8%" in text and "33.3%" in text
    assert text.count("<svg") >= 6 and 'class="band"' in text
    assert 'href="/quality/projects/tiny-pairs/annotators/cleo"' in text
    assert "/static/quality.css" in text


def test_kpi_page_lists_kpis_with_definitions_and_no_data_reasons(app_client: TestClient) -> None:
    page = _as(app_client, "vic").get("/quality")
    assert page.status_code == 200
    assert "QA pass rate" in page.text and "75.0%" in page.text
    assert "Guideline clarifications per 1,000 items" in page.text and "166.7" in page.text
    assert "no data: no priority-intent file given" in page.text
    assert 'href="/quality/projects/tiny-pairs"' in page.text
    assert _as(app_client, "vic").get("/quality/projects/tiny-pairs").status_code == 200


def test_annotators_see_only_their_own_page(app_client: TestClient) -> None:
    ana = _as(app_client, "ana")
    mine = ana.get("/quality/projects/tiny-pairs/annotators/ana")
    assert mine.status_code == 200
    assert "ana in tiny-pairs" in mine.text and "100.0%" in mine.text and "10.0 s" in mine.text
    assert 'href="/quality"' not in mine.text.split("<main>")[1]
    assert ana.get("/quality/projects/tiny-pairs/annotators/ben").status_code == 403
    assert ana.get("/quality/projects/tiny-pairs").status_code == 403
    assert ana.get("/quality").status_code == 403
    reviewer = _as(app_client, "rey")
    ben = reviewer.get("/quality/projects/tiny-pairs/annotators/ben")
    assert ben.status_code == 200 and "50.0% of 2 reviewed" in ben.text
    assert _as(app_client, "trina").get("/quality/projects/nope").status_code == 404


def test_nobody_signed_in_is_sent_to_sign_in(app_client: TestClient) -> None:
    app_client.cookies.clear()
    response = app_client.get("/quality/projects/tiny-pairs")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.fixture(scope="module")
def server(url: str) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(url), log_level="warning", http=Protocol))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.mark.browser
def test_chromium_renders_the_dashboard_charts(server: str, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is not installed: run the tests with `make test`")
    sync_api = pytest.importorskip("playwright.sync_api")
    with httpx.Client(base_url=server) as client:
        assert sign_in(client, "trina", PASSWORD).status_code == 303
        cookies = [{"name": k, "value": v, "url": server} for k, v in client.cookies.items()]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context()
        context.add_cookies(cookies)  # type: ignore[arg-type]
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console", lambda m: errors.append(m.text) if "Content Security" in m.text else None
        )
        page.on(
            "response",
            lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
        )
        page.goto(f"{server}/quality/projects/tiny-pairs")
        charts = page.locator("svg.chart")
        assert charts.count() >= 6
        sizes = [charts.nth(i).bounding_box() for i in range(charts.count())]
        assert all(s is not None and s["width"] > 100 and s["height"] > 30 for s in sizes)
        assert page.locator("svg.chart rect.bar").count() >= 3
        assert page.locator("svg.chart polygon.band").count() == 1
        assert page.locator("svg.chart rect.cell").count() >= 9
        assert not errors, errors  # the stylesheet loads; the CSP refuses nothing
        browser.close()
