#!/usr/bin/Rscript
# Reference numbers for tests/unit/test_survival_flow.c (survival pipelines, cv, predict, risk groups) from R's
# survival package 3.5 and glmnet 4.1, on ../shared/stats/nsclc_radiogenomics: the CaPTk features joined with
# clinical_covariates.csv by ID, the complete cases of three features, `days` and `event`, in ID order.
# Fold k = 1..5 dealt in turn in that order (tests/data/stats/surv_flow_folds.csv); the training rows of the split
# are folds 1-4, the held-out rows fold 5. The features are standardised on the training rows (mean, population
# SD: the pipeline's step 3) before each fit.
#   Rscript scripts/survival_flow_reference.R [DATA_DIR [OUT_DIR]]
# prints the numbers pasted into the test; with OUT_DIR writes surv_flow_folds.csv and surv_flow_pred_r.csv there.
suppressMessages({library(survival); library(glmnet)})
args <- commandArgs(trailingOnly = TRUE)
D <- if (length(args)) args[1] else "../shared/stats/nsclc_radiogenomics"
f <- read.csv(file.path(D, "captk_features.csv"), check.names = FALSE, na.strings = c("", "NA", "#NAME?", "nan"))
cl <- read.csv(file.path(D, "clinical_covariates.csv"), check.names = FALSE, na.strings = c("", "NA", "nan"))
names(cl)[1] <- "SubjectID"
d <- merge(f, cl, by = "SubjectID")
F <- c("T1_ED_Intensity_Mean", "T1_ED_Volumetric_Volume", "T1_ED_Intensity_Skewness")
d <- d[complete.cases(d[, c(F, "days", "event")]), ]
d <- d[order(d$SubjectID), ]
d$months <- floor(d$days / 30.4375)
n <- nrow(d)
d$fold <- rep(1:5, length.out = n)
p <- function(...) cat(sprintf(...), "\n", sep = "")
p("rows %d events %d", n, sum(d$event))
std <- function(tr, x) { # standardise x by the training rows' mean and population SD
  m <- colMeans(tr); s <- sqrt(colMeans(sweep(tr, 2, m)^2))
  sweep(sweep(x, 2, m), 2, s, "/")
}
X <- as.matrix(d[, F])
tr <- d$fold != 5
Ztr <- std(X[tr, ], X[tr, ]); Zte <- std(X[tr, ], X[!tr, ])
colnames(Ztr) <- colnames(Zte) <- c("a", "b", "c")
dtr <- data.frame(Ztr, days = d$days[tr], months = d$months[tr], event = d$event[tr])
dte <- data.frame(Zte, days = d$days[!tr], months = d$months[!tr], event = d$event[!tr])
out <- data.frame(SubjectID = d$SubjectID[!tr])
for (tm in c("days", "months")) for (ties in c("efron", "breslow")) {
  fit <- coxph(as.formula(sprintf("Surv(%s, event) ~ a + b + c", tm)), data = dtr, ties = ties)
  lab <- paste(tm, ties, sep = "_")
  p("%s coef %.17g %.17g %.17g", lab, coef(fit)[1], coef(fit)[2], coef(fit)[3])
  at <- if (tm == "days") c(365, 1095) else c(12, 36)
  s <- summary(survfit(fit, newdata = dte), times = at)$surv
  out[[paste0(lab, "_lp")]] <- as.vector(Zte %*% coef(fit))
  out[[paste0(lab, "_s1")]] <- s[1, ]
  out[[paste0(lab, "_s2")]] <- s[2, ]
}
# coxnet at a fixed lambda on the same training rows; glmnet's survfit (coxph(y ~ eta, init = 1, iter = 0)).
# The training rows hold censoring times equal to event times, which glmnet places by its sort order
# (src/survival/coxnet.c): the censored times are moved 0.5 day later here (days + 0.5 (1 - event)), in the
# test too.
glmnet.control(epsnr = 1e-13, mxitnr = 1000)
p("censored times equal to event times in the training rows: %d",
  sum(dtr$days[dtr$event == 0] %in% dtr$days[dtr$event == 1]))
ytr <- Surv(dtr$days + 0.5 * (1 - dtr$event), dtr$event)
lam <- 0.01
gf <- glmnet(Ztr, ytr, family = "cox", lambda = lam, thresh = 1e-14)
b <- as.vector(coef(gf))
p("coxnet lambda %g coef %.17g %.17g %.17g", lam, b[1], b[2], b[3])
sf <- survfit(gf, s = lam, x = Ztr, y = ytr, newx = Zte)
s <- summary(sf, times = c(365, 1095))$surv
out$coxnet_lp <- as.vector(Zte %*% b)
out$coxnet_s1 <- s[1, ]
out$coxnet_s2 <- s[2, ]
# five-fold cv of cox on the given folds: Harrell's C of the held-out linear predictors per fold, pooled
oof <- numeric(n)
cs <- sapply(1:5, function(k) {
  trk <- d$fold != k
  fit <- coxph(Surv(days, event) ~ ., data = data.frame(std(X[trk, ], X[trk, ]), days = d$days[trk], event = d$event[trk]))
  lp <- as.vector(std(X[trk, ], X[!trk, ]) %*% coef(fit))
  oof[!trk] <<- lp
  concordance(Surv(d$days[!trk], d$event[!trk]) ~ lp, reverse = TRUE)$concordance
})
p("cv folds %.17g %.17g %.17g %.17g %.17g", cs[1], cs[2], cs[3], cs[4], cs[5])
p("cv mean %.17g sd %.17g pooled %.17g", mean(cs), sd(cs),
  concordance(Surv(d$days, d$event) ~ oof, reverse = TRUE)$concordance)
# risk groups of the held-out rows split at the median of the training linear predictors (days, Efron)
fit <- coxph(Surv(days, event) ~ a + b + c, data = dtr)
cut <- median(as.vector(Ztr %*% coef(fit)))
lp <- as.vector(Zte %*% coef(fit))
grp <- ifelse(lp > cut, "high", "low")
p("groups cutoff %.17g high %d low %d", cut, sum(grp == "high"), sum(grp == "low"))
km <- survfit(Surv(dte$days, dte$event) ~ grp)
s <- summary(km, times = c(365, 1095))
for (i in seq_along(s$time))
  p("km %s t %g surv %.17g nrisk %d", s$strata[i], s$time[i], s$surv[i], s$n.risk[i])
q <- quantile(km, probs = 0.5)$quantile
p("median high %.17g low %.17g", q[1], q[2])
lr <- survdiff(Surv(dte$days, dte$event) ~ grp)
p("logrank chisq %.17g p %.17g", lr$chisq, pchisq(lr$chisq, 1, lower.tail = FALSE))
p("harrell test %.17g", concordance(Surv(dte$days, dte$event) ~ lp, reverse = TRUE)$concordance)
# evaluate's measures of the held-out predictions (lp, survival at 365 and 1095 days of the Efron fit): Uno's C
# (concordance timewt "n/G2"), the cumulative/dynamic AUC and the IPCW Brier score (riskRegression::Score, KM
# censoring model) and the integrated Brier score over [365, 1095] (pec::ibs of pec(), as vx_brier_integrated)
suppressMessages({library(riskRegression); library(pec); library(prodlim)})
de <- data.frame(time = dte$days, status = dte$event, x = lp)
Se <- cbind(out$days_efron_s1, out$days_efron_s2)
p("uno test %.17g", concordance(Surv(time, status) ~ x, data = de, reverse = TRUE, timewt = "n/G2")$concordance)
a <- Score(list(m = cbind(lp, lp)), formula = Hist(time, status) ~ 1, data = de, times = c(365, 1095),
           metrics = "auc", cens.model = "km", null.model = FALSE)
p("td_auc test %.17g %.17g", a$AUC$score$AUC[1], a$AUC$score$AUC[2])
b <- Score(list(m = 1 - Se), formula = Hist(time, status) ~ 1, data = de, times = c(365, 1095), metrics = "brier",
           cens.model = "km", null.model = FALSE)
p("brier test %.17g %.17g", b$Brier$score$Brier[1], b$Brier$score$Brier[2])
pe <- pec(object = list(m = Se), formula = Surv(time, status) ~ 1, data = de, times = c(365, 1095), exact = FALSE,
          cens.model = "marginal", start = 365, maxtime = 1095, reference = FALSE, verbose = FALSE)
p("ibs test %.17g", ibs(pe)[1])
if (length(args) > 1) {
  write.csv(d[, c("SubjectID", "fold")], file.path(args[2], "surv_flow_folds.csv"), row.names = FALSE, quote = FALSE)
  write.csv(format(out, digits = 17), file.path(args[2], "surv_flow_pred_r.csv"), row.names = FALSE, quote = FALSE)
}
