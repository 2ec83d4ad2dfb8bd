#!/usr/bin/python3
"""Reference fold AUCs of scikit-learn for tests/unit/test_sklearn_parity.c (issue 15: parity with scikit-learn).

Run offline with Debian's python3-sklearn (1.2.1) and numpy (1.24):
    /usr/bin/python3 scripts/sklearn_parity_reference.py [WDBC.csv] [OUTDIR]
defaults: ../shared/stats/wdbc/wdbc_sklearn_breast_cancer.csv and tests/data/stats. Never run at test time.

Writes, into OUTDIR:
  sklearn_parity_data_<table>.csv   the generated tables (not wdbc, which is read from VOXOMICS_DATA): a header
                                    x1,...,xp,y and one row per sample, values printed %.5g (both sides read
                                    this file, so both see the same numbers)
                                      pltn:   300 x 30 (p < n), 2 classes
                                      pgtn:   200 x 300 (p > n), 2 classes
                                      3class: 180 x 8, 3 classes (0, 1, 2)
  sklearn_parity_folds_<table>.csv  header row,fold: the 0-based row number and its fold (0..4), from
                                    StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
  sklearn_parity_inner_pltn.csv     header row,outer,inner0..inner4: for pltn, the outer fold of each row and,
                                    per outer fold f, each training row's inner fold (StratifiedKFold(3,
                                    shuffle=True, random_state=1) of that training set; empty for held-out rows)
  sklearn_parity_auc.csv            header table,model,fold,auc: scikit-learn's AUC on each held-out fold,
                                    printed %.17g (model logreg-nested-C: the C chosen in that fold)

Every fold: StandardScaler (mean and population SD of the training rows) fitted on the training rows, then the
model; the AUC is roc_auc_score of the held-out rows' decision values (probabilities for the forest):
  logreg     LogisticRegression(C=1, solver="newton-cg", tol=1e-8, max_iter=10000)   (exact optimum)
  logreg-l1  LogisticRegression(penalty="l1", solver="liblinear", C=1, tol=1e-8, max_iter=100000,
             random_state=0) (converged: at the default tol 1e-4 liblinear stops early, at a point that depends on
             the random coordinate order, so scikit-learn's own fold AUCs move by up to 0.022 from one
             random_state to another on bench_learn's tables; at 1e-8 every random_state gives the same AUCs)
  svm        SVC(C=1, kernel="rbf", gamma="scale")                                    (defaults)
  gbm        GradientBoostingClassifier(random_state=0)                               (defaults)
  gbm@S      GradientBoostingClassifier(random_state=S), S = 1..9: scikit-learn visits the features of every
             split in a random order and keeps the first of equally good splits; in small nodes many features
             split the rows identically, so on noisy tables scikit-learn's own fold AUCs move by up to 0.08
             from one random_state to another (test_sklearn_parity.c compares with all ten)
  rf         RandomForestClassifier(n_estimators=10000, max_depth=8, max_features="sqrt", min_samples_leaf=1,
             bootstrap=True, random_state=0): a forest is random (with 500 trees scikit-learn's own fold AUCs
             move by up to 0.05 from one random_state to another on these tables), so the reference is a forest
             large enough for its AUC to be close to the infinite forest's
Nested CV (pltn, model logreg-nested): GridSearchCV(Pipeline(StandardScaler, LogisticRegression(newton-cg)),
{C: 0.01, 0.1, 1, 10}, scoring="roc_auc", cv=PredefinedSplit(the given inner folds)) on each outer training set.
The 3-class table: OneVsRestClassifier(LogisticRegression(C=1, newton-cg, tol 1e-8)) (predict_proba: each
class's binary probability divided by their sum over the classes) and roc_auc_score(y, proba,
multi_class="ovr", average="macro"); model name logreg-ovr.
"""
import os
import sys

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, PredefinedSplit, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC


def generate(n, p, informative, classes, strength, seed):
    """A table with `informative` features that carry the class (shifted means and one interaction), the others
    noise, some correlated with the informative ones."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    rng.shuffle(y)
    X = rng.standard_normal((n, p))
    for j in range(informative):
        shift = strength * rng.uniform(0.3, 0.9) * (1 if j % 2 == 0 else -1)
        for c in range(1, classes):
            X[y == c, j] += shift * (c if classes > 2 and j % classes == c else 1.0) * (0.5 if j % 3 == 2 else 1.0)
    X[:, informative] += 0.8 * X[:, 0] * X[:, 1] * (y == 1)  # a non-linear term that trees can find
    for j in range(informative + 1, min(p, 2 * informative + 1)):
        X[:, j] += 0.7 * X[:, j - informative - 1]  # correlated copies
    X = X * rng.uniform(0.5, 20.0, p) + rng.uniform(-5, 5, p)  # different scales and offsets
    return np.round(X, 6), y


def write_table(path, X, y):
    with open(path, "w") as f:
        f.write(",".join([f"x{j + 1}" for j in range(X.shape[1])] + ["y"]) + "\n")
        for i in range(X.shape[0]):
            f.write(",".join("%.5g" % v for v in X[i]) + ",%d\n" % y[i])


def read_table(path):
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    return d[:, :-1], d[:, -1].astype(int)


def fold_aucs(X, y, folds, model):
    out = []
    for f in range(5):
        tr, te = folds != f, folds == f
        sc = StandardScaler().fit(X[tr])
        Xtr, Xte = sc.transform(X[tr]), sc.transform(X[te])
        if model == "rf":
            m = RandomForestClassifier(n_estimators=10000, max_depth=8, max_features="sqrt", min_samples_leaf=1,
                                       bootstrap=True, random_state=0, n_jobs=1).fit(Xtr, y[tr])
            out.append(roc_auc_score(y[te], m.predict_proba(Xte)[:, 1]))
            continue
        if model == "logreg-ovr":
            m = OneVsRestClassifier(LogisticRegression(C=1.0, solver="newton-cg", tol=1e-8, max_iter=10000))
            m.fit(Xtr, y[tr])
            out.append(roc_auc_score(y[te], m.predict_proba(Xte), multi_class="ovr", average="macro"))
            continue
        if model == "logreg":
            m = LogisticRegression(C=1.0, solver="newton-cg", tol=1e-8, max_iter=10000)
        elif model == "logreg-l1":
            m = LogisticRegression(penalty="l1", solver="liblinear", C=1.0, tol=1e-8, max_iter=100000,
                                   random_state=0)
        elif model == "svm":
            m = SVC(C=1.0, kernel="rbf", gamma="scale")
        elif model.startswith("gbm@"):
            m = GradientBoostingClassifier(random_state=int(model[4:]))
        else:
            m = GradientBoostingClassifier(random_state=0)
        m.fit(Xtr, y[tr])
        out.append(roc_auc_score(y[te], m.decision_function(Xte)))
    return out


def nested(X, y, folds, inner):
    """Nested CV of logreg over C in (0.01, 0.1, 1, 10) with the given inner folds: per outer fold, GridSearchCV
    (scoring roc_auc, the first of equal means kept) on the training rows, then the held-out AUC of the refit."""
    out = []
    for f in range(5):
        tr, te = folds != f, folds == f
        pipe = Pipeline([("scale", StandardScaler()),
                         ("lr", LogisticRegression(solver="newton-cg", tol=1e-8, max_iter=10000))])
        gs = GridSearchCV(pipe, {"lr__C": [0.01, 0.1, 1.0, 10.0]}, scoring="roc_auc",
                          cv=PredefinedSplit(inner[tr, f]), refit=True).fit(X[tr], y[tr])
        out.append((roc_auc_score(y[te], gs.decision_function(X[te])), gs.best_params_["lr__C"]))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    wdbc = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "shared", "stats", "wdbc", "wdbc_sklearn_breast_cancer.csv")
    outdir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "tests", "data", "stats")
    tables = {}
    d = np.loadtxt(wdbc, delimiter=",", skiprows=1)
    tables["wdbc"] = (d[:, :-1], d[:, -1].astype(int))
    for name, (n, p, inf, k, strength, seed) in {"pltn": (300, 30, 6, 2, 1.0, 15),
                                                  "pgtn": (200, 300, 10, 2, 1.0, 16),
                                                  "3class": (180, 8, 6, 3, 1.0, 17)}.items():
        X, y = generate(n, p, inf, k, strength, seed)
        path = os.path.join(outdir, f"sklearn_parity_data_{name}.csv")
        write_table(path, X, y)
        tables[name] = read_table(path)
    rows = []
    for name, (X, y) in tables.items():
        folds = np.empty(len(y), dtype=int)
        for f, (_, te) in enumerate(StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(X, y)):
            folds[te] = f
        with open(os.path.join(outdir, f"sklearn_parity_folds_{name}.csv"), "w") as fh:
            fh.write("row,fold\n")
            for i, f in enumerate(folds):
                fh.write(f"{i},{f}\n")
        if name == "pltn":  # inner folds: StratifiedKFold(3, shuffle, random_state=1) of each outer training set
            inner = np.full((len(y), 5), -1, dtype=int)
            for f in range(5):
                tr = np.flatnonzero(folds != f)
                for g, (_, te) in enumerate(StratifiedKFold(n_splits=3, shuffle=True, random_state=1).split(
                        X[tr], y[tr])):
                    inner[tr[te], f] = g
            with open(os.path.join(outdir, "sklearn_parity_inner_pltn.csv"), "w") as fh:
                fh.write("row,outer," + ",".join(f"inner{f}" for f in range(5)) + "\n")
                for i in range(len(y)):
                    fh.write(f"{i},{folds[i]}," + ",".join("" if v < 0 else str(v) for v in inner[i]) + "\n")
            for f, (a, c) in enumerate(nested(X, y, folds, inner)):
                rows.append(f"{name},logreg-nested,{f},{a:.17g}")
                rows.append(f"{name},logreg-nested-C,{f},{c:.17g}")
                print(name, "logreg-nested", f, "%.4f" % a, c, flush=True)
        models = ["logreg-ovr"] if name == "3class" else ["logreg", "logreg-l1", "svm", "gbm", "rf"] + [
            f"gbm@{s}" for s in range(1, 10)]
        for model in models:
            for f, a in enumerate(fold_aucs(X, y, folds, model)):
                rows.append(f"{name},{model},{f},{a:.17g}")
                print(name, model, f, "%.4f" % a, flush=True)
    with open(os.path.join(outdir, "sklearn_parity_auc.csv"), "w") as fh:
        fh.write("table,model,fold,auc\n" + "\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
