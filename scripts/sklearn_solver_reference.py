#!/usr/bin/python3
"""Reference numbers for tests/unit/test_model_solvers.c, computed with scikit-learn (python3-sklearn).

Writes into tests/data/stats/ (run from the source tree):
  solver_pgtn.csv   a p > n table (40 x 120), solver_pltn.csv a p < n table (120 x 15): label, then the features
                    (radiomics-like: correlated groups of features on a few latent factors, 3 of which drive the
                    label; every column standardised with the population SD, as a pipeline hands them to a model)
  solver_reference.csv  rows "table,model,C,what,index,value":
    logreg  coef/intercept   the optimum of LogisticRegression(penalty='l2', C) (newton-cg, tol 1e-12, no max_iter
                             in reach), i.e. F(w, b) = 0.5||w||^2 + C sum log(1 + exp(-y'(w.x + b))), b unpenalised;
                             grad = its ||grad F|| / max(1, C) at that point (how exact the reference is)
    logreg-l1 auc            fold AUCs (fold of row i = i mod 5) of LogisticRegression(penalty='l1',
                             solver='liblinear', C, tol 1e-4 = scikit-learn's default), trained on the other folds
    svm       auc            the same for SVC(C, gamma='scale') (libsvm, tol 1e-3)
Measuring tool only: nothing in voxomics runs it.
"""
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.svm import SVC

OUT = "tests/data/stats"


def table(n, p, seed):
    rs = np.random.RandomState(seed)
    L = rs.standard_normal((n, 8))
    eta = 1.5 * L[:, 0] - 1.0 * L[:, 1] + 0.7 * L[:, 2]
    y = (rs.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    X = np.empty((n, p))
    for j in range(p):
        g = j % 3 if j < 6 else 3 + j % 5
        rho = rs.uniform(0.4, 0.95)
        v = rho * L[:, g] + np.sqrt(1 - rho * rho) * rs.standard_normal(n)
        if rs.uniform() < 1 / 3:
            v = np.exp(0.5 * v)
        X[:, j] = v
    X = (X - X.mean(0)) / X.std(0)
    return X, y


def grad_norm(X, y, C, w, b):
    z = X @ w + b
    ys = 2 * y - 1
    s = 1 / (1 + np.exp(ys * z))  # 1 - sigma(y' z)
    c = -C * ys * s
    g = np.concatenate([w + X.T @ c, [c.sum()]])
    return np.linalg.norm(g) / max(1.0, C)


def main():
    # newton-cg warns that it "failed to converge" when its line search stalls at rounding level short of
    # tol 1e-12; the grad rows record how exact each optimum is (||grad F|| / max(1, C) ~ 1e-10 .. 2e-8)
    warnings.simplefilter("ignore")
    rows = []
    for name, (n, p, seed) in {"pgtn": (40, 120, 11), "pltn": (120, 15, 12)}.items():
        X, y = table(n, p, seed)
        with open("%s/solver_%s.csv" % (OUT, name), "w") as f:
            f.write("label," + ",".join("f%d" % (j + 1) for j in range(p)) + "\n")
            for i in range(n):
                f.write("%d," % y[i] + ",".join("%.17g" % v for v in X[i]) + "\n")
        for C in (0.1, 1.0, 10.0):
            m = LogisticRegression(C=C, solver="newton-cg", tol=1e-12, max_iter=100000).fit(X, y)
            w, b = m.coef_[0], m.intercept_[0]
            for j, v in enumerate(w):
                rows.append((name, "logreg", C, "coef", j, v))
            rows.append((name, "logreg", C, "intercept", 0, b))
            rows.append((name, "logreg", C, "grad", 0, grad_norm(X, y, C, w, b)))
        fold = np.arange(n) % 5
        for model in ("logreg-l1", "svm"):
            for f in range(5):
                tr, te = fold != f, fold == f
                if model == "svm":
                    m = SVC(C=1.0, gamma="scale").fit(X[tr], y[tr])
                else:
                    m = LogisticRegression(penalty="l1", solver="liblinear", C=1.0).fit(X[tr], y[tr])
                rows.append((name, model, 1.0, "auc", f, roc_auc_score(y[te], m.decision_function(X[te]))))
    with open("%s/solver_reference.csv" % OUT, "w") as f:
        f.write("table,model,C,what,index,value\n")
        for r in rows:
            f.write("%s,%s,%g,%s,%d,%.17g\n" % r)


if __name__ == "__main__":
    main()
