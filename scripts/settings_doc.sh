#!/usr/bin/env bash
# Rewrite the settings reference of docs/config.md (between <!-- settings-reference:begin --> and
# <!-- settings-reference:end -->) with `voxomics settings --format markdown`.
# usage: scripts/settings_doc.sh VOXOMICS [CONFIG_MD]
set -euo pipefail
vx="$1"
doc="${2:-docs/config.md}"
ref=$(mktemp)
out=$(mktemp)
trap 'rm -f "$ref" "$out"' EXIT
"$vx" settings --format markdown > "$ref"
grep -q '^<!-- settings-reference:begin -->$' "$doc" && grep -q '^<!-- settings-reference:end -->$' "$doc" ||
    { echo "$doc: the settings-reference markers are missing" >&2; exit 1; }
awk -v ref="$ref" '
    /^<!-- settings-reference:begin -->$/ { print; while ((getline line < ref) > 0) print line; skip = 1; next }
    /^<!-- settings-reference:end -->$/ { skip = 0 }
    !skip { print }' "$doc" > "$out"
cat "$out" > "$doc"
