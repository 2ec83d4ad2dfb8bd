#!/usr/bin/env bash
# voxomics associate | gsea | ora end to end on the NSCLC radiogenomics and fgsea data ($VOXOMICS_DATA):
#  - associate (Spearman, RNA-seq by rows, min 20 pairs): 102,000 pairs, sorted by p, the sampled pairs of
#    tests/data/stats/omics_pairs_ref.csv (R's cor.test and p.adjust, scripts/omics_reference.R) to 1e-10
#    relative; the heatmap is an SVG; a categorical target (EGFR status, Unknown / Not collected as missing)
#    gives R's wilcox.test p; wrong command lines exit 2, a missing file 1;
#  - gsea: 586 sets tested, ES equal to fgsea_res_reference.tsv to 1e-10 and sizes equal; with permutations
#    the same seed gives the same file;
#  - ora: the phyper upper tail of a worked case (R: phyper(2, 40, 460, 25, lower.tail = FALSE)).
set -euo pipefail
vx="$1"
D="${VOXOMICS_DATA:-$VX_SOURCE_DIR/../shared}/stats"
ref="$VX_SOURCE_DIR/tests/data/stats/omics_pairs_ref.csv"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }
N="$D/nsclc_radiogenomics"
"$vx" associate "$N/captk_features.csv" "$N/rnaseq_top1000var_log10_zscore.csv" --omics-by-rows --id SubjectID \
    --min-pairs 20 -o pairs.csv --heatmap heat.svg -q
[ "$(wc -l <pairs.csv)" -eq 102001 ] || fail "associate: $(wc -l <pairs.csv) lines, 102,001 expected"
[ "$(head -1 pairs.csv)" = feature,target,n,rho,p,q ] || fail "associate: header $(head -1 pairs.csv)"
awk -F, 'NR > 2 && $5 + 0 < prev + 0 { bad = 1 } NR > 1 { prev = $5 } END { exit bad }' pairs.csv ||
    fail "associate: not sorted by p"
awk -F, 'NR == FNR { if (FNR > 1) { gsub(/ /, ""); r[$1 "," $2] = $0 }; next }
    FNR > 1 && ($1 "," $2) in r { split(r[$1 "," $2], a, ","); k++
        if ($3 != a[3]) { print "n", $0; bad = 1 }
        for (i = 4; i <= 6; i++) { d = $i - a[i]; if (d < 0) d = -d; if (d > 1e-10 * (a[i] < 0 ? -a[i] : a[i]) + 1e-15) { print i, $0, a[i]; bad = 1 } } }
    END { if (k != 59) { print "matched", k; bad = 1 }; exit bad }' "$ref" pairs.csv || fail "associate: pairs differ from R"
grep -q '^<svg' heat.svg && grep -q '</svg>' heat.svg || fail "heatmap: not an SVG"
"$vx" associate "$N/captk_features.csv" "$N/tcia_clinical_labels.csv" --id SubjectID --omics-id "Case ID" \
    --target "EGFR mutation status" --na Unknown --na "Not collected" -o egfr.csv -q
p=$(awk -F, '$1 == "T1_ED_GLSZM_Bins-20_Radius-1_ZoneSizeEntropy" { print $5 }' egfr.csv)
awk -v p="$p" 'BEGIN { r = 1.2977234834717811e-06; d = p - r; if (d < 0) d = -d; exit !(d < 1e-10 * r) }' ||
    fail "associate: EGFR Mann-Whitney p $p, R 1.2977234834717811e-06"
set +e
"$vx" associate "$N/captk_features.csv" -o x.csv 2>/dev/null; [ $? -eq 2 ] || fail "one table: exit 2 expected"
"$vx" associate a.csv "$N/captk_features.csv" --method cosine -o x.csv 2>/dev/null
[ $? -eq 2 ] || fail "--method cosine: exit 2 expected"
"$vx" associate nosuch.csv "$N/captk_features.csv" -o x.csv 2>/dev/null; [ $? -eq 1 ] || fail "missing file: exit 1"
set -e
G="$D/genesets"
"$vx" gsea "$G/fgsea_naive_vs_th1.rnk" "$G/fgsea_mouse_reactome.gmt" -o gsea.csv -q
awk -F'\t' 'NR == FNR { if (FNR > 1) { es[$1] = $4; sz[$1] = $7 }; next }
    FNR > 1 { l = $0; sub(/^"[^"]*"/, "X", l); split($0, a, "_"); id = a[1]; sub(/^"/, "", id)
        if (!(id in es)) next; k++
        split(l, f, ","); d = f[3] - es[id]; if (d < 0) d = -d
        if (d > 1e-10 || f[2] != sz[id]) { print $0, es[id], sz[id]; bad = 1 } }
    END { if (k != 586) { print "matched", k; bad = 1 }; exit bad }' "$G/fgsea_res_reference.tsv" gsea.csv ||
    fail "gsea: ES or sizes differ from fgsea"
"$vx" gsea "$G/fgsea_naive_vs_th1.rnk" "$G/fgsea_mouse_reactome.gmt" --permutations 100 --seed 3 -o p1.csv -q
"$vx" gsea "$G/fgsea_naive_vs_th1.rnk" "$G/fgsea_mouse_reactome.gmt" --permutations 100 --seed 3 -o p2.csv -q
cmp -s p1.csv p2.csv || fail "gsea: the same seed gave different files"
# a ranking from the association: --feature F on PAIRS.csv = a .rnk of F's rows
awk -F, 'NR > 1 && $1 == "T1_ED_Intensity_Skewness" { printf "%s\t%s\n", $2, $4 }' pairs.csv >skew.rnk
GO="$G/enrichr_GO_Biological_Process_2021_human_symbols.gmt"
"$vx" gsea skew.rnk "$GO" --min-size 10 --permutations 50 -o r1.csv -q
"$vx" gsea pairs.csv "$GO" --feature T1_ED_Intensity_Skewness --min-size 10 --permutations 50 -o r2.csv -q
cmp -s r1.csv r2.csv || fail "gsea --feature: not the ranking of the feature's rho"
# ORA worked case: 600 tested genes, 500 annotated; set A g0..g39, B g40..g499; selected g0..g2, g40..g61, g550
awk 'BEGIN { printf "A\tset A"; for (i = 0; i < 40; i++) printf "\tg%d", i; printf "\nB\tset B"
             for (i = 40; i < 500; i++) printf "\tg%d", i; printf "\n" }' >sets.gmt
awk 'BEGIN { for (i = 0; i < 600; i++) print "g" i }' >universe.txt
awk 'BEGIN { for (i = 0; i < 3; i++) print "g" i; for (i = 40; i < 62; i++) print "g" i; print "g550" }' >hits.txt
"$vx" ora hits.txt sets.gmt --universe universe.txt -o ora.csv -q
awk -F, '$1 == "A" { d = $5 - 0.32252898128501406; if (d < 0) d = -d; ok = ($2 == 40 && $3 == 3 && $4 == 2 && d < 1e-11) }
         END { exit !ok }' ora.csv || fail "ora: $(grep '^A,' ora.csv)"
echo "omics: associate, gsea and ora agree with R and fgsea"
