"""Secrets handed to people (session cookies, API tokens) and the digests the store keeps."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_secret(prefix: str = "") -> str:
    """A fresh random secret (256 bits, URL-safe), optionally with a recognisable prefix."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What the store keeps instead of `secret`: its SHA-256, hex.

    The secrets are random and long, so a fast hash is enough: nobody can guess one back.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def derived(secret: str, purpose: str) -> str:
    """A value bound to `secret` for one `purpose` (e.g. a CSRF token for a session)."""
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Compare two secrets in constant time."""
    return hmac.compare_digest(a.encode(), b.encode())
