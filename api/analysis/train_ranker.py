"""Train the problem-sentence ranker (models/problem_ranker.json) from the tuning messages.

    python -m api.analysis.train_ranker          # rewrite models/problem_ranker.json
    python -m api.analysis.train_ranker --check  # exit 1 if retraining would change it

Training data: every sentence of every case in evals/datasets/ whose file is not a dev or blind
split and whose case lists expected problems or has no problem at all (thanks, abuse, other).
A sentence is a positive when it carries at least two concept groups of an expected problem
(one when the problem has a single group), as the `specificity` scorer would count it in a reply;
the main problem's sentences weigh double. Needs scikit-learn (the `dev` extra).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from api.analysis.problem_ranker import MODEL_PATH, contexts, features
from api.analysis.social import blank_noise
from evals.rules.text import sentences
from evals.specificity import match_problem

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"
HELD_OUT = ("_dev_", "_blind_")
REGULARIZATION = 0.5
"""Inverse L2 strength (scikit-learn `C`), chosen on the dev messages."""


def _label(text: str, problems: list[dict[str, object]]) -> tuple[int, float]:
    for rank, problem in enumerate(problems):
        terms = problem.get("terms") or []
        if terms and match_problem(text, terms, min_groups=min(2, len(terms))).passed:  # type: ignore[arg-type]
            return 1, 2.0 if rank == 0 else 1.0
    return 0, 1.0


def training_rows() -> list[tuple[dict[str, float], int, float, int]]:
    """(features, label, weight, message number) for every training sentence."""
    rows = []
    message = 0
    for file in sorted(DATASETS.glob("*.jsonl")):
        if any(tag in file.name for tag in HELD_OUT):
            continue
        for line in file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            expect = case.get("expect") or {}
            if "intent" not in expect:
                continue  # the original complaint files carry no problem labels
            clean = blank_noise(case["complaint"])
            sents = sentences(clean)
            around = contexts([s.text for s in sents])
            message += 1
            for i, s in enumerate(sents):
                label, weight = _label(s.text, expect.get("problems") or [])
                rows.append((features(s.text, i, len(sents), around[i]), label, weight, message))
    return rows


def train() -> dict[str, object]:
    """A weighted logistic fit over all sentences. (A pairwise fit within messages was tried and ranked
    29 of 43 dev messages right against 31 for this one.)"""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows = training_rows()
    names = sorted({n for f, _, _, _ in rows for n in f})
    x = np.array([[f.get(n, 0.0) for n in names] for f, _, _, _ in rows])
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    y = np.array([label for _, label, _, _ in rows])
    w = np.array([weight for _, _, weight, _ in rows])
    clf = LogisticRegression(C=REGULARIZATION, max_iter=5000, class_weight="balanced")
    clf.fit(x / scale, y, sample_weight=w)
    coef = clf.coef_[0] / scale
    return {
        "_doc": "Trained by api/analysis/train_ranker.py; do not edit by hand.",
        "training_sentences": len(rows),
        "positives": int(y.sum()),
        "intercept": round(float(clf.intercept_[0]), 6),
        "weights": {n: round(float(v), 6) for n, v in zip(names, coef, strict=True) if abs(v) >= 1e-6},
    }


def render(model: dict[str, object]) -> str:
    return json.dumps(model, indent=0, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the shipped model differs from a retrain")
    args = parser.parse_args(argv)
    text = render(train())
    if args.check:
        same = MODEL_PATH.exists() and MODEL_PATH.read_text(encoding="utf-8") == text
        print("problem ranker reproduces" if same else "problem ranker differs from a retrain")
        return 0 if same else 1
    MODEL_PATH.write_text(text, encoding="utf-8")
    model = json.loads(text)
    print(f"wrote {MODEL_PATH} from {model['training_sentences']} sentences ({model['positives']} positive)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
