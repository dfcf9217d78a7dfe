"""Near-optimal bench (issue 18): the plain solve beside `--near-optimal METRIC` and
`--alternatives K`, each extra solve timed on its own, in one run.

    python bench/near.py SPEC [--gap 1e-2] [--time-limit 120] [--metric 'compute(west)']
                              [--slack 5%] [--alternatives 3] [--alt-slack 10%]

Stage times come from `suanli solve --progress`'s last line (`suanli: timings ...`):
`solver` (+ `heuristic`) is the optimal solve; `near_optimal` holds the two extra solves
(minimum and maximum); `alternatives` holds 2 solves per alternative (score, then the
cheaper plan among equal scores). Target: each extra solve takes no longer than the plain
optimal solve. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys


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
    ap.add_argument("--time-limit", default="120")
    ap.add_argument("--metric", default="compute(west)")
    ap.add_argument("--slack", default="5%")
    ap.add_argument("--alternatives", default="3")
    ap.add_argument("--alt-slack", default="10%")
    a = ap.parse_args()
    common = ["--gap", a.gap, "--time-limit", a.time_limit]
    plain, p0 = timed(a.spec, [], common)
    near, p1 = timed(a.spec, ["--near-optimal", a.metric, "--slack", a.slack], common)
    alts, p2 = timed(a.spec, ["--alternatives", a.alternatives, "--slack", a.alt_slack], common)
    base = plain.get("solver", 0.0) + plain.get("heuristic", 0.0)
    n_alt = len(p2.get("alternatives") or [])
    per_near = near.get("near_optimal", 0.0) / 2
    per_alt = alts.get("alternatives", 0.0) / max(1, 2 * n_alt + (1 if n_alt < int(a.alternatives) else 0))
    rng = p1["near_optimal"]
    print(f"| run | objective | extra solves | time per extra solve (s) | / plain solve ({base:.1f} s) |")
    print("|---|---|---|---|---|")
    print(f"| plain (gap {p0.get('gap')}) | {p0['objective']:.6g} | - | - | - |")
    print(f"| --near-optimal '{a.metric}' --slack {a.slack}: {rng['min']['value']:.6g} .. "
          f"{rng['max']['value']:.6g} {rng['unit']} | {p1['objective']:.6g} | 2 | {per_near:.1f} | "
          f"{per_near / base:.2f}x |")
    print(f"| --alternatives {a.alternatives} --slack {a.alt_slack}: {n_alt} found | {p2['objective']:.6g} | "
          f"{2 * n_alt} | {per_alt:.1f} | {per_alt / base:.2f}x |")


if __name__ == "__main__":
    main()
