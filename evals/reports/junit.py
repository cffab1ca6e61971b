"""JUnit XML for CI: one <testsuite> per model, one <testcase> per sample."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from evals.reports._common import failing_error_rules, failing_scores, failing_warnings, samples_by_model
from evals.results import EvalLog, SampleResult
from evals.rules import RuleResult

# Characters XML 1.0 forbids even when escaped (control characters, lone surrogates, U+FFFE/U+FFFF).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: object) -> str:
    return _INVALID_XML.sub("\ufffd", str(text))


def _seconds(ms: float) -> str:
    return f"{max(ms, 0.0) / 1000:.3f}"


def _rule_lines(rule: RuleResult) -> list[str]:
    lines = [f"[{rule.rule_id}] {rule.title}: {rule.message}"]
    lines += [f"    span {sp.start}-{sp.end}: {sp.text!r}" for sp in rule.spans]
    if rule.fix_hint:
        lines.append(f"    fix: {rule.fix_hint}")
    return lines


def _failure(sample: SampleResult) -> tuple[str, str]:
    """(short message, full text) for a sample that ran but did not pass."""
    rules = failing_error_rules(sample)
    scores = failing_scores(sample)
    short = ", ".join([r.rule_id for r in rules] + [f"expect:{s.name}" for s in scores])
    lines: list[str] = []
    for rule in rules:
        lines += _rule_lines(rule)
    for score in scores:
        lines.append(f"[expect:{score.name}] {score.explanation or 'failed'}")
    lines += ["", "reply:", sample.reply]
    return f"failed: {short}", "\n".join(lines)


def _system_out(sample: SampleResult) -> str | None:
    lines: list[str] = []
    for rule in failing_warnings(sample):
        lines += ["warning " + line if i == 0 else line for i, line in enumerate(_rule_lines(rule))]
    for verdict in sample.judge or []:
        if not verdict.passed:
            lines.append(f"judge [{verdict.rule_id}] failed: {verdict.reason}")
    if sample.status == "ok" and lines:
        lines.append(f"source: {sample.source}, attempts: {sample.attempts}")
    return "\n".join(lines) if lines else None


def to_junit_xml(log: EvalLog) -> str:
    root = ET.Element("testsuites", name=_clean(f"calmreply eval {log.spec.dataset}"))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    total_time = 0.0
    for model, samples in samples_by_model(log).items():
        suite = ET.SubElement(root, "testsuite", name=_clean(model))
        counts = {"tests": 0, "failures": 0, "errors": 0}
        suite_time = 0.0
        props = ET.SubElement(suite, "properties")
        for key, value in (
            ("dataset", log.spec.dataset),
            ("prompt_version", log.spec.prompt_version),
            ("judge", log.spec.judge),
            ("git_revision", log.spec.git_revision),
        ):
            if value is not None:
                ET.SubElement(props, "property", name=key, value=_clean(value))
        for sample in samples:
            counts["tests"] += 1
            suite_time += sample.latency_ms / 1000
            case = ET.SubElement(suite, "testcase", classname=_clean(model), name=_clean(sample.case_id), time=_seconds(sample.latency_ms))
            if sample.status != "ok":
                counts["errors"] += 1
                err = ET.SubElement(case, "error", type=sample.status, message=_clean(sample.error or sample.status))
                err.text = _clean(sample.error or sample.status)
            elif not sample.passed:
                counts["failures"] += 1
                message, body = _failure(sample)
                fail = ET.SubElement(case, "failure", type="RuleFailure", message=_clean(message))
                fail.text = _clean(body)
            out = _system_out(sample)
            if out:
                ET.SubElement(case, "system-out").text = _clean(out)
        if not len(props):
            suite.remove(props)
        suite.set("tests", str(counts["tests"]))
        suite.set("failures", str(counts["failures"]))
        suite.set("errors", str(counts["errors"]))
        suite.set("skipped", "0")
        suite.set("time", f"{suite_time:.3f}")
        suite.set("timestamp", log.spec.started_at.isoformat())
        for key in totals:
            totals[key] += counts[key]
        total_time += suite_time
    for key, total in totals.items():
        root.set(key, str(total))
    root.set("time", f"{total_time:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
