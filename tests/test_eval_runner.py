"""The eval runner: raw vs repaired vs fallback numbers match what a scripted model did; caching,
resuming, per-case timeouts, gating and report files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.config import Settings
from evals.dataset import load_dataset
from evals.results import EvalLog
from evals.runner import run_eval
from tests.fakes import GOOD_SECTIONS, VIOLATING_SECTIONS, PlannedProvider, as_json, server_error

CASES = load_dataset()[:6]


def _plan(settings: Settings) -> dict[str, list[str | Exception]]:
    good, bad = as_json(GOOD_SECTIONS), as_json(VIOLATING_SECTIONS)
    return {
        CASES[0].complaint: [good],
        CASES[1].complaint: [good],
        CASES[2].complaint: [bad, good],
        CASES[3].complaint: [bad, bad, good],
        CASES[4].complaint: ["not json", "still not json", "nope"],
        CASES[5].complaint: [server_error()] * (settings.transport_retries + 1),
    }


async def _run(settings: Settings, out: Path, cache: Path | None, **kw: object) -> EvalLog:
    return await run_eval(
        CASES,
        ["planned/m"],
        settings=settings,
        out_dir=out,
        dataset_name="test",
        prompt_version="v1",
        concurrency=3,
        case_timeout_s=30,
        cache_dir=cache,
        **kw,  # type: ignore[arg-type]
    )


async def test_rates_match_what_the_model_did(settings: Settings, planned_llm: PlannedProvider, tmp_path: Path) -> None:
    planned_llm.set_plan(_plan(settings))
    log = await _run(settings, tmp_path / "out", None)
    by_case = {s.case_id: s for s in log.samples}
    assert [by_case[c.id].source for c in CASES] == ["llm", "llm", "llm_repaired", "llm_repaired", "fallback", "fallback"]
    summary = log.summaries[0]
    assert summary.raw_pass_rate == pytest.approx(2 / 6)
    assert summary.repaired_pass_rate == pytest.approx(4 / 6)
    assert summary.fallback_rate == pytest.approx(2 / 6)
    assert by_case[CASES[3].id].attempts == 3
    assert by_case[CASES[2].id].raw_violations and "emotion-first" in by_case[CASES[2].id].raw_violations
    assert summary.prompt_tokens > 0 and summary.latency_p95_ms >= summary.latency_p50_ms
    raw = {r.rule_id: r.raw_pass_rate for r in summary.rules}
    assert raw["emotion-first"] == pytest.approx(2 / 6), "two first outputs were good; two violated it; two were unusable"
    assert raw["calm-tone"] == pytest.approx(4 / 6)
    assert raw["follow-up"] is None, "warnings are not part of the raw guard"
    from evals.reports import to_html

    assert "First model output, before re-asks and fallback" in to_html(log)
    from evals.reports import compare

    same = compare(log, log).models[0]
    assert same.paths["first-output pass"] == (pytest.approx(2 / 6), pytest.approx(2 / 6))
    assert next(r for r in same.rules if r.rule_id == "emotion-first").raw_pass_rate_b == pytest.approx(2 / 6)


async def test_second_run_is_served_from_the_cache(settings: Settings, planned_llm: PlannedProvider, tmp_path: Path) -> None:
    planned_llm.set_plan(_plan(settings))
    first = await _run(settings, tmp_path / "a", tmp_path / "cache")
    calls_after_first = planned_llm.calls
    second = await _run(settings, tmp_path / "b", tmp_path / "cache")
    new_calls = planned_llm.calls - calls_after_first
    assert new_calls == settings.transport_retries + 1, "only the provider failure is retried; every completion is cached"
    assert [s.source for s in second.samples] == [s.source for s in first.samples]
    assert all(s.cached for s in second.samples if s.source in ("llm", "llm_repaired"))


async def test_resume_skips_finished_samples(settings: Settings, planned_llm: PlannedProvider, tmp_path: Path) -> None:
    planned_llm.set_plan(_plan(settings))
    out = tmp_path / "out"
    await _run(settings, out, None)
    calls = planned_llm.calls
    resumed = await _run(settings, out, None, resume=True)
    assert planned_llm.calls == calls
    assert len(resumed.samples) == len(CASES)


async def test_resume_retries_timeouts_and_errors(settings: Settings, planned_llm: PlannedProvider, tmp_path: Path) -> None:
    planned_llm.set_plan(_plan(settings))
    out = tmp_path / "out"
    await _run(settings, out, None)
    lines = (out / "samples.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    lines[0] = json.dumps({**first, "status": "timeout", "error": "no draft within 1s"})
    (out / "samples.jsonl").write_text("\n".join(lines) + "\n")
    planned_llm.plan[next(c.complaint for c in CASES if c.id == first["case_id"])].append(as_json(GOOD_SECTIONS))
    calls = planned_llm.calls
    resumed = await _run(settings, out, None, resume=True)
    assert planned_llm.calls == calls + 1
    assert {s.case_id: s.status for s in resumed.samples}[first["case_id"]] == "ok"
    assert len((out / "samples.jsonl").read_text().splitlines()) == len(CASES)


async def test_a_slow_case_times_out_without_aborting_the_run(settings: Settings, planned_llm: PlannedProvider, tmp_path: Path) -> None:
    """The timeout must fall inside the provider's sleep, not before litellm has awaited the provider: with
    0.05 s on a loaded CI machine it fell earlier, and litellm left the provider's coroutine un-awaited (a
    RuntimeWarning, an error here). Half a second against a 30-second call leaves room on either side."""
    planned_llm.set_plan({c.complaint: [as_json(GOOD_SECTIONS)] for c in CASES})
    planned_llm.delay_s = 30.0
    log = await run_eval(
        CASES[:2],
        ["planned/m"],
        settings=settings,
        out_dir=tmp_path,
        dataset_name="t",
        prompt_version="v1",
        concurrency=2,
        case_timeout_s=0.5,
    )
    assert [s.status for s in log.samples] == ["timeout", "timeout"]
    assert log.summaries[0].errors == 2


def test_cli_gate_and_report_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from api.cli import main

    out = tmp_path / "run"
    args = ["eval", "run", "--model", "playbook", "--limit", "8", "--out", str(out), "--quiet", "--no-cache"]
    assert main([*args, "--fail-under", "0.5", "--json", str(tmp_path / "copy.json")]) == 0
    for name in ("results.json", "junit.xml", "report.html", "samples.jsonl"):
        assert (out / name).is_file(), name
    assert json.loads((tmp_path / "copy.json").read_text())["spec"]["models"] == ["playbook"]
    assert main([*args, "--rule-threshold", "calm-tone=1.01"]) == 1
    assert "gate failed" in capsys.readouterr().err


def test_cli_compare(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from api.cli import main

    for name in ("a", "b"):
        assert main(["eval", "run", "--model", "playbook", "--limit", "4", "--out", str(tmp_path / name), "--quiet", "--no-cache"]) == 0
    capsys.readouterr()
    assert main(["eval", "compare", str(tmp_path / "a" / "results.json"), str(tmp_path / "b" / "results.json")]) == 0
    assert "emotion-first" in capsys.readouterr().out


async def test_llm_judge_agreement_is_reported_beside_the_checks(settings: Settings, planned_llm: PlannedProvider, tmp_path: Path) -> None:
    from evals.rules import RULES

    verdicts = json.dumps({"verdicts": [{"rule_id": r.id, "passed": True, "reason": "looks fine"} for r in RULES]})
    planned_llm.set_plan({c.complaint: [verdicts] for c in CASES})
    log = await run_eval(
        CASES, ["playbook"], settings=settings, out_dir=tmp_path, dataset_name="t", prompt_version="v1", judge="planned/judge"
    )
    assert log.spec.judge == "planned/judge"
    assert all(s.judge and len(s.judge) == len(RULES) for s in log.samples)
    for rule in log.summaries[0].rules:
        deterministic = [c.passed for s in log.samples for c in s.checks if c.rule_id == rule.rule_id]
        assert rule.judge_agreement == pytest.approx(sum(deterministic) / len(deterministic))
