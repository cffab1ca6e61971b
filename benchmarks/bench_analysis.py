"""Speed of the pure parts of a draft: complaint analysis, the playbook engine and the rule checks,
over the whole dataset. Run: python benchmarks/bench_analysis.py [--rounds N]"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from api.analysis import analyze
from api.playbook import draft_sections
from api.rendering import Names, render
from evals.dataset import load_dataset
from evals.rules import CheckContext, check_reply


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cases = load_dataset()
    timings: dict[str, list[float]] = {"analyze": [], "playbook": [], "checks": []}
    for _ in range(args.rounds):
        for case in cases:
            req = case.to_request("playbook")
            t0 = time.perf_counter()
            analysis = analyze(req.complaint, [(t.role, t.text) for t in req.history])
            t1 = time.perf_counter()
            reply = render(draft_sections(req, analysis), req.channel, Names(req.customer_name, req.agent_name, req.company_name))
            t2 = time.perf_counter()
            check_reply(CheckContext(reply=reply, complaint=req.complaint, company_at_fault=req.company_at_fault, policy=req.policy))
            t3 = time.perf_counter()
            for name, value in (("analyze", t1 - t0), ("playbook", t2 - t1), ("checks", t3 - t2)):
                timings[name].append(value * 1000)
    result = {
        name: {"median_ms": round(statistics.median(v), 3), "p95_ms": round(statistics.quantiles(v, n=20)[18], 3), "n": len(v)}
        for name, v in timings.items()
    }
    print(f"{'step':10} {'median ms':>10} {'p95 ms':>10}")
    for name, r in result.items():
        print(f"{name:10} {r['median_ms']:10.3f} {r['p95_ms']:10.3f}")
    out = Path(__file__).parent / "results" / "analysis.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
