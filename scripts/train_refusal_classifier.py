"""Fit the learned refusal detector's weights on the tune sources only (issue #14).

    .venv/bin/python scripts/train_refusal_classifier.py          # cross-validate, fit, save
    .venv/bin/python scripts/train_refusal_classifier.py --cv-only
    .venv/bin/python scripts/train_refusal_classifier.py --c 16   # fit with this C, no CV

Reads ``benchmarks/data/refusal-dev/``, keeps the sources listed under ``tune`` in its
``split.json`` (held-out sources are never loaded), turns each answer into the features of
:mod:`mentor.evals.refusal.learned`, chooses the regularisation ``C`` by leave-one-source-out
cross-validation (binary agreement, mean over sources), fits a multinomial logistic regression
on all tune answers and writes ``mentor/evals/refusal/learned.npz`` (float16 weights).
scikit-learn is needed here only; Mentor reads the weights with numpy.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mentor.evals.refusal.learned import BUCKETS, WEIGHTS, features

DATA = Path(__file__).resolve().parents[1] / "benchmarks/data/refusal-dev"
GRID = (1.0, 4.0, 16.0, 64.0)


def tune_rows() -> list[dict[str, str]]:
    """The labelled answers of the tune sources (and nothing else)."""
    split = json.loads((DATA / "split.json").read_text(encoding="utf-8"))
    rows = []
    for source in split["tune"]:
        for line in (DATA / f"{source}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                rows.append({"source": source, "answer": item["answer"], "label": item["label"]})
    return rows


def matrix(texts: list[str]) -> csr_matrix:
    """The feature matrix of `texts`."""
    data, cols, ptr = [], [], [0]
    for text in texts:
        idx, val = features(text)
        cols.extend(idx.tolist())
        data.extend(val.tolist())
        ptr.append(len(cols))
    return csr_matrix((data, cols, ptr), shape=(len(texts), BUCKETS))


def fit(x: csr_matrix, y: np.ndarray, c: float) -> LogisticRegression:
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    return model.fit(x, y)


def cross_validate(rows: list[dict[str, str]], x: csr_matrix, y: np.ndarray) -> float:
    """Leave-one-source-out: the best C by mean binary agreement over held-out tune sources."""
    sources = np.array([r["source"] for r in rows])
    best = (-1.0, GRID[0])
    for c in GRID:
        scores = []
        for s in sorted(set(sources)):
            test = sources == s
            pred = fit(x[~test], y[~test], c).predict(x[test])
            scores.append(float(np.mean((pred != "compliance") == (y[test] != "compliance"))))
            print(f"  C={c:g} {s}: {scores[-1]:.3f}")
        print(f"C={c:g}: mean binary agreement {np.mean(scores):.3f}")
        best = max(best, (float(np.mean(scores)), c))
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument(
        "--c", type=float, help="fit with this C and skip the cross-validation (about 30 minutes)"
    )
    args = parser.parse_args()
    if args.c is not None and not args.c > 0:
        parser.error(f"--c must be a positive number, got {args.c:g}")
    rows = tune_rows()
    x = matrix([r["answer"] for r in rows])
    y = np.array([r["label"] for r in rows])
    c = args.c if args.c is not None else cross_validate(rows, x, y)
    if args.cv_only:
        return
    model = fit(x, y, c)
    np.savez_compressed(
        WEIGHTS,
        coef=model.coef_.astype(np.float16),
        intercept=model.intercept_.astype(np.float16),
        classes=np.array(model.classes_, dtype=str),
        c=np.array(c),
    )
    print(f"wrote {WEIGHTS} (C={c:g}, {len(rows)} tune answers)")


if __name__ == "__main__":
    main()
