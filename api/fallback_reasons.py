"""Why a draft fell back to the playbook: a stable code for machines and a safe sentence for people.

`meta.fallback_reason` carries the code (a client may switch on it; the set only grows) and
`meta.fallback_detail` the sentence. The sentence is built from the exception's class name, the
HTTP status and a fixed description, never from the provider's own text: a provider's error
message can quote the API key it was sent or a base URL with credentials in it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum


class FallbackReason(StrEnum):
    timeout = "timeout"
    rate_limited = "rate_limited"
    server_error = "server_error"
    connection_error = "connection_error"
    truncated_response = "truncated_response"
    malformed_response = "malformed_response"
    empty_response = "empty_response"
    auth_error = "auth_error"
    bad_request = "bad_request"
    provider_error = "provider_error"
    invalid_output = "invalid_output"
    rule_violation = "rule_violation"


DESCRIPTIONS: dict[FallbackReason, str] = {
    FallbackReason.timeout: "the provider did not answer within the request's deadline",
    FallbackReason.rate_limited: "the provider kept rate-limiting the request (429), or asked to wait past the deadline",
    FallbackReason.server_error: "the provider kept failing with a server error (5xx)",
    FallbackReason.connection_error: "the connection to the provider failed or was dropped before a response",
    FallbackReason.truncated_response: "the provider's response body ended before its declared length",
    FallbackReason.malformed_response: "the provider's response body was not the JSON an OpenAI-style API returns",
    FallbackReason.empty_response: "the provider returned an empty body or an empty message",
    FallbackReason.auth_error: "the provider rejected the credentials (401/403)",
    FallbackReason.bad_request: "the provider rejected the request (4xx), or the model is unknown",
    FallbackReason.provider_error: "the provider call failed for another reason",
    FallbackReason.invalid_output: "the model's output never matched the reply schema, re-asks included",
    FallbackReason.rule_violation: "the model's replies still broke the rules after re-asking",
}

# litellm's fixed wording when an OpenAI-compatible endpoint answers 200 with a body that is not a
# completion (an HTML error page from a proxy, plain text): see litellm/llms/openai/openai.py.
_NOT_A_COMPLETION = "Empty or invalid response from LLM endpoint"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _names(exc: BaseException) -> set[str]:
    return {cls.__name__ for e in _chain(exc) for cls in type(e).__mro__}


def status_code(exc: BaseException) -> int | None:
    for e in _chain(exc):
        code = getattr(e, "status_code", None)
        if isinstance(code, int):
            return code
    return None


def classify(exc: BaseException) -> FallbackReason:
    """The real cause of a provider failure, read from the whole exception chain.

    litellm reports a body it could not parse, and a dropped connection, as InternalServerError
    with status 500; the chain underneath (JSONDecodeError, aiohttp's ContentLengthError,
    ServerDisconnectedError) says what actually happened.
    """
    names = _names(exc)
    decode = next((e for e in _chain(exc) if isinstance(e, json.JSONDecodeError)), None)
    if decode is not None:
        return FallbackReason.empty_response if not decode.doc.strip() else FallbackReason.malformed_response
    if any(_NOT_A_COMPLETION in str(e) for e in _chain(exc)):
        return FallbackReason.malformed_response
    if names & {"DeadlineExceeded", "AttemptTimedOut", "Timeout", "APITimeoutError", "TimeoutException"}:
        return FallbackReason.timeout
    if "ContentLengthError" in names or "TransferEncodingError" in names:
        return FallbackReason.truncated_response
    if names & {"ServerDisconnectedError", "ClientConnectionError", "ConnectError", "ReadError", "RemoteProtocolError"}:
        return FallbackReason.connection_error
    if "RateLimitError" in names:
        return FallbackReason.rate_limited
    if names & {"AuthenticationError", "PermissionDeniedError"}:
        return FallbackReason.auth_error
    code = status_code(exc)
    if "APIConnectionError" in names and code in (None, 500):
        return FallbackReason.connection_error
    if code is not None and code >= 500:
        return FallbackReason.server_error
    if (code is not None and 400 <= code < 500) or names & {"BadRequestError", "NotFoundError"}:
        return FallbackReason.bad_request
    return FallbackReason.provider_error


# litellm labels these 500 although no HTTP status came back; printing it would mislead.
_NOT_HTTP = {
    FallbackReason.timeout,
    FallbackReason.connection_error,
    FallbackReason.truncated_response,
    FallbackReason.malformed_response,
    FallbackReason.empty_response,
}


def safe_message(exc: BaseException, reason: FallbackReason | None = None) -> str:
    """'ServiceUnavailableError (HTTP 503): the provider kept failing with a server error (5xx)'."""
    reason = reason or classify(exc)
    code = status_code(exc)
    status = f" (HTTP {code})" if code is not None and reason not in _NOT_HTTP else ""
    return f"{type(exc).__name__}{status}: {DESCRIPTIONS[reason]}"


_LEGACY = {  # free-text reasons stored before the codes existed, so old rows still read back
    "rule violations remained after re-asking": FallbackReason.rule_violation,
    "the model's output never matched the schema": FallbackReason.invalid_output,
    "the deadline passed while re-asking": FallbackReason.timeout,
}


def from_stored(value: object) -> object:
    """Pydantic before-validator: map a pre-code stored reason onto its code; pass anything else on."""
    if isinstance(value, str) and value not in FallbackReason.__members__:
        if value.startswith("provider error"):
            return FallbackReason.provider_error
        return _LEGACY.get(value, value)
    return value
