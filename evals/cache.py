"""On-disk cache of model completions, so re-running the same model + prompt + case costs nothing.

The key is a hash of everything that determines the output: model, messages, schema and sampling
parameters. Only successful completions are cached; provider errors are retried next run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel

from api.llm import Completion, DeltaSink, LLMClient
from api.schemas import Usage


class ResponseCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def key(self, model: str, messages: list[dict[str, str]], schema: type[BaseModel], client: LLMClient) -> str:
        material = json.dumps(
            {
                "model": model,
                "messages": messages,
                "schema": schema.model_json_schema(),
                "temperature": client.temperature,
                "max_tokens": client.max_tokens,
            },
            sort_keys=True,
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Completion | None:
        path = self._path(key)
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return Completion(
            text=data["text"],
            finish_reason=data.get("finish_reason"),
            usage=Usage(**data["usage"]),
            cost_usd=data["cost_usd"],
            latency_ms=data["latency_ms"],
            transport_attempts=data["transport_attempts"],
        )

    def put(self, key: str, completion: Completion) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "text": completion.text,
                    "finish_reason": completion.finish_reason,
                    "usage": completion.usage.model_dump(),
                    "cost_usd": completion.cost_usd,
                    "latency_ms": completion.latency_ms,
                    "transport_attempts": completion.transport_attempts,
                }
            ),
            encoding="utf-8",
        )
        tmp.replace(path)


class CachingLLMClient:
    """Wraps an LLMClient for one sample; counts hits and misses so the sample can say it was cached."""

    def __init__(self, inner: LLMClient, cache: ResponseCache | None) -> None:
        self.inner = inner
        self.cache = cache
        self.hits = 0
        self.misses = 0
        self.temperature = inner.temperature
        self.max_tokens = inner.max_tokens

    async def complete(
        self,
        model: str,
        messages: list[dict[str, str]],
        schema: type[BaseModel],
        deadline: float,
        on_delta: DeltaSink | None = None,
    ) -> Completion:
        """The pipeline's CompletionClient call. `on_delta` hears a model's text as it streams; a cache hit
        streams nothing (eval runs never stream)."""
        if self.cache is None:
            self.misses += 1
            return await self.inner.complete(model, messages, schema, deadline, on_delta)
        key = self.cache.key(model, messages, schema, self.inner)
        hit = self.cache.get(key)
        if hit is not None:
            self.hits += 1
            return hit
        self.misses += 1
        completion = await self.inner.complete(model, messages, schema, deadline, on_delta)
        self.cache.put(key, completion)
        return completion
