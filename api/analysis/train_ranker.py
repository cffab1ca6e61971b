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

import sys

from api.analysis import retrain
from api.analysis.problem_ranker import MODEL_PATH, contexts, features
from api.analysis.social import blank_noise
from evals.rules.text import sentences
from evals.specificity import match_problem

HELD_OUT = ("_dev_", "_blind_")
REGULARIZATION = 0.5
"""Inverse L2 strength (scikit-learn `C`), chosen on the dev messages."""


def problem_label(text: str, problems: list[dict[str, object]]) -> tuple[int, float]:
    """(1, weight) when `text` carries an expected problem (the main one weighs double), else (0, 1)."""
    for rank, problem in enumerate(problems):
        terms = problem.get("terms") or []
        if terms and match_problem(text, terms, min_groups=min(2, len(terms))).passed:  # type: ignore[arg-type]
            return 1, 2.0 if rank == 0 else 1.0
    return 0, 1.0


def training_rows() -> list[tuple[dict[str, float], int, float, int]]:
    """(features, label, weight, message number) for every training sentence."""
    rows = []
    message = 0
    for case in retrain.training_cases(HELD_OUT):
        expect = case.get("expect") or {}
        if "intent" not in expect:
            continue  # the original complaint files carry no problem labels
        clean = blank_noise(case["complaint"])
        sents = sentences(clean)
        around = contexts([s.text for s in sents])
        message += 1
        for i, s in enumerate(sents):
            label, weight = problem_label(s.text, expect.get("problems") or [])
            rows.append((features(s.text, i, len(sents), around[i]), label, weight, message))
    return rows


def train() -> dict[str, object]:
    """A weighted logistic fit over all sentences. (A pairwise fit within messages was tried and ranked
    29 of 43 dev messages right against 31 for this one.)"""
    import numpy as np

    rows = training_rows()
    names = sorted({n for f, _, _, _ in rows for n in f})
    x = np.array([[f.get(n, 0.0) for n in names] for f, _, _, _ in rows])
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    y = np.array([label for _, label, _, _ in rows])
    w = np.array([weight for _, _, weight, _ in rows])
    intercept, coef = retrain.fit_binary(x, y, w, scale, REGULARIZATION)
    return retrain.binary_model("train_ranker.py", "training_sentences", len(rows), y, intercept, dict(zip(names, coef, strict=True)), 1e-6)


main = retrain.command(
    __doc__, MODEL_PATH, "problem ranker", train, lambda m: f"from {m['training_sentences']} sentences ({m['positives']} positive)"
)


if __name__ == "__main__":
    sys.exit(main())
