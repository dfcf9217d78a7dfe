"""Near-optimal bench (issue 18): the plain solve beside `--near-optimal METRIC` and
`--alternatives K`, each extra solve timed on its own, in one run.

    python bench/near.py SPEC [--gap 1e-2] [--time-limit SECONDS] [--metric 'compute(west)']
                              [--slack 5%] [--alternatives 3] [--alt-slack 10%]

Stage times come from `suanli solve --progress`'s last line (`suanli: timings ...`):
the plain solve is `build` + `heuristic` + `solver` (+ `solver_retry`) + `postsolve` +
`report_verify` (from the lowered program to the verified plan: what each extra solve
does again, on the same program); `near_optimal` holds the two extra solves (minimum
and maximum); `alternatives` holds 2 solves per alternative (score, then the cheaper
plan among equal scores). Target: each extra solve takes no longer than the plain
optimal solve. --time-limit applies to each solve (the plain one included); without it each
extra solve runs to its gap.
Prints a Markdown table; `gap` is each embedded plan's proven gap on its own objective.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys


PLAIN_STAGES = ("build", "heuristic", "solver", "solver_retry", "postsolve", "report_verify")


def gaps(*plans) -> str:
    return ", ".join("-" if p is None else f"{p['status']} {100 * (p.get('gap') or 0):.2g}%" for p in plans)


def timed(spec: str, extra: list[str], common: list[str]) -> tuple[dict, dict]:
    cmd = [sys.executable, "-m", "suanli", "solve", spec, "--format", "json", "--progress", *common, *extra]
    out = subprocess.run(cmd, capture_output=True, text=True)
    line = next(l for l in out.stderr.splitlines() if l.startswith("suanli: timings"))
    times = {k: float(v) for k, v in (p.split("=") for p in line.split()[2:])}
    return times, json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("--gap", default="1e-2")
    ap.add_argument("--time-limit", default=None)
    ap.add_argument("--metric", default="compute(west)")
    ap.add_argument("--slack", default="5%")
    ap.add_argument("--alternatives", default="3")
    ap.add_argument("--alt-slack", default="10%")
    a = ap.parse_args()
    common = ["--gap", a.gap] + (["--time-limit", a.time_limit] if a.time_limit else [])
    plain, p0 = timed(a.spec, [], common)
    near, p1 = timed(a.spec, ["--near-optimal", a.metric, "--slack", a.slack], common)
    alts, p2 = timed(a.spec, ["--alternatives", a.alternatives, "--slack", a.alt_slack], common)
    base = sum(plain.get(k, 0.0) for k in PLAIN_STAGES)
    n_alt = len(p2.get("alternatives") or [])
    per_near = near.get("near_optimal", 0.0) / 2
    per_alt = alts.get("alternatives", 0.0) / max(1, 2 * n_alt + (1 if n_alt < int(a.alternatives) else 0))
    rng = p1["near_optimal"]
    alt_plans = [x["plan"] for x in p2.get("alternatives") or []]
    print(f"| run | objective | extra solves (status, gap) | time per extra solve (s) | / plain solve ({base:.1f} s) |")
    print("|---|---|---|---|---|")
    print(f"| plain | {p0['objective']:.6g} | - ({gaps(p0)}) | - | - |")
    print(f"| --near-optimal '{a.metric}' --slack {a.slack}: {rng['min']['value']:.6g} .. "
          f"{rng['max']['value']:.6g} {rng['unit']} | {p1['objective']:.6g} | 2 "
          f"({gaps(rng['min']['plan'], rng['max']['plan'])}) | {per_near:.1f} | {per_near / base:.2f}x |")
    print(f"| --alternatives {a.alternatives} --slack {a.alt_slack}: {n_alt} found | {p2['objective']:.6g} | "
          f"{2 * n_alt} ({gaps(*alt_plans)}) | {per_alt:.1f} | {per_alt / base:.2f}x |")


if __name__ == "__main__":
    main()
