"""A single self-contained HTML report (inline CSS, inline SVG, optional inline JS; no network)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from evals.reports._common import (
    expectation_order,
    failing_error_rules,
    failing_scores,
    failing_warnings,
    failure_keys,
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
    rule_titles,
    samples_by_model,
    source_shares,
    summaries_by_model,
)
from evals.reports.highlight import highlight_html
from evals.reports.svg import SOURCE_SEGMENTS, grouped_bar_chart, model_color, stacked_bar_chart
from evals.results import EvalLog, ModelSummary, SampleResult

CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; --bg:#f5f7fa; --card:#fff; --bad:#c53030; --warn:#b7791f; --good:#2f8f5b; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 8px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.sub { color: var(--muted); margin: 0 0 16px; }
nav { display: flex; gap: 16px; margin: 8px 0 0; font-size: 13px; }
nav a { color: #3e6fb0; text-decoration: none; }
nav a:hover { text-decoration: underline; }
.spec { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 6px 24px;
  background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin: 16px 0 0; }
.spec div { display: flex; gap: 8px; min-width: 0; }
.spec dt { color: var(--muted); flex: 0 0 92px; }
.spec dd { margin: 0; overflow-wrap: break-word; min-width: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-top: 4px solid var(--c, #999); border-radius: 8px; padding: 12px 16px; }
.card .name { font-weight: 600; overflow-wrap: anywhere; }
.card .big { font-size: 30px; font-weight: 700; line-height: 1.2; margin: 4px 0 2px; }
.card .big small { font-size: 13px; font-weight: 400; color: var(--muted); }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 8px 0 0; font-size: 13px; }
.card dt { color: var(--muted); }
.card dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.good { color: var(--good); } .mid { color: var(--warn); } .bad { color: var(--bad); }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; overflow-x: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0 0 10px; font-size: 13px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.swatch { width: 12px; height: 12px; border-radius: 2px; display: inline-block; flex: none; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
svg.chart .label { font-weight: 600; }
svg.chart .sublabel { fill: var(--muted); font-size: 11px; }
svg.chart .tick { fill: var(--muted); font-size: 11px; }
svg.chart .value { font-size: 11.5px; font-variant-numeric: tabular-nums; }
svg.chart .na { fill: var(--muted); font-style: italic; }
svg.chart .seg { font-size: 11.5px; font-weight: 600; }
svg.chart .grid { stroke: #e4e7eb; stroke-width: 1; }
svg.chart .band { fill: #f7f9fb; }
table.data { border-collapse: collapse; font-size: 13px; margin: 4px 0; }
table.data th, table.data td { padding: 4px 12px; border-bottom: 1px solid var(--line); text-align: right; font-variant-numeric: tabular-nums; }
table.data th:first-child, table.data td:first-child { text-align: left; }
table.data th { color: var(--muted); font-weight: 600; }
.filter { display: flex; align-items: center; gap: 8px; margin: 0 0 12px; font-size: 13px; }
.filter select { font: inherit; padding: 3px 6px; }
.model-failures > summary { cursor: pointer; margin: 20px 0 8px; }
.model-failures > summary h3 { display: inline; margin: 0 6px 0 2px; }
.model-failures .count { color: var(--muted); font-weight: 400; }
article.sample { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 8px;
  padding: 12px 16px; margin: 0 0 12px; }
article.sample.errored { border-left-color: #7b8794; }
article.sample header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 8px; margin-bottom: 6px; }
.case-id { font-weight: 700; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin-right: 4px; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; background: #edf0f3; color: #3e4c59; font-size: 12px; }
.badge b { font-weight: 600; color: var(--muted); margin-right: 3px; }
.badge.status-error, .badge.status-timeout { background: #fde8e8; color: var(--bad); }
.badge.source-fallback { background: #fdf0dc; color: #8a5a12; }
ul.failures { list-style: none; padding: 0; margin: 6px 0 10px; }
ul.failures li { margin: 3px 0; }
.rule { display: inline-block; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px;
  padding: 0 6px; border-radius: 4px; margin-right: 6px; }
.rule.error { background: #fde8e8; color: var(--bad); }
.rule.warning { background: #fdf3d8; color: #8a5a12; }
.rule.expect { background: #e8eefc; color: #2c4f9e; }
.rule.judge { background: #eee8fb; color: #5b3fa0; }
.hint { color: var(--muted); font-size: 12.5px; margin-left: 2px; }
.reply { white-space: pre-wrap; overflow-wrap: anywhere; background: #fbfcfd; border: 1px solid var(--line); border-radius: 6px;
  padding: 10px 12px; line-height: 1.6; }
.reply-label { color: var(--muted); font-size: 12px; margin: 8px 0 2px; }
mark { background: #fed7d7; color: inherit; border-bottom: 2px solid var(--bad); padding: 0 1px; border-radius: 2px; cursor: help; }
mark.warning { background: #fef3c7; border-bottom-color: var(--warn); }
pre.error { white-space: pre-wrap; overflow-wrap: anywhere; background: #fff5f5; border: 1px solid #fbd5d5; border-radius: 6px;
  padding: 8px 12px; margin: 6px 0; font-size: 12.5px; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
"""

SCRIPT = """
(function () {
  var bar = document.getElementById('filter-bar');
  var select = document.getElementById('rule-filter');
  if (!bar || !select) return;
  bar.hidden = false;
  select.addEventListener('change', function () {
    var want = select.value;
    document.querySelectorAll('.model-failures').forEach(function (section) {
      var shown = 0;
      section.querySelectorAll('article.sample').forEach(function (card) {
        var keys = ' ' + (card.getAttribute('data-rules') || '') + ' ';
        var ok = !want || keys.indexOf(' ' + want + ' ') >= 0;
        card.hidden = !ok;
        if (ok) shown++;
      });
      var note = section.querySelector('.shown');
      if (note) note.textContent = want ? '(' + shown + ' shown)' : '';
    });
  });
})();
"""


def _key(text: str) -> str:
    """A filter key safe to use as one whitespace-separated token in data-rules."""
    return re.sub(r"\s+", "_", text.strip())


def _rate_class(rate: float | None) -> str:
    if rate is None:
        return ""
    return "good" if rate >= 0.999 else "mid" if rate >= 0.8 else "bad"


def _badge(label: str, value: object, cls: str = "") -> str:
    klass = f"badge {cls}".strip()
    return f'<span class="{escape(klass)}"><b>{escape(label)}</b>{escape(str(value))}</span>'


def _legend(models: list[str]) -> str:
    items = "".join(f'<span><i class="swatch" style="background:{model_color(i)}"></i>{escape(m)}</span>' for i, m in enumerate(models))
    return f'<div class="legend">{items}</div>'


# ---------------------------------------------------------------- sections


def _header(log: EvalLog) -> str:
    spec = log.spec
    started = spec.started_at.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    when = started
    if spec.finished_at is not None:
        seconds = (spec.finished_at - spec.started_at).total_seconds()
        when += f" (took {seconds / 60:.1f} min)" if seconds >= 120 else f" (took {seconds:.1f} s)"
    dataset = f"{spec.dataset} ({spec.dataset_size} cases" + (f", limit {spec.limit}" if spec.limit else "") + ")"
    rows = [
        ("Models", ", ".join(spec.models) or "-"),
        ("Dataset", dataset),
        ("Prompt", spec.prompt_version),
        ("Judge", spec.judge or "none"),
        ("Started", when),
        ("Git revision", spec.git_revision or "unknown"),
        ("Concurrency", f"{spec.concurrency} · timeout {spec.case_timeout_s:g} s/case"),
    ]
    if spec.scorers:
        rows.append(("Scorers", ", ".join(spec.scorers)))
    dl = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(str(v))}</dd></div>" for k, v in rows)
    links = [("summary", "Summary"), ("rules", "Rules"), ("sources", "Sources"), ("failures", "Failing samples")]
    if has_language_figures(log):
        links.insert(2, ("language", "Specificity"))
    nav = "".join(f'<a href="#{a}">{escape(t)}</a>' for a, t in links)
    return (
        "<header>"
        "<h1>calmreply eval report</h1>"
        f'<p class="sub">{escape(dataset)} · prompt {escape(spec.prompt_version)} · {escape(started)}</p>'
        f"<nav>{nav}</nav>"
        f'<dl class="spec">{dl}</dl>'
        "</header>"
    )


def _card(index: int, model: str, summary: ModelSummary | None, failing: int) -> str:
    if summary is None:
        return f'<div class="card" style="--c:{model_color(index)}"><div class="name">{escape(model)}</div><p class="empty">no summary</p></div>'
    rows = [
        ("Samples", fmt_int(summary.samples)),
        ("Failing", fmt_int(failing)),
        ("Errors", fmt_int(summary.errors)),
        ("First-try pass", fmt_pct(summary.raw_pass_rate)),
        ("Accepted after repair", fmt_pct(summary.repaired_pass_rate)),
        ("Fallback", fmt_pct(summary.fallback_rate)),
        ("Latency p50 / p95", f"{fmt_ms(summary.latency_p50_ms)} / {fmt_ms(summary.latency_p95_ms)}"),
        ("Tokens in / out", f"{fmt_int(summary.prompt_tokens)} / {fmt_int(summary.completion_tokens)}"),
        ("Cost", fmt_cost(summary.cost_usd)),
    ]
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return (
        f'<div class="card" style="--c:{model_color(index)}">'
        f'<div class="name">{escape(model)}</div>'
        f'<div class="big {_rate_class(summary.pass_rate)}">{escape(fmt_pct(summary.pass_rate))} <small>pass</small></div>'
        f"<dl>{dl}</dl></div>"
    )


def _summary_section(log: EvalLog) -> str:
    summaries = summaries_by_model(log)
    by_model = samples_by_model(log)
    cards = "".join(_card(i, m, summaries.get(m), sum(not s.passed for s in by_model.get(m, []))) for i, m in enumerate(model_order(log)))
    return f'<section id="summary"><h2>Summary</h2><div class="cards">{cards}</div></section>'


def _rules_section(log: EvalLog) -> str:
    models = model_order(log)
    summaries = summaries_by_model(log)
    titles = rule_titles(log)
    severities = rule_severities(log)

    def rule_groups(field: str) -> list[tuple[str, str, list[float | None]]]:
        groups = []
        for rule_id in rule_order(log):
            values: list[float | None] = []
            for m in models:
                s = summaries.get(m)
                rule = next((r for r in s.rules if r.rule_id == rule_id), None) if s else None
                values.append(getattr(rule, field) if rule else None)
            sev = severities.get(rule_id, "")
            sub = " · ".join(x for x in (titles.get(rule_id, ""), "warning" if sev == "warning" else "") if x)
            groups.append((rule_id, sub, values))
        return groups

    groups = rule_groups("pass_rate")
    parts = ['<section id="rules"><h2>Rule pass rates</h2>']
    if groups:
        parts.append(f'<div class="panel">{_legend(models)}{grouped_bar_chart(groups, models, "Pass rate per rule and model")}</div>')
    else:
        parts.append('<p class="empty">No rule results.</p>')
    raw_groups = [g for g in rule_groups("raw_pass_rate") if any(v is not None for v in g[2])]
    if raw_groups:
        parts.append("<h3>First model output, before re-asks and fallback</h3>")
        parts.append(
            f'<div class="panel">{_legend(models)}{grouped_bar_chart(raw_groups, models, "First-output pass rate per error rule and model")}</div>'
        )
    names = expectation_order(log)
    if names:
        exp_groups = [(n, "", [summaries[m].expectations.get(n) if m in summaries else None for m in models]) for n in names]
        parts.append("<h3>Expectation scorers</h3>")
        parts.append(
            f'<div class="panel">{_legend(models)}{grouped_bar_chart(exp_groups, models, "Pass rate per expectation scorer and model")}</div>'
        )
    judge_rows = judge_agreement_rows(log)
    if judge_rows:
        head = "".join(f"<th>{escape(m)}</th>" for m in models)
        body = "".join(
            f"<tr><td><code>{escape(rid)}</code></td>"
            + "".join(f'<td class="{_rate_class(v)}">{escape(fmt_pct(v))}</td>' for v in vals)
            + "</tr>"
            for rid, vals in judge_rows
        )
        judge = f" ({escape(log.spec.judge)})" if log.spec.judge else ""
        parts.append(
            f'<h3>Judge agreement{judge}</h3><div class="panel"><table class="data"><thead><tr><th>rule</th>{head}</tr></thead><tbody>{body}</tbody></table></div>'
        )
    parts.append("</section>")
    return "".join(parts)


Cell = Callable[[ModelSummary], str]


def _rate_cell(rate: float | None) -> str:
    return f'<td class="{_rate_class(rate)}">{escape(fmt_pct(rate))}</td>'


def _plain_cell(text: str) -> str:
    return f"<td>{escape(text)}</td>"


def _figure_table(log: EvalLog, columns: list[tuple[str, Cell]]) -> str:
    """A small table with one row per model and one cell per (heading, cell renderer) column."""
    summaries = summaries_by_model(log)
    head = "".join(f"<th>{escape(title)}</th>" for title, _ in columns)
    rows = []
    for m in model_order(log):
        s = summaries.get(m)
        cells = "".join(cell(s) if s else _plain_cell("-") for _, cell in columns)
        rows.append(f"<tr><td>{escape(m)}</td>{cells}</tr>")
    return (
        f'<div class="panel"><table class="data"><thead><tr><th>model</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )


def _language_section(log: EvalLog) -> str:
    """Specificity / intent and template collapse per model; empty for logs that predate them."""
    if not has_language_figures(log):
        return ""
    reading: list[tuple[str, Cell]] = [
        ("specificity", lambda s: _rate_cell(s.specificity_rate)),
        ("intent accuracy", lambda s: _rate_cell(s.intent_accuracy)),
    ]
    collapse: list[tuple[str, Cell]] = [
        ("mean pairwise similarity", lambda s: _plain_cell(fmt_similarity(s.similarity_mean))),
        ("stock filler", lambda s: _plain_cell(fmt_pct(s.stock_filler_rate))),
    ]
    return (
        '<section id="language"><h2>Specificity and template collapse</h2>'
        "<h3>Specificity / intent</h3>"
        '<p class="sub">Share of replies that name the case\'s main expected problem (two of its concept groups, or its only one), '
        "and share of intent-labelled messages the analysis reads correctly.</p>"
        + _figure_table(log, reading)
        + "<h3>Template collapse</h3>"
        '<p class="sub">Mean pairwise word-3-gram Jaccard similarity between replies to different cases (lower is better), '
        "and share of replies to cases with a concrete problem that use stock filler such as “the problem you've described”.</p>"
        + _figure_table(log, collapse)
        + "</section>"
    )


def _sources_section(log: EvalLog) -> str:
    summaries = summaries_by_model(log)
    rows = []
    for m in model_order(log):
        s = summaries.get(m)
        shares = source_shares(s) if s else None
        rows.append(
            (
                m,
                None
                if shares is None
                else {
                    "first_try": shares.first_try,
                    "after_repair": shares.after_repair,
                    "fallback": shares.fallback,
                    "other": shares.other,
                },
            )
        )
    legend = "".join(
        f'<span><i class="swatch" style="background:{fill}"></i>{escape(title)}</span>' for _, title, fill, _ in SOURCE_SEGMENTS
    )
    return (
        '<section id="sources"><h2>Raw vs. repaired vs. fallback</h2>'
        '<p class="sub">Share of each model\'s samples whose first output passed every error rule, that were accepted only after re-asks, '
        "and that fell back to the safe template.</p>"
        f'<div class="panel"><div class="legend">{legend}</div>{stacked_bar_chart(rows, "Reply source per model")}</div></section>'
    )


def _sample_card(sample: SampleResult) -> str:
    errored = sample.status != "ok"
    warnings = failing_warnings(sample)
    keys = failure_keys(sample) + [w.rule_id for w in warnings]
    badges = [
        _badge("industry", sample.industry),
        _badge("channel", sample.channel),
        _badge("source", sample.source or "-", f"source-{_key(sample.source or 'none')}"),
    ]
    if errored:
        badges.append(_badge("status", sample.status, f"status-{sample.status}"))
    badges.append(_badge("latency", fmt_ms(sample.latency_ms)))
    if sample.attempts:
        badges.append(_badge("attempts", sample.attempts))
    items: list[str] = []
    for rule in failing_error_rules(sample):
        hint = f'<div class="hint">fix: {escape(rule.fix_hint)}</div>' if rule.fix_hint else ""
        items.append(
            f'<li><span class="rule error">{escape(rule.rule_id)}</span><b>{escape(rule.title)}</b> — {escape(rule.message)}{hint}</li>'
        )
    for score in failing_scores(sample):
        items.append(f'<li><span class="rule expect">expect:{escape(score.name)}</span>{escape(score.explanation or "failed")}</li>')
    for rule in warnings:
        items.append(
            f'<li><span class="rule warning">{escape(rule.rule_id)}</span><b>{escape(rule.title)}</b> — {escape(rule.message)} <span class="hint">(warning)</span></li>'
        )
    for verdict in sample.judge or []:
        if not verdict.passed:
            items.append(
                f'<li><span class="rule judge">judge:{escape(verdict.rule_id)}</span>{escape(verdict.reason or "failed")} <span class="hint">(judge)</span></li>'
            )
    parts = [
        f'<article class="sample{" errored" if errored else ""}" data-rules="{escape(" ".join(_key(k) for k in keys))}">',
        f'<header><span class="case-id">{escape(sample.case_id)}</span>{"".join(badges)}</header>',
    ]
    if errored:
        parts.append(f'<pre class="error">{escape(sample.error or sample.status)}</pre>')
    if items:
        parts.append(f'<ul class="failures">{"".join(items)}</ul>')
    if sample.reply:
        parts.append('<div class="reply-label">Draft reply</div>')
        parts.append(f'<div class="reply">{highlight_html(sample.reply, failing_error_rules(sample) + warnings)}</div>')
    elif not errored:
        parts.append('<p class="empty">(empty reply)</p>')
    parts.append("</article>")
    return "".join(parts)


def _failures_section(log: EvalLog) -> str:
    by_model = samples_by_model(log)
    order = {rid: i for i, rid in enumerate(rule_order(log))}
    all_keys: dict[str, None] = {}
    sections = []
    for m in model_order(log):
        samples = by_model.get(m, [])
        failing = [s for s in samples if not s.passed]
        for s in failing:
            for k in failure_keys(s) + [w.rule_id for w in failing_warnings(s)]:
                all_keys.setdefault(k, None)
        body = "".join(_sample_card(s) for s in failing) or '<p class="empty">Every sample passed.</p>'
        sections.append(
            f'<details class="model-failures" data-model="{escape(m)}" open>'
            f'<summary><h3>{escape(m)}</h3> <span class="count">{len(failing)} of {len(samples)} failing</span> <span class="count shown"></span></summary>'
            f"{body}</details>"
        )
    keys = sorted(all_keys, key=lambda k: (order.get(k, len(order)), k))
    options = "".join(f'<option value="{escape(_key(k))}">{escape(k)}</option>' for k in keys)
    bar = (
        '<div class="filter" id="filter-bar" hidden><label for="rule-filter">Filter by rule:</label>'
        f'<select id="rule-filter"><option value="">all failing samples</option>{options}</select></div>'
    )
    return f'<section id="failures"><h2>Failing samples</h2>{bar}{"".join(sections)}</section>'


def to_html(log: EvalLog) -> str:
    """The whole report as one offline HTML document."""
    title = f"calmreply eval · {log.spec.dataset} · {log.spec.started_at:%Y-%m-%d %H:%M}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
        + _header(log)
        + _summary_section(log)
        + _rules_section(log)
        + _language_section(log)
        + _sources_section(log)
        + _failures_section(log)
        + f"<footer>Generated by calmreply evals · log version {log.version}</footer>"
        + f"</main><script>{SCRIPT}</script></body></html>\n"
    )
