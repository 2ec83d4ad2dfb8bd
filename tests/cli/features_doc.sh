#!/usr/bin/env bash
# docs/features.md must be exactly what the dictionary generates (`make docs` regenerates it),
# and `voxomics features` must list every one of the 174 IBSI 1 features once.
set -euo pipefail
vx="$1"
diff -u "$VX_SOURCE_DIR/docs/features.md" <("$vx" features --format markdown)
n=$("$vx" features | tail -n +2 | wc -l)
[ "$n" -eq 174 ] || { echo "expected 174 features, got $n"; exit 1; }
echo "docs/features.md up to date; $n features"
