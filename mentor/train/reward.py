"""Scoring conversations with a trained reward model, formatted exactly as it was trained.

TRL 1.16's ``RewardTrainer`` turns a conversational row into ``prompt + chosen`` messages and
tokenizes them with the tokenizer's chat template (``apply_chat_template(..., tokenize=True)``:
no generation prompt, no EOS appended, the template's own special tokens only), pads on the right
with the model's pad token and reads the score at the last real token. :class:`RewardScorer` does
the same, so a score here is the score the trainer saw. A model is loaded once per process.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from mentor.errors import ConfigError
from mentor.providers.gguf import content_hash

BATCH: Final = 16
MAX_TOKENS: Final = 1024
INSTALL_HINT: Final = "pip install 'mentor[train]'"

Conversation = list[dict[str, Any]]


@dataclass
class _Loaded:
    model: Any
    tokenizer: Any
    pad_id: int
    max_length: int
    lock: threading.Lock


_LOADED: dict[Path, _Loaded] = {}
_LOADING = threading.Lock()


def _max_length(model: Any, tokenizer: Any) -> int:
    limits = [MAX_TOKENS, getattr(model.config, "max_position_embeddings", None)]
    limits.append(getattr(tokenizer, "model_max_length", None))
    return min(int(n) for n in limits if isinstance(n, int) and 0 < n < 1_000_000)


def _load(path: Path) -> _Loaded:
    with _LOADING:
        if path in _LOADED:
            return _LOADED[path]
        for name in ("torch", "transformers"):
            if importlib.util.find_spec(name) is None:
                raise ConfigError(f"reward models need {name}: {INSTALL_HINT}")
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(path))
        if not tokenizer.chat_template:
            raise ConfigError(
                f"{path}: the tokenizer has no chat template, so conversations cannot be "
                "formatted as they were in training"
            )
        model = AutoModelForSequenceClassification.from_pretrained(str(path))
        if model.config.num_labels != 1:
            raise ConfigError(
                f"{path}: a reward model has one score output, this one has "
                f"{model.config.num_labels} (is it a classifier?)"
            )
        # The trainer pads with the tokenizer's pad token (or EOS) and tells the model which it
        # is; the model finds the last real token by it, so padding must use the same id.
        pad_id = model.config.pad_token_id
        if pad_id is None:
            pad_id = tokenizer.pad_token_id
            pad_id = tokenizer.eos_token_id if pad_id is None else pad_id
            model.config.pad_token_id = pad_id
        model.eval()
        loaded = _Loaded(
            model, tokenizer, int(pad_id), _max_length(model, tokenizer), threading.Lock()
        )
        _LOADED[path] = loaded
        return loaded


def _check_folder(path: Path) -> None:
    if not path.is_dir():
        raise ConfigError(f"reward model {path}: no such folder")
    if not (path / "config.json").is_file():
        raise ConfigError(
            f"reward model {path}: not a Hugging Face model folder (no config.json); "
            "a reward run saves its model under OUT/model"
        )


class RewardScorer:
    """A reward model folder (``AutoModelForSequenceClassification``, one output) on the CPU."""

    def __init__(self, model_dir: Path):
        self.path = Path(model_dir).expanduser().resolve()
        _check_folder(self.path)
        self._loaded = _load(self.path)

    @property
    def sha256(self) -> str:
        """SHA-256 of the model folder (names and bytes), computed once per process."""
        return content_hash(self.path)

    @property
    def max_length(self) -> int:
        """The most tokens scored per conversation (the model's limit, at most 1024)."""
        return self._loaded.max_length

    def token_ids(self, conversation: Conversation, tools: Any = None) -> list[int]:
        """The conversation's tokens as the trainer made them (chat template, tokenized)."""
        encoded = self._loaded.tokenizer.apply_chat_template(
            conversation, tokenize=True, return_dict=True, tools=tools
        )
        return list(encoded["input_ids"])

    def scores(
        self, conversations: Sequence[Conversation], tools: Sequence[Any] | None = None
    ) -> list[float]:
        """One reward per conversation (higher is preferred), 16 at a time.

        A conversation longer than :attr:`max_length` keeps its last tokens: the answer being
        scored is at the end. `tools` are the rows' tool schemas, when they have them.
        """
        ids = [
            self.token_ids(conv, tools[i] if tools is not None else None)[-self.max_length :]
            for i, conv in enumerate(conversations)
        ]
        out: list[float] = []
        with self._loaded.lock:
            for start in range(0, len(ids), BATCH):
                out.extend(self._forward(ids[start : start + BATCH]))
        return out

    def _forward(self, batch: list[list[int]]) -> list[float]:
        import torch

        width = max(len(row) for row in batch)
        pad = self._loaded.pad_id
        input_ids = torch.tensor([row + [pad] * (width - len(row)) for row in batch])
        mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in batch])
        with torch.inference_mode():
            logits = self._loaded.model(input_ids=input_ids, attention_mask=mask).logits
        return [float(v) for v in logits.squeeze(-1).tolist()]
