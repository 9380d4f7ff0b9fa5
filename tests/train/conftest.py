"""A tiny base model for training tests: a 2-layer Llama built from a config, with the real
SmolLM2 tokenizer (and its chat template) read from the bundled GGUF. Nothing is downloaded."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from mentor.providers.local import bundled_model_path


def tiny_llama(tokenizer: Any, *, classifier: bool = False) -> Any:
    """A randomly initialised Llama small enough to train in seconds on a CPU."""
    import transformers

    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        num_labels=1,
    )
    transformers.set_seed(0)
    if classifier:
        return transformers.LlamaForSequenceClassification(config)
    return transformers.LlamaForCausalLM(config)


@pytest.fixture(scope="session")
def smol_tokenizer() -> Any:
    """SmolLM2's tokenizer, with its chat template."""
    transformers = pytest.importorskip("transformers")
    gguf = bundled_model_path()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tok = transformers.AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory, smol_tokenizer: Any) -> Path:
    """A model folder (config, weights, tokenizer) a run can name with --base."""
    folder = tmp_path_factory.mktemp("tiny-base")
    tiny_llama(smol_tokenizer).save_pretrained(str(folder))
    smol_tokenizer.save_pretrained(str(folder))
    return folder
