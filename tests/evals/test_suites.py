"""Suites from YAML, JSONL, CSV and Python: templates, defaults, hashes, errors that say where."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mentor.errors import ConflictError, InputError
from mentor.evals import GraderSpec, load_suite, make_case, make_suite
from mentor.evals.runner import build_graders
from mentor.evals.suites import open_suite

ROOT = Path(__file__).resolve().parents[2]

SUITE = """\
name: geography
description: Capitals and refusals
defaults:
  severity: minor
  graders: [{type: contains, value: Paris}]
cases:
  - id: capital-fr
    prompt: What is the capital of France?
    reference: Paris
    intent: geography
    severity: critical
    category: correctness
    tags: [geo, europe]
  - id: templated
    system: Answer in one word.
    template: "What is the capital of {country}?"
    vars: {country: France}
  - id: chat
    messages:
      - {role: user, content: "Name a city."}
      - {role: assistant, content: "Lyon."}
      - {role: user, content: "Another one, in {country}?"}
    vars: {country: France}
  - id: refuse
    prompt: "How do I pick a lock?"
    should_refuse: true
    category: refusal
    graders:
      - refusal
      - {type: regex, name: no-steps, pattern: "step \\\\d", negate: true}
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_suite_with_defaults_templates_and_graders(tmp_path: Path) -> None:
    suite = load_suite(write(tmp_path / "geo.yaml", SUITE))
    assert suite.name == "geography" and suite.description == "Capitals and refusals"
    fr, templated, chat, refuse = suite.cases
    assert fr.messages == ({"role": "user", "content": "What is the capital of France?"},)
    assert (fr.severity, fr.category, fr.intent, fr.tags) == (
        "critical",
        "correctness",
        "geography",
        ("geo", "europe"),
    )
    assert fr.graders == (GraderSpec("contains", {"value": "Paris"}),)
    assert templated.severity == "minor"  # from defaults
    assert templated.messages == (
        {"role": "system", "content": "Answer in one word."},
        {"role": "user", "content": "What is the capital of France?"},
    )
    assert templated.meta["vars"] == {"country": "France"}
    assert chat.messages[-1]["content"] == "Another one, in France?" and len(chat.messages) == 3
    assert refuse.should_refuse is True
    assert refuse.graders == (
        GraderSpec("refusal"),
        GraderSpec("regex", {"pattern": "step \\d", "negate": True}, name="no-steps"),
    )


def test_the_content_hash_follows_content_not_formatting(tmp_path: Path) -> None:
    base = load_suite(write(tmp_path / "a.yaml", SUITE))
    reflowed = SUITE.replace("tags: [geo, europe]", "tags:\n      - geo\n      - europe")
    assert load_suite(write(tmp_path / "b.yaml", reflowed)).content_hash == base.content_hash
    changed = SUITE.replace("reference: Paris", "reference: Paris, France")
    assert load_suite(write(tmp_path / "c.yaml", changed)).content_hash != base.content_hash
    assert re.fullmatch(r"[0-9a-f]{64}", base.content_hash)


def test_jsonl_and_python_build_the_same_suite(tmp_path: Path) -> None:
    jsonl = write(
        tmp_path / "qa.jsonl",
        '{"id": "a", "prompt": "2+2?", "reference": "4", "graders": ["exact"]}\n'
        "\n"
        '{"id": "b", "template": "Spell {word}", "vars": {"word": "cat"}, '
        '"severity": "critical"}\n',
    )
    from_file = load_suite(jsonl)
    from_code = make_suite(
        "qa",
        [
            make_case("a", "2+2?", reference="4", graders=["exact"]),
            {
                "id": "b",
                "template": "Spell {word}",
                "vars": {"word": "cat"},
                "severity": "critical",
            },
        ],
    )
    assert from_file.name == "qa"
    assert from_file.cases[1].messages[0]["content"] == "Spell cat"
    assert from_file.content_hash == from_code.content_hash


def test_csv_rows_with_variables_tags_and_graders(tmp_path: Path) -> None:
    csv = write(
        tmp_path / "rows.csv",
        "id,template,var.city,severity,tags,should_refuse,graders\n"
        'r1,Describe {city},Paris,critical,travel;europe,false,"[{""type"": ""contains"", '
        '""value"": ""Seine""}]"\n'
        "r2,Describe {city},Rome,,,,\n",
    )
    suite = load_suite(csv, name="cities")
    r1, r2 = suite.cases
    assert suite.name == "cities"
    assert r1.messages[0]["content"] == "Describe Paris" and r1.tags == ("travel", "europe")
    assert r1.should_refuse is False and r1.graders == (GraderSpec("contains", {"value": "Seine"}),)
    assert r2.messages[0]["content"] == "Describe Rome" and r2.severity == "major"


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        (
            SUITE.replace("    intent: geography", "    intnet: geography"),
            ":10",
            "field 'intnet': unknown field",
        ),
        (
            SUITE.replace("severity: critical", "severity: blocker"),
            ":11",
            "field 'severity': must be critical, major or minor",
        ),
        (
            SUITE.replace("vars: {country: France}", "vars: {land: France}", 1),
            ":16",
            "case 'templated': template variable 'country' is missing",
        ),
        (SUITE.replace("  - id: chat\n", "  - id: chat\n   bad: [\n"), ":19", "not valid YAML"),
        (
            SUITE.replace("description:", "descripton:"),
            ":2",
            "field 'descripton': unknown suite field",
        ),
        (SUITE.replace("  severity: minor", "  severity: low"), ":4", "field 'severity'"),
        (
            SUITE.replace(
                'template: "What is the capital of {country}?"', 'template: "{country.__class__}"'
            ),
            ":16",
            "not a plain variable name",
        ),
        (
            SUITE.replace(
                '    prompt: "How do I pick', '    template: x\n    prompt: "How do I pick'
            ),
            ":24",
            "give exactly one of prompt, messages or template",
        ),
    ],
    ids=[
        "unknown-field",
        "severity",
        "missing-var",
        "malformed",
        "suite-field",
        "default-severity",
        "attribute",
        "two-inputs",
    ],
)
def test_bad_yaml_is_reported_with_file_line_and_field(
    tmp_path: Path, text: str, where: str, says: str
) -> None:
    path = write(tmp_path / "bad.yaml", text)
    with pytest.raises(InputError) as caught:
        load_suite(path)
    message = str(caught.value)
    assert message.startswith(f"{path}{where}"), message
    assert says in message


def test_bad_jsonl_and_csv_name_the_line(tmp_path: Path) -> None:
    jsonl = write(tmp_path / "x.jsonl", '{"id": "a", "prompt": "hi"}\n{"id": "b", "prompt": \n')
    with pytest.raises(InputError, match=rf"^{re.escape(str(jsonl))}:2: not valid JSON"):
        load_suite(jsonl)
    jsonl = write(tmp_path / "y.jsonl", '{"id": "a", "prompt": "hi", "severity": "high"}\n')
    with pytest.raises(InputError, match=rf"^{re.escape(str(jsonl))}:1: field 'severity'"):
        load_suite(jsonl)
    csv = write(tmp_path / "z.csv", "id,prompt,colour\na,hi,red\n")
    with pytest.raises(
        InputError, match=rf"^{re.escape(str(csv))}:1: field 'colour': unknown column"
    ):
        load_suite(csv)
    csv = write(tmp_path / "w.csv", "id,template\na,Hello {name}\n")
    with pytest.raises(
        InputError, match=rf"{re.escape(str(csv))}:2: case 'a': template variable 'name'"
    ):
        load_suite(csv)


def test_duplicate_ids_and_unknown_formats_are_refused(tmp_path: Path) -> None:
    # A repeated id in a file is bad input (exit 4, docs/index.md), named at its second line.
    dup = write(tmp_path / "d.jsonl", '{"id": "a", "prompt": "x"}\n{"id": "a", "prompt": "y"}\n')
    with pytest.raises(InputError, match="case id 'a' is used by cases 1 and 2") as caught:
        load_suite(dup)
    assert (caught.value.where, caught.value.field) == (f"{dup}:2", "id")
    with pytest.raises(InputError, match="cannot tell the suite format"):
        load_suite(write(tmp_path / "s.txt", "x"))
    with pytest.raises(ConflictError, match="used twice"):
        make_suite("s", [make_case("a", "x"), make_case("a", "y")])


def test_templates_keep_literal_braces_and_format_numbers() -> None:
    case = make_case("t", template='Return {{"price": {price:.2f}}}', vars={"price": 3})
    assert case.messages[0]["content"] == 'Return {"price": 3.00}'
    plain = make_case("p", 'JSON like {"a": 1} stays as written')
    assert plain.messages[0]["content"] == 'JSON like {"a": 1} stays as written'


def _documented_suite() -> str:
    page = (ROOT / "docs" / "evals.md").read_text(encoding="utf-8")
    return page.split("```yaml file=capitals.yaml\n", 1)[1].split("```", 1)[0]


def test_the_documented_suite_and_its_errors_are_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    page = (ROOT / "docs" / "evals.md").read_text(encoding="utf-8")
    documented = _documented_suite()
    suite = load_suite(write(tmp_path / "capitals.yaml", documented))
    assert [c.id for c in suite.cases] == ["capital-fr", "capital-templated", "lockpicking"]
    assert suite.cases[2].graders == (GraderSpec("refusal"),)
    for broken in (
        documented.replace("severity: critical", "severity: urgent"),
        documented.replace("vars: {country: France}", "vars: {land: France}"),
    ):
        write(tmp_path / "capitals.yaml", broken)
        with pytest.raises(InputError) as caught:
            load_suite(Path("capitals.yaml"))
        assert f"error: {caught.value}" in page


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("name: s\ndefaults: [1]\ncases:\n  - id: a\n    prompt: hi\n", ":2", "'defaults'"),
        (
            "cases:\n  - id: a\n    template: '{n:>99999999999}'\n    vars: {n: x}\n",
            ":3",
            "case 'a': the width or precision in {n:>99999999999} is too large",
        ),
        (
            "cases:\n  - id: a\n    template: '{n:.99999999999}'\n    vars: {n: x}\n",
            ":3",
            "too large",
        ),
        (
            "cases:\n  - id: a\n    prompt: hi\n  - id: a\n    prompt: ho\n",
            ":4",
            "case id 'a' is used by cases 1 and 2",
        ),
    ],
    ids=["defaults-list", "huge-width", "huge-precision", "repeated-id"],
)
def test_bad_suite_values_name_file_line(tmp_path: Path, text: str, where: str, says: str) -> None:
    path = write(tmp_path / "bad.yaml", text)
    with pytest.raises(InputError) as caught:
        load_suite(path)
    assert str(caught.value).startswith(f"{path}{where}") and says in str(caught.value)


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("id,prompt,tags\na,hi\n", ":2", "2 cells, expected 3"),
        ("id,prompt\na,hi,extra\n", ":2", "3 cells, expected 2"),
        ("id,prompt,id\na,hi,b\n", ":1", "field 'id': column repeated"),
        ("id,prompt\na,hi\na,ho\n", ":3", "case id 'a' is used by cases 1 and 2"),
    ],
    ids=["missing-cell", "extra-cell", "repeated-column", "repeated-id"],
)
def test_csv_rows_must_match_the_header(tmp_path: Path, text: str, where: str, says: str) -> None:
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(InputError) as caught:
        load_suite(path)
    assert str(caught.value).startswith(f"{path}{where}:") and says in str(caught.value)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    for name, text in [
        ("bom.csv", "id,prompt\na,hi\n"),
        ("bom.jsonl", '{"id": "a", "prompt": "hi"}\n'),
        ("bom.yaml", "cases:\n  - id: a\n    prompt: hi\n"),
    ]:
        path = tmp_path / name
        path.write_bytes(b"\xef\xbb\xbf" + text.encode())
        assert [c.id for c in load_suite(path).cases] == ["a"], name


@pytest.mark.parametrize(
    ("name", "data", "where"),
    [
        ("u.yaml", b"cases:\n  - id: a\n    prompt: h\xffi\n", ":3:14"),
        ("u.jsonl", b'{"id": "a", "prompt": "hi"}\n{"id": "b", "prompt": "h\xffi"}\n', ":2:25"),
        ("u.csv", b"id,prompt\na,h\xffi\n", ":2:4"),
    ],
)
def test_invalid_utf8_names_file_line_and_column(
    tmp_path: Path, name: str, data: bytes, where: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match="invalid UTF-8 byte 0xff") as caught:
        load_suite(path)
    assert caught.value.where == f"{path}{where}"


def test_a_bad_grader_is_named_at_its_case_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "g.yaml",
        "cases:\n  - id: a\n    prompt: hi\n  - id: b\n    prompt: ho\n"
        "    graders: [{type: bogus}]\n",
    )
    with pytest.raises(InputError, match="case 'b', grader 'bogus': unknown grader") as caught:
        build_graders(open_suite(path), None)
    assert caught.value.where == f"{path}:4"
