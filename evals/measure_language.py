"""Measure the language layer of the playbook engine on a labelled message file, or on the real CFPB complaints.

    python -m evals.measure_language evals/datasets/messages_blind_c2.jsonl ../shared/real/cfpb_dev.jsonl

For a dataset file it reports intent accuracy, specificity (the reply touches at least two concept
groups of the expected main problem), flag recall and precision per kind, the mean pairwise
word-3-gram Jaccard between complaint replies, stock filler, error-rule failures and latency.
For `cfpb_dev.jsonl`, which has no labels, it reports how many replies contain the problem the
analysis paraphrased, the similarity, flag counts and error-rule failures. It never writes the
real complaints anywhere. SHOW=N prints the first N real drafts, for reading.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

from api.analysis import analyze
from api.playbook import draft_sections
from api.rendering import Names, render
from evals.collapse import find_stock_filler, load_stock_filler, mean_pairwise_similarity
from evals.dataset import load_dataset
from evals.rules import CheckContext, blocking_failures, check_reply
from evals.specificity import match_problem

FILLER = load_stock_filler()


def matches(reply: str, terms: list[list[str]]) -> bool:
    return bool(match_problem(reply, terms).passed)


def collapse(replies: list[str]) -> float:
    return mean_pairwise_similarity(replies) or 0.0


def has_filler(reply: str) -> bool:
    return bool(find_stock_filler(reply, FILLER))


def draft(req, a):
    return render(draft_sections(req, a), req.channel, Names(req.customer_name, None, req.company_name))


FLAGS = ["legal_threat", "authority_threat", "media_threat", "safety", "vulnerable_customer", "data_loss"]


def run_cases(path):
    cases = load_dataset(Path(path))
    ok_int = spec_n = spec_ok = 0
    tp = fp = fn = 0
    per = {f: [0, 0, 0] for f in FLAGS}
    replies = []
    errs = 0
    filler = 0
    content = 0
    lat = []
    for c in cases:
        req = c.to_request("playbook")
        t = time.perf_counter()
        a = analyze(req.complaint, [(x.role, x.text) for x in req.history])
        r = draft(req, a)
        lat.append((time.perf_counter() - t) * 1000)
        ctx = CheckContext(
            reply=r,
            complaint=req.complaint,
            company_at_fault=req.company_at_fault,
            policy=req.policy,
            channel=req.channel,
            intent=a.intent,
            frustrated=bool(a.emotions),
        )
        errs += bool(blocking_failures(check_reply(ctx)))
        ok_int += a.intent == c.expect.intent
        if c.expect.problems:
            spec_n += 1
            spec_ok += matches(r, c.expect.problems[0].terms)
            content += 1
            filler += has_filler(r)
        exp = set(c.expect.escalation)
        got = {f.kind for f in a.flags} - {"prompt_injection"}
        for f in FLAGS:
            if f in exp and f in got:
                per[f][0] += 1
            elif f in got:
                per[f][1] += 1
            elif f in exp:
                per[f][2] += 1
        tp += len(exp & got)
        fp += len(got - exp)
        fn += len(exp - got)
        if c.expect.intent in ("complaint", "follow_up"):
            replies.append(r)
    n = len(cases)
    print(f"{path}: cases {n}")
    print(f"  intent accuracy {ok_int}/{n} = {ok_int / n:.2f}")
    print(f"  specificity {spec_ok}/{spec_n} = {spec_ok / max(spec_n, 1):.2f}")
    print(f"  flags recall {tp}/{tp + fn} = {tp / max(tp + fn, 1):.2f}  precision {tp}/{tp + fp} = {tp / max(tp + fp, 1):.2f}")
    for f, (a_, b, c_) in per.items():
        print(f"    {f}: tp {a_} fp {b} fn {c_}")
    print(f"  collapse (complaint/follow-up replies) {collapse(replies):.3f}; stock filler {filler}/{content}")
    print(
        f"  drafts failing an error rule: {errs}/{n}; latency p50 {statistics.median(lat):.1f} ms p95 {sorted(lat)[int(0.95 * len(lat))]:.1f} ms"
    )


def run_real(path, show=0):
    with open(path) as f:
        rows = [json.loads(line) for line in f]
    from api.schemas import DraftRequest

    replies = []
    named = 0
    flags = {}
    filler = 0
    errs = 0
    lat = []
    for i, row in enumerate(rows):
        req = DraftRequest(complaint=row["complaint"], channel="email", company_name=os.environ.get("COMPANY") and row.get("company"))
        t = time.perf_counter()
        a = analyze(req.complaint)
        r = draft(req, a)
        lat.append((time.perf_counter() - t) * 1000)
        replies.append(r)
        named += bool(a.problems) and any(p.summary in r or (p.clause and p.clause in r) for p in a.problems)
        filler += has_filler(r)
        for f in a.flags:
            flags[f.kind] = flags.get(f.kind, 0) + 1
        ctx = CheckContext(
            reply=r,
            complaint=req.complaint,
            company_at_fault=None,
            policy=None,
            channel=req.channel,
            intent=a.intent,
            frustrated=bool(a.emotions),
        )
        errs += bool(blocking_failures(check_reply(ctx)))
        if i < show:
            print("-----", row["id"], a.intent, [p.summary for p in a.problems])
            print(r[:600])
    n = len(rows)
    print(f"{path}: {n} real complaints")
    print(f"  reply names a paraphrased problem: {named}/{n} = {named / n:.2f}; stock filler {filler}/{n}")
    print(f"  collapse {collapse(replies):.3f}; flags {flags}; error-rule failures {errs}/{n}")
    print(f"  latency p50 {statistics.median(lat):.1f} ms p95 {sorted(lat)[int(0.95 * len(lat))]:.1f} ms")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        if p.endswith("cfpb_dev.jsonl"):
            run_real(p, show=int(__import__("os").environ.get("SHOW", "0")))
        else:
            run_cases(p)
