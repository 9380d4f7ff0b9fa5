"""An OpenAI-compatible HTTP server for a local model (by default the bundled SmolLM2).

``mentor eval serve-model`` makes the bundled model reachable the way vLLM or Ollama would be:
``POST /v1/chat/completions`` (non-streaming) and ``GET /v1/models``. It lets tools that speak
the OpenAI API use the local model, and lets Mentor's own OpenAI-compatible provider be tested
over real HTTP against a real model. Decoding is greedy at temperature 0 (the default here).
With ``logprobs: true`` (and ``top_logprobs: K``, at most 20) a reply carries the log-probabilities
of its first generated token and its K likeliest alternatives, in OpenAI's shape; later tokens
are not reported.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from mentor.errors import ConfigError
from mentor.providers.base import GenerationParams
from mentor.providers.local import LocalHFProvider, SmolLM2Provider, load_model


class ChatRequest(BaseModel):
    """The fields of an OpenAI chat-completions request this server understands."""

    model_config = ConfigDict(extra="ignore")

    model: str | None = None
    messages: list[dict[str, Any]] = Field(min_length=1)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    max_tokens: int | None = Field(None, ge=1, le=4096)
    max_completion_tokens: int | None = Field(None, ge=1, le=4096)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    seed: int | None = None
    stop: str | list[str] | None = None
    stream: bool = False
    logprobs: bool = False
    top_logprobs: int | None = Field(None, ge=0, le=20)

    def params(self) -> GenerationParams:
        """The generation parameters this request asks for."""
        stop = [self.stop] if isinstance(self.stop, str) else list(self.stop or [])
        return GenerationParams(
            temperature=self.temperature,
            max_tokens=self.max_completion_tokens or self.max_tokens or 256,
            top_p=self.top_p,
            seed=self.seed,
            stop=tuple(stop),
        )


def _error(status: int, message: str, kind: str) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind}}, status_code=status)


def local_provider(spec: str) -> LocalHFProvider:
    """``smollm2`` or ``hf:PATH`` as a local provider."""
    if spec == "smollm2":
        return SmolLM2Provider()
    if spec.startswith("hf:") and spec[3:]:
        return LocalHFProvider(spec[3:])
    raise ConfigError(f"--model: '{spec}' is not a local model; expected smollm2 or hf:PATH")


def create_model_app(provider: LocalHFProvider) -> FastAPI:
    """The FastAPI app serving `provider` (the model loads before the server accepts calls)."""
    names = {provider.model, provider.name}
    created = int(time.time())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        import asyncio

        await asyncio.to_thread(load_model, provider.path)
        yield

    app = FastAPI(title="Mentor model server", lifespan=lifespan)

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {
            "object": "list",
            "data": [
                {"id": provider.model, "object": "model", "created": created, "owned_by": "mentor"}
            ],
        }

    @app.post("/v1/chat/completions", response_model=None)
    async def chat(request: ChatRequest) -> dict[str, Any] | JSONResponse:
        if request.stream:
            return _error(
                400, "streaming is not supported; send stream: false", "invalid_request_error"
            )
        if request.model is not None and request.model not in names:
            return _error(
                404,
                f"model '{request.model}' is not served here; use '{provider.model}'",
                "not_found_error",
            )
        top = (request.top_logprobs or 0) if request.logprobs else None
        out = await provider.complete(request.messages, request.params(), top_logprobs=top)
        choice: dict[str, Any] = {
            "index": 0,
            "message": {"role": "assistant", "content": out.text},
            "finish_reason": out.finish_reason,
        }
        if request.logprobs:
            choice["logprobs"] = out.raw["logprobs"]
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": provider.model,
            "choices": [choice],
            "usage": {
                "prompt_tokens": out.prompt_tokens,
                "completion_tokens": out.completion_tokens,
                "total_tokens": (out.prompt_tokens or 0) + (out.completion_tokens or 0),
            },
        }

    return app


def serve_model(host: str = "127.0.0.1", port: int = 8001, model: str = "smollm2") -> None:
    """Serve `model` at http://HOST:PORT/v1 until interrupted."""
    import uvicorn

    uvicorn.run(create_model_app(local_provider(model)), host=host, port=port, log_level="warning")
