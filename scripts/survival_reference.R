#!/usr/bin/Rscript
# Reference numbers for tests/unit/test_survival.c from R's survival package (Debian r-cran-survival 3.5),
# on ../shared/stats/nsclc_radiogenomics: CaPTk features joined with clinical_covariates.csv by ID, the
# covariate log(T1_ED_Volumetric_Volume), follow-up `days` and `event`; months = floor(days / 30.4375) gives
# tied event times (Efron and Breslow then differ). The tests never run R; their numbers come from here.
#   Rscript scripts/survival_reference.R [DATA_DIR]
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
D <- if (length(args)) args[1] else "../shared/stats/nsclc_radiogenomics"
f <- read.csv(file.path(D, "captk_features.csv"), check.names = FALSE, na.strings = c("", "NA", "#NAME?", "nan"))
cl <- read.csv(file.path(D, "clinical_covariates.csv"), check.names = FALSE, na.strings = c("", "NA", "nan"))
names(cl)[1] <- "SubjectID"
d <- merge(f, cl, by = "SubjectID")
d$logvol <- log(d$T1_ED_Volumetric_Volume)
d$months <- floor(d$days / 30.4375)
p <- function(...) cat(sprintf(...), "\n", sep = "")
cox_line <- function(label, fit) {
  s <- summary(fit)
  for (j in seq_along(coef(fit)))
    p("%s %s coef %.15g se %.15g z %.15g p %.15g", label, names(coef(fit))[j], coef(fit)[j], sqrt(diag(vcov(fit)))[j],
      s$coefficients[j, 4], s$coefficients[j, 5])
  p("%s loglik %.15g %.15g lr %.15g wald %.15g score %.15g C %.15g", label, fit$loglik[1], fit$loglik[2],
    2 * diff(fit$loglik), as.numeric(coef(fit) %*% solve(vcov(fit)) %*% coef(fit)), fit$score, fit$concordance[6])
}
for (ties in c("efron", "breslow")) {
  cox_line(paste0("days_", ties), coxph(Surv(days, event) ~ logvol, data = d, ties = ties))
  cox_line(paste0("months_", ties), coxph(Surv(months, event) ~ logvol, data = d, ties = ties))
}
# several covariates, a categorical one (histology codes as a factor) and strata (sex)
dd <- d[!is.na(d$histology) & !is.na(d$sex), ]
cox_line("multi_efron", coxph(Surv(months, event) ~ logvol + T1_ED_Intensity_Mean + factor(histology) + strata(sex),
                              data = dd))
# Kaplan-Meier of a median split of logvol, at 365 and 1095 days; log-rank; stratified; rho = 1
d$grp <- ifelse(d$logvol > median(d$logvol), "high", "low")
p("median_cut %.15g", median(d$logvol))
for (ct in c("log", "log-log")) {
  km <- survfit(Surv(days, event) ~ grp, data = d, conf.type = ct)
  s <- summary(km, times = c(365, 1095))
  for (i in seq_along(s$time))
    p("km_%s %s t %g surv %.15g lower %.15g upper %.15g nrisk %d", ct, s$strata[i], s$time[i], s$surv[i], s$lower[i],
      s$upper[i], s$n.risk[i])
  q <- quantile(km, probs = 0.5)
  for (g in names(km$strata))
    p("median_%s %s %.15g %.15g %.15g", ct, g, q$quantile[g, 1], q$lower[g, 1], q$upper[g, 1])
}
lr <- survdiff(Surv(days, event) ~ grp, data = d)
p("logrank chisq %.15g", lr$chisq)
lr <- survdiff(Surv(days, event) ~ grp, data = d, rho = 1)
p("logrank_rho1 chisq %.15g", lr$chisq)
lr <- survdiff(Surv(months, event) ~ grp + strata(sex), data = dd <- d[!is.na(d$sex), ])
p("logrank_strata chisq %.15g", lr$chisq)
# three groups (histology codes), months (ties)
dh <- d[!is.na(d$histology), ]
lr <- survdiff(Surv(months, event) ~ factor(histology), data = dh)
p("logrank_hist chisq %.15g df %d", lr$chisq, length(lr$n) - 1)
# univariate Cox screening of the 102 CaPTk features (each on its complete cases), Wald p, BH: written to
# OUT_DIR/cox_univariate_r.csv when a second argument names OUT_DIR
if (length(args) > 1) {
  feats <- setdiff(names(f), "SubjectID")
  res <- do.call(rbind, lapply(feats, function(v) {
    x <- d[[v]]
    if (length(unique(x[!is.na(x)])) < 2) return(data.frame(feature = v, coef = NA, se = NA, p = NA, warn = 0))
    w <- 0
    fit <- withCallingHandlers(coxph(Surv(d$days, d$event) ~ x), warning = function(m) { w <<- 1; invokeRestart("muffleWarning") })
    s <- summary(fit)$coefficients
    data.frame(feature = v, coef = s[1, 1], se = s[1, 3], p = s[1, 5], warn = w)
  }))
  res$p_bh <- p.adjust(res$p, "BH")
  write.csv(format(res, digits = 15), file.path(args[2], "cox_univariate_r.csv"), row.names = FALSE, quote = FALSE)
  p("univariate: %d features, %d with a warning, %d with p_bh < 0.05", nrow(res), sum(res$warn), sum(res$p_bh < 0.05, na.rm = TRUE))
}
# LASSO-Cox path (glmnet 4.1, family cox, alpha 1, standardised, default lambdas; thresh 1e-14 and epsnr 1e-13:
# the exact optimum)
# of 8 CaPTk features on the complete cases, the censored times moved 0.5 day later (so that no censoring time
# equals a death time: glmnet places such ties by its sort order): OUT_DIR/coxnet_glmnet.csv
if (length(args) > 1) {
  suppressMessages(library(glmnet))
  glmnet.control(epsnr = 1e-13, mxitnr = 1000) # the outer Newton steps to the optimum too (default 1e-6)
  feats <- c("T1_ED_Intensity_Mean", "T1_ED_Intensity_StandardDeviation", "T1_ED_Intensity_Skewness",
             "T1_ED_Intensity_Kurtosis", "T1_ED_Volumetric_Volume", "T1_ED_Morphologic_EllipseDiameter",
             "T1_ED_GLSZM_Bins-20_Radius-1_LargeZoneLowGreyLevelEmphasis", "T1_ED_Intensity_Energy")
  dc <- d[complete.cases(d[, c(feats, "days", "event")]), ]
  fit <- glmnet(as.matrix(dc[, feats]), Surv(dc$days + 0.5 * (1 - dc$event), dc$event), family = "cox",
                thresh = 1e-14)
  out <- data.frame(lambda = fit$lambda, dev_ratio = fit$dev.ratio, t(as.matrix(fit$beta)), check.names = FALSE)
  write.csv(format(out, digits = 15), file.path(args[2], "coxnet_glmnet.csv"), row.names = FALSE, quote = FALSE)
  p("coxnet: %d subjects, %d lambdas", nrow(dc), length(fit$lambda))
}
