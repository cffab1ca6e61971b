"""The command line the model trainers in api/analysis share: write the shipped model, or check that a
retrain reproduces it byte for byte (`--check`, which the reproduce tests call)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def run(
    argv: list[str] | None,
    description: str | None,
    model_path: Path,
    trained_text: Callable[[], str],
    name: str,
    summary: Callable[[dict[str, object]], str],
) -> int:
    """`trained_text` trains and renders the model; `summary` says what it was trained from."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="fail if the shipped model differs from a retrain")
    args = parser.parse_args(argv)
    text = trained_text()
    if args.check:
        same = model_path.exists() and model_path.read_text(encoding="utf-8") == text
        print(f"{name} reproduces" if same else f"{name} differs from a retrain")
        return 0 if same else 1
    model_path.parent.mkdir(exist_ok=True)
    model_path.write_text(text, encoding="utf-8")
    print(f"wrote {model_path} {summary(json.loads(text))}")
    return 0


def render_sorted(model: dict[str, object]) -> str:
    """A model file as the trainers write it: sorted keys, one value per line, so a diff shows what moved."""
    return json.dumps(model, indent=0, sort_keys=True) + "\n"


def fit_binary(x: Any, y: Any, weights: Any, scale: Any, regularization: float) -> tuple[float, Any]:
    """A class-balanced, sample-weighted logistic fit on `x / scale`: (intercept, coefficients on x's own scale),
    so that scoring needs no scaling. Needs scikit-learn (the `dev` extra)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=regularization, max_iter=5000, class_weight="balanced")
    clf.fit(x / scale, y, sample_weight=weights)
    return float(clf.intercept_[0]), clf.coef_[0] / scale


DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"


def training_cases(held_out: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """Every case of every dataset file whose name carries none of the `held_out` tags, file by file in name order."""
    for file in sorted(DATASETS.glob("*.jsonl")):
        if any(tag in file.name for tag in held_out):
            continue
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line)


def binary_model(
    trainer: str, rows_name: str, rows: int, y: Any, intercept: float, weights: dict[str, float], min_weight: float
) -> dict[str, object]:
    """The file a binary trainer writes: what it learned from, its intercept and its non-negligible weights."""
    return {
        "_doc": f"Trained by api/analysis/{trainer}; do not edit by hand.",
        rows_name: rows,
        "positives": int(y.sum()),
        "intercept": round(intercept, 6),
        "weights": {n: round(float(v), 6) for n, v in weights.items() if abs(v) >= min_weight},
    }


def command(
    description: str | None,
    model_path: Path,
    name: str,
    train: Callable[[], dict[str, object]],
    summary: Callable[[dict[str, object]], str],
    render: Callable[[dict[str, object]], str] = render_sorted,
) -> Callable[..., int]:
    """A trainer module's `main`: `main = retrain.command(__doc__, MODEL_PATH, "flag model", train, ...)`."""

    def main(argv: list[str] | None = None) -> int:
        return run(argv, description, model_path, lambda: render(train()), name, summary)

    return main
