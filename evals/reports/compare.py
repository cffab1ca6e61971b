"""Compare two eval logs: per-rule pass-rate deltas (B - A), regressed and fixed cases."""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field
from rich.console import Console
from rich.table import Table
from rich.text import Text

from evals.reports._common import failure_keys, fmt_delta, fmt_pct, model_order, rule_order
from evals.results import EvalLog, ModelSummary, SampleResult


class RuleDelta(BaseModel):
    rule_id: str
    pass_rate_a: float | None
    pass_rate_b: float | None
    raw_pass_rate_a: float | None = Field(default=None, description="First model output, before re-asks (LLM models).")
    raw_pass_rate_b: float | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def delta(self) -> float | None:
        if self.pass_rate_a is None or self.pass_rate_b is None:
            return None
        return self.pass_rate_b - self.pass_rate_a


class CaseChange(BaseModel):
    case_id: str
    industry: str = ""
    channel: str = ""
    rules: list[str] = Field(description="Regressed: what newly fails in B. Fixed: what failed in A and no longer does.")
    messages: list[str] = Field(default_factory=list, description="'rule-id: message' for each entry of rules, from the failing side.")


class ModelComparison(BaseModel):
    model_a: str
    model_b: str
    pass_rate_a: float | None
    pass_rate_b: float | None
    samples_a: int
    samples_b: int
    shared_cases: int
    rules: list[RuleDelta]
    paths: dict[str, tuple[float | None, float | None]] = Field(
        default_factory=dict, description="Model-level (A, B) rates: first-output pass, after re-ask, fallback."
    )
    regressed: list[CaseChange]
    fixed: list[CaseChange]

    @property
    def label(self) -> str:
        return self.model_a if self.model_a == self.model_b else f"{self.model_a} → {self.model_b}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pass_rate_delta(self) -> float | None:
        if self.pass_rate_a is None or self.pass_rate_b is None:
            return None
        return self.pass_rate_b - self.pass_rate_a

    def rule(self, rule_id: str) -> RuleDelta | None:
        return next((r for r in self.rules if r.rule_id == rule_id), None)


class RunInfo(BaseModel):
    dataset: str
    prompt_version: str
    git_revision: str | None
    started_at: str
    models: list[str]


class Comparison(BaseModel):
    a: RunInfo
    b: RunInfo
    models: list[ModelComparison]
    only_in_a: list[str] = Field(default_factory=list)
    only_in_b: list[str] = Field(default_factory=list)


def _info(log: EvalLog) -> RunInfo:
    return RunInfo(
        dataset=log.spec.dataset,
        prompt_version=log.spec.prompt_version,
        git_revision=log.spec.git_revision,
        started_at=log.spec.started_at.isoformat(),
        models=model_order(log),
    )


def _pass_rate(summary: ModelSummary | None, samples: list[SampleResult]) -> float | None:
    if summary is not None:
        return summary.pass_rate
    return sum(s.passed for s in samples) / len(samples) if samples else None


def _rule_rates(summary: ModelSummary | None, samples: list[SampleResult]) -> dict[str, float]:
    if summary is not None:
        return {r.rule_id: r.pass_rate for r in summary.rules}
    counts: dict[str, list[bool]] = {}
    for sample in samples:
        for check in sample.checks:
            counts.setdefault(check.rule_id, []).append(check.passed)
    return {rid: sum(v) / len(v) for rid, v in counts.items()}


def _messages(sample: SampleResult, keys: list[str]) -> list[str]:
    out = []
    for key in keys:
        if key.startswith("status:"):
            detail = sample.error or ""
        elif key.startswith("expect:"):
            score = next((s for s in sample.scores if f"expect:{s.name}" == key), None)
            detail = score.explanation if score else ""
        else:
            check = next((c for c in sample.checks if c.rule_id == key), None)
            detail = check.message if check else ""
        out.append(f"{key}: {detail}" if detail else key)
    return out


def _compare_model(a: EvalLog, b: EvalLog, model_a: str, model_b: str) -> ModelComparison:
    sum_a = next((s for s in a.summaries if s.model == model_a), None)
    sum_b = next((s for s in b.summaries if s.model == model_b), None)
    samples_a = {s.case_id: s for s in a.samples if s.model == model_a}
    samples_b = {s.case_id: s for s in b.samples if s.model == model_b}
    rates_a = _rule_rates(sum_a, list(samples_a.values()))
    rates_b = _rule_rates(sum_b, list(samples_b.values()))
    rule_ids = list(dict.fromkeys([*rule_order(a), *rule_order(b)]))
    rule_ids = [r for r in rule_ids if r in rates_a or r in rates_b]
    regressed: list[CaseChange] = []
    fixed: list[CaseChange] = []
    shared = [cid for cid in samples_a if cid in samples_b]
    for cid in shared:
        sa, sb = samples_a[cid], samples_b[cid]
        if sa.passed and not sb.passed:
            keys = failure_keys(sb)
            regressed.append(CaseChange(case_id=cid, industry=sb.industry, channel=sb.channel, rules=keys, messages=_messages(sb, keys)))
        elif sb.passed and not sa.passed:
            keys = failure_keys(sa)
            fixed.append(CaseChange(case_id=cid, industry=sa.industry, channel=sa.channel, rules=keys, messages=_messages(sa, keys)))
    raw_a = {r.rule_id: r.raw_pass_rate for r in sum_a.rules} if sum_a else {}
    raw_b = {r.rule_id: r.raw_pass_rate for r in sum_b.rules} if sum_b else {}
    paths = {
        label: (getattr(sum_a, field) if sum_a else None, getattr(sum_b, field) if sum_b else None)
        for label, field in (("first-output pass", "raw_pass_rate"), ("after re-ask", "repaired_pass_rate"), ("fallback", "fallback_rate"))
    }
    return ModelComparison(
        model_a=model_a,
        model_b=model_b,
        paths={k: v for k, v in paths.items() if v != (None, None)},
        pass_rate_a=_pass_rate(sum_a, list(samples_a.values())),
        pass_rate_b=_pass_rate(sum_b, list(samples_b.values())),
        samples_a=sum_a.samples if sum_a else len(samples_a),
        samples_b=sum_b.samples if sum_b else len(samples_b),
        shared_cases=len(shared),
        rules=[
            RuleDelta(
                rule_id=r,
                pass_rate_a=rates_a.get(r),
                pass_rate_b=rates_b.get(r),
                raw_pass_rate_a=raw_a.get(r),
                raw_pass_rate_b=raw_b.get(r),
            )
            for r in rule_ids
        ],
        regressed=regressed,
        fixed=fixed,
    )


def compare(a: EvalLog, b: EvalLog) -> Comparison:
    """Pair models by name; if each log has exactly one model (and names differ), pair those two."""
    models_a, models_b = model_order(a), model_order(b)
    pairs = [(models_a[0], models_b[0])] if len(models_a) == 1 and len(models_b) == 1 else [(m, m) for m in models_a if m in models_b]
    paired_a = {p[0] for p in pairs}
    paired_b = {p[1] for p in pairs}
    return Comparison(
        a=_info(a),
        b=_info(b),
        models=[_compare_model(a, b, ma, mb) for ma, mb in pairs],
        only_in_a=[m for m in models_a if m not in paired_a],
        only_in_b=[m for m in models_b if m not in paired_b],
    )


# ---------------------------------------------------------------- rendering


def _delta_text(delta: float | None) -> Text:
    if delta is None:
        return Text("-", style="dim")
    if abs(delta) < 0.0005:
        return Text(fmt_delta(delta), style="dim")
    return Text(fmt_delta(delta), style="green" if delta > 0 else "bold red")


def _run_label(info: RunInfo) -> str:
    rev = f" @ {info.git_revision[:10]}" if info.git_revision else ""
    return f"{info.prompt_version}{rev} ({info.started_at[:19]})"


def render_comparison(cmp: Comparison, console: Console | None = None) -> None:
    console = console or Console()
    head = Text()
    head.append("A: ", style="bold")
    head.append(_run_label(cmp.a))
    head.append("\nB: ", style="bold")
    head.append(_run_label(cmp.b))
    console.print(head)
    if cmp.only_in_a or cmp.only_in_b:
        note = Text(style="yellow")
        if cmp.only_in_a:
            note.append(f"only in A: {', '.join(cmp.only_in_a)}  ")
        if cmp.only_in_b:
            note.append(f"only in B: {', '.join(cmp.only_in_b)}")
        console.print(note)
    if not cmp.models:
        console.print(Text("No models to compare.", style="yellow"))
        return
    for mc in cmp.models:
        console.print()
        heading = Text(mc.label, style="bold")
        heading.append(f"  ({mc.samples_a} → {mc.samples_b} samples, {mc.shared_cases} shared cases)", style="dim")
        console.print(heading)
        table = Table()
        table.add_column("rule", style="bold")
        table.add_column("A", justify="right")
        table.add_column("B", justify="right")
        table.add_column("Δ (B - A)", justify="right")
        table.add_row(
            Text("overall pass", style="bold"),
            fmt_pct(mc.pass_rate_a),
            fmt_pct(mc.pass_rate_b),
            _delta_text(mc.pass_rate_delta),
            end_section=not mc.paths,
        )
        for i, (label, (ra, rb)) in enumerate(mc.paths.items()):
            delta = rb - ra if ra is not None and rb is not None else None
            table.add_row(Text(label), fmt_pct(ra), fmt_pct(rb), _delta_text(delta), end_section=i == len(mc.paths) - 1)
        for r in mc.rules:
            table.add_row(Text(r.rule_id), fmt_pct(r.pass_rate_a), fmt_pct(r.pass_rate_b), _delta_text(r.delta))
        raw_rules = [r for r in mc.rules if r.raw_pass_rate_a is not None or r.raw_pass_rate_b is not None]
        if raw_rules:
            table.add_section()
            for r in raw_rules:
                a, b = r.raw_pass_rate_a, r.raw_pass_rate_b
                delta = b - a if a is not None and b is not None else None
                table.add_row(Text(f"{r.rule_id} (first output)"), fmt_pct(a), fmt_pct(b), _delta_text(delta))
        console.print(table)
        for title, changes, style in (
            ("Regressed (passed in A, failed in B)", mc.regressed, "red"),
            ("Fixed (failed in A, passed in B)", mc.fixed, "green"),
        ):
            if not changes:
                continue
            cases = Table(title=Text(f"{title}: {len(changes)}", style=style), title_justify="left")
            cases.add_column("case")
            cases.add_column("industry / channel")
            cases.add_column("rules" if style == "green" else "newly failing")
            for c in changes:
                cases.add_row(Text(c.case_id), Text(f"{c.industry} / {c.channel}"), Text("\n".join(c.messages or c.rules)))
            console.print(cases)
        if not mc.regressed and not mc.fixed:
            console.print(Text("No case changed outcome.", style="dim"))
