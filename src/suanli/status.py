"""Which solver statuses come with a solution.

A data module like diagnostics.py: it imports nothing, so the solver, the plan
model, the formats, the API and the commands share one definition.
`solver.backend.Status` is the enum of every status; plans carry its values.
"""

from __future__ import annotations

SOLUTION_STATUSES = ("optimal", "feasible")  # optimal: proven; feasible: a solution, optimality not proven


def has_solution(status) -> bool:
    """True when `status` (a `Status`, or a plan's status string) has a solution behind it."""
    return getattr(status, "value", status) in SOLUTION_STATUSES
