# voxomics Python package: the examples of docs/python.md run as written (the ```python blocks before the
# "PyRadiomics compatibility" section, in order, in one namespace, as a notebook would run them).
# SPDX-License-Identifier: GPL-3.0-or-later
import contextlib
import io
import os
import re


def blocks(path, stop="## PyRadiomics compatibility"):
    text = open(path, encoding="utf-8").read()
    text = text.split("\n" + stop + "\n", 1)[0]
    return [(text[: m.start()].count("\n") + 2, m.group(1))
            for m in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M)]


def test_python_doc_examples(repo, data, monkeypatch):
    path = os.path.join(repo, "docs", "python.md")
    found = blocks(path)
    assert len(found) >= 4
    monkeypatch.chdir(repo)
    monkeypatch.setenv("VOXOMICS_DATA", data)
    ns = {"__name__": "__doc__"}
    out = io.StringIO()
    for line, code in found:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                exec(compile(code, f"docs/python.md:{line}", "exec"), ns)
            except Exception as e:
                raise AssertionError(f"docs/python.md:{line}: the example fails: {e!r}\n{out.getvalue()}") from e
    print(out.getvalue())
    assert "mm^3" in out.getvalue()
