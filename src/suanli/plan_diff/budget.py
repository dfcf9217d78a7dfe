"""The cost gate of `suanli solve --baseline PLAN --max-increase 5%` and of `suanli diff`."""

from __future__ import annotations

import re
from typing import Optional

from suanli.plan_diff.model import COST_PARTS, REL_TOL, Budget, has_plan, same, value_change
from suanli.rounding import num, round_sig
from suanli.solver.plan import Plan


def parse_increase(text: str) -> float:
    """`5%` -> 0.05, `0.05` -> 0.05. A plain number above 1 is refused (did
    `5` mean 5% or 500%?); write larger budgets as percentages (`150%`)."""
    raw = str(text).strip()
    match = re.fullmatch(r"([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(%?)", raw)
    if not match:
        raise ValueError(f"--max-increase expects a percentage like 5% or a fraction like 0.05, got {raw!r}")
    value = float(match.group(1))
    if match.group(2):
        return value / 100.0
    if value > 1:
        raise ValueError(f"--max-increase {raw} is ambiguous: write {raw}% for {raw} percent, "
                         f"or a fraction such as {value / 100:g}")
    return value



def check_budget(old: Plan, new: Plan, max_increase: Optional[float]) -> Budget:
    """Compare total costs; `exceeded` when the relative rise is more than
    `max_increase` (None: report the change, gate nothing)."""
    limit = "" if max_increase is None else f" (budget {pct(100 * max_increase)})"
    if old.currency != new.currency:
        return Budget(max_increase=max_increase, message=f"the baseline is in {old.currency} and the plan in "
                                                         f"{new.currency}: costs are not compared")
    cur = new.currency
    if not has_plan(new):
        return Budget(max_increase=max_increase, message=f"the plan is {new.status}: no cost to compare")
    if not has_plan(old):
        return Budget(max_increase=max_increase,
                      message=f"the baseline plan is {old.status}: it has no cost to compare with")
    a, b = old.cost.total, new.cost.total
    rose = sorted((c for p in COST_PARTS
                   if (c := value_change(p, cur, getattr(old.cost, p), getattr(new.cost, p))).changed
                   and c.delta > 0), key=lambda c: -c.delta)
    parts = ", ".join(f"{c.name} +{money(c.delta)}" for c in rose)
    change = f"total cost {money(a)} -> {money(b)} {cur}"
    if same(a, b):
        return Budget(max_increase=max_increase, increase=0.0, rose=rose,
                      message=f"{change}: unchanged{limit}")
    if a <= 0:
        exceeded = max_increase is not None and b > a
        return Budget(max_increase=max_increase, increase=None, exceeded=exceeded, rose=rose,
                      message=f"{change}: from nothing{limit}" + (f"; parts that rose: {parts}" if rose else ""))
    increase = round_sig((b - a) / a)
    exceeded = max_increase is not None and increase > max_increase * (1 + REL_TOL) + REL_TOL
    verdict = ""
    if max_increase is not None:
        verdict = (f", more than the {pct(100 * max_increase)} allowed" if exceeded
                   else f", within the {pct(100 * max_increase)} allowed")
    message = f"{change} ({pct(100 * increase, signed=True)}){verdict}"
    if rose and (exceeded or max_increase is None or increase > 0):
        message += f"; parts that rose: {parts}"
    return Budget(max_increase=max_increase, increase=increase, exceeded=exceeded, rose=rose, message=message)


def money(v: float) -> str:
    return num(v)


def pct(v: float, signed: bool = False) -> str:
    text = f"{round_sig(v):.3g}" if abs(v) < 100 else f"{round_sig(v):,.0f}"
    return ("+" if signed and v > 0 else "") + text + "%"

