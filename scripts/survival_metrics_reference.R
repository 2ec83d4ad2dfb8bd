#!/usr/bin/Rscript
# Reference numbers for tests/unit/test_survival_metrics.c (issue 16): lambda of a LASSO-Cox path by
# cross-validation (glmnet 4.1 cv.glmnet, family cox), Uno's C (survival 3.5 concordance), time-dependent AUC and
# Brier scores (riskRegression / pec), on ../shared/stats/nsclc_radiogenomics joined as in
# scripts/survival_reference.R. The tests never run R; their numbers come from here.
#   Rscript scripts/survival_metrics_reference.R [DATA_DIR [OUT_DIR]]
# OUT_DIR (tests/data/stats): coxnet_cv_foldid.csv (SubjectID, 0-based fold), coxnet_cv_glmnet.csv (per lambda:
# cvm and cvsd of the deviance and of C, nzero).
suppressMessages({library(survival); library(glmnet)})
args <- commandArgs(trailingOnly = TRUE)
D <- if (length(args)) args[1] else "../shared/stats/nsclc_radiogenomics"
OUT <- if (length(args) > 1) args[2] else NULL
f <- read.csv(file.path(D, "captk_features.csv"), check.names = FALSE, na.strings = c("", "NA", "#NAME?", "nan"))
cl <- read.csv(file.path(D, "clinical_covariates.csv"), check.names = FALSE, na.strings = c("", "NA", "nan"))
names(cl)[1] <- "SubjectID"
d <- merge(f, cl, by = "SubjectID")
p <- function(...) cat(sprintf(...), "\n", sep = "")

# ---- cv.glmnet: the 8 CaPTk features of the coxnet path test, censored times +0.5 day (no censoring time equal
# to a death time: glmnet's Fortran places such ties by its sort order, the deviance by R's +100 eps), 5 folds
# drawn here with seed 16; thresh 1e-14 and epsnr 1e-13: the exact optimum at every lambda of every fold.
glmnet.control(epsnr = 1e-13, mxitnr = 1000)
feats <- c("T1_ED_Intensity_Mean", "T1_ED_Intensity_StandardDeviation", "T1_ED_Intensity_Skewness",
           "T1_ED_Intensity_Kurtosis", "T1_ED_Volumetric_Volume", "T1_ED_Morphologic_EllipseDiameter",
           "T1_ED_GLSZM_Bins-20_Radius-1_LargeZoneLowGreyLevelEmphasis", "T1_ED_Intensity_Energy")
dc <- d[complete.cases(d[, c(feats, "days", "event")]), ]
x <- as.matrix(dc[, feats])
y <- Surv(dc$days + 0.5 * (1 - dc$event), dc$event)
set.seed(16)
foldid <- sample(rep(1:5, length.out = nrow(dc)))
cvd <- cv.glmnet(x, y, family = "cox", foldid = foldid, type.measure = "deviance", thresh = 1e-14)
cvc <- cv.glmnet(x, y, family = "cox", foldid = foldid, type.measure = "C", thresh = 1e-14)
stopifnot(all(cvd$lambda == cvc$lambda))
p("coxnet_cv: %d subjects, %d events, %d lambdas, events per fold %s", nrow(dc), sum(dc$event), length(cvd$lambda),
  paste(tapply(dc$event, foldid, sum), collapse = " "))
for (m in list(cvd, cvc))
  p("coxnet_cv %s lambda.min %.15g (index %d) lambda.1se %.15g (index %d)", m$name, m$lambda.min, m$index[1],
    m$lambda.1se, m$index[2])
for (m in list(cvd, cvc)) {
  b <- as.matrix(coef(m, s = "lambda.min")); b1 <- as.matrix(coef(m, s = "lambda.1se"))
  p("coxnet_cv %s coef at lambda.min: %s", m$name, paste(sprintf("%.15g", b), collapse = " "))
  p("coxnet_cv %s coef at lambda.1se: %s", m$name, paste(sprintf("%.15g", b1), collapse = " "))
}
if (!is.null(OUT)) {
  write.csv(data.frame(SubjectID = dc$SubjectID, fold = foldid - 1), file.path(OUT, "coxnet_cv_foldid.csv"),
            row.names = FALSE, quote = FALSE)
  out <- data.frame(lambda = cvd$lambda, cvm_deviance = cvd$cvm, cvsd_deviance = cvd$cvsd, cvm_C = cvc$cvm,
                    cvsd_C = cvc$cvsd, nzero = cvd$nzero)
  write.csv(format(out, digits = 15), file.path(OUT, "coxnet_cv_glmnet.csv"), row.names = FALSE, quote = FALSE)
}

# ---- Uno's C, time-dependent AUC, Brier scores ---------------------------------------------------------------
suppressMessages({library(riskRegression); library(pec); library(prodlim)})
p("versions: survival %s, riskRegression %s, pec %s, prodlim %s", packageVersion("survival"),
  packageVersion("riskRegression"), packageVersion("pec"), packageVersion("prodlim"))
metrics <- function(label, tm, ev, sc, taus, times, S) {
  d <- data.frame(time = tm, status = ev, x = sc)
  for (tau in taus) {
    cu <- if (is.finite(tau)) concordance(Surv(time, status) ~ x, data = d, reverse = TRUE, timewt = "n/G2", ymax = tau)
          else concordance(Surv(time, status) ~ x, data = d, reverse = TRUE, timewt = "n/G2")
    p("%s uno tau %g C %.17g", label, tau, cu$concordance)
  }
  a <- Score(list(m = matrix(sc, length(sc), length(times))), formula = Hist(time, status) ~ 1, data = d,
             times = times, metrics = "auc", cens.model = "km", null.model = FALSE)
  p("%s auc times %s: %s", label, paste(times, collapse = ","), paste(sprintf("%.17g", a$AUC$score$AUC), collapse = " "))
  b <- Score(list(m = 1 - S), formula = Hist(time, status) ~ 1, data = d, times = times, metrics = "brier",
             cens.model = "km", null.model = FALSE)
  p("%s brier: %s", label, paste(sprintf("%.17g", b$Brier$score$Brier), collapse = " "))
  pe <- pec(object = list(m = S), formula = Surv(time, status) ~ 1, data = d, times = times, exact = FALSE,
            cens.model = "marginal", start = times[1], maxtime = times[length(times)], reference = FALSE,
            verbose = FALSE)
  p("%s pec brier: %s", label, paste(sprintf("%.17g", pe$AppErr$m), collapse = " "))
  p("%s pec ibs [%g, %g]: %.17g", label, times[1], times[length(times)], ibs(pe)[1])
}
# by hand: 8 subjects, a death and a censoring at 2 and at 4 (censorings after the deaths), scores with and
# without ties; S_i(t) = exp(-x_i t / 3)
tm <- c(1, 2, 2, 3, 4, 4, 5, 6); ev <- c(1, 1, 0, 0, 1, 0, 1, 0)
sc <- c(0.9, 0.5, 0.7, 0.2, 0.6, 0.1, 0.3, 0.4); sct <- c(0.9, 0.5, 0.5, 0.2, 0.5, 0.1, 0.3, 0.5)
times <- c(2, 4, 5)
metrics("tiny", tm, ev, sc, c(Inf, 4), times, sapply(times, function(t) exp(-sc * t / 3)))
metrics("tiny_ties", tm, ev, sct, c(Inf, 4), times, sapply(times, function(t) exp(-sct * t / 3)))
# NSCLC: score plogis(log(volume) - 8), S_i(t) = exp(-(t / 3000) exp(0.3 (log(volume) - 8))); days have
# censorings on death days
lv <- log(d$T1_ED_Volumetric_Volume)
times <- c(180, 365, 730, 1095, 1460, 1825)
p("nsclc: %d subjects, %d deaths, %d death days with a censoring", nrow(d), sum(d$event),
  length(intersect(d$days[d$event == 1], d$days[d$event == 0])))
metrics("nsclc", d$days, d$event, plogis(lv - 8), c(Inf, 1095), times,
        sapply(times, function(t) exp(-(t / 3000) * exp(0.3 * (lv - 8)))))
