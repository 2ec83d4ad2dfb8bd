#!/usr/bin/env bash
# Write one SVG of every plot kind (build/bench/plot_gallery) into OUTDIR and render each, and the page with all
# of them, to PNG with headless Chromium, for a visual check of the plots.
# usage: scripts/plot_gallery.sh [OUTDIR]   (default /tmp/vx_plot_gallery; needs `make` first)
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-/tmp/vx_plot_gallery}
mkdir -p "$out"
"$root/build/bench/plot_gallery" "$out"
chrome=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$chrome" ]; then
  echo "plot_gallery: SVGs in $out (no Chromium found to render PNGs)"
  exit 0
fi
for svg in "$out"/*.svg; do
  name=$(basename "$svg" .svg)
  read -r w h < <(sed -n 's/^<svg[^>]* width="\([0-9]*\)" height="\([0-9]*\)".*/\1 \2/p' "$svg" | head -1)
  printf '<!DOCTYPE html><html><body style="margin:0">%s</body></html>\n' "$(cat "$svg")" >"$out/$name.html"
  "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$out/$name.png" \
    --window-size="${w:-600},${h:-500}" "file://$out/$name.html" >/dev/null 2>&1
done
"$chrome" --headless --no-sandbox --disable-gpu --screenshot="$out/index.png" --window-size=1800,2400 \
  "file://$out/index.html" >/dev/null 2>&1
echo "plot_gallery: SVGs, PNGs and index.html in $out"
