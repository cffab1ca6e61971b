"""The complaint dataset (evals/datasets/*.jsonl): cases the eval suite drafts replies for."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas import DraftRequest, Turn
from evals.rules import Channel, Policy, Remedy

DATASET_DIR = Path(__file__).parent / "datasets"


class ExpectedProblem(BaseModel):
    """One problem a reply must name: `terms` are concept groups, each a set of words that express it."""

    summary: str
    terms: list[list[str]] = Field(default_factory=list)


class Expectations(BaseModel):
    """Objective expectations only: what a correct reply must or must not do regardless of style."""

    escalation: list[str] = Field(default_factory=list)
    injection: bool = False
    forbidden_remedies: list[Remedy] = Field(default_factory=list)
    intent: Literal["complaint", "question", "thanks", "follow_up", "abuse", "other"] | None = None
    problems: list[ExpectedProblem] = Field(default_factory=list)
    evidence: dict[str, str] = Field(default_factory=dict, description="flag -> the words that warrant it")


class Case(BaseModel):
    id: str
    industry: str
    channel: Channel
    intensity: Literal["calm", "mild", "moderate", "furious"]
    company_at_fault: bool | None
    customer_name: str | None = None
    company_name: str | None = None
    complaint: str
    history: list[Turn] = Field(default_factory=list)
    context: str | None = None
    policy: Policy | None = None
    expect: Expectations = Field(default_factory=Expectations)
    source: str | None = None
    notes: str | None = None
    writer: str | None = None
    style: str | None = None

    def to_request(self, model: str, prompt_version: str | None = None) -> DraftRequest:
        return DraftRequest(
            complaint=self.complaint,
            channel=self.channel,
            company_at_fault=self.company_at_fault,
            customer_name=self.customer_name,
            company_name=self.company_name,
            context=self.context,
            policy=self.policy,
            history=self.history,
            model=model,
            prompt_version=prompt_version,
        )


def load_dataset(path: Path = DATASET_DIR) -> list[Case]:
    """Load one .jsonl file, or every .jsonl file in a folder (sorted by name)."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    cases: list[Case] = []
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    cases.append(Case.model_validate_json(line))
                except ValueError as exc:
                    raise ValueError(f"{file}:{number}: {exc}") from exc
    ids = [c.id for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate case ids: {', '.join(duplicates)}")
    return cases
