"""The LP at scale (issue 11): column generation against highspy on the full MPS.

    python bench/lp_columns.py M --seeds 1 2 3 [--full] [--strengthened full|columns|both]
    python bench/lp_columns.py L --seeds 1 --direct-json /tmp/cg/L1_direct.json

Per seed, in one run: the spec (bench/generate.py), its LP exported as MPS
(`suanli solve --relax --write-mps`) and solved by highspy alone
(bench/highs_direct.py; or an earlier result of it, --direct-json), then
`suanli solve --relax --lp columns` (and `--lp full` with --full) as whole
processes. Prints one Markdown row per seed: times, the ratio of suanli's
whole command to highspy's read + solve, objectives (the MPS's rescaled) and
their relative difference. --strengthened also times, in this process, the
LP of the strengthened MILP (solver/strengthen.py) that the MIP start rounds:
HiGHS on the full LP and/or column generation.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - t, res


def suanli(*args: str) -> list[str]:
    return [sys.executable, "-m", "suanli", *args]


def relax_solve(spec: str, mode: str, out: str) -> dict:
    """`suanli solve --relax --lp MODE`: wall time, the solver stage, objective, rounds."""
    wall, res = run(suanli("solve", spec, "--relax", "--lp", mode, "--progress", "-o", out))
    if res.returncode != 0:
        raise SystemExit(f"suanli --lp {mode} failed ({res.returncode}): {res.stderr[-2000:]}")
    stage = re.search(r"solver=([\d.]+)", res.stderr)
    rounds = re.search(r"column generation: (\d+) rounds, ([\d,]+) of", res.stderr)
    with open(out) as fh:
        objective = json.load(fh)["objective"]
    return {"wall": wall, "solver": float(stage.group(1)) if stage else None, "objective": objective,
            "rounds": rounds.group(1) if rounds else "-", "columns": rounds.group(2) if rounds else "-"}


def direct(spec: str, tmp: str, reuse: str | None) -> dict:
    """highspy alone on the exported MPS (or the JSON of an earlier such run)."""
    if reuse:
        with open(reuse) as fh:
            return {**json.load(fh), "reused": reuse}
    mps = os.path.join(tmp, "program.mps")
    _, res = run(suanli("solve", spec, "--relax", "--write-mps", mps, "--time-limit", "0.01"))
    if not os.path.isfile(mps):
        raise SystemExit(f"no MPS written: {res.stderr[-2000:]}")
    out = os.path.join(tmp, "direct.json")
    _, res = run([sys.executable, os.path.join(HERE, "highs_direct.py"), mps, "--json", out])
    os.remove(mps)
    if res.returncode != 0:
        raise SystemExit(f"highs_direct failed: {res.stderr[-2000:]}")
    with open(out) as fh:
        return json.load(fh)


def rescale(value: float, reference: float) -> float:
    """The MPS objective is cost / 10^k (suanli scales it): k from suanli's objective."""
    k = round(math.log10(abs(reference / value))) if value else 0
    return value * 10.0 ** k


def strengthened(spec: str, which: str) -> dict:
    """The strengthened MILP's LP relaxation: full HiGHS and/or column generation (seconds, objective)."""
    from suanli import api
    from suanli.solver import colgen_solve
    from suanli.solver.backend import SolveOptions
    from suanli.solver.highs_backend import HighsBackend
    from suanli.solver.lower import lower
    from suanli.solver.strengthen import with_site_use

    mip = with_site_use(lower(api.load(spec)))
    out = {}
    if which in ("columns", "both"):
        t = time.perf_counter()
        res = colgen_solve.solve_lp(mip, SolveOptions)
        out["columns"] = (time.perf_counter() - t, res.objective)
    if which in ("full", "both"):
        lp = mip.replace(integer=np.zeros(mip.ncol, dtype=bool))
        t = time.perf_counter()
        res = HighsBackend().solve(lp, SolveOptions())
        out["full"] = (time.perf_counter() - t, res.objective)
    return out


def one_seed(size: str, seed: int, args) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, f"{size}{seed}.spec")
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), size, "--seed", str(seed), "-o", spec],
                       check=True)
        d = direct(spec, tmp, args.direct_json)
        cols = relax_solve(spec, "columns", os.path.join(tmp, "columns.json"))
        full = relax_solve(spec, "full", os.path.join(tmp, "full.json")) if args.full else None
        lp = strengthened(spec, args.strengthened) if args.strengthened else {}
    return row(size, seed, d, cols, full, lp)


def row(size: str, seed: int, d: dict, cols: dict, full: dict | None, lp: dict) -> str:
    t_direct = d["timings"]["read"] + d["timings"]["solve"]
    obj_direct = rescale(d["objective"], cols["objective"])
    rel = abs(cols["objective"] - obj_direct) / abs(obj_direct)
    cells = [f"{size} seed {seed}", f"{d['timings']['solve']:.1f}", f"{t_direct:.1f}",
             f"{cols['solver']:.1f}", f"{cols['wall']:.1f}", f"{cols['wall'] / t_direct:.2f}",
             f"{cols['rounds']} / {cols['columns']}",
             f"{full['wall']:.1f}" if full else "-",
             f"{cols['objective']:.12g}", f"{obj_direct:.12g}", f"{rel:.1e}"]
    for key in ("full", "columns"):
        cells.append(f"{lp[key][0]:.1f} ({lp[key][1]:.10g})" if key in lp else "-")
    if "reused" in d:
        cells[0] += " (direct reused)"
    return "| " + " | ".join(cells) + " |"


HEADER = ("| program | highspy solve | highspy read+solve | suanli LP (columns) | suanli --relax --lp columns, "
          "whole command | ratio to highspy read+solve | rounds / columns | suanli --relax --lp full | "
          "objective (columns) | objective (highspy, rescaled) | rel. diff | strengthened LP full (obj.) | "
          "strengthened LP columns (obj.) |\n|" + "---|" * 13)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("size")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--full", action="store_true", help="also `suanli solve --relax --lp full` (slow at L)")
    ap.add_argument("--direct-json", help="a bench/highs_direct.py result of this program to reuse (one seed)")
    ap.add_argument("--strengthened", choices=("full", "columns", "both"),
                    help="also time the strengthened MILP's LP (in this process)")
    args = ap.parse_args(argv)
    if args.direct_json and len(args.seeds) != 1:
        ap.error("--direct-json goes with one seed")
    print(HEADER, flush=True)
    for seed in args.seeds:
        print(one_seed(args.size, seed, args), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
