"""Near-optimal plans (LANGUAGE.md §11): the range of a metric over every plan
within a cost slack of the optimum, and SPORES alternatives that differ.

Every extra solve is the program `solve` already lowered (no second compile or
lowering) plus one slack row, objective <= B, with B = z* + S*|z*| (for a
maximised objective, objective >= z* - S*|z*|: the same room on the worse side);
only the objective vector changes. The optimal plan satisfies the slack row, so
it is handed to the solver as the start of each solve. `--time-limit` applies
to each solve on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.backend import Status
from suanli.solver.evaluate import Evaluator
from suanli.solver.extract import state_from_solution
from suanli.solver.index import Index
from suanli.solver.linmetrics import dense
from suanli.solver.plan import Alternative, NearOptimal, NearRange, PlanWarning
from suanli.solver.sparse import Family, SparseProgram
from suanli.tolerances import HOLDS_REL, SAME_REL

SHARE = 0.10  # a region "builds" when its compute is >= 10% of the plan's largest region
DEFAULT_SLACK = 0.05  # §11: --slack defaults to 5%


@dataclass
class NearRequest:
    slack: float = DEFAULT_SLACK
    metric: bool = False  # Program.near_metric is set
    alternatives: int = 0


@dataclass
class Found:
    x: Optional[np.ndarray]
    plan: object = None
    status: Status = Status.ERROR
    warnings: list[str] = field(default_factory=list)


_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|\.[0-9]+([eE][-+]?[0-9]+)?")


def parse_slack(text: str) -> float:
    """`5%` or `0.05` -> 0.05. Below 0, non-numbers, and above 1 without `%`
    (`--slack 5` is almost surely meant as 5%) are errors."""
    raw = text.strip()
    percent = raw.endswith("%")
    body = raw[:-1].strip() if percent else raw
    if body.startswith("-") and _NUMBER.fullmatch(body[1:]):
        raise ValueError(f"the slack must be 0 or more, got {text!r}")
    if not _NUMBER.fullmatch(body):
        raise ValueError(f"not a number: {text!r} (write 5% or 0.05)")
    value = float(body) / (100.0 if percent else 1.0)
    if not percent and value > 1:
        raise ValueError(f"{text} is more than 1: write {text}% for a percentage, or a fraction such as 0.05")
    return value


def slack_bound(z: float, slack: float, sense: str) -> float:
    room = slack * abs(z)
    return z + room if sense == "minimize" else z - room


def slack_row(sp: SparseProgram, bound_si: float) -> SparseProgram:
    """objective <= B (>= B when maximising), in the program's scaled objective units."""
    body = bound_si / sp.obj_scale - sp.offset
    tol = HOLDS_REL * max(1.0, abs(body))
    cols = np.flatnonzero(sp.cost)
    lb, ub = (-np.inf, body + tol) if sp.sense == "minimize" else (body - tol, np.inf)
    return sp.with_rows(np.zeros(len(cols), dtype=np.int64), cols, sp.cost[cols],
                        np.array([lb]), np.array([ub]), Family("slack", 0, 0))


def with_objective(sp: SparseProgram, vec: np.ndarray, sense: str) -> SparseProgram:
    """The same program minimising (or maximising) `vec`, scaled to [1, 10)."""
    big = float(np.abs(vec).max(initial=0.0))
    scale = 10.0 ** np.floor(np.log10(big)) if big > 0 else 1.0
    return sp.replace(cost=vec / scale, offset=0.0, sense=sense, obj_scale=scale)


def metric_vector(program: Program, sp: SparseProgram, metric) -> np.ndarray:
    """A linear metric expression as a dense SI vector over the program's columns
    (with years: in the metric's year `at Y`, or on discounted totals)."""
    if program.years is None:
        ids, vals = sp.metrics.linexpr(metric.expr)
    else:
        ids, vals = sp.metrics.linexpr(metric.expr, _year_index(program, metric))
    return dense((ids, vals), sp.ncol)


def metric_value(program: Program, sp: SparseProgram, x: np.ndarray, metric) -> float:
    """METRIC on the plan of x, through the plan evaluators (not the objective vector)."""
    if program.years is None:
        ev = Evaluator(program, state_from_solution(program, sp, x), Index(program))
    else:
        from suanli.solver.year_costs import evaluators
        from suanli.solver.year_report import decisions as year_decisions

        year_evs, totals = evaluators(program, *year_decisions(sp.metrics.L, x, sp.relaxed))
        k = _year_index(program, metric)
        ev = totals if k is None else year_evs[k]
    return ev.linexpr(metric.expr) / (metric.dimension.unit_scale or 1.0)


def _year_index(program: Program, metric) -> int | None:
    return None if metric.year is None else metric.year - program.years.first


def near_optimal(program: Program, sp: SparseProgram, x_opt: np.ndarray, z: float, req: NearRequest,
                 run) -> tuple[NearOptimal, list[str]]:
    """min and max of Program.near_metric over the plans within B. `run(sp, start)`
    solves one program and returns a Found (see solve.py)."""
    metric = program.near_metric
    dim = metric.dimension
    scale = program.objective.dimension.unit_scale or 1.0
    bound = slack_bound(z, req.slack, program.objective.sense)
    bounded = slack_row(sp, bound * scale)
    vec = metric_vector(program, sp, metric)
    warnings: list[str] = []
    ends = {}
    for sense, key in (("minimize", "min"), ("maximize", "max")):
        found = run(with_objective(bounded, vec, sense), x_opt)
        warnings += found.warnings
        if found.status is Status.UNBOUNDED:
            warnings.append(f"the {key}imum of {metric.text} within the slack is unbounded")
            ends[key] = NearRange(value=None, plan=None)
        elif found.x is None:
            warnings.append(f"no {key}imum of {metric.text} was found ({found.status.value})")
            ends[key] = NearRange(value=None, plan=None)
        else:
            value = metric_value(program, sp, found.x, metric)
            ends[key] = NearRange(value=value, plan=found.plan)
    result = NearOptimal(metric=metric.text, slack=req.slack, bound=bound, unit=dim.unit or "",
                         min=ends["min"], max=ends["max"])
    return result, warnings


# ---- SPORES -------------------------------------------------------------------

def region_compute(program: Program, sp: SparseProgram, x: np.ndarray, counts: bool) -> np.ndarray:
    """C[r] = sum_t f_t * n[r,t] (node counts when `counts`), per region index;
    with years, summed over the years' installed n."""
    out = np.zeros(len(program.regions))
    for cols, r, per in _installed(program, sp, counts):
        np.add.at(out, r, per * x[cols])
    return out


def score_vector(program: Program, sp: SparseProgram, w: np.ndarray, c_star: float, counts: bool) -> np.ndarray:
    vec = np.zeros(sp.ncol)
    for cols, r, per in _installed(program, sp, counts):
        vec[cols] += w[r] * per / c_star
    return vec


def _installed(program: Program, sp: SparseProgram, counts: bool):
    """(n columns, their regions, f_t of their types or 1) for each n family:
    one for a single period, one per year (f_t of that year) with years."""
    for n in sp.families("n", rows=False):
        year = n.meta.get("year")
        prog = program if program.years is None else program.years.programs[year - program.years.first]
        f = np.array([t.compute for t in prog.node_types], dtype=float)
        per = np.ones(len(n.keys["t"])) if counts else f[n.keys["t"]]
        yield np.arange(n.start, n.stop), n.keys["r"], per


def gain_weights(w: np.ndarray, c: np.ndarray) -> np.ndarray:
    top = float(c.max(initial=0.0))
    if top <= 0:
        return w
    # C_p[r] >= 10% of the largest, inclusive: a share exactly at 10% (714.4 of 7144) must not lose to rounding
    return w + (c >= SHARE * top * (1 - SAME_REL)).astype(float)


def decisions(sp: SparseProgram, x: np.ndarray) -> np.ndarray:
    """n and open of a plan: what makes two plans the same plan."""
    parts = [x[f.start:f.stop] for f in sp.col_families if f.kind in ("n", "open")]
    return np.round(np.concatenate(parts), 9)


def alternatives(program: Program, sp: SparseProgram, x_opt: np.ndarray, z: float, req: NearRequest,
                 run) -> tuple[list[Alternative], list[str]]:
    scale = program.objective.dimension.unit_scale or 1.0
    bound = slack_bound(z, req.slack, program.objective.sense)
    bounded = slack_row(sp, bound * scale)
    c_opt = region_compute(program, sp, x_opt, counts=False)
    counts = float(c_opt.sum()) <= 0
    if counts:
        c_opt = region_compute(program, sp, x_opt, counts=True)
    c_star = float(c_opt.sum()) or 1.0
    w = gain_weights(np.zeros(len(program.regions)), c_opt)
    seen = [decisions(sp, x_opt)]
    out: list[Alternative] = []
    warnings: list[str] = []
    names = [r.name for r in program.regions]
    for k in range(req.alternatives):
        vec = score_vector(program, sp, w, c_star, counts)
        found = _cheapest_of_least_score(bounded, vec, x_opt, run)
        warnings += found.warnings
        if found.x is None:
            warnings.append(f"alternative {k + 1}: no plan found ({found.status.value}); the search stopped")
            break
        if any(np.array_equal(decisions(sp, found.x), s) for s in seen):
            warnings.append(f"alternative {k + 1} repeats an earlier plan: the search stopped with "
                            f"{len(out)} of {req.alternatives} alternatives")
            break
        seen.append(decisions(sp, found.x))
        score = float(vec @ found.x)
        used = {names[i]: float(w[i]) for i in np.flatnonzero(w)}
        out.append(Alternative(score=score, weights=used, slack=req.slack, bound=bound, plan=found.plan))
        w = gain_weights(w, region_compute(program, sp, found.x, counts))
    return out, warnings


def _cheapest_of_least_score(bounded: SparseProgram, vec: np.ndarray, start, run) -> Found:
    """Minimise the score; then, the score held within 1e-9 relative, the objective
    (§11: among equal scores the plan with the lower objective is taken)."""
    first = run(with_objective(bounded, vec, "minimize"), start)
    if first.x is None:
        return first
    best = float(vec @ first.x)
    tol = SAME_REL * max(abs(best), 1e-12) + 1e-12
    cols = np.flatnonzero(vec)
    held = bounded.with_rows(np.zeros(len(cols), dtype=np.int64), cols, vec[cols],
                             np.array([-np.inf]), np.array([best + tol]), Family("score", 0, 0))
    second = run(held, first.x)
    if second.x is None:
        first.warnings.append("the cheaper-plan tie-break between equal scores failed; the first plan is kept")
        return first
    second.warnings = first.warnings + second.warnings
    return second


def plan_warnings(messages: list[str]) -> list[PlanWarning]:
    return [PlanWarning(code="S003", message=m) for m in messages]
