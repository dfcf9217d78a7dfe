"""Why is a spec infeasible? An elastic re-solve, reported in spec terms.

A copy of the program (integrality kept, so integer-only conflicts are
explained too) gets one nonnegative slack per statement group and direction:
each require row, each service's "fully served" row, each job's "runs once"
row, each region's compute (per class), storage, power and node-count rows,
each link direction's bandwidth. The objective is the total slack in scaled
row units (about one node's or one demand's worth each), under-serving a
demand or dropping a job weighted 10x so capacities and requires are blamed
first. Groups that need
slack are reported with the amount in spec units and the span to look at.
The slack program is a copy: slack never reaches a real plan.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.backend import SolveOptions, Status
from suanli.solver.highs_backend import HighsBackend
from suanli.solver.plan import Infeasibility
from suanli.solver.sparse import Family, SparseProgram
from suanli.solver.units import GBPS, MW, TB, TFLOPS, row_unit
from suanli.tolerances import DEFAULT_GAP

RELAXABLE = ("served", "runs", "compute", "storage", "power", "nodes", "bandwidth", "require",
             "memory", "backups")
ONLY_LOWER = ("served", "runs", "backups")  # over-serving never helps
# Under-serving a demand is the last resort: the user asked for the demand,
# so capacities and requires are blamed first when either would do.
WEIGHT = {"served": 10.0, "runs": 10.0, "backups": 5.0}  # a missing copy before a missing service
SLACK_TOL = 1e-7


def elastic(sp: SparseProgram) -> tuple[SparseProgram, np.ndarray, np.ndarray]:
    """The slack copy; returns it with each slack's row and sign (+1: the
    row's lower side was relaxed, -1: its upper side)."""
    rows, signs, weights = [], [], []
    for fam in sp.row_families:
        if fam.kind not in RELAXABLE:
            continue
        idx = np.arange(fam.start, fam.stop)
        lo = idx[np.isfinite(sp.row_lb[idx])]
        hi = idx[np.isfinite(sp.row_ub[idx])] if fam.kind not in ONLY_LOWER else idx[:0]
        rows += [lo, hi]
        signs += [np.ones(len(lo)), -np.ones(len(hi))]
        weights += [np.full(len(lo) + len(hi), WEIGHT.get(fam.kind, 1.0))]
    rows_a = np.concatenate(rows).astype(np.int64) if rows else np.zeros(0, dtype=np.int64)
    signs_a = np.concatenate(signs) if signs else np.zeros(0)
    k = len(rows_a)
    copy = sp.replace(cost=np.zeros(sp.ncol), offset=0.0, sense="minimize")
    cost = np.concatenate(weights) if weights else np.zeros(0)
    copy = copy.with_cols(k, cost, np.zeros(k), np.full(k, np.inf), rows_a, signs_a,
                          Family("slack", 0, 0))
    return copy, rows_a, signs_a


def explain_sparse(program: Program, sp: SparseProgram,
                   time_limit: Optional[float] = None) -> list[Infeasibility]:
    copy, rows, signs = elastic(sp)
    res = HighsBackend().solve(copy, SolveOptions(time_limit=time_limit, gap=DEFAULT_GAP))
    if not res.status.has_solution:
        return [Infeasibility(constraint="(unknown)", shortfall=0.0, unit="",
                              message="no explanation found: even with every group relaxed "
                                      f"the solver says {res.status.value}")]
    slack = res.x[sp.ncol:]
    fam_of = _family_lookup(sp)
    items = []
    for s, row, sign in zip(slack, rows, signs):
        if s > SLACK_TOL:
            fam = fam_of[row]
            year = fam.meta.get("year")
            prog = program if year is None else program.years.programs[year - program.years.first]
            item = _describe(prog, sp, fam, row - fam.start, s / sp.row_scale[row], sign)
            items.append(item if year is None else _in_year(item, year))
    if not items:
        items.append(Infeasibility(constraint="(integrality)", shortfall=0.0, unit="",
                                   message="every group fits with slack 0: the conflict is in "
                                           "whole nodes, sites or placements"))
    return sorted(items, key=lambda i: (i.constraint, i.message))


def _in_year(item: Infeasibility, year: int) -> Infeasibility:
    """Multi-year programs: "... short by 120 TFLOPS in 2029", constraint `...[y=2029]`."""
    unit = f" {item.unit}" if item.unit else None
    if unit and unit in item.message:
        message = item.message.replace(unit, f"{unit} in {year}", 1)
    else:
        message = f"in {year}: {item.message}"
    return item.model_copy(update={"constraint": f"{item.constraint}[y={year}]", "message": message})


def _family_lookup(sp: SparseProgram) -> dict[int, Family]:
    out = {}
    for fam in sp.row_families:
        if fam.kind in RELAXABLE:
            for r in range(fam.start, fam.stop):
                out[r] = fam
    return out


def _describe(program: Program, sp, fam: Family, k: int, amount: float, sign: float) -> Infeasibility:
    kind = fam.kind
    if kind == "served":
        svc = program.services[fam.keys["d"][k]]
        return _item(f"served({svc.name})", svc.span, amount * 100, "%",
                     f"demand {svc.name} can only be served {100 - amount * 100:.4g}% "
                     f"(short by {amount * 100:.4g}%) in its allowed regions {list(svc.allowed_regions)}")
    if kind == "runs":
        job = program.jobs[fam.keys["j"][k]]
        return _item(f"runs({job.name})", job.span, amount, "", f"job {job.name} cannot be placed "
                     f"in any allowed region ({', '.join(job.allowed_regions)}) with a usable node type")
    if kind == "backups":  # §9
        svc = program.services[fam.keys["d"][k]]
        return _item(f"backups({svc.name})", svc.span, amount, "copies",
                     f"demand {svc.name} can hold only {svc.backups - amount:.4g} of its {svc.backups} "
                     f"backups at least {svc.backup_separation * 1000:.6g} ms from where it is served "
                     f"(its backup regions: {', '.join(svc.backup_regions)})")
    if kind == "require":
        st = program.statements[fam.keys["s"][k]]
        unit, factor = row_unit(st.rows[fam.keys["p"][k]].expr, program.settings.currency)
        v = amount / factor
        side = "below its lower bound" if sign > 0 else "above its upper bound"
        return _item(f"require {st.name}", st.span, v, unit,
                     f"require {st.name} must move {v:.6g} {unit} {side} at {st.span}")
    return _capacity(program, fam, k, amount)


def _capacity(program: Program, fam: Family, k: int, amount: float) -> Infeasibility:
    kind = fam.kind
    if kind == "bandwidth":
        e = int(fam.keys["e"][k])
        link = program.links[e // 2]
        a, b = (link.a, link.b) if e % 2 == 0 else (link.b, link.a)
        v = amount / GBPS
        return _item(f"bandwidth({a}->{b})", link.span, v, "Gbps",
                     f"link {a} -> {b} short by {v:.6g} Gbps of bandwidth at {link.span}")
    reg = program.regions[fam.keys["r"][k]]
    caps = _caps_text(program, reg)
    if kind == "compute":
        cls = sorted({t.cls for t in program.node_types} | {s.cls for s in program.services}
                     | {j.cls for j in program.jobs})[fam.keys["c"][k]]
        s = program.settings
        v = amount / (s.utilization * s.horizon) / TFLOPS
        return _item(f"compute({reg.name},{cls})", reg.span, v, "TFLOPS",
                     f"{cls} compute in {reg.name} short by {v:.6g} TFLOPS{caps}")
    if kind == "storage":
        v = amount / TB
        return _item(f"storage({reg.name})", reg.span, v, "TB", f"storage in {reg.name} short by {v:.6g} TB{caps}")
    if kind == "memory":  # §9
        v = amount / TB
        return _item(f"memory({reg.name})", reg.span, v, "TB", f"memory in {reg.name} short by {v:.6g} TB{caps}")
    if kind == "power":
        v = amount / MW
        return _item(f"power({reg.name})", reg.span, v, "MW",
                     f"power in {reg.name} short by {v:.6g} MW: power_cap at {reg.span}")
    return _item(f"nodes({reg.name})", reg.span, amount, "nodes",
                 f"{reg.name} needs {amount:.6g} more nodes than max_nodes = {reg.max_nodes} at {reg.span}")


def _caps_text(program: Program, reg) -> str:
    caps = []
    if reg.power_cap is not None:
        caps.append(f"power_cap {reg.power_cap / MW:.6g} MW")
    if reg.max_nodes is not None:
        caps.append(f"max_nodes {reg.max_nodes}")
    if not any(reg.name in t.regions for t in program.node_types):
        caps.append("no node type may be built there")
    return f": {', '.join(caps)} at {reg.span}" if caps else f" (region at {reg.span})"


def _item(constraint: str, span, shortfall: float, unit: str, message: str) -> Infeasibility:
    return Infeasibility(constraint=constraint, location=str(span) if span else None,
                         shortfall=float(shortfall), unit=unit, message=message)


def explain_program(program: Program, time_limit: Optional[float] = None) -> tuple[Status, list[Infeasibility]]:
    """For `suanli explain`: solve; if infeasible, explain."""
    from suanli.solver.lower import lower

    if program.years is not None:
        from suanli.solver.year_lower import lower_years
        sp = lower_years(program)[0]
    else:
        sp = lower(program)
    res = HighsBackend().solve(sp, SolveOptions(time_limit=time_limit))
    if res.status is not Status.INFEASIBLE:
        return res.status, []
    return res.status, explain_sparse(program, sp, time_limit)
