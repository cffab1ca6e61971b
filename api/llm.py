"""The one place that calls a model: litellm.acompletion with transport retries (tenacity).

Two layers are kept apart (see STYLE.md): this module retries *transport* failures (timeouts,
429 honoring Retry-After, 5xx, connection errors) with jittered exponential backoff inside a
deadline; content re-asks (rule violations, invalid JSON) live in api.pipeline.

Time is bounded here, not by the HTTP client: httpx's timeout is per read, so a body that
trickles in a byte at a time never trips it. Each attempt runs under asyncio.timeout for the
smaller of CALMREPLY_LLM_TIMEOUT_S and what is left of the deadline, reading included. litellm
itself is always given the same `timeout`, because it is part of litellm's client-cache key: a
different value per call built a new HTTP client (and aiohttp session) for every call.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm

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
from api.fallback_reasons import FallbackReason, classify, safe_message  # noqa: E402
from api.providers import register_local_provider  # noqa: E402
from api.schemas import Usage  # noqa: E402


class AttemptTimedOut(Exception):
    """One attempt ran past CALMREPLY_LLM_TIMEOUT_S (with deadline to spare): worth retrying."""


class DeadlineExceeded(Exception):
    """The request's deadline passed: before an attempt could start, or while one was running."""


TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    AttemptTimedOut,
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
        self,
        model: str,
        messages: list[dict[str, str]],
        schema: type[BaseModel],
        deadline: float,
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
        self.reason: FallbackReason = classify(cause)
        self.safe_message = safe_message(cause, self.reason)  # never the provider's own text (keys, URLs)
        super().__init__(f"{model}: {self.safe_message} (after {attempts} attempt(s))")
        self.model = model
        self.attempts = attempts
        self.cause = cause


def _response_headers(exc: BaseException) -> Any:
    """litellm puts the provider's headers on `litellm_response_headers`; its `response` is a stub."""
    for headers in (getattr(exc, "litellm_response_headers", None), getattr(getattr(exc, "response", None), "headers", None)):
        if headers and hasattr(headers, "get"):
            return headers
    return {}


def _retry_after_seconds(exc: BaseException | None) -> float | None:
    """Retry-After (seconds or an HTTP date) or OpenAI's retry-after-ms, capped at _MAX_RETRY_AFTER_S."""
    if exc is None:
        return None
    headers = _response_headers(exc)
    seconds: float | None = None
    if (ms := headers.get("retry-after-ms")) is not None:
        seconds = _number(ms, scale=0.001)
    if seconds is None and (value := headers.get("retry-after")) is not None:
        seconds = _number(value)
        if seconds is None:
            seconds = _until(value)
    return None if seconds is None else min(max(seconds, 0.0), _MAX_RETRY_AFTER_S)


def _number(value: str, scale: float = 1.0) -> float | None:
    try:
        return float(value) * scale
    except ValueError:
        return None


def _until(http_date: str) -> float | None:
    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None
    return (when - datetime.now(UTC)).total_seconds() if when.tzinfo else None


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
            retries=settings.transport_retries,
            timeout_s=settings.llm_timeout_s,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
            backoff_s=settings.retry_backoff_s,
            **extra,
        )

    async def complete(
        self,
        model: str,
        messages: list[dict[str, str]],
        schema: type[BaseModel],
        deadline: float,
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
                    response = await self._attempt(model, messages, schema, deadline, on_delta)
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

    async def _attempt(
        self, model: str, messages: list[dict[str, str]], schema: type[BaseModel], deadline: float, on_delta: DeltaSink | None = None
    ) -> Any:
        """One provider call, cut off (connection and body reading included) when its time is up."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded("no time left for another attempt")
        budget = min(self.timeout_s, remaining)
        limit = asyncio.timeout(budget)
        params: dict[str, Any] = dict(
            model=model,
            messages=messages,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            response_format=response_format_for(schema),
            timeout=self.timeout_s,
            num_retries=0,
            drop_params=True,
            **self.extra,
        )
        try:
            async with limit:
                return await (litellm.acompletion(**params) if on_delta is None else _streamed(params, on_delta))
        except TimeoutError as exc:
            if not limit.expired():
                raise
            if budget < self.timeout_s:
                raise DeadlineExceeded(f"the deadline passed after {budget:.2f}s of this attempt") from exc
            raise AttemptTimedOut(f"no complete response within {budget:.2f}s") from exc


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


async def close_cached_clients() -> None:
    """Close the HTTP clients litellm cached for this event loop (each holds an aiohttp session).

    Called on app shutdown: litellm's own atexit hook runs after the loop is gone, when an aiohttp
    session can no longer be closed cleanly and is reported as "Unclosed client session".
    """
    from litellm.llms.custom_httpx.async_client_cleanup import close_litellm_async_clients

    await close_litellm_async_clients()
    litellm.in_memory_llm_clients_cache.flush_cache()
