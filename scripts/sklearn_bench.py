#!/usr/bin/python3
"""scikit-learn's side of bench/bench_learn: the same models on the same tables and the same folds.

usage: scripts/sklearn_bench.py DIR [MODELS] [SHAPES]
  DIR: the OUTDIR given to build/bench/bench_learn (learn_NxP.csv, learn_NxP_folds.csv, learn_NxP_inner.csv and
  voxomics' fold AUCs learn_NxP_MODEL_auc.csv). MODELS: comma list of logreg,logreg-l1,svm,rf,gbm,nested (default
  all), or rf-sklearn, gbm-sklearn (scikit-learn's rf and gbm below, against voxomics' --preset sklearn); SHAPES: comma list of NxP (default 150x100,150x2000,300x1000).

One core: BLAS on one thread (OPENBLAS_NUM_THREADS=1, set here unless given) and n_jobs=1.
Every model is Pipeline(StandardScaler(), model) with n_jobs=1 and scikit-learn's defaults otherwise:
  logreg     LogisticRegression(C=1)  (lbfgs, tol 1e-4, max_iter 100)
  logreg-l1  LogisticRegression(penalty='l1', solver='liblinear', C=1)
  svm        SVC(C=1, gamma='scale')  (tol 1e-3, cache 200 MB, shrinking, no probabilities)
  rf         RandomForestClassifier(n_estimators=100, max_depth=8, random_state=0)
  gbm        GradientBoostingClassifier(n_estimators=100, max_depth=3, learning_rate=0.1, random_state=0)
  nested     GridSearchCV(logreg, C in 0.01 0.1 1 10 100, the inner folds bench_learn wrote, scoring roc_auc)
Prints, per shape and model, the seconds of the whole cross-validation (fit + score of every fold, as
bench_learn times vx_cv_run), the mean AUC, the largest |AUC difference| to voxomics' fold AUCs, and the CPU
seconds of the process (time.process_time, as bench_learn's CPU column).
Measuring tool only: nothing in voxomics runs it.
"""
import os
import sys
import time

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # one core, as bench_learn
    os.environ.setdefault(_v, "1")
import warnings

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

MODELS = ["logreg", "logreg-l1", "svm", "rf", "gbm", "nested"]
GRID = [0.01, 0.1, 1, 10, 100]


def make(name):
    if name == "logreg":
        m = LogisticRegression(C=1.0)
    elif name == "logreg-l1":
        m = LogisticRegression(penalty="l1", solver="liblinear", C=1.0)
    elif name == "svm":
        m = SVC(C=1.0, gamma="scale")
    elif name in ("rf", "rf-sklearn"):
        m = RandomForestClassifier(n_estimators=100, max_depth=8, random_state=0, n_jobs=1)
    elif name in ("gbm", "gbm-sklearn"):
        m = GradientBoostingClassifier(n_estimators=100, max_depth=3, learning_rate=0.1, random_state=0)
    else:
        m = LogisticRegression()
    return make_pipeline(StandardScaler(), m)


def score(model, X):
    if hasattr(model, "decision_function"):
        try:
            return model.decision_function(X)
        except AttributeError:
            pass
    return model.predict_proba(X)[:, 1]


def run(name, X, y, folds, inner):
    n, R = folds.shape
    K = int(folds.max()) + 1
    aucs = []
    t0, c0 = time.perf_counter(), time.process_time()
    for r in range(R):
        for f in range(K):
            tr = np.flatnonzero(folds[:, r] != f)
            te = np.flatnonzero(folds[:, r] == f)
            model = make(name)
            if name == "nested":
                col = inner[tr, r * K + f]
                splits = [(np.flatnonzero(col != g), np.flatnonzero(col == g)) for g in range(K)]
                model = GridSearchCV(model, {"logisticregression__C": GRID}, cv=splits, scoring="roc_auc",
                                     refit=True, n_jobs=1)
            model.fit(X[tr], y[tr])
            aucs.append(roc_auc_score(y[te], score(model, X[te])))
    return time.perf_counter() - t0, time.process_time() - c0, np.array(aucs)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    models = sys.argv[2].split(",") if len(sys.argv) > 2 and sys.argv[2] else MODELS
    shapes = sys.argv[3].split(",") if len(sys.argv) > 3 else ["150x100", "150x2000", "300x1000"]
    warnings.simplefilter("ignore", ConvergenceWarning)
    print("%-10s %-10s %10s %10s %12s %10s" % ("shape", "model", "seconds", "mean AUC", "max|dAUC|", "CPU s"))
    for s in shapes:
        t = np.loadtxt("%s/learn_%s.csv" % (d, s), delimiter=",", skiprows=1)
        y, X = t[:, 0].astype(int), t[:, 1:]
        folds = np.loadtxt("%s/learn_%s_folds.csv" % (d, s), delimiter=",", dtype=int, ndmin=2)
        inner = np.loadtxt("%s/learn_%s_inner.csv" % (d, s), delimiter=",", dtype=int, ndmin=2)
        for name in models:
            sec, cpu, aucs = run(name, X, y, folds, inner)
            try:
                ours = np.loadtxt("%s/learn_%s_%s_auc.csv" % (d, s, name))
                diff = "%12.4f" % np.max(np.abs(ours - aucs))
            except OSError:
                diff = "%12s" % "-"
            print("%-10s %-10s %10.3f %10.4f %s %10.3f" % (s, name, sec, aucs.mean(), diff, cpu), flush=True)


if __name__ == "__main__":
    main()
