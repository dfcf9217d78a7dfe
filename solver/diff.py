"""What a spec change does to a plan: cost, nodes, placements, carbon, statements.

`diff_plans(old, new, max_increase=None) -> PlanDiff` compares two `Plan`s
(docs/plan.md); `check_budget(old, new, max_increase)` is the cost gate of
`suanli solve --baseline PLAN --max-increase 5%`. Numbers are compared as
they read back from the plan JSON (12 significant digits); two values are
equal within a relative 1e-9. Renderings live in `diff_render.py`.
"""

from __future__ import annotations

import json
import os
import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from suanli.solver.plan import Plan, PlanStatus, normalized, round_sig

COST_PARTS = ("site", "capex", "opex", "energy", "network", "carbon")
METRICS = (("energy_mwh", "energy", "MWh"), ("renewable_energy_mwh", "renewable energy", "MWh"),
           ("carbon_tco2", "carbon", "tCO2"))
REL_TOL = 1e-9
DIFF_VERSION = 1


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ValueChange(_M):
    name: str
    unit: str
    old: Optional[float] = None
    new: Optional[float] = None
    delta: Optional[float] = None
    pct: Optional[float] = None  # percent of old; null when old is 0 or a side has no value
    changed: bool = False


class NodeCountChange(_M):
    region: Optional[str] = None  # null: the total over all regions
    node_type: str
    old: float
    new: float
    delta: float


class RegionChange(_M):
    name: str
    old_open: Optional[bool] = None  # null: the region is not in that plan
    new_open: Optional[bool] = None
    nodes: list[NodeCountChange] = []
    power_mw: ValueChange
    energy_mwh: ValueChange


class PlacementChange(_M):
    kind: Literal["demand", "job", "backup"]  # backup: where a demand's §9 copies are held
    name: str
    old: Optional[str] = None  # readable placement; null when absent from that plan
    new: Optional[str] = None
    old_regions: dict[str, float] = {}
    new_regions: dict[str, float] = {}


class StatementChange(_M):
    kind: Literal["require", "assert"]
    name: str
    location: Optional[str] = None
    advisory: bool = False
    old: str  # holds | binding | pass | fail | absent | no plan
    new: str
    old_value: Optional[float] = None
    new_value: Optional[float] = None
    unit: str = ""


class PlanSide(_M):
    spec: str
    scenario: Optional[str] = None
    status: PlanStatus
    message: Optional[str] = None  # why there is no plan
    infeasibility: list[str] = []  # the plan's explanation, when infeasible
    objective: Optional[float] = None
    objective_unit: str
    currency: str
    gap: Optional[float] = None  # the plan's proven relative gap (null: unknown)
    failing_asserts: list[str] = []
    failing_advisory: list[str] = []


class Budget(_M):
    max_increase: Optional[float] = None  # a fraction (0.05 = 5%); null: report only
    increase: Optional[float] = None  # relative total-cost change; null when not computable
    exceeded: bool = False
    rose: list[ValueChange] = []  # cost parts that rose, the largest rise first
    message: str


class YearChange(_M):
    """Multi-year plans (LANGUAGE.md §8): what changed in one year (diff_years.py)."""

    year: int
    total: ValueChange  # the year's cost, undiscounted
    builds: list[NodeCountChange] = []
    regions: list[RegionChange] = []


class PlanDiff(_M):
    diff_version: int = DIFF_VERSION
    old: PlanSide
    new: PlanSide
    currency: str
    changed: bool
    status_changed: bool
    total: ValueChange
    cost: list[ValueChange]  # every part, then total
    metrics: list[ValueChange]  # energy, renewable energy, carbon
    regions: list[RegionChange] = []  # regions with any change
    node_types: list[NodeCountChange] = []  # totals per node type that changed
    placements: list[PlacementChange] = []
    statements: list[StatementChange] = []
    budget: Optional[Budget] = None
    notes: list[str] = []
    years: Optional[list[YearChange]] = Field(None, exclude_if=lambda v: v is None)  # multi-year plans


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


def _same(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))


def value_change(name: str, unit: str, old: Optional[float], new: Optional[float]) -> ValueChange:
    delta = pct = None
    if old is not None and new is not None:
        delta = 0.0 if _same(old, new) else round_sig(new - old)
        pct = None if old == 0 else round_sig(100.0 * delta / abs(old))
    return ValueChange(name=name, unit=unit, old=old, new=new, delta=delta, pct=pct,
                       changed=not _same(old, new))


def _has_plan(plan: Plan) -> bool:
    return plan.status in ("optimal", "feasible") and plan.cost.total is not None


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
    if not _same(old.horizon_h, new.horizon_h):
        notes.append(f"the horizons differ ({round_sig(old.horizon_h)} h, {round_sig(new.horizon_h)} h): "
                     "costs, energy and carbon cover different periods")
    cur = new.currency

    def cost_of(plan: Plan, part: str, keep: bool) -> Optional[float]:
        return getattr(plan.cost, part) if keep else None

    cost = [value_change(p, cur, cost_of(old, p, comparable), cost_of(new, p, True))
            for p in COST_PARTS + ("total",)]
    metrics = [value_change(label, unit, getattr(old, f), getattr(new, f)) for f, label, unit in METRICS]
    regions, node_types = _regions(old, new) if _has_plan(old) and _has_plan(new) else ([], [])
    placements = _placements(old, new)
    statements = _statements(old, new)
    budget = check_budget(old, new, max_increase) if max_increase is not None else None
    notes += _gap_notes(old, new, cost[-1])
    status_changed = old.status != new.status
    changed = (status_changed or any(c.changed for c in cost + metrics)
               or bool(regions or node_types or placements or statements))
    from suanli.solver.diff_years import year_changes

    years = year_changes(old, new)
    return PlanDiff(old=_side(old), new=_side(new), currency=cur, changed=changed or bool(years),
                    status_changed=status_changed, total=cost[-1], cost=cost, metrics=metrics,
                    regions=regions, node_types=node_types, placements=placements,
                    statements=statements, budget=budget, notes=notes, years=years)


def _gap_notes(old: Plan, new: Plan, total: ValueChange) -> list[str]:
    """A cost change smaller than the larger proven gap may be solver noise:
    either plan may lie anywhere within its gap of its own optimum."""
    if not total.changed or total.delta is None or not (_has_plan(old) and _has_plan(new)):
        return []
    gaps = [g for g in (old.gap, new.gap) if g is not None]
    if not gaps or max(gaps) <= 0:
        return []
    largest = max(gaps)
    if abs(total.delta) >= largest * max(abs(old.cost.total), abs(new.cost.total)):
        return []
    return [f"the total cost changed by {_pct(100 * total.delta / abs(old.cost.total), True) if old.cost.total else _money(total.delta)}, "
            f"less than the larger proven gap of the two plans ({_pct(100 * largest)}): "
            "the change may be solver noise rather than an effect of the spec change"]


def _regions(old: Plan, new: Plan) -> tuple[list[RegionChange], list[NodeCountChange]]:
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
            if not _same(n_old, n_new):
                nodes.append(NodeCountChange(region=name, node_type=t, old=n_old, new=n_new,
                                             delta=round_sig(n_new - n_old)))
        power = value_change("power", "MW", a.power_mw if a else None, b.power_mw if b else None)
        energy = value_change("energy", "MWh", a.energy_mwh if a else None, b.energy_mwh if b else None)
        open_a, open_b = (a.open if a else None), (b.open if b else None)
        if nodes or power.changed or energy.changed or open_a != open_b:
            changes.append(RegionChange(name=name, old_open=open_a, new_open=open_b, nodes=nodes,
                                        power_mw=power, energy_mwh=energy))
    node_types = [NodeCountChange(node_type=t, old=o, new=n, delta=round_sig(n - o))
                  for t, (o, n) in sorted(totals.items()) if not _same(o, n)]
    return changes, node_types


def _fractions(regions: dict[str, float]) -> str:
    if len(regions) == 1 and _same(next(iter(regions.values())), 1.0):
        return next(iter(regions))
    return ", ".join(f"{r} {100 * f:.4g}%" for r, f in sorted(regions.items())) or "nowhere"


def _job_text(j) -> str:
    if j.region is None:
        return "not placed"
    return f"{j.region}: {j.nodes} x {j.node_type}" if j.nodes is not None else f"{j.region}: {j.node_type}"


def _placements(old: Plan, new: Plan) -> list[PlacementChange]:
    out: list[PlacementChange] = []
    if not (_has_plan(old) and _has_plan(new)):
        return out  # "no plan" is reported as a status change, not as every placement moving
    old_d = {d.name: d for d in old.demands}
    new_d = {d.name: d for d in new.demands}
    for name in sorted(set(old_d) | set(new_d)):
        a, b = old_d.get(name), new_d.get(name)
        ra, rb = (a.regions if a else {}), (b.regions if b else {})
        if a and b and set(ra) == set(rb) and all(_same(ra[k], rb[k]) for k in ra):
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
            sa = _state(a, kind) if a else ("absent" if _has_plan(old) else "no plan")
            sb = _state(b, kind) if b else ("absent" if _has_plan(new) else "no plan")
            if sa == sb:
                continue
            s = b or a
            out.append(StatementChange(kind=kind, name=name, location=s.location, advisory=s.advisory,
                                       old=sa, new=sb, old_value=a.value if a else None,
                                       new_value=b.value if b else None, unit=s.unit))
    return out


def check_budget(old: Plan, new: Plan, max_increase: Optional[float]) -> Budget:
    """Compare total costs; `exceeded` when the relative rise is more than
    `max_increase` (None: report the change, gate nothing)."""
    limit = "" if max_increase is None else f" (budget {_pct(100 * max_increase)})"
    if old.currency != new.currency:
        return Budget(max_increase=max_increase, message=f"the baseline is in {old.currency} and the plan in "
                                                         f"{new.currency}: costs are not compared")
    cur = new.currency
    if not _has_plan(new):
        return Budget(max_increase=max_increase, message=f"the plan is {new.status}: no cost to compare")
    if not _has_plan(old):
        return Budget(max_increase=max_increase,
                      message=f"the baseline plan is {old.status}: it has no cost to compare with")
    a, b = old.cost.total, new.cost.total
    rose = sorted((c for p in COST_PARTS
                   if (c := value_change(p, cur, getattr(old.cost, p), getattr(new.cost, p))).changed
                   and c.delta > 0), key=lambda c: -c.delta)
    parts = ", ".join(f"{c.name} +{_money(c.delta)}" for c in rose)
    change = f"total cost {_money(a)} -> {_money(b)} {cur}"
    if _same(a, b):
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
        verdict = (f", more than the {_pct(100 * max_increase)} allowed" if exceeded
                   else f", within the {_pct(100 * max_increase)} allowed")
    message = f"{change} ({_pct(100 * increase, signed=True)}){verdict}"
    if rose and (exceeded or max_increase is None or increase > 0):
        message += f"; parts that rose: {parts}"
    return Budget(max_increase=max_increase, increase=increase, exceeded=exceeded, rose=rose, message=message)


def _money(v: float) -> str:
    from suanli.solver.render import num

    return num(v)


def _pct(v: float, signed: bool = False) -> str:
    text = f"{round_sig(v):.3g}" if abs(v) < 100 else f"{round_sig(v):,.0f}"
    return ("+" if signed and v > 0 else "") + text + "%"


def diff_dumps(diff: PlanDiff) -> str:
    def rounded(obj):
        if isinstance(obj, dict):
            return {k: rounded(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [rounded(v) for v in obj]
        return round_sig(obj) if isinstance(obj, float) else obj

    return json.dumps(rounded(diff.model_dump(mode="json")), allow_nan=False, sort_keys=True,
                      indent=2, ensure_ascii=False) + "\n"
