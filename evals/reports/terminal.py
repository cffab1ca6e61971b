"""Terminal summary of an eval run: per-model numbers, then rules x models pass rates."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from evals.reports._common import (
    expectation_order,
    fmt_cost,
    fmt_int,
    fmt_ms,
    fmt_pct,
    fmt_similarity,
    has_language_figures,
    judge_agreement_rows,
    model_order,
    rule_order,
    rule_severities,
    summaries_by_model,
)
from evals.results import EvalLog


def _rate_text(rate: float | None, suffix: str = "") -> Text:
    if rate is None:
        return Text("-", style="dim")
    style = "green" if rate >= 0.999 else "yellow" if rate >= 0.8 else "red"
    return Text(fmt_pct(rate) + suffix, style=style)


def model_table(log: EvalLog) -> Table:
    summaries = summaries_by_model(log)
    table = Table(title="Models", title_justify="left")
    table.add_column("model", style="bold")
    for name in ("samples", "errors", "pass", "raw", "repaired", "fallback", "p50", "p95", "tokens in/out", "cost"):
        table.add_column(name, justify="right")
    for model in model_order(log):
        s = summaries.get(model)
        if s is None:
            table.add_row(Text(model), *(["-"] * 10))
            continue
        table.add_row(
            Text(model),
            str(s.samples),
            Text(str(s.errors), style="red" if s.errors else ""),
            _rate_text(s.pass_rate),
            fmt_pct(s.raw_pass_rate),
            fmt_pct(s.repaired_pass_rate),
            fmt_pct(s.fallback_rate),
            fmt_ms(s.latency_p50_ms),
            fmt_ms(s.latency_p95_ms),
            f"{fmt_int(s.prompt_tokens)} / {fmt_int(s.completion_tokens)}",
            fmt_cost(s.cost_usd),
        )
    return table


def rules_table(log: EvalLog) -> Table:
    summaries = summaries_by_model(log)
    models = model_order(log)
    severities = rule_severities(log)
    table = Table(title="Rule pass rates", title_justify="left")
    table.add_column("rule", style="bold")
    table.add_column("sev")
    for model in models:
        table.add_column(Text(model), justify="right")
    for rule_id in rule_order(log):
        cells: list[Text] = []
        for model in models:
            s = summaries.get(model)
            rule = next((r for r in s.rules if r.rule_id == rule_id), None) if s else None
            if rule is None:
                cells.append(Text("-", style="dim"))
            else:
                raw = f" raw {fmt_pct(rule.raw_pass_rate, 0)}" if rule.raw_pass_rate is not None else ""
                cells.append(_rate_text(rule.pass_rate, (f" ({rule.failures})" if rule.failures else "") + raw))
        sev = severities.get(rule_id, "")
        table.add_row(Text(rule_id), Text(sev, style="red" if sev == "error" else "yellow"), *cells)
    return table


def expectations_table(log: EvalLog) -> Table | None:
    names = expectation_order(log)
    if not names:
        return None
    summaries = summaries_by_model(log)
    models = model_order(log)
    table = Table(title="Expectation scorers", title_justify="left")
    table.add_column("scorer", style="bold")
    for model in models:
        table.add_column(Text(model), justify="right")
    for name in names:
        table.add_row(Text(name), *(_rate_text(summaries[m].expectations.get(name) if m in summaries else None) for m in models))
    return table


def language_table(log: EvalLog) -> Table | None:
    """Does each model name the problem and read the intent, and do its replies collapse into one template?"""
    if not has_language_figures(log):
        return None
    summaries = summaries_by_model(log)
    table = Table(title="Specificity / intent · template collapse", title_justify="left")
    table.add_column("model", style="bold")
    for name in ("specificity", "intent", "similarity", "stock filler"):
        table.add_column(name, justify="right")
    for model in model_order(log):
        s = summaries.get(model)
        if s is None:
            table.add_row(Text(model), *(["-"] * 4))
            continue
        table.add_row(
            Text(model),
            _rate_text(s.specificity_rate),
            _rate_text(s.intent_accuracy),
            fmt_similarity(s.similarity_mean),
            fmt_pct(s.stock_filler_rate),
        )
    return table


def judge_table(log: EvalLog) -> Table | None:
    models = model_order(log)
    rows = judge_agreement_rows(log)
    if not rows:
        return None
    title = "Judge agreement" + (f" ({log.spec.judge})" if log.spec.judge else "")
    table = Table(title=Text(title), title_justify="left")
    table.add_column("rule", style="bold")
    for model in models:
        table.add_column(Text(model), justify="right")
    for rule_id, values in rows:
        table.add_row(Text(rule_id), *(_rate_text(v) for v in values))
    return table


def summary_tables(log: EvalLog) -> list[Table]:
    """Every summary table for a run, in print order (optional ones only when they have data)."""
    tables = [model_table(log), rules_table(log)]
    for extra in (expectations_table(log), language_table(log), judge_table(log)):
        if extra is not None:
            tables.append(extra)
    return tables


def print_summary(log: EvalLog, console: Console | None = None) -> None:
    console = console or Console()
    spec = log.spec
    header = Text()
    header.append("calmreply eval", style="bold")
    header.append(f" · dataset {spec.dataset} ({spec.dataset_size} cases" + (f", limit {spec.limit}" if spec.limit else "") + ")")
    header.append(f" · prompt {spec.prompt_version}")
    if spec.judge:
        header.append(f" · judge {spec.judge}")
    if spec.git_revision:
        header.append(f" · rev {spec.git_revision[:12]}")
    console.print(header)
    for table in summary_tables(log):
        console.print(table)
