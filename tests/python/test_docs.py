# voxomics Python package: the examples of docs/python.md run as written (every ```python block, in order, in
# one namespace, as a notebook would run them: the core, the PyRadiomics compatibility and the statistics).
# SPDX-License-Identifier: GPL-3.0-or-later
import contextlib
import doctest
import io
import os
import re


def blocks(path):
    text = open(path, encoding="utf-8").read()
    return [(text[: m.start()].count("\n") + 2, m.group(1))
            for m in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M)]


def run_session(code, line, ns):
    """A >>> block: every statement runs and prints what the page shows (whitespace normalised, ... elides)."""
    test = doctest.DocTestParser().get_doctest(code, ns, "docs/python.md", "docs/python.md", line - 1)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=flags)
    runner.run(test, out=report.write, clear_globs=False)
    ns.update(test.globs)  # the DocTest ran on a copy: what it defined is needed by the next blocks
    return f"docs/python.md:{line}: the session differs from the page:\n{report.getvalue()}" if runner.failures else ""


def test_python_doc_examples(repo, data, monkeypatch, tmp_path):
    path = os.path.join(repo, "docs", "python.md")
    found = blocks(path)
    assert len(found) >= 4
    # in a scratch folder that sees the repository's folders, so the examples' relative paths (configs/...) work
    # and the files they write (combat.json, ...) do not land in the repository
    for name in os.listdir(repo):
        if not name.startswith("."):
            os.symlink(os.path.join(repo, name), tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VOXOMICS_DATA", data)
    ns = {"__name__": "__doc__"}
    failures = []
    out = io.StringIO()
    for line, code in found:
        if code.lstrip().startswith(">>>"):  # a session with its output: run as a doctest, the output compared
            failures.append(run_session(code, line, ns))
            continue
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                exec(compile(code, f"docs/python.md:{line}", "exec"), ns)
            except Exception as e:
                raise AssertionError(f"docs/python.md:{line}: the example fails: {e!r}\n{out.getvalue()}") from e
    print(out.getvalue())
    failed = [f for f in failures if f]
    assert not failed, "\n".join(failed)
    assert "mm^3" in out.getvalue()
