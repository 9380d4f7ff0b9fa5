"""What a generation asks for: the prompt version, the providers, samples, parameters, options."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Final, Literal

import orjson

from mentor.errors import InputError
from mentor.providers.base import GenerationParams
from mentor.providers.calls import CallPolicy
from mentor.providers.params import INT64

Shape = Literal["ranking", "pairwise"]
SHAPES: Final = ("ranking", "pairwise")


@dataclass(frozen=True)
class GenerateOptions:
    """How the providers are called (stored with the generation)."""

    concurrency: int = 8
    rate: float | None = None  # requests per second to each provider; None: no limit
    timeout_s: float = 120.0
    retries: int = 3
    backoff_s: float = 1.0
    max_wait_s: float = 120.0
    use_cache: bool = True
    batch_size: int = 20  # answers per store transaction

    def check(self) -> None:
        """Raise InputError naming the flag of an option out of range."""
        self.policy().check(self.concurrency, self.batch_size)

    def policy(self) -> CallPolicy:
        """How each call is paced, timed out and retried."""
        return CallPolicy(self.rate, self.timeout_s, self.retries, self.backoff_s, self.max_wait_s)


@dataclass(frozen=True)
class GenerateRequest:
    """K samples per prompt from each provider; sample i is asked with seed ``seed + i``."""

    samples: int
    shape: Shape = "ranking"
    params: GenerationParams = field(default_factory=GenerationParams)
    seed: int = 0
    out: str | None = None  # the dataset to write; default: PROMPTS-candidates
    limit: int | None = None  # only the first `limit` prompts
    options: GenerateOptions = field(default_factory=GenerateOptions)
    note: str = ""

    def check(self, providers: int) -> None:
        """Refuse a request that cannot give a useful set of candidates, naming the flag."""
        if self.samples < 1:
            raise InputError(f"must be at least 1, got {self.samples}", where="--samples")
        if self.limit is not None and self.limit < 1:
            raise InputError(f"must be at least 1, got {self.limit}", where="--limit")
        if self.shape not in SHAPES:
            raise InputError(
                f"'{self.shape}' is not a shape; expected {' or '.join(SHAPES)}", where="--as"
            )
        if providers < 1:
            raise InputError("give at least one model, e.g. --provider smollm2", where="--provider")
        if providers * self.samples < 2:
            raise InputError(
                "one provider with --samples 1 gives one response per prompt, and a ranking "
                "needs at least 2; ask for --samples 2 or more, or add a --provider",
                where="--samples",
            )
        if self.samples > 1 and self.params.temperature <= 0:
            raise InputError(
                f"--samples {self.samples} at temperature 0 asks each model for the same "
                "answer again; set --param temperature=0.7 (or higher) to sample different ones",
                where="--param",
                field="temperature",
            )
        if not INT64[0] <= self.seed <= INT64[1] - self.samples:
            raise InputError(
                f"{self.seed} is out of range; sample i is asked with seed S + i, which must "
                "fit in 64 bits",
                where="--seed",
            )
        if self.params.seed not in (0, None):
            raise InputError(
                "the seed is set with --seed S (sample i is asked with seed S + i)",
                where="--param",
                field="seed",
            )
        self.options.check()

    def params_for(self, sample: int) -> GenerationParams:
        """The parameters of sample `sample` (0-based): the request's, with seed ``seed + i``."""
        return GenerationParams(**{**asdict(self.params), "seed": self.seed + sample})


def request_key(
    source_version_id: int, fingerprints: list[Any], req: GenerateRequest, out: str
) -> str:
    """What identifies a request, so that ``--resume`` finds the generation it continues."""
    body = {
        "source": source_version_id,
        "fingerprints": fingerprints,
        "params": asdict(req.params),
        "samples": req.samples,
        "seed": req.seed,
        "shape": req.shape,
        "out": out,
        "limit": req.limit,
    }
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()
