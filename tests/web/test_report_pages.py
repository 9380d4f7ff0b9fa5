"""The report pages a trainer reaches from a run page: the release readiness note and the Model
Quality Update, served under the app's CSP (stylesheet from /static, no inline style or
script), downloadable as the same Markdown and HTML file the CLI writes, and in a real
chromium with no CSP violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

import httpx
import pytest

import mentor
from mentor.reports import known_gate
from mentor.web.session import SESSION_COOKIE

from .conftest import serving, sign_in
from .eval_world import PASSWORD, EvalWorld, build_eval_world
from .test_browser import ARGS

STYLED: Final = """() => ({
  collapse: getComputedStyle(document.querySelector('#report table.report-table')).borderCollapse,
  charts: document.querySelectorAll('#report figure svg').length,
  scripts: document.querySelectorAll('script').length,
})"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> EvalWorld:
    return build_eval_world(tmp_path_factory.mktemp("report-pages"))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The served workspace's MENTOR_HOME, with one gate saved by name."""
    folder = tmp_path_factory.mktemp("report-home")
    (folder / "gates").mkdir()
    strict = (
        known_gate("starter")
        .read_text(encoding="utf-8")
        .replace("name: starter-release", "name: team-strict", 1)
    )
    (folder / "gates" / "team-strict.yaml").write_text(strict, encoding="utf-8")
    (folder / "gates" / "Not A Name.yaml").write_text(strict, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def base(world: EvalWorld, home: Path) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MENTOR_HOME", str(home))
        with serving(world.url) as url:
            yield url


@pytest.fixture(scope="module")
def vic(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=120) as client:
        assert sign_in(client, "vic", PASSWORD).status_code == 303
        yield client


def test_the_run_page_links_both_reports(vic: httpx.Client, world: EvalWorld) -> None:
    page = vic.get(f"/evals/runs/{world.candidate}").text
    with mentor.connect(world.url) as ws:
        day = ws.evals.get_run(world.candidate).started_at.date().isoformat()
    assert f'href="/reports/release?candidate={world.candidate}"' in page
    assert f'href="/reports/quality-update?since={day}"' in page
    update = vic.get(f"/reports/quality-update?since={day}").text
    assert f"Period: since {day}: 2 run(s) of 1 suite(s)." in update


def test_the_release_note_page_asks_for_a_baseline_then_shows_the_verdict(
    vic: httpx.Client, world: EvalWorld
) -> None:
    form = vic.get(f"/reports/release?candidate={world.candidate}")
    assert form.status_code == 200 and 'id="choose-baseline"' in form.text
    assert f'<option value="{world.baseline}">' in form.text
    url = f"/reports/release?candidate={world.candidate}&baseline={world.baseline}&gate=starter"
    page = vic.get(url)
    assert page.status_code == 200
    assert 'Gate <code>starter-release</code>: <span class="verdict">FAILED</span>' in page.text
    assert 'id="tier-critical"' in page.text and "<svg" in page.text
    assert f'<a href="/evals/runs/{world.baseline}">#{world.baseline}</a>' in page.text
    assert '<link rel="stylesheet" href="/static/reports.css">' in page.text
    assert "<style" not in page.text and "style=" not in page.text
    # The downloads are the very files the SDK (and the CLI) write.
    with mentor.connect(world.url) as ws:
        note = ws.reports.release_note(
            world.candidate, baseline=world.baseline, gate=known_gate("starter")
        )
        md, html = ws.reports.markdown(note), ws.reports.html(note)
    got = vic.get(url + "&format=md")
    assert got.text == md and got.headers["content-type"].startswith("text/markdown")
    assert 'filename="release-note.md"' in got.headers["content-disposition"]
    assert vic.get(url + "&format=html").text == html
    unknown = vic.get(url.replace("gate=starter", "gate=../../etc/passwd"))
    assert unknown.status_code == 400 and "not a gate Mentor knows" in unknown.text


def test_a_gate_saved_in_the_workspace_home_is_offered_by_name(
    vic: httpx.Client, world: EvalWorld, home: Path
) -> None:
    form = vic.get(f"/reports/release?candidate={world.candidate}").text
    assert '<option value="starter" selected>' in form
    assert '<option value="team-strict">' in form and "Not A Name" not in form
    url = f"/reports/release?candidate={world.candidate}&baseline={world.baseline}"
    page = vic.get(url + "&gate=team-strict")
    assert page.status_code == 200
    assert 'Gate <code>team-strict</code>: <span class="verdict">FAILED</span>' in page.text
    assert "the team-strict release gate" in page.text
    missing = vic.get(url + "&gate=nightly")
    assert missing.status_code == 400
    assert "use one of starter, team-strict" in missing.text
    assert "&lt;MENTOR_HOME&gt;/gates/NAME.yaml" in missing.text  # not the server's own path
    assert str(home) not in missing.text


def test_the_quality_update_page_and_its_period(vic: httpx.Client, world: EvalWorld) -> None:
    page = vic.get("/reports/quality-update")
    assert page.status_code == 200
    assert "<h2>Suite <code>web-eval</code></h2>" in page.text
    assert 'id="judge-caveats"' in page.text and "never calibrated" in page.text
    assert 'id="next-actions"' in page.text and "Calibrate judge" in page.text
    since = vic.get(f"/reports/quality-update?since={world.candidate}")
    assert "No evaluation run in this period." in since.text
    bad = vic.get("/reports/quality-update?since=soon")
    assert bad.status_code == 400 and "neither a date" in bad.text
    assert vic.get("/static/reports.css").headers["content-type"].startswith("text/css")


@pytest.mark.browser
def test_both_pages_render_in_a_browser_without_csp_violations(
    chromium_path: str, world: EvalWorld, base: str, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with mentor.connect(world.url) as ws:
        token = ws.accounts.login("vic", PASSWORD).token
    pages = {
        "release": f"/reports/release?candidate={world.candidate}&baseline={world.baseline}",
        "update": "/reports/quality-update",
    }
    seen, console = {}, []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
            page = context.new_page()
            page.on("console", lambda message: console.append(message.text))
            for name, path in pages.items():
                response = page.goto(base + path)
                assert response is not None and response.status == 200
                page.wait_for_load_state("load")
                seen[name] = page.evaluate(STYLED)
                page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        finally:
            browser.close()
    assert [m for m in console if "Content Security Policy" in m] == []
    assert seen["release"] == {"collapse": "collapse", "charts": 2, "scripts": 0}
    assert seen["update"]["collapse"] == "collapse" and seen["update"]["charts"] >= 2
