"""The contract of GET /v1/stats."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class Acceptance(BaseModel):
    """What agents did with the drafts they finished (the latest feedback per draft)."""

    finished: int = Field(description="Drafts with feedback.")
    sent: int = Field(description="Sent as suggested.")
    edited: int = Field(description="Sent after editing.")
    discarded: int
    sent_rate: float | None = Field(description="sent / finished; null when nothing is finished.")
    edited_rate: float | None
    discarded_rate: float | None


class HistogramBin(BaseModel):
    label: str = Field(description="e.g. '0', '1-10', '501+'.")
    min: int
    max: int | None = Field(description="Inclusive upper bound; null for the open last bin.")
    count: int


class EditDistance(BaseModel):
    """Character-level Levenshtein distance between the suggested and the sent text."""

    count: int
    mean: float | None
    median: float | None
    bins: list[HistogramBin]


class RuleCount(BaseModel):
    rule_id: str
    count: int
    rate: float = Field(description="count / the texts it was counted over.")


class BrokenRules(BaseModel):
    suggested_texts: int = Field(description="Suggested texts counted.")
    suggested: list[RuleCount] = Field(description="Rules the suggested text broke, most often first.")
    sent_texts: int = Field(description="Texts that went out and were checked (sent as is counts the suggested text).")
    sent: list[RuleCount] = Field(description="Rules the text that went out broke, most often first.")


class Escalations(BaseModel):
    count: int = Field(description="Drafts whose complaint carries a flag that needs a human (threats, safety, vulnerability, data loss).")
    rate: float | None
    by_flag: dict[str, int] = Field(description="Drafts per flag kind, prompt_injection included.")


class Figures(BaseModel):
    drafts: int
    acceptance: Acceptance
    edit_distance: EditDistance
    rules: BrokenRules
    fallback_count: int
    fallback_rate: float | None = Field(description="Drafts whose model failed and the playbook wrote instead.")
    escalations: Escalations


class ModelPromptFigures(Figures):
    model: str
    prompt_version: str


class PeriodFigures(Figures):
    period: str = Field(description="The period's first day, YYYY-MM-DD (UTC).")


class StatsFilters(BaseModel):
    since: datetime | None
    until: datetime | None
    model: str | None
    interval: Literal["day", "week"]


class Usage(BaseModel):
    """Drafts, tokens and spend of one model by one path (llm, llm_repaired, playbook, fallback)."""

    model: str
    source: str
    drafts: int
    total_tokens: int
    cost_usd: float | None = Field(description="Sum of the known provider costs; null when no call reported one.")


class StatsResponse(BaseModel):
    filters: StatsFilters
    total_tokens: int
    cost_usd: float = Field(description="Sum of the known provider costs over the filtered drafts.")
    usage: list[Usage] = Field(description="Drafts, tokens and cost per model and source.")
    totals: Figures
    by_model_prompt: list[ModelPromptFigures] = Field(description="One entry per model and prompt version, most drafts first.")
    over_time: list[PeriodFigures] = Field(description="One entry per period with drafts, oldest first.")
