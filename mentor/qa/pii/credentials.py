"""Secrets: cloud and API keys, tokens, private key blocks, JWTs, passwords in URLs.

Each vendor's key has a fixed prefix and alphabet, so the pattern alone is precise; what it
cannot tell is a placeholder (``AKIAIOSFODNN7EXAMPLE``, ``sk-xxxx...``, ``${DB_PASSWORD}``),
and those are dropped by a look at the characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from mentor.qa.pii.detection import Detection
from mentor.qa.pii.validators import jwt_header, looks_random

# Each family of secrets: substrings ("hints") one of which every secret of it contains, and a
# substring the text must hold besides ("" for none).
_FAMILIES: Final = (
    ("aws", "", ("AKIA", "ASIA")),
    ("google", "", ("AIza",)),
    ("github", "", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    ("stripe", "", ("k_live_",)),
    ("aws_secret", "", ("aws_secret", "AWS_SECRET", "aws_Secret", "awsSecret", "AwsSecret")),
    ("slack", "-", ("xox",)),
    ("sk", "", ("sk-",)),
    ("jwt", "", ("eyJ",)),
    ("key", "", ("PRIVATE KEY",)),
    ("url", "", ("://",)),
)
_NEEDS: Final = {family: needs for family, needs, _ in _FAMILIES}
# Every hint has a character that prose seldom holds; the search for the hints jumps from one
# such character to the next and looks around it, where testing each hint would scan the
# whole text once per hint.
_RARE: Final = "_-:JzKSx"


def _anchor(hint: str) -> int:
    return min(hint.index(ch) for ch in _RARE if ch in hint)


def _hint_pattern(hint: str) -> str:
    """What must stand around the hint's rare character (just matched) for the hint to be
    there; an empty group then says which hint it was."""
    at = _anchor(hint)
    before, after = re.escape(hint[: at + 1]), re.escape(hint[at + 1 :])
    return (f"(?<={before})" if at else "") + (f"(?={after})" if after else "") + "()"


def _hints() -> tuple[re.Pattern[str], dict[int | None, str]]:
    """One pattern for all hints, and the family of the hint each of its groups stands for.

    Each match takes only a rare character, so that no hint hides another; the hints sharing
    one are tried after it (no two of them can stand at the same place).
    """
    branches: list[str] = []
    families: dict[int | None, str] = {}
    for ch in _RARE:
        alternatives = []
        for family, _, hints in _FAMILIES:
            for hint in hints:
                if hint[_anchor(hint)] == ch:
                    alternatives.append(_hint_pattern(hint))
                    families[len(families) + 1] = family
        branches.append(re.escape(ch) + "(?:" + "|".join(alternatives) + ")")
    return re.compile("|".join(branches)), families


_HINTS, _HINT_FAMILIES = _hints()


@dataclass(frozen=True, slots=True)
class _Token:
    code: str
    gate: str  # the family (in _FAMILIES) whose substrings every match contains
    pattern: re.Pattern[str]
    min_distinct: int


# Each pattern opens with its literal prefix and checks the character before it with a
# lookbehind placed after it (``sk-(?<![\w\-]sk-)``, not ``(?<![\w\-])sk-``): the engine then
# jumps from one "sk-" to the next instead of testing the lookbehind at every position.
_TOKENS: Final = (
    _Token(
        "aws-access-key",
        "aws",
        re.compile(r"A(?:KIA|SIA)(?<![A-Z0-9]A...)[A-Z0-9]{16}(?![A-Z0-9])"),
        6,
    ),
    _Token(
        "aws-secret-key",
        "aws_secret",
        re.compile(
            r"(?i:aws_?secret_?(?:access_?)?key)[\"']?\s*[:=]\s*[\"']?"
            r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
        ),
        12,
    ),
    _Token(
        "github-token",
        "github",
        re.compile(
            r"g(?<![A-Za-z0-9_]g)(?:h[pousr]_[A-Za-z0-9]{36,251}|ithub_pat_[A-Za-z0-9_]{60,255})"
            r"(?![A-Za-z0-9_])"
        ),
        12,
    ),
    _Token(
        "slack-token",
        "slack",
        re.compile(r"xox(?<![A-Za-z0-9]xox)[abposr]-[A-Za-z0-9\-]{10,250}"),
        8,
    ),
    _Token(
        "google-api-key",
        "google",
        re.compile(r"AIza(?<![\w\-]AIza)[0-9A-Za-z_\-]{35}(?![\w\-])"),
        12,
    ),
    _Token(
        "anthropic-key",
        "sk",
        re.compile(r"sk-ant-(?<![\w\-]sk-ant-)[a-z0-9]+-[A-Za-z0-9_\-]{32,}(?![\w\-])"),
        12,
    ),
    _Token(
        "openai-key",
        "sk",
        re.compile(r"sk-(?<![\w\-]sk-)(?!ant-)(?:[a-z]+-)?[A-Za-z0-9_\-]{20,}(?![\w\-])"),
        12,
    ),
    _Token(
        "stripe-key",
        "stripe",
        re.compile(r"[sr]k_live_(?<![\w\-][sr]k_live_)[A-Za-z0-9]{20,}(?![\w\-])"),
        10,
    ),
    _Token(
        "jwt",
        "jwt",
        re.compile(
            r"(?P<header>eyJ(?<![\w\-]eyJ)[A-Za-z0-9_\-]{5,})\.eyJ[A-Za-z0-9_\-]{5,}"
            r"\.[A-Za-z0-9_\-]{16,}(?![\w\-])"
        ),
        10,
    ),
)

_NOT_TOKENS: Final = frozenset({"key", "url"})  # the families not in _TOKENS
_KEY_BEGIN: Final = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----")
_KEY_BODY: Final = re.compile(r"(?:\r?\n(?:[A-Za-z0-9+/=]{8,}|[A-Za-z\-]+: .*))+")
# user:password@host right after a "://" (matched from each "://" found by str.find).
_USERINFO: Final = re.compile(r"[^\s:/?#@\[\]]+:(?P<password>[^\s/?#@\[\]]+)@[A-Za-z0-9.\-\[\]]+")
_PLACEHOLDER_PASSWORDS: Final = frozenset(
    [
        "password",
        "pass",
        "passwd",
        "pwd",
        "pw",
        "secret",
        "changeme",
        "mypassword",
        "yourpassword",
        "test",
        "example",
    ]
)


def _tokens(text: str, families: set[str]) -> Iterator[Detection]:
    for token in _TOKENS:
        if token.gate not in families:
            continue
        for m in token.pattern.finditer(text):
            group = "secret" if token.code == "aws-secret-key" else 0
            start, end = m.span(group)
            if not looks_random(text[start:end], min_distinct=token.min_distinct):
                continue
            if token.code == "jwt" and not jwt_header(m.group("header")):
                continue
            if token.code == "slack-token" and not any(ch.isdigit() for ch in m.group()):
                continue
            yield Detection(token.code, start, end)


def _private_keys(text: str) -> Iterator[Detection]:
    for m in _KEY_BEGIN.finditer(text):
        end_marker = f"-----END {m.group(1)}PRIVATE KEY{m.group(2) or ''}-----"
        stop = text.find(end_marker, m.end())
        if stop >= 0:
            yield Detection("private-key", m.start(), stop + len(end_marker))
        else:  # cut off before its END line: take the header and the base64 lines after it
            body = _KEY_BODY.match(text, m.end())
            yield Detection("private-key", m.start(), body.end() if body else m.end())


def _url_passwords(text: str) -> Iterator[Detection]:
    at = text.find("://")
    while at >= 0:
        m = _USERINFO.match(text, at + 3)
        at = text.find("://", at + 3)
        if m is None:
            continue
        password = m.group("password")
        if (
            password.lower() in _PLACEHOLDER_PASSWORDS
            or password[0] in "$<{%*"
            or len(set(password)) == 1
        ):
            continue
        yield Detection("url-password", *m.span("password"))


def secrets(text: str) -> list[Detection]:
    """Every secret in `text`."""
    families = {_HINT_FAMILIES[m.lastindex] for m in _HINTS.finditer(text)}
    if families:
        families = {family for family in families if _NEEDS[family] in text}
    if not families:
        return []
    found = list(_tokens(text, families)) if families - _NOT_TOKENS else []
    if "key" in families:
        found += _private_keys(text)
    if "url" in families:
        found += _url_passwords(text)
    return found
