"""The HTML pages, fetched over real HTTP from a running server."""

from __future__ import annotations

import re

import httpx
import pytest


@pytest.fixture(scope="module")
def client(viewer: httpx.Client) -> httpx.Client:
    return viewer


def _records(html: str) -> int:
    return html.count('<article class="record"')


def test_home_lists_every_dataset_with_its_newest_version(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Mentor is a workbench for the people who train large language models" in page.text
    for name in (
        "harmless-mix",
        "helpfulness-ratings",
        "hh-harmless",
        "instructions",
        "response-rankings",
        "safety-prefs",
        "xss-payloads",
    ):
        assert f'href="/datasets/{name}"' in page.text
    row = re.search(r'<a href="/datasets/hh-harmless">.*?</tr>', page.text, re.S)
    assert row is not None
    assert "Anthropic HH-RLHF harmless-base, test split" in row.group()
    assert 'href="/datasets/hh-harmless/v/2"' in row.group() and ">662<" in row.group()
    assert "670 preference" in page.text  # harmless-mix@v1


def test_dataset_page_tables_its_versions_with_parents(client: httpx.Client) -> None:
    page = client.get("/datasets/hh-harmless")
    assert page.status_code == 200
    assert ">2,312<" in page.text and ">662<" in page.text
    assert "filter" in page.text and "import" in page.text
    assert page.text.count('href="/datasets/hh-harmless/v/1"') >= 2  # its row and v2's parent
    assert "db9843c25389" in page.text  # short content hash of v1
    assert "diff?old=v1&amp;new=v2" in page.text


def test_version_page_shows_facts_sources_and_a_first_page_of_records(
    client: httpx.Client,
) -> None:
    page = client.get("/datasets/hh-harmless/v/1")
    assert page.status_code == 200
    text = page.text
    assert "db9843c2538940871b5099920d2b4e74f7cb419500f221d04c984bf7be7b9f3c" in text
    assert "2,312 (2,312 preference)" in text
    assert "ebfaaed21162a4de120ae85366075b34425e2a6303fac59b99555002f7016f03" in text
    assert 'href="/datasets/hh-harmless/v/1/lineage"' in text
    assert 'href="/datasets/hh-harmless/v/1/datasheet"' in text
    assert "Page 1 of 116" in text
    assert _records(text) == 20
    assert text.count('<section class="chosen">') == 20


def test_the_last_page_holds_the_remaining_records(client: httpx.Client) -> None:
    page = client.get("/datasets/hh-harmless/v/1", params={"page": 116})
    assert page.status_code == 200
    assert _records(page.text) == 2312 - 115 * 20
    assert 'rel="next"' not in page.text and 'rel="prev"' in page.text


def test_latest_is_the_newest_version(client: httpx.Client) -> None:
    page = client.get("/datasets/hh-harmless/v/latest")
    assert page.status_code == 200 and "<h1>hh-harmless@v2</h1>" in page.text


def test_a_merged_version_links_both_parents_and_diffs(client: httpx.Client) -> None:
    text = client.get("/datasets/harmless-mix/v/1").text
    assert 'href="/datasets/hh-harmless/v/2"' in text
    assert 'href="/datasets/safety-prefs/v/1"' in text
    assert "diff?old=hh-harmless@v2&amp;new=v1" in text
    assert "single-turn HH pairs plus hand-written refusal" in text  # the note


def test_chats_show_role_labels_and_render_markdown(client: httpx.Client) -> None:
    text = client.get("/datasets/instructions/v/1").text
    for role in ("system", "user", "assistant"):
        assert f'<div class="msg role-{role}">' in text
    assert "<code>items[::-1]</code>" in text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/datasets/response-rankings/v/1", "Rank 1 · response 1"),
        ("/datasets/helpfulness-ratings/v/1", "<dt>helpfulness</dt>"),
    ],
)
def test_rankings_and_ratings_render_their_own_way(
    client: httpx.Client, path: str, expected: str
) -> None:
    page = client.get(path)
    assert page.status_code == 200 and expected in page.text


def test_lineage_page_draws_the_two_parent_merge(client: httpx.Client) -> None:
    text = client.get("/datasets/harmless-mix/v/1/lineage").text
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert svg.count('<g class="node') == 6  # 2 source files, 4 versions
    assert svg.count('<path class="edge"') == 5
    assert svg.count('data-target="harmless-mix@v1"') == 2
    assert "merge · 670 records" in svg
    assert "ebfaaed21162a4de120ae85366075b34425e2a6303fac59b99555002f7016f03" in text  # node table


def test_datasheet_page_renders_the_stored_markdown(client: httpx.Client) -> None:
    text = client.get("/datasets/hh-harmless/v/1/datasheet").text
    assert "<h1>Datasheet: hh-harmless@v1</h1>" in text
    assert "<h2>Known limitations</h2>" in text
    assert '<td class="align-right">2,312</td>' in text


def test_datasheet_page_says_how_to_write_a_missing_one(client: httpx.Client) -> None:
    page = client.get("/datasets/xss-payloads/v/1/datasheet")
    assert page.status_code == 200
    assert "mentor datasets datasheet xss-payloads@v1" in page.text


def test_diff_page_counts_what_a_filter_removed(client: httpx.Client) -> None:
    page = client.get("/datasets/hh-harmless/diff", params={"old": "v1", "new": "v2"})
    assert page.status_code == 200
    assert '<td class="num removed">1,650</td>' in page.text
    assert '<td class="num added">0</td>' in page.text
    assert "first 50 of 1,650" in page.text
    assert "<code>he26fa03e9d6b4923</code>" in page.text


def test_diff_page_without_versions_offers_a_form(client: httpx.Client) -> None:
    page = client.get("/datasets/hh-harmless/diff")
    assert page.status_code == 200 and '<input name="old"' in page.text


def test_audit_page_lists_events_and_filters_by_object(client: httpx.Client) -> None:
    text = client.get("/audit").text
    assert "version.export" in text and "datasheet.create" in text
    one = client.get("/audit", params={"object": "harmless-mix@v2"}).text
    assert "version.export" in one
    assert "instructions@v1" not in one.split("<table", 1)[1]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/datasets/nope", 404, "no dataset named &#39;nope&#39;; datasets here: harmless-mix"),
        ("/datasets/hh-harmless/v/9", 404, "hh-harmless has no version 9; it has v1..v2"),
        ("/datasets/nope/v/1/lineage", 404, "no dataset named"),
        ("/datasets/hh-harmless/v/x", 400, "is not a version reference"),
        ("/datasets/hh-harmless/v/1?page=0", 400, "page"),
        ("/datasets/hh-harmless/v/1?page=117", 400, "there is no page 117"),
        ("/datasets/hh-harmless/diff?old=v1&new=v7", 404, "hh-harmless has no version 7"),
        ("/no/such/page", 404, "there is no page at /no/such/page"),
    ],
)
def test_errors_are_pages_with_the_sdk_message(
    client: httpx.Client, path: str, status: int, message: str
) -> None:
    page = client.get(path)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert message in page.text
    assert "Traceback" not in page.text


def test_pages_run_only_mentors_own_scripts(client: httpx.Client) -> None:
    response = client.get("/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["cache-control"] == "no-store"


def test_stylesheet_is_served(client: httpx.Client) -> None:
    css = client.get("/static/mentor.css")
    assert css.status_code == 200 and "svg.lineage" in css.text
