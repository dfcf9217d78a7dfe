"""The errors the Python API raises (`suanli.solve`, `suanli.verify`, ...).

Every one derives from `SuanliError`, and each carries what a caller needs to
act on it: `CompileError.diagnostics`, `Infeasible.explanation` (shortfalls
in spec units), `NoPlan.plan` / `.status` / `.violations`. A plan whose
mandatory asserts fail is not an error: `plan.asserts_hold` says so (the CLI
exits 1 for it). Like diagnostics.py, this imports nothing else of suanli's
but the data modules diagnostics.py and status.py, so every layer can raise these.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from suanli.diagnostics import CompileError, SuanliError
from suanli.status import has_solution

__all__ = ["SuanliError", "CompileError", "InvalidPlan", "Infeasible", "NoPlan", "Explanation"]


class InvalidPlan(SuanliError, ValueError):
    """A plan JSON that cannot be read or does not match the plan schema."""


class Explanation(list):
    """Why a spec is infeasible: a list of `Infeasibility` items (constraint,
    location, shortfall, unit, message), each shortfall in spec units.
    Empty when the spec is feasible; `status` is the solver's verdict."""

    def __init__(self, status: str, items: Sequence[Any] = ()):
        super().__init__(items)
        self.status = status

    @property
    def feasible(self) -> bool:
        return has_solution(self.status)

    def __str__(self) -> str:
        if self.feasible:
            return "the spec is feasible: nothing to explain"
        return "\n".join(f"- {item.message}" for item in self)


class Infeasible(SuanliError):
    """No plan meets every constraint. `explanation` lists what to relax (the
    least total slack); `plan` is the plan with status "infeasible"."""

    def __init__(self, plan: Any):
        self.plan = plan
        self.explanation = Explanation("infeasible", plan.infeasibility)
        lines = "".join(f"\n  - {item.message}" for item in self.explanation)
        super().__init__("the spec is infeasible: no plan meets every constraint" + lines)


class NoPlan(SuanliError):
    """The solver gave no plan: a time limit without a solution, an unbounded
    objective, a solver failure, or an answer that failed verification
    (`violations`; `unverified_plan` is that answer, for debugging). `status`
    is the plan's (or the solver's) status; `plan`, when there is one, is the
    plan JSON the CLI would print."""

    def __init__(self, message: str, status: str, plan: Optional[Any] = None,
                 violations: Sequence[str] = (), unverified_plan: Optional[Any] = None):
        self.plan = plan
        self.unverified_plan = unverified_plan
        self.status = status
        self.violations = list(violations)
        super().__init__(message)
