"""GGUF files as float32 Hugging Face models, converted once per machine.

Reading a GGUF file into transformers means parsing and de-quantizing every tensor and rebuilding
the tokenizer from the file's vocabulary: about 25 s for the bundled 98 MB SmolLM2 on a 2-core
CPU, in every process that loads it (each `mentor` command, each eval run, each training run).
The converted model is the same every time, so the first load keeps it as a model folder
(safetensors, tokenizer and config) under the ``model_cache`` setting, named by the GGUF's SHA-256
and the transformers version that converted it; later loads read that folder in well under a
second. A folder is only ever complete: it is written beside its final name and renamed into
place, so two processes converting at once, or one killed half-way, leave no partial copy. A
folder that does not load is converted again.
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from functools import cache
from pathlib import Path
from typing import Any

from mentor.config import load_settings
from mentor.datasets.prepared import file_sha256

_READY = "mentor-converted"  # written last: a folder without it is not used


@cache
def content_hash(path: Path) -> str:
    """SHA-256 of a model file, or of every file in a model folder (names and bytes), once per
    process."""
    return file_sha256(path)


def cache_folder(file: Path) -> Path | None:
    """Where the converted copy of `file` is kept, or None when the cache is off."""
    root = load_settings().model_cache.strip()
    if not root:
        return None
    import transformers

    return Path(root).expanduser() / f"{content_hash(file)}-transformers-{transformers.__version__}"


def load_gguf(file: Path) -> tuple[Any, Any]:
    """A fresh copy of the causal LM in a GGUF file (float32) and its tokenizer."""
    folder = cache_folder(file)
    if folder is not None and (folder / _READY).is_file():
        try:
            return _load_folder(folder)
        except Exception:  # a damaged copy fails in safetensors, JSON or torch: convert again
            shutil.rmtree(folder, ignore_errors=True)
    model, tokenizer = convert(file)
    if folder is not None:
        _keep(model, tokenizer, folder)
    return model, tokenizer


def convert(file: Path) -> tuple[Any, Any]:
    """The model and tokenizer read from the GGUF file itself (float32)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    from transformers.modeling_gguf_pytorch_utils import load_gguf_checkpoint

    folder, name = str(file.parent), file.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    # Same weights as from_pretrained(gguf_file=...), without that path's need for `accelerate`.
    config = AutoConfig.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)  # type: ignore[no-untyped-call]
    state = load_gguf_checkpoint(str(file), return_tensors=True, model_to_load=model)  # type: ignore[no-untyped-call]
    model.load_state_dict(state["tensors"], strict=False)
    model.tie_weights()
    return model, tokenizer


def _load_folder(folder: Path) -> tuple[Any, Any]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tokenizer = AutoTokenizer.from_pretrained(str(folder))
        model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32)
    return model, tokenizer


def _keep(model: Any, tokenizer: Any, folder: Path) -> None:
    """Write the converted model beside `folder` and rename it into place; a cache that cannot
    be written (read-only home, full disk) only costs the next load its conversion."""
    part = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        part.mkdir(parents=True)
        model.save_pretrained(str(part))
        tokenizer.save_pretrained(str(part))
        (part / _READY).write_text("complete\n", encoding="utf-8")
        if folder.is_dir() and not (folder / _READY).is_file():
            shutil.rmtree(folder, ignore_errors=True)  # left by hand without its marker
        os.rename(part, folder)
    except OSError:
        pass  # another process put its copy there first, or the cache is not writable
    finally:
        shutil.rmtree(part, ignore_errors=True)
