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
