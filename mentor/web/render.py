"""Rendering pages: the Jinja2 environment (autoescaped), its filters, the response helper."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import orjson
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from mentor.web import markup, refs

TEMPLATES: Final = Path(__file__).parent / "templates"
STATIC: Final = Path(__file__).parent / "static"


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else "—"


def _number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {kind}" for kind, n in counts.items()) or "—"


def _pretty_json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()


def _inline_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        markdown=markup.markdown,
        content=markup.message_content,
        when=_when,
        number=_number,
        kinds=_kinds,
        pretty_json=_pretty_json,
        inline_json=_inline_json,
    )
    env.globals.update(
        dataset_path=refs.dataset_path,
        version_path=refs.version_path,
        short_ref=refs.short_ref,
    )
    return env


ENV: Final = _environment()


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `template` with `context` (plus the request, for the nav) as an HTML response."""
    html = ENV.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)
