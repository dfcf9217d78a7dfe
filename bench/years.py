"""Multi-year build-out beside the single period (LANGUAGE.md §8), LP and MILP.

    python bench/years.py --size M --years 5 [--time-limit 600] [--out bench/YEARS.md]

Generates SIZE once as one period and once as a YEARS-year build-out
(`bench/generate.py --years`), solves each with `suanli solve` as an LP
(`--relax`) and as a MILP, and writes wall time, solver time, status,
objective and program size per case as a Markdown table. Run it alone:
times on a shared machine are only comparable within one run.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

PY = sys.executable


def solve(spec: Path, relax: bool, time_limit: float, out: Path) -> dict:
    cmd = [PY, "-m", "suanli", "solve", str(spec), "--format", "json", "-o", str(out), "--progress",
           "--time-limit", str(time_limit)] + (["--relax"] if relax else [])
    start = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    plan = json.loads(out.read_text()) if out.exists() else {}
    built = re.search(r"built the .*?: ([\d,]+) variables, ([\d,]+) rows", res.stderr)
    solver = re.search(r"solver=([\d.]+)", res.stderr)
    return {"wall": wall, "rc": res.returncode, "status": plan.get("status"),
            "objective": plan.get("objective"), "vars": built.group(1) if built else "-",
            "rows": built.group(2) if built else "-", "solver": float(solver.group(1)) if solver else None}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="M", choices=sorted(generate.SIZES))
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--workdir", default=str(HERE / "out"))
    ap.add_argument("--out", default=str(HERE / "YEARS.md"))
    args = ap.parse_args(argv)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for years in (0, args.years):
        spec = work / f"{args.size}-y{years}.spec"
        spec.write_text(generate.generate(args.size, args.seed, years), encoding="utf-8")
        for relax in (True, False):
            r = solve(spec, relax, args.time_limit, work / f"{args.size}-y{years}-{'lp' if relax else 'milp'}.json")
            label = "1 period" if years == 0 else f"{years} years"
            rows.append(f"| {args.size} | {label} | {'LP' if relax else 'MILP'} | {r['vars']} | {r['rows']} | "
                        f"{r['status']} | {r['objective']} | {r['solver'] if r['solver'] is not None else '-'} | "
                        f"{r['wall']:.1f} |")
            print(rows[-1], file=sys.stderr, flush=True)
    text = ["# Multi-year build-out beside the single period", "",
            f"`python bench/years.py --size {args.size} --years {args.years} --seed {args.seed} "
            f"--time-limit {args.time_limit:g}`, one run (times comparable only within it).", "",
            "| size | periods | program | variables | rows | status | objective | solver s | wall s |",
            "|---|---|---|---|---|---|---|---|---|", *rows, ""]
    Path(args.out).write_text("\n".join(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
