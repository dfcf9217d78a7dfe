"""The MILP at a size: how fast a good plan comes, and how good it is proven.

    python bench/milp.py SPEC [SPEC ...] [--time-limit 60] [--json OUT] [--markdown OUT]

For each spec, in one process, one after the other (so the ratios share the
machine's load), each variant solves the same compiled program with HiGHS
(one thread, random_seed 0, as `suanli solve` runs it) and a callback on
every improving solution, until the time limit:

- `suanli`: what `suanli solve` does -- the program with the site_use rows
  (solver/strengthen.py), the domain heuristic's plan (solver/heuristics.py)
  as MIP start, then branch and bound;
- `highs-mps`: raw HiGHS on the MPS `suanli solve --write-mps` exports (the
  same strengthened program, no MIP start);
- `highs-mps-6`: raw HiGHS on the program of §6 alone (no site_use rows):
  what a user exporting the MPS got before the rows existed;
- `scip-mps` (with `--variants ...,scip-mps`; `pip install pyscipopt`, bench
  only): SCIP on the same MPS as `highs-mps`, one thread.

Columns: LP bound (the strengthened LP relaxation) and the §6 LP's value and
time (`--relax`); time to the first feasible plan and its cost / LP bound;
time to a proven 1% gap; the final proven gap and cost at the limit. "Best
known" is the cheapest plan any variant found (or `--best-known`); with the
proven gaps it is within the smallest gap of the optimum. Times are from
the start of each variant (compile and lowering are not counted; bench/run.py
measures them). The heuristic's time counts in `suanli`'s times.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

from suanli.compiler.pipeline import load
from suanli.solver.backend import SolveOptions
from suanli.solver.heuristics import mip_start
from suanli.solver.highs_backend import build_highs, write_model
from suanli.solver.lower import lower
from suanli.solver.quiet import new_highs, stdout_silenced
from suanli.solver.strengthen import with_site_use

GAP = 0.01


def lp_value(sp) -> tuple[float, float]:
    """(the LP relaxation's optimum in SI units, seconds)."""
    lp = sp.replace(integer=np.zeros(sp.ncol, dtype=bool))
    t0 = time.perf_counter()
    h = build_highs(lp)
    h.setOptionValue("threads", 1)
    h.run()
    return float(h.getInfo().objective_function_value) * sp.obj_scale, time.perf_counter() - t0


class Trace:
    """Improving solutions and the first time the proven gap was <= GAP."""

    def __init__(self, t0: float, scale: float):
        self.t0, self.scale = t0, scale
        self.first: tuple[float, float] | None = None  # (seconds, SI cost)
        self.gap_at: float | None = None

    def found(self, cost_scaled: float, at: float | None = None) -> None:
        if self.first is None:
            self.first = ((time.perf_counter() - self.t0) if at is None else at, cost_scaled * self.scale)

    def bound_check(self, inc: float, bound: float, at: float | None = None) -> None:
        if self.gap_at is None and abs(inc) < 1e300 and abs(inc - bound) <= GAP * max(abs(inc), 1e-9):
            self.gap_at = (time.perf_counter() - self.t0) if at is None else at


def run_highs(h, sp_scale: float, time_limit: float, t0: float, trace: Trace) -> dict:
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("time_limit", float(max(time_limit - (time.perf_counter() - t0), 0.01)))
    h.setOptionValue("mip_rel_gap", 1e-6)

    def on_improving(event):
        trace.found(event.data_out.objective_function_value)

    def on_interrupt(event):
        trace.bound_check(event.data_out.mip_primal_bound, event.data_out.mip_dual_bound)

    h.cbMipImprovingSolution += on_improving
    h.cbMipInterrupt += on_interrupt
    h.run()
    info = h.getInfo()
    has = info.primal_solution_status == 2
    if has:
        trace.bound_check(info.objective_function_value, info.mip_dual_bound)
    return {"wall_s": time.perf_counter() - t0,
            "final_gap": float(info.mip_gap) if has else None,
            "final_cost": float(info.objective_function_value) * sp_scale if has else None,
            "final_bound": float(info.mip_dual_bound) * sp_scale,
            "first_s": trace.first[0] if trace.first else None,
            "first_cost": trace.first[1] if trace.first else None,
            "gap_1pct_s": trace.gap_at, "nodes": int(info.mip_node_count)}


def run_suanli(sp, time_limit: float) -> dict:
    t0 = time.perf_counter()
    mip = with_site_use(sp)
    deadline = t0 + time_limit
    start = mip_start(mip, lambda: SolveOptions(time_limit=deadline - time.perf_counter()))
    t_h = time.perf_counter() - t0
    trace = Trace(t0, mip.obj_scale)
    if start.x is not None:
        trace.found(start.objective, t_h)
        trace.bound_check(start.objective, start.bound, t_h)
    h = build_highs(mip)
    if start.x is not None:
        from suanli.solver.highs_backend import _solution
        h.setSolution(_solution(start.x))
    out = run_highs(h, mip.obj_scale, time_limit, t0, trace)
    if start.bound is not None and out["final_cost"] is not None:  # as solve.py: the tighter bound proven
        out["final_bound"] = max(out["final_bound"], start.bound * mip.obj_scale)
        out["final_gap"] = abs(out["final_cost"] - out["final_bound"]) / abs(out["final_cost"])
    return {"variant": "suanli", "heuristic_s": t_h, "heuristic": start.message,
            "heuristic_cost": None if start.x is None else start.objective * mip.obj_scale, **out}


def run_mps(sp, time_limit: float, label: str) -> dict:
    """Raw HiGHS reading the MPS file suanli writes (names and all)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "program.mps")
        write_model(sp, path, "mps")
        h = new_highs()
        with stdout_silenced():
            h.readModel(path)
        t0 = time.perf_counter()
        return {"variant": label, **run_highs(h, sp.obj_scale, time_limit, t0, Trace(t0, sp.obj_scale))}


def run_scip(sp, time_limit: float) -> dict:
    """SCIP (pyscipopt, bench-only: bench/requirements.txt) on the same MPS, one thread."""
    from pyscipopt import SCIP_EVENTTYPE, Eventhdlr, Model

    class Watch(Eventhdlr):
        def eventinit(self):
            self.model.catchEvent(SCIP_EVENTTYPE.BESTSOLFOUND | SCIP_EVENTTYPE.NODESOLVED, self)

        def eventexec(self, event):
            m = self.model
            if m.getNSols() > 0:
                best = m.getSolObjVal(m.getBestSol())
                if abs(best) < 1e19:
                    trace.found(best)
                    trace.bound_check(best, m.getDualbound())

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "program.mps")
        write_model(sp, path, "mps")
        m = Model()
        m.hideOutput()
        m.readProblem(path)
    m.setParam("limits/time", float(time_limit))
    m.setParam("parallel/maxnthreads", 1)
    t0 = time.perf_counter()
    trace = Trace(t0, sp.obj_scale)
    m.includeEventhdlr(Watch(), "gapwatch", "first plan and 1% gap")
    m.optimize()
    has = m.getNSols() > 0
    return {"variant": "scip-mps", "wall_s": time.perf_counter() - t0,
            "final_gap": float(m.getGap()) if has else None,
            "final_cost": float(m.getObjVal()) * sp.obj_scale if has else None,
            "final_bound": float(m.getDualbound()) * sp.obj_scale,
            "first_s": trace.first[0] if trace.first else None,
            "first_cost": trace.first[1] if trace.first else None,
            "gap_1pct_s": trace.gap_at, "nodes": int(m.getNNodes())}


def bench_spec(path: str, time_limit: float, variants: list[str]) -> dict:
    program = load(path)
    sp = lower(program)
    strong = with_site_use(sp)
    lp6, lp6_s = lp_value(sp)
    lps, lps_s = lp_value(strong)
    runs = []
    for v in variants:
        if v == "suanli":
            runs.append(run_suanli(sp, time_limit))
        elif v == "highs-mps":
            runs.append(run_mps(strong, time_limit, v))
        elif v == "highs-mps-6":
            runs.append(run_mps(sp, time_limit, v))
        elif v == "scip-mps":
            runs.append(run_scip(strong, time_limit))
    return {"spec": path, "integers": int(sp.integer.sum()), "site_use_rows": strong.nrow - sp.nrow,
            "lp6": lp6, "lp6_s": lp6_s, "lp_strong": lps, "lp_strong_s": lps_s, "runs": runs}


def markdown(results: list[dict], best_known: dict[str, float], time_limit: float) -> str:
    rows = ["| spec | variant | LP bound / best known | §6 LP / best known | §6 LP time (s) | first plan (s) "
            "| first plan / best known | first plan / LP bound | 1% gap (s) | final cost / best known "
            f"| proven gap at {time_limit:g} s |", "|" + "---|" * 11]
    for r in results:
        costs = [x["final_cost"] for x in r["runs"] if x["final_cost"] is not None]
        best = best_known.get(os.path.basename(r["spec"]), min(costs) if costs else float("nan"))
        r["best_known"] = best
        for x in r["runs"]:
            f = lambda v, d=3: "–" if v is None else f"{v:.{d}f}"
            ratio = lambda v: None if v is None else v / best
            rows.append(f"| {os.path.basename(r['spec'])} | {x['variant']} | {f(r['lp_strong'] / best, 4)} "
                        f"| {f(r['lp6'] / best, 4)} | {f(r['lp6_s'], 2)} | {f(x['first_s'], 2)} "
                        f"| {f(ratio(x['first_cost']), 4)} "
                        f"| {f(None if x['first_cost'] is None else x['first_cost'] / r['lp_strong'], 4)} "
                        f"| {f(x['gap_1pct_s'], 2)} | {f(ratio(x['final_cost']), 5)} "
                        f"| {_pct(x['final_gap'])} |")
    return "\n".join(rows) + "\n"


def _pct(v) -> str:
    return "–" if v is None else f"{100 * v:.3f}%"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("specs", nargs="+")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--variants", default="suanli,highs-mps,highs-mps-6")
    ap.add_argument("--best-known", action="append", default=[], metavar="FILE=COST",
                    help="a cost known from a longer run (spec file name = cost)")
    ap.add_argument("--lp-only", action="store_true",
                    help="only the LP bounds (deterministic): §6 with one large site M, §6, §6 + site_use")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--markdown", help="write the table here")
    args = ap.parse_args(argv)
    best = {k: float(v) for k, v in (b.split("=", 1) for b in args.best_known)}
    if args.lp_only:
        for spec in args.specs:
            program = load(spec)
            sp = lower(program)
            bounds = {"big_M": lp_value(lower(program, tight=False))[0], "section6": lp_value(sp)[0],
                      "site_use": lp_value(with_site_use(sp))[0]}
            print(json.dumps({"spec": spec, **bounds}))
        return 0
    results = []
    for spec in args.specs:
        results.append(bench_spec(spec, args.time_limit, args.variants.split(",")))
        print(f"{spec}: done", file=sys.stderr, flush=True)
    table = markdown(results, best, args.time_limit)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
