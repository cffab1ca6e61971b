"""Custom litellm providers.

`local/<name>` serves a GGUF model in-process with llama.cpp (xllamacpp) (see api.providers.local).
Call `register_local_provider()` once (idempotent) before `litellm.(a)completion(model="local/...")`.
"""

from __future__ import annotations

import os

# Must be set before litellm is imported anywhere: keeps litellm from fetching its price map over the network.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from api.providers.local import (
    DEFAULT_LOCAL_MODEL,
    LOCAL_MODEL_PATH_ENV,
    LOCAL_PROVIDER,
    LocalLLM,
    LocalModelError,
    get_local_server,
    local_generation_lock,
    register_local_provider,
    resolve_local_model_path,
)

__all__ = [
    "DEFAULT_LOCAL_MODEL",
    "LOCAL_MODEL_PATH_ENV",
    "LOCAL_PROVIDER",
    "LocalLLM",
    "LocalModelError",
    "get_local_server",
    "local_generation_lock",
    "register_local_provider",
    "resolve_local_model_path",
]
