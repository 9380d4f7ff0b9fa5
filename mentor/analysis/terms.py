"""The words that set one cluster of texts apart from the others (class-based TF-IDF).

Each cluster's texts count as one document; a word scores by how often it occurs there (per
word of the cluster) times ``log(1 + average words per cluster / its count in all clusters)``,
as BERTopic's c-TF-IDF does. Only words of letters are kept (no numbers, no stray punctuation),
without English stop words and the words every failure note uses ("model", "answer", ...).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[a-z][a-z'-]*[a-z]")
_GENERIC = frozenset(
    {
        *("answer", "answered", "answers", "asked", "assistant", "did", "does", "gave", "given"),
        *("got", "instead", "it's", "model", "output", "reply", "replied", "response"),
        *("responded", "said", "user", "user's", "wanted", "wrote"),
    }
)


def stop_words() -> frozenset[str]:
    """English stop words (scikit-learn's list) and the words every failure note uses."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _GENERIC


def words(text: str, stop: frozenset[str]) -> list[str]:
    """The lowercase words of `text` of three letters or more, stop words removed."""
    return [w for w in _WORD.findall(text.lower()) if len(w) >= 3 and w not in stop]


def distinctive_terms(groups: Sequence[Sequence[str]], top: int = 5) -> list[list[str]]:
    """For each group of texts, its `top` most distinctive words against all the groups."""
    stop = stop_words()
    counts = [Counter(w for text in group for w in words(text, stop)) for group in groups]
    total: Counter[str] = Counter()
    for count in counts:
        total.update(count)
    if not total:
        return [[] for _ in groups]
    average = sum(total.values()) / len(groups)
    result = []
    for count in counts:
        size = sum(count.values()) or 1
        scores = {w: n / size * math.log(1 + average / total[w]) for w, n in count.items()}
        ranked = sorted(scores, key=lambda w: (-scores[w], -count[w], w))
        repeated = [w for w in ranked if count[w] > 1]  # a word one text used is weak evidence
        result.append((repeated + [w for w in ranked if count[w] == 1])[:top])
    return result
