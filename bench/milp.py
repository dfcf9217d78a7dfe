"""The MILP at a size: time to the first feasible plan and to a 1% gap, with
and without suanli's formulation tightening (the smallest provable big-M per
site row, against one large M for all).

    python bench/milp.py bench/out/M.spec [--time-limit 600] [--json OUT]

Each variant is compiled and lowered by suanli (not relaxed), handed to HiGHS
(one thread, as `suanli solve` runs it) with a callback on every improving
solution, and stopped at a 1% relative gap or the time limit. Times are from
the start of `run()`; compile and lowering are not counted (bench/run.py
measures them).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from suanli.compiler.pipeline import load
from suanli.solver.highs_backend import build_highs
from suanli.solver.lower import lower

GAP = 0.01


def site_m_summary(sp) -> dict:
    site = next((f for f in sp.row_families if f.kind == "site"), None)
    if site is None:
        return {"site_rows": 0}
    m = site.meta["M"]
    return {"site_rows": int(len(m)), "M_median": float(np.median(m)), "M_max": float(m.max())}


def lp_bound(program, tight: bool) -> float:
    """The LP relaxation's optimum: how much the site rows' M weakens the bound."""
    sp = lower(program, relax=True, tight=tight)
    h = build_highs(sp)
    h.setOptionValue("threads", 1)
    h.run()
    return float(h.getInfo().objective_function_value) * sp.obj_scale


def run_variant(program, tight: bool, time_limit: float) -> dict:
    sp = lower(program, relax=False, tight=tight)
    h = build_highs(sp)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", GAP)
    events: list[float] = []  # seconds of each improving solution
    reached: list[float] = []  # when the gap first was <= GAP (HiGHS checks its own gap late in the root)
    t0 = time.perf_counter()

    def on_improving(event):
        events.append(time.perf_counter() - t0)

    def on_interrupt(event):
        data = event.data_out
        inc, bound = data.mip_primal_bound, data.mip_dual_bound
        if not reached and abs(inc) < 1e300 and abs(inc - bound) <= GAP * max(abs(inc), 1e-9):
            reached.append(time.perf_counter() - t0)
            event.interrupt()  # stop: the question is answered

    h.HandleUserInterrupt = True
    h.cbMipImprovingSolution += on_improving
    h.cbMipInterrupt += on_interrupt
    h.run()
    wall = time.perf_counter() - t0
    info = h.getInfo()
    return {"tight": tight, **site_m_summary(sp), "integers": int(sp.integer.sum()),
            "lp_bound": lp_bound(program, tight),
            "status": h.modelStatusToString(h.getModelStatus()),
            "first_feasible_s": events[0] if events else None,
            "gap_1pct_s": reached[0] if reached else (wall if info.mip_gap <= GAP else None),
            "final_gap": float(info.mip_gap), "objective": float(info.objective_function_value) * sp.obj_scale,
            "nodes": int(info.mip_node_count), "wall_s": wall, "improvements": len(events)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("spec")
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--json", help="write the results here (default: stdout)")
    ap.add_argument("--lp-only", action="store_true", help="only the LP bounds (seconds, deterministic)")
    args = ap.parse_args(argv)
    program = load(args.spec)
    if args.lp_only:
        results = [{"tight": tight, "lp_bound": lp_bound(program, tight)} for tight in (True, False)]
    else:
        results = [run_variant(program, tight, args.time_limit) for tight in (True, False)]
    text = json.dumps(results, indent=1)
    if args.json:
        with open(args.json, "w") as fh:
            fh.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
