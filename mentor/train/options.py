"""What a training run is asked to do: the kind of trainer and its hyperparameters."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

from mentor.errors import InputError

Kind = Literal["sft", "dpo", "reward"]
KINDS: Final[tuple[Kind, ...]] = ("sft", "dpo", "reward")

DEFAULT_LR: Final[dict[str, float]] = {"sft": 2e-5, "dpo": 5e-6, "reward": 1e-5}
"""Full fine-tuning learning rates per trainer (TRL's own defaults for DPO and reward)."""
LORA_LR: Final = 2e-4
"""With LoRA only the adapters learn, and they need a larger step."""


@dataclass(frozen=True)
class TrainOptions:
    """Hyperparameters of one run; every field is recorded with the run."""

    epochs: float = 1.0
    max_steps: int | None = None
    batch_size: int = 8
    grad_accum: int = 1
    learning_rate: float | None = None
    max_length: int = 256
    lora: bool = False
    lora_r: int = 16
    lora_alpha: int = 32
    held_out: float = 0.1
    seed: int = 0
    beta: float = 0.1
    limit: int | None = None
    checkpoint_every: int = 50
    gradient_checkpointing: bool = False
    mlflow: str | None = None
    resume: bool = False

    def __post_init__(self) -> None:
        _positive("--epochs", self.epochs, allow_float=True)
        for flag, value in (
            ("--batch-size", self.batch_size),
            ("--grad-accum", self.grad_accum),
            ("--max-length", self.max_length),
            ("--lora-r", self.lora_r),
            ("--lora-alpha", self.lora_alpha),
            ("--checkpoint-every", self.checkpoint_every),
        ):
            _positive(flag, value)
        for flag, opt in (("--max-steps", self.max_steps), ("--limit", self.limit)):
            if opt is not None:
                _positive(flag, opt)
        if self.learning_rate is not None:
            _positive("--learning-rate", self.learning_rate, allow_float=True)
        if not (0.0 <= self.held_out < 1.0) or math.isnan(self.held_out):
            raise InputError(
                f"expected a fraction in [0, 1), got {self.held_out}", where="--held-out"
            )
        if not self.beta > 0.0 or math.isnan(self.beta):
            raise InputError(f"expected a positive number, got {self.beta}", where="--beta")
        if not (0 <= self.seed < 2**32):
            raise InputError(f"expected an integer in [0, 2^32), got {self.seed}", where="--seed")

    def lr(self, kind: str) -> float:
        """The learning rate to use: the one given, else the default for `kind` (and LoRA)."""
        if self.learning_rate is not None:
            return self.learning_rate
        return LORA_LR if self.lora else DEFAULT_LR[kind]

    def recorded(self, kind: str) -> dict[str, Any]:
        """The hyperparameters as the run records them (the learning rate resolved)."""
        params = asdict(self)
        params.pop("mlflow")
        params.pop("resume")
        params["learning_rate"] = self.lr(kind)
        return params


def _positive(flag: str, value: float, *, allow_float: bool = False) -> None:
    ok_type = isinstance(value, (int, float)) if allow_float else isinstance(value, int)
    if isinstance(value, bool) or not ok_type or not value > 0 or math.isinf(value):
        kind = "number" if allow_float else "integer"
        raise InputError(f"expected a positive {kind}, got {value!r}", where=flag)
    if not allow_float and value > 10**9:
        raise InputError(f"expected at most 10^9, got {value}", where=flag)


def check_kind(kind: str) -> Kind:
    """`kind` when it names a trainer, else an error listing them."""
    if kind not in KINDS:
        raise InputError(f"unknown trainer '{kind}'; expected one of: {', '.join(KINDS)}")
    return kind
