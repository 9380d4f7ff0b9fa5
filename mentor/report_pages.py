"""The Jinja environment for the HTML that reports are made of: the standalone files
(``mentor qa scan --html``, ``mentor quality report --html``) and the fragments the web app's
pages embed share these templates, under ``mentor/web/templates/reports/``.

Autoescaped: text from data (record ids, evidence, annotator names) is escaped by the template;
only chart SVG from :mod:`mentor.charts` (escaped as it is built) goes in as markup. No template
writes a ``style`` attribute, so every page works under the app's ``style-src 'self'``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES: Final = Path(__file__).parent / "web" / "templates"


@cache
def environment() -> Environment:
    """The report templates' environment (autoescaped, loaded once)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    """`template` (a path under ``web/templates``, such as ``reports/qa.html``) rendered."""
    return environment().get_template(template).render(**context)
