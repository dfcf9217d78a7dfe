"""Table/Markdown sections for §11: the near-optimal range and the alternatives."""

from __future__ import annotations

from suanli.formats.cells import table
from suanli.rounding import num
from suanli.solver.plan import Plan


def near_sections(plan: Plan, md: bool) -> list[str]:
    return _range(plan, md) + _alternatives(plan, md)


def _range(plan: Plan, md: bool) -> list[str]:
    near = plan.near_optimal
    if near is None:
        return []
    unit = f" {near.unit}" if near.unit else ""
    lo, hi = near.min.value, near.max.value
    text = (f"{near.metric}: {num(lo) if lo is not None else 'unbounded'} .. "
            f"{num(hi) if hi is not None else 'unbounded'}{unit} within {num(near.slack * 100)}% "
            f"of the cheapest {'cost' if plan.objective_unit == plan.currency else 'objective'} "
            f"(bound {num(near.bound)} {plan.objective_unit})")
    title = "Near-optimal range"
    return ([f"### {title}", "", text, ""] if md else [title, text, ""])


def _alternatives(plan: Plan, md: bool) -> list[str]:
    if plan.alternatives is None:
        return []
    base = plan.objective or 0.0
    rows = []
    for k, alt in enumerate(plan.alternatives, 1):
        p = alt.plan
        diff = (p.objective - base) / abs(base) * 100 if base else 0.0
        builds = ", ".join(f"{r.name} {num(r.compute_tflops)}" for r in p.regions if r.compute_tflops > 0)
        rows.append([str(k), f"{num(p.objective)}", f"{diff:+.2f}%", num(alt.score), builds or "-"])
    if not rows:
        return (["### Alternatives", "", "none found (see warnings)", ""] if md
                else ["Alternatives", "none found (see warnings)", ""])
    headers = ["#", f"objective ({plan.objective_unit})", "vs optimum", "score", "builds in (TFLOPS)"]
    return table("Alternatives (within the slack)", headers, rows, md)
