"""Train the intent model (models/intent.json) from the tuning split of the message dataset.

    python -m api.analysis.train_intent          # rewrite models/intent.json
    python -m api.analysis.train_intent --check  # exit 1 if retraining would change it

Training data: every case in evals/datasets/ whose file is not a dev or blind split
(`*_dev_*.jsonl`, `*_blind_*.jsonl`). Cases without `expect.intent` are complaints (the original
170-case dataset is all complaints). Needs scikit-learn (the `dev` extra); the service only reads
the JSON it writes.
"""

from __future__ import annotations

import json
import sys

from api.analysis import retrain
from api.analysis.intent import INTENTS, MODEL_PATH, features

HELD_OUT = ("_dev_", "_blind_")


def training_rows() -> list[tuple[str, list[tuple[str, str]], str]]:
    rows = []
    for case in retrain.training_cases(HELD_OUT):
        history = [(t["role"], t["text"]) for t in case.get("history") or []]
        intent = (case.get("expect") or {}).get("intent") or "complaint"
        rows.append((case["complaint"], history, intent))
    return rows


def train() -> dict[str, object]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows = training_rows()
    feats = [features(text, history) for text, history, _ in rows]
    names = sorted({k for f in feats for k in f})
    x = np.array([[f.get(n, 0.0) for n in names] for f in feats], dtype=float)
    y = np.array([INTENTS.index(label) for _, _, label in rows])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    clf = LogisticRegression(C=1.0, max_iter=2000)
    clf.fit(xs, y)
    present = [INTENTS[i] for i in clf.classes_]
    return {
        "_doc": "Trained by api/analysis/train_intent.py; do not edit by hand.",
        "training_rows": len(rows),
        "classes": present,
        "features": names,
        "coef": [[round(float(v), 6) for v in row] for row in clf.coef_],
        "intercept": [round(float(v), 6) for v in clf.intercept_],
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
    }


def render(model: dict[str, object]) -> str:
    return json.dumps(model, indent=1) + "\n"


main = retrain.command(__doc__, MODEL_PATH, "intent model", train, lambda m: f"from {m['training_rows']} messages", render=render)


if __name__ == "__main__":
    sys.exit(main())
