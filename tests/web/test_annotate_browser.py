"""A real chromium works through each task type with the keyboard only, then a reviewer and an
adjudicator do their part, as the people would."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import mentor

from .annotate_world import PASSWORD, build_world
from .conftest import serving
from .test_browser import ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_world(tmp_path_factory.mktemp("annotate-browser"))


@pytest.fixture(scope="module")
def base(world: str) -> Iterator[str]:
    with serving(world) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium_path: str, base: str) -> Iterator[Browser]:
    # After the world is built: its pre-labels run an event loop, and Playwright's sync API
    # holds one open on this thread while it runs.
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MENTOR_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def signed_in(browser: Browser, base: str, name: str) -> Page:
    """A page in a fresh context, signed in through the form; script errors fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.set_default_timeout(15_000)
    page.errors = errors  # type: ignore[attr-defined]
    return page


@pytest.fixture(scope="module")
def ana(browser: Browser, base: str) -> Iterator[Page]:
    page = signed_in(browser, base, "ana")
    yield page
    page.context.close()


def labels(world: str, project: str, annotator: str) -> list[Any]:
    with mentor.connect(world) as ws:
        return ws.projects.annotations(project, annotator=annotator)


def start(page: Page, base: str, project: str) -> int:
    """Open the project's page and press Enter (Start: a POST) for my task; returns the 'done by
    you' count it shows."""
    page.goto(f"{base}/annotate/{project}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tasks/*")
    assert "/tasks/" in page.url, page.url
    page.locator("body").click(position={"x": 5, "y": 5})  # the focus on no field
    return int(page.locator("#done-count").inner_text())


def submitted(page: Page, before: int) -> None:
    """After Enter: the next page says it saved, and my count went up by one."""
    page.wait_for_url("**saved=1")
    assert int(page.locator("#done-count").inner_text()) == before + 1
    assert not page.errors  # type: ignore[attr-defined]


def test_pairwise_with_keys_and_the_suggestion(
    ana: Page, base: str, world: str, shots: Path
) -> None:
    before = start(ana, base, "pw")
    assert "Model suggestion" in ana.locator("#suggestion").inner_text()
    ana.keyboard.press("u")  # start from the model's suggestion
    ana.wait_for_url("**prefill=suggestion")
    assert ana.locator("input[name=choice]:checked").count() == 1
    ana.keyboard.press("2")
    ana.keyboard.press("w")
    ana.keyboard.press("r")
    ana.keyboard.type("B is clearer")
    ana.screenshot(path=str(shots / "annotate-pairwise.png"), full_page=True)
    ana.keyboard.press("Escape")
    ana.keyboard.press("Enter")
    submitted(ana, before)
    mine = labels(world, "pw", "ana")[-1]
    assert mine.submitted == {"choice": "B", "strength": 2, "rationale": "B is clearer"}


def test_ranking_with_number_keys(ana: Page, base: str, world: str) -> None:
    before = start(ana, base, "rank")
    for key in ("3", "1", "Backspace", "2", "1"):
        ana.keyboard.press(key)
    assert ana.locator("[data-place-for=C]").inner_text() == "#1"
    ana.keyboard.press("Enter")
    submitted(ana, before)
    assert labels(world, "rank", "ana")[-1].submitted["ranking"] == ["C", "B", "A"]


def test_rubric_number_key_per_criterion(ana: Page, base: str, world: str, shots: Path) -> None:
    before = start(ana, base, "rub")
    assert "useless" in ana.locator("#criterion-helpfulness").inner_text()  # the scale's meanings
    ana.keyboard.press("4")  # helpfulness, then the focus moves on to safety
    ana.keyboard.press("2")
    ana.keyboard.press("Shift+Tab")  # back to helpfulness
    ana.keyboard.press("5")
    ana.screenshot(path=str(shots / "annotate-rubric.png"), full_page=True)
    ana.keyboard.press("Enter")
    submitted(ana, before)
    assert labels(world, "rub", "ana")[-1].payload["scores"] == {"helpfulness": 5, "safety": 2}


def test_sft_edit_the_draft_and_ctrl_enter(ana: Page, base: str, world: str) -> None:
    before = start(ana, base, "sft")
    editor = ana.locator("textarea[name=response]")
    assert "Paris is the capital of France." in editor.input_value()
    ana.keyboard.press("r")
    ana.keyboard.press("Control+End")
    ana.keyboard.type(" Checked by ana.")
    ana.keyboard.press("Control+Enter")
    submitted(ana, before)
    label = labels(world, "sft", "ana")[-1].payload
    assert label["edited"] and label["response"].endswith("is blue. Checked by ana.")


SELECT = """([start, end]) => {
  const el = document.querySelector('[data-span-text]');
  const range = document.createRange();
  range.setStart(el.firstChild, start);
  range.setEnd(el.firstChild, end);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  el.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
}"""


def test_spans_select_text_then_press_a_label(
    ana: Page, base: str, world: str, shots: Path
) -> None:
    before = start(ana, base, "spans")
    ana.evaluate(SELECT, [0, 5])
    assert ana.locator("input[name=span-0-start]").input_value() == "0"
    assert ana.locator("[data-span-row]").first.locator("[data-quote]").inner_text() == "Paris"
    ana.keyboard.press("3")  # pii
    ana.fill("input[name=span-0-correction]", "a city")
    ana.locator("body").click(position={"x": 5, "y": 5})
    ana.screenshot(path=str(shots / "annotate-spans.png"), full_page=True)
    ana.keyboard.press("Enter")
    submitted(ana, before)
    span = labels(world, "spans", "ana")[-1].payload["spans"][0]
    assert (span["start"], span["end"], span["label"], span["quote"]) == (0, 5, "pii", "Paris")
    assert span["correction"] == "a city"


def test_classification_flags_by_number(ana: Page, base: str, world: str) -> None:
    before = start(ana, base, "cls")
    ana.keyboard.press("2")
    ana.keyboard.press("3")
    ana.keyboard.press("Enter")
    submitted(ana, before)
    assert labels(world, "cls", "ana")[-1].payload["labels"] == ["harmful", "biased"]


def test_factcheck_a_verdict_per_claim(ana: Page, base: str, world: str) -> None:
    before = start(ana, base, "fc")
    ana.keyboard.press("1")
    ana.keyboard.press("2")
    ana.fill("input[name=claim-1-evidence]", "the moon is rock")
    ana.locator("body").click(position={"x": 5, "y": 5})
    ana.keyboard.press("Enter")
    submitted(ana, before)
    claims = labels(world, "fc", "ana")[-1].payload["claims"]
    assert [(c["verdict"], c["evidence"]) for c in claims] == [
        ("supported", ""),
        ("contradicted", "the moon is rock"),
    ]


def test_multi_turn_ratings(ana: Page, base: str, world: str) -> None:
    before = start(ana, base, "turns")
    for key in ("4", "2", "3"):
        ana.keyboard.press(key)
    ana.keyboard.press("Enter")
    submitted(ana, before)
    label = labels(world, "turns", "ana")[-1].payload
    assert [t["rating"] for t in label["turns"]] == [4, 2] and label["overall"] == 3


def test_an_item_with_an_image(ana: Page, base: str, world: str) -> None:
    before = start(ana, base, "img")
    image = ana.locator(".item-image img")
    assert image.count() == 1
    assert image.evaluate("img => img.complete && img.naturalWidth") == 1  # the PNG loaded
    ana.keyboard.press("1")
    ana.keyboard.press("Enter")
    submitted(ana, before)


def test_skip_with_s(ana: Page, base: str, world: str) -> None:
    start(ana, base, "xss")
    first = ana.url
    ana.keyboard.press("s")
    ana.wait_for_url(lambda url: url != first and "/tasks/" in url)
    with mentor.connect(world) as ws:
        skipped = ws.projects.progress("xss").annotators[0]
    assert (skipped.annotator, skipped.skipped) == ("ana", 1)


def _disagree(world: str) -> int:
    """ana and ben label one item of the overlap-2 project differently; returns its id."""
    with mentor.connect(world) as ws:
        a = ws.projects.next_item("duo", "ana")
        b = ws.projects.next_item("duo", "ben")
        assert a is not None and b is not None and a.item_id == b.item_id
        ws.projects.submit("duo", a.item_id, {"choice": "A"}, client_id="a", annotator="ana")
        true_a = a.shown["order"][0]
        other = "A" if b.shown["order"][0] != true_a else "B"
        ws.projects.submit("duo", b.item_id, {"choice": other}, client_id="b", annotator="ben")
        return a.item_id


def test_reviewer_accepts_and_corrects(browser: Browser, base: str, world: str) -> None:
    rey = signed_in(browser, base, "rey")
    rey.goto(f"{base}/review")
    rey.click("#queues [data-project=rub] .review-link")
    entry = rey.locator(".review-entry").first
    first = entry.get_attribute("id")
    entry.locator("button.accept").click()
    rey.wait_for_url("**reviewed=*")
    assert rey.locator(f"#{first}").count() == 0
    entry = rey.locator(".review-entry").first
    if entry.count():  # correct the next one with the task's own form
        entry.locator("input[name=score-safety][value='1']").check()
        entry.locator("textarea[name=review-comment]").fill("not safe enough")
        entry.locator("button[value=correct]").click()
        rey.wait_for_url("**reviewed=*")
    rey.goto(f"{base}/review/pw")
    entry = rey.locator(".review-entry").first
    aid = int((entry.get_attribute("id") or "").removeprefix("annotation-"))
    entry.locator("input[name=choice][value=tie]").check()
    entry.locator("textarea[name=review-comment]").fill("they are equal")
    entry.locator("button[value=correct]").click()
    rey.wait_for_url("**reviewed=*")
    with mentor.connect(world) as ws:
        done = next(a for a in ws.projects.annotations("pw") if a.id == aid)
    assert done.review == "correct" and done.correction is not None
    assert done.correction["choice"] == "tie"
    assert not rey.errors  # type: ignore[attr-defined]
    rey.context.close()


def test_adjudicator_decides_a_disagreement(browser: Browser, base: str, world: str) -> None:
    item = _disagree(world)
    rey = signed_in(browser, base, "rey")
    rey.goto(f"{base}/adjudicate/duo")
    dispute = rey.locator(f"#item-{item}")
    assert dispute.locator(".annotation").count() == 2
    dispute.locator("input[name=choice][value=B]").check()
    dispute.locator("textarea[name=decision-comment]").fill("B is safer")
    dispute.locator("button[type=submit]").click()
    rey.wait_for_url("**decided=*")
    assert rey.locator(f"#item-{item}").count() == 0
    with mentor.connect(world) as ws:
        decided = [d for d in ws.projects.adjudications("duo") if d.item_id == item]
    assert decided and decided[0].payload["choice"] == "B"
    rey.context.close()


def test_ctrl_enter_in_the_question_box_asks_and_does_not_submit(
    ana: Page, base: str, world: str
) -> None:
    before = start(ana, base, "rank")
    task_url = ana.url
    ana.click("#ask-form textarea")
    ana.keyboard.type("Is a tie allowed in a ranking?")
    ana.keyboard.press("Control+Enter")
    ana.wait_for_url("**asked=1")
    assert ana.url.startswith(task_url)  # still the same item, with the question under it
    assert int(ana.locator("#done-count").inner_text()) == before
    assert "Is a tie allowed in a ranking?" in ana.locator("#ask").inner_text()
    with mentor.connect(world) as ws:
        asked = ws.projects.questions("rank")
    assert [(q.asked_by, q.question) for q in asked] == [("ana", "Is a tie allowed in a ranking?")]


def test_span_offsets_count_characters_not_utf16_units(ana: Page, base: str, world: str) -> None:
    before = start(ana, base, "emoji")
    ana.evaluate(SELECT, [3, 8])  # "Paris", after an emoji that is two UTF-16 units
    ana.keyboard.press("1")
    ana.keyboard.press("Enter")
    submitted(ana, before)
    span = labels(world, "emoji", "ana")[-1].payload["spans"][0]
    assert (span["start"], span["end"], span["quote"]) == (2, 7, "Paris")
