"""Replay recorded outputs instead of calling a model: from a stored run or a JSONL file.

Answers are found by case id first (the runner says which case it is asking about through
:data:`CURRENT_CASE`), then by the hash of the input messages, so a replay also works for a suite
whose case ids changed but whose prompts did not.
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, select

from mentor.errors import ConfigError, InputError, NotFoundError
from mentor.providers.base import Completion, GenerationParams
from mentor.providers.cache import input_hash
from mentor.providers.errors import ProviderError
from mentor.store.eval_tables import eval_results, eval_runs

CURRENT_CASE: ContextVar[str | None] = ContextVar("mentor_eval_case", default=None)
"""The id of the case the runner is asking about (None outside a run)."""


def _recorded(text: str, raw: dict[str, Any], model: str, how: str) -> Completion:
    return Completion(
        text=text,
        model=model,
        finish_reason=raw.get("finish_reason") if isinstance(raw, dict) else None,
        latency_s=0.0,
        raw={"replayed": how, "recorded": raw},
    )


class RunReplayProvider:
    """The outputs of run `run_id` in the workspace at `engine`."""

    name = "replay"
    cacheable = False
    samples = False  # calls no model, so generation parameters mean nothing

    def __init__(self, engine: Engine, run_id: int, *, model: str | None = None):
        self.engine = engine
        self.run_id = run_id
        with engine.connect() as conn:
            run = conn.execute(select(eval_runs).where(eval_runs.c.id == run_id)).first()
        if run is None:
            raise NotFoundError(f"replay:{run_id}: no evaluation run {run_id}")
        self.model = model or str(run.model)
        self._recorded_fingerprint = dict(run.fingerprint)

    def fingerprint(self) -> dict[str, Any]:
        """Replay of which run, and that run's own fingerprint."""
        return {
            "provider": self.name,
            "model": self.model,
            "source": f"run:{self.run_id}",
            "recorded": self._recorded_fingerprint,
        }

    def _lookup(self, case_id: str | None, key: str) -> Any:
        query = select(eval_results.c.case_id, eval_results.c.output, eval_results.c.raw).where(
            eval_results.c.run_id == self.run_id, eval_results.c.output.is_not(None)
        )
        with self.engine.connect() as conn:
            row = None
            if case_id is not None:
                row = conn.execute(query.where(eval_results.c.case_id == case_id)).first()
            if row is None:
                row = conn.execute(query.where(eval_results.c.input_hash == key).limit(1)).first()
        return row

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        """The recorded output for this case (or these messages)."""
        case_id = CURRENT_CASE.get()
        row = self._lookup(case_id, input_hash(messages))
        if row is None:
            raise ProviderError(
                f"replay:{self.run_id}: run {self.run_id} has no output for case "
                f"'{case_id or '?'}' or for these input messages"
            )
        return _recorded(row.output, row.raw, self.model, f"run:{self.run_id}/{row.case_id}")

    async def aclose(self) -> None:
        """Nothing to close."""


class FileReplayProvider:
    """Outputs from a JSONL file: one ``{"case_id": ..., "output": ...}`` per line.

    A line may give ``id`` for ``case_id``, ``text`` for ``output``, and ``messages`` to be found
    by its input instead of its id.
    """

    name = "replay"
    cacheable = False
    samples = False  # calls no model, so generation parameters mean nothing

    def __init__(self, path: str | Path, *, model: str | None = None):
        self.path = Path(path)
        if not self.path.is_file():
            raise ConfigError(f"replay:{path}: no such file (expected a run id or a .jsonl file)")
        self.model = model or f"replay:{self.path.name}"
        self._by_id: dict[str, str] = {}
        self._by_input: dict[str, str] = {}
        self._sha256 = hashlib.sha256(self.path.read_bytes()).hexdigest()
        self._read()

    def _read(self) -> None:
        with self.path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                where = f"{self.path}:{number}"
                try:
                    row = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise InputError(f"not valid JSON ({exc})", where=where) from exc
                if not isinstance(row, dict):
                    raise InputError("expected a JSON object", where=where)
                output = row.get("output", row.get("text"))
                if not isinstance(output, str):
                    raise InputError("expected a string", where=where, field="output")
                case_id = row.get("case_id", row.get("id"))
                if case_id is not None:
                    self._by_id[str(case_id)] = output
                if isinstance(row.get("messages"), list):
                    self._by_input[input_hash(row["messages"])] = output
                if case_id is None and "messages" not in row:
                    raise InputError("give case_id (or id) or messages", where=where)

    def fingerprint(self) -> dict[str, Any]:
        """Replay of which file (path and SHA-256)."""
        return {
            "provider": self.name,
            "model": self.model,
            "source": str(self.path.resolve()),
            "sha256": self._sha256,
        }

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        """The recorded output for this case (or these messages)."""
        case_id = CURRENT_CASE.get()
        text = self._by_id.get(case_id) if case_id is not None else None
        if text is None:
            text = self._by_input.get(input_hash(messages))
        if text is None:
            raise ProviderError(
                f"replay:{self.path}: no recorded output for case '{case_id or '?'}'"
            )
        return _recorded(text, {}, self.model, str(self.path))

    async def aclose(self) -> None:
        """Nothing to close."""
