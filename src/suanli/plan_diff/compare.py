"""What a spec change does to a plan: cost, nodes, placements, carbon, statements.

`diff_plans(old, new, max_increase=None) -> PlanDiff` compares two `Plan`s
(docs/plan.md); the model is in model.py, the cost gate in budget.py, the
per-year comparison of multi-year plans in years.py; renderings are formats
(suanli.formats: diff_text.py, json.py, html.py).
"""

from __future__ import annotations

import os
import re
from typing import Optional

from suanli.plan_diff.budget import check_budget, money, pct
from suanli.plan_diff.model import (COST_PARTS, METRICS, NodeCountChange, PlacementChange, PlanDiff, PlanSide,
                                    RegionChange, StatementChange, ValueChange, has_plan, same, value_change)
from suanli.plan_diff.years import year_changes
from suanli.rounding import round_sig
from suanli.solver.plan import Plan, normalized


def _side(plan: Plan) -> PlanSide:
    failing = [a for a in plan.asserts if a.passed is False]
    return PlanSide(spec=plan.spec, scenario=plan.scenario, status=plan.status, message=plan.message,
                    infeasibility=[i.message for i in plan.infeasibility], objective=plan.objective,
                    objective_unit=plan.objective_unit, currency=plan.currency, gap=plan.gap,
                    failing_asserts=[a.name for a in failing if not a.advisory],
                    failing_advisory=[a.name for a in failing if a.advisory])


def diff_plans(old: Plan, new: Plan, max_increase: Optional[float] = None) -> PlanDiff:
    old, new = normalized(old), normalized(new)
    notes = []
    comparable = old.currency == new.currency
    if not comparable:
        notes.append(f"the plans are in different currencies ({old.currency}, {new.currency}): "
                     "cost changes are not computed")
    if not same(old.horizon_h, new.horizon_h):
        notes.append(f"the horizons differ ({round_sig(old.horizon_h)} h, {round_sig(new.horizon_h)} h): "
                     "costs, energy and carbon cover different periods")
    cur = new.currency

    def cost_of(plan: Plan, part: str, keep: bool) -> Optional[float]:
        return getattr(plan.cost, part) if keep else None

    cost = [value_change(p, cur, cost_of(old, p, comparable), cost_of(new, p, True))
            for p in COST_PARTS + ("total",)]
    metrics = [value_change(label, unit, getattr(old, f), getattr(new, f)) for f, label, unit in METRICS]
    regions, node_types = region_changes(old, new) if has_plan(old) and has_plan(new) else ([], [])
    placements = _placements(old, new)
    statements = _statements(old, new)
    budget = check_budget(old, new, max_increase) if max_increase is not None else None
    notes += _gap_notes(old, new, cost[-1])
    status_changed = old.status != new.status
    changed = (status_changed or any(c.changed for c in cost + metrics)
               or bool(regions or node_types or placements or statements))
    years = year_changes(old, new)
    return PlanDiff(old=_side(old), new=_side(new), currency=cur, changed=changed or bool(years),
                    status_changed=status_changed, total=cost[-1], cost=cost, metrics=metrics,
                    regions=regions, node_types=node_types, placements=placements,
                    statements=statements, budget=budget, notes=notes, years=years)


def _gap_notes(old: Plan, new: Plan, total: ValueChange) -> list[str]:
    """A cost change smaller than the larger proven gap may be solver noise:
    either plan may lie anywhere within its gap of its own optimum."""
    if not total.changed or total.delta is None or not (has_plan(old) and has_plan(new)):
        return []
    gaps = [g for g in (old.gap, new.gap) if g is not None]
    if not gaps or max(gaps) <= 0:
        return []
    largest = max(gaps)
    if abs(total.delta) >= largest * max(abs(old.cost.total), abs(new.cost.total)):
        return []
    return [f"the total cost changed by {pct(100 * total.delta / abs(old.cost.total), True) if old.cost.total else money(total.delta)}, "
            f"less than the larger proven gap of the two plans ({pct(100 * largest)}): "
            "the change may be solver noise rather than an effect of the spec change"]


def region_changes(old: Plan, new: Plan) -> tuple[list[RegionChange], list[NodeCountChange]]:
    old_r = {r.name: r for r in old.regions}
    new_r = {r.name: r for r in new.regions}
    changes: list[RegionChange] = []
    totals: dict[str, list[float]] = {}
    for name in sorted(set(old_r) | set(new_r)):
        a, b = old_r.get(name), new_r.get(name)
        nodes = []
        for t in sorted(set(a.nodes if a else {}) | set(b.nodes if b else {})):
            n_old = (a.nodes.get(t, 0) if a else 0)
            n_new = (b.nodes.get(t, 0) if b else 0)
            tot = totals.setdefault(t, [0, 0])
            tot[0] += n_old
            tot[1] += n_new
            if not same(n_old, n_new):
                nodes.append(NodeCountChange(region=name, node_type=t, old=n_old, new=n_new,
                                             delta=round_sig(n_new - n_old)))
        power = value_change("power", "MW", a.power_mw if a else None, b.power_mw if b else None)
        energy = value_change("energy", "MWh", a.energy_mwh if a else None, b.energy_mwh if b else None)
        open_a, open_b = (a.open if a else None), (b.open if b else None)
        if nodes or power.changed or energy.changed or open_a != open_b:
            changes.append(RegionChange(name=name, old_open=open_a, new_open=open_b, nodes=nodes,
                                        power_mw=power, energy_mwh=energy))
    node_types = [NodeCountChange(node_type=t, old=o, new=n, delta=round_sig(n - o))
                  for t, (o, n) in sorted(totals.items()) if not same(o, n)]
    return changes, node_types


def _fractions(regions: dict[str, float]) -> str:
    if len(regions) == 1 and same(next(iter(regions.values())), 1.0):
        return next(iter(regions))
    return ", ".join(f"{r} {100 * f:.4g}%" for r, f in sorted(regions.items())) or "nowhere"


def _job_text(j) -> str:
    if j.region is None:
        return "not placed"
    return f"{j.region}: {j.nodes} x {j.node_type}" if j.nodes is not None else f"{j.region}: {j.node_type}"


def _placements(old: Plan, new: Plan) -> list[PlacementChange]:
    out: list[PlacementChange] = []
    if not (has_plan(old) and has_plan(new)):
        return out  # "no plan" is reported as a status change, not as every placement moving
    old_d = {d.name: d for d in old.demands}
    new_d = {d.name: d for d in new.demands}
    for name in sorted(set(old_d) | set(new_d)):
        a, b = old_d.get(name), new_d.get(name)
        ra, rb = (a.regions if a else {}), (b.regions if b else {})
        if a and b and set(ra) == set(rb) and all(same(ra[k], rb[k]) for k in ra):
            continue
        out.append(PlacementChange(kind="demand", name=name, old=_fractions(ra) if a else None,
                                   new=_fractions(rb) if b else None, old_regions=ra, new_regions=rb))
    old_j = {j.name: j for j in old.jobs}
    new_j = {j.name: j for j in new.jobs}
    for name in sorted(set(old_j) | set(new_j)):
        a, b = old_j.get(name), new_j.get(name)
        key = lambda j: (j.region, j.node_type, j.nodes) if j else None
        if key(a) == key(b):
            continue
        out.append(PlacementChange(kind="job", name=name, old=_job_text(a) if a else None,
                                   new=_job_text(b) if b else None,
                                   old_regions={a.region: 1.0} if a and a.region else {},
                                   new_regions={b.region: 1.0} if b and b.region else {}))
    return out + _backup_changes(old_d, new_d)


def _backup_changes(old_d: dict, new_d: dict) -> list[PlacementChange]:
    """§9: demands whose backup copies moved (only plans that report `backups`)."""
    out = []
    for name in sorted(set(old_d) & set(new_d)):
        a, b = old_d[name].backups, new_d[name].backups
        if (a or b) and sorted(a or []) != sorted(b or []):
            out.append(PlacementChange(kind="backup", name=name, old=", ".join(a or []) or "none",
                                       new=", ".join(b or []) or "none",
                                       old_regions={r: 1.0 for r in a or []}, new_regions={r: 1.0 for r in b or []}))
    return out


def _state(s, kind: str) -> str:
    if kind == "require":
        return "binding" if s.binding else "holds"
    return "pass" if s.passed else "fail"


# an unnamed statement is named `[policy.]require@FILE:LINE[binding]` (compiler/expand_statements.py)
_UNNAMED = re.compile(r"^(?P<head>(?:.*\.)?)(?P<kind>require|assert)@(?P<file>.*):(?P<line>\d+)(?P<tail>\[.*\])?$")


def statement_keys(statements, root: str) -> dict:
    """Statements by a stable identity: a named one by its name; an unnamed
    one by its file (relative to the root spec's directory, the root itself
    as `<root>`, so two copies of a spec compare), its position among the
    unnamed statements of that file and kind, and its `for` binding. Adding a
    comment or a blank line moves line numbers, not these keys, so it changes
    nothing in a diff."""
    parsed = [(s, _UNNAMED.match(s.name)) for s in statements]
    lines: dict[tuple, set[int]] = {}
    for _, m in parsed:
        if m:
            lines.setdefault((m["head"], m["kind"], m["file"]), set()).add(int(m["line"]))
    order = {group: {line: i for i, line in enumerate(sorted(found), 1)} for group, found in lines.items()}
    out = {}
    for s, m in parsed:
        if m is None:
            out[s.name] = s
            continue
        group = (m["head"], m["kind"], m["file"])
        where = _file_key(m["file"], root)
        out[f"{m['head']}{m['kind']}@{where}#{order[group][int(m['line'])]}{m['tail'] or ''}"] = s
    return out


def _file_key(path: str, root: str) -> str:
    if os.path.normpath(path) == os.path.normpath(root):
        return "<root>"
    return os.path.normpath(os.path.relpath(path, os.path.dirname(root) or "."))


def _statements(old: Plan, new: Plan) -> list[StatementChange]:
    out: list[StatementChange] = []
    for kind, attr in (("require", "requires"), ("assert", "asserts")):
        a_all = statement_keys(getattr(old, attr), old.spec)
        b_all = statement_keys(getattr(new, attr), new.spec)
        for key in sorted(set(a_all) | set(b_all)):
            a, b = a_all.get(key), b_all.get(key)
            name = (b or a).name
            sa = _state(a, kind) if a else ("absent" if has_plan(old) else "no plan")
            sb = _state(b, kind) if b else ("absent" if has_plan(new) else "no plan")
            if sa == sb:
                continue
            s = b or a
            out.append(StatementChange(kind=kind, name=name, location=s.location, advisory=s.advisory,
                                       old=sa, new=sb, old_value=a.value if a else None,
                                       new_value=b.value if b else None, unit=s.unit))
    return out

