"""Reading a JSON model API's answer safely (the OpenAI-compatible and Anthropic providers).

The body is read up to :data:`MAX_RESPONSE_BYTES`; a failing status, a redirect or an empty
body is a :class:`~mentor.providers.errors.ProviderError` that says which; and the JSON that
comes back can be stored as it is (lone surrogates, integers beyond 64 bits).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import orjson

from mentor.providers.errors import ERROR_BODY_BYTES, ProviderError, http_error
from mentor.providers.storable import storable_json

# The largest answer body read (after decompression). A chat answer is kilobytes; a bigger body
# is a misbehaving server, and reading on would cost memory many times its size.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
_LONG_DIGITS = re.compile(rb"\d{19}")  # as long as the shortest integer beyond 64 bits
_INT64 = range(-(2**63), 2**63)


@contextmanager
def http_failures(where: str) -> Iterator[None]:
    """httpx's failures as :class:`ProviderError`: a timeout or a broken connection (also in
    the middle of an answer) may be retried, a body that cannot be decompressed may not."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise ProviderError(f"{where} did not answer in time", retryable=True) from exc
    except httpx.TransportError as exc:
        raise ProviderError(f"cannot reach {where}: {exc}", retryable=True) from exc
    except httpx.DecodingError as exc:
        raise ProviderError(f"{where} sent a body that cannot be decompressed: {exc}") from exc


async def _head(response: httpx.Response, limit: int) -> bytes:
    """Up to `limit` bytes of `response`'s body, however it ends (for an error's snippet)."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
    except (httpx.DecodingError, httpx.TransportError):
        pass  # a broken error body must not hide the status
    return b"".join(chunks)[:limit]


async def _capped(response: httpx.Response, where: str) -> bytes:
    """`response`'s whole body; a :class:`ProviderError` once it passes MAX_RESPONSE_BYTES."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise ProviderError(
                f"{where} sent an answer larger than {MAX_RESPONSE_BYTES // 2**20} MiB, the most "
                "Mentor reads; check the endpoint (or lower max_tokens)"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _redirect(response: httpx.Response, where: str) -> ProviderError:
    status = response.status_code
    location = response.headers.get("location")
    if not location:
        return ProviderError(f"{where} answered HTTP {status}, a redirect with no Location")
    try:
        target = str(response.url.join(location))[:300]
    except httpx.InvalidURL:
        target = location[:300]
    return ProviderError(
        f"{where} answered HTTP {status} (redirect to {target}); give the final URL as the base URL"
    )


async def read_body(response: httpx.Response, where: str) -> bytes:
    """The body of a successful `response`, at most MAX_RESPONSE_BYTES; a :class:`ProviderError`
    for a failing status (of whose body only the start is read), a redirect (never followed)
    or an empty body. The caller closes the response, so a half-read one is not reused."""
    status = response.status_code
    if status >= 400:
        body = (await _head(response, ERROR_BODY_BYTES)).decode("utf-8", "replace")
        raise http_error(status, body, response.headers.get("retry-after"), where)
    if status >= 300:
        raise _redirect(response, where)
    data = await _capped(response, where)
    if not data.strip():
        raise ProviderError(f"{where} answered HTTP {status} with an empty body")
    return data


def _writable(value: Any) -> bool:
    try:
        orjson.dumps(value)
    except orjson.JSONEncodeError:
        return False
    return True


def _integer(text: str) -> int | str:
    """A JSON integer as an int, or as its text when beyond 64 bits (no store takes those)."""
    number = int(text) if len(text) <= 20 else None  # 20: the longest int64, with its sign
    return number if number is not None and number in _INT64 else text


def _loads(data: bytes) -> Any:
    # orjson reads an integer beyond 64 bits as a float, losing its digits, and refuses lone
    # surrogates, NaN and invalid UTF-8: those bodies go to the standard library.
    if _LONG_DIGITS.search(data) is None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data.decode("utf-8", "replace"), parse_int=_integer)


def decode_payload(data: bytes, where: str) -> dict[str, Any]:
    """The JSON object in a response body from `where`, storable as it is: lone surrogates
    become U+FFFD and integers beyond 64 bits text (only a payload orjson cannot write is
    walked). A :class:`ProviderError` when it is not JSON, not an object, or nested too deep."""
    try:
        payload = _loads(data)
        if not _writable(payload):
            payload = storable_json(payload)
            if not _writable(payload):  # what cleaning leaves unwritable is the nesting
                raise RecursionError
    except RecursionError as exc:
        raise ProviderError(f"{where} answered with JSON nested too deep to store") from exc
    except ValueError as exc:
        snippet = data[:200].decode("utf-8", "replace")
        raise ProviderError(f"{where} answered with non-JSON: {snippet}") from exc
    if not isinstance(payload, dict):
        raise ProviderError(f"{where} answered with {json_kind(payload)}, not an object")
    return payload


def json_kind(value: Any) -> str:
    """What a JSON `value` is, in JSON's words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def token_count(value: Any) -> int | None:
    """`value` if it is a plausible token count (an int from 0 to 2**63 - 1), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value
    return None


def text_parts(parts: list[Any]) -> str | None:
    """The text of content `parts` (``{"type": "text", "text": ...}``) joined in order;
    None when there are parts but none of them is text."""
    texts = [
        p["text"]
        for p in parts
        if isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str)
    ]
    return "".join(texts) if texts or not parts else None


def part_types(parts: list[Any]) -> str:
    """The types of content `parts`, for a message: "tool_use, thinking"."""
    return ", ".join(str(p.get("type")) if isinstance(p, dict) else json_kind(p) for p in parts)
