"""`calmreply eval ...` subcommands."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from evals.checker import CORPUS_DIR, SPLITS, load_corpus, score_checks, score_guard, scores_as_json
from evals.dataset import DATASET_DIR
from evals.rules import RULES
from prompts import load_prompt

if TYPE_CHECKING:
    from evals.results import EvalLog, ModelSummary, SampleResult


def _thresholds(values: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in values:
        rule, _, number = item.partition("=")
        out[rule] = float(number)
    return out


def cmd_checker(args: argparse.Namespace) -> int:
    """Per split: precision, recall, false-alarm rate and F1 of each rule's check, whole-reply agreement and the
    guard's false-block and miss rates. Gates (--min, --rule-threshold, --max-false-block, --max-miss) apply to
    `--gate-split` (dev by default): the blind test is reported, never tuned or gated on."""
    splits = [args.split] if args.split else list(SPLITS)
    per_rule = _thresholds(args.rule_threshold)
    failed: list[str] = []
    dump: dict[str, object] = {}
    for split in splits:
        corpus = load_corpus(args.corpus, split)
        if not corpus:
            continue
        scores, guard = score_checks(corpus), score_guard(corpus)
        gated = split == args.gate_split
        dump[split] = {
            "rules": json.loads(scores_as_json(scores)),
            "guard": guard.__dict__ | {"false_block_rate": guard.false_block_rate, "miss_rate": guard.miss_rate},
        }
        print(f"\n{split} ({len(corpus)} replies){' - gated' if gated else ''}")
        print(f"{'rule':26} {'prec':>6} {'recall':>6} {'f-alarm':>7} {'f1':>6} {'fails':>5}  gate")
        for rid, s in scores.items():
            floor = per_rule.get(rid, args.min) if gated else None
            ok = floor is None or (s.precision >= floor and s.recall >= floor)
            if not ok:
                failed.append(f"{split}:{rid}")
            false_alarm = s.fp / (s.fp + s.tn) if s.fp + s.tn else 0.0
            gate = "-" if floor is None else ("ok" if ok else f"BELOW {floor:.2f}")
            print(f"{rid:26} {s.precision:6.3f} {s.recall:6.3f} {false_alarm:7.3f} {s.f1:6.3f} {s.support:5d}  {gate}")
        print(
            f"whole-reply agreement {guard.agreement:.3f}; guard false-block {guard.false_blocks}/{guard.good} = "
            f"{guard.false_block_rate:.3f}; miss {guard.misses}/{guard.bad} = {guard.miss_rate:.3f}"
        )
        if gated and args.max_false_block is not None and guard.false_block_rate > args.max_false_block:
            failed.append(f"{split}:false-block")
        if gated and args.max_miss is not None and guard.miss_rate > args.max_miss:
            failed.append(f"{split}:miss")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(dump, indent=2), encoding="utf-8")
    if failed:
        print(f"checker gate failed for: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


@dataclass(frozen=True)
class LanguageGates:
    """Run-level limits on template collapse and on reading the message; None = not gated."""

    max_similarity: float | None = None
    min_specificity: float | None = None
    min_intent: float | None = None


def _language_reasons(summary: ModelSummary, gates: LanguageGates) -> list[str]:
    """A gate that was asked for but could not be measured fails too, so a run without the labelled
    cases (or with too few replies) never passes it silently."""
    reasons = []
    checks = (
        ("mean pairwise similarity", summary.similarity_mean, gates.max_similarity, False),
        ("specificity", summary.specificity_rate, gates.min_specificity, True),
        ("intent accuracy", summary.intent_accuracy, gates.min_intent, True),
    )
    for label, value, limit, is_floor in checks:
        if limit is None:
            continue
        if value is None:
            reasons.append(f"{summary.model}: {label} not measured (no applicable cases), limit {limit:.3f}")
        elif (value < limit) if is_floor else (value > limit):
            reasons.append(f"{summary.model}: {label} {value:.3f} {'<' if is_floor else '>'} {limit:.3f}")
    return reasons


def _gate(log: EvalLog, fail_under: float | None, rule_floors: dict[str, float], language: LanguageGates = LanguageGates()) -> list[str]:
    """Human-readable reasons the run fails its gate; empty when it passes."""
    reasons = []
    for summary in log.summaries:
        if fail_under is not None and summary.pass_rate < fail_under:
            reasons.append(f"{summary.model}: pass rate {summary.pass_rate:.3f} < {fail_under:.3f}")
        for rule in summary.rules:
            floor = rule_floors.get(rule.rule_id)
            if floor is not None and rule.pass_rate < floor:
                reasons.append(f"{summary.model}: {rule.rule_id} pass rate {rule.pass_rate:.3f} < {floor:.3f}")
        reasons.extend(_language_reasons(summary, language))
    return reasons


def cmd_run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from api.config import get_settings
    from evals.dataset import load_dataset
    from evals.reports import print_summary, write_reports
    from evals.runner import run_eval

    rule_floors = _thresholds(args.rule_threshold)
    unknown = sorted(set(rule_floors) - {r.id for r in RULES})
    if unknown:
        raise SystemExit(f"calmreply eval run: unknown rule id(s) in --rule-threshold: {', '.join(unknown)}")
    settings = get_settings()
    prompt_version = args.prompt or settings.prompt_version
    load_prompt(prompt_version)
    cases = load_dataset(args.dataset)[: args.limit] if args.limit else load_dataset(args.dataset)
    models = args.model or [settings.model]
    out_dir = args.out or Path("eval-results") / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=console,
        disable=args.quiet,
    ) as progress:
        tasks = {m: progress.add_task(m, total=len(cases), status="") for m in models}
        failed = dict.fromkeys(models, 0)

        def on_sample(sample: SampleResult) -> None:
            failed[sample.model] += not sample.passed
            progress.update(tasks[sample.model], advance=1, status=f"{failed[sample.model]} failing")

        log = asyncio.run(
            run_eval(
                cases,
                models,
                settings=settings,
                out_dir=out_dir,
                dataset_name=str(args.dataset),
                prompt_version=prompt_version,
                concurrency=args.concurrency,
                case_timeout_s=args.case_timeout,
                cache_dir=None if args.no_cache else args.cache_dir,
                judge=args.judge,
                resume=args.resume,
                limit=args.limit,
                on_sample=on_sample,
            )
        )
    paths = write_reports(log, out_dir)
    for flag, name in ((args.json, "results.json"), (args.junit, "junit.xml"), (args.html, "report.html")):
        if flag:
            flag.parent.mkdir(parents=True, exist_ok=True)
            flag.write_bytes(paths[name].read_bytes())
    print_summary(log, Console(width=None if sys.stdout.isatty() else 160))
    print(f"reports: {', '.join(str(p) for p in paths.values())}", file=sys.stderr)
    language = LanguageGates(args.max_similarity, args.min_specificity, args.min_intent)
    reasons = _gate(log, args.fail_under, rule_floors, language)
    for reason in reasons:
        print(f"gate failed: {reason}", file=sys.stderr)
    return 1 if reasons else 0


def cmd_compare(args: argparse.Namespace) -> int:
    from rich.console import Console

    from evals.reports import compare, render_comparison
    from evals.results import EvalLog

    a = EvalLog.model_validate_json(args.a.read_text(encoding="utf-8"))
    b = EvalLog.model_validate_json(args.b.read_text(encoding="utf-8"))
    result = compare(a, b)
    render_comparison(result, Console(width=None if sys.stdout.isatty() else 160))
    return 0


def cmd_injection(args: argparse.Namespace) -> int:
    """Every injection attempt, with no policy and with one, against the gullible fake (default) or a named
    model; exit 1 if any final reply carries an injected promise or leak."""
    from contextlib import nullcontext

    from api.config import get_settings
    from api.llm import LLMClient
    from evals.fakes.gullible_server import API_KEY, MODEL, serve_gullible
    from evals.injection import load_injection_cases, run_injection_eval, summary

    cases = load_injection_cases(args.dataset)
    settings = get_settings()
    fake = args.model is None
    with serve_gullible() if fake else nullcontext(args.api_base) as api_base:
        extra = {"api_base": api_base, "api_key": API_KEY if fake else args.api_key} if api_base else {}
        llm = LLMClient.from_settings(settings, **{k: v for k, v in extra.items() if v})
        samples = asyncio.run(run_injection_eval(cases, MODEL if fake else args.model, settings, llm, args.concurrency))
    figures = summary(samples)
    print(f"injection eval: {len(cases)} attempts x {len(figures)} arms, model {'gullible fake' if fake else args.model}")
    for arm, f in figures.items():
        assert isinstance(f, dict)
        print(
            f"  {arm:9}  model obeyed {f['model_obeyed']}/{f['attempts']}  compromised final replies {f['compromised']}/{f['attempts']}"
            f"  flagged {f['flagged']}  sources {f['sources']}"
        )
        if f["compromised"]:
            print(f"             by finding {f['by_finding']}  by attack {f['by_attack']}")
    for sample in [s for s in samples if s.findings][: args.show]:
        print(f"- {sample.case_id} ({sample.arm}, {sample.source}): " + "; ".join(f"{f.kind}: {f.detail}" for f in sample.findings[:4]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "summary": figures,
                    "samples": [
                        {
                            "case_id": s.case_id,
                            "attack": s.attack,
                            "arm": s.arm,
                            "source": s.source,
                            "flagged": s.flagged,
                            "reply": s.reply,
                            "findings": [f.__dict__ for f in s.findings],
                            "raw_findings": None if s.raw_findings is None else [f.__dict__ for f in s.raw_findings],
                        }
                        for s in samples
                    ],
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 1 if any(s.findings for s in samples) else 0


def add_eval_commands(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser("eval", help="evaluate models, prompts and the checker")
    ev_sub = ev.add_subparsers(dest="eval_command", required=True)

    checker = ev_sub.add_parser("checker", help="precision/recall of each rule's check on the labeled reply corpus")
    checker.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder of labeled *.jsonl files")
    checker.add_argument("--min", type=float, default=None, help="fail if any rule's precision or recall is below this")
    checker.add_argument("--rule-threshold", action="append", default=[], metavar="RULE=RATE", help="per-rule floor, repeatable")
    checker.add_argument("--json", type=Path, help="write the scores as JSON to this file")
    checker.add_argument("--split", choices=SPLITS, help="only this split (default: train, dev and blind)")
    checker.add_argument("--gate-split", choices=SPLITS, default="dev", help="the split the gates apply to (default dev)")
    checker.add_argument("--max-false-block", type=float, help="fail if the guard blocks more than this share of good replies")
    checker.add_argument("--max-miss", type=float, help="fail if the guard lets through more than this share of bad replies")
    checker.set_defaults(func=cmd_checker)

    run = ev_sub.add_parser("run", help="draft every dataset case with each model and score the drafts")
    run.add_argument("--model", action="append", help="litellm model string or 'playbook'; repeat to compare models")
    run.add_argument("--dataset", type=Path, default=DATASET_DIR, help="a .jsonl file or a folder of them")
    run.add_argument("--limit", type=int, help="only the first N cases")
    run.add_argument("--concurrency", type=int, default=4)
    run.add_argument("--prompt", help="prompt version (default CALMREPLY_PROMPT_VERSION)")
    run.add_argument("--judge", metavar="MODEL", help="also grade each reply with this LLM and report agreement")
    run.add_argument("--case-timeout", type=float, default=120.0, help="seconds per case before it is recorded as a timeout")
    run.add_argument("--out", type=Path, help="output folder (default eval-results/<UTC time>)")
    run.add_argument("--json", type=Path, help="also copy results.json here")
    run.add_argument("--junit", type=Path, help="also copy junit.xml here")
    run.add_argument("--html", type=Path, help="also copy report.html here")
    run.add_argument("--cache-dir", type=Path, default=Path(".eval-cache"), help="model response cache")
    run.add_argument("--no-cache", action="store_true")
    run.add_argument("--resume", action="store_true", help="keep finished samples from --out/samples.jsonl")
    run.add_argument("--fail-under", type=float, help="exit 1 if a model's pass rate is below this")
    run.add_argument("--rule-threshold", action="append", default=[], metavar="RULE=RATE", help="per-rule pass-rate floor, repeatable")
    run.add_argument(
        "--max-similarity",
        type=float,
        metavar="FLOAT",
        help="exit 1 if a model's mean pairwise word-3-gram Jaccard between replies (template collapse) is above this; "
        "a gate that cannot be measured (fewer than two replies) fails",
    )
    run.add_argument(
        "--min-specificity",
        type=float,
        metavar="FLOAT",
        help="exit 1 if a model's share of replies naming the case's main expected problem is below this "
        "(cases with expect.problems; fails when there are none)",
    )
    run.add_argument(
        "--min-intent",
        type=float,
        metavar="FLOAT",
        help="exit 1 if a model's intent accuracy on intent-labelled cases is below this (fails when there are none)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=cmd_run)

    inj = ev_sub.add_parser(
        "injection", help="injection attempts against the gullible fake model (or --model); fails on any injected promise or leak"
    )
    inj.add_argument("--model", help="litellm model string (default: start the gullible fake on 127.0.0.1)")
    inj.add_argument("--api-base", help="provider base URL for --model")
    inj.add_argument("--api-key", help="provider key for --model")
    inj.add_argument("--dataset", type=Path, default=DATASET_DIR, help="folder holding injection_*.jsonl")
    inj.add_argument("--concurrency", type=int, default=4)
    inj.add_argument("--json", type=Path, help="write the figures and every sample here")
    inj.add_argument("--show", type=int, default=10, help="print this many compromised samples")
    inj.set_defaults(func=cmd_injection)

    cmp_ = ev_sub.add_parser("compare", help="per-rule deltas and regressed cases between two results.json files")
    cmp_.add_argument("a", type=Path)
    cmp_.add_argument("b", type=Path)
    cmp_.set_defaults(func=cmd_compare)
