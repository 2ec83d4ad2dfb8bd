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
