#!/usr/bin/env python3
"""List the longest C functions and files of voxomics.

Usage: scripts/long_functions.py [--min N] [--top K] [--files] [PATH ...]   (default paths: src cli)

A function is a top-level brace block whose header (the text since the previous top-level ';' or '}') has the
shape of a definition: a name followed by a parameter list. Its length is the number of lines from its opening
brace to its closing brace, both included. Comments, string and character literals are blanked before the braces
are matched, so a brace inside them does not count. Initialisers ("= {") and struct/enum/union bodies are not
functions.
"""
import argparse
import os
import re
import sys


def blank(text):
    """The text with comments, strings and character literals replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r'[^\n]', ' ', text[i + 1:j - 1]) + c if j - i >= 2 else text[i:j])
            i = j
        elif c == '#' and (i == 0 or text[i - 1] == '\n'):
            # preprocessor line, with continuations
            j = i
            while True:
                k = text.find('\n', j)
                if k < 0:
                    k = n
                    break
                if text[k - 1] != '\\':
                    break
                j = k + 1
            out.append(re.sub(r'[^\n]', ' ', text[i:k]))
            i = k
        else:
            out.append(c)
            i += 1
    return ''.join(out)


DEF = re.compile(r'(\w+)\s*\([^;{}]*\)\s*(?:__attribute__\s*\(\(.*\)\)\s*)*$', re.S)


def functions(path):
    """(name, first line, length in lines) of each function defined in path."""
    text = blank(open(path, encoding='utf-8', errors='replace').read())
    res = []
    depth = 0
    head_start = 0
    i = 0
    while i < len(text):
        c = text[i]
        if depth == 0 and c in ';}':
            head_start = i + 1
        if c == '{':
            if depth == 0:
                head = text[head_start:i]
                m = DEF.search(head)
                is_func = (m is not None and not re.search(r'=\s*$', head)
                           and not re.search(r'\b(struct|enum|union)\b[^()]*$', head))
                open_at = i
            depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0:
                if is_func:
                    first = text.count('\n', 0, open_at) + 1
                    last = text.count('\n', 0, i) + 1
                    res.append((m.group(1), first, last - first + 1))
                head_start = i + 1
        i += 1
    return res


def sources(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
        for root, _, files in os.walk(p):
            for f in sorted(files):
                if f.endswith(('.c', '.h')):
                    yield os.path.join(root, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--min', type=int, default=100, help='list functions of at least this many lines (100)')
    ap.add_argument('--top', type=int, default=0, help='list only the K longest functions (and files)')
    ap.add_argument('--files', action='store_true', help='also list the longest files (lines)')
    ap.add_argument('--exclude', action='append', default=[], help='skip paths under this prefix (repeatable)')
    ap.add_argument('paths', nargs='*', default=['src', 'cli'])
    a = ap.parse_args()
    files = [p for p in sources(a.paths) if not any(p.startswith(e) for e in a.exclude)]
    rows = []
    for p in files:
        rows += [(n, p, line, length) for n, line, length in functions(p)]
    rows.sort(key=lambda r: (-r[3], r[1], r[2]))
    sel = [r for r in rows if r[3] >= a.min]
    if a.top:
        sel = rows[:a.top]
    print('%d functions of %d lines or more' % (sum(r[3] >= a.min for r in rows), a.min))
    for n, p, line, length in sel:
        print('%5d  %s:%d  %s' % (length, p, line, n))
    if a.files:
        sizes = sorted(((sum(1 for _ in open(p, encoding='utf-8', errors='replace')), p) for p in files), reverse=True)
        print('\nlongest files (lines)')
        for n, p in sizes[:a.top or 10]:
            print('%5d  %s' % (n, p))
    return 0


if __name__ == '__main__':
    sys.exit(main())
