#!/usr/bin/env python3
"""Longest C functions and files of a source tree (issue 12: "the longest functions and files before and after").

Usage: scripts/longest.py [--top N] [--min LINES] [--rev COMMIT] [DIR ...]   (default DIR: src cli)

Files: physical lines. Functions: the lines from the line of the function's name to its closing brace,
found by brace matching at file scope after comments, strings and character literals are blanked; a
top-level brace block counts as a function when the text before it ends in ')' (optionally followed by
attributes), so struct/enum/array initialisers are not counted. With --rev the files are read from that
commit (git show COMMIT:path) instead of the working tree.
"""
import argparse
import os
import re
import subprocess
import sys


def strip(text):
    """Blank comments, strings and char literals (keeping newlines) so braces can be matched."""
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
            out.append(c + re.sub(r'[^\n]', ' ', text[i + 1:j - 1]) + c)
            i = j
        elif c == '#' and (i == 0 or text[i - 1] == '\n'):
            # preprocessor line (with continuations): blank it
            j = i
            while True:
                k = text.find('\n', j)
                if k < 0:
                    k = n
                    break
                if k > 0 and text[k - 1] == '\\':
                    j = k + 1
                    continue
                break
            out.append(re.sub(r'[^\n]', ' ', text[i:k]))
            i = k
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def functions(text):
    s = strip(text)
    res = []
    depth = 0
    start = None
    for i, c in enumerate(s):
        if c == '{':
            if depth == 0:
                head = s[:i].rstrip()
                head_clean = re.sub(r'(__attribute__\s*\(\(.*?\)\)|\s)+$', '', head)
                if head_clean.endswith(')'):
                    # find the name: identifier before the matching '(' of the parameter list
                    k = len(head_clean) - 1
                    d = 0
                    while k >= 0:
                        if head_clean[k] == ')':
                            d += 1
                        elif head_clean[k] == '(':
                            d -= 1
                            if d == 0:
                                break
                        k -= 1
                    m = re.search(r'([A-Za-z_]\w*)\s*$', head_clean[:k])
                    if m:
                        name_pos = m.start(1)
                        start = (m.group(1), s.count('\n', 0, name_pos) + 1)
                    else:
                        start = None
                else:
                    start = None
            depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0 and start:
                end_line = s.count('\n', 0, i) + 1
                res.append((start[0], start[1], end_line - start[1] + 1))
                start = None
    return res


def read(path, rev):
    if rev:
        return subprocess.run(['git', 'show', f'{rev}:{path}'], capture_output=True, text=True, check=True).stdout
    with open(path, encoding='utf-8', errors='replace') as f:
        return f.read()


def listing(dirs, rev):
    if rev:
        out = subprocess.run(['git', 'ls-tree', '-r', '--name-only', rev, '--'] + dirs, capture_output=True,
                             text=True, check=True).stdout.split()
    else:
        out = []
        for d in dirs:
            for root, _, files in os.walk(d):
                out += [os.path.join(root, f) for f in files]
    return sorted(p for p in out if p.endswith(('.c', '.h')))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--top', type=int, default=10)
    ap.add_argument('--min', type=int, default=100, help='count functions of at least this many lines')
    ap.add_argument('--rev')
    ap.add_argument('dirs', nargs='*', default=['src', 'cli'])
    a = ap.parse_args()
    files = []
    funcs = []
    for p in listing(a.dirs, a.rev):
        t = read(p, a.rev)
        files.append((t.count('\n'), p))
        if p.endswith('.c'):
            funcs += [(ln, name, f'{p}:{line}') for name, line, ln in functions(t)]
    files.sort(reverse=True)
    funcs.sort(key=lambda x: (-x[0], x[2]))
    print(f'| lines | file |\n|---:|---|')
    for ln, p in files[:a.top]:
        print(f'| {ln} | {p} |')
    print(f'\n| lines | function | where |\n|---:|---|---|')
    for ln, name, where in funcs[:a.top]:
        print(f'| {ln} | {name} | {where} |')
    big = sum(1 for f in funcs if f[0] > a.min)
    print(f'\nfiles: {len(files)}, lines: {sum(f[0] for f in files)}, functions: {len(funcs)}, '
          f'over {a.min} lines: {big}')


if __name__ == '__main__':
    sys.exit(main())
