"""Report renderers: terminal summary, JUnit XML, offline HTML, run comparison, write_reports."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from evals.reports import compare, print_summary, render_comparison, to_html, to_junit_xml, write_reports
from evals.reports.highlight import collect_highlights, highlight_html
from evals.results import EvalLog, EvalSpec, ModelSummary, RuleSummary, SampleResult, Score
from evals.rules import RuleResult, Span

MODEL_A = "openai/gpt-4o-mini"
MODEL_B = "anthropic/claude-haiku"
RULE_IDS = [("emotion-first", "error"), ("no-blame-shifting", "error"), ("calm-tone", "warning")]
TITLES = {"emotion-first": "Acknowledge the emotion first", "no-blame-shifting": "Don't shift blame", "calm-tone": "Keep a calm tone"}


def span(reply: str, text: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = reply.index(text, start + 1)
    return Span(start=start, end=start + len(text), text=text)


def check(rule_id: str, passed: bool = True, message: str = "", spans: list[Span] | None = None) -> RuleResult:
    severity = dict(RULE_IDS)[rule_id]
    return RuleResult(
        rule_id=rule_id,
        title=TITLES[rule_id],
        severity=severity,
        passed=passed,
        message=message or ("ok" if passed else f"{rule_id} failed"),
        spans=spans or [],
        fix_hint=None if passed else f"fix {rule_id}",
    )


def all_pass() -> list[RuleResult]:
    return [check(rid) for rid, _ in RULE_IDS]


def sample(
    case_id: str, model: str, reply: str = "We're sorry, we'll fix it today.", checks: list[RuleResult] | None = None, **kw
) -> SampleResult:
    base = dict(
        industry="telecom",
        channel="email",
        status="ok",
        source="llm",
        reply=reply,
        raw_violations=[],
        latency_ms=800.0,
        prompt_tokens=500,
        completion_tokens=120,
        cost_usd=0.0004,
        attempts=1,
    )
    base.update(kw)
    return SampleResult(case_id=case_id, model=model, checks=all_pass() if checks is None else checks, **base)


def summarize(model: str, samples: list[SampleResult], llm: bool = True) -> ModelSummary:
    ok = [s for s in samples if s.status == "ok"]
    n = len(samples) or 1
    rules = []
    for rid, sev in RULE_IDS:
        results = [c for s in ok for c in s.checks if c.rule_id == rid]
        passed = sum(c.passed for c in results)
        rules.append(RuleSummary(rule_id=rid, severity=sev, pass_rate=passed / n, failures=len(results) - passed))
    scored = [sc.passed for s in ok for sc in s.scores if sc.name == "mentions-refund" and sc.passed is not None]
    return ModelSummary(
        model=model,
        samples=len(samples),
        errors=len(samples) - len(ok),
        pass_rate=sum(s.passed for s in samples) / n,
        raw_pass_rate=sum(s.raw_violations == [] for s in ok) / n if llm else None,
        repaired_pass_rate=sum(s.source in ("llm", "llm_repaired") for s in ok) / n if llm else None,
        fallback_rate=sum(s.source == "fallback" for s in ok) / n if llm else None,
        latency_p50_ms=800,
        latency_p95_ms=1500,
        prompt_tokens=sum(s.prompt_tokens for s in ok),
        completion_tokens=sum(s.completion_tokens for s in ok),
        cost_usd=None if not llm else 0.0016,
        rules=rules,
        expectations={"mentions-refund": sum(scored) / len(scored)} if scored else {},
    )


def make_log(samples: list[SampleResult], models: list[str], llm: dict[str, bool] | None = None, **spec_kw) -> EvalLog:
    spec = dict(
        models=models,
        dataset="evals/datasets/complaints_1.jsonl",
        dataset_size=4,
        limit=None,
        prompt_version="v3",
        judge="openai/gpt-4o",
        concurrency=4,
        case_timeout_s=60,
        git_revision="abc123def456",
        started_at=datetime(2025, 5, 1, 12, 0, tzinfo=UTC),
        finished_at=datetime(2025, 5, 1, 12, 3, tzinfo=UTC),
    )
    spec.update(spec_kw)
    llm = llm or {}
    return EvalLog(
        spec=EvalSpec(**spec),
        samples=samples,
        summaries=[summarize(m, [s for s in samples if s.model == m], llm.get(m, True)) for m in models],
    )


SCRIPT_REPLY = "I understand. <script>alert('x')</script> Tom & Jerry's plan: it's your fault, honestly."
OVERLAP_REPLY = "Calm down, it is your fault and not ours."


def base_log() -> EvalLog:
    blame = check("no-blame-shifting", False, "Blames the customer", [span(SCRIPT_REPLY, "it's your fault")])
    overlap_checks = [
        check("emotion-first", False, "Opens by dismissing the feeling", [span(OVERLAP_REPLY, "Calm down, it is")]),
        check("no-blame-shifting", False, "Blames the customer", [span(OVERLAP_REPLY, "it is your fault")]),
        check("calm-tone", False, "Condescending phrase", [span(OVERLAP_REPLY, "Calm down")]),
    ]
    samples = [
        sample("c1", MODEL_A),
        sample("c2", MODEL_A, SCRIPT_REPLY, [check("emotion-first"), blame, check("calm-tone")], raw_violations=["no-blame-shifting"]),
        sample(
            "c3",
            MODEL_A,
            OVERLAP_REPLY,
            overlap_checks,
            industry="airline",
            channel="chat",
            source="fallback",
            raw_violations=["emotion-first"],
        ),
        sample(
            "c4",
            MODEL_A,
            "",
            [],
            status="error",
            source=None,
            error="RateLimitError: <429> too many requests & retries",
            raw_violations=None,
        ),
        sample("c1", MODEL_B, source="llm_repaired", raw_violations=["emotion-first"]),
        sample("c2", MODEL_B, scores=[Score(name="mentions-refund", passed=False, explanation="no refund mentioned")]),
        sample(
            "c3",
            MODEL_B,
            "Sorry! Calm down please.",
            [
                check("emotion-first"),
                check("no-blame-shifting"),
                check("calm-tone", False, "Condescending phrase", [span("Sorry! Calm down please.", "Calm down")]),
            ],
        ),
        sample("c4", MODEL_B, scores=[Score(name="mentions-refund", passed=True), Score(name="other", passed=None)]),
    ]
    return make_log(samples, [MODEL_A, MODEL_B])


# ---------------------------------------------------------------- JUnit


def test_junit_parses_with_right_counts() -> None:
    root = ET.fromstring(to_junit_xml(base_log()))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("8", "3", "1")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == [MODEL_A, MODEL_B]
    a, b = suites[MODEL_A], suites[MODEL_B]
    assert (a.get("tests"), a.get("failures"), a.get("errors")) == ("4", "2", "1")
    assert (b.get("tests"), b.get("failures"), b.get("errors")) == ("4", "1", "0")
    assert float(a.get("time")) == 3.2 and a.get("timestamp", "").startswith("2025-05-01")
    cases = {c.get("name"): c for c in a.findall("testcase")}
    assert all(c.get("classname") == MODEL_A for c in cases.values()) and cases["c1"].get("time") == "0.800"
    assert cases["c1"].find("failure") is None and cases["c1"].find("error") is None
    failure = cases["c2"].find("failure")
    assert failure is not None and "no-blame-shifting" in failure.get("message")
    assert "Blames the customer" in failure.text and "it's your fault" in failure.text
    error = cases["c4"].find("error")
    assert error is not None and error.get("type") == "error" and "RateLimitError" in error.get("message")
    # warnings are not failures but are reported
    assert "calm-tone" in cases["c3"].find("system-out").text
    b_cases = {c.get("name"): c for c in b.findall("testcase")}
    assert b_cases["c3"].find("failure") is None and "warning [calm-tone]" in b_cases["c3"].find("system-out").text
    assert "expect:mentions-refund" in b_cases["c2"].find("failure").text
    assert b_cases["c4"].find("failure") is None  # passed=None scores do not fail


def test_junit_survives_control_characters() -> None:
    log = base_log()
    log.samples[1].checks[1].message = "bad \x00\x07 bytes"
    ET.fromstring(to_junit_xml(log))


# ---------------------------------------------------------------- HTML

EXTERNAL = re.compile(r"""(?:src|href|action|xlink:href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)""", re.I)


def test_html_is_offline_and_self_contained() -> None:
    html = to_html(base_log())
    assert html.startswith("<!DOCTYPE html>")
    assert not EXTERNAL.search(html)
    assert "http://" not in html and "https://" not in html
    assert "@import" not in html and "url(" not in html
    assert "<link" not in html and "<img" not in html
    assert html.count("<script") == 1 and "<script src" not in html


def test_html_has_charts_cards_and_spec() -> None:
    log = base_log()
    html = to_html(log)
    assert html.count("<svg") >= 3  # rules, expectations, sources
    for text in (MODEL_A, MODEL_B, "v3", "abc123def456", "openai/gpt-4o", "complaints_1.jsonl", "emotion-first", "no-blame-shifting"):
        assert text in html
    # emotion-first: A 2/4 (c3 fails, c4 errored), B 4/4; no-blame-shifting A 1/4; calm-tone B 3/4
    for label in (">50%<", ">100%<", ">25%<", ">75%<"):
        assert label in html


def test_html_highlights_and_escapes() -> None:
    html = to_html(base_log())
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry" in html
    assert re.search(r'<mark class="error" title="no-blame-shifting: Blames the customer"[^>]*>it&#x27;s your fault</mark>', html)
    # the overlapping spans of c3 are merged into a single mark listing every rule
    merged = re.search(r'<mark class="error" title="([^"]*)"[^>]*>Calm down, it is your fault</mark>', html)
    assert merged, html
    for rid in ("emotion-first", "no-blame-shifting", "calm-tone"):
        assert rid in merged.group(1)
    # the error sample is listed with its (escaped) error; passing samples are not listed
    assert "RateLimitError: &lt;429&gt; too many requests &amp; retries" in html
    assert html.count('<article class="sample') == 4  # A: c2, c3, c4; B: c2 (B/c3 only has a warning)
    assert 'data-rules="no-blame-shifting"' in html and "status:error" in html


def test_html_handles_non_llm_models_and_empty_logs() -> None:
    samples = [sample("c1", "playbook", source="playbook", raw_violations=None)]
    html = to_html(make_log(samples, ["playbook"], llm={"playbook": False}, judge=None, git_revision=None, finished_at=None))
    assert "not applicable" in html and "Every sample passed." in html
    empty = to_html(make_log([], ["m"]))
    assert "<svg" in empty


def test_highlight_merging() -> None:
    reply = "abcdefghij"
    rules = [
        RuleResult(rule_id="r1", title="", severity="warning", passed=False, message="m1", spans=[Span(start=0, end=4, text="abcd")]),
        RuleResult(
            rule_id="r2",
            title="",
            severity="error",
            passed=False,
            message="m2",
            spans=[Span(start=2, end=6, text="cdef"), Span(start=6, end=8, text="gh"), Span(start=50, end=60, text="zz")],
        ),
    ]
    hs = collect_highlights(reply, rules)
    assert [(h.start, h.end, h.severity) for h in hs] == [(0, 6, "error"), (6, 8, "error")]
    assert hs[0].labels == ["r1: m1", "r2: m2"]
    out = highlight_html(reply, rules)
    assert (
        out
        == '<mark class="error" title="r1: m1\nr2: m2" data-rules="r1 r2">abcdef</mark><mark class="error" title="r2: m2" data-rules="r2">gh</mark>ij'
    )
    # stale offsets are re-located by text
    stale = [RuleResult(rule_id="r", title="", severity="error", passed=False, message="m", spans=[Span(start=0, end=3, text="hij")])]
    assert highlight_html(reply, stale).endswith('<mark class="error" title="r: m" data-rules="r">hij</mark>')


# ---------------------------------------------------------------- compare


def test_compare_finds_regressions_fixes_and_deltas() -> None:
    a = base_log()
    b_samples = [s.model_copy(deep=True) for s in a.samples]
    # MODEL_A/c1 regresses (blame), MODEL_A/c2 gets fixed
    b_samples[0] = sample(
        "c1",
        MODEL_A,
        "Your fault.",
        [
            check("emotion-first"),
            check("no-blame-shifting", False, "Blames the customer", [Span(start=0, end=10, text="Your fault")]),
            check("calm-tone"),
        ],
    )
    b_samples[1] = sample("c2", MODEL_A)
    b = make_log(b_samples, [MODEL_A, MODEL_B])
    cmp = compare(a, b)
    assert [m.model_a for m in cmp.models] == [MODEL_A, MODEL_B] and not cmp.only_in_a and not cmp.only_in_b
    ma = cmp.models[0]
    assert [c.case_id for c in ma.regressed] == ["c1"]
    assert ma.regressed[0].rules == ["no-blame-shifting"] and "Blames the customer" in ma.regressed[0].messages[0]
    assert [c.case_id for c in ma.fixed] == ["c2"] and ma.fixed[0].rules == ["no-blame-shifting"]
    assert ma.pass_rate_delta == 0.0  # one fixed, one regressed
    blame = ma.rule("no-blame-shifting")
    assert blame is not None and (blame.pass_rate_a, blame.pass_rate_b) == (0.25, 0.25) and blame.delta == 0
    mb = cmp.models[1]
    assert not mb.regressed and not mb.fixed and mb.pass_rate_delta == 0
    dumped = cmp.model_dump()
    assert dumped["models"][0]["pass_rate_delta"] == 0.0 and "delta" in dumped["models"][0]["rules"][0]


def test_compare_rule_delta_and_rendering() -> None:
    a = base_log()
    b_samples = [s.model_copy(deep=True) for s in a.samples]
    b_samples[4] = sample(
        "c1", MODEL_B, "It's your fault.", [check("emotion-first"), check("no-blame-shifting", False, "Blames", []), check("calm-tone")]
    )
    b = make_log(b_samples, [MODEL_A, MODEL_B], prompt_version="v4")
    mb = compare(a, b).models[1]
    assert [c.case_id for c in mb.regressed] == ["c1"]
    assert abs(mb.pass_rate_delta + 0.25) < 1e-9
    assert abs(mb.rule("no-blame-shifting").delta + 0.25) < 1e-9
    assert mb.rule("emotion-first").delta == 0
    console = Console(record=True, width=160, color_system=None)
    render_comparison(compare(a, b), console)
    out = console.export_text()
    assert "-25.0 pp" in out and "c1" in out and "Regressed" in out and "v4" in out


def test_compare_single_models_with_different_names() -> None:
    a = make_log([sample("c1", MODEL_A), sample("c2", MODEL_A)], [MODEL_A])
    b = make_log(
        [sample("c1", MODEL_B, status="timeout", error="timed out after 60s", source=None, reply="", checks=[]), sample("c2", MODEL_B)],
        [MODEL_B],
    )
    cmp = compare(a, b)
    assert len(cmp.models) == 1 and cmp.models[0].label == f"{MODEL_A} → {MODEL_B}"
    assert cmp.models[0].regressed[0].rules == ["status:timeout"]
    assert abs(cmp.models[0].pass_rate_delta + 0.5) < 1e-9


def test_compare_disjoint_models() -> None:
    a = make_log([sample("c1", "m1"), sample("c1", "m2")], ["m1", "m2"])
    b = make_log([sample("c1", "m2"), sample("c1", "m3")], ["m2", "m3"])
    cmp = compare(a, b)
    assert [m.model_a for m in cmp.models] == ["m2"] and cmp.only_in_a == ["m1"] and cmp.only_in_b == ["m3"]
    render_comparison(cmp, Console(record=True, width=120))


# ---------------------------------------------------------------- terminal + write_reports


def test_print_summary() -> None:
    log = base_log()
    log.summaries[0].rules[0].judge_agreement = 0.75
    console = Console(record=True, width=220, color_system=None)
    print_summary(log, console)
    out = console.export_text()
    for text in (MODEL_A, MODEL_B, "Rule pass rates", "no-blame-shifting", "mentions-refund", "Judge agreement", "75.0%", "$0.0016"):
        assert text in out
    no_llm = make_log([sample("c1", "playbook", source="playbook")], ["playbook"], llm={"playbook": False})
    console = Console(record=True, width=220, color_system=None)
    print_summary(no_llm, console)
    row = next(line for line in console.export_text().splitlines() if "playbook" in line and "100.0%" in line)
    assert row.count(" - ") >= 3  # raw / repaired / fallback / cost shown as "-"


def test_write_reports_round_trip(tmp_path: Path) -> None:
    log = base_log()
    paths = write_reports(log, tmp_path / "run")
    assert set(paths) == {"results.json", "junit.xml", "report.html"}
    assert all(p.is_file() and p.parent == tmp_path / "run" for p in paths.values())
    assert EvalLog.model_validate_json(paths["results.json"].read_text(encoding="utf-8")) == log
    ET.parse(paths["junit.xml"])
    assert "<svg" in paths["report.html"].read_text(encoding="utf-8")
