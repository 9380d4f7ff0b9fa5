"""`mentor generate`: candidate responses for people to rank, as a new dataset version."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Concurrency, Db, Json, Rate, Retries, Timeout, workspace
from mentor.errors import InputError, MentorError
from mentor.generate import GenerateOptions, GenerationResult


class Incomplete(MentorError):
    """Some answers could not be had; the generation can be resumed."""


def _params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"'{pair}' is not KEY=VALUE", where="--param")
        params[key.strip()] = value.strip()
    return params


def generate(
    prompts: Annotated[str, typer.Argument(help="The prompt version, NAME@vN (or NAME: newest).")],
    provider: Annotated[
        list[str],
        typer.Option(
            "--provider",
            help="Model to ask (repeatable): smollm2, hf:PATH, openai:MODEL@URL, "
            "anthropic:MODEL, command:CMD, or a name `mentor providers` lists.",
        ),
    ],
    samples: Annotated[int, typer.Option("--samples", help="Answers per prompt from each model.")],
    out: Annotated[
        str | None, typer.Option("--out", help="Dataset to write (default: NAME-candidates).")
    ] = None,
    shape: Annotated[
        str,
        typer.Option(
            "--as", help="ranking: one record of every answer per prompt; pairwise: one per pair."
        ),
    ] = "ranking",
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", help="Generation parameter KEY=VALUE (temperature, max_tokens, top_p, stop)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Sample i is asked with seed S + i.")] = 0,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Only the first N prompts of the version.")
    ] = None,
    concurrency: Concurrency = 8,
    rate: Rate = None,
    timeout: Timeout = 120.0,
    retries: Retries = 3,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Call the models even for answers cached.")
    ] = False,
    resume: Annotated[
        bool, typer.Option("--resume", help="Finish the stopped generation of this same request.")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="A note kept with the version.")] = "",
    db: Db = None,
    json: Json = False,
) -> None:
    """Ask models for candidate responses to every prompt of a version and write them, unranked,
    as a new version that a ranking or pairwise project collects human rankings on."""
    ws = workspace(db)
    options = GenerateOptions(concurrency, rate, timeout, retries, use_cache=not no_cache)
    with render.progress(f"generating from {prompts}", "answers") as bar:
        result = ws.generations.run(
            prompts,
            provider,
            samples=samples,
            shape=shape,  # type: ignore[arg-type]  # checked by the SDK, naming --as
            params=_params(param or []),
            seed=seed,
            out=out,
            limit=limit,
            options=options,
            note=note,
            resume=resume,
            progress=bar,
        )
    _render(result, json)


def _render(result: GenerationResult, json: bool) -> None:
    if json:
        render.emit_json({**asdict(result), "version": result.version and result.version.ref})
    g = result.generation
    if result.version is None:
        raise Incomplete(
            f"generation {g.id}: {result.failed} of {result.answers} answers failed "
            f"(first: {result.error}); nothing was written. Run the same command with --resume "
            "to ask only for the missing ones"
        )
    if json:
        return
    render.success(f"{result.version.ref}: {result.version.record_count:,} {g.shape} records")
    render.fields(
        f"generation {g.id}",
        [
            ("from", g.source_ref),
            ("models", ", ".join(f"{p['provider']} {p['model']}" for p in g.providers)),
            ("answers", f"{result.answers:,} ({g.samples} per prompt per model, seed {g.seed}+)"),
            (
                "next",
                f"mentor projects create NAME --from {result.version.ref} --task {g.shape} "
                "--guideline FILE",
            ),
        ],
    )
