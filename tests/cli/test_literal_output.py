"""What users wrote prints as they wrote it: brackets in values are never read as Rich markup."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.datasets.test_import import write_jsonl


def _chat(rid: str, role: str = "user") -> dict[str, object]:
    return {
        "id": rid,
        "messages": [{"role": role, "content": "hi"}, {"role": "assistant", "content": "yo"}],
    }


def test_error_names_a_bracketed_role_literally(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    path = write_jsonl(tmp_path / "r.jsonl", [_chat("a", "[bold]admin")])
    done = run_cli("datasets", "import", str(path), "--name", "r", db=db)
    assert done.returncode == 4
    assert "unknown role '[bold]admin'" in " ".join(done.stderr.split())


def test_install_hint_keeps_its_brackets(tmp_path: Path) -> None:
    # A `datasets` package that cannot be imported, as on an install without the hf extra.
    shim = tmp_path / "shim" / "datasets"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise ImportError('No module named datasets')\n")
    (tmp_path / "folder").mkdir()
    done = run_cli(
        "datasets",
        "import",
        str(tmp_path / "folder"),
        "--name",
        "h",
        "--format",
        "hf",
        db=f"sqlite:///{tmp_path / 'm.db'}",
        env={"PYTHONPATH": str(tmp_path / "shim")},
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "pip install 'mentor[hf]'" in " ".join(done.stderr.split())


def test_tables_fields_lines_and_json_show_brackets_literally(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    first = write_jsonl(tmp_path / "[red]a.jsonl", [_chat("[red]r1"), _chat("keep")])
    second = write_jsonl(tmp_path / "b.jsonl", [_chat("keep"), _chat("[green]r2")])
    made = run_cli(
        "datasets", "import", str(first), "--name", "d", "--description", "[bold]desc", db=db
    )
    assert made.returncode == 0, made.stderr
    assert run_cli("datasets", "import", str(second), "--name", "d", db=db).returncode == 0
    listed = run_cli("datasets", "list", db=db).stdout  # render.table cells
    assert "[bold]desc" in listed
    shown = run_cli("datasets", "show", "d@v1", db=db).stdout  # render.fields values
    assert "[red]a.jsonl" in shown
    diff = run_cli("datasets", "diff", "d@v1", "d@v2", db=db).stdout  # marked-up lines
    assert "[green]r2" in diff and "[red]r1" in diff
    lineage = run_cli("datasets", "lineage", "d@v1", db=db).stdout  # tree labels
    assert "[red]a.jsonl" in lineage
    as_json = json.loads(run_cli("datasets", "diff", "d@v1", "d@v2", "--json", db=db).stdout)
    assert as_json["added_ids"] == ["[green]r2"]


def test_an_emoji_code_in_a_path_is_printed_as_written(tmp_path: Path) -> None:
    missing = tmp_path / "a:thumbs_up:b.jsonl"
    done = run_cli(
        "datasets", "import", str(missing), "--name", "e", db=f"sqlite:///{tmp_path / 'm.db'}"
    )
    assert done.returncode != 0
    assert "a:thumbs_up:b.jsonl" in " ".join(done.stderr.split()) and "👍" not in done.stderr
