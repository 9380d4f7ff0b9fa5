"""The evaluation facade a Workspace hands out as ``ws.evals``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentor.errors import ConfigError, ConflictError, InputError
from mentor.evals.cases import CaseSource, Suite
from mentor.evals.compare import CONFIDENCE, N_BOOT
from mentor.evals.gates import GateSpec
from mentor.evals.human_grades import HumanGrade, human_grades, review_projects
from mentor.evals.runner import RunOptions, RunPlan, resume_plan, run_suite_async
from mentor.evals.runs import (
    ResultRow,
    RunInfo,
    get_run,
    iter_results,
    list_runs,
    run_id_of,
    suite_id_of_run,
)
from mentor.evals.suite_store import stored_suite
from mentor.evals.suites import SuiteFile, load_suite, open_suite
from mentor.evals.verdicts import (
    GateReport,
    RunComparison,
    RunScorecard,
    compare_runs,
    gate_run,
    run_scorecard,
)
from mentor.progress import Progress
from mentor.providers.base import GenerationParams, Provider
from mentor.providers.cache import ResponseCache
from mentor.providers.params import generation_params
from mentor.providers.registry import build_provider

if TYPE_CHECKING:
    from mentor.workspace import Workspace

ProviderLike = str | Mapping[str, Any] | Provider


class Evals:
    """Suites, runs and results of one workspace; scorecards, comparisons and gates of runs."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def load_suite(
        self, path: str | Path, *, name: str | None = None, fmt: str | None = None
    ) -> Suite:
        """Read a suite file (.yaml, .jsonl or .csv) into memory."""
        return load_suite(path, name=name, fmt=fmt)

    def open_suite(
        self, path: str | Path, *, name: str | None = None, fmt: str | None = None
    ) -> SuiteFile:
        """Check a suite file without keeping its cases in memory (for large suites); runs read
        its cases from the file as they store them."""
        return open_suite(path, name=name, fmt=fmt)

    def _provider(self, spec: ProviderLike, flag: str = "--provider") -> tuple[Provider, Any]:
        if isinstance(spec, str | Mapping):
            stored = spec if isinstance(spec, str) else dict(spec)
            try:
                return build_provider(stored, engine=self.ws.engine), stored
            except ConfigError as exc:
                raise ConfigError(f"{flag}: {exc}") from exc
        return spec, {"instance": f"{type(spec).__module__}.{type(spec).__qualname__}"}

    def _plan(
        self,
        suite: CaseSource | str | Path,
        provider: ProviderLike,
        params: GenerationParams | Mapping[str, Any] | None,
        judge: ProviderLike | None,
        options: RunOptions | None,
        note: str,
    ) -> RunPlan:
        source = None
        if isinstance(suite, str | Path):
            # Checked in one streaming pass; the runner reads it again as it stores it.
            suite = open_suite(suite)
        if isinstance(suite, SuiteFile):
            source = str(suite.path)
        model, model_spec = self._provider(provider)
        judge_model, judge_spec = (
            self._provider(judge, "--judge") if judge is not None else (None, None)
        )
        return RunPlan(
            suite=suite,
            provider=model,
            params=generation_params(params),
            options=options or RunOptions(),
            provider_spec=model_spec,
            judge=judge_model,
            judge_spec=judge_spec,
            actor=self.ws.actor,
            note=note,
            source=source,
        )

    async def run_async(
        self,
        suite: CaseSource | str | Path,
        provider: ProviderLike,
        params: GenerationParams | Mapping[str, Any] | None = None,
        *,
        judge: ProviderLike | None = None,
        options: RunOptions | None = None,
        progress: Progress | None = None,
        note: str = "",
    ) -> RunInfo:
        """Run `suite` (a Suite, a suite file or its path) against `provider` (a spec such as
        ``smollm2`` or ``openai:MODEL@URL``, a dict, or a Provider); returns the finished run."""
        plan = self._plan(suite, provider, params, judge, options, note)
        run_id = await run_suite_async(self.ws.engine, plan, progress=progress)
        return self.get_run(run_id)

    def run(
        self,
        suite: CaseSource | str | Path,
        provider: ProviderLike,
        params: GenerationParams | Mapping[str, Any] | None = None,
        *,
        judge: ProviderLike | None = None,
        options: RunOptions | None = None,
        progress: Progress | None = None,
        note: str = "",
    ) -> RunInfo:
        """Sync front door of :meth:`run_async`."""
        import asyncio

        return asyncio.run(
            self.run_async(
                suite, provider, params, judge=judge, options=options, progress=progress, note=note
            )
        )

    def resume(
        self,
        run_id: int | str,
        *,
        suite: CaseSource | str | Path | None = None,
        provider: ProviderLike | None = None,
        judge: ProviderLike | None = None,
        options: RunOptions | None = None,
        progress: Progress | None = None,
    ) -> RunInfo:
        """Finish run `run_id`: ask only the cases without an answer (errored ones again).

        The provider is rebuilt from the run's stored spec unless `provider` is given (it must
        have the same fingerprint); options default to the run's own. `suite`, if given, must
        be the version the run ran.
        """
        import asyncio

        number = run_id_of(run_id)
        run = self.get_run(number)
        if suite is not None:
            given = open_suite(suite) if isinstance(suite, str | Path) else suite
            if given.content_hash != run.suite_hash:
                raise ConflictError(
                    f"run {number} ran {run.suite_name} {run.suite_hash[:12]}, not this suite "
                    f"({given.content_hash[:12]}); start a new run instead of --resume"
                )
        stored = run.provider_spec
        if provider is None and isinstance(stored, Mapping) and "instance" in stored:
            raise InputError(
                f"run {number} used a Provider object; pass provider= to resume it",
                field="provider",
            )
        judge_spec = (run.judge or {}).get("spec")
        base = self._plan(
            Suite(run.suite_name, ()), provider or stored, None, judge or judge_spec, None, run.note
        )
        plan = resume_plan(self.ws.engine, number, base, options)
        if provider is not None:
            plan = replace(plan, provider_spec=stored)
        asyncio.run(run_suite_async(self.ws.engine, plan, progress=progress, resume=number))
        return self.get_run(number)

    def runs(self, *, suite: str | None = None, limit: int = 100) -> list[RunInfo]:
        """The newest runs first, optionally of one suite."""
        with self.ws.engine.connect() as conn:
            return list_runs(conn, suite=suite, limit=limit)

    def get_run(self, run_id: int | str) -> RunInfo:
        """One run: suite version, provider fingerprint, parameters, status and counts."""
        with self.ws.engine.connect() as conn:
            return get_run(conn, run_id_of(run_id))

    def results(
        self, run_id: int | str, *, status: str | tuple[str, ...] | None = None
    ) -> Iterator[ResultRow]:
        """The run's results in suite order (only those in `status`, if given), streamed."""
        statuses = (status,) if isinstance(status, str) else status
        return iter_results(self.ws.engine, run_id_of(run_id), statuses)

    def suite_of(self, run_id: int | str) -> Suite:
        """The exact suite version a run ran (from the store)."""
        with self.ws.engine.connect() as conn:
            return stored_suite(conn, suite_id_of_run(conn, run_id_of(run_id)))

    def clear_cache(self, provider: str | None = None) -> int:
        """Forget cached model answers (of one provider name, or all); returns how many."""
        return ResponseCache(self.ws.engine).clear(provider)

    def scorecard(
        self, run: int | str, *, confidence: float = CONFIDENCE, grades: str = "auto"
    ) -> RunScorecard:
        """The scorecard of stored run `run` (pass rates with their intervals), resting on the
        graders' grades (``auto``), people's (``human``: only the cases they graded) or ``both``
        (people win where they gave a verdict)."""
        return run_scorecard(self.ws, run, confidence, grades)

    def human_grades(self, run: int | str) -> dict[str, HumanGrade]:
        """The human grades attached to run `run`, by case id (``mentor eval attach-review``)."""
        with self.ws.engine.connect() as conn:
            run_id = get_run(conn, run_id_of(run)).id
            return human_grades(conn, run_id)

    def review_projects(self, run: int | str) -> list[str]:
        """The review projects made from run `run`'s outputs (as candidate or baseline)."""
        with self.ws.engine.connect() as conn:
            return review_projects(conn, get_run(conn, run_id_of(run)).id)

    def compare(
        self,
        baseline: int | str,
        candidate: int | str,
        *,
        n_boot: int = N_BOOT,
        confidence: float = CONFIDENCE,
        seed: int = 0,
        grades: str = "auto",
    ) -> RunComparison:
        """Compare stored run `candidate` with stored run `baseline`, case by case (paired),
        resting on `grades` (auto, human or both)."""
        return compare_runs(
            self.ws,
            baseline,
            candidate,
            n_boot=n_boot,
            confidence=confidence,
            seed=seed,
            grades=grades,
        )

    def gate(
        self,
        run: int | str,
        gate: GateSpec | str | Path,
        *,
        baseline: int | str | None = None,
        junit: str | Path | None = None,
        markdown: str | Path | None = None,
        record: bool = True,
    ) -> GateReport:
        """Gate stored run `run` with `gate` (a GateSpec or a gate file), against `baseline`
        when given; write JUnit XML and/or a Markdown summary if asked. The verdict is kept in
        the audit log unless `record` is false."""
        return gate_run(
            self.ws,
            run,
            gate,
            baseline=baseline,
            junit=Path(junit) if junit is not None else None,
            markdown=Path(markdown) if markdown is not None else None,
            record=record,
        )
