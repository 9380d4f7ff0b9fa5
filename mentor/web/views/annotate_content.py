"""Item content on annotation pages: chat text as sanitised Markdown, images, and the span
task's text with its marked spans.

An item may carry images as content parts. The page never lets the browser fetch a URL an item
names: only images embedded in the item as ``data:`` URLs of PNG, JPEG, GIF or WebP (whose bytes
really are that format) are shown, and they are served back by a route of Mentor's own (so the
CSP can stay ``img-src 'self'``). Every other image part is named, not shown.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Final

from fastapi.responses import Response
from markupsafe import Markup, escape

from mentor.errors import NotFoundError
from mentor.web import markup

MIME_TYPES: Final = ("image/png", "image/jpeg", "image/gif", "image/webp")
_DATA_URL: Final = re.compile(r"data:(image/[a-z]+);base64,([A-Za-z0-9+/=\s]+)", re.DOTALL)
_MAX_BYTES: Final = 10 * 1024 * 1024


@dataclass(frozen=True)
class Image:
    """An image embedded in an item, ready to serve."""

    mime: str
    data: bytes


def _magic_matches(mime: str, data: bytes) -> bool:
    """Whether the bytes start as the format says (an SVG called PNG is refused)."""
    if mime == "image/png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if mime == "image/jpeg":
        return data.startswith(b"\xff\xd8\xff")
    if mime == "image/gif":
        return data.startswith((b"GIF87a", b"GIF89a"))
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def _url_of(part: dict[str, Any]) -> str | None:
    """The URL of an image part: OpenAI's ``image_url`` or Anthropic's base64 ``image``."""
    if part.get("type") == "image_url":
        inner = part.get("image_url")
        url = inner.get("url") if isinstance(inner, dict) else inner
        return url if isinstance(url, str) else None
    source = part.get("source")
    if not (part.get("type") == "image" and isinstance(source, dict)):
        return None
    if source.get("type") == "base64" and isinstance(source.get("data"), str):
        return f"data:{source.get('media_type')};base64,{source['data']}"
    return None


def decode(part: dict[str, Any]) -> Image | None:
    """The image a content part embeds, or None when it is not one Mentor shows."""
    url = _url_of(part)
    found = _DATA_URL.fullmatch(url.strip()) if url else None
    if found is None or found.group(1) not in MIME_TYPES:
        return None
    try:
        data = base64.b64decode(re.sub(r"\s+", "", found.group(2)), validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(data) > _MAX_BYTES or not _magic_matches(found.group(1), data):
        return None
    return Image(found.group(1), data)


def _is_image(part: Any) -> bool:
    return isinstance(part, dict) and part.get("type") in ("image_url", "image")


def image_parts(view: Any) -> list[dict[str, Any]]:
    """Every image part of a view, in a fixed order (what the pages number images by)."""
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if _is_image(value):
            found.append(value)
        elif isinstance(value, dict):
            for key in sorted(value):
                walk(value[key])
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(view)
    return found


def with_image_links(view: Any, base: str) -> Any:
    """A copy of `view` whose showable image parts carry ``mentor_src``: ``{base}/{n}``."""
    count = 0

    def walk(value: Any) -> Any:
        nonlocal count
        if _is_image(value):
            number, count = count, count + 1
            return {**value, "mentor_src": f"{base}/{number}"} if decode(value) else value
        if isinstance(value, dict):
            return {key: walk(value[key]) for key in sorted(value)}
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    return walk(view)


def image_response(view: Any, number: int) -> Response:
    """Image `number` of a view as a response of its own content type."""
    parts = image_parts(view)
    image = decode(parts[number]) if 0 <= number < len(parts) else None
    if image is None:
        raise NotFoundError(f"this item has no image {number} that Mentor shows")
    headers = {"Content-Disposition": "inline", "Cache-Control": "private, max-age=600"}
    return Response(image.data, media_type=image.mime, headers=headers)


def content(value: Any) -> Markup:
    """A message's content as HTML: text as sanitised Markdown, linked images, other parts named."""
    if value is None:
        return Markup("")
    if isinstance(value, str):
        return markup.chat_markdown(value)
    parts = []
    for part in value:
        if not isinstance(part, dict):
            continue
        if part.get("type") == "text" and isinstance(part.get("text"), str):
            parts.append(markup.chat_markdown(part["text"]))
        elif _is_image(part) and isinstance(part.get("mentor_src"), str):
            parts.append(
                Markup(
                    '<figure class="item-image"><img src="{}" alt="image in the item"></figure>'
                ).format(part["mentor_src"])
            )
        elif _is_image(part):
            parts.append(
                Markup(
                    '<p class="part">[image not shown: only PNG, JPEG, GIF or WebP images '
                    "embedded in the item are]</p>"
                )
            )
        else:
            parts.append(Markup('<p class="part">[{} part]</p>').format(part.get("type")))
    return Markup("").join(parts)


def _fits(span: Any, length: int) -> bool:
    """Whether `span` is a dict with whole-number offsets [start, end) inside the text."""
    if not isinstance(span, dict):
        return False
    start, end = span.get("start"), span.get("end")
    if not (isinstance(start, int) and isinstance(end, int)):
        return False
    if isinstance(start, bool) or isinstance(end, bool):
        return False
    return 0 <= start < end <= length


def marked_text(text: Any, spans: Any) -> Markup:
    """The span task's text with every marked span in a ``<mark>`` naming its labels.

    The text is cut at the spans' offsets (characters, as the spans task counts them) and each
    piece is escaped on its own, so nothing in the text becomes markup; the page's text content
    stays exactly the item's text, so selecting in it still gives the same offsets. Spans that do
    not fit the text are left out; overlapping spans split into pieces carrying every label.
    """
    if not isinstance(text, str):
        return Markup("")
    marks = [s for s in spans if _fits(s, len(text))] if isinstance(spans, list) else []
    cuts = sorted({0, len(text), *(s["start"] for s in marks), *(s["end"] for s in marks)})
    pieces = []
    for start, end in pairwise(cuts):
        labels = [str(s.get("label", "")) for s in marks if s["start"] <= start and end <= s["end"]]
        if labels:
            pieces.append(
                Markup('<mark class="span-mark" title="{}">{}</mark>').format(
                    ", ".join(labels), text[start:end]
                )
            )
        else:
            pieces.append(escape(text[start:end]))
    return Markup("").join(pieces)
