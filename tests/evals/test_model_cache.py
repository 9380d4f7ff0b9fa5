"""The bundled GGUF model is converted once and then loaded from the model cache in a second,
with the same weights and tokenizer; a damaged or disabled cache still loads the model."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mentor.providers import gguf
from mentor.providers.local import bundled_model_path

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

CHAT = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "Wie spät ist es? 🙂 <b>now</b>"},
]


class Converted:
    def __init__(self, folder: Path, model: Any, tokenizer: Any, seconds: float) -> None:
        self.folder, self.model, self.tokenizer, self.seconds = folder, model, tokenizer, seconds


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Converted]:
    """The bundled model loaded once into an empty cache (so converted from the GGUF)."""
    cache = tmp_path_factory.mktemp("model-cache")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MENTOR_MODEL_CACHE", str(cache))
        started = time.perf_counter()
        model, tokenizer = gguf.load_gguf(bundled_model_path())
        seconds = time.perf_counter() - started
        folder = gguf.cache_folder(bundled_model_path())
    assert folder is not None
    yield Converted(folder, model, tokenizer, seconds)


def _no_conversion(_file: Path) -> Any:
    raise AssertionError("converted the GGUF again")


def _same(a: tuple[Any, Any], b: tuple[Any, Any]) -> None:
    left, right = a[0].state_dict(), b[0].state_dict()
    assert left.keys() == right.keys()
    assert all(torch.equal(left[k], right[k]) for k in left)
    text = "Naïve café — 東京 🙂 </s><|im_end|>"
    assert a[1](text).input_ids == b[1](text).input_ids
    assert a[1].apply_chat_template(CHAT, tokenize=False, add_generation_prompt=True) == b[
        1
    ].apply_chat_template(CHAT, tokenize=False, add_generation_prompt=True)
    assert (a[1].eos_token, a[1].pad_token) == (b[1].eos_token, b[1].pad_token)


def test_the_second_load_reads_the_cache_fast_and_gives_the_same_model(
    converted: Converted, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert converted.folder.parent.name == "model-cache0"
    assert converted.folder.name.endswith(f"-transformers-{__import__('transformers').__version__}")
    monkeypatch.setenv("MENTOR_MODEL_CACHE", str(converted.folder.parent))
    monkeypatch.setattr(gguf, "convert", _no_conversion)
    started = time.perf_counter()
    again = gguf.load_gguf(bundled_model_path())
    seconds = time.perf_counter() - started
    _same((converted.model, converted.tokenizer), again)
    assert seconds < converted.seconds / 3, (seconds, converted.seconds)
    ids = again[1].apply_chat_template(CHAT, add_generation_prompt=True, return_tensors="pt")
    ids = ids["input_ids"] if not isinstance(ids, torch.Tensor) else ids
    with torch.no_grad():
        logits = again[0](ids).logits
        reference = converted.model(ids).logits
    assert torch.equal(logits, reference)


def test_a_damaged_cache_is_converted_again_and_repaired(
    converted: Converted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(converted.folder, cache / converted.folder.name)
    weights = next((cache / converted.folder.name).glob("*.safetensors"))
    weights.write_bytes(weights.read_bytes()[:1000])  # a disk that filled up, a killed copy
    monkeypatch.setenv("MENTOR_MODEL_CACHE", str(cache))
    calls: list[Path] = []

    def convert(file: Path) -> Any:
        calls.append(file)
        return converted.model, converted.tokenizer

    monkeypatch.setattr(gguf, "convert", convert)
    model, _ = gguf.load_gguf(bundled_model_path())
    assert calls == [bundled_model_path()] and model is converted.model
    monkeypatch.setattr(gguf, "convert", _no_conversion)
    _same((converted.model, converted.tokenizer), gguf.load_gguf(bundled_model_path()))
    assert [p.name for p in cache.iterdir()] == [converted.folder.name]  # no leftover parts


def test_an_empty_setting_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTOR_MODEL_CACHE", "")
    monkeypatch.chdir(tmp_path)
    assert gguf.cache_folder(bundled_model_path()) is None
    monkeypatch.setattr(gguf, "convert", _no_conversion)
    with pytest.raises(AssertionError, match="converted the GGUF again"):
        gguf.load_gguf(bundled_model_path())
    assert list(tmp_path.iterdir()) == []
