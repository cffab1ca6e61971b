"""Worst-case input for the CPU-bound path (analysis + playbook draft and guard + /v1/checks), measured in
one run against a reference: a plain 2,000-character complaint from the dataset.

Each adversarial family (evals/worst_case.py) is timed at 2,000 and 20,000 characters, best of N runs on
texts no cache has seen. Reported per family: milliseconds, the 20k time as a multiple of the reference,
and the growth from 2k to 20k (10x the input: about 10 when linear, 100 when quadratic).

Run: python benchmarks/bench_worst_case.py [--rounds N] [--length 20000]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from evals.dataset import load_dataset
from evals.worst_case import FAMILIES, full_path, grow

RESULTS = Path(__file__).with_name("results") / "worst_case.json"


def best_ms(fn: Callable[[str], object], text: str, rounds: int) -> float:
    """Fastest of `rounds` runs, each on a variant of `text` (another first character) so no cache answers."""
    best = float("inf")
    for i in range(rounds):
        variant = f"{i % 10}{text[1:]}"
        start = time.perf_counter()
        fn(variant)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--length", type=int, default=20_000)
    args = parser.parse_args()
    small = 2_000
    reference_text = "\n\n".join(case.complaint for case in load_dataset())[:small]
    full_path(reference_text)  # load the parser, the models and the lexicons once
    reference = best_ms(full_path, reference_text, args.rounds)
    rows = []
    realistic = "\n\n".join(case.complaint for case in load_dataset())
    texts = {name: (grow(unit, small), grow(unit, args.length)) for name, unit in FAMILIES.items()}
    texts["realistic complaints"] = (realistic[:small], grow(realistic + "\n\n", args.length))
    for name, (short, long) in texts.items():
        short_ms = best_ms(full_path, short, args.rounds)
        long_ms = best_ms(full_path, long, args.rounds)
        rows.append(
            {
                "family": name,
                "ms_2k": round(short_ms, 1),
                f"ms_{args.length // 1000}k": round(long_ms, 1),
                "vs_reference": round(long_ms / reference, 2),
                "growth": round(long_ms / short_ms, 1),
            }
        )
        print(
            f"{name:22} {short_ms:8.1f} ms {long_ms:9.1f} ms  {long_ms / reference:6.2f}x ref  growth {long_ms / short_ms:5.1f}", flush=True
        )
    worst = max(rows, key=lambda r: r["vs_reference"])
    result = {
        "reference": {"text": "plain 2,000-character complaint", "ms": round(reference, 1)},
        "length": args.length,
        "families": rows,
        "worst": worst,
    }
    print(
        f"reference {reference:.1f} ms; worst: {worst['family']} at {worst['vs_reference']}x the reference, "
        f"growth {max(r['growth'] for r in rows)} at most for {args.length // small}x the input"
    )
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
