"""Content words of prompts and answers, for asking whether an answer is on the topic asked:
stems and finer terms, without stop words and the words every request uses ("help", "tell").

Pure: text in (normalised, lower-case), sets of word prefixes out.
"""

from __future__ import annotations

import re
from typing import Final

STOP: Final = frozenset(
    {
        "that",
        "this",
        "with",
        "your",
        "what",
        "from",
        "have",
        "there",
        "their",
        "they",
        "them",
        "will",
        "would",
        "could",
        "should",
        "about",
        "into",
        "than",
        "then",
        "some",
        "such",
        "very",
        "also",
        "just",
        "like",
        "want",
        "need",
        "know",
        "does",
        "doing",
        "done",
        "been",
        "being",
        "were",
        "make",
        "made",
        "more",
        "most",
        "much",
        "only",
        "other",
        "over",
        "same",
        "here",
        "please",
        "thank",
        "thanks",
        "tell",
        "help",
        "assist",
        "give",
        "provide",
        "share",
        "offer",
        "answer",
        "write",
        "going",
        "sure",
        "really",
        "someone",
        "something",
        "anyone",
        "anything",
        "people",
        "person",
        "cannot",
        "can't",
        "won't",
        "don't",
    }
)
GENERIC: Final = frozenset(
    {"help", "tell", "give", "prov", "shar", "offe", "answ", "writ", "ques", "requ", "assi"}
)


def stems(text: str) -> set[str]:
    """Content-word stems (first four letters) of `text`, without stop and request words."""
    words = re.findall(r"[a-z][a-z']{3,}", text)
    return {w[:4] for w in words if w not in STOP and w[:4] not in GENERIC}


def terms(text: str) -> set[str]:
    """Content words of `text` cut to five letters: finer than :func:`stems` ("record" and
    "recognise" differ), for telling the parts of a two-part prompt apart."""
    words = re.findall(r"[a-z][a-z']{3,}", text)
    return {w[:5] for w in words if w not in STOP and w[:4] not in GENERIC}
