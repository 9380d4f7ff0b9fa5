"""Offline language detection, for records that do not say what language they are in.

Uses py3langid's model (langid.py's naive Bayes model over byte n-grams, bundled with the
package: nothing is downloaded). Answers are ISO 639-1 codes such as ``en``; text with too
little to go on (a number, a word of code) is ``und``, "undetermined", as in BCP 47.

py3langid classifies one text at a time, walking the model's automaton over the text's bytes in
a Python loop (about 0.6 µs a byte). :func:`detect_all` computes the same thing for many texts at
once in numpy: it walks the automaton over every text of a batch in step, one byte position at a
time, counts each text's features with one sort, and scores them all with one sparse-matrix
product. The answers are py3langid's (the same model and arithmetic, in float32; only the order
in which the scores are summed differs) at a small fraction of the cost.
"""

from __future__ import annotations

import importlib
import itertools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from mentor.errors import ConfigError

UNDETERMINED: Final = "und"
INSTALL_HINT: Final = "language detection needs py3langid: pip install 'py3langid>=0.4'"
MAX_CHARS: Final = 300
_CHUNK: Final = 1024  # texts walked together: bounds the (bytes x texts) arrays
_model_cache: list[_Model] = []


@dataclass(frozen=True)
class _Model:
    """py3langid's model as arrays: the byte automaton and the naive Bayes tables."""

    moves: NDArray[np.uint32]  # next state: moves[row_of[state] * 256 + byte]
    row_of: NDArray[np.int64]  # each state's row in `moves`, times 256
    feature: NDArray[np.int32]  # the feature a state emits, or -1
    weights: NDArray[np.float16]  # (features, classes): log P(feature | class), as shipped
    prior: NDArray[np.float32]  # (classes,): log P(class)
    classes: tuple[str, ...]
    aliases: tuple[tuple[int, int], ...]  # (first, duplicate) columns of one label


def _model() -> _Model:
    """The model, loaded once per process (about half a second)."""
    if not _model_cache:
        try:
            langid = importlib.import_module("py3langid.langid")
        except ImportError as exc:
            raise ConfigError(INSTALL_HINT) from exc
        found: Any = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE)
        classes = tuple(str(c) for c in found.nb_classes)
        first: dict[str, int] = {}
        aliases = []
        for i, label in enumerate(classes):
            if label in first:
                aliases.append((first[label], i))
            else:
                first[label] = i
        _model_cache.append(
            _Model(
                np.frombuffer(found.tk_nextmove, dtype=np.uint32)
                if found.tk_nextmove.itemsize == 4
                else np.asarray(found.tk_nextmove, dtype=np.uint32),
                np.asarray(found.tk_row, dtype=np.int64) << 8,
                np.asarray(found.tk_output, dtype=np.int32),
                np.asarray(found.nb_ptc),
                np.asarray(found.nb_pc, dtype=np.float32),
                classes,
                tuple(aliases),
            )
        )
    return _model_cache[0]


def _encoded(text: str) -> bytes:
    """The bytes py3langid reads: NFC UTF-8, lower-cased if the text is all upper case."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class _Counts:
    """The features of a chunk of texts, longest text first (``order`` maps back): text i has
    features ``columns[offsets[i]:offsets[i + 1]]`` (in the order the walk first met them,
    as py3langid lists them), each seen ``counts`` times."""

    order: NDArray[np.int64]
    lengths: NDArray[np.int64]  # bytes, in `order`
    columns: NDArray[np.int64]
    counts: NDArray[np.float32]
    offsets: NDArray[np.int64]


def _features(model: _Model, data: list[bytes]) -> _Counts:
    """Walk the automaton over every text at once, one byte position at a time."""
    n = len(data)
    lengths = np.fromiter(map(len, data), dtype=np.int64, count=n)
    order = np.argsort(-lengths, kind="stable")  # longest first: active texts are a prefix
    lengths = lengths[order]
    width = int(lengths[0]) if n else 0
    columns = np.zeros((width, n), np.uint8)  # byte position x text
    for column, i in enumerate(order.tolist()):
        columns[: len(data[i]), column] = np.frombuffer(data[i], np.uint8)
    # how many texts (a prefix of `order`) are longer than each byte position
    active = np.searchsorted(-lengths, -np.arange(width), side="left").tolist()
    emitted = np.full((width, n), -1, np.int64)
    state = np.zeros(n, np.int64)
    for at, k in enumerate(active):
        moved = model.moves[model.row_of[state[:k]] + columns[at, :k]]
        state[:k] = moved
        emitted[at, :k] = model.feature[moved]
    # (text, feature) of every feature met, in reading order; then one entry per distinct
    # pair, at its first meeting, with how often it was met.
    flat = emitted.T.ravel()
    where = np.flatnonzero(flat >= 0)
    key = (where // max(width, 1)) * len(model.weights) + flat[where]
    grouped = np.argsort(key, kind="stable")
    sorted_key = key[grouped]
    heads = np.flatnonzero(np.concatenate(([True], sorted_key[1:] != sorted_key[:-1])))
    counts = np.diff(np.append(heads, len(key))).astype(np.float32)
    first = where[grouped[heads]]
    met = np.argsort(first, kind="stable")
    text = first[met] // max(width, 1)
    return _Counts(
        order,
        lengths,
        sorted_key[heads][met] % len(model.weights),
        counts[met],
        np.searchsorted(text, np.arange(n + 1)),
    )


def _classify(model: _Model, data: list[bytes]) -> tuple[list[str], list[float]]:
    """py3langid's ``classify`` (normalised probabilities) of each of the encoded texts.

    Each text's scores come from the very operations py3langid performs on it (the same
    product, in the same order of features), so the answers and confidences are its own.
    """
    found = _features(model, data)
    scores = np.zeros((len(data), len(model.classes)), np.float32)
    offsets = found.offsets.tolist()
    for row, (start, end) in enumerate(itertools.pairwise(offsets)):
        if start == end:
            continue  # no features: every class alike, as py3langid has it
        counts = np.log1p(found.counts[start:end])
        scores[found.order[row]] = counts @ model.weights[found.columns[start:end]] + model.prior
    lengths = np.empty(len(data), np.int64)
    lengths[found.order] = found.lengths
    labels, sure = [], []
    for row, length in zip(scores, lengths.tolist(), strict=True):
        row *= 1.0 / math.sqrt(length or 1)
        np.exp(row - row.max(), out=row)
        row /= row.sum()
        for first, duplicate in model.aliases:
            row[first] += row[duplicate]
            row[duplicate] = 0.0
        best = int(row.argmax())
        labels.append(model.classes[best])
        sure.append(float(row[best]))
    return labels, sure


def _wordless(sample: str) -> bool:
    """Fewer than three letters in the first 200 characters: nothing to go on."""
    return len(list(islice(filter(str.isalpha, sample[:200]), 3))) < 3


def detect_all(
    texts: Sequence[str], *, min_confidence: float = 0.1, max_chars: int = MAX_CHARS
) -> list[str]:
    """The language of each of `texts` (see :func:`detect`), computed for all of them at once."""
    out = [UNDETERMINED] * len(texts)
    todo = [(i, t[:max_chars]) for i, t in enumerate(texts)]
    todo = [(i, sample) for i, sample in todo if not _wordless(sample)]
    if not todo:
        return out
    model = _model()
    for start in range(0, len(todo), _CHUNK):
        part = todo[start : start + _CHUNK]
        labels, confidence = _classify(model, [_encoded(sample) for _, sample in part])
        for (i, _), label, sure in zip(part, labels, confidence, strict=True):
            if sure >= min_confidence and label != "zxx":  # zxx: "no linguistic content"
                out[i] = label
    return out


def detect(text: str, *, min_confidence: float = 0.1, max_chars: int = MAX_CHARS) -> str:
    """The language of `text` as an ISO 639-1 code, or ``und`` when it cannot tell.

    Only the first `max_chars` characters are read: a paragraph decides about as well as a
    book. Below `min_confidence` (a probability over the model's languages) the answer is
    ``und``.
    """
    return detect_all([text], min_confidence=min_confidence, max_chars=max_chars)[0]
