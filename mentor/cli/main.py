"""The `mentor` command: sub-commands per area; errors become one clear line and an exit code.

Each area's commands live in their own module and pull in their part of the SDK. A command
line that names an area imports only that area, so ``mentor eval gate`` does not pay for the
web server, the demo or the statistics (about half a second and 90 MB); ``mentor --version``
loads none; ``mentor --help`` and an unknown command load them all.
"""

from __future__ import annotations

import importlib
import inspect
import re
import signal
import sys
from types import FrameType
from typing import Annotated, Any, Final

import typer

from mentor import __version__
from mentor.config import load_settings
from mentor.errors import InputError, MentorError
from mentor.store.ids import LARGEST_ID

# name on the command line: (module in mentor.cli, its Typer group "app" or a command function)
COMMANDS: Final[dict[str, tuple[str, str]]] = {
    "datasets": ("datasets", "app"),
    "qa": ("qa", "app"),
    "users": ("users", "app"),
    "projects": ("projects", "app"),
    "eval": ("evals", "app"),
    "generate": ("generate", "generate"),
    "train": ("train", "app"),
    "providers": ("providers", "app"),
    "judges": ("judges", "app"),
    "quality": ("quality", "app"),
    "analysis": ("analysis", "app"),
    "report": ("report", "app"),
    "feedback": ("feedback", "app"),
    "agreement": ("agreement", "agreement"),
    "audit": ("audit", "audit"),
    "serve": ("serve", "serve"),
    "demo": ("demo", "demo"),
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mentor {__version__}")
        raise typer.Exit


def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Mentor's command line."""


def _reflow(text: str) -> str:
    """A docstring's paragraphs each as one line, so help wraps them to the terminal instead of
    keeping the source's line breaks mid-sentence."""
    return "\n\n".join(re.sub(r"\s*\n\s*", " ", p.strip()) for p in text.split("\n\n"))


def _reflow_help(app: typer.Typer) -> None:
    """Reflow the docstring help of every command under `app`."""
    for command in app.registered_commands:
        doc = inspect.getdoc(command.callback) if command.callback else None
        if command.help is None and doc:
            command.help = _reflow(doc)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _reflow_help(group.typer_instance)


def build_app(only: str | None = None) -> typer.Typer:
    """The `mentor` command with every area, or only the area `only` (a key of COMMANDS, or
    NO_AREA for none)."""
    root = typer.Typer(
        name="mentor",
        help="Mentor: create, check, version and export the data that trains LLMs with human "
        "judgment.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    root.callback()(_root)
    for name, (module, attr) in COMMANDS.items():
        if only is not None and name != only:
            continue
        found = getattr(importlib.import_module(f"mentor.cli.{module}"), attr)
        if attr == "app":
            root.add_typer(found, name=name)
        else:
            root.command(name)(found)
    _reflow_help(root)
    return root


NO_AREA: Final = ""


def _area(args: list[str]) -> str | None:
    """The area the command line starts with, if it is a known one; NO_AREA when it only asks
    for the version; None (every area loads) otherwise."""
    if args and args[0] in COMMANDS:
        return args[0]
    return NO_AREA if args == ["--version"] else None


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole command tree, for the docs generator and tests
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _debugging() -> bool:
    """MENTOR_DEBUG, read even when another setting is not usable (that is the error shown)."""
    try:
        return load_settings().debug
    except MentorError:
        return False


_STOPPED_BY: list[int] = []  # the termination signal received, if any


def _stop(signum: int, frame: FrameType | None) -> None:
    _STOPPED_BY.append(signum)
    on_ctrl_c = signal.getsignal(signal.SIGINT)
    if callable(on_ctrl_c):  # Python's (raises KeyboardInterrupt) or asyncio's (cancels)
        on_ctrl_c(signal.SIGINT, frame)
    else:
        raise KeyboardInterrupt


def _stop_cleanly_on_termination() -> None:
    """SIGTERM and SIGHUP (``kill``, ``timeout``, a closed terminal) end the command exactly as
    Ctrl-C does, by calling the SIGINT handler: whoever handles Ctrl-C at that moment (Python's
    KeyboardInterrupt, or asyncio, which cancels its tasks in order) handles them, and what the
    command was writing is removed by its ``finally`` blocks, not left behind half-written as
    the default handlers (which end the process at once) would. See :func:`run`."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)


def run(app: typer.Typer, args: list[str]) -> None:
    """Run `app` on `args`; a command ended by SIGTERM or SIGHUP exits with 128 + the signal's
    number, as a process killed by it would, instead of Ctrl-C's status."""
    try:
        app(args=args, prog_name="mentor")
    except (SystemExit, KeyboardInterrupt):
        if _STOPPED_BY:
            raise SystemExit(128 + _STOPPED_BY[0]) from None
        raise


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning MentorError into a message and its exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    _stop_cleanly_on_termination()
    try:
        try:
            run(build_app(_area(args)), args)
        except OverflowError as exc:
            # A number typed on the command line that no database integer can hold (an id,
            # a --limit): the driver refuses it before anything is written.
            raise InputError(
                f"a number on the command line is too large ({exc}); ids and counts are at most "
                f"{LARGEST_ID:,}"
            ) from exc
    except MentorError as exc:
        if _debugging():
            raise
        from mentor.cli import render

        render.error(str(exc))
        sys.exit(exc.exit_code)
