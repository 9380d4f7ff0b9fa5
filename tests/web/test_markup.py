"""Untrusted text becomes readable, inert HTML."""

from __future__ import annotations

import re

import pytest

from mentor.web.markup import chat_markdown, markdown, message_content

from .payloads import XSS_PAYLOADS


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_come_out_without_active_markup(payload: str) -> None:
    html = str(chat_markdown(payload))
    assert "<script" not in html.lower()
    assert not re.search(r"<[^>]+\son\w+\s*=", html, re.I)  # no event handler attributes
    assert not re.search(r"""<a\b[^>]*href\s*=\s*["']?\s*(javascript|data|vbscript):""", html, re.I)
    assert not re.search(r"<(iframe|svg|math|img|style|details)\b", html, re.I)


def test_markdown_keeps_formatting_code_and_safe_links() -> None:
    html = str(
        chat_markdown("**bold** `x < y`\n\n```py\nprint('<b>')\n```\n[docs](https://a.example)")
    )
    assert "<strong>bold</strong>" in html
    assert "<code>x &lt; y</code>" in html
    assert "<pre><code>print('&lt;b&gt;')\n</code></pre>" in html
    assert '<a href="https://a.example" rel="noopener noreferrer nofollow">docs</a>' in html


def test_chat_keeps_single_line_breaks_and_documents_do_not() -> None:
    assert "one<br>" in str(chat_markdown("one\ntwo"))
    assert "<br>" not in str(markdown("one\ntwo"))


def test_images_are_not_fetched_but_named() -> None:
    assert (
        str(chat_markdown("![a cat](https://tracker.example/p.png)")) == "<p>[image: a cat]</p>\n"
    )


def test_table_alignment_uses_classes_not_inline_style() -> None:
    html = str(markdown("| a | n |\n|---|--:|\n| x | 1 |"))
    assert '<td class="align-right">1</td>' in html and "style" not in html


def test_content_parts_render_text_and_name_the_rest() -> None:
    html = str(message_content([{"type": "text", "text": "*hi*"}, {"type": "image_url"}]))
    assert "<em>hi</em>" in html and "[image_url part]" in html
    assert str(message_content(None)) == ""
