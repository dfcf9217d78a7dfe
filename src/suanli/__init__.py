"""suanli (算力): plan compute infrastructure from a declarative `.spec` file.

The public façade. Everything is imported lazily so `import suanli` (and
`suanli check`) does not pay for the solver stack.

    plan = suanli.solve("specs/east-west.spec")          # the verified Plan (docs/python.md)
    plan.to_frames()["regions"]                          # pandas tables (suanli[pandas])
    suanli.check(path_or_text)                           # every Diagnostic
    suanli.verify(spec, plan), suanli.explain(spec), suanli.diff(old, new)
    program = suanli.load("specs/example.spec")          # typed IR, or CompileError
    result = suanli.compile_spec("specs/example.spec")   # IR + every diagnostic
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "solve": "suanli.api",
    "check": "suanli.api",
    "verify": "suanli.api",
    "explain": "suanli.api",
    "diff": "suanli.api",
    "report_html": "suanli.api",
    "Violation": "suanli.api",
    "Plan": "suanli.solver.plan",
    "SuanliError": "suanli.errors",
    "Infeasible": "suanli.errors",
    "NoPlan": "suanli.errors",
    "InvalidPlan": "suanli.errors",
    "Explanation": "suanli.errors",
    "load": "suanli.compiler.pipeline",
    "compile_spec": "suanli.compiler.pipeline",
    "CompileError": "suanli.diagnostics",
    "Diagnostic": "suanli.diagnostics",
    "parse": "suanli.grammar.parser",
    "format_source": "suanli.grammar.fmt",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'suanli' has no attribute {name!r}")
