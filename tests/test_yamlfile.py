"""YAML people write is plain YAML: an anchor or alias (the "billion laughs" that held the
server for tens of seconds) is refused at once, naming file, line and column, wherever Mentor
reads YAML; plain YAML reads as before."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from mentor import yamlfile
from mentor.datasets.datasheet import load_notes
from mentor.datasets.maps import from_file
from mentor.errors import InputError
from mentor.evals.gates import parse_gate
from mentor.evals.suites import load_suite
from mentor.qa.checks.coverage import read_priorities
from mentor.qa.gate import load_thresholds
from mentor.qa.registry import parse_options
from tests.conftest import run_cli


def laughs(width: int = 9, depth: int = 7) -> str:
    """`depth` levels of `width` aliases of the level below: width**depth strings."""
    names = "abcdefghij"
    lines = [f"a: &a [{','.join(['lol'] * width)}]"]
    for level in range(1, depth):
        below = names[level - 1]
        lines.append(f"{names[level]}: &{names[level]} [{','.join([f'*{below}'] * width)}]")
    return "\n".join(lines) + f"\nconditions: *{names[depth - 1]}\n"


BOMB: Final = laughs()
REFUSED: Final = "YAML anchors and aliases are not accepted"


def test_the_billion_laughs_is_refused_at_once_naming_the_place() -> None:
    assert len(BOMB) < 300
    started = time.monotonic()
    with pytest.raises(InputError, match=REFUSED) as refused:
        yamlfile.load(BOMB, "gate.yaml")
    assert time.monotonic() - started < 1
    assert refused.value.where == "gate.yaml:1:4"  # the first anchor, &a
    assert "found anchor &a" in str(refused.value)


def test_an_alias_alone_and_a_merge_key_are_refused_too() -> None:
    with pytest.raises(InputError, match=r"<yaml>:2:4: .*found alias \*a"):
        yamlfile.load("x: 1\ny: *a\n")
    with pytest.raises(InputError, match="found anchor &base"):
        yamlfile.load("base: &base {a: 1}\nother:\n  <<: *base\n")
    with pytest.raises(InputError, match=REFUSED):
        yamlfile.compose("a: &x 1\n", "suite.yaml")


def test_plain_yaml_reads_as_safe_load_reads_it() -> None:
    text = "name: s\ncases:\n  - {id: a, prompt: 'hi &amp; *bye*', n: 3, on: yes}\n  - [1, 2.5]\n"
    assert yamlfile.load(text) == yaml.safe_load(text)
    assert yamlfile.load("") is None
    with pytest.raises(yaml.YAMLError):
        yamlfile.load("a: [1, 2")
    with pytest.raises(yaml.constructor.ConstructorError):
        yamlfile.load("!!python/object/apply:os.system ['true']")


def _gate(path: Path) -> Any:
    return parse_gate(path.read_text(), str(path))


def _options(path: Path) -> Any:
    return parse_options([f"lint.x={path.read_text()}"])


READERS: Final[dict[str, Callable[[Path], Any]]] = {
    "eval gate": _gate,
    "eval suite": load_suite,
    "qa gate thresholds": load_thresholds,
    "coverage priorities": read_priorities,
    "datasheet notes": load_notes,
    "import map file": from_file,
    "--option value": _options,
}


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_every_reader_of_yaml_refuses_aliases(
    tmp_path: Path, reader: Callable[[Path], Any]
) -> None:
    path = tmp_path / "file.yaml"
    path.write_text(BOMB)
    started = time.monotonic()
    with pytest.raises(InputError, match=REFUSED):
        reader(path)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
@pytest.mark.parametrize("deep", ["[" * 5000, "- " * 1000 + "x", "{a: " * 400 + "1" + "}" * 400])
def test_every_reader_of_yaml_refuses_deep_nesting_naming_the_place(
    tmp_path: Path, reader: Callable[[Path], Any], deep: str
) -> None:
    path = tmp_path / "file.yaml"
    path.write_text(deep)
    with pytest.raises(InputError, match=f"nested more than {yamlfile.MAX_DEPTH} levels") as got:
        reader(path)
    assert str(got.value).startswith((f"{path}:1:", "--option:1:"))  # the file, or the flag


def test_nesting_up_to_the_limit_reads_as_safe_load_reads_it() -> None:
    text = "[" * yamlfile.MAX_DEPTH + "]" * yamlfile.MAX_DEPTH
    assert yamlfile.load(text) == yaml.safe_load(text)


def test_the_cli_refuses_an_alias_in_a_task_config(tmp_path: Path) -> None:
    config = tmp_path / "task.yaml"
    config.write_text("labels: &l [a, b]\nmore: *l\n")
    done = run_cli(
        "projects",
        "create",
        "p",
        "--from",
        "nothing@v1",
        "--task",
        "classification",
        "--guideline",
        str(config),
        "--config",
        str(config),
        db=f"sqlite:///{tmp_path / 'm.db'}",
    )
    assert done.returncode == 4, done.stderr
    assert f"{config}:1:9" in done.stderr and REFUSED in done.stderr
