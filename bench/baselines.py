"""Hand-written baselines: LANGUAGE.md §6 with `--relax`, in PuLP and in linopy.

    python bench/baselines.py export SPEC -o DATA.pkl       # IR -> plain lists (untimed)
    python bench/baselines.py pulp   DATA.pkl [--json OUT]  # build + solve with HiGHS
    python bench/baselines.py linopy DATA.pkl [--json OUT]

`suanli.compiler.load` is used ONLY by `export`, to get the data out of the IR
into plain Python lists; the timed part (prep, build, solve) never imports
suanli. A .spec may be passed instead of a .pkl: it is exported first, outside
the timers.

The program is §6 with every variable continuous: x[d,r] for allowed regions,
y[j,r,t] for jobs, n[r,t], open[r] for regions with a site cost; compute per
region and class, job parallelism, storage, power caps (PUE), node counts,
sites n <= M*open, bandwidth per link direction along the paths, the requires
and `minimize cost`. Two choices are not fixed by §6 and follow suanli so that
the optimal values coincide (which is how the harness proves the three
programs are the same):
- presolve: x[d,r] / y[j,r,t] only where r can host d at all (its class has a
  type with compute there, and some storage if d needs storage);
- the site bound M (it decides the relaxed objective): as solver/families/sites.py
  documents, min(explicit caps, the demand bound), and for regions where more
  nodes can help a require the explicit caps alone (else max(1e6, 100 x the
  largest demand bound)).
Integrality (`--integrality`): `lp` (default) makes every variable continuous,
the LP relaxation; `spec` relaxes only n[r,t], as §6 literally says of
`--relax`, and keeps open, y and the x of `split = false` binary (a MIP, solved
to a 1e-6 relative gap like suanli). The harness picks the mode that matches
the integrality of the MPS `suanli solve --relax` writes.
Units are the ones a modeller would pick (TFLOPS, TB, kW, Gbps, MCNY), and
require rows are divided by their largest coefficient.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

T0 = time.perf_counter()  # as early as possible: imports count as "import"

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:  # the sibling modules: the bench is run as scripts, not a package
    sys.path.insert(0, HERE)

from baseline_linopy import build_linopy, linopy_size, solve_linopy  # noqa: E402
from baseline_prep import Prep, check_objective  # noqa: E402
from baseline_pulp import build_pulp, pulp_size, solve_pulp  # noqa: E402

__all__ = ["Prep", "build_linopy", "build_pulp", "export_data", "load_input", "run_model",
           "solve_linopy", "solve_pulp"]


# ======================================================= export (untimed) ==

def export_data(program) -> dict:
    """The IR as plain lists and dicts (SI units), nothing from suanli inside."""
    s = program.settings
    return {
        "H": s.horizon, "u": s.utilization, "carbon_price": s.carbon_price, "currency": s.currency,
        "regions": [dict(name=r.name, power_price=r.power_price, pue=r.pue,
                         carbon_intensity=r.carbon_intensity, renewable=r.renewable,
                         power_cap=r.power_cap, site_cost=r.site_cost, max_nodes=r.max_nodes)
                    for r in program.regions],
        "types": [dict(name=t.name, cls=t.cls, compute=t.compute, storage=t.storage, power=t.power,
                       capex=t.capex, lifetime=t.lifetime, opex=t.opex, regions=list(t.regions),
                       max_per_region=t.max_per_region) for t in program.node_types],
        "links": [(l.a, l.b, l.latency, l.transfer_cost, l.bandwidth) for l in program.links],
        "paths": {(p.origin, p.dest): (p.transfer_cost, list(p.hops)) for p in program.paths},
        "services": [(d.name, d.cls, d.compute, d.storage, d.origin, d.traffic, list(d.allowed_regions),
                      d.split)
                     for d in program.services],
        "jobs": [(j.name, j.cls, j.storage, j.origin, j.data, j.deadline, list(j.allowed_regions),
                  [(o.node_type, o.nodes, o.consumed) for o in j.options]) for j in program.jobs],
        "requires": [(_terms(row.expr), row.lower, row.upper, row.expr.constant)
                     for st in program.statements if st.kind == "require" for row in st.rows],
        "objective": (program.objective.sense, _terms(program.objective.expr),
                      program.objective.expr.constant),
    }


def _terms(expr) -> list[tuple]:
    return [(t.coef, t.metric.kind, t.metric.regions, t.metric.node_types, t.metric.target)
            for t in expr.terms]


def load_input(path: str) -> tuple[dict, float]:
    """(data, seconds to read it); a .spec is compiled and exported first."""
    t = time.perf_counter()
    if path.endswith(".spec"):
        import suanli.compiler

        data = export_data(suanli.compiler.load(path))
    else:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
    return data, time.perf_counter() - t


# ====================================================================== CLI ==

def run_model(kind: str, path: str, integrality: str = "lp") -> dict:
    t_import = time.perf_counter() - T0
    if kind == "pulp":
        import pulp  # noqa: F401  (import cost counted separately)
    else:
        import linopy  # noqa: F401
    t_lib = time.perf_counter() - T0 - t_import
    data, t_load = load_input(path)
    check_objective(data)
    t = time.perf_counter()
    prep = Prep(data, integrality)
    t_prep = time.perf_counter() - t
    t = time.perf_counter()
    model = build_pulp(prep) if kind == "pulp" else build_linopy(prep)
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    status, objective = solve_pulp(model) if kind == "pulp" else solve_linopy(model)
    t_solve = time.perf_counter() - t
    size = pulp_size(model) if kind == "pulp" else linopy_size(model)
    timed = t_prep + t_build + t_solve
    return {"baseline": kind, "integrality": integrality, "status": status, "objective": objective, **size,
            "timings": {"interpreter_imports": t_import + t_lib, "load_data": t_load, "prep": t_prep,
                        "build": t_build, "solve": t_solve, "model_total": timed}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="hand-written PuLP / linopy baselines")
    ap.add_argument("kind", choices=("export", "pulp", "linopy"))
    ap.add_argument("input", help=".spec (compiled here, untimed) or .pkl from `export`")
    ap.add_argument("-o", "--output", help="export: the .pkl to write")
    ap.add_argument("--json", help="write the result JSON here (default: stdout)")
    ap.add_argument("--integrality", choices=("lp", "spec"), default="lp",
                    help="lp: all continuous; spec: only n relaxed (see the module doc)")
    args = ap.parse_args(argv)
    if args.kind == "export":
        data, seconds = load_input(args.input)
        with open(args.output, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        print(json.dumps({"export_seconds": seconds}))
        return 0
    from benchio import write_result  # beside this script, which runs as `python bench/baselines.py`

    write_result(run_model(args.kind, args.input, args.integrality), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())