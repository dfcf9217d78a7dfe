"""Sweep and robust-plan benchmark (issue 15): what the engines cost.

    python bench/sweep.py [--cases 64] [--jobs 2] [--processes] [--out bench/SWEEP.md]

1. Sweep: the M spec (bench/generate.py M, seed 1), `cases` LP cases (`--relax`) from two grids
   (utilization x carbon price). Timed, each as its own process: `suanli sweep --jobs 1`
   (sequential, in one process) and `suanli sweep --jobs J` (the local pool). With
   `--processes`, also `cases` separate `suanli solve` processes, one after another (what a shell
   loop does). Target: the pool within 1.15x of sequential / J. The rows of both sweeps must be
   equal (solve_time_s aside), or the run exits 1.
2. Robust: four scenarios appended to the M spec (base, a price shock, 10% growth of every
   demand's compute, the cheapest western hub lost); `suanli solve --robust ... --relax` beside
   the four single `suanli solve --scenario S --relax` processes.

The machine may be shared: the load average before and after is in the report; compare ratios
of one run, not absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUANLI = [sys.executable, "-m", "suanli"]


CPU: dict[str, float] = {}  # command label -> user+sys seconds of the process and every process it reaped


def timed(cmd: list[str], label: str = "") -> float:
    """Wall seconds; the CPU seconds (the command and its pool workers) go to CPU[label]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if label:
        CPU[label] = CPU.get(label, 0.0) + (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode not in (0, 1):
        sys.exit(f"failed ({result.returncode}): {' '.join(map(str, cmd))}\n{result.stderr[-2000:]}")
    return wall


def grids(cases: int) -> list[str]:
    side = max(1, int(round(cases ** 0.5)))
    other = max(1, cases // side)
    util = ",".join(f"{60 + 3 * i}%" for i in range(side))
    carbon = ",".join(f"{10 * i} CNY/tCO2" for i in range(other))
    return ["--grid", f"settings.utilization={util}", "--grid", f"settings.carbon_price={carbon}"]


def sweep_rows(path: Path) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "solve_time_s"} for row in json.loads(path.read_text())]


def bench_sweep(spec: Path, out: Path, cases: int, jobs: int, processes: bool) -> dict:
    grid = grids(cases)
    base = [*SUANLI, "sweep", str(spec), *grid, "--relax", "--format", "json"]
    seq = timed(base + ["--jobs", "1", "-o", str(out / "sweep-seq.json")], "seq")
    par = timed(base + ["--jobs", str(jobs), "-o", str(out / "sweep-par.json")], "pool")
    rows = sweep_rows(out / "sweep-par.json")
    if rows != sweep_rows(out / "sweep-seq.json"):
        sys.exit("the pool's rows differ from the sequential rows")
    result = {"cases": len(rows), "jobs": jobs, "sequential_s": seq, "pool_s": par,
              "ratio": par / (seq / jobs), "statuses": sorted({r["status"] for r in rows})}
    if processes:
        start = time.perf_counter()
        for row in rows:
            cmd = [*SUANLI, "solve", str(spec), "--relax", "--format", "json", "-o", str(out / "one.json")]
            for item in row["overrides"]:
                cmd += ["--set", item]
            timed(cmd, "processes")
        result["processes_s"] = time.perf_counter() - start
        result["ratio_processes"] = par / (result["processes_s"] / jobs)
    return result


SCENARIOS = """
scenario price_shock {{
{prices}
}}
scenario growth {{
{growth}
}}
scenario hub_lost {{
  region.{lost}.max_nodes = 0
}}
"""


def robust_spec(spec: Path, out: Path) -> Path:
    text = spec.read_text(encoding="utf-8")
    regions = re.findall(r"^region (\w+) \{ power_price = ([0-9.]+) CNY/kWh;.*tags = \[([^\]]*)\]", text, re.M)
    west = sorted((float(p), r) for r, p, tags in regions if "west" in tags and "hub" in tags)
    prices = "\n".join(f"  region.{r}.power_price *= 1.5" for _, r in west[:4])
    demands = re.findall(r"^demand (\w+) \{[^}]*\bcompute = ", text, re.M)
    growth = "\n".join(f"  demand.{d}.compute *= 1.1" for d in demands)
    path = out / "M-robust.spec"
    path.write_text(text + SCENARIOS.format(prices=prices, growth=growth, lost=west[0][1]), encoding="utf-8")
    return path


def bench_robust(spec: Path, out: Path) -> dict:
    names = ["base", "price_shock", "growth", "hub_lost"]
    singles = {}
    for name in names:
        scenario = [] if name == "base" else ["--scenario", name]
        singles[name] = timed([*SUANLI, "solve", str(spec), *scenario, "--relax", "--format", "json",
                               "-o", str(out / f"single-{name}.json")], "singles")
    robust = timed([*SUANLI, "solve", str(spec), "--robust", ",".join(names), "--relax", "--format", "json",
                    "-o", str(out / "robust.json")], "robust")
    plan = json.loads((out / "robust.json").read_text())
    single_obj = {n: json.loads((out / f"single-{n}.json").read_text())["objective"] for n in names}
    return {"singles_s": singles, "singles_sum_s": sum(singles.values()), "robust_s": robust,
            "ratio": robust / sum(singles.values()), "robust_objective": plan["objective"],
            "status": plan["status"], "single_objectives": single_obj,
            "sub_objectives": {s["name"]: s["plan"]["objective"] for s in plan["scenarios"]}}


def report(sweep: dict, robust: dict, loads: tuple, command: str) -> str:
    s, r = sweep, robust
    lines = ["# Sweeps and robust plans: what the engines cost", "",
             f"Reproduce: `{command}` (M = bench/generate.py M --seed 1, LP cases: `--relax`).",
             f"Load average (1 min) before / after: {loads[0]:.2f} / {loads[1]:.2f} on {os.cpu_count()} cores "
             "(the machine was shared; ratios are from this one run).", "",
             "| sweep | wall s | CPU s (user+sys, workers included) |", "|---|---|---|",
             f"| {s['cases']} cases, `--jobs 1` (sequential, one process) | {s['sequential_s']:.1f} | {CPU['seq']:.1f} |",
             f"| {s['cases']} cases, `--jobs {s['jobs']}` (process pool) | {s['pool_s']:.1f} | {CPU['pool']:.1f} |"]
    if "processes_s" in s:
        lines.append(f"| {s['cases']} separate `suanli solve` processes | {s['processes_s']:.1f} | {CPU['processes']:.1f} |")
    cpu_ratio = CPU["pool"] / CPU["seq"]
    lines += ["", f"Pool vs sequential / {s['jobs']}, wall: **{s['ratio']:.2f}x** (target <= 1.15x: "
              f"{'met' if s['ratio'] <= 1.15 else 'missed'}); statuses {', '.join(s['statuses'])}.",
              f"The engine's overhead in CPU (what contention does not distort): the pool spends "
              f"**{cpu_ratio:.2f}x** the sequential CPU; on {s['jobs']} free cores its wall time would be about "
              f"{cpu_ratio:.2f}x sequential / {s['jobs']}."]
    if "processes_s" in s:
        lines.append(f"Pool vs separate processes / {s['jobs']}: **{s['ratio_processes']:.2f}x**.")
    lines += ["", "| robust (4 scenarios, LP) | wall s | objective |", "|---|---|---|"]
    for name, secs in r["singles_s"].items():
        lines.append(f"| `solve --scenario {name}` | {secs:.1f} | {r['single_objectives'][name]:,.0f} |")
    lines += [f"| sum of the 4 single solves | {r['singles_sum_s']:.1f} (CPU {CPU['singles']:.1f}) | |",
              f"| `solve --robust base,price_shock,growth,hub_lost` | {r['robust_s']:.1f} (CPU {CPU['robust']:.1f}) | "
              f"{r['robust_objective']:,.0f} (mean) |", "",
              f"Robust vs the 4 single solves together: **{r['ratio']:.2f}x** wall, "
              f"**{CPU['robust'] / CPU['singles']:.2f}x** CPU ({r['status']})."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=64)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--processes", action="store_true", help="also time one `suanli solve` process per case")
    ap.add_argument("--out", default=None, help="write the Markdown report here")
    args = ap.parse_args(argv)
    work = ROOT / "bench" / "out"
    work.mkdir(parents=True, exist_ok=True)
    spec = work / "M-sweep.spec"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "M", "--seed", "1", "-o", str(spec)],
                   check=True)
    before = os.getloadavg()[0]
    sweep = bench_sweep(spec, work, args.cases, args.jobs, args.processes)
    robust = bench_robust(robust_spec(spec, work), work)
    command = "python bench/sweep.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = report(sweep, robust, (before, os.getloadavg()[0]), command.strip())
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
