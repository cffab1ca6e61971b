"""A scripted litellm provider for tests (model strings 'fake/<anything>'), in the spirit of
simonw/llm's mock model: a queue of canned responses (text or exceptions) and a history of calls."""

from __future__ import annotations

import json
from collections import deque
from typing import Any

import litellm
from litellm import CustomLLM, ModelResponse

GOOD_SECTIONS = {
    "acknowledgement": "I can only imagine how frustrating it has been to watch your sites stay offline all morning.",
    "apology": "I'm sorry we let you down.",
    "restatement": "What matters most to you is having your shop taking orders again today.",
    "solution": "Our engineers are restoring every site from last night's backup right now.",
    "next_steps": ["I will send you a status update by 2pm today.", "Your sites will be back online within 24 hours."],
    "follow_up": "I'll call you tomorrow morning to make sure everything is working.",
    "closing": "Thank you for bearing with us.",
}
VIOLATING_SECTIONS = {
    **GOOD_SECTIONS,
    "acknowledgement": "Our records show the servers were up all night.",
    "apology": "We apologize for any inconvenience this may have caused.",
}


def as_json(sections: dict[str, Any]) -> str:
    return json.dumps(sections)


def respond(model: str, item: str | Exception, *, prompt_tokens: int, completion_tokens: int) -> ModelResponse:
    """A scripted answer: raise it if it is an exception, else wrap the text as a litellm response."""
    if isinstance(item, Exception):
        raise item
    return ModelResponse(
        model=model,
        choices=[{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": item}}],
        usage={"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens},
    )


class FakeProvider(CustomLLM):
    def __init__(self) -> None:
        super().__init__()
        self.queue: deque[str | Exception] = deque()
        self.calls: list[dict[str, Any]] = []

    def script(self, *items: str | Exception) -> None:
        self.queue.clear()
        self.calls.clear()
        self.queue.extend(items)

    def _next(self, model: str, messages: list[dict[str, Any]], optional_params: dict[str, Any]) -> ModelResponse:
        self.calls.append({"model": model, "messages": messages, "params": optional_params})
        if not self.queue:
            raise AssertionError("FakeProvider: no scripted response left")
        return respond(f"fake/{model}", self.queue.popleft(), prompt_tokens=100, completion_tokens=50)

    def completion(self, model: str, messages: list, *args: Any, optional_params: dict | None = None, **kwargs: Any) -> ModelResponse:
        return self._next(model, messages, optional_params or {})

    async def acompletion(
        self, model: str, messages: list, *args: Any, optional_params: dict | None = None, **kwargs: Any
    ) -> ModelResponse:
        return self._next(model, messages, optional_params or {})


def rate_limited(retry_after: str | None = None, header: str = "retry-after") -> litellm.RateLimitError:
    """A 429 as litellm raises it: the provider's headers on `litellm_response_headers`, and a
    stub `response` without them (see litellm_core_utils/exception_mapping_utils.py)."""
    import httpx

    response = httpx.Response(429, request=httpx.Request("POST", "http://127.0.0.1/fake"))
    exc = litellm.RateLimitError("rate limited", llm_provider="fake", model="m", response=response)
    exc.litellm_response_headers = httpx.Headers({header: retry_after} if retry_after else {})
    return exc


def server_error() -> litellm.InternalServerError:
    return litellm.InternalServerError("boom", llm_provider="fake", model="m")


def auth_error() -> litellm.AuthenticationError:
    return litellm.AuthenticationError("bad key", llm_provider="fake", model="m")


class PlannedProvider(CustomLLM):
    """Answers by complaint: `plan[marker]` is the queue of responses for the request whose prompt
    contains `marker`. Safe under concurrency, unlike a single global queue."""

    def __init__(self) -> None:
        super().__init__()
        self.plan: dict[str, deque[str | Exception]] = {}
        self.calls = 0
        self.delay_s = 0.0

    def set_plan(self, plan: dict[str, list[str | Exception]]) -> None:
        self.plan = {k: deque(v) for k, v in plan.items()}
        self.calls = 0

    async def acompletion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> ModelResponse:
        import asyncio

        self.calls += 1
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        prompt = "\n".join(str(m["content"]) for m in messages)
        marker = next((k for k in self.plan if k in prompt), None)
        if marker is None or not self.plan[marker]:
            raise AssertionError("PlannedProvider: no response planned for this prompt")
        return respond(f"planned/{model}", self.plan[marker].popleft(), prompt_tokens=80, completion_tokens=40)
