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
# Probabilities this close (relatively) are checked by py3langid itself: float32 sums added
# in another order differ by far less (about 1e-5 at most for a 300-byte text).
_CLOSE: Final = 1e-3
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
    identifier: Any  # py3langid's own, for the texts where float rounding could decide


def _model() -> _Model:
    """The model, loaded once per process (about half a second)."""
    if not _model_cache:
        try:
            langid = importlib.import_module("py3langid.langid")
        except ImportError as exc:
            raise ConfigError(INSTALL_HINT) from exc
        found: Any = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
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
                found,
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
    features ``columns[offsets[i]:offsets[i + 1]]``, each seen ``log(1 + count)`` times."""

    order: NDArray[np.int64]
    lengths: NDArray[np.int64]  # bytes, in `order`
    columns: NDArray[np.int32]
    weights: NDArray[np.float32]
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
    emitted = np.full((width, n), -1, np.int32)
    state = np.zeros(n, np.int64)
    for at, k in enumerate(active):
        moved = model.moves[model.row_of[state[:k]] + columns[at, :k]]
        state[:k] = moved
        emitted[at, :k] = model.feature[moved]
    # Each text's features sorted, so equal features are neighbours: one run, one count.
    by_text = emitted.T.copy()
    by_text.sort(axis=1)
    flat = by_text.ravel()
    before = np.empty_like(flat)
    before[:1] = -2
    before[1:] = flat[:-1]
    before[:: max(width, 1)] = -2  # a row's first feature starts a run
    heads = np.flatnonzero((flat >= 0) & (flat != before))
    rows = heads // max(width, 1)
    ends = np.minimum(np.append(heads[1:], flat.size), (rows + 1) * width)
    counts = np.log1p((ends - heads).astype(np.float32))
    offsets = np.searchsorted(rows, np.arange(n + 1))
    return _Counts(order, lengths, flat[heads], counts, offsets)


def _probabilities(model: _Model, data: list[bytes]) -> NDArray[np.float32]:
    """py3langid's normalised probabilities, (texts, classes), up to float32 rounding: the
    same sums, added up in another order."""
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

    found = _features(model, data)
    # Only the rows of the features these texts have, widened to float32 as py3langid does.
    present, column = np.unique(found.columns, return_inverse=True)
    matrix = csr_matrix((found.weights, column, found.offsets), shape=(len(data), len(present)))
    ranked = np.asarray(matrix @ model.weights[present].astype(np.float32), np.float32)
    ranked += model.prior
    ranked[np.diff(found.offsets) == 0] = 0.0  # no features: every class alike
    ranked *= (1.0 / np.sqrt(np.maximum(found.lengths, 1))).astype(np.float32)[:, None]
    scores = np.empty_like(ranked)
    scores[found.order] = ranked
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    for first, duplicate in model.aliases:
        scores[:, first] += scores[:, duplicate]
        scores[:, duplicate] = 0.0
    return scores


def _classify(
    model: _Model, samples: list[str], min_confidence: float
) -> tuple[list[str], list[float]]:
    """py3langid's ``classify`` of each sample: its label and confidence.

    The batched sums may differ from py3langid's in their last bits, which matters only where
    two languages are all but tied or the confidence is all but `min_confidence`: those few
    texts go through py3langid itself, so every answer is the one it gives.
    """
    scores = _probabilities(model, [_encoded(sample) for sample in samples])
    rows = np.arange(len(samples))
    best = scores.argmax(axis=1)
    sure = scores[rows, best]
    runner_up = np.partition(scores, -2, axis=1)[:, -2]
    doubtful = (sure - runner_up <= _CLOSE * sure) | (np.abs(sure - min_confidence) <= _CLOSE)
    labels = [model.classes[i] for i in best.tolist()]
    confidence = sure.tolist()
    for i in np.flatnonzero(doubtful).tolist():
        label, confidence[i] = model.identifier.classify(samples[i])
        labels[i] = str(label)
    return labels, confidence


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
        labels, confidence = _classify(model, [sample for _, sample in part], min_confidence)
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
