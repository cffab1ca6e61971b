"""The eval log: one JSON document per run (spec, per-sample results, per-model summary).

Every report (terminal, JUnit, HTML, compare) reads only this model, like Inspect AI's log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from evals.rules import RuleResult


class EvalSpec(BaseModel):
    models: list[str]
    dataset: str
    dataset_size: int
    limit: int | None
    prompt_version: str
    judge: str | None
    concurrency: int
    case_timeout_s: float
    started_at: datetime
    finished_at: datetime | None = None
    git_revision: str | None = None
    scorers: dict[str, dict[str, object]] = Field(
        default_factory=dict, description="Each scorer's name and the arguments it was built with."
    )


class Score(BaseModel):
    """One scorer's verdict on one sample, with the reason."""

    name: str
    passed: bool | None = Field(description="None when the scorer does not apply to this case.")
    explanation: str = ""
    metadata: dict[str, object] = Field(default_factory=dict)


class JudgeVerdict(BaseModel):
    rule_id: str
    passed: bool
    reason: str = ""


class SampleResult(BaseModel):
    case_id: str
    model: str
    industry: str
    channel: str
    status: Literal["ok", "error", "timeout"]
    error: str | None = None
    source: Literal["llm", "llm_repaired", "playbook", "fallback"] | None = None
    reply: str = ""
    checks: list[RuleResult] = Field(default_factory=list)
    raw_violations: list[str] | None = Field(default=None, description="Error rules the model's first output broke (LLM models only).")
    scores: list[Score] = Field(default_factory=list)
    has_content: bool | None = Field(
        default=None, description="The case has a concrete problem to name (evals.collapse.expects_content); None when no draft was made."
    )
    judge: list[JudgeVerdict] | None = None
    latency_ms: float = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    attempts: int = 0
    cached: bool = False

    @property
    def passed(self) -> bool:
        """Every error rule and every applicable objective expectation passed."""
        if self.status != "ok":
            return False
        rules_ok = all(c.passed for c in self.checks if c.severity == "error")
        return rules_ok and all(s.passed is not False for s in self.scores)


class RuleSummary(BaseModel):
    rule_id: str
    severity: str
    pass_rate: float
    failures: int
    raw_pass_rate: float | None = Field(
        default=None, description="Share of first model outputs passing this rule (LLM models, error rules)."
    )
    judge_agreement: float | None = None


class ModelSummary(BaseModel):
    model: str
    samples: int
    errors: int
    pass_rate: float = Field(description="Share of samples passing every error rule and every objective expectation.")
    raw_pass_rate: float | None = Field(description="Share whose first model output passed every error rule (LLM only).")
    repaired_pass_rate: float | None = Field(description="Share accepted from the model after re-asks (llm + llm_repaired).")
    fallback_rate: float | None
    latency_p50_ms: float
    latency_p95_ms: float
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    rules: list[RuleSummary]
    expectations: dict[str, float] = Field(default_factory=dict, description="Pass rate of each objective scorer where it applies.")
    specificity_rate: float | None = Field(
        default=None, description="Share of cases with an expected problem whose reply names the main one."
    )
    intent_accuracy: float | None = Field(default=None, description="Share of intent-labelled cases the analysis reads correctly.")
    similarity_mean: float | None = Field(default=None, description="Mean pairwise word-3-gram Jaccard between replies to different cases.")
    stock_filler_rate: float | None = Field(
        default=None, description="Share of replies to cases with a concrete problem that use stock filler."
    )


class EvalLog(BaseModel):
    version: int = 1
    spec: EvalSpec
    samples: list[SampleResult]
    summaries: list[ModelSummary]
