# voxomics.stats (the statistics commands on pandas DataFrames) against the external references the C tests
# assert: R sva::ComBat (stats/combat_reference), psych::ICC (Shrout & Fleiss 1979), R survival 3.5 on the NSCLC
# cohort (tests/unit/test_survival*.c, tests/data/stats/cox_univariate_r.csv), R cor.test
# (tests/data/stats/omics_pairs_ref.csv), fgsea (stats/genesets) and scikit-learn's fold AUCs
# (tests/data/stats/sklearn_parity_*.csv); the numbers are those of the C tests, the data the shared files.
# Plus the error cases and a thread test.
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import threading

import numpy as np
import pandas as pd
import pytest

import voxomics
from voxomics import VoxomicsError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("VOXOMICS_DATA") or os.path.join(os.path.dirname(REPO), "shared")
STATS = os.path.join(REPO, "tests", "data", "stats")
NSCLC = os.path.join(DATA, "stats", "nsclc_radiogenomics")
GENESETS = os.path.join(DATA, "stats", "genesets")


def shared(*parts):
    p = os.path.join(DATA, "stats", *parts)
    if not os.path.exists(p):
        pytest.fail(f"reference data not found: {p} (set VOXOMICS_DATA)")
    return p


def rel_close(x, ref, rtol, atol=0.0):
    x, ref = np.asarray(x, dtype=float), np.asarray(ref, dtype=float)
    assert np.all(np.abs(x - ref) <= rtol * np.abs(ref) + atol), (x, ref)


# ---- harmonize: R sva::ComBat / neuroCombat --------------------------------------------------------------------
@pytest.fixture(scope="module")
def combat_data():
    X = pd.read_csv(shared("combat_reference", "testdata.csv"))  # 200 features x 10 samples
    df = X.T.reset_index(drop=True)
    df.columns = [f"f{j}" for j in range(df.shape[1])]
    df.insert(0, "site", ["s1"] * 5 + ["s2"] * 5)
    df["pheno"] = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0]
    df["subject"] = [f"p{i}" for i in range(10)]  # a text column: not a feature, kept
    return df


VARIANTS = [  # file, options, adjusted for pheno
    ("combat_parametric_adjusted_r.csv", {}, True),
    ("combat_parametric_unadjusted_r.csv", {}, False),
    ("combat_nonparametric_adjusted_r.csv", {"parametric": False}, True),
    ("combat_nonparametric_unadjusted_r.csv", {"parametric": False}, False),
    ("combat_parametric_adjusted_noeb_r.csv", {"eb": False}, True),
    ("combat_parametric_unadjusted_noeb_r.csv", {"eb": False}, False),
    ("combat_parametric_adjusted_meanonly_r.csv", {"mean_only": True}, True),
    ("combat_parametric_unadjusted_meanonly_r.csv", {"mean_only": True}, False),
    ("combat_parametric_adjusted_batchref_r.csv", {"ref_batch": "s1"}, True),
    ("combat_parametric_unadjusted_batchref_r.csv", {"ref_batch": "s1"}, False),
]


@pytest.mark.parametrize("fname,opts,adjusted", VARIANTS)
def test_harmonize_vs_r(combat_data, fname, opts, adjusted):
    ref = pd.read_csv(shared("combat_reference", fname)).to_numpy().T
    feats = [f"f{j}" for j in range(200)]
    kw = {"covariates": ["pheno"]} if adjusted else {"exclude": ["pheno"]}
    out = voxomics.harmonize(combat_data, "site", **opts, **kw)
    assert list(out.columns) == list(combat_data.columns) and out.index.equals(combat_data.index)
    assert (out["subject"] == combat_data["subject"]).all() and (out["pheno"] == combat_data["pheno"]).all()
    assert np.abs(out[feats].to_numpy() - ref).max() <= 1e-8
    if "ref_batch" in opts:  # the reference batch is unchanged, exactly
        assert (out[feats].iloc[:5].to_numpy() == combat_data[feats].iloc[:5].to_numpy()).all()


def test_harmonize_model_apply_save(combat_data, tmp_path):
    out, model = voxomics.harmonize(combat_data, "site", covariates=["pheno"], return_model=True)
    assert model.batches == ["s1", "s2"] and len(model.features) == 200 and model.n_covariates == 1
    assert model.gamma.shape == (2, 200) and model.skipped == []
    again = voxomics.harmonize_apply(model, combat_data, "site", covariates=["pheno"])
    assert again.equals(out)  # applied to the training data: the fit's output exactly
    model.save(tmp_path / "combat.json")
    loaded = voxomics.stats.ComBatModel.load(tmp_path / "combat.json")
    assert loaded.apply(combat_data, "site", covariates=["pheno"]).equals(out)
    with pytest.raises(VoxomicsError, match="batch 's3' was not in the fit"):
        voxomics.harmonize_apply(model, combat_data.assign(site="s3"), "site", covariates=["pheno"])


def test_harmonize_python_port(combat_data):
    """neuroCombat's Python port (equal to R to 4e-15): the same to 1e-8; a text covariate is dummy-coded."""
    ref = pd.read_csv(shared("combat_reference", "combat_parametric_adjusted_python.csv"), header=None).to_numpy().T
    df = combat_data.assign(pheno=np.where(combat_data["pheno"] == 1, "case", "control"))
    out = voxomics.harmonize(df, "site", covariates=["pheno"])
    # treatment contrasts of ("case", "control"): the indicator of "control" = 1 - pheno; the same model
    assert np.abs(out[[f"f{j}" for j in range(200)]].to_numpy() - ref).max() <= 1e-8


def test_harmonize_errors(combat_data):
    with pytest.raises(VoxomicsError, match="no column 'scanner'"):
        voxomics.harmonize(combat_data, "scanner")
    with pytest.raises(VoxomicsError, match="no column 'age'"):
        voxomics.harmonize(combat_data, "site", covariates=["age"])
    with pytest.raises(VoxomicsError, match="ref_batch 's9'"):
        voxomics.harmonize(combat_data, "site", ref_batch="s9")
    one = combat_data.copy()
    one.loc[0, "site"] = "alone"  # a batch of one sample: the library's error naming it
    with pytest.raises(VoxomicsError, match="alone") as e:
        voxomics.harmonize(one, "site", exclude=["pheno"])
    assert e.value.code == -1
    flat = combat_data.assign(f5=1.5)  # a constant feature: left unchanged with a warning, or refused
    with pytest.warns(UserWarning, match="f5"):
        out = voxomics.harmonize(flat, "site", exclude=["pheno"])
    assert (out["f5"] == 1.5).all()
    with pytest.raises(VoxomicsError, match="f5"):
        voxomics.harmonize(flat, "site", exclude=["pheno"], skip_constant=False)
    gap = combat_data.copy()
    gap.loc[3, "f7"] = np.nan
    with pytest.raises(VoxomicsError, match="f7"):
        voxomics.harmonize(gap, "site", exclude=["pheno"])
    assert len(voxomics.harmonize(gap, "site", exclude=["pheno"], missing="drop")) == 9
    assert not voxomics.harmonize(gap, "site", exclude=["pheno"], missing="impute-median").isna().any().any()


# ---- icc: psych::ICC(lmer = FALSE) ------------------------------------------------------------------------------
# rows ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k; columns ICC, F, df1, df2, p, lower, upper (tests/unit/test_icc.c)
SF_REF = [
    (0.165741768405475, 1.79467849223947, 5, 18, 0.16476880834464, -0.132932324874751, 0.722560062328121),
    (0.289763779527559, 11.0272479564033, 5, 15, 0.000134566516484337, 0.018786513374712, 0.761084369648953),
    (0.714840714840715, 11.0272479564033, 5, 15, 0.000134566516484337, 0.342464765033925, 0.945858259955359),
    (0.442797133679268, 1.79467849223947, 5, 18, 0.16476880834464, -0.884442155238121, 0.912415420340775),
    (0.620050547598989, 11.0272479564033, 5, 15, 0.000134566516484337, 0.0711368153025032, 0.927232040167722),
    (0.909315542377069, 11.0272479564033, 5, 15, 0.000134566516484337, 0.675674713816304, 0.985891678169062),
]
REP = [1.2, 1.5, 1.1, 3.4, 3.9, 3.3, 2.2, 2.0, 2.8, 5.1, 5.6, 4.9, 0.3, 0.9, 0.1, 4.4, 4.0, 4.8, 2.9, 3.5, 3.1, 1.8,
       1.1, 2.0, 3.3, 3.0, 3.9, 6.0, 6.4, 5.5]
REP_REF = [
    (0.9525567785983, 61.2334801762115, 9, 20, 1.35539634936537e-12, 0.872813118956388, 0.98675715271461),
    (0.952497762070288, 56.7733151803949, 9, 18, 2.22389101977622e-11, 0.870465097300414, 0.986815279037754),
    (0.948956427065718, 56.7733151803949, 9, 18, 2.22389101977622e-11, 0.859697886145069, 0.98585875149902),
    (0.983669064748201, 61.2334801762115, 9, 20, 1.35539634936537e-12, 0.95367654952908, 0.995546398663289),
    (0.983648085673466, 56.7733151803949, 9, 18, 2.22389101977622e-11, 0.952740532044651, 0.995566120032483),
    (0.982386091127098, 56.7733151803949, 9, 18, 2.22389101977622e-11, 0.948406879467649, 0.995241388696364),
]


def check_icc(res, ref):
    for m, row in enumerate(ref):
        r = res.iloc[m]
        assert abs(r["icc"] - row[0]) <= 1e-12 and abs(r["F"] / row[1] - 1) <= 1e-12
        assert r["df1"] == row[2] and r["df2"] == row[3] and abs(r["p"] / row[4] - 1) <= 1e-11
        assert abs(r["ci_low"] - row[5]) <= 1e-12 and abs(r["ci_high"] - row[6]) <= 1e-12


def test_icc_vs_psych():
    sf = pd.read_csv(os.path.join(STATS, "shrout_fleiss_1979.csv"))
    long_rep = pd.DataFrame({"subject": np.repeat(np.arange(10), 3), "repeat": np.tile(["a", "b", "c"], 10),
                             "vol": REP})
    both = voxomics.icc(sf, "target", "judge", exclude=["row"], type="all")
    assert list(both.index.get_level_values("type")[:6]) == ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
    check_icc(both.loc["rating"], SF_REF)
    check_icc(voxomics.icc(long_rep, "subject", "repeat", type="all").loc["vol"], REP_REF)
    one = voxomics.icc(sf.sample(frac=1, random_state=3), "target", "judge", features=["rating"])  # any row order
    assert one.index.tolist() == ["rating"] and abs(one.loc["rating", "icc"] - SF_REF[2][0]) <= 1e-12
    assert abs(voxomics.icc(sf, "target", "judge", features=["rating"], type="ICC(2,k)").iloc[0]["icc"]
               - SF_REF[4][0]) <= 1e-12


def test_icc_errors():
    sf = pd.read_csv(os.path.join(STATS, "shrout_fleiss_1979.csv"))
    with pytest.raises(VoxomicsError, match="no column 'reader'"):
        voxomics.icc(sf, "target", "reader")
    with pytest.raises(VoxomicsError, match="rated twice"):
        voxomics.icc(pd.concat([sf, sf.iloc[:1]]), "target", "judge", features=["rating"])
    with pytest.raises(VoxomicsError, match="no value from rater 'j4'"):
        voxomics.icc(sf.iloc[:-1], "target", "judge", features=["rating"])
    with pytest.raises(VoxomicsError, match="type"):
        voxomics.icc(sf, "target", "judge", features=["rating"], type="ICC(4,1)")


# ---- survival: R survival 3.5 on the NSCLC cohort -------------------------------------------------------------
@pytest.fixture(scope="module")
def nsclc():
    f = pd.read_csv(shared("nsclc_radiogenomics", "captk_features.csv"), index_col="SubjectID")
    c = pd.read_csv(shared("nsclc_radiogenomics", "clinical_covariates.csv"), index_col=0)
    return f, f.join(c, how="inner")


@pytest.fixture(scope="module")
def surv(nsclc):
    d = nsclc[1]
    return pd.DataFrame({"logvol": np.log(d["T1_ED_Volumetric_Volume"]), "mean": d["T1_ED_Intensity_Mean"],
                         "days": d["days"], "months": np.floor(d["days"] / 30.4375), "event": d["event"],
                         "sex": d["sex"], "histology": d["histology"]}, index=d.index)


COX_REF = [  # arguments, names, coef, se, z, p, loglik0, loglik, lr, wald, score, concordance
    (dict(time="days", covariates=["logvol"], ties="efron"), ["logvol"], [0.299091558658385], [0.0888985357525287],
     [3.36441490432397], [0.000767061343865889], -190.742642909543, -185.321116020725, 10.843053777635,
     11.3192876484373, 11.6514839851252, 0.666060238528401),
    (dict(time="days", covariates=["logvol"], ties="breslow"), ["logvol"], [0.299091558658385],
     [0.0888985357525287], [3.36441490432397], [0.000767061343865889], -190.742642909543, -185.321116020725,
     10.843053777635, 11.3192876484373, 11.6514839851252, 0.666060238528401),
    (dict(time="months", covariates=["logvol"]), ["logvol"], [0.302374809037209], [0.0889646177453624],
     [3.39882097737639], [0.000676769990885173], -191.169041217598, -185.640043002579, 11.0579964300382,
     11.5519840362538, 11.8959112952071, 0.667604501607717),
    (dict(time="months", covariates=["logvol"], ties="breslow"), ["logvol"], [0.3008554722588],
     [0.0889536269950303], [3.38216082269033], [0.000719180277919969], -191.313375293952, -185.836219258469,
     10.9543120709655, 11.4390118305413, 11.777517184431, 0.667604501607717),
    (dict(time="months", covariates=["logvol", "mean", "histology"], categorical=["histology"], strata="sex",
          missing="drop"), ["logvol", "mean", "histology2", "histology3"],
     [0.309895610621033, -0.000763168322391851, 0.000148929881117873, 0.361800065340545],
     [0.0980581961995165, 0.00100789488812032, 0.432490623137992, 1.02914633540817],
     [3.16032338582383, -0.757190388985036, 0.000344354011740862, 0.351553567158214],
     [0.00157594116465404, 0.448935807393248, 0.999725245256012, 0.725173092885533], -167.665491127463,
     -162.734983455162, 9.86101534460062, 10.2269636272749, 10.5178870109654, 0.641293013555787),
]


@pytest.mark.parametrize("case", range(len(COX_REF)))
def test_cox_vs_r(surv, case):
    kw, names, coef, se, z, p, ll0, ll, lr, wald, score, conc = COX_REF[case]
    res = voxomics.cox(surv, event="event", **kw)
    assert res.index.tolist() == names
    for col, ref in (("coef", coef), ("se", se), ("z", z), ("p", p)):
        rel_close(res[col], ref, 1e-9, 1e-13)
    rel_close(res["hr"], np.exp(coef), 1e-9)
    rel_close(res["hr_lower"], np.exp(np.array(coef) - 1.959963984540054 * np.array(se)), 1e-9)
    a = res.attrs
    rel_close([a["loglik_null"], a["loglik"], a["concordance"]], [ll0, ll, conc], 1e-9)
    rel_close([a["tests"][t]["stat"] for t in ("lr", "wald", "score")], [lr, wald, score], 1e-9)
    assert a["tests"]["lr"]["df"] == len(names) and a["warnings"] == []
    if case == 0:
        assert a["n"] == 206 and a["events"] == 41


def test_km_vs_r(surv):
    at_ref = {  # (group, time): survival, lower, upper for the log and log-log CIs, n at risk
        ("high", 365): ((0.89724280884557, 0.835554081040445, 0.963485998443852),
                        (0.89724280884557, 0.811276251232471, 0.945337594740468), 72),
        ("high", 1095): ((0.684963879821334, 0.582717596654012, 0.805150761456182),
                         (0.684963879821334, 0.559854105167368, 0.781276929956131), 29),
        ("low", 365): ((0.979772961816305, 0.952397578303646, 1.0),
                       (0.979772961816305, 0.921476105135643, 0.99490696160362), 83),
        ("low", 1095): ((0.863874468864389, 0.78615402122887, 0.949278484627213),
                        (0.863874468864389, 0.756770216672419, 0.926048450551073), 40),
    }
    median_lower = {"log": {"high": 1280, "low": 2408}, "log-log": {"high": 1251, "low": 2408}}
    for ci, conf in enumerate(("log", "log-log")):
        k = voxomics.km(surv, "days", "event", split_at="median", by="logvol", at=[365, 1095], conf_type=conf)
        rel_close(k.cutoff, 8.22095162117243, 1e-9)
        assert sorted(k.curves) == ["high", "low"]
        s = k.summary
        assert (s["n"] == 103).all() and s.loc["high", "events"] == 27 and s.loc["low", "events"] == 14
        assert s["median"].isna().all() and s["median_upper"].isna().all()  # not reached
        for g in ("high", "low"):
            rel_close(s.loc[g, "median_lower"], median_lower[conf][g], 1e-9)
        for _, row in k.at.iterrows():
            ref = at_ref[(row["group"], row["time"])]
            rel_close([row["surv"], row["lower"], row["upper"]], ref[ci], 1e-9, 1e-13)
            assert row["n_risk"] == ref[2]
        rel_close(k.logrank["chisq"], 6.42810710520223, 1e-9)
        curve = k.curves["high"]
        assert list(curve.columns[:5]) == ["time", "n_risk", "n_event", "n_censor", "surv"]
        assert curve["n_event"].sum() == 27 and curve["time"].is_monotonic_increasing
    for kw, chisq, df in ((dict(time="days", split_at="median", by="logvol", rho=1), 6.89516843892068, 1),
                          (dict(time="months", split_at="median", by="logvol", strata="sex", missing="drop"),
                           5.79464847359004, 1),
                          (dict(time="months", group="histology", missing="drop"), 0.402410626507056, 2)):
        lr = voxomics.km(surv, event="event", **kw).logrank
        rel_close(lr["chisq"], chisq, 1e-9)
        assert lr["df"] == df


def test_select_cox_vs_r(nsclc):
    """Univariate Cox screening of the 102 CaPTk features (each on its complete cases) against R's coxph per
    feature and p.adjust(BH): within 1e-6 relative (test_survival.c's tolerance) and the same 13 kept."""
    f, d = nsclc
    ref = pd.read_csv(os.path.join(STATS, "cox_univariate_r.csv"), index_col="feature")
    sel = voxomics.select(d[list(f.columns) + ["days", "event"]], method="cox", time="days", event="event",
                          missing="drop", all_features=True)
    assert len(sel) == 102
    ours = sel.loc[ref.index]
    for a, b in (("coefficient", "coef"), ("se", "se"), ("p", "p"), ("p_bh", "p_bh")):
        rel_close(ours[a], ref[b], 1e-6)
    assert sel["selected"].sum() == 13 and (ref["p_bh"] < 0.05).sum() == 13
    kept = voxomics.select(d[list(f.columns) + ["days", "event"]], method="cox", time="days", event="event",
                           missing="drop")
    assert len(kept) == 13 and kept["rank"].tolist() == list(range(1, 14)) and kept["p"].is_monotonic_increasing


def test_cv_survival_vs_r(nsclc):
    """Harrell's C per fold of coxph pipelines on the given folds (test_survival_flow.c, R survival)."""
    feats = ["T1_ED_Intensity_Mean", "T1_ED_Volumetric_Volume", "T1_ED_Intensity_Skewness"]
    folds = pd.read_csv(os.path.join(STATS, "surv_flow_folds.csv"), index_col="SubjectID")
    d = nsclc[1].loc[folds.index, feats + ["days", "event"]].join(folds)
    r = voxomics.cv(d, time="days", event="event", model="cox", folds="fold")
    assert r.metric == "c_index" and r.oof is None
    ref = [0.45454545454545459, 0.67475728155339809, 0.8214285714285714, 0.5535714285714286, 0.32400000000000007]
    assert np.all(np.abs(r.fold_scores - ref) <= 1e-12 * (1 + np.abs(ref)))
    rel_close([r.mean, r.sd, r.pooled[0]], [0.56566054721977055, 0.19249150003455368, 0.52173034162118448], 1e-12)


def test_survival_errors(surv):
    with pytest.raises(VoxomicsError, match="no column 'os_days'"):
        voxomics.cox(surv, "os_days", "event", ["logvol"])
    with pytest.raises(VoxomicsError, match="no column 'volume'"):
        voxomics.cox(surv, "days", "event", ["volume"])
    with pytest.raises(VoxomicsError, match="no column 'arm'"):
        voxomics.km(surv, "days", "event", group="arm")
    gap = surv.copy()
    gap.iloc[5, gap.columns.get_loc("histology")] = np.nan
    with pytest.raises(VoxomicsError, match="histology.*missing"):
        voxomics.km(gap, "days", "event", group="histology")
    assert voxomics.km(gap, "days", "event", group="histology", missing="drop").summary["n"].sum() == 205
    with pytest.raises(VoxomicsError, match="no events"):  # the library's message
        voxomics.cox(surv.assign(event=0), "days", "event", ["logvol"])
    with pytest.raises(VoxomicsError, match="event must be 1"):
        voxomics.cox(surv.assign(event=2), "days", "event", ["logvol"])


# ---- cv: scikit-learn's fold AUCs on the same folds (tests/unit/test_sklearn_parity.c) -------------------------
def parity_table(name):
    if name == "wdbc":
        d = pd.read_csv(shared("wdbc", "wdbc_sklearn_breast_cancer.csv"), skiprows=1, header=None)
        d.columns = [f"x{j + 1}" for j in range(d.shape[1] - 1)] + ["y"]
    else:
        d = pd.read_csv(os.path.join(STATS, f"sklearn_parity_data_{name}.csv"))
    return d, pd.read_csv(os.path.join(STATS, f"sklearn_parity_folds_{name}.csv"))["fold"].to_numpy()


def sklearn_auc(table, model):
    ref = pd.read_csv(os.path.join(STATS, "sklearn_parity_auc.csv"))
    return ref[(ref["table"] == table) & (ref["model"] == model)].sort_values("fold")["auc"].to_numpy()


@pytest.mark.parametrize("table", ["wdbc", "pltn", "pgtn"])
@pytest.mark.parametrize("model", ["logreg", "logreg-l1", "svm"])
def test_cv_vs_sklearn(table, model):
    d, folds = parity_table(table)
    r = voxomics.cv(d, "y", model=model, folds=folds)
    assert r.metric == "auc" and len(r.folds) == 5
    assert np.abs(r.fold_scores - sklearn_auc(table, model)).max() <= 0.003
    assert r.oof.shape == (len(d), 1) and np.isfinite(r.oof.to_numpy()).all()
    assert abs(r.mean - r.fold_scores.mean()) <= 1e-12


def test_cv_multiclass_and_nested():
    d, folds = parity_table("3class")
    r = voxomics.cv(d, "y", folds=folds)
    assert r.metric == "macro_auc" and r.oof.shape == (len(d), 3)
    assert np.abs(r.fold_scores - sklearn_auc("3class", "logreg-ovr")).max() <= 0.003
    d, folds = parity_table("pltn")
    inner = pd.read_csv(os.path.join(STATS, "sklearn_parity_inner_pltn.csv"))
    r = voxomics.cv(d, "y", folds=folds, tune={"C": [0.01, 0.1, 1, 10]},
                    inner_folds=inner[[f"inner{f}" for f in range(5)]].to_numpy())
    assert (r.folds["C"].to_numpy() == sklearn_auc("pltn", "logreg-nested-C")).all()  # GridSearchCV's choices
    assert np.abs(r.fold_scores - sklearn_auc("pltn", "logreg-nested")).max() <= 0.003


def test_cv_threads():
    """Two threads running cv at once give exactly the serial results (the GIL is released inside)."""
    d, _ = parity_table("wdbc")
    kw = dict(model="svm", folds=5, repeats=3, seed=7, select="univariate", k=10)
    serial = voxomics.cv(d, "y", **kw)
    out = [None, None]

    def job(i):
        out[i] = voxomics.cv(d, "y", **kw)

    th = [threading.Thread(target=job, args=(i,)) for i in range(2)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    for r in out:
        assert np.array_equal(r.fold_scores, serial.fold_scores) and r.oof.equals(serial.oof)
        assert np.array_equal(r.pooled, serial.pooled)


def test_cv_errors():
    d, folds = parity_table("pltn")
    with pytest.raises(VoxomicsError, match="no column 'outcome'"):
        voxomics.cv(d, "outcome")
    with pytest.raises(VoxomicsError, match="unknown model 'knn'"):
        voxomics.cv(d, "y", model="knn")
    with pytest.raises(VoxomicsError, match="unknown parameter 'Cs'"):
        voxomics.cv(d, "y", Cs=3)
    with pytest.raises(VoxomicsError, match="no column 'x99'"):
        voxomics.cv(d, "y", features=["x1", "x99"])
    with pytest.raises(VoxomicsError, match="C"):  # the library refuses C <= 0 naming the parameter
        voxomics.cv(d, "y", C=-1)


def test_select_binary():
    d, _ = parity_table("wdbc")
    uni = voxomics.select(d, "y", method="univariate", k=5)
    assert len(uni) == 5 and uni["p_bh"].is_monotonic_increasing and uni["selected"].all()
    mr = voxomics.select(d, "y", method="mrmr", k=4)
    assert len(mr) == 4 and mr["score"].notna().all()
    assert len(voxomics.select(d, "y", method="mrmr", k=4, all_features=True)) == 30
    la = voxomics.select(d, "y", method="lasso", seed=1)
    assert len(la) > 0 and (la["coefficient"] != 0).all()
    var = voxomics.select(d, "y", method="variance", threshold=1.0)
    assert (var["variance"] > 1.0).all()
    with pytest.raises(VoxomicsError, match="unknown method"):
        voxomics.select(d, "y", method="boruta")


# ---- associate: R cor.test on CaPTk x RNA-seq --------------------------------------------------------------------
def test_associate_vs_r(nsclc):
    f = nsclc[0]
    omics = pd.read_csv(shared("nsclc_radiogenomics", "rnaseq_top1000var_log10_zscore.csv"), index_col=0)
    pairs = voxomics.associate(f, omics.T, min_pairs=20)  # genes x patients: transposed
    assert len(pairs) == 102000 and pairs["p"].is_monotonic_increasing
    assert list(pairs.columns) == ["feature", "target", "n", "rho", "p", "q"]
    ref = pd.read_csv(os.path.join(STATS, "omics_pairs_ref.csv"))
    m = ref.merge(pairs, on=["feature", "target"], suffixes=("_r", ""))
    assert len(m) == 59 and (m["n"] == m["n_r"]).all()
    for c in ("rho", "p", "q"):
        rel_close(m[c], m[c + "_r"], 1e-10, 1e-15)
    ref2 = {("T1_ED_Intensity_Skewness", "HOPX"): {"pearson": (127, 0.48196890965144951, 9.6299353310452432e-09),
                                                   "kendall": (127, 0.3565804274465692, 2.7532354626991225e-09)},
            ("T1_ED_Intensity_Mean", "NR3C2"): {"pearson": (120, -0.42490536945198232, 1.3172173878667253e-06),
                                                "kendall": (120, -0.36666666666666664, 2.8807400155684665e-09)}}
    for (feat, gene), by in ref2.items():
        for method, (n, rho, p) in by.items():
            r = voxomics.associate(f[[feat]], omics.T, method=method, targets=[gene]).iloc[0]
            assert r["n"] == n
            rel_close([r["rho"], r["p"]], [rho, p], 1e-10)


def test_associate_groups_and_errors(nsclc):
    f, d = nsclc
    clin = d[["egfr-mut", "histology"]]
    pairs = voxomics.associate(f, clin, categorical=["histology", "egfr-mut"])
    assert set(pairs["target"]) == {"egfr-mut", "histology"} and pairs["p"].is_monotonic_increasing
    assert pairs.loc[pairs["target"] == "histology", "rho"].isna().all()  # Kruskal-Wallis: no rho
    mixed = voxomics.associate(f, d[["egfr-mut", "histology", "age"]], categorical=["histology", "egfr-mut"])
    assert set(mixed["target"]) == {"egfr-mut", "histology", "age"} and mixed["p"].is_monotonic_increasing
    p = mixed["p"].to_numpy()  # one BH over the numeric and the group tests together (R's p.adjust)
    bh = np.minimum.accumulate((p * len(p) / np.arange(1, len(p) + 1))[::-1])[::-1]
    assert np.allclose(mixed["q"], np.minimum(bh, 1), rtol=1e-12, atol=0)
    with pytest.raises(VoxomicsError, match="no column 'kras'"):
        voxomics.associate(f, clin, categorical=["kras"])
    with pytest.raises(VoxomicsError, match="method"):
        voxomics.associate(f, clin, method="distance")


# ---- gsea: fgsea --------------------------------------------------------------------------------------------------
def test_gsea_vs_fgsea():
    ranks = pd.read_csv(os.path.join(GENESETS, "fgsea_naive_vs_th1.rnk"), sep="\t", index_col=0).iloc[:, 0]
    gmt = os.path.join(GENESETS, "fgsea_mouse_reactome.gmt")
    res = voxomics.gsea(ranks, gmt, permutations=0)
    assert len(res) == 586 and res["nes"].isna().all()
    ref = pd.read_csv(os.path.join(GENESETS, "fgsea_res_reference.tsv"), sep="\t", dtype={"pathway": str})
    res["pathway"] = res["set"].str.split("_").str[0]
    m = ref.merge(res, on="pathway", suffixes=("_r", ""))
    assert len(m) == 586 and (m["size"] == m["size_r"]).all()
    assert np.abs(m["es"] - m["ES"]).max() <= 1e-10
    # permutations: deterministic by seed, NES of the sign of ES, 0 < p <= q; a dict of sets and a RNK file give
    # the same as the GMT file and the Series
    sets = {}
    with open(gmt) as fh:
        for line in fh:
            fld = line.rstrip("\n").split("\t")
            sets[fld[0]] = [g for g in fld[2:] if g]
    a = voxomics.gsea(ranks, gmt, permutations=200, seed=7)
    b = voxomics.gsea(os.path.join(GENESETS, "fgsea_naive_vs_th1.rnk"), sets, permutations=200, seed=7)
    assert a.drop(columns="leading_edge").equals(b.drop(columns="leading_edge"))
    assert (a["leading_edge"] == b["leading_edge"]).all()
    assert (a["nes"] * a["es"] > 0).all() and (a["p"] > 0).all() and (a["p"] <= a["q"] + 1e-15).all()
    top = a.loc[a["es"].idxmax()]
    assert top["leading_edge"][0] in set(sets[top["set"]])


def test_gsea_errors():
    ranks = pd.Series([3.0, 1.0, np.nan], index=["a", "b", "c"])
    with pytest.raises(VoxomicsError, match="'c'"):
        voxomics.gsea(ranks, {"s": ["a", "b"]})
    with pytest.raises(VoxomicsError, match="ranked twice"):
        voxomics.gsea(pd.Series([1.0, 2.0], index=["a", "a"]), {"s": ["a"]})
    with pytest.raises(VoxomicsError, match="no_such.gmt"):  # the library's message names the file
        voxomics.gsea(pd.Series([1.0, 2.0], index=["a", "b"]), "no_such.gmt")
