"""Groundedness without a model: the share of an answer's claims that its context supports.

The method (lexical, so a proxy — a paraphrase can be missed and a negation can slip through):

1. Split the answer into sentences; each sentence with at least ``MIN_CLAIM_TOKENS`` content
   tokens is a *claim* (greetings and "Sure!" are not).
2. Content tokens are lower-cased words and numbers, without stop words, with a plural ``s``
   removed (``cells`` and ``cell`` match).
3. A claim is *supported* when at least `min_overlap` of its content tokens occur in the
   context and every number in it occurs in the context (invented figures are a common
   hallucination).
4. The score is supported claims / claims (1.0 for an answer with no claims).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

MIN_CLAIM_TOKENS: Final = 2
_WORD: Final = re.compile(r"[^\W_]+(?:[.,]\d+)*", re.UNICODE)
_SENTENCE: Final = re.compile(r"(?<=[.!?])\s+|\n+")
_STOP = """a an the and or but if then else of to in on at by for with from as is are was were be
    been being it its this that these those there here which who whom whose what when where why
    how i you he she we they me him her us them my your his our their not no yes do does did
    done so such than too very can could would should will shall may might must also just only
    about into over under again more most some any all each both few other own same s t has
    have had having am sure okay ok well"""
STOP_WORDS: Final = frozenset(_STOP.split())


@dataclass(frozen=True)
class Claim:
    """One answer sentence, and whether the context supports it."""

    text: str
    overlap: float
    supported: bool
    missing_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Support:
    """How much of an answer its context supports; `score` is supported claims / claims."""

    claims: tuple[Claim, ...]
    score: float

    @property
    def unsupported(self) -> tuple[Claim, ...]:
        """The claims the context does not support."""
        return tuple(c for c in self.claims if not c.supported)


def content_tokens(text: str) -> list[str]:
    """Lower-cased content words and numbers of `text` (stop words out, plural s stripped)."""
    out = []
    for token in _WORD.findall(text.lower()):
        token = token.replace(",", "") if token[0].isdigit() else token
        if token in STOP_WORDS:
            continue
        if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
            token = token[:-1]
        out.append(token)
    return out


def support(answer: str, context: str, min_overlap: float = 0.6) -> Support:
    """Which sentences of `answer` the `context` supports (see the module docstring)."""
    known = set(content_tokens(context))
    claims = []
    for sentence in (s.strip() for s in _SENTENCE.split(answer)):
        tokens = content_tokens(sentence)
        if len(tokens) < MIN_CLAIM_TOKENS:
            continue
        overlap = sum(1 for t in tokens if t in known) / len(tokens)
        missing = tuple(t for t in tokens if t[0].isdigit() and t not in known)
        claims.append(Claim(sentence, overlap, overlap >= min_overlap and not missing, missing))
    score = sum(c.supported for c in claims) / len(claims) if claims else 1.0
    return Support(tuple(claims), score)
