"""Train the clause chooser (models/clause_chooser.json) from the tuning messages.

    python -m api.analysis.train_clauses          # rewrite models/clause_chooser.json
    python -m api.analysis.train_clauses --check  # exit 1 if retraining would change it

Training data: every candidate clause (api/analysis/paraphrase.py `clause_candidates`) of every
sentence of the cases in evals/datasets/ that are in no dev or blind split and list expected
problems. A clause is a positive when its words, with its subject's, carry at least two concept
groups of an expected problem (one when the problem has a single group), as the `specificity`
scorer would count them in a reply; the main problem's clauses weigh double. Word features seen in
fewer than MIN_WORD_CLAUSES clauses are dropped. Retrain after the problem ranker: two features
come from it. Needs scikit-learn (the `dev` extra).
"""

from __future__ import annotations

import sys
from collections import Counter

from api.analysis import retrain
from api.analysis.clause_chooser import MODEL_PATH
from api.analysis.paraphrase import MAX_PARSE, clause_candidates, nlp
from api.analysis.social import blank_noise, shouting
from api.analysis.train_ranker import HELD_OUT, problem_label
from evals.rules.text import sentences

REGULARIZATION = 0.3
"""Inverse L2 strength (scikit-learn `C`), chosen on the dev messages."""
MIN_WORD_CLAUSES = 2


def training_rows() -> list[tuple[dict[str, float], int, float]]:
    """(features, label, weight) for every candidate clause of every training sentence."""
    pieces: list[tuple[str, list[dict[str, object]]]] = []
    for case in retrain.training_cases(HELD_OUT):
        problems = (case.get("expect") or {}).get("problems") or []
        if not problems:
            continue
        for s in sentences(blank_noise(case["complaint"])):
            piece = s.text[:MAX_PARSE]
            pieces.append((piece.lower() if shouting(piece) else piece, problems))
    rows = []
    for (_, problems), doc in zip(pieces, nlp().pipe(p for p, _ in pieces), strict=True):
        for sent in doc.sents:
            for clause in clause_candidates(sent):
                words = sorted({*clause.tokens, *(clause.subject.subtree if clause.subject is not None else ())}, key=lambda t: t.i)
                label, weight = problem_label(" ".join(t.text for t in words), problems)
                rows.append((clause.features, label, weight))
    return rows


def train() -> dict[str, object]:
    import numpy as np

    rows = training_rows()
    seen = Counter(n for f, _, _ in rows for n in f if n.startswith("w:"))
    names = sorted({n for f, _, _ in rows for n in f if not n.startswith("w:") or seen[n] >= MIN_WORD_CLAUSES})
    index = {n: i for i, n in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for r, (f, _, _) in enumerate(rows):
        for n, v in f.items():
            if n in index:
                x[r, index[n]] = v
    # Indicator features (named "kind:value") keep their 0/1 scale, so a word seen in three clauses cannot
    # earn the weight that standardising its tiny spread would give it; the few graded features are scaled.
    scale = np.where([":" in n for n in names], 1.0, x.std(axis=0))
    scale[scale == 0] = 1.0
    y = np.array([label for _, label, _ in rows])
    w = np.array([weight for _, _, weight in rows])
    intercept, coef = retrain.fit_binary(x, y, w, scale, REGULARIZATION)
    return retrain.binary_model("train_clauses.py", "training_clauses", len(rows), y, intercept, dict(zip(names, coef, strict=True)), 1e-4)


main = retrain.command(
    __doc__, MODEL_PATH, "clause chooser", train, lambda m: f"from {m['training_clauses']} clauses ({m['positives']} positive)"
)


if __name__ == "__main__":
    sys.exit(main())
