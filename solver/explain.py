"""Why is a spec infeasible? An elastic re-solve, reported in spec terms.

A copy of the program (integrality kept, so integer-only conflicts are
explained too) gets one nonnegative slack per statement group and direction:
each require row, each service's "fully served" row, each job's "runs once"
row, each region's compute (per class), storage, power and node-count rows,
each link direction's bandwidth, each demand's backup count (§9): the row
kinds whose `RowKind.relax` is set (solver/families/). The objective is the
total slack in scaled row units (about one node's or one demand's worth each),
under-serving a demand or dropping a job weighted 10x (a missing backup copy
5x) so capacities and requires are blamed first. Groups that need slack are
reported with the amount in spec units and the span to look at (the kind's
`describe`). The slack program is a copy: slack never reaches a real plan.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.backend import SolveOptions, Status
from suanli.solver.highs_backend import HighsBackend
from suanli.solver.families import row_kind
from suanli.solver.plan import Infeasibility
from suanli.solver.sparse import Family, SparseProgram

SLACK_TOL = 1e-7


def elastic(sp: SparseProgram) -> tuple[SparseProgram, np.ndarray, np.ndarray]:
    """The slack copy; returns it with each slack's row and sign (+1: the
    row's lower side was relaxed, -1: its upper side)."""
    rows, signs, weights = [], [], []
    for fam in sp.row_families:
        relax = _relax(fam)
        if relax is None:
            continue
        idx = np.arange(fam.start, fam.stop)
        lo = idx[np.isfinite(sp.row_lb[idx])]
        hi = idx[np.isfinite(sp.row_ub[idx])] if not relax.only_lower else idx[:0]
        rows += [lo, hi]
        signs += [np.ones(len(lo)), -np.ones(len(hi))]
        weights += [np.full(len(lo) + len(hi), relax.weight)]
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
    res = HighsBackend().solve(copy, SolveOptions(time_limit=time_limit, gap=1e-6))
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


def _relax(fam: Family):
    """How the row family is relaxed (families/: RowKind.relax); None: it is not."""
    kind = row_kind(fam.kind)
    return None if kind is None else kind.relax


def _family_lookup(sp: SparseProgram) -> dict[int, Family]:
    out = {}
    for fam in sp.row_families:
        if _relax(fam) is not None:
            for r in range(fam.start, fam.stop):
                out[r] = fam
    return out


def _describe(program: Program, sp, fam: Family, k: int, amount: float, sign: float) -> Infeasibility:
    """The shortfall of row k of a relaxable family, in spec terms (families/: RowKind.describe)."""
    return row_kind(fam.kind).describe(program, fam, k, amount, sign)


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
