"""Rendering pages: the Jinja2 environment (autoescaped), its filters, the response helper."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import orjson
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    TemplateNotFound,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup

from mentor.accounts import Permission, User
from mentor.annotate.tasks import task_type
from mentor.errors import InputError
from mentor.web import markup, nav, refs
from mentor.web.session import CSRF_FIELD, signed_in

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


@pass_context
def _me(context: Context) -> User | None:
    """The signed-in user of the page being rendered (None for nobody)."""
    visitor = signed_in(context["request"])
    return visitor.user if visitor else None


@pass_context
def _csrf_field(context: Context) -> Markup:
    """The hidden field every form posting back to Mentor must carry."""
    token = context.get("csrf_token")
    if token is None:
        visitor = signed_in(context["request"])
        token = visitor.csrf_token if visitor else ""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


@pass_context
def _nav_links(context: Context) -> list[nav.NavLink]:
    return nav.links_for(_me(context))


class TaskTypeLoader(BaseLoader):
    """``tasktype/NAME/FILE``: FILE from the templates folder task type NAME ships with."""

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        prefix, _, rest = template.partition("/")
        name, _, file = rest.partition("/")
        if prefix != "tasktype" or not name or not file:
            raise TemplateNotFound(template)
        try:
            folder = task_type(name).templates
        except InputError:
            raise TemplateNotFound(template) from None
        return FileSystemLoader(folder).get_source(environment, file)


def _environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES), TaskTypeLoader()]),
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
        me=_me,
        csrf_field=_csrf_field,
        nav_links=_nav_links,
        Permission=Permission,
    )
    return env


ENV: Final = _environment()


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `template` with `context` (plus the request, for the nav) as an HTML response."""
    html = ENV.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)
