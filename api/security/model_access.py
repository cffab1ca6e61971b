"""Which models a request may name: the operator's default plus CALMREPLY_ALLOWED_MODELS ('openai/*' allows a provider)."""

from __future__ import annotations

from fnmatch import fnmatchcase

from api.config import Settings


class ModelNotAllowed(ValueError):
    pass


def check_model(settings: Settings, model: str | None) -> None:
    """Raise ModelNotAllowed unless the request's model is the default or on the allow-list."""
    if model is None or model == settings.model or any(fnmatchcase(model, pattern) for pattern in settings.allowed_models):
        return
    allowed = ", ".join(sorted({settings.model, *settings.allowed_models}))
    raise ModelNotAllowed(f"model {model!r} is not allowed here; allowed: {allowed} (CALMREPLY_ALLOWED_MODELS)")
