"""Small helpers shared by the report renderers (ordering, formatting, failure extraction)."""

from __future__ import annotations

from dataclasses import dataclass

from evals.results import EvalLog, ModelSummary, SampleResult, Score
from evals.rules import RuleResult


def model_order(log: EvalLog) -> list[str]:
    """Models in spec order, then any others seen in summaries or samples."""
    seen: dict[str, None] = {}
    for name in log.spec.models:
        seen.setdefault(name, None)
    for summary in log.summaries:
        seen.setdefault(summary.model, None)
    for sample in log.samples:
        seen.setdefault(sample.model, None)
    return list(seen)


def rule_order(log: EvalLog) -> list[str]:
    """Rule ids in the order the summaries (then samples) first mention them."""
    seen: dict[str, None] = {}
    for summary in log.summaries:
        for rule in summary.rules:
            seen.setdefault(rule.rule_id, None)
    for sample in log.samples:
        for check in sample.checks:
            seen.setdefault(check.rule_id, None)
    return list(seen)


def rule_titles(log: EvalLog) -> dict[str, str]:
    titles: dict[str, str] = {}
    for sample in log.samples:
        for check in sample.checks:
            titles.setdefault(check.rule_id, check.title)
    return titles


def rule_severities(log: EvalLog) -> dict[str, str]:
    sev: dict[str, str] = {}
    for summary in log.summaries:
        for rule in summary.rules:
            sev.setdefault(rule.rule_id, rule.severity)
    for sample in log.samples:
        for check in sample.checks:
            sev.setdefault(check.rule_id, check.severity)
    return sev


def expectation_order(log: EvalLog) -> list[str]:
    seen: dict[str, None] = {}
    for summary in log.summaries:
        for name in summary.expectations:
            seen.setdefault(name, None)
    return list(seen)


def summaries_by_model(log: EvalLog) -> dict[str, ModelSummary]:
    return {s.model: s for s in log.summaries}


def judge_agreement_rows(log: EvalLog) -> list[tuple[str, list[float | None]]]:
    """(rule id, agreement per model in model order) for every rule some model has a judge figure for."""
    summaries = summaries_by_model(log)
    rows = []
    for rule_id in rule_order(log):
        values = []
        for model in model_order(log):
            s = summaries.get(model)
            rule = next((r for r in s.rules if r.rule_id == rule_id), None) if s else None
            values.append(rule.judge_agreement if rule else None)
        if any(v is not None for v in values):
            rows.append((rule_id, values))
    return rows


def has_language_figures(log: EvalLog) -> bool:
    """Whether any model has a specificity, intent, similarity or stock-filler figure (older logs have none)."""
    return any(
        v is not None for s in log.summaries for v in (s.specificity_rate, s.intent_accuracy, s.similarity_mean, s.stock_filler_rate)
    )


def samples_by_model(log: EvalLog) -> dict[str, list[SampleResult]]:
    out: dict[str, list[SampleResult]] = {m: [] for m in model_order(log)}
    for sample in log.samples:
        out.setdefault(sample.model, []).append(sample)
    return out


def failing_error_rules(sample: SampleResult) -> list[RuleResult]:
    return [c for c in sample.checks if c.severity == "error" and not c.passed]


def failing_warnings(sample: SampleResult) -> list[RuleResult]:
    return [c for c in sample.checks if c.severity != "error" and not c.passed]


def failing_scores(sample: SampleResult) -> list[Score]:
    return [s for s in sample.scores if s.passed is False]


def failure_keys(sample: SampleResult) -> list[str]:
    """What makes a sample fail, as stable keys: `status:<s>`, error rule ids, `expect:<scorer>`."""
    if sample.status != "ok":
        return [f"status:{sample.status}"]
    return [c.rule_id for c in failing_error_rules(sample)] + [f"expect:{s.name}" for s in failing_scores(sample)]


# ---------------------------------------------------------------- formatting


def fmt_pct(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def fmt_similarity(value: float | None) -> str:
    """A mean Jaccard similarity (0 = replies share no 3-gram, 1 = all identical)."""
    return "-" if value is None else f"{value:.3f}"


def fmt_delta(value: float | None) -> str:
    """A difference of two rates, in percentage points with an explicit sign."""
    if value is None:
        return "-"
    points = value * 100
    if abs(points) < 0.05:
        return "±0.0 pp"
    return f"{points:+.1f} pp"


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.0f} ms"


def fmt_cost(value: float | None) -> str:
    if value is None:
        return "-"
    if value == 0:
        return "$0"
    if value < 0.01:
        return f"${value:.4f}"
    return f"${value:.2f}"


def fmt_int(value: int) -> str:
    return f"{value:,}"


@dataclass(frozen=True)
class SourceShares:
    """How a model's samples were produced, as shares of all its samples (sums to 1)."""

    first_try: float
    after_repair: float
    fallback: float
    other: float


def source_shares(summary: ModelSummary) -> SourceShares | None:
    """Split raw / after-repair / fallback / other from a summary; None for non-LLM models."""
    if summary.raw_pass_rate is None and summary.repaired_pass_rate is None and summary.fallback_rate is None:
        return None
    clamp = lambda x: min(1.0, max(0.0, x))  # noqa: E731
    raw = clamp(summary.raw_pass_rate or 0.0)
    repaired = clamp(summary.repaired_pass_rate if summary.repaired_pass_rate is not None else raw)
    first_try = min(raw, repaired)
    after_repair = clamp(repaired - first_try)
    fallback = clamp(min(summary.fallback_rate or 0.0, 1.0 - first_try - after_repair))
    other = clamp(1.0 - first_try - after_repair - fallback)
    return SourceShares(first_try, after_repair, fallback, other)
