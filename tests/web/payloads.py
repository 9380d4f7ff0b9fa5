"""Classic XSS payloads, and a small dataset of chats made of them."""

from __future__ import annotations

from pathlib import Path

import orjson

# Every payload here would set window.__xss or open a dialog if the page ran it.
XSS_PAYLOADS = [
    "<script>window.__xss = 1</script>",
    '<img src=x onerror="window.__xss = 1">',
    "<svg onload=alert(1)>",
    '<a href="javascript:window.__xss = 1">click me</a>',
    "[click me](javascript:window.__xss=1)",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](data:text/html,<script>alert(1)</script>)",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<details open ontoggle=alert(1)>",
    '"><script>alert(1)</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '![x](x" onerror="alert(1))',
    "```html\n<script>alert('in a code block')</script>\n```",
    "{{ 7 * 7 }} and {% raw %}",
]
XSS_ID = 'x"><img src=x onerror=alert(1)>'
XSS_FILE = "x<svg onload=alert(1)>.jsonl"  # the file name shows up in the lineage drawing


def write_xss_file(folder: Path) -> Path:
    """Write the payloads as a JSONL file of SFT chats (user and assistant say each one)."""
    rows = [
        {
            "id": f"xss-{i}",
            "messages": [
                {"role": "user", "content": payload},
                {"role": "assistant", "content": payload},
            ],
        }
        for i, payload in enumerate(XSS_PAYLOADS)
    ]
    rows.append(
        {
            "id": XSS_ID,
            "messages": [{"role": "user", "content": "id in an attribute"}],
            "tags": ["<script>alert(1)</script>"],
        }
    )
    path = folder / XSS_FILE
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path
