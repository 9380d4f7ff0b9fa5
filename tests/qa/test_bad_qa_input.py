"""Bad options, output paths, names and config files for `qa scan`, `qa fix` and `qa gate`:
one error naming the flag or file:line, and nothing half-written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor.errors import InputError
from mentor.qa import registry
from mentor.qa.fix import FixOptions, fix_version
from mentor.qa.report import write_html
from mentor.qa.summary import Summary
from tests.qa.corpus import sft, write_jsonl


@pytest.mark.parametrize(
    ("check", "options", "expected"),
    [
        ("lint", {"max_chars": "abc"}, "a whole number (or null for none), got 'abc'"),
        ("lint", {"truncation_min_chars": 2.5}, "a whole number, got 2.5"),
        ("near-dup", {"threshold": "abc"}, "a number, got 'abc'"),
        ("exact-dup", {"casefold": 3}, "true or false, got 3"),
        ("pii", {"ner": "yes please"}, "true or false, got 'yes please'"),
    ],
)
def test_an_option_of_the_wrong_type_names_the_option_and_the_type(
    check: str, options: dict[str, Any], expected: str
) -> None:
    key = next(iter(options))
    with pytest.raises(InputError) as caught:
        registry.build(check, options)
    assert caught.value.where == f"--option {check}.{key}"
    assert f"expected {expected}" in str(caught.value)


def test_options_of_the_right_type_still_build() -> None:
    registry.build("lint", {"max_chars": None, "bytes_per_token": 3, "ignore": "too-long"})
    registry.build("near-dup", {"threshold": 1, "seed": 2})
    registry.build("exact-dup", {"casefold": False})


def test_an_html_report_into_a_folder_is_refused_before_the_scan_and_leaves_nothing(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    data = write_jsonl(tmp_path / "d.jsonl", [sft("a", "hi there", "hello, how can I help?")])
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        sqlite_ws.qa.scan(str(data), checks="lint", html=folder, executor="serial")
    assert caught.value.where == "--html" and "is a folder" in str(caught.value)
    with pytest.raises(InputError, match=r"--html: .* is a folder"):
        write_html(Summary("d.jsonl", 0, (), {}, {}, {}, {}, {}, {}), folder)
    assert not [p.name for p in tmp_path.iterdir() if "partial" in p.name]
    assert list(folder.iterdir()) == []


def test_a_bad_dataset_name_for_fix_names_into(sqlite_ws: mentor.Workspace) -> None:
    with pytest.raises(InputError) as caught:
        fix_version(sqlite_ws.engine, "x@v1", FixOptions(dedup=True, into="bad name"), "tester")
    assert caught.value.where == "--into" and "'bad name' is not a usable dataset name" in str(
        caught.value
    )


def test_a_gate_config_that_is_not_utf8_names_the_line(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    config = tmp_path / "gate.yaml"
    config.write_bytes(b"max_defect_rate: 0.1\n# caf\xe9\n")
    with pytest.raises(InputError, match=rf"{config}:2:6: invalid UTF-8 byte 0xe9"):
        sqlite_ws.qa.gate("anything", config=config)
