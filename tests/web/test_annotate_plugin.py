"""A task type from a third-party package (tests/plugin_pkg, declared by the entry point of an
installed distribution) is annotated in a real browser with its own form, reader and keys;
nothing in mentor/web names it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import orjson
import pytest

import mentor
from mentor.accounts import Role
from mentor.annotate import ProjectSettings
from mentor.annotate.tasks import TaskTypeBase, task_type, task_types

from .annotate_world import PASSWORD, client_for
from .conftest import csrf_of, serving
from .test_browser import ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Page

ENTRY_POINTS = """[mentor.task_types]
tone = tests.plugin_pkg.tone:Tone
plain-tone = tests.plugin_pkg.plain:PlainTone
"""
CHATS = [
    {
        "id": f"c{i}",
        "messages": [
            {"role": "user", "content": f"Say hello {i}"},
            {"role": "assistant", "content": f"Hello there, friend {i}!"},
        ],
    }
    for i in range(3)
]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The plug-in package installed as a distribution declaring its entry points."""
    site = tmp_path_factory.mktemp("site")
    dist = site / "mentor_tone_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mentor-tone\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    sys.path.append(str(site))
    yield
    sys.path.remove(str(site))


@pytest.fixture(scope="module")
def world(installed: None, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("plugin-world")
    url = f"sqlite:///{folder / 'mentor.db'}"
    chats = folder / "chats.jsonl"
    chats.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in CHATS))
    with mentor.connect(url, user="setup") as ws:
        ws.accounts.add_user("trina", Role.TRAINER, PASSWORD)
        ws.accounts.add_user("ana", Role.ANNOTATOR, PASSWORD)
        ws.accounts.add_user("rey", Role.REVIEWER, PASSWORD)
        ws.datasets.import_file(chats, "chats")
        for name in ("tone", "plain-tone"):
            ws.projects.create(
                name,
                dataset="chats@v1",
                task=name,
                guideline="# Tone\n",
                settings=ProjectSettings(review_rate=1.0),
            )
    return url


@pytest.fixture(scope="module")
def base(world: str) -> Iterator[str]:
    with serving(world) as url:
        yield url


def test_the_plugin_is_listed_and_a_plain_class_gets_the_defaults(installed: None) -> None:
    assert {"tone", "plain-tone"} <= {t.name for t in task_types()}
    plain = task_type("plain-tone")
    assert isinstance(plain, TaskTypeBase) and not plain.shuffled
    assert plain.agree([{"tone": "warm"}, {"tone": "warm"}], {})


@pytest.mark.browser
def test_annotate_the_plugin_task_type_with_the_keyboard(
    chromium_path: str, base: str, world: str
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        page: Page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.set_default_timeout(15_000)
        page.goto(f"{base}/login")
        page.fill("input[name=name]", "ana")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base}/annotate/tone")
        page.keyboard.press("Enter")  # Start (a POST) leases my first item
        page.wait_for_url("**/tasks/*")
        form = page.locator("form#task-form")
        assert form.get_attribute("data-task") == "tone"
        assert orjson.loads(form.get_attribute("data-keys") or "") == {"digit": ["pick"]}
        assert "warm, neutral, cold" in (page.locator("#keys-help").text_content() or "")
        assert "Hello there, friend" in page.locator(".item-response").inner_text()
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("3")
        page.keyboard.press("r")
        page.keyboard.type("curt")
        page.keyboard.press("Escape")
        page.keyboard.press("Enter")
        page.wait_for_url("**saved=1")
        assert not errors
        browser.close()
    with mentor.connect(world) as ws:
        [label] = ws.projects.annotations("tone", annotator="ana")
    assert label.payload == {"tone": "cold", "note": "curt"}


def test_a_reviewer_corrects_with_the_plugin_form(base: str, world: str) -> None:
    with mentor.connect(world) as ws:
        task = ws.projects.next_item("plain-tone", "ana")
        assert task is not None
        ws.projects.submit(
            "plain-tone", task.item_id, {"tone": "warm"}, client_id="x", annotator="ana"
        )
        [label] = ws.projects.annotations("plain-tone", annotator="ana")
    rey = client_for(base, "rey")
    page = rey.get("/review/plain-tone")
    assert page.status_code == 200
    assert 'class="verdict tone-verdict">warm' in page.text  # the plug-in's label.html
    assert f'id="a{label.id}-tone"' in page.text  # its form.html, with the page's id prefix
    sent = rey.post(
        f"/review/plain-tone/annotations/{label.id}",
        data={
            "verdict": "correct",
            "tone": "neutral",
            "review-comment": "not that warm",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert sent.status_code == 303, sent.text
    with mentor.connect(world) as ws:
        [done] = ws.projects.annotations("plain-tone", annotator="ana")
    assert done.review == "correct" and done.correction == {"tone": "neutral", "note": ""}
