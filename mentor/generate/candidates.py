"""Candidate records: the answers to one prompt as an unranked ranking or unranked pairs.

Neither kind states a preference: ``unranked: true`` says no person has ranked the responses yet
(see :mod:`mentor.records`). Each response's provenance — provider, model, fingerprint, sample,
seed and parameters — is kept in the record's ``meta.generation.responses``, in response order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from sqlalchemy import Connection

from mentor.datasets.versions import check_name
from mentor.datasets.writer import VersionSpec, VersionWriter
from mentor.generate.generations import Answer
from mentor.generate.prompts import Prompt
from mentor.records import Record, validate


@dataclass(frozen=True)
class Provenance:
    """What every record of one generation says about where its responses came from."""

    generation_id: int
    source_ref: str
    providers: list[dict[str, Any]]  # {spec, provider, model, fingerprint}
    params: dict[str, Any]


def _response(answer: Answer, prov: Provenance) -> dict[str, Any]:
    who = prov.providers[answer.provider]
    c = answer.completion
    return {
        "provider": who["spec"],
        "model": c.model or who["model"],
        "fingerprint": who["fingerprint"],
        "sample": answer.sample,
        "seed": answer.seed,
        "params": {**prov.params, "seed": answer.seed},
        "finish_reason": c.finish_reason,
        "prompt_tokens": c.prompt_tokens,
        "completion_tokens": c.completion_tokens,
        "latency_s": answer.latency_s,
        "cached": answer.cached,
    }


def _meta(prompt: Prompt, prov: Provenance, answers: list[Answer]) -> dict[str, Any]:
    return {
        "generation": {
            "id": prov.generation_id,
            "from": prov.source_ref,
            "prompt_record": prompt.record_id,
            "responses": [_response(a, prov) for a in answers],
        }
    }


def _message(answer: Answer) -> list[dict[str, Any]]:
    return [{"role": "assistant", "content": answer.completion.text}]


def ranking(prompt: Prompt, answers: list[Answer], prov: Provenance) -> Record:
    """One unranked ranking record holding every answer to `prompt`."""
    return {
        "id": prompt.record_id,
        "kind": "ranking",
        "prompt": prompt.messages,
        "responses": [_message(a) for a in answers],
        "unranked": True,
        **prompt.metadata,
        "meta": _meta(prompt, prov, answers),
    }


def pairwise(prompt: Prompt, answers: list[Answer], prov: Provenance) -> Iterator[Record]:
    """One unranked preference record per pair of answers (A is ``chosen``, B ``rejected``,
    neither preferred yet)."""
    for a, b in combinations(range(len(answers)), 2):
        yield {
            "id": f"{prompt.record_id}-{a}-{b}",
            "kind": "preference",
            "prompt": prompt.messages,
            "chosen": _message(answers[a]),
            "rejected": _message(answers[b]),
            "unranked": True,
            **prompt.metadata,
            "meta": _meta(prompt, prov, [answers[a], answers[b]]),
        }


@dataclass(frozen=True)
class Written:
    """The version the candidates went to, and how many records it holds."""

    version_id: int
    records: int


def write_version(
    conn: Connection,
    spec: VersionSpec,
    shape: str,
    prompts: list[Prompt],
    answers: dict[tuple[int, int, int], Answer],
    prov: Provenance,
    samples: int,
) -> Written:
    """Write the candidate records as one new version (in the caller's transaction, so it is
    visible only once every record is in)."""
    check_name(spec.dataset)
    writer = VersionWriter(conn, spec)
    for prompt in prompts:
        mine = [
            answers[(prompt.position, index, sample)]
            for index in range(len(prov.providers))
            for sample in range(samples)
        ]
        made = [ranking(prompt, mine, prov)] if shape == "ranking" else pairwise(prompt, mine, prov)
        for rec in made:
            writer.add(validate(rec))
    writer.flush()
    writer.finish()
    return Written(writer.version_id, writer.count)
