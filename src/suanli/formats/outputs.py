"""The documents the formats render (the argument of every registry's renderers).

Light on purpose: no solver imports (`suanli check` builds a DiagnosticOutput).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class DiagnosticOutput:
    """`suanli check`: every diagnostic of the files checked, and the exit code it gives."""

    files: list[str]
    diagnostics: list
    sources: dict[str, str]
    exit_code: int
    derived: list[dict] = field(default_factory=list)  # §9: sizes derived from model parameters (json only)

    @property
    def errors(self) -> int:
        return sum(d.severity.value == "error" for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity.value == "warning" for d in self.diagnostics)


@dataclass(frozen=True)
class PlanOutput:
    """`suanli solve`: the plan with its exit code and cost budget, or (plan None) the
    diagnostics of an invalid spec, so every exit code leaves a document of the format."""

    spec: str
    plan: Any = None  # suanli.solver.plan.Plan
    exit_code: int = 0
    budget: Any = None  # suanli.plan_diff.Budget, with --baseline
    invalid: Optional[DiagnosticOutput] = None  # why there is no plan: the spec does not compile
    report_context: Optional[Callable[[], Any]] = None  # html: region facts from the spec, compiled on demand

    @property
    def invalid_message(self) -> str:
        return f"the spec is invalid: {self.invalid.errors} error(s)"


@dataclass(frozen=True)
class DiffOutput:
    """`suanli diff`: the two plans and their PlanDiff."""

    old: Any
    new: Any
    diff: Any  # suanli.plan_diff.PlanDiff
    report_contexts: Optional[Callable[[], tuple]] = None  # html: each side's spec facts (old, new)


@dataclass(frozen=True)
class ExplainOutput:
    """`suanli explain`: the solver's status and the groups that need slack; for a robust
    explanation (§10) also the scenarios and those infeasible on their own."""

    spec: str
    status: str  # optimal | feasible | infeasible | time_limit | ...
    items: list  # suanli.errors.Explanation items (Infeasibility)
    scenarios: Optional[list[str]] = None  # robust: the scenarios one build must serve
    infeasible_alone: list[str] = field(default_factory=list)
