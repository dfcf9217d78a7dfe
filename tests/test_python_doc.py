"""docs/python.md runs as written: its python blocks execute in order in one namespace,
from the repository root, and each prints the ```text block that follows it
(compared line by line, runs of spaces folded: table column widths are pandas' choice)."""

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "python.md"


def blocks() -> list[tuple[str, str | None]]:
    """(python code, the text block right after it or None)."""
    text = DOC.read_text(encoding="utf-8")
    found = list(re.finditer(r"```(python|text)\n(.*?)```", text, re.S))
    out = []
    for i, m in enumerate(found):
        if m.group(1) != "python":
            continue
        nxt = found[i + 1] if i + 1 < len(found) else None
        shown = nxt.group(2) if nxt is not None and nxt.group(1) == "text" else None
        out.append((m.group(2), shown))
    return out


def folded(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.strip().splitlines()]


def test_the_python_doc_runs_and_prints_what_it_shows(monkeypatch):
    monkeypatch.chdir(ROOT)
    found = blocks()
    assert len(found) >= 5 and all(shown is not None for _, shown in found)
    namespace = {"__name__": "python_doc"}
    for code, shown in found:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(DOC), "exec"), namespace)
        assert folded(out.getvalue()) == folded(shown), code


def test_the_readme_python_section_runs_and_points_to_the_doc(monkeypatch):
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python", 1)[1].split("\n## ", 1)[0]
    assert "docs/python.md" in section
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert "suanli.solve(" in code and "to_frames()" in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme_python"})
    assert out.getvalue().split()[:3] == ["region", "open", "nodes"]
