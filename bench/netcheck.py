"""The link-heavy compile benchmark: `suanli check` (and optionally `solve`) of the NET spec.

    python bench/netcheck.py --seed 1 --repeat 3            # check: wall, CPU, peak RSS
    python bench/netcheck.py --seed 1 --solve 300           # also one solve, 300 s limit

NET (bench/netgen.py) is facility location shaped like OR-Library capa/b/c:
100 facility regions, 1,000 customer regions with one demand each, a link for every
customer-facility pair (100,000 links, ~6.8 MB). Each number is a separate process,
started cold; peak RSS is the child's ru_maxrss. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import netgen  # noqa: E402


def _run(args: list[str]) -> tuple[float, float, float, subprocess.CompletedProcess]:
    """(wall s, CPU s, peak RSS MB, result) of one child process, measured on its own."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "suanli", *args], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024, done  # ru_maxrss: KB on Linux, max over children


def check_rows(spec: Path, repeat: int) -> list[tuple[float, float, float]]:
    rows = []
    for _ in range(repeat):
        wall, cpu, rss, done = _run(["check", str(spec)])
        if done.returncode != 0:
            sys.exit(f"check failed ({done.returncode}): {done.stderr[-2000:]}")
        rows.append((wall, cpu, rss))
    return rows


def solve_row(spec: Path, limit: float, out: Path) -> str:
    wall, cpu, rss, done = _run(["solve", str(spec), "--time-limit", str(limit), "--progress", "-o", str(out)])
    plan = json.loads(out.read_text()) if out.exists() else {}
    stages = [l for l in done.stderr.splitlines() if "timings" in l]
    return (f"| solve --time-limit {limit:g} | exit {done.returncode} | status {plan.get('status')} | "
            f"objective {plan.get('objective')} | gap {plan.get('gap')} | wall {wall:.1f} s | CPU {cpu:.1f} s | "
            f"peak RSS {rss:.0f} MB |\n\n{stages[-1] if stages else ''}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--solve", type=float, metavar="SECONDS", help="also run one solve with this time limit")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "net.spec"
        spec.write_text(netgen.generate_shape("NET", args.seed), encoding="utf-8")
        rows = check_rows(spec, args.repeat)
        size = spec.stat().st_size / 1e6
        print(f"NET seed {args.seed}: {size:.2f} MB, {args.repeat} runs, load average "
              f"{os.getloadavg()[0]:.1f}\n")
        print("| command | wall (median) | CPU (median) | peak RSS (max) |\n|---|---|---|---|")
        print(f"| suanli check | {statistics.median(r[0] for r in rows):.2f} s | "
              f"{statistics.median(r[1] for r in rows):.2f} s | {max(r[2] for r in rows):.0f} MB |")
        if args.solve:
            print("\n" + solve_row(spec, args.solve, Path(tmp) / "plan.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
