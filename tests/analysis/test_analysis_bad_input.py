"""Bad feedback files, taxonomy files and output paths: one error naming the file:line and
field (or the path), nothing half-written, and no library warning on stderr."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor.analysis.embeddings import tfidf_vectors
from mentor.errors import InputError
from tests.analysis.feedback_world import SUITE, write


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"id": [1]}, "id", "expected a text or whole-number id, got [1]"),
        ({"ticket_id": {"n": 1}}, "ticket_id", "expected a text or whole-number id"),
        ({"created_at": "not a date"}, "created_at", "expected an ISO-8601 date or time"),
        ({"created_at": 1733130000}, "created_at", "expected text, got 1733130000"),
        ({"rating": {"stars": 1}}, "rating", "expected a label such as 'down' or a number"),
        ({"rating": True}, "rating", "expected a label such as 'down' or a number"),
        ({"channel": ["app"]}, "channel", "expected text, got ['app']"),
    ],
)
def test_a_bad_optional_field_is_named_by_file_line_and_field(
    sqlite_ws: mentor.Workspace, tmp_path: Path, row: dict[str, Any], field: str, message: str
) -> None:
    path = write(tmp_path / "reports.jsonl", [{"text": "fine"}, {"text": "mine", **row}])
    with pytest.raises(InputError) as caught:
        sqlite_ws.analysis.feedback.import_file(path)
    assert caught.value.where == f"{path}:2" and caught.value.field == field
    assert message in str(caught.value)
    assert sqlite_ws.analysis.feedback.batches() == []


def test_good_optional_fields_are_accepted(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    rows = [
        {"id": 7, "created_at": "2026-12-02T10:01:00Z", "rating": 2, "text": "too slow"},
        {"id": "b", "created_at": "2026-12-02", "rating": "down", "text": "wrong capital"},
    ]
    batch = sqlite_ws.analysis.feedback.import_file(write(tmp_path / "reports.jsonl", rows))
    kept = {r.source_id: r for r in sqlite_ws.analysis.feedback.reports(batch.id)}
    assert (kept["7"].rating, kept["b"].rating) == ("2", "down")


def test_texts_with_the_same_words_embed_without_a_warning() -> None:
    texts = ["chocolate cake recipe", "the chocolate cake recipe", "a chocolate cake recipe"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vectors = tfidf_vectors(texts)
    assert len(vectors) == 3 and (vectors == vectors[0]).all()


def test_a_taxonomy_file_that_is_not_utf8_is_named_by_line_and_column(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_bytes(b"- name: refusal\n  definition: caf\xe9\n")
    with pytest.raises(InputError, match=rf"{path}:2:18: invalid UTF-8 byte 0xe9"):
        sqlite_ws.analysis.set_taxonomy("qa", path)


@pytest.fixture
def stored_suite(sqlite_ws: mentor.Workspace, tmp_path: Path) -> str:
    suite_file = tmp_path / "regression.yaml"
    suite_file.write_text(SUITE, encoding="utf-8")
    answers = write(tmp_path / "answers.jsonl", [{"case_id": "hello", "output": "hello"}])
    return sqlite_ws.evals.run(suite_file, f"replay:{answers}").suite_name


def test_a_suite_file_that_cannot_be_written_names_the_path_and_leaves_nothing(
    sqlite_ws: mentor.Workspace, tmp_path: Path, stored_suite: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    feedback = sqlite_ws.analysis.feedback
    nowhere = tmp_path / "missing" / "suite.yaml"
    with pytest.raises(InputError, match=rf"{nowhere}: cannot write the suite file"):
        feedback.write_suite(stored_suite, nowhere)
    with pytest.raises(InputError, match=rf"{tmp_path}: is a folder"):
        feedback.write_suite(stored_suite, tmp_path)
    target = tmp_path / "out.yaml"
    target.write_text("kept: true\n", encoding="utf-8")

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(InputError, match=rf"{target}: cannot write the suite file: No space"):
        feedback.write_suite(stored_suite, target)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "kept: true\n"
    assert not [p.name for p in tmp_path.iterdir() if "partial" in p.name]
    feedback.write_suite(stored_suite, target)
    assert target.read_text(encoding="utf-8").startswith("name: regression\n")
