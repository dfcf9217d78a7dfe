"""suanli.solver: IR Program -> sparse MILP -> HiGHS/CBC -> verified Plan.

Public API (imported lazily, so `import suanli.solver` is cheap):
    lower(program, relax=False) -> SparseProgram
    solve_program(program, SolveConfig(...)) -> Outcome(plan, status, violations, sparse)
    to_pulp(program_or_sparse, relax=False) -> (pulp.LpProblem, variables)
    verify(program, plan) -> list[str]
    explain_program(program, time_limit=None) -> (Status, list[Infeasibility])
    Plan, SolveConfig, Status, installed_backends()
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "lower": "suanli.solver.lower",
    "SparseProgram": "suanli.solver.sparse",
    "solve_program": "suanli.solver.solve",
    "SolveConfig": "suanli.solver.solve",
    "Outcome": "suanli.solver.solve",
    "to_pulp": "suanli.solver.cbc_backend",
    "verify": "suanli.solver.verify",
    "explain_program": "suanli.solver.explain",
    "Plan": "suanli.solver.plan",
    "Status": "suanli.solver.backend",
    "installed_backends": "suanli.solver.backend",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'suanli.solver' has no attribute {name!r}")
