"""Golden diagnostics: each tests/golden/check/X.spec is a bad input.

Its first line `# expect: CODE LINE:COL` names the diagnostic that must come
out (CODE may be a prefix); X.expected holds the whole rendered output, which
SUANLI_UPDATE_GOLDENS=1 regenerates for review.
"""

import os
import re
from pathlib import Path

import pytest

from suanli.compiler.pipeline import compile_spec
from suanli.diagnostics import render_all

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "check"
CASES = sorted(p.name for p in GOLDEN.glob("*.spec"))


def expectation(path: Path) -> tuple[str, int, int]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# expect: (\S+) (\d+):(\d+)", first)
    assert match, f"{path.name}: first line must be `# expect: CODE LINE:COL`"
    return match.group(1), int(match.group(2)), int(match.group(3))


def test_there_are_at_least_30_distinct_cases():
    assert len(CASES) >= 30
    codes = {expectation(GOLDEN / c)[0] for c in CASES}
    assert len(codes) >= 25


@pytest.mark.parametrize("case", CASES)
def test_golden_diagnostic(case, monkeypatch):
    monkeypatch.chdir(ROOT)
    rel = f"tests/golden/check/{case}"
    code, line, col = expectation(ROOT / rel)
    result = compile_spec(rel)
    assert result.program is None, "a bad input must not compile"
    found = [(d.code, d.span.line, d.span.col) for d in result.diagnostics if d.span]
    assert any(c.startswith(code) and (ln, cl) == (line, col) for c, ln, cl in found), found
    rendered = render_all(result.diagnostics, result.sources) + "\n"
    assert f"{rel}:{line}:{col}" in rendered
    expected = ROOT / rel.replace(".spec", ".expected")
    if os.environ.get("SUANLI_UPDATE_GOLDENS"):
        expected.write_text(rendered, encoding="utf-8")
    assert expected.exists(), f"no golden {expected.name}: run with SUANLI_UPDATE_GOLDENS=1 and review"
    assert rendered == expected.read_text(encoding="utf-8")
