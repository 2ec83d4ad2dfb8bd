#!/usr/bin/env bash
# docs/config.md's settings reference (between the settings-reference markers) must be exactly what the
# settings descriptor generates (`make docs` regenerates it), and `voxomics settings` must list every key of a
# settings file once, each one the YAML reader accepts.
set -euo pipefail
vx="$1"
doc="$VX_SOURCE_DIR/docs/config.md"
diff -u <(sed -n '/^<!-- settings-reference:begin -->$/,/^<!-- settings-reference:end -->$/p' "$doc" | sed '1d;$d') \
    <("$vx" settings --format markdown)
keys=$("$vx" settings | tail -n +2 | cut -d, -f2)
n=$(printf '%s\n' "$keys" | wc -l)
[ "$n" -eq "$(printf '%s\n' "$keys" | sort -u | wc -l)" ] || { echo "a key is listed twice"; exit 1; }
# every listed key is a key of the YAML reader: an unknown one would be refused with "unknown setting"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# a filter parameter (image_types.filters[].KEY): some kind must read it and refuse the wrong value by name
filter_key() {
    local p=${1#image_types.filters[].} kind
    for kind in mean log laws gabor wavelet simoncelli gradient lbp2d lbp3d; do
        printf 'image_types:\n  filters:\n    - {filter: %s, %s: [oops, oops]}\n' "$kind" "$p" > "$tmp/s.yaml"
        "$vx" extract --config "$tmp/s.yaml" -o "$tmp/out.csv" "$tmp/none.nii" "$tmp/none.nii" 2> "$tmp/err" && {
            echo "$1: a wrong value was accepted (filter $kind)"; exit 1; }
        if grep -q "s.yaml:[0-9]*: image_types.filters\[1\]\.$p: got" "$tmp/err"; then return 0; fi
    done
    echo "$1: listed by voxomics settings but no filter kind reads it: $(cat "$tmp/err")"; exit 1
}
for k in $keys; do
    case "$k" in image_types.filters\[\].*) filter_key "$k"; continue ;; esac
    case "$k" in *.*) ;; *) continue ;; esac
    printf '%s\n' "$k" | awk -F. '{ for (i = 1; i < NF; i++) { printf "%*s%s:\n", 2 * (i - 1), "", $i }
                                      printf "%*s%s: [oops]\n", 2 * (NF - 1), "", $NF }' > "$tmp/s.yaml"
    if "$vx" extract --config "$tmp/s.yaml" -o "$tmp/out.csv" "$tmp/none.nii" "$tmp/none.nii" 2> "$tmp/err"; then
        echo "$k: a wrong value was accepted"; exit 1
    fi
    if grep -q "unknown setting" "$tmp/err" || ! grep -q "s.yaml:[0-9]*: $k" "$tmp/err"; then
        echo "$k: listed by voxomics settings but not read as a key: $(cat "$tmp/err")"; exit 1
    fi
done
echo "docs/config.md settings reference up to date; $n keys"
