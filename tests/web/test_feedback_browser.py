"""The feedback triage page in a real chromium: a trainer triages a cluster of user reports into
cases of the regression suite and items of a project; reports made of XSS payloads show as
text and nothing runs; a viewer may not see the reports at all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import mentor
from mentor.accounts import Role
from mentor.web.session import SESSION_COOKIE
from tests.analysis.feedback_world import reports, write

from .conftest import serving
from .payloads import XSS_PAYLOADS
from .test_browser import ARGS, RAN

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
PASSWORD = "mentor-demo"


@dataclass(frozen=True)
class World:
    url: str
    batch: int
    hostile: int


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("feedback-browser")
    url = f"sqlite:///{folder / 'mentor.db'}"
    with mentor.connect(url, user="setup") as ws:
        ws.accounts.add_user("trina", Role.TRAINER, PASSWORD)
        ws.accounts.add_user("vic", Role.VIEWER, PASSWORD)
        seed = write(folder / "seed.jsonl", [{"id": "s1", "kind": "sft", "messages": "Hi?"}])
        ref = ws.datasets.import_file(seed, "seed").version.ref
        ws.projects.create(
            "complaints",
            dataset=ref,
            task="classification",
            guideline="# Label the failure",
            config={"labels": ["bug", "not-a-bug"]},
        )
        feedback = ws.analysis.feedback
        batch = feedback.import_file(write(folder / "reports.jsonl", reports()), source="app")
        hostile_rows = [
            {"id": f"h{i}", "text": "\n".join(XSS_PAYLOADS) + f" ({i})"} for i in range(2)
        ]
        hostile = feedback.import_file(
            write(folder / "hostile.jsonl", hostile_rows), source=XSS_PAYLOADS[0]
        )
    return World(url, batch.id, hostile.id)


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


def _page(browser: Browser, base: str, world: World, name: str) -> tuple[Page, list[str]]:
    with mentor.connect(world.url) as ws:
        token = ws.accounts.login(name, PASSWORD).token
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return page, dialogs


def test_a_trainer_triages_a_cluster_into_the_suite_and_a_project(
    browser: Browser, base: str, world: World
) -> None:
    page, _ = _page(browser, base, world, "trina")
    page.goto(f"{base}/feedback")
    page.locator("#batches a", has_text=f"#{world.batch}").click()
    assert "21 reports" in page.locator("#summary").inner_text()
    assert "<EMAIL>" in page.content().replace("&lt;", "<").replace("&gt;", ">")
    assert "@example" not in page.content()
    section = page.locator("section.feedback-cluster").first
    number = section.get_attribute("id")
    assert number is not None and section.locator("blockquote.report").count() >= 1
    section.locator("input[name=suite]").fill("regression")
    section.locator("input[name=intent]").fill("what the user asked")
    section.locator("select[name=severity]").select_option("critical")
    section.locator("select[name=should_refuse]").select_option("no")
    section.locator("select[name=project]").select_option("complaints")
    section.locator("button[type=submit]").click()
    page.wait_for_url(f"**/feedback/{world.batch}#{number}")
    after = page.locator(f"#{number}")
    cases = after.locator("table.triaged tr", has_text="case feedback-")
    items = after.locator("table.triaged tr", has_text="of complaints")
    assert cases.count() >= 1 and cases.count() == items.count()
    assert "not run" in cases.first.inner_text()
    with mentor.connect(world.url) as ws:
        suite = ws.analysis.feedback.suite("regression")
        made = [c for c in suite.iter_cases() if c.id.startswith(f"feedback-{world.batch}-")]
        assert len(made) == cases.count() and {c.severity for c in made} == {"critical"}
        assert ws.projects.get("complaints").items == 1 + items.count()
        assert ws.audit(limit=5)[0].actor == "trina"

    # Triaging the same cluster into the suite again is refused beside its form.
    again = page.locator(f"#{number}")
    again.locator("input[name=suite]").fill("regression")
    again.locator("input[name=intent]").fill("again")
    again.locator("button[type=submit]").click()
    assert "already a case" in page.locator(f"#{number} #problem").inner_text()


def test_reports_made_of_xss_payloads_show_as_text_and_run_nothing(
    browser: Browser, base: str, world: World
) -> None:
    page, dialogs = _page(browser, base, world, "trina")
    page.goto(f"{base}/feedback")
    assert XSS_PAYLOADS[0] in page.locator("#batches").inner_text()
    page.goto(f"{base}/feedback/{world.hostile}")
    shown = page.locator("blockquote.report").first.inner_text()
    for payload in XSS_PAYLOADS:
        assert payload.split("\n")[0] in shown
    page.wait_for_timeout(300)  # let any onerror/onload/ontoggle fire
    assert dialogs == []
    assert page.evaluate(RAN) == {"xss": None, "scripts": 0, "handlers": 0, "badLinks": 0}


def test_a_viewer_may_not_read_the_reports(browser: Browser, base: str, world: World) -> None:
    page, _ = _page(browser, base, world, "vic")
    response = page.goto(f"{base}/feedback/{world.batch}")
    assert response is not None and response.status == 403
    assert "Feedback" not in page.locator("nav").inner_text()


def test_the_page_of_a_batch_that_does_not_exist_is_not_found(
    browser: Browser, base: str, world: World, tmp_path: Path
) -> None:
    page, _ = _page(browser, base, world, "trina")
    response = page.goto(f"{base}/feedback/{world.hostile + 100}")
    assert response is not None and response.status == 404
