"""`fmt`: golden files, canonical identity, idempotence, AST preservation, CLI.

Golden pairs live in tests/golden/fmt: `X.spec` formats to `X.formatted.spec`.
Regenerate with `SUANLI_REGEN_GOLDEN=1 python -m pytest tests/test_fmt.py`
and review the diff.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from suanli.diagnostics import CompileError
from suanli.grammar import fmt
from suanli.grammar.fmt import FormatterBug, format_source, strip_spans
from suanli.grammar.parser import parse

GOLDEN = Path(__file__).parent / "golden" / "fmt"
INPUTS = sorted(p for p in GOLDEN.glob("*.spec") if not p.name.endswith(".formatted.spec"))
REGEN = os.environ.get("SUANLI_REGEN_GOLDEN") == "1"


def _expected_path(path: Path) -> Path:
    return path.with_name(path.name[:-len(".spec")] + ".formatted.spec")


@pytest.mark.parametrize("path", INPUTS, ids=[p.stem for p in INPUTS])
def test_golden(path):
    out = format_source(path.read_text(encoding="utf-8"), path.name)
    expected = _expected_path(path)
    if REGEN:
        expected.write_text(out, encoding="utf-8")
    assert out == expected.read_text(encoding="utf-8")


def test_golden_inputs_cover_every_statement_kind():
    kinds = set()
    for path in INPUTS:
        module, _ = parse(path.read_text(encoding="utf-8"), path.name)
        kinds |= {type(s).__name__ for s in module.statements}
        kinds |= {s.kind for s in module.statements if type(s).__name__ == "Decl"}
    assert kinds >= {"Settings", "Let", "Import", "region", "node", "demand", "job", "LinkDecl",
                     "Require", "Assert", "For", "Policy", "Objective", "Scenario"}
    assert len(INPUTS) >= 5


@pytest.mark.parametrize("path", INPUTS, ids=[p.stem for p in INPUTS])
def test_formatted_goldens_are_fixed_points(path):
    expected = _expected_path(path).read_text(encoding="utf-8")
    assert format_source(expected, path.name) == expected


CANONICAL = [
    "",
    "let a = 1\n",
    "# only a comment\n",
    "region a {}\n",
    "region a {}  # note\n",
    "settings {\n  horizon = 1 year\n}\n",
    "let a = 1\n\nlet b = 2\nlet c = 3\n",
    "let a = 1\n\nregion a {\n  x = 1\n\n  y = 2  # why\n}\n\nlet b = 2\n",
    "node b extends a {\n  class = ai\n}\n",
    "link a -- b {\n  latency = 28 ms\n}\n",
    "require west_ai: compute(ai, west) >= 60% * compute(ai)\n",
    "for r in regions: require compute(r, general) / storage(r) <= 2 GFLOPS/GB\n",
    "assert advisory cost in 1e6 CNY .. 2e9 CNY\n",
    "objective = minimize cost + 300 CNY/tCO2 * carbon\n",
    "policy p {\n  require a <= 1\n  for r in tag(west): assert b >= 2\n}\n",
    "scenario s {\n  region.guizhou.power_price = 0.5 CNY/kWh\n  job.j.work *= 1.5\n}\n",
    'import "a.spec"\nlet s = "say \\"hi\\" \\\\"\n',
    "let x = (a + b) * -(c - d) / (e / f)\n",
    "let x = - -a - -b - - -c\n",
    "settings {\n  years = 2026 .. 2030\n  discount_rate = 8%\n}\n",
    "region g {\n  power_price = 0.40 CNY/kWh from 2026, 0.32 CNY/kWh from 2028\n}\n",
    "require at 2030: carbon <= 40 ktCO2\nfor y in years: assert advisory at y: c: cost <= 1 CNY\n",
    "scenario s {\n  region.g.pue = 1.2 from 2026, 1.1 from 2029\n}\n",
]


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_text_is_unchanged(text):
    assert format_source(text, "c.spec") == text


@pytest.mark.parametrize("messy,clean", [
    ("let   a=1;let b=2", "let a = 1\nlet b = 2\n"),
    ("region a{x=1;y=2 z=3}", "region a {\n  x = 1\n  y = 2\n  z = 3\n}\n"),
    ("let a = 1\n\n\n\nlet b = 2\n\n\n", "let a = 1\n\nlet b = 2\n"),
    ("let a = ((1 + 2)) + (3)", "let a = 1 + 2 + 3\n"),
    ("let a = 1 + (2 + 3)", "let a = 1 + (2 + 3)\n"),
    ("let a = 5kW/h", "let a = 5kW/h\n".replace("5kW", "5 kW")),
    ("let a = x/y", "let a = x / y\n"),
    ("link a--b{}", "link a -- b {}\n"),
    ("let a = 1   # c   \n", "let a = 1  # c\n"),
    ("let a = 1\nregion r {}\nlet b = 2", "let a = 1\n\nregion r {}\n\nlet b = 2\n"),
    ("assert mandatory a: x<=1", "assert a: x <= 1\n"),
    ("region a {\n\n  x = 1\n\n}\n", "region a {\n  x = 1\n}\n"),
    ("settings{years=2026..2030}", "settings {\n  years = 2026 .. 2030\n}\n"),
    ("region a{pue=1 from 2026 ,2 from 2027}", "region a {\n  pue = 1 from 2026, 2 from 2027\n}\n"),
    ("require at 2027 :x<=1", "require at 2027: x <= 1\n"),
    ("require cap: at 2030: x <= 1", "require at 2030: cap: x <= 1\n"),
])
def test_messy_input(messy, clean):
    assert format_source(messy, "m.spec") == clean


def test_syntax_error_raises_compile_error():
    with pytest.raises(CompileError) as info:
        format_source("region a { x 1 }", "bad.spec")
    assert info.value.diagnostics[0].code == "E0106"


def test_strip_spans_ignores_positions_only():
    a, _ = parse("let a = 1 + 2  # c\n", "x.spec")
    b, _ = parse("\n\nlet   a = 1+2 # c", "x.spec")
    c, _ = parse("let a = 1 + 3  # c\n", "x.spec")
    assert strip_spans(a) == strip_spans(b) != strip_spans(c)
    assert "Span" not in repr(strip_spans(a))


def test_self_check_catches_a_broken_printer(monkeypatch):
    monkeypatch.setattr(fmt, "format_module", lambda module: "let changed = 1\n")
    with pytest.raises(FormatterBug):
        format_source("let a = 1\n", "x.spec")


# --------------------------------------------------------------------- CLI


def run_cli(*args, cwd):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "suanli", "fmt", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


MESSY = "region a{x=1}\nlet b=2\n"
CLEAN = "region a {\n  x = 1\n}\n\nlet b = 2\n"


def test_cli_check_clean_file(tmp_path):
    (tmp_path / "ok.spec").write_text(CLEAN)
    result = run_cli("--check", "ok.spec", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == ""


def test_cli_check_messy_file_changes_nothing(tmp_path):
    path = tmp_path / "messy.spec"
    path.write_text(MESSY)
    result = run_cli("--check", "messy.spec", cwd=tmp_path)
    assert result.returncode == 1 and "messy.spec" in result.stderr
    assert path.read_text() == MESSY


def test_cli_diff(tmp_path):
    path = tmp_path / "messy.spec"
    path.write_text(MESSY)
    result = run_cli("--diff", "messy.spec", cwd=tmp_path)
    assert result.returncode == 0 and path.read_text() == MESSY
    assert result.stdout.startswith("--- messy.spec")
    assert "-region a{x=1}\n" in result.stdout and "+  x = 1\n" in result.stdout
    assert run_cli("--diff", "--check", "messy.spec", cwd=tmp_path).returncode == 1


def test_cli_rewrites_in_place(tmp_path):
    (tmp_path / "messy.spec").write_text(MESSY)
    (tmp_path / "ok.spec").write_text(CLEAN)
    result = run_cli("messy.spec", "ok.spec", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr.strip() == "reformatted messy.spec"
    assert (tmp_path / "messy.spec").read_text() == CLEAN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.spec", "ok.spec"]


def test_cli_crlf_is_rewritten_to_lf(tmp_path):
    path = tmp_path / "win.spec"
    path.write_bytes(CLEAN.replace("\n", "\r\n").encode())
    assert run_cli("--check", "win.spec", cwd=tmp_path).returncode == 1
    assert run_cli("win.spec", cwd=tmp_path).returncode == 0
    assert path.read_bytes() == CLEAN.encode()


def test_cli_syntax_error(tmp_path):
    path = tmp_path / "bad.spec"
    path.write_text("region a {\n  pue 1.35\n}\n")
    result = run_cli("bad.spec", cwd=tmp_path)
    assert result.returncode == 2
    assert "bad.spec:2:3" in result.stderr and "pue 1.35" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_text() == "region a {\n  pue 1.35\n}\n"


def test_cli_missing_and_binary_files(tmp_path):
    (tmp_path / "bin.spec").write_bytes(b"let a = \x00\n")
    result = run_cli("missing.spec", "bin.spec", cwd=tmp_path)
    assert result.returncode == 2
    assert "E0001" in result.stderr and "E0003" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_max_bytes(tmp_path):
    (tmp_path / "ok.spec").write_text(CLEAN)
    result = run_cli("--max-bytes", "10", "ok.spec", cwd=tmp_path)
    assert result.returncode == 2 and "E0002" in result.stderr


@pytest.mark.parametrize("text", [
    "let x = " + " + ".join(["1"] * 200),
    "let x = " + "- " * 199 + "1",
    "let x = " + "-(" * 99 + "1" + ")" * 99,
    "let x = " + "1 - (" * 99 + "1" + ")" * 99,
    "for a in x: " * 199 + "require y <= 1",
    "let x = " + "f(" * 199 + ")" * 199,
])
def test_formatting_at_the_depth_limit(text):
    """The printer never adds nesting, so what parses also formats (no RecursionError)."""
    out = format_source(text, "deep.spec")
    assert format_source(out, "deep.spec") == out
