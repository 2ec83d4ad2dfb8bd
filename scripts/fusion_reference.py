#!/usr/bin/python3
"""Reference for voxomics' late fusion (stacking) of feature blocks: tests/unit/test_fusion.c.

Writes a small generated table with given outer folds and given inner folds to tests/data/stats/fusion_data.csv
and scikit-learn's results to tests/data/stats/fusion_ref.csv (per row: each block's and the fused out-of-fold
decision value), printing the fold AUCs (pasted into the test).

Per block the pipeline is StandardScaler (population sd) + LogisticRegression(C=1, newton-cg, tol 1e-10; exact,
as voxomics' logreg). Stacking, written out (as StackingClassifier(stack_method="decision_function",
final_estimator=LogisticRegression(C=1), cv=given inner folds)): in each outer fold, every block's out-of-fold
decision values on the training rows from the given inner folds, a LogisticRegression(C=1) stacker fitted on them,
each block refitted on all the training rows scoring the test rows, the stacker's decision value of those the fused
score. Run: /usr/bin/python3 scripts/fusion_reference.py (numpy, scikit-learn).
"""
import os
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "data", "stats")
BLOCKS = {"imaging": ["a1", "a2", "a3", "a4"], "genomic": ["g1", "g2", "g3"]}


def make_data():
    rng = np.random.default_rng(20261207)
    n = 60
    y = np.array([i % 2 for i in range(n)])
    rng.shuffle(y)
    a = rng.normal(size=(n, 4)) + 1.2 * y[:, None] * np.array([1.0, 0.5, 0.0, -0.3])
    g = rng.normal(size=(n, 3)) * np.array([1.0, 5.0, 0.2]) + y[:, None] * np.array([0.8, 4.0, 0.0])
    outer = np.zeros(n, dtype=int)
    for cls in (0, 1):  # stratified, fixed order: the k-th of a class to fold k mod 3
        idx = np.where(y == cls)[0]
        outer[idx] = np.arange(len(idx)) % 3
    inner = np.full((n, 3), -1)
    for f in range(3):
        tr = np.where(outer != f)[0]
        inner[tr, f] = rng.permutation(np.arange(len(tr)) % 3)
    return y, np.hstack([a, g]), outer, inner


def logreg(X, y):
    """LogisticRegression(C=1), newton-cg, tol 1e-10; its line search stalls near the optimum (gradient ~1e-7),
    so full Newton steps on 0.5 |w|^2 + sum log-loss (intercept unpenalised) polish it until the gradient is
    below 1e-12. Returns the decision function."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lr = LogisticRegression(C=1.0, solver="newton-cg", tol=1e-10, max_iter=1000).fit(X, y)
    X1 = np.hstack([X, np.ones((len(X), 1))])
    w = np.concatenate([lr.coef_[0], lr.intercept_])
    pen = np.ones(len(w))
    pen[-1] = 0.0
    for _ in range(50):
        q = 1.0 / (1.0 + np.exp(-(X1 @ w)))
        grad = pen * w + X1.T @ (q - y)
        if np.max(np.abs(grad)) < 1e-12:
            break
        H = np.diag(pen) + X1.T @ (X1 * (q * (1 - q))[:, None])
        w = w - np.linalg.solve(H, grad)
    assert np.max(np.abs(grad)) < 1e-10, np.max(np.abs(grad))
    return lambda Z: np.hstack([Z, np.ones((len(Z), 1))]) @ w


def block_fit(X, y):
    sc = StandardScaler().fit(X)
    lr = logreg(sc.transform(X), y)
    return lambda Z: lr(sc.transform(Z))


def late_fold(Xb, y, outer, inner, f):
    tr, te = np.where(outer != f)[0], np.where(outer == f)[0]
    zin = np.zeros((len(tr), len(Xb)))
    zte = np.zeros((len(te), len(Xb)))
    for b, X in enumerate(Xb):
        fin = inner[tr, f]
        for g in range(fin.max() + 1):
            itr, ite = tr[fin != g], tr[fin == g]
            zin[fin == g, b] = block_fit(X[itr], y[itr])(X[ite])
        zte[:, b] = block_fit(X[tr], y[tr])(X[te])
    st = logreg(zin, y[tr])
    return te, st(zte)


def main():
    y, X, outer, inner = make_data()
    names = BLOCKS["imaging"] + BLOCKS["genomic"]
    Xb = [X[:, :4], X[:, 4:]]
    n = len(y)
    fused, alone = np.zeros(n), np.zeros((n, 2))
    for f in range(3):
        te, s = late_fold(Xb, y, outer, inner, f)
        fused[te] = s
        tr = np.where(outer != f)[0]
        for b in range(2):
            alone[te, b] = block_fit(Xb[b][tr], y[tr])(Xb[b][te])
    with open(os.path.join(OUT, "fusion_data.csv"), "w") as fh:
        fh.write("id,y," + ",".join(names) + ",outer,inner1,inner2,inner3\n")
        for i in range(n):
            cells = ["r%02d" % i, str(y[i])] + ["%.17g" % v for v in X[i]] + [str(outer[i])]
            cells += ["" if inner[i, f] < 0 else str(inner[i, f]) for f in range(3)]
            fh.write(",".join(cells) + "\n")
    with open(os.path.join(OUT, "fusion_ref.csv"), "w") as fh:
        fh.write("id,imaging,genomic,fused\n")
        for i in range(n):
            fh.write("r%02d,%.17g,%.17g,%.17g\n" % (i, alone[i, 0], alone[i, 1], fused[i]))
    for name, s in (("imaging", alone[:, 0]), ("genomic", alone[:, 1]), ("fused", fused)):
        folds = [roc_auc_score(y[outer == f], s[outer == f]) for f in range(3)]
        print(name, "fold AUCs", ", ".join("%.17g" % a for a in folds), "pooled %.17g" % roc_auc_score(y, s))


if __name__ == "__main__":
    main()
