# Reference numbers of tests/unit/test_study_surv.c (R 4.2, survival 3.5): the survival step's univariate and
# multivariable Cox models and the Kaplan-Meier curves / log-rank test of its risk split, and the association
# step's counts (cor.test + p.adjust over every feature x gene pair).
# Usage: Rscript scripts/study_surv_reference.R DATA_DIR RISK.csv HELDOUT_RISK.csv
#   DATA_DIR: $VOXOMICS_DATA/stats/nsclc_radiogenomics; RISK.csv: OUTDIR/survival/risk.csv of the test's study
#   without holdout, HELDOUT_RISK.csv that of the study with holdout {fraction: 0.3, seed: 1} (the risk scores and
#   groups are the step's; R recomputes everything that follows from them).
# SPDX-License-Identifier: GPL-3.0-or-later
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
D <- args[1]
f <- read.csv(file.path(D, "captk_features.csv"), check.names = FALSE, na.strings = c("", "NA", "nan", "#NAME?"))
cl <- read.csv(file.path(D, "clinical_covariates.csv"), check.names = FALSE, na.strings = c("", "NA", "nan"))
names(cl)[1] <- "SubjectID"
d <- merge(f, cl, by = "SubjectID", sort = FALSE)
d <- d[match(f$SubjectID[f$SubjectID %in% d$SubjectID], d$SubjectID), ]
feat <- c("T1_ED_Volumetric_Volume", "T1_ED_Morphologic_EllipseDiameter", "T1_ED_Intensity_Mean",
          "T1_ED_Intensity_StandardDeviation", "T1_ED_Intensity_Skewness", "T1_ED_Intensity_Kurtosis")
p17 <- function(...) cat(sprintf("%.17g", c(...)), "\n")
cat("n", nrow(d), "events", sum(d$event), "\n")
cat("## univariate: name hr hr_lower hr_upper p (per SD: coxph(Surv(days, event) ~ scale(x)))\n")
pu <- c()
for (x in feat) {
  k <- !is.na(d[[x]])
  fit <- coxph(Surv(days, event) ~ scale(d[[x]][k]), data = d[k, ])
  s <- summary(fit)
  cat(x, ""); p17(s$conf.int[1, c(1, 3, 4)], s$coefficients[1, 5])
  pu <- c(pu, s$coefficients[1, 5])
}
cat("q (BH):", ""); p17(p.adjust(pu, "BH"))
cat("## multivariable: age + sex (per unit) + scale(features) on the complete cases\n")
cc <- d[complete.cases(d[, c("age", "sex", feat)]), ]
for (x in feat) cc[[x]] <- as.numeric(scale(cc[[x]]))
fm <- as.formula(paste("Surv(days, event) ~ age + sex +", paste0("`", feat, "`", collapse = " + ")))
fit <- coxph(fm, data = cc)
s <- summary(fit)
cat("n", s$n, "events", s$nevent, "\n")
cat("hr:", ""); p17(s$conf.int[, 1])
cat("lower:", ""); p17(s$conf.int[, 3])
cat("upper:", ""); p17(s$conf.int[, 4])
cat("p:", ""); p17(s$coefficients[, 5])
cat("concordance:", ""); p17(s$concordance[1])
cat("lr:", ""); p17(s$logtest)
km_ref <- function(path, set) {
  r <- read.csv(path)
  r <- r[r$set == set, ]
  r$high <- r$group == "high"
  cat("## KM of", path, set, ": n", nrow(r), "\n")
  fit <- survfit(Surv(time, event) ~ high, data = r)
  sm <- summary(fit, times = c(365, 1095))
  cat("strata:", as.character(sm$strata), "\n")
  cat("surv:", ""); p17(sm$surv)
  cat("lower:", ""); p17(sm$lower)
  cat("upper:", ""); p17(sm$upper)
  cat("n.risk:", sm$n.risk, "\n")
  sd <- survdiff(Surv(time, event) ~ high, data = r)
  cat("logrank chisq p:", ""); p17(sd$chisq, pchisq(sd$chisq, 1, lower.tail = FALSE))
  cat("n per group:", fit$n, " events:", tapply(r$event, r$high, sum), "\n")
  cat("C:", ""); p17(concordance(Surv(time, event) ~ risk, data = r, reverse = TRUE)$concordance)
}
km_ref(args[2], "training")
km_ref(args[3], "held-out")
# The association counts: Spearman cor.test (exact = FALSE) of every feature x gene pair on the complete cases,
# p.adjust(BH) over all tested pairs (at least 3 complete cases, neither side constant).
g <- read.csv(file.path(D, "rnaseq_top1000var_log10_zscore.csv"), check.names = FALSE, row.names = 1,
              na.strings = c("", "NA", "nan"))
ids <- f$SubjectID[f$SubjectID %in% colnames(g)]
X <- f[match(ids, f$SubjectID), -1]
X <- X[, sapply(X, function(v) is.numeric(v) && any(!is.na(v))), drop = FALSE]
Y <- t(as.matrix(g[, ids]))
res <- list()
for (i in seq_len(ncol(X))) for (j in seq_len(ncol(Y))) {
  k <- !is.na(X[, i]) & !is.na(Y[, j])
  if (sum(k) < 3 || length(unique(X[k, i])) < 2 || length(unique(Y[k, j])) < 2) next
  ct <- suppressWarnings(cor.test(X[k, i], Y[k, j], method = "spearman", exact = FALSE))
  res[[length(res) + 1]] <- c(i, j, ct$p.value)
}
r <- do.call(rbind, res)
q <- p.adjust(r[, 3], "BH")
cat("## association: samples", length(ids), "features", ncol(X), "genes", ncol(Y), "pairs", nrow(r), "\n")
cat("q < 0.05:", sum(q < 0.05), "p < 0.05:", sum(r[, 3] < 0.05), "features:", length(unique(r[q < 0.05, 1])),
    "genes:", length(unique(r[q < 0.05, 2])), "\n")
