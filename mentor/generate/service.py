"""The generation facade a Workspace hands out as ``ws.generations``."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from mentor.datasets.versions import VersionInfo, by_id, check_name, resolve
from mentor.datasets.writer import VersionSpec
from mentor.errors import ConfigError, InputError, MentorError
from mentor.generate.candidates import Provenance, write_version
from mentor.generate.generations import (
    GenerationInfo,
    get_generation,
    load_answers,
    open_generation,
    resumable,
    set_status,
)
from mentor.generate.prompts import Prompt, iter_prompts
from mentor.generate.request import GenerateOptions, GenerateRequest, Shape, request_key
from mentor.generate.runner import Model, Outcome, ask_all
from mentor.progress import Progress
from mentor.providers.base import GenerationParams, Provider
from mentor.providers.params import generation_params
from mentor.providers.registry import build_provider, provider_names
from mentor.store.audit import record_event
from mentor.store.engine import write_transaction

if TYPE_CHECKING:
    from mentor.workspace import Workspace

ProviderLike = str | Mapping[str, Any] | Provider


@dataclass(frozen=True)
class GenerationResult:
    """A generation and the version it wrote (None while some answers are missing)."""

    generation: GenerationInfo
    version: VersionInfo | None
    answers: int
    failed: int
    error: str | None = None


class Generations:
    """Candidate responses from models, written as unranked versions for people to rank."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def run(
        self,
        prompts: str,
        providers: Sequence[ProviderLike],
        *,
        samples: int,
        shape: Shape = "ranking",
        params: GenerationParams | Mapping[str, Any] | None = None,
        seed: int = 0,
        out: str | None = None,
        limit: int | None = None,
        options: GenerateOptions | None = None,
        note: str = "",
        resume: bool = False,
        progress: Progress | None = None,
    ) -> GenerationResult:
        """Ask each provider for `samples` answers to every prompt of version `prompts`
        (``NAME@vN``) and write them as a new version of `out` (default ``NAME-candidates``):
        unranked ranking records, or with ``shape="pairwise"`` one unranked preference record
        per pair; `limit` takes only the first prompts. With `resume`, finish the newest
        stopped generation of the same request."""
        request = GenerateRequest(
            samples,
            shape,
            generation_params(params),
            seed,
            out,
            limit,
            options or GenerateOptions(),
            note,
        )
        return asyncio.run(self.run_async(prompts, providers, request, resume, progress))

    async def run_async(
        self,
        prompts: str,
        providers: Sequence[ProviderLike],
        request: GenerateRequest,
        resume: bool = False,
        progress: Progress | None = None,
    ) -> GenerationResult:
        """The async core of :meth:`run`."""
        request.check(len(providers))
        source, found = self._prompts(prompts, request.limit)
        out = request.out or f"{source.dataset}-candidates"
        check_name(out, where="--out")
        models = [await self._model(spec) for spec in providers]
        try:
            gid = self._open(source, out, models, request, resume, len(found))
            outcome = await self._ask(gid, found, models, request, progress)
        finally:
            for m in models:
                await m.provider.aclose()
        with write_transaction(self.ws.engine) as conn:
            if outcome.failed:
                set_status(
                    conn, gid, "incomplete", failed=outcome.failed, error=outcome.first_error
                )
                return GenerationResult(
                    get_generation(conn, gid),
                    None,
                    outcome.total,
                    outcome.failed,
                    outcome.first_error,
                )
            version = self._write(conn, gid, source, out, found, models, request)
            return GenerationResult(get_generation(conn, gid), version, outcome.total, 0)

    def get(self, gid: int) -> GenerationInfo:
        """Generation `gid`."""
        with self.ws.engine.connect() as conn:
            return get_generation(conn, gid)

    def _prompts(self, ref: str, limit: int | None) -> tuple[VersionInfo, list[Prompt]]:
        try:
            with self.ws.engine.connect() as conn:
                source = resolve(conn, ref)
        except MentorError as exc:
            raise InputError(str(exc), where="PROMPTS") from exc
        found = list(islice(iter_prompts(self.ws.engine, source.id), limit))
        if not found:
            raise InputError(
                f"{source.ref} has no prompts: none of its {source.record_count:,} records holds "
                "a user turn",
                where="PROMPTS",
            )
        return source, found

    async def _model(self, spec: ProviderLike) -> Model:
        if isinstance(spec, str | Mapping):
            stored: Any = spec if isinstance(spec, str) else dict(spec)
            try:
                provider = self._build(stored)
            except (ConfigError, InputError) as exc:
                raise InputError(str(exc), where="--provider") from exc
        else:
            provider = spec
            stored = {"instance": f"{type(spec).__module__}.{type(spec).__qualname__}"}
        if not getattr(provider, "samples", True):
            raise InputError(
                f"{provider.name} replays recorded answers and samples nothing; "
                "generate from a model",
                where="--provider",
            )
        try:
            fingerprint = await asyncio.to_thread(provider.fingerprint)
        except ConfigError as exc:
            raise InputError(str(exc), where="--provider") from exc
        return Model(stored, provider, fingerprint)

    def _build(self, spec: str | dict[str, Any]) -> Provider:
        """A provider from a spec, or from the name of a provider `mentor providers` lists."""
        if isinstance(spec, str) and ":" not in spec and spec.strip() not in provider_names():
            named = self.ws.providers.find(spec.strip())
            if named is not None:
                return build_provider(named.spec, engine=self.ws.engine)
        return build_provider(spec, engine=self.ws.engine)

    def _open(
        self,
        source: VersionInfo,
        out: str,
        models: list[Model],
        req: GenerateRequest,
        resume: bool,
        prompt_count: int,
    ) -> int:
        key = request_key(source.id, [m.fingerprint for m in models], req, out)
        with write_transaction(self.ws.engine) as conn:
            if resume:
                found = resumable(conn, key)
                if found is None:
                    raise InputError(
                        f"no stopped generation from {source.ref} with these providers, "
                        "parameters, samples and seed; run it again without --resume",
                        where="--resume",
                    )
                set_status(conn, found.id, "running", failed=0, error=None)
                return found.id
            values = {
                "source_version_id": source.id,
                "source_ref": source.ref,
                "out": out,
                "shape": req.shape,
                "request_key": key,
                "providers": [m.describe() for m in models],
                "params": asdict(req.params),
                "samples": req.samples,
                "seed": req.seed,
                "options": asdict(req.options),
                "prompt_count": prompt_count,
                "note": req.note,
            }
            return open_generation(conn, values, self.ws.actor)

    async def _ask(
        self,
        gid: int,
        found: list[Prompt],
        models: list[Model],
        req: GenerateRequest,
        progress: Progress | None,
    ) -> Outcome:
        try:
            return await ask_all(self.ws.engine, gid, found, models, req, progress)
        except BaseException:
            with write_transaction(self.ws.engine) as conn:
                set_status(conn, gid, "interrupted")
            raise

    def _write(
        self,
        conn: Connection,
        gid: int,
        source: VersionInfo,
        out: str,
        found: list[Prompt],
        models: list[Model],
        req: GenerateRequest,
    ) -> VersionInfo:
        """The candidates as a new version of `out`, and the generation marked completed."""
        described = [m.describe() for m in models]
        params = {k: v for k, v in asdict(req.params).items() if k != "seed"}
        spec = VersionSpec(
            out,
            self.ws.actor,
            "generate",
            {
                "from": source.ref,
                "generation": gid,
                "as": req.shape,
                "providers": [{k: d[k] for k in ("spec", "provider", "model")} for d in described],
                "samples": req.samples,
                "seed": req.seed,
                "params": params,
                **({"limit": req.limit} if req.limit is not None else {}),
            },
            (source.id,),
            req.note or f"candidates for {source.ref}",
        )
        prov = Provenance(gid, source.ref, described, params)
        written = write_version(
            conn, spec, req.shape, found, load_answers(conn, gid), prov, req.samples
        )
        set_status(conn, gid, "completed", version_id=written.version_id, failed=0, error=None)
        version = by_id(conn, written.version_id)
        record_event(
            conn,
            actor=self.ws.actor,
            action="generate.finish",
            object_type="generation",
            object_id=str(gid),
            detail={"from": source.ref, "version": version.ref, "records": written.records},
        )
        return version
