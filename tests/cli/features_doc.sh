#!/usr/bin/env bash
# docs/features.md must be exactly what the dictionary generates (`make docs` regenerates it),
# and `voxomics features` must list every one of the 174 IBSI 1 features once (with its 4-character IBSI code),
# and the features only PyRadiomics defines without a code.
set -euo pipefail
vx="$1"
diff -u "$VX_SOURCE_DIR/docs/features.md" <("$vx" features --format markdown)
n=$("$vx" features | tail -n +2 | awk -F'",' '{ split($2, c, ","); if (length(c[1]) == 4) k++ } END { print k + 0 }')
[ "$n" -eq 174 ] || { echo "expected 174 IBSI features, got $n"; exit 1; }
p=$("$vx" features | tail -n +2 | awk -F'",' '{ split($2, c, ","); if (c[1] == "") k++ } END { print k + 0 }')
echo "docs/features.md up to date; $n IBSI features, $p PyRadiomics-only features"
