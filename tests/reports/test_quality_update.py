"""The Model Quality Update as a stakeholder reads it: what improved and regressed with
intervals, top errors with examples, escapes, judge caveats and next actions; byte-identical
when regenerated; `--since` choosing the period; people's edits to the next actions kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from statsmodels.stats.proportion import proportion_confint

import mentor
from mentor.errors import InputError
from mentor.reports.edits import END, START
from mentor.reports.render import stylesheet
from tests.analysis.runs import TAXONOMY, make_runs, write
from tests.conftest import run_cli
from tests.web.eval_world import build_eval_world


def _tracked(ws: mentor.Workspace, tmp_path: Path) -> list[int]:
    ids = make_runs(ws, tmp_path)
    ws.analysis.set_taxonomy("mini", write(tmp_path, "t.yaml", TAXONOMY))
    for run_id in ids:
        ws.analysis.tag_rules(run_id)
    return ids


def _wilson(k: int, n: int) -> str:
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return f"{k}/{n} = {k / n:.1%} [{low:.1%}, {high:.1%}]"


def _section(md: str, title: str) -> str:
    start = md.index(title)
    found = re.search(r"^#{1,3} ", md[start + len(title) :], re.M)
    return md[start : start + len(title) + (found.start() if found else len(md))]


def test_the_update_shows_changes_top_errors_escapes_and_actions(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    first, second, third = _tracked(ws, tmp_path)
    report = ws.reports.quality_update()
    [suite] = report.suites
    assert (suite.suite, suite.latest.id, suite.baseline and suite.baseline.id) == (
        "mini",
        third,
        first,
    )
    assert [r.id for r in suite.runs] == [first, second, third]
    md = ws.reports.markdown(report)
    assert md.startswith("# Model Quality Update\n")
    # The pass rate of the newest run with its Wilson interval (statsmodels agrees), and the
    # paired change against the baseline (run 1 failed everything; run 3 passes 2 of 4).
    assert f"| `mini` | 3 | #{third} replay:answers3.jsonl | {_wilson(2, 4)} |" in md
    improved = _section(md, "### What improved and regressed")
    assert f"| pass-rate ↑ | {_wilson(0, 4)} | {_wilson(2, 4)} |" in improved
    assert "| +50.0 pp | improved |" in improved
    assert "Fixed: `bomb`, `data`." in md
    errors = _section(md, "### Top errors")
    assert "From taxonomy mini@v1" in errors
    assert f"| `over-refusal` | regressed | {_wilson(1, 4)} | +25.0 pp |" in errors
    assert "- `cake` (major): “I won't help with that request.”" in errors
    assert "- `capital` (major): “It is Lyon.” — contains: missing 'Paris'" in errors
    escapes = _section(md, "### Regression escapes")
    assert f"| `cake` | #{first} | #{second} | #{third} | over-refusal |" in escapes
    actions = md[md.index(START) : md.index(END)]
    assert "error category `wrong-fact` is regressed" in actions
    assert f"case `capital` failed again in run #{third} after run #{second} fixed it" in actions
    assert "Every judge behind these runs is calibrated" in md


def test_regenerating_from_the_same_store_gives_the_same_bytes(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    _tracked(ws, tmp_path)
    first = ws.reports.write(
        ws.reports.quality_update(), markdown=tmp_path / "a.md", html=tmp_path / "a.html"
    )
    again = ws.reports.write(
        ws.reports.quality_update(), markdown=tmp_path / "b.md", html=tmp_path / "b.html"
    )
    for one, two in zip(first, again, strict=True):
        assert one.read_bytes() == two.read_bytes()
    html = first[1].read_text(encoding="utf-8")
    # One file: the stylesheet inline, charts as inline SVG, nothing fetched, nothing run.
    assert f"<style>\n{stylesheet()}</style>" in html
    assert html.count("<svg") >= 3 and "<script" not in html and "<link" not in html
    assert set(re.findall(r"(?:src|href)=\"(?!#)([^\"]*)", html)) == set()
    assert set(re.findall(r"https?://[^\"' ]+", html)) == {"http://www.w3.org/2000/svg"}


def test_since_a_run_or_a_date_chooses_the_period(ws: mentor.Workspace, tmp_path: Path) -> None:
    first, second, third = _tracked(ws, tmp_path)
    report = ws.reports.quality_update(since=str(second))
    [suite] = report.suites
    # Only run 3 is after run 2; run 2 (all passing) is the baseline: two regressions.
    assert [r.id for r in suite.runs] == [third] and suite.baseline is not None
    assert suite.baseline.id == second
    assert [e.case_id for e in suite.regressions] == ["cake", "capital"]
    md = ws.reports.markdown(report)
    assert f"Period: since run #{second} (mini, replay:answers2.jsonl): 1 run(s)" in md
    assert "| `capital` | major | It is Lyon. | contains: missing 'Paris' |" in md
    assert "review the 2 case(s) that regressed" in md
    later = ws.reports.quality_update(since="2999-01-01")
    assert later.suites == () and "No evaluation run in this period." in ws.reports.markdown(later)
    everything = ws.reports.quality_update(since="2000-01-01")
    assert [r.id for r in everything.suites[0].runs] == [first, second, third]
    with pytest.raises(InputError, match="neither a date") as err:
        ws.reports.quality_update(since="last week")
    assert err.value.where == "--since"


def test_edited_next_actions_survive_regeneration(ws: mentor.Workspace, tmp_path: Path) -> None:
    _tracked(ws, tmp_path)
    report = ws.reports.quality_update()
    [path] = ws.reports.write(report, markdown=tmp_path / "update.md")
    text = path.read_text(encoding="utf-8")
    edited = text.replace(
        text[text.index(START) + len(START) : text.index(END)],
        "\n- [ ] Ana: write 5 over-refusal cases | by Friday\n",
    )
    path.write_text(edited, encoding="utf-8")
    again = ws.reports.markdown(report, keep_edits=path)
    assert again == edited  # the edits kept, everything else regenerated as it was
    html = ws.reports.html(report, keep_edits=path)
    assert "Ana: write 5 over-refusal cases | by Friday" in html
    plain = write(tmp_path, "plain.md", "# notes\n\nno block here\n")
    with pytest.raises(InputError, match="next-actions") as err:
        ws.reports.markdown(report, keep_edits=plain)
    assert err.value.where == f"{plain}:1"


def test_uncalibrated_judges_are_caveats_and_suggested_actions(tmp_path: Path) -> None:
    world = build_eval_world(tmp_path)
    with mentor.connect(world.url) as ws:
        report = ws.reports.quality_update()
        md = ws.reports.markdown(report)
    [caveat] = report.caveats
    assert (caveat.judge, caveat.runs, caveat.calibration) == (
        "llm-judge",
        (world.candidate,),
        "never calibrated",
    )
    assert "| `llm-judge` | #" in md and "has no calibration against people" in md
    assert "Calibrate judge `llm-judge` against people" in md
    # A critical case regressed (bomb): named among the cases to review.
    assert "(critical: `bomb`)" in md


def test_the_cli_writes_markdown_and_html_and_prints_markdown(db_url: str, tmp_path: Path) -> None:
    with mentor.connect(db_url) as ws:
        _, second, _ = _tracked(ws, tmp_path)
    out, html = tmp_path / "u.md", tmp_path / "u.html"
    done = run_cli(
        "report", "quality-update", "--since", str(second), "--out", str(out),
        "--html", str(html), db=db_url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("# Model Quality Update")
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
    printed = run_cli("report", "quality-update", "--since", str(second), db=db_url)
    assert printed.returncode == 0 and printed.stdout == out.read_text(encoding="utf-8")
    bad = run_cli("report", "quality-update", "--since", "yesterday", db=db_url)
    assert bad.returncode != 0 and "--since" in bad.stderr
