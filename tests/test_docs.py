"""Docs that cannot drift: generated pages are current, every command and setting is documented,
links resolve, and the README's tour, the SDK examples and the documented recipes really run."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import mentor
from mentor.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
GENERATED = ("cli.md", "settings.md")
DEMO_DATA = "mentor/demo/"

_BLOCK = re.compile(r"^```(\w*)([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _load_generator() -> ModuleType:
    script = ROOT / "scripts" / "gen_cli_docs.py"
    spec = importlib.util.spec_from_file_location("gen_cli_docs", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _handwritten() -> str:
    """README and the docs pages people write (not the generated ones)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in _pages() if p.name not in GENERATED)


def _blocks(page: Path, lang: str) -> list[tuple[str, str]]:
    """(info after the language, body) of each fenced block in `lang` on `page`."""
    text = page.read_text(encoding="utf-8")
    return [(info.strip(), body) for fence, info, body in _BLOCK.findall(text) if fence == lang]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENTOR_")}
    env.update(
        MENTOR_DB=f"sqlite:///{tmp_path / 'mentor.db'}",
        MENTOR_HOME=str(tmp_path / ".m"),
        MENTOR_USER="docs-test",
        COLUMNS="100",
        NO_COLOR="1",
    )
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _runnable(code: str) -> str:
    """Point the examples' repository-relative paths at this checkout."""
    return code.replace(DEMO_DATA, f"{ROOT.as_posix()}/{DEMO_DATA}")


# Generated pages ----------------------------------------------------------------------------


def test_generated_pages_are_current() -> None:
    stale = [str(p.relative_to(ROOT)) for p in gen.stale()]
    assert not stale, f"{', '.join(stale)} out of date; run: python scripts/gen_cli_docs.py"


def test_check_mode_fails_on_a_stale_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "cli.md"
    monkeypatch.setattr(gen, "TARGETS", {page: gen.render_cli})
    assert gen.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0


def test_generated_help_ignores_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    before = gen.render_cli()
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("MENTOR_DB", "sqlite:////elsewhere/other.db")
    assert gen.render_cli() == before


# Everything is documented -------------------------------------------------------------------


def test_every_command_has_help() -> None:
    missing = [c.name for c in gen.commands() if not (c.command.help or "").strip()]
    assert not missing, f"commands without a help text (a docstring): {missing}"


def test_new_options_have_help() -> None:
    missing = {
        f"{c.name} {param.opts[0] if param.opts else param.name}"
        for c in gen.commands()
        for param in c.command.params
        if not (getattr(param, "help", None) or "").strip()
    }
    assert not missing, f"options without help=...: {sorted(missing)}"


def test_every_command_is_in_the_reference_and_the_prose() -> None:
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    prose = _handwritten()
    for command in gen.commands():
        assert f"## `{command.name}`" in reference, f"{command.name} missing from docs/cli.md"
        assert command.name in prose, (
            f"`{command.name}` is not mentioned in README.md or docs/*.md (besides the "
            "generated reference); say what it is for"
        )


def test_every_setting_is_documented() -> None:
    reference = (DOCS / "settings.md").read_text(encoding="utf-8")
    prose = _handwritten()
    prefix = Settings.model_config.get("env_prefix", "").upper()
    for name, field in Settings.model_fields.items():
        env = f"{prefix}{name.upper()}"
        assert f"`{env}`" in reference, f"{env} missing from docs/settings.md"
        assert field.description, f"Settings.{name} needs a description="
        assert env in prose, f"{env} is not mentioned in README.md or docs/*.md; say when to set it"


def test_readme_has_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text
    assert "make test" in text


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    prose = _BLOCK.sub("", text)
    headings = {_slug(h) for h in re.findall(r"^#+ (.+)$", prose, re.MULTILINE)}
    return headings | set(re.findall(r'<a id="([^"]+)"', text))


def test_links_between_pages_resolve() -> None:
    broken = []
    for page in _pages():
        for target in _LINK.findall(_BLOCK.sub("", page.read_text(encoding="utf-8"))):
            if re.match(r"^[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            path = (page.parent / file).resolve() if file else page
            if not path.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, broken


# The examples run ---------------------------------------------------------------------------


def test_readme_cli_tour_runs_and_prints_what_it_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mentor.cli.main import main

    tour = next(body for _, body in _blocks(README, "bash") if "mentor datasets import" in body)
    for key, value in _env(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    for line in _runnable(tour).splitlines():
        argv = shlex.split(line, comments=True)
        if not argv:
            continue
        assert argv[0] == "mentor", f"the tour should only run mentor commands: {line}"
        try:
            main(argv[1:])
        except SystemExit as exc:  # Typer may exit even on success
            if exc.code not in (0, None):
                pytest.fail(f"`{line}` exited with {exc.code}: {capsys.readouterr().err}")
    printed = capsys.readouterr().out
    shown = next(body for _, body in _blocks(README, "text") if "→" in body)
    for line in shown.splitlines():
        assert line in printed, f"README shows {line!r}; the tour printed:\n{printed}"
    assert (tmp_path / "hh-v2.dpo.jsonl").stat().st_size > 0
    assert (tmp_path / "hh-v2.datasheet.md").read_text(encoding="utf-8").startswith("# Datasheet")


def test_python_examples_run(tmp_path: Path) -> None:
    examples = [(page, body) for page in _pages() for _, body in _blocks(page, "python")]
    assert examples
    for number, (page, code) in enumerate(examples):
        folder = tmp_path / str(number)
        folder.mkdir()
        run = subprocess.run(
            [sys.executable, "-c", _runnable(code)],
            cwd=folder,
            env=_env(folder),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, f"python example in {page.name} failed:\n{run.stderr}"


def _files(page: Path, folder: Path) -> None:
    for info, body in _blocks(page, "json") + _blocks(page, "yaml"):
        if info.startswith("file="):
            (folder / info.removeprefix("file=")).write_text(body, encoding="utf-8")


def test_documented_records_and_map_file_import_as_shown(tmp_path: Path) -> None:
    page = DOCS / "datasets.md"
    _files(page, tmp_path)
    expected = next(
        json.loads(body) for info, body in _blocks(page, "json") if info == "expect=support-ratings"
    )
    with mentor.connect(f"sqlite:///{tmp_path / 'm.db'}") as ws:
        kinds = ws.datasets.import_file(tmp_path / "records.jsonl", "kinds")
        assert kinds.rejected == 0
        assert set(kinds.version.kind_counts) == {"sft", "preference", "ranking", "rating"}
        mapped = ws.datasets.import_file(
            tmp_path / "reviews.jsonl", "support-ratings", map_file=tmp_path / "reviews-map.yaml"
        )
        assert next(ws.datasets.records(mapped.version.ref)) == expected


def test_content_hash_recipe_matches_mentor(tmp_path: Path) -> None:
    page = DOCS / "datasets.md"
    _files(page, tmp_path)
    recipe = next(body for _, body in _blocks(page, "python") if "def content_hash" in body)
    namespace: dict[str, object] = {}
    exec(recipe, namespace)
    recompute = namespace["content_hash"]
    assert callable(recompute)
    with mentor.connect(f"sqlite:///{tmp_path / 'm.db'}") as ws:
        imports = [
            ws.datasets.import_file(tmp_path / "records.jsonl", "kinds"),
            ws.datasets.import_file(
                tmp_path / "reviews.jsonl", "reviews", map_file=tmp_path / "reviews-map.yaml"
            ),
        ]
        for result in imports:
            ref = result.version.ref
            exported = ws.datasets.export(ref, "jsonl", tmp_path / f"{ref}.jsonl")
            assert recompute(str(exported.path)) == result.version.content_hash
