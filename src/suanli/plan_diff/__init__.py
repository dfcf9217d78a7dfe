"""Plan diffing (`suanli diff`, `solve --baseline`): what changed from one plan to another.

    diff_plans(old, new, max_increase=None) -> PlanDiff   (compare.py)
    check_budget(old, new, max_increase) -> Budget        (budget.py)
    parse_increase("5%") -> 0.05                          (budget.py)

The models are in model.py; renderings are output formats (suanli.formats).
"""

from __future__ import annotations

from suanli.plan_diff.budget import check_budget, parse_increase
from suanli.plan_diff.compare import diff_plans
from suanli.plan_diff.model import Budget, PlanDiff, ValueChange

__all__ = ["Budget", "PlanDiff", "ValueChange", "check_budget", "diff_plans", "parse_increase"]
