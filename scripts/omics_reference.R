#!/usr/bin/env Rscript
# References of the omics statistics (tests/unit/test_omics.c, tests/data/stats/omics_pairs_ref.csv), by R's own
# cor.test, p.adjust, wilcox.test, kruskal.test and phyper. Run from the repository root:
#   VOXOMICS_DATA=/path/to/shared Rscript scripts/omics_reference.R
# Writes tests/data/stats/omics_pairs_ref.csv and prints the numbers pasted into tests/unit/test_omics.c.
options(digits = 17)
data <- Sys.getenv("VOXOMICS_DATA", "../shared")
d <- file.path(data, "stats", "nsclc_radiogenomics")
f <- read.csv(file.path(d, "captk_features.csv"), check.names = FALSE, na.strings = c("", "NA", "#NAME?"))
g <- read.csv(file.path(d, "rnaseq_top1000var_log10_zscore.csv"), check.names = FALSE, row.names = 1,
              na.strings = c("", "NA"))
ids <- f$SubjectID[f$SubjectID %in% colnames(g)]
X <- as.matrix(f[match(ids, f$SubjectID), -1])
Y <- t(as.matrix(g[, ids]))
cat("samples", length(ids), "features", ncol(X), "genes", ncol(Y), "\n")

# every pair, pairwise-complete, min 20 pairs: Spearman by cor.test(exact = FALSE)
pairs <- expand.grid(j = seq_len(ncol(Y)), i = seq_len(ncol(X)))
res <- t(mapply(function(i, j) {
  ok <- !is.na(X[, i]) & !is.na(Y[, j])
  if (sum(ok) < 20 || sd(X[ok, i]) == 0 || sd(Y[ok, j]) == 0) return(c(sum(ok), NA, NA))
  ct <- suppressWarnings(cor.test(X[ok, i], Y[ok, j], method = "spearman", exact = FALSE))
  c(sum(ok), ct$estimate, ct$p.value)
}, pairs$i, pairs$j))
out <- data.frame(feature = colnames(X)[pairs$i], target = colnames(Y)[pairs$j], n = res[, 1], rho = res[, 2],
                  p = res[, 3])
out <- out[!is.na(out$p), ]
out$q <- p.adjust(out$p, method = "BH")
out <- out[order(out$p), ]
cat("pairs tested", nrow(out), "\n")
# a sample: the 20 smallest p, 20 pairs with missing samples (n < max), 20 spread over the rest
miss <- which(out$n < max(out$n))
pick <- unique(c(1:20, miss[round(seq(1, length(miss), length.out = 20))],
                 round(seq(21, nrow(out), length.out = 20))))
dir.create("tests/data/stats", showWarnings = FALSE, recursive = TRUE)
write.csv(format(out[pick, ], digits = 17), "tests/data/stats/omics_pairs_ref.csv", row.names = FALSE, quote = FALSE)

# Pearson and Kendall (exact = FALSE) on two pairs, one with missing samples
for (pr in list(c("T1_ED_Intensity_Skewness", "HOPX"), c(out$feature[miss[1]], out$target[miss[1]]))) {
  x <- X[, pr[1]]; y <- Y[, pr[2]]; ok <- !is.na(x) & !is.na(y)
  for (m in c("pearson", "kendall")) {
    ct <- suppressWarnings(cor.test(x[ok], y[ok], method = m, exact = FALSE))
    cat(m, pr, sum(ok), format(ct$estimate, digits = 17), format(ct$p.value, digits = 17), "\n")
  }
}

# small worked cases
x <- c(1.2, 3.4, 2.2, 5.0, 4.4, 3.4, 0.5, 2.8, 3.9, 6.1)
y <- c(2.0, 2.9, 2.5, 4.1, 3.0, 3.8, 1.1, 2.2, 4.4, 5.0)
for (m in c("spearman", "pearson", "kendall")) {
  ct <- suppressWarnings(cor.test(x, y, method = m, exact = FALSE))
  cat("small", m, format(ct$estimate, digits = 17), format(ct$p.value, digits = 17), "\n")
}
grp <- factor(c("a", "b", "a", "b", "b", "a", "a", "b", "c", "c"))
two <- grp != "c"
w <- wilcox.test(x[two] ~ droplevels(grp[two]), exact = FALSE, correct = TRUE)
cat("wilcox W", w$statistic, "p", format(w$p.value, digits = 17), "\n")
k <- kruskal.test(x ~ grp)
cat("kruskal H", format(k$statistic, digits = 17), "p", format(k$p.value, digits = 17), "\n")
p <- c(0.01, 0.04, 0.03, 0.2, 0.5, 0.001, 0.04, 0.9)
cat("BH", format(p.adjust(p, "BH"), digits = 17), "\n")
# ORA worked case: N = 12000 annotated genes, K = 150 in the set, n = 300 selected, overlap k = 12
cat("phyper", format(phyper(12 - 1, 150, 12000 - 150, 300, lower.tail = FALSE), digits = 17), "\n")
cat("phyper2", format(phyper(3 - 1, 40, 500 - 40, 25, lower.tail = FALSE), digits = 17), "\n")
cat("pt", format(2 * pt(-3.1, 17), digits = 17), "pchisq", format(pchisq(7.3, 3, lower.tail = FALSE), digits = 17),
    "\n")

# EGFR mutation status (Mutant / Wildtype; Unknown and Not collected missing) vs one CaPTk feature: the
# categorical association of docs/radiogenomics.md
lab <- read.csv(file.path(d, "tcia_clinical_labels.csv"), check.names = FALSE)
m <- merge(f, lab, by.x = "SubjectID", by.y = "Case ID")
egfr <- m[["EGFR mutation status"]]
v <- m[["T1_ED_GLSZM_Bins-20_Radius-1_ZoneSizeEntropy"]]
keep <- egfr %in% c("Mutant", "Wildtype") & !is.na(v)
w <- wilcox.test(v[keep] ~ factor(egfr[keep]), exact = FALSE, correct = TRUE)
cat("EGFR wilcox n", sum(keep), "W", w$statistic, "p", format(w$p.value, digits = 17), "\n")
