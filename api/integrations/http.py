"""Calls to a helpdesk's API: one place that turns HTTP failures into transient or permanent errors."""

from __future__ import annotations

from typing import Any

import httpx

# Worth trying again later: the helpdesk is down or failing (any 5xx), overloaded, or asks us to slow down.
_TRANSIENT_4XX = {408, 425, 429}


class HelpdeskError(Exception):
    """A failed call. `transient` ones are retried with backoff; the others make the job dead at once
    (a wrong token or a deleted conversation does not fix itself; `calmreply jobs retry` after fixing it)."""

    def __init__(self, message: str, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def call(client: httpx.Client, method: str, url: str, **kwargs: Any) -> Any:
    """The JSON body of a 2xx answer (None when empty); HelpdeskError otherwise."""
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TransportError as exc:
        raise HelpdeskError(f"{method} {url}: {type(exc).__name__}", transient=True) from exc
    if response.status_code >= 300:
        raise HelpdeskError(
            f"{method} {url}: HTTP {response.status_code} {response.text[:200]!r}",
            transient=response.status_code >= 500 or response.status_code in _TRANSIENT_4XX,
        )
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise HelpdeskError(f"{method} {url}: the answer is not JSON", transient=True) from exc
