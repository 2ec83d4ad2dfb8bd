#!/usr/bin/python3
# Check a voxomics study report in headless Chromium (Debian: chromium, chromium-driver, python3-selenium).
#
#   report_check.py OUTDIR [--html REPORT.html] [--screenshot FULL.png] [--shot PNG@SELECTOR ...]
#                   [--shot-height PX] [--width PX] [--expect KIND=N ...] [--expect-section ID ...]
#                   [--expect-no-section ID ...] [--expect-plots-in ID ...]
#
# Opens the report over file:// and asserts:
#   - no console message of level SEVERE and no resource fetched (performance entries of type "resource");
#   - no element referencing anything outside the page: every src/href/xlink:href/srcset/data/action/poster is
#     a "#..." anchor (and there are no script, link, img, iframe, object or embed elements); no "url(" or
#     "@import" in any <style> or style attribute, and no url() attribute other than url(#...);
#   - every svg.vx-plot has a non-empty bounding box, sits in a figure.vx-figure, and the count per kind
#     (data-plot) is printed (and checked against --expect KIND=N);
#   - every .vx-num: its data-value equals "%.17g" of the number at data-path in OUTDIR/data-src (JSON parsed by
#     Python; null <-> "nan" shown as "NA"; a last component "length" of an array or object is its count) and
#     its text equals data-fmt applied to that number;
#   - print media: no navigation, and each section after the first starts a new page;
#   - every table-of-contents link has its section, no section is an empty frame (only its heading), the
#     --expect-section ones are there, the --expect-no-section ones are not, the --expect-plots-in ones have plots.
# Writes a full-page PNG (--screenshot) and crops (--shot PATH@CSS-SELECTOR: from the element's top, --shot-height
# pixels, the page --width wide; --png8: as 256-colour palette PNGs, for the documentation). Exit 0 when every check passes, 1 otherwise (each failure printed), 2 when the
# browser cannot be started (install it: scripts/setup.sh test, or `make setup`).
# SPDX-License-Identifier: GPL-3.0-or-later
import argparse
import base64
import json
import math
import os
import sys

COLLECT_JS = r"""
const out = {nums: [], plots: [], refs: [], styles: [], toc: [], sections: [], banned: [], resources: []};
for (const e of document.querySelectorAll('.vx-num'))
  out.nums.push({src: e.dataset.src, path: e.dataset.path, value: e.dataset.value, fmt: e.dataset.fmt,
                 text: e.textContent});
for (const s of document.querySelectorAll('svg.vx-plot')) {
  const r = s.getBoundingClientRect();
  out.plots.push({kind: s.getAttribute('data-plot'), w: r.width, h: r.height,
                  fig: !!(s.parentElement && s.parentElement.matches('figure.vx-figure'))});
}
const attrs = ['src', 'href', 'xlink:href', 'srcset', 'data', 'action', 'poster', 'background'];
for (const e of document.querySelectorAll('*')) {
  for (const a of e.attributes) {
    const n = a.name.toLowerCase(), v = a.value.trim();
    if (attrs.includes(n) && !v.startsWith('#')) out.refs.push(e.tagName + ' ' + n + '=' + v);
    if (/url\s*\(/i.test(v) && !/^url\(\s*['"]?#/i.test(v)) out.refs.push(e.tagName + ' ' + n + '=' + v);
    if (n === 'style' && /url\s*\(|@import/i.test(v)) out.styles.push(e.tagName + ' style=' + v);
  }
}
for (const s of document.querySelectorAll('style'))
  if (/url\s*\(|@import|@font-face/i.test(s.textContent)) out.styles.push('<style> has url(/@import/@font-face');
for (const e of document.querySelectorAll('script, link, img, iframe, object, embed, audio, video, source'))
  out.banned.push(e.tagName);
for (const a of document.querySelectorAll('nav a')) out.toc.push(a.getAttribute('href'));
for (const s of document.querySelectorAll('section')) {
  const kids = Array.from(s.children).filter(c => c.tagName !== 'H2');
  out.sections.push({id: s.id, plots: s.querySelectorAll('svg.vx-plot').length, empty: kids.length === 0 && s.textContent.trim() === s.querySelector('h2')?.textContent.trim()});
}
for (const r of performance.getEntriesByType('resource')) out.resources.push(r.name);
out.height = Math.ceil(document.documentElement.scrollHeight);
return out;
"""


def resolve(doc, path):
    """The value at a dotted path; object keys may themselves contain dots (longest match first)."""
    if path == "":
        return doc
    if path == "length" and isinstance(doc, (list, dict)):
        return len(doc)  # "PATH.length": the count of an array (or object), e.g. "selected.length"
    if isinstance(doc, list):
        head, _, rest = path.partition(".")
        return resolve(doc[int(head)], rest)
    if isinstance(doc, dict):
        keys = sorted((k for k in doc if path == k or path.startswith(k + ".")), key=len, reverse=True)
        for k in keys:
            try:
                return resolve(doc[k], path[len(k) + 1:])
            except (KeyError, IndexError, ValueError, TypeError):
                continue
    raise KeyError(path)


def check_nums(outdir, nums, fail):
    cache = {}
    for n in nums:
        where = "%s %s" % (n["src"], n["path"])
        try:
            if n["src"] not in cache:
                with open(os.path.join(outdir, n["src"])) as f:
                    cache[n["src"]] = json.load(f)
            v = resolve(cache[n["src"]], n["path"])
        except (OSError, ValueError, KeyError, IndexError) as e:
            fail("number %s: not found in the JSON (%s)" % (where, e))
            continue
        if v is None:
            if n["value"].lower() != "nan" or n["text"] != "NA":
                fail("number %s: JSON null shown as %r (data-value %r)" % (where, n["text"], n["value"]))
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            fail("number %s: the JSON holds %r, not a number" % (where, v))
            continue
        if "%.17g" % v != n["value"]:
            fail("number %s: data-value %s but the JSON has %s" % (where, n["value"], "%.17g" % v))
        shown = n["fmt"] % float(v) if math.isfinite(v) else None
        if shown is not None and shown != n["text"]:
            fail("number %s: shows %r but %s of the JSON value is %r" % (where, n["text"], n["fmt"], shown))


PRINT_JS = r"""
const nav = document.querySelector('nav');
const secs = Array.from(document.querySelectorAll('section'));
return {nav: nav ? getComputedStyle(nav).display : 'none',
        breaks: secs.slice(1).map(s => s.id + ':' + getComputedStyle(s).breakBefore)};
"""


def check_print(driver, fail):
    """In print media the navigation is hidden and every section but the first starts a page."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    p = driver.execute_script(PRINT_JS)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    if p["nav"] != "none":
        fail("print: the table of contents is still shown")
    for b in p["breaks"]:
        if not b.endswith(":page"):
            fail("print: section %s does not start a new page" % b.split(":")[0])


def check_page(data, outdir, args, fail):
    check_nums(outdir, data["nums"], fail)
    for r in data["refs"]:
        fail("reference outside the page: " + r)
    for s in data["styles"]:
        fail("external reference in a style: " + s)
    for b in data["banned"]:
        fail("element that loads something: <%s>" % b.lower())
    for r in data["resources"]:
        fail("resource fetched: " + r)
    counts = {}
    for p in data["plots"]:
        counts[p["kind"]] = counts.get(p["kind"], 0) + 1
        if not (p["w"] > 0 and p["h"] > 0):
            fail("plot of kind %s has an empty bounding box (%gx%g)" % (p["kind"], p["w"], p["h"]))
        if not p["fig"]:
            fail("plot of kind %s is not inside a figure.vx-figure" % p["kind"])
    ids = {s["id"] for s in data["sections"]}
    for href in data["toc"]:
        if href[1:] not in ids:
            fail("table of contents links %s but there is no such section" % href)
    for s in data["sections"]:
        if s["empty"]:
            fail("section %s is an empty frame" % s["id"])
    for e in args.expect:
        kind, _, n = e.partition("=")
        if counts.get(kind, 0) != int(n):
            fail("expected %s plots of kind %s, found %d" % (n, kind, counts.get(kind, 0)))
    for sid in args.expect_section:
        if sid not in ids:
            fail("expected a section %s" % sid)
    for sid in args.expect_plots_in:
        if not any(s["id"] == sid and s["plots"] > 0 for s in data["sections"]):
            fail("expected plots in section %s" % sid)
    for sid in args.expect_no_section:
        if sid in ids:
            fail("section %s should be absent" % sid)
    return counts


def start_browser(width):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        print("report_check: python3-selenium is missing: run the project's setup with the test tier "
              "(bash scripts/setup.sh test)", file=sys.stderr)
        sys.exit(2)
    for exe in ("/usr/bin/chromedriver", "/usr/bin/chromium"):
        if not os.access(exe, os.X_OK):
            print("report_check: %s is missing: run the project's setup with the test tier "
                  "(bash scripts/setup.sh test)" % exe, file=sys.stderr)
            sys.exit(2)
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--hide-scrollbars", "--window-size=%d,900" % width, "--force-device-scale-factor=1"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def png_rgb(data):
    """The RGB(A) pixels of an 8-bit non-interlaced truecolour PNG (what Chromium writes) as a numpy array."""
    import numpy as np
    import struct
    import zlib
    pos, idat, w, h, ctype = 8, b"", 0, 0, 2
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "unexpected PNG type"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * bpp)
    out = np.zeros((h, w * bpp), np.int32)
    prev = np.zeros(w * bpp, np.int32)
    for y in range(h):  # undo the PNG filters (None, Sub, Up, Average, Paeth)
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        cur = line.copy() if f in (0, 2) else np.zeros_like(line)
        if f == 2:
            cur = (line + prev) & 255
        elif f in (1, 3, 4):
            for x in range(w * bpp):
                a = cur[x - bpp] if x >= bpp else 0
                b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
                if f == 1:
                    p = a
                elif f == 3:
                    p = (a + b) >> 1
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[x] = (line[x] + p) & 255
        out[y], prev = cur, cur
    return out.reshape(h, w, bpp)[:, :, :3].astype(np.uint8)


def png8(data):
    """The screenshot as a 256-colour palette PNG (the most frequent colours; the rest mapped to the nearest),
    which makes text-and-line pages several times smaller than Chromium's truecolour PNG."""
    import numpy as np
    import struct
    import zlib
    px = png_rgb(data)
    h, w, _ = px.shape
    flat = px.reshape(-1, 3)
    cols, inv, cnt = np.unique(flat, axis=0, return_inverse=True, return_counts=True)
    pal = cols[np.argsort(-cnt)[:256]].astype(np.int32)
    idx = np.empty(len(cols), np.uint8)
    for i in range(0, len(cols), 4096):  # nearest palette colour of each distinct colour
        d = ((cols[i:i + 4096, None, :].astype(np.int32) - pal[None, :, :]) ** 2).sum(axis=2)
        idx[i:i + 4096] = d.argmin(axis=1)
    img = idx[inv.reshape(-1)].reshape(h, w)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), img], axis=1).tobytes()

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0)) +
            chunk(b"PLTE", pal.astype(np.uint8).tobytes()) + chunk(b"IDAT", zlib.compress(raw, 9)) +
            chunk(b"IEND", b""))


def shot(driver, path, y, width, height, small=False):
    png = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": y, "width": width, "height": height, "scale": 1}})
    data = base64.b64decode(png["data"])
    with open(path, "wb") as f:
        f.write(png8(data) if small else data)


def screenshots(driver, args, data, fail):
    if args.screenshot:
        shot(driver, args.screenshot, 0, args.width, min(data["height"], 16000))
    for s in args.shot:
        path, _, sel = s.partition("@")
        y = driver.execute_script("const e = document.querySelector(arguments[0]);"
                                  "return e ? e.getBoundingClientRect().top + window.scrollY : null;", sel or "body")
        if y is None:
            fail("--shot %s: no element matches %s" % (path, sel))
            continue
        shot(driver, path, max(0, y - 8), args.width, min(args.shot_height, max(1, data["height"] - y)),
             args.png8)


def main():
    ap = argparse.ArgumentParser(description="check a voxomics study report in headless Chromium")
    ap.add_argument("outdir")
    ap.add_argument("--html")
    ap.add_argument("--screenshot")
    ap.add_argument("--shot", action="append", default=[])
    ap.add_argument("--shot-height", type=int, default=900)
    ap.add_argument("--png8", action="store_true", help="write the --shot crops as 256-colour PNGs (smaller)")
    ap.add_argument("--width", type=int, default=1200)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--expect-section", action="append", default=[])
    ap.add_argument("--expect-no-section", action="append", default=[])
    ap.add_argument("--expect-plots-in", action="append", default=[])
    args = ap.parse_args()
    html = os.path.abspath(args.html or os.path.join(args.outdir, "report.html"))
    if not os.path.isfile(html):
        print("report_check: %s: no such file" % html, file=sys.stderr)
        return 1
    failures = []
    fail = failures.append
    driver = start_browser(args.width)
    try:
        driver.get("file://" + html)
        data = driver.execute_script(COLLECT_JS)
        for entry in driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                fail("console error: " + entry.get("message", ""))
        counts = check_page(data, args.outdir, args, fail)
        check_print(driver, fail)
        screenshots(driver, args, data, fail)
    finally:
        driver.quit()
    print("report_check: %s: %d numbers checked, %d plots (%s), %d sections (%s)" % (
        html, len(data["nums"]), len(data["plots"]),
        ", ".join("%s %d" % kv for kv in sorted(counts.items())) or "none", len(data["sections"]),
        ", ".join("%s %d plots" % (s["id"], s["plots"]) for s in data["sections"])))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
