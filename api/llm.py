"""The one place that calls a model: litellm.acompletion with transport retries (tenacity).

Two layers are kept apart (see STYLE.md): this module retries *transport* failures (timeouts,
429 honoring Retry-After, 5xx, connection errors) with jittered exponential backoff inside a
deadline; content re-asks (rule violations, invalid JSON) live in api.pipeline.
"""
from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm  # noqa: E402  (must follow the env var above)

litellm.suppress_debug_info = True
# calmreply logs every call in its own database; litellm's per-chunk streaming success logging only
# costs CPU, which an in-process llama.cpp model on a small machine needs for generation.
litellm.disable_streaming_logging = True
from pydantic import BaseModel  # noqa: E402
from tenacity import (  # noqa: E402
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)

from api.config import Settings  # noqa: E402
from api.providers import register_local_provider  # noqa: E402
from api.schemas import Usage  # noqa: E402

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    litellm.Timeout,
    litellm.RateLimitError,
    litellm.InternalServerError,
    litellm.ServiceUnavailableError,
    litellm.BadGatewayError,
    litellm.APIConnectionError,
)
_MAX_RETRY_AFTER_S = 30.0
DeltaSink = Callable[[str], Awaitable[None]]
"""Told the text written so far, after each streamed chunk (a transport retry starts again from empty)."""


class CompletionClient(Protocol):
    """What the pipeline needs from a model client (LLMClient, or the eval suite's caching wrapper)."""

    async def complete(
        self, model: str, messages: list[dict[str, str]], schema: type[BaseModel], deadline: float,
        on_delta: DeltaSink | None = None,
    ) -> Completion: ...


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str | None
    usage: Usage
    cost_usd: float | None
    latency_ms: float
    transport_attempts: int


class ProviderError(Exception):
    """The provider failed for good: a non-transient error, or transient ones past the retry cap/deadline."""

    def __init__(self, model: str, attempts: int, cause: BaseException) -> None:
        super().__init__(f"{model}: {type(cause).__name__}: {cause} (after {attempts} attempt(s))")
        self.model = model
        self.attempts = attempts
        self.cause = cause


def _retry_after_seconds(exc: BaseException | None) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    value = headers.get("retry-after") if hasattr(headers, "get") else None
    try:
        return min(float(value), _MAX_RETRY_AFTER_S) if value is not None else None
    except ValueError:
        return None


class _WaitRetryAfterOrBackoff:
    """Honor a 429's Retry-After header when present; otherwise jittered exponential backoff."""

    def __init__(self, base_s: float) -> None:
        self._backoff = wait_random_exponential(multiplier=base_s, max=max(base_s, 8.0))

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        hinted = _retry_after_seconds(exc)
        return hinted if hinted is not None else self._backoff(state)


def response_format_for(schema: type[BaseModel]) -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": schema.__name__, "schema": schema.model_json_schema(), "strict": False}}


class LLMClient:
    """Calls litellm. `extra` is merged into every call (tests pass litellm's mock_* options here)."""

    def __init__(
        self, *, retries: int, timeout_s: float, temperature: float, max_tokens: int, backoff_s: float = 0.5, **extra: Any
    ) -> None:
        register_local_provider()
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.extra = extra

    @classmethod
    def from_settings(cls, settings: Settings, **extra: Any) -> LLMClient:
        return cls(
            retries=settings.transport_retries, timeout_s=settings.llm_timeout_s, temperature=settings.temperature,
            max_tokens=settings.max_tokens, backoff_s=settings.retry_backoff_s, **extra,
        )

    async def complete(
        self, model: str, messages: list[dict[str, str]], schema: type[BaseModel], deadline: float,
        on_delta: DeltaSink | None = None,
    ) -> Completion:
        """One logical call; `deadline` is a time.monotonic() value after which no new attempt starts.
        With `on_delta` the provider streams, and `on_delta` hears the text as it grows."""
        started = time.monotonic()
        attempts = 0
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(TRANSIENT_ERRORS),
                stop=stop_after_attempt(self.retries + 1) | stop_before_delay(max(0.0, deadline - started)),
                wait=_WaitRetryAfterOrBackoff(self.backoff_s),
                reraise=True,
            ):
                with attempt:
                    attempts += 1
                    remaining = max(0.5, min(self.timeout_s, deadline - time.monotonic()))
                    params: dict[str, Any] = dict(
                        model=model,
                        messages=messages,
                        temperature=self.temperature,
                        max_tokens=self.max_tokens,
                        response_format=response_format_for(schema),
                        timeout=remaining,
                        num_retries=0,
                        drop_params=True,
                        **self.extra,
                    )
                    if on_delta is None:
                        response = await litellm.acompletion(**params)
                    else:
                        response = await _streamed(params, on_delta)
        except Exception as exc:  # every provider failure becomes one typed error for the pipeline
            raise ProviderError(model, attempts, exc) from exc
        return Completion(
            text=response.choices[0].message.content or "",
            finish_reason=response.choices[0].finish_reason,
            usage=_usage(response),
            cost_usd=_cost(response),
            latency_ms=(time.monotonic() - started) * 1000,
            transport_attempts=attempts,
        )


async def _streamed(params: dict[str, Any], on_delta: DeltaSink) -> Any:
    """The same call, streamed: chunks go to `on_delta` as they come, then are built into one response."""
    stream = await litellm.acompletion(**params, stream=True, stream_options={"include_usage": True})
    chunks: list[Any] = []
    text = ""
    async for chunk in stream:
        chunks.append(chunk)
        piece = chunk.choices[0].delta.content if chunk.choices else None
        if piece:
            text += piece
            await on_delta(text)
    return litellm.stream_chunk_builder(chunks, messages=params["messages"])


def _usage(response: Any) -> Usage:
    u = getattr(response, "usage", None)
    if u is None:
        return Usage()
    return Usage(
        prompt_tokens=int(getattr(u, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(u, "completion_tokens", 0) or 0),
        total_tokens=int(getattr(u, "total_tokens", 0) or 0),
    )


def _cost(response: Any) -> float | None:
    try:
        cost = litellm.completion_cost(completion_response=response)
    except Exception:  # unknown model in the local price map: cost is simply not known
        return None
    return float(cost) if cost else None
