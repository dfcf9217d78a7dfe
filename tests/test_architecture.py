"""The invariants docs/architecture.md states, checked on the code."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOWERING = ("lower", "rows", "sites", "columns", "linmetrics", "year_lower", "families", "strengthen")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return out


def test_the_front_end_looks_only_down():
    """grammar <- compiler <- solver: the parser knows no compiler, the compiler no solver."""
    commands = ("suanli.plan_diff", "suanli.formats", "suanli.cmd_", "suanli.cli")
    above = {"grammar": ("suanli.compiler", "suanli.solver", *commands), "compiler": ("suanli.solver", *commands)}
    for folder, banned in above.items():
        for path in sorted((ROOT / folder).glob("*.py")):
            bad = sorted(m for m in _imports(path) if m.startswith(banned))
            assert not bad, f"{folder}/{path.name} imports {bad}"


def test_the_verifier_loads_nothing_of_lowering():
    code = ("import sys, suanli.solver.verify; "
            "print(' '.join(m for m in sys.modules if m.startswith('suanli.solver.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    leaked = [m for m in loaded if m.split(".")[2] in LOWERING]
    assert not leaked, f"solver/verify.py must re-derive the program, not reuse lowering: {leaked}"


def test_architecture_doc_names_the_passes_in_order():
    from suanli.compiler.compile_years import YEAR_PASSES
    from suanli.compiler.pipeline import PASSES, PERIOD_PASSES

    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    at = [doc.index(f"`{p.__name__}`") for p in (*PASSES, *PERIOD_PASSES, *YEAR_PASSES)]
    assert at == sorted(at), "docs/architecture.md lists the passes out of order"


def _code_tokens(path: Path):
    import io
    import tokenize

    return list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))


def _sources():
    for folder in ("grammar", "compiler", "solver", "src/suanli"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_tolerances_are_named_in_one_module():
    """1e-9 in code (not prose) only in suanli/tolerances.py; the status pair only in suanli/status.py."""
    import tokenize

    spelled, pairs = [], []
    for path in _sources():
        tokens = _code_tokens(path)
        rel = path.relative_to(ROOT)
        if path.name != "tolerances.py":
            spelled += [f"{rel}:{t.start[0]}" for t in tokens
                        if t.type == tokenize.NUMBER and t.string.lower() in ("1e-9", "1e-09")]
        if path.name != "status.py":
            pairs += [f"{rel}:{node.lineno}" for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                      if isinstance(node, (ast.Tuple, ast.Set, ast.List))
                      and {getattr(e, "value", None) for e in node.elts} == {"optimal", "feasible"}]
    assert not spelled, f"name the tolerance in src/suanli/tolerances.py: {spelled}"
    assert not pairs, f"use suanli.status.has_solution: {pairs}"


def test_data_modules_import_nothing_of_suanli():
    for name in ("tolerances", "status", "diagnostics"):
        bad = sorted(m for m in _imports(ROOT / "src" / "suanli" / f"{name}.py") if m.startswith("suanli"))
        assert not bad, f"suanli/{name}.py imports {bad}"
