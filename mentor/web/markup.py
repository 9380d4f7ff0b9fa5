"""Untrusted text (record messages, datasheets) as safe HTML: Markdown without raw HTML, sanitised.

Record content includes red-teaming prompts and could include XSS payloads, so there are two
layers: markdown-it renders with raw HTML off (tags come out as text, ``javascript:`` links are not
made), then nh3 keeps only the tags and URL schemes listed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

_TAGS: Final = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES: Final = {"a": {"href", "title"}, "ol": {"start"}}
_CLASSES: Final = {cell: {"align-right", "align-center"} for cell in ("td", "th")}
_SCHEMES: Final = {"http", "https", "mailto"}

# Chat turns keep their line breaks; documents follow CommonMark paragraphs.
_CHAT: Final = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(
    ["table", "strikethrough"]
)
_DOC: Final = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _adjust(tokens: Sequence[Token]) -> None:
    """Table alignment comes as inline style, which the CSP blocks: use a class instead.

    Images become their alt text, so that viewing a record never fetches a URL it names.
    """
    for token in tokens:
        style = token.attrs.pop("style", None) if token.type in ("th_open", "td_open") else None
        if isinstance(style, str) and style.startswith("text-align:"):
            token.attrs["class"] = "align-" + style.removeprefix("text-align:")
        for child in token.children or ():
            if child.type == "image":
                child.type, child.tag, child.children = "text", "", None
                child.content = f"[image: {child.content or child.attrGet('src')}]"


def _render(md: MarkdownIt, text: str) -> Markup:
    tokens = md.parse(text)
    _adjust(tokens)
    html = md.renderer.render(tokens, md.options, {})
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # safe to mark: nh3 kept only the tags and schemes above


def markdown(text: str) -> Markup:
    """A Markdown document (a datasheet) as sanitised HTML."""
    return _render(_DOC, text)


def chat_markdown(text: str) -> Markup:
    """One chat message's text as sanitised HTML; single newlines are kept as line breaks."""
    return _render(_CHAT, text)


def message_content(content: Any) -> Markup:
    """A message's ``content``: text, or content parts (text rendered, the others named)."""
    if content is None:
        return Markup("")
    if isinstance(content, str):
        return chat_markdown(content)
    parts = []
    for part in content:
        if part.get("type") == "text" and isinstance(part.get("text"), str):
            parts.append(chat_markdown(part["text"]))
        else:
            parts.append(Markup('<p class="part">[{} part]</p>').format(part.get("type")))
    return Markup("").join(parts)
