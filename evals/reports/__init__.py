"""Report renderers: pure functions from an EvalLog (or two) to text, plus a writer for a run directory."""

from __future__ import annotations

from pathlib import Path

from evals.reports.compare import CaseChange, Comparison, ModelComparison, RuleDelta, compare, render_comparison
from evals.reports.html import to_html
from evals.reports.junit import to_junit_xml
from evals.reports.terminal import print_summary, summary_tables
from evals.results import EvalLog

__all__ = [
    "CaseChange",
    "Comparison",
    "ModelComparison",
    "RuleDelta",
    "compare",
    "print_summary",
    "render_comparison",
    "summary_tables",
    "to_html",
    "to_junit_xml",
    "write_reports",
]


def write_reports(log: EvalLog, out_dir: Path) -> dict[str, Path]:
    """Write results.json, junit.xml and report.html into out_dir; return {file name: path}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    contents = {
        "results.json": log.model_dump_json(indent=2),
        "junit.xml": to_junit_xml(log),
        "report.html": to_html(log),
    }
    paths: dict[str, Path] = {}
    for name, text in contents.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths
