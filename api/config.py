"""Settings from the environment (prefix CALMREPLY_), read through a cached get_settings()."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from api.integrations.settings import ChatwootSettings, ZammadSettings


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALMREPLY_", env_file=".env", extra="ignore")

    model: str = Field(default="playbook", description="Default drafting model: 'playbook' or any litellm model string.")
    database_url: str = Field(default="sqlite:///./calmreply.db", description="SQLAlchemy URL; PostgreSQL works by changing it.")
    prompt_version: str = Field(default="v1", description="Prompt template version in prompts/ used when a request names none.")
    request_deadline_s: float = Field(default=120.0, gt=0, description="Overall time budget for the LLM part of one draft.")
    llm_timeout_s: float = Field(default=60.0, gt=0, description="Timeout of one LLM call.")
    retry_backoff_s: float = Field(default=0.5, gt=0, description="Base of the jittered exponential backoff between transport retries.")
    transport_retries: int = Field(default=3, ge=0, le=10, description="Retries of transient provider failures per call.")
    max_reasks: int = Field(default=2, ge=0, le=5, description="Content re-asks after rule violations or invalid output.")
    temperature: float = Field(default=0.3, ge=0, le=2)
    max_tokens: int = Field(default=700, gt=0)
    cpu_workers: int = Field(
        default_factory=lambda: min(4, os.cpu_count() or 1),
        ge=1,
        le=64,
        description="Threads that run analysis, the playbook and the checks off the event loop.",
    )
    cpu_budget_s: float = Field(default=10.0, gt=0, description="Time budget of one request's CPU-bound step; past it, 503.")

    auth: Literal["on", "off"] = Field(default="on", description="'off' serves without API keys, allowed only on a loopback address.")
    bind_host: str | None = Field(default=None, description="Address the server listens on; `calmreply serve --host` sets it.")
    allowed_models: Annotated[list[str], NoDecode] = Field(
        default=["playbook"],
        description="Models a request may name (comma-separated; 'openai/*' allows a provider). CALMREPLY_MODEL is always allowed.",
    )
    rate_limit_per_minute: float = Field(default=120, ge=0, description="Requests per minute per API key (refill rate); 0 = no limit.")
    rate_limit_burst: int = Field(default=30, ge=1, description="Requests a key may make at once before the per-minute rate applies.")
    redact_pii: bool = Field(default=True, description="Swap emails, phones, cards, IBANs, addresses, order numbers for placeholders.")
    store_pii: bool = Field(default=True, description="false: store the request with the same placeholders the model saw.")

    public_url: str = Field(
        default="http://127.0.0.1:8000", description="Where agents reach this server: the notes link to the console here."
    )
    queue_url: str | None = Field(
        default=None,
        description="huey's storage for helpdesk jobs: sqlite:///PATH (one machine) or redis://HOST:PORT/DB (several); "
        "default a SQLite file beside a SQLite database (calmreply-queue.db).",
    )
    queue_workers: int = Field(
        default=1, ge=0, le=64, description="Worker threads inside the API process; 0 = only `calmreply worker` processes."
    )
    job_max_attempts: int = Field(default=8, ge=1, le=50, description="Attempts of a helpdesk job before it is dead.")
    job_backoff_s: float = Field(default=2.0, gt=0, description="First retry delay of a failed job; doubles each attempt.")
    job_backoff_max_s: float = Field(default=600.0, gt=0, description="Longest retry delay.")
    job_lease_s: float = Field(default=300.0, gt=0, description="A running job untouched this long lost its worker and is run again.")
    helpdesk_timeout_s: float = Field(default=15.0, gt=0, description="Timeout of one call to a helpdesk's API.")
    chatwoot: ChatwootSettings = Field(default_factory=ChatwootSettings)
    zammad: ZammadSettings = Field(default_factory=ZammadSettings)

    @field_validator("allowed_models", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [m.strip() for m in value.split(",") if m.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
