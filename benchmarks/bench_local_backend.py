"""xllamacpp (the local provider's backend) against llama-cpp-python (the reference it replaced), same run.

Each backend runs in a worker process of its own (benchmarks/local_backend_worker.py): xllamacpp
with this venv's interpreter, llama-cpp-python with `--reference-python` (a separate venv, since it
compiles for ~20 min and calmreply no longer installs it). Both load the same GGUF with the same
n_ctx and thread count. Every request goes to both workers back to back, alternating which goes
first, so slow drift in machine load hits both alike; each request starts from a cold prompt.

  speed      --runs streamed generations of --max-tokens at temperature 0: decode tok/s, time to
             first token (the prompt evaluation), end-to-end tok/s
  json       --json-runs grammar-constrained generations (response_format json_object + schema, the
             form both accept) at temperature 0.7 with varying seeds: how many parse, validate
             against the schema, and end by themselves rather than at max_tokens
  streaming  of the speed runs: text pieces per generated token (1.0: one piece per token), the
             first piece's share of the total time, and whether all runs streamed the same text
  stability  --stability-runs short generations (temperature 0.8, seeds 0..N-1, every 4th one
             JSON-constrained): errors, empty replies, and the worker's resident memory growth

Both workers inherit OMP_WAIT_POLICY=PASSIVE, which api.providers.local sets (the old
llama-cpp-python provider did not; it matters on shared cores, see the README). Ratios are
xllamacpp / llama-cpp-python (>1: xllamacpp is faster or larger). Without
--reference-python only xllamacpp runs, and the report says there is no reference.

    .venv/bin/python benchmarks/bench_local_backend.py --reference-python /tmp/llamaref/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from api.providers import DEFAULT_LOCAL_MODEL, resolve_local_model_path  # noqa: E402

WORKER = ROOT / "benchmarks" / "local_backend_worker.py"
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "local_backend.json"
XLLAMACPP, REFERENCE = "xllamacpp", "llama-cpp-python"

# The same long support prompt as bench_local_provider, so the two benchmarks' speeds compare.
from bench_local_provider import CUSTOMER, SYSTEM  # noqa: E402

SPEED_MESSAGES = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": CUSTOMER}]
COMPLAINTS = [
    "I was charged twice for my order and nobody answers my emails!",
    "The technician never showed up and I took a day off work for it.",
    "Your app deleted all my saved addresses after the update. Fix it.",
    "Thanks for the quick refund last week, but the package still arrived broken.",
]


class Triage(BaseModel):
    mood: Literal["angry", "calm", "confused"]
    needs_refund: bool
    order_ids: list[int] = Field(max_length=3)
    summary: str = Field(max_length=80)


SCHEMA = Triage.model_json_schema()
JSON_FORMAT = {"type": "json_object", "schema": SCHEMA}


def _json_messages(i: int) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "Classify the customer message. Answer in JSON with mood, needs_refund, order_ids, summary."},
        {"role": "user", "content": COMPLAINTS[i % len(COMPLAINTS)]},
    ]


class Worker:
    """A backend worker process: one JSON request line in, one JSON result line out."""

    def __init__(self, name: str, python: str, model: Path) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [python, str(WORKER), name, str(model)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": ""},
        )
        self.ready = self._read()
        if "ready" not in self.ready:
            raise RuntimeError(f"{name} worker failed to start: {self.ready}")

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} worker exited (rc={self.proc.poll()})")
        return json.loads(line)

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def _paired(workers: list[Worker], requests: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Every request on every worker back to back, alternating the order."""
    out: dict[str, list[dict[str, Any]]] = {w.name: [] for w in workers}
    for i, request in enumerate(requests):
        for w in workers if i % 2 == 0 else workers[::-1]:
            out[w.name].append(w.run(request))
    return out


def _decode_tok_s(r: dict[str, Any]) -> float:
    tokens = r.get("completion_tokens") or 0
    return (tokens - 1) / r["decode_s"] if tokens > 1 and r.get("decode_s") else float("nan")


def _speed(results: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in results if "error" not in r]
    return {
        "median_decode_tok_s": statistics.median(_decode_tok_s(r) for r in ok),
        "median_ttft_ms": statistics.median(r["ttft_ms"] for r in ok),
        "median_e2e_tok_s": statistics.median(r["completion_tokens"] / (r["total_ms"] / 1000) for r in ok),
        "median_tokens": statistics.median(r["completion_tokens"] for r in ok),
        "errors": len(results) - len(ok),
        # streaming: text arrived in pieces, one per token or close to it, the first long before the end
        "pieces_per_token": statistics.median(r["pieces"] / r["completion_tokens"] for r in ok),
        "ttft_share_of_total": statistics.median(r["ttft_ms"] / r["total_ms"] for r in ok),
        "identical_output": len({r["text"] for r in ok}) == 1,
    }


def _json_validity(results: list[dict[str, Any]]) -> dict[str, Any]:
    parsed = valid = stopped = 0
    for r in results:
        if "error" in r:
            continue
        stopped += r["finish_reason"] == "stop"
        try:
            json.loads(r["text"])
            parsed += 1
            Triage.model_validate_json(r["text"])
            valid += 1
        except (ValueError, ValidationError):
            pass
    n = len(results)
    return {
        "runs": n,
        "parsed": parsed,
        "schema_valid": valid,
        "finished_by_itself": stopped,
        "errors": sum("error" in r for r in results),
        "valid_share": valid / n if n else float("nan"),
    }


def _stability(results: list[dict[str, Any]], start_rss: float) -> dict[str, Any]:
    ok = [r for r in results if "error" not in r]
    rss = [r["rss_mib"] for r in results]
    return {
        "runs": len(results),
        "errors": len(results) - len(ok),
        "empty_replies": sum(not r["text"].strip() for r in ok),
        "rss_start_mib": start_rss,
        "rss_after_10_mib": rss[min(9, len(rss) - 1)],
        "rss_end_mib": rss[-1],
        "rss_growth_after_10_mib": rss[-1] - rss[min(9, len(rss) - 1)],
        "median_total_ms": statistics.median(r["total_ms"] for r in ok) if ok else float("nan"),
    }


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference-python", help="interpreter of a venv with llama-cpp-python installed")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--json-runs", type=int, default=12)
    ap.add_argument("--stability-runs", type=int, default=100)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    model = resolve_local_model_path(DEFAULT_LOCAL_MODEL)
    started = time.perf_counter()
    uptime_before = os.getloadavg()
    workers = [Worker(XLLAMACPP, sys.executable, model)]
    if args.reference_python:
        workers.append(Worker(REFERENCE, args.reference_python, model))
    try:
        warm = {"messages": SPEED_MESSAGES, "max_tokens": 8, "temperature": 0.0, "seed": 1}
        _paired(workers, [warm, warm])
        speed = _paired(
            workers, [{"messages": SPEED_MESSAGES, "max_tokens": args.max_tokens, "temperature": 0.0, "seed": 1234}] * args.runs
        )
        json_runs = _paired(
            workers,
            [
                {"messages": _json_messages(i), "max_tokens": 160, "temperature": 0.7, "seed": i, "response_format": JSON_FORMAT}
                for i in range(args.json_runs)
            ],
        )
        start_rss = {w.name: w.run(warm)["rss_mib"] for w in workers}
        stability = _paired(
            workers,
            [
                {
                    "messages": _json_messages(i) if i % 4 == 3 else [{"role": "user", "content": COMPLAINTS[i % len(COMPLAINTS)]}],
                    "max_tokens": 24,
                    "temperature": 0.8,
                    "seed": i,
                    **({"response_format": JSON_FORMAT} if i % 4 == 3 else {}),
                }
                for i in range(args.stability_runs)
            ],
        )
    finally:
        for w in workers:
            w.close()

    report: dict[str, Any] = {
        "model_file": model.name,
        "config": {
            "runs": args.runs,
            "max_tokens": args.max_tokens,
            "json_runs": args.json_runs,
            "stability_runs": args.stability_runs,
            "n_ctx": 4096,
            "n_threads": os.cpu_count(),
            # set by api.providers.local and inherited by both workers, so both backends run with it
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        },
        "machine": {
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "loadavg_before": uptime_before,
            "loadavg_after": os.getloadavg(),
        },
        "wall_s": time.perf_counter() - started,
        "backends": {},
    }
    for w in workers:
        report["backends"][w.name] = {
            "load_s": w.ready["load_s"],
            "speed": _speed(speed[w.name]),
            "json": _json_validity(json_runs[w.name]),
            "stability": _stability(stability[w.name], start_rss[w.name]),
        }
    x = report["backends"][XLLAMACPP]
    if REFERENCE in report["backends"]:
        r = report["backends"][REFERENCE]
        report["ratios_xllamacpp_over_reference"] = {
            "decode_tok_s": _ratio(x["speed"]["median_decode_tok_s"], r["speed"]["median_decode_tok_s"]),
            "e2e_tok_s": _ratio(x["speed"]["median_e2e_tok_s"], r["speed"]["median_e2e_tok_s"]),
            "ttft": _ratio(x["speed"]["median_ttft_ms"], r["speed"]["median_ttft_ms"]),
            "json_valid_share": _ratio(x["json"]["valid_share"], r["json"]["valid_share"]),
            "stability_median_total_ms": _ratio(x["stability"]["median_total_ms"], r["stability"]["median_total_ms"]),
            "rss_end": _ratio(x["stability"]["rss_end_mib"], r["stability"]["rss_end_mib"]),
        }
    else:
        report["ratios_xllamacpp_over_reference"] = None
        report["note"] = "no --reference-python: llama-cpp-python not measured in this run"

    print(
        f"model {model.name}, {os.cpu_count()} threads, load average {uptime_before[0]:.1f} -> {os.getloadavg()[0]:.1f}, "
        f"{report['wall_s']:.0f} s"
    )
    print(
        f"{'backend':<18}{'load s':>7}{'decode tok/s':>13}{'e2e tok/s':>10}{'TTFT ms':>9}{'pieces/tok':>11}"
        f"{'JSON valid':>11}{'stab. errors':>13}{'RSS growth MiB':>15}"
    )
    for name, b in report["backends"].items():
        s, j, st = b["speed"], b["json"], b["stability"]
        print(
            f"{name:<18}{b['load_s']:>7.2f}{s['median_decode_tok_s']:>13.1f}{s['median_e2e_tok_s']:>10.1f}"
            f"{s['median_ttft_ms']:>9.0f}{s['pieces_per_token']:>11.2f}{j['schema_valid']:>6}/{j['runs']:<4}"
            f"{st['errors'] + st['empty_replies']:>8}/{st['runs']:<4}{st['rss_growth_after_10_mib']:>15.1f}"
        )
    ratios = report["ratios_xllamacpp_over_reference"]
    if ratios:
        print("xllamacpp / llama-cpp-python: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
    else:
        print(report["note"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
