#!/usr/bin/env python3
"""Reference numbers for `voxomics regress` (src/omics/regress.c) from scikit-learn, on the NSCLC radiogenomics data.

Writes (into tests/data/stats/):
  regress_folds.csv    SubjectID,fold  five folds of the 127 patients with both CaPTk features and RNA-seq
                       (numpy RandomState(20261207) permutation of the FEATURES order, position mod 5)
  regress_sklearn.csv  model,param,target,n,r   out-of-fold Pearson r per gene (the first 50 genes of the RNA-seq)
Each gene uses its complete patients (rows where the gene is a number); in each training fold:
  ridge  Pipeline(SimpleImputer(median), StandardScaler(), Ridge(alpha))                      alpha = 1, 10, 100
  pls    Pipeline(SimpleImputer(median), StandardScaler(), PLSRegression(K, scale=True))   K = 1, 2, 3
  enet   Pipeline(SimpleImputer(median), StandardScaler(), ElasticNet(alpha, l1_ratio, tol=1e-14, max_iter=10**6))
         (alpha, l1_ratio) = (0.1, 0.5), (0.05, 0.9): run close to the optimum (voxomics solves to it)
Usage: /usr/bin/python3 scripts/regress_reference.py [DATA_DIR] [OUT_DIR]
  DATA_DIR default $VOXOMICS_DATA/stats/nsclc_radiogenomics (VOXOMICS_DATA default /work/shared).
SPDX-License-Identifier: GPL-3.0-or-later
"""
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.cross_decomposition import PLSRegression
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ.get("VOXOMICS_DATA", "/work/shared"),
                                                          "stats", "nsclc_radiogenomics")
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "tests", "data", "stats")

feat = pd.read_csv(os.path.join(data, "captk_features.csv"), na_values=["#NAME?"], keep_default_na=True)
rna = pd.read_csv(os.path.join(data, "rnaseq_top1000var_log10_zscore.csv"), index_col=0)
ids = [s for s in feat["SubjectID"] if s in rna.columns]
X = feat.set_index("SubjectID").loc[ids].apply(pd.to_numeric, errors="coerce").to_numpy(float)
Y = rna[ids].to_numpy(float)[:50]  # genes x patients
genes = list(rna.index[:50])
n = len(ids)
fold = np.empty(n, int)
fold[np.random.RandomState(20261207).permutation(n)] = np.arange(n) % 5
pd.DataFrame({"SubjectID": ids, "fold": fold}).to_csv(os.path.join(out, "regress_folds.csv"), index=False)


def oof_r(make, y):
    keep = ~np.isnan(y)
    xs, ys, fs = X[keep], y[keep], fold[keep]
    pred = np.empty(len(ys))
    for f in np.unique(fs):
        tr, te = fs != f, fs == f
        model = make().fit(xs[tr], ys[tr])
        pred[te] = np.ravel(model.predict(xs[te]))
    return int(keep.sum()), float(np.corrcoef(pred, ys)[0, 1])


models = [("ridge", a, lambda a=a: make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), Ridge(alpha=a)))
          for a in (1.0, 10.0, 100.0)]
models += [("pls", k, lambda k=k: make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                                                PLSRegression(n_components=k, scale=True))) for k in (1, 2, 3)]
models += [("enet", "%g/%g" % (a, r), lambda a=a, r=r: make_pipeline(
    SimpleImputer(strategy="median"), StandardScaler(),
    ElasticNet(alpha=a, l1_ratio=r, tol=1e-14, max_iter=10**6))) for a, r in ((0.1, 0.5), (0.05, 0.9))]
rows = []
for name, param, make in models:
    for g, y in zip(genes, Y):
        m, r = oof_r(make, y)
        rows.append((name, param, g, m, repr(r)))
with open(os.path.join(out, "regress_sklearn.csv"), "w") as fh:
    fh.write("# scikit-learn %s, scripts/regress_reference.py\nmodel,param,target,n,r\n" % sklearn.__version__)
    for row in rows:
        fh.write("%s,%s,%s,%d,%s\n" % row)
print("%d samples, %d genes, %d rows" % (n, len(genes), len(rows)))
