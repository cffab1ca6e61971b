"""`calmreply eval run`: drafts a reply for every (model, case), scores it, writes one EvalLog.

Async with bounded concurrency and a per-case timeout; a failing case is recorded, never fatal.
Samples are appended to samples.jsonl as they finish, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.config import Settings
from api.llm import LLMClient
from api.pipeline import Drafter
from api.schemas import DraftMeta
from evals.cache import CachingLLMClient, ResponseCache
from evals.collapse import (
    MAX_PAIRS,
    SEED,
    STOCK_FILLER_PATH,
    expects_content,
    load_stock_filler,
    mean_pairwise_similarity,
    stock_filler_rate,
)
from evals.dataset import Case
from evals.judge import judge_reply
from evals.results import EvalLog, EvalSpec, ModelSummary, RuleSummary, SampleResult
from evals.rules import RULES
from evals.scorers import Scorer, default_scorers

ProgressFn = Callable[[SampleResult], None]


def git_revision() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5, check=False)
    except OSError:
        return None
    return out.stdout.strip() or None


async def run_sample(
    case: Case,
    model: str,
    *,
    settings: Settings,
    llm: LLMClient,
    cache: ResponseCache | None,
    scorers: list[Scorer],
    prompt_version: str,
    judge: str | None,
    timeout_s: float,
) -> SampleResult:
    client = CachingLLMClient(llm, cache)
    base: dict[str, Any] = {"case_id": case.id, "model": model, "industry": case.industry, "channel": case.channel.value}
    try:
        outcome = await asyncio.wait_for(Drafter(settings, client).draft(case.to_request(model, prompt_version)), timeout_s)
    except TimeoutError:
        return SampleResult(**base, status="timeout", error=f"no draft within {timeout_s:g}s")
    except Exception as exc:  # one broken case must not abort the run; it is reported instead
        return SampleResult(**base, status="error", error=f"{type(exc).__name__}: {exc}")
    meta = outcome.meta
    first = meta.attempts[0] if meta.attempts else None
    raw = (
        None
        if model == "playbook"
        else (
            first.violations
            if first and first.outcome in ("accepted", "violations")
            else [f"({first.outcome})" if first else "(no output)"]
        )
    )
    verdicts = await judge_reply(client, judge, case, outcome.reply) if judge else None
    return SampleResult(
        **base,
        status="ok",
        source=meta.source,
        reply=outcome.reply,
        checks=outcome.checks,
        raw_violations=raw,
        scores=[s.fn(case, outcome.analysis, outcome.reply, outcome.checks) for s in scorers],
        has_content=expects_content(case, outcome.analysis),
        judge=verdicts,
        latency_ms=_model_latency(meta) if client.hits else meta.latency_ms,
        prompt_tokens=meta.usage.prompt_tokens,
        completion_tokens=meta.usage.completion_tokens,
        cost_usd=meta.cost_usd,
        attempts=len(meta.attempts),
        cached=client.hits > 0 and client.misses == 0,
    )


def _model_latency(meta: DraftMeta) -> float:
    """For a sample served (partly) from the cache: the model time recorded when each response was
    first made, so cached re-runs keep reporting the model's real latency."""
    return round(sum(a.latency_ms for a in meta.attempts), 2)


def _load_done(path: Path) -> dict[tuple[str, str], SampleResult]:
    """Finished samples of an earlier run; errors and timeouts are left out so a resume retries them."""
    if not path.is_file():
        return {}
    done = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            s = SampleResult.model_validate_json(line)
            if s.status == "ok":
                done[(s.model, s.case_id)] = s
    return done


async def run_eval(
    cases: list[Case],
    models: list[str],
    *,
    settings: Settings,
    out_dir: Path,
    dataset_name: str,
    prompt_version: str,
    concurrency: int = 4,
    case_timeout_s: float = 120,
    cache_dir: Path | None = None,
    judge: str | None = None,
    resume: bool = False,
    limit: int | None = None,
    on_sample: ProgressFn | None = None,
) -> EvalLog:
    out_dir.mkdir(parents=True, exist_ok=True)
    samples_path = out_dir / "samples.jsonl"
    done = _load_done(samples_path) if resume else {}
    samples_path.write_text("".join(s.model_dump_json() + "\n" for s in done.values()), encoding="utf-8")
    scorers = default_scorers()
    spec = EvalSpec(
        models=models,
        dataset=dataset_name,
        dataset_size=len(cases),
        limit=limit,
        prompt_version=prompt_version,
        judge=judge,
        concurrency=concurrency,
        case_timeout_s=case_timeout_s,
        started_at=datetime.now(UTC),
        git_revision=git_revision(),
        scorers={
            "rules": {"ids": [r.id for r in RULES]},
            **{s.name: s.args for s in scorers},
            "collapse": {"max_pairs": MAX_PAIRS, "seed": SEED, "stock_filler": STOCK_FILLER_PATH.name},
        },
    )
    llm = LLMClient.from_settings(settings)
    cache = ResponseCache(cache_dir) if cache_dir else None
    semaphore = asyncio.Semaphore(concurrency)
    write_lock = asyncio.Lock()

    async def one(case: Case, model: str) -> SampleResult:
        if (model, case.id) in done:
            result = done[(model, case.id)]
        else:
            async with semaphore:
                result = await run_sample(
                    case,
                    model,
                    settings=settings,
                    llm=llm,
                    cache=cache,
                    scorers=scorers,
                    prompt_version=prompt_version,
                    judge=judge,
                    timeout_s=case_timeout_s,
                )
            async with write_lock:
                with samples_path.open("a", encoding="utf-8") as fh:
                    fh.write(result.model_dump_json() + "\n")
        if on_sample:
            on_sample(result)
        return result

    results = await asyncio.gather(*(one(case, model) for model in models for case in cases))
    spec.finished_at = datetime.now(UTC)
    return EvalLog(
        spec=spec, samples=list(results), summaries=[summarize(model, [r for r in results if r.model == model]) for model in models]
    )


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _raw_passed(sample: SampleResult, rule_id: str) -> bool:
    """Did the model's first output pass this rule? False when it was unusable ("(invalid_output)" etc.)."""
    raw = sample.raw_violations
    return raw is not None and not any(v.startswith("(") for v in raw) and rule_id not in raw


def summarize(model: str, samples: list[SampleResult]) -> ModelSummary:
    ok = [s for s in samples if s.status == "ok"]
    n = len(samples) or 1
    llm = model != "playbook"
    rules = []
    for rule in RULES:
        results = [c for s in ok for c in s.checks if c.rule_id == rule.id]
        passed = sum(c.passed for c in results)
        agreement = None
        judged = [
            (c.passed, v.passed) for s in ok if s.judge for c in s.checks if c.rule_id == rule.id for v in s.judge if v.rule_id == rule.id
        ]
        if judged:
            agreement = sum(a == b for a, b in judged) / len(judged)
        raw = None
        if llm and rule.severity == "error":
            raw = sum(_raw_passed(s, rule.id) for s in ok) / n
        rules.append(
            RuleSummary(
                rule_id=rule.id,
                severity=rule.severity,
                pass_rate=passed / n,
                failures=len(results) - passed,
                raw_pass_rate=raw,
                judge_agreement=agreement,
            )
        )
    expectations: dict[str, float] = {}
    for name in sorted({sc.name for s in ok for sc in s.scores}):
        applicable = [sc.passed for s in ok for sc in s.scores if sc.name == name and sc.passed is not None]
        if applicable:
            expectations[name] = sum(applicable) / len(applicable)
    costs = [s.cost_usd for s in ok if s.cost_usd is not None]
    latencies = [s.latency_ms for s in ok]
    with_content = [s.reply for s in ok if s.has_content]
    return ModelSummary(
        model=model,
        samples=len(samples),
        errors=len(samples) - len(ok),
        pass_rate=sum(s.passed for s in samples) / n,
        raw_pass_rate=sum(s.raw_violations == [] for s in ok) / n if llm else None,
        repaired_pass_rate=sum(s.source in ("llm", "llm_repaired") for s in ok) / n if llm else None,
        fallback_rate=sum(s.source == "fallback" for s in ok) / n if llm else None,
        latency_p50_ms=_percentile(latencies, 50),
        latency_p95_ms=_percentile(latencies, 95),
        prompt_tokens=sum(s.prompt_tokens for s in ok),
        completion_tokens=sum(s.completion_tokens for s in ok),
        cost_usd=sum(costs) if costs else None,
        rules=rules,
        expectations=expectations,
        specificity_rate=expectations.get("specificity"),
        intent_accuracy=expectations.get("intent"),
        similarity_mean=mean_pairwise_similarity([s.reply for s in ok]),
        stock_filler_rate=stock_filler_rate(with_content, load_stock_filler()),
    )
