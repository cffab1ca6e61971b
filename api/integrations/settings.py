"""Per-helpdesk settings from the environment: CALMREPLY_CHATWOOT_* and CALMREPLY_ZAMMAD_*."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from evals.rules import Channel, Policy


class ConnectorSettings(BaseSettings):
    """What every connector needs. It is on when both `base_url` and `api_token` are set."""

    base_url: str | None = Field(default=None, description="The helpdesk's address, e.g. https://chat.example.com (no trailing /api).")
    api_token: SecretStr | None = Field(default=None, description="Access token the notes are posted with.")
    webhook_secret: SecretStr | None = Field(
        default=None, description="Signs the webhooks; set, a delivery without a valid signature gets 401 and is not stored."
    )
    company_name: str | None = Field(default=None, max_length=120, description="Signs the drafts.")
    policy: Policy | None = Field(default=None, description="What the drafts may offer (JSON, as in POST /v1/drafts).")
    model: str | None = Field(default=None, max_length=200, description="Drafting model; default CALMREPLY_MODEL.")
    channels: dict[str, Channel] = Field(
        default_factory=dict,
        description="JSON map from the helpdesk's channel (Chatwoot inbox type or id, Zammad article type) to email, chat or phone.",
    )
    default_channel: Channel = Field(default=Channel.email, description="The channel of a message the map does not name.")

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.api_token)

    @property
    def api_base(self) -> str:
        return (self.base_url or "").rstrip("/")

    def token(self) -> str:
        return self.api_token.get_secret_value() if self.api_token else ""

    def secret(self) -> bytes | None:
        return self.webhook_secret.get_secret_value().encode() if self.webhook_secret else None

    def channel_of(self, *keys: str | None) -> Channel:
        """The first of `keys` the map names, else the built-in guess, else the default channel."""
        for key in keys:
            if key is not None and key in self.channels:
                return self.channels[key]
        for key in keys:
            if key is not None and key in _BUILT_IN_CHANNELS:
                return _BUILT_IN_CHANNELS[key]
        return self.default_channel


# What a helpdesk's own channel names most likely are, when CALMREPLY_*_CHANNELS does not say.
_BUILT_IN_CHANNELS: dict[str, Channel] = {
    "Channel::Email": Channel.email,
    "Channel::WebWidget": Channel.chat,
    "Channel::Api": Channel.chat,
    "Channel::Whatsapp": Channel.chat,
    "Channel::Sms": Channel.chat,
    "Channel::TwilioSms": Channel.chat,
    "Channel::Telegram": Channel.chat,
    "Channel::Line": Channel.chat,
    "Channel::FacebookPage": Channel.chat,
    "Channel::TwitterProfile": Channel.chat,
    "Channel::Instagram": Channel.chat,
    "Channel::Voice": Channel.phone,
    "email": Channel.email,
    "web": Channel.email,
    "note": Channel.email,
    "phone": Channel.phone,
    "chat": Channel.chat,
    "sms": Channel.chat,
    "telegram personal-message": Channel.chat,
    "facebook feed post": Channel.chat,
    "twitter direct-message": Channel.chat,
    "whatsapp message": Channel.chat,
}


class ChatwootSettings(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="CALMREPLY_CHATWOOT_", env_file=".env", extra="ignore")

    signature_tolerance_s: float = Field(
        default=300, gt=0, description="How old X-Chatwoot-Timestamp may be; an older signed delivery is refused (401)."
    )


class ZammadSettings(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="CALMREPLY_ZAMMAD_", env_file=".env", extra="ignore")

    shared_draft_groups: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated group ids that have shared drafts on: their tickets get the draft as a shared draft.",
    )

    @field_validator("shared_draft_groups", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(v) for v in value.split(",") if v.strip()]
        return value
