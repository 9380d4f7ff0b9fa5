"""The base model a run starts from: the bundled SmolLM2 GGUF, a .gguf file or a HF folder.

A run records what the user named, the file or folder it resolved to and its SHA-256, so two runs
that say "smollm2" on different installs can be told apart. Trainers get a fresh float32 copy;
a reward model is the base with a one-output score head on top (its backbone weights copied from
the causal LM, the head new).
"""

from __future__ import annotations

import importlib.util
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentor.errors import ConfigError, InputError
from mentor.providers.gguf import content_hash, load_gguf
from mentor.providers.local import bundled_model_path

INSTALL_HINT = "pip install 'mentor[train]'"


@dataclass(frozen=True)
class BaseModel:
    """What ``--base`` named, where it is and the hash of its bytes."""

    spec: str
    path: Path
    sha256: str

    def recorded(self) -> dict[str, str]:
        """The base model as the run records it."""
        return {"spec": self.spec, "path": str(self.path), "sha256": self.sha256}


def require_training_libraries() -> None:
    """Stop with the install hint when TRL or its companions are missing."""
    for name in ("torch", "transformers", "trl", "datasets", "peft"):
        if importlib.util.find_spec(name) is None:
            raise ConfigError(f"training needs {name}: {INSTALL_HINT}")


def resolve_base(spec: str) -> BaseModel:
    """The base model `spec` names: ``smollm2`` or a path to a .gguf file or a model folder."""
    if spec.strip() == "smollm2":
        path = bundled_model_path()
    else:
        path = Path(spec).expanduser()
        if not path.exists():
            raise InputError(
                f"no such model file or folder: {path}; expected 'smollm2', a .gguf file or a "
                "Hugging Face model folder",
                where="--base",
            )
        if path.is_file() and path.suffix != ".gguf":
            raise InputError(f"{path} is a file but not .gguf", where="--base")
        if path.is_dir() and not (path / "config.json").is_file():
            raise InputError(f"{path} has no config.json: not a model folder", where="--base")
    path = path.resolve()
    return BaseModel(spec, path, content_hash(path))


def _tokenizer_ready(tokenizer: Any, base: BaseModel) -> Any:
    if not getattr(tokenizer, "chat_template", None):
        raise InputError(
            f"the tokenizer of {base.path} has no chat template, and Mentor's records are chats; "
            "use an instruct model or add a chat_template to its tokenizer_config.json",
            where="--base",
        )
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_base(base: BaseModel, kind: str) -> tuple[Any, Any]:
    """A fresh trainable copy of the base (a causal LM, or a reward model) and its tokenizer."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            causal, tokenizer = _load(base.path, kind)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise InputError(f"cannot load {base.path}: {exc}", where="--base") from exc
    tokenizer = _tokenizer_ready(tokenizer, base)
    causal.config.pad_token_id = tokenizer.pad_token_id
    if kind != "reward":
        return causal, tokenizer
    return _with_score_head(causal, tokenizer), tokenizer


def _load(path: Path, kind: str) -> tuple[Any, Any]:
    if path.suffix == ".gguf":
        return load_gguf(path)
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(path))
    if kind == "reward" and _is_classifier(path):
        from transformers import AutoModelForSequenceClassification

        return AutoModelForSequenceClassification.from_pretrained(
            str(path), num_labels=1
        ), tokenizer
    return AutoModelForCausalLM.from_pretrained(str(path)), tokenizer


def _is_classifier(path: Path) -> bool:
    import json

    config = json.loads((path / "config.json").read_text())
    return any(a.endswith("ForSequenceClassification") for a in config.get("architectures") or [])


def _with_score_head(causal: Any, tokenizer: Any) -> Any:
    """A sequence classifier with `causal`'s backbone and a new one-output head."""
    if not hasattr(causal, "lm_head"):
        return causal  # already a classifier (a reward model trained further)
    import torch
    from transformers import AutoModelForSequenceClassification

    config = causal.config
    config.num_labels = 1
    model = AutoModelForSequenceClassification.from_config(config, dtype=torch.float32)  # type: ignore[no-untyped-call]
    prefix = model.base_model_prefix
    getattr(model, prefix).load_state_dict(getattr(causal, prefix).state_dict())
    model.config.pad_token_id = tokenizer.pad_token_id
    return model
