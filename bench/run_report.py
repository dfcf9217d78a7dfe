"""The harness's report: bench/RESULTS.md (targets, then the tables behind them)
from the measured `SizeBench`es of bench/run.py.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import generate

if TYPE_CHECKING:
    from run import SizeBench

ROOT = Path(__file__).resolve().parent.parent
# Exit codes whose timings count: suanli's 1 (assert failed), 3 (infeasible) and
# 4 (no plan / failed verification) still ran the whole pipeline; 2, 70 (internal
# error), signals and timeouts did not, and are left out of the medians.
COUNTED = {0, 1, 3, 4}

def fmt_s(x) -> str:
    if x is None:
        return "–"
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def fmt_ratio(x) -> str:
    return "–" if x is None else f"{x:.2f}×"


def ratio(a, b):
    return a / b if a is not None and b else None


def versions() -> str:
    out = []
    for mod in ("highspy", "pulp", "linopy", "numpy"):
        try:
            from importlib.metadata import version

            out.append(f"{mod} {version(mod if mod != 'pulp' else 'PuLP')}")
        except Exception:
            out.append(f"{mod} (not installed)")
    return ", ".join(out)


def git_rev() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
        return rev + (" (working tree with uncommitted changes)" if dirty.strip() else "")
    except OSError:
        return "unknown"


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def report(benches: list[SizeBench], args, started: str) -> str:
    when = "; ".join(f"{b.size} measured from {b.info.get('started', '?')}"
                     + (f" (load average {b.info['load_start']:.1f})" if b.info.get("load_start") is not None else "")
                     for b in benches)
    L = ["# suanli benchmark results", "",
         f"Report written {time.strftime('%Y-%m-%d %H:%M')} ({started}) on {cpu()}, {os.cpu_count()} cores, "
         f"Python {platform.python_version()}, {versions()}; commit {git_rev()}.", "",
         f"{when}. The load average is that of the whole machine: other processes may share its cores.", "",
         "Reproduce (from the repository root):", "", "```sh", *reproduce_lines(benches, args), "```", "",
         "Sizes measured by separate invocations can be put in one table with `--report-only` "
         "(it reads bench/out/SIZE.runs.jsonl); each size's ratios always come from one invocation.", "",
         "Medians over the `runs` rounds of each size; every number is a separate process, started cold, reading its input "
         "from disk and writing its result to disk. `suanli solve ... --relax` is the LP relaxation with HiGHS.", ""]
    solved = [b for b in benches if b.runs.get("solve")]  # check-only sizes have no solve table rows
    L += targets_table(benches) + [""]
    L += size_table(solved) + [""] + stage_table(solved) + [""] + compare_table(solved) + [""]
    L += objective_table(solved) + [""] + throughput_table(benches) + [""] + check_table(benches) + [""]
    L += notes(benches)
    return "\n".join(L) + "\n"


# (size, what, numerator run, denominator run, bound, "<=" or ">=", issue's wording)
TARGETS = [
    ("L", "suanli / highspy-direct", "solve", "highs", 1.5, "<=", "≤ 1.5×"),
    ("XL", "suanli / highspy-direct", "solve", "highs", 1.3, "<=", "≤ 1.3×, within 10 min"),
    ("M", "PuLP / suanli", "pulp", "solve", 2.0, ">=", "≥ 2× (suanli faster)"),
    ("L", "PuLP / suanli", "pulp", "solve", 2.0, ">=", "≥ 2× (suanli faster)"),
    ("M", "linopy / suanli", "linopy", "solve", 1.0, ">", "> 1 (suanli faster)"),
    ("L", "linopy / suanli", "linopy", "solve", 1 / 1.2, ">=", "≥ 1/1.2 (suanli within 1.2×)"),
]


def targets_table(benches) -> list[str]:
    """Every target of the issue, met or missed, from this report's medians."""
    by_size = {b.size: b for b in benches}
    L = ["## Targets", "", "| size | ratio | target | measured | runs (num / den) | verdict |", "|---|---|---|---|---|---|"]
    for size, what, num, den, bound, op, wording in TARGETS:
        b = by_size.get(size)
        value = None if b is None else ratio(b.med(num), b.med(den))
        runs = "–" if b is None else f"{len(b.counted(num))} / {len(b.counted(den))}"
        if value is None:
            verdict = "not measured"
        else:
            met = value <= bound if op == "<=" else value >= bound if op == ">=" else value > bound
            verdict = "met" if met else "**missed**"
        L.append(f"| {size} | {what} | {wording} | {fmt_ratio(value)} | {runs} | {verdict} |")
    py = [r.wall for b in benches for r in b.counted("python")]
    ex = [r.wall for b in benches for r in b.counted("check_example")]
    if py and ex:
        value = statistics.median(ex) / statistics.median(py)
        L.append(f"| – | `suanli check` example / `python -c pass` | ≤ 10× | {value:.1f}× | {len(ex)} / {len(py)} | "
                 f"{'met' if value <= 10 else '**missed**'} |")
    return L


def reproduce_lines(benches, args) -> list[str]:
    """The command of each invocation behind this report (--report-only merges several)."""
    this = (f"python bench/run.py --sizes {args.sizes} --repeat {args.repeat} --seed {args.seed}"
            f"{_extra_flags(args)} --out {args.out}")
    commands = list(dict.fromkeys(b.info.get("command", this) for b in benches))
    if args.report_only:
        commands.append(this + " --report-only")
    return ["pip install -r bench/requirements.txt"] + commands


def _extra_flags(args) -> str:
    out = ""
    for flag in ("skip", "check_only", "baseline_rounds", "timeout"):
        value = getattr(args, flag, None)
        if value not in (None, ""):
            out += f" --{flag.replace('_', '-')} {value}"
    return out


def size_table(benches) -> list[str]:
    L = ["## Instances", "", "| size | regions | node types | demands | spec | variables | rows | non-zeros | "
         "integer columns | suanli exit |", "|---|---|---|---|---|---|---|---|---|---|"]
    for b in benches:
        r, t, d = generate.SIZES[b.size]
        h = b.info.get("mps") or b.last("highs") or {}
        L.append(f"| {b.size} | {r} | {t} | {d:,} | {b.info['spec_bytes'] / 1e6:.2f} MB | {h.get('vars', '–'):,} | "
                 f"{h.get('rows', '–'):,} | {h.get('nnz', '–'):,} | {b.info['integers']} | "
                 f"{', '.join(map(str, sorted({r.rc for r in b.runs['solve']})))} |")
    L += ["", "Variables, rows and non-zeros are those of the MPS `suanli solve --relax --write-mps` exports."]
    return L


STAGE_TITLES = {"interpreter": "interpreter", "imports": "imports", "read_parse": "read+parse",
                "compile": "compile to IR", "build": "build program", "solver": "solver",
                "postsolve": "tie-break+polish+duals", "report_verify": "extract+verify", "emit": "write plan",
                "extract_verify_emit": "extract+verify+emit"}


def stage_table(benches) -> list[str]:
    """One column per stage: the probe's fixed stages, or whatever keys the plan's `timings` has."""
    keys = []
    for b in benches:
        keys += [k for k in b.stages() if k not in keys and k != "total"]
    L = ["## `suanli solve --relax`: where the time goes (seconds, medians)", "",
         "| size | " + " | ".join(STAGE_TITLES.get(k, k) for k in keys) + " | total (process) | peak RSS |",
         "|---" * (len(keys) + 3) + "|"]
    for b in benches:
        s = b.stages()
        rss = b.med("solve", "rss_mb")
        L.append(f"| {b.size} | " + " | ".join(fmt_s(s.get(k)) for k in keys)
                 + f" | {fmt_s(b.med('solve'))} | {'–' if rss is None else f'{rss:.0f} MB'} |")
    L += ["", "Stages come from the last line of the measured run itself: `suanli solve --progress` ends with "
          "`suanli: timings stage=seconds ...` (interpreter = `python -c pass`, measured apart; imports = from "
          "the CLI's first import to the solver stack loaded; solver = the first HiGHS solve; tie-break+polish+duals "
          "= the warm re-runs of the same HiGHS model). Runs without that line fall back to bench/probe.py, which "
          "runs the same CLI in-process with timers around the pipeline functions."]
    return L


def compare_table(benches) -> list[str]:
    L = ["## suanli against the baselines (seconds, medians; whole processes)", "",
         "| size | runs | suanli solve | highspy-direct | PuLP | linopy | suanli / highspy | PuLP / suanli | "
         "linopy / suanli | peak RSS suanli / highspy / PuLP / linopy |", "|---|---|---|---|---|---|---|---|---|---|"]
    for b in benches:
        s, h, p, l = (b.med(k) for k in ("solve", "highs", "pulp", "linopy"))
        mem = " / ".join("–" if b.med(k, "rss_mb") is None else f"{b.med(k, 'rss_mb'):.0f}"
                         for k in ("solve", "highs", "pulp", "linopy"))
        L.append(f"| {b.size} | {len(b.runs.get('solve', []))} | {fmt_s(s)} | {fmt_s(h)} | {fmt_s(p)} | {fmt_s(l)} | {fmt_ratio(ratio(s, h))} | "
                 f"{fmt_ratio(ratio(p, s))} | {fmt_ratio(ratio(l, s))} | {mem} MB |")
    L += ["", "Inside the baseline processes (model time, excluding interpreter, imports and reading the data):", "",
          "| size | highspy read MPS | highspy solve | PuLP prep+build | PuLP solve | linopy prep+build | linopy solve |",
          "|---|---|---|---|---|---|---|"]
    for b in benches:
        pb = _sum(b.med("pulp", "timings.prep"), b.med("pulp", "timings.build"))
        lb = _sum(b.med("linopy", "timings.prep"), b.med("linopy", "timings.build"))
        L.append(f"| {b.size} | {fmt_s(b.med('highs', 'timings.read'))} | {fmt_s(b.med('highs', 'timings.solve'))} | "
                 f"{fmt_s(pb)} | {fmt_s(b.med('pulp', 'timings.solve'))} | {fmt_s(lb)} | "
                 f"{fmt_s(b.med('linopy', 'timings.solve'))} |")
    L += ["", "Targets (issue): L: suanli ≤ 1.5× highspy-direct, XL ≤ 1.3×; M and L: PuLP / suanli ≥ 2; "
          "linopy / suanli > 1 at M and ≥ 1/1.2 at L."]
    return L


def _sum(*xs):
    return None if any(x is None for x in xs) else sum(xs)


def objective_table(benches) -> list[str]:
    L = ["## Objectives (the proof that all four solve the same program)", "",
         "| size | suanli plan | highspy (MPS, rescaled) | PuLP | linopy | largest relative difference | agree (1e-6) |",
         "|---|---|---|---|---|---|---|"]
    for b in benches:
        o = b.objectives()
        ok, worst = b.agreement()
        cell = lambda v: "–" if v is None else f"{v:.10g}"
        L.append(f"| {b.size} | {cell(o['suanli'])} | {cell(o['highs'])} | {cell(o['pulp'])} | {cell(o['linopy'])} | "
                 f"{worst:.1e} | {'yes' if ok else '**NO**'} |")
    return L


def throughput_table(benches) -> list[str]:
    """Spec megabytes per second through read + parse + compile."""
    L = ["## Parse + compile throughput", "",
         "| size | spec | `suanli check` (whole process) | MB/s | read+parse+compile inside `solve` | MB/s |",
         "|---|---|---|---|---|---|"]
    for b in benches:
        mb = b.info["spec_bytes"] / 1e6
        check = b.med("check")
        inside = _sum(b.med("solve", "timings.read_parse"), b.med("solve", "timings.compile")) \
            if b.runs.get("solve") else None
        rate = lambda s: "–" if not s else f"{mb / s:.2f}"
        L.append(f"| {b.size} | {mb:.2f} MB | {fmt_s(check)} | {rate(check)} | {fmt_s(inside)} | {rate(inside)} |")
    L += ["", "`suanli check` includes interpreter start and imports; the in-`solve` figure is the sum of the "
          "read_parse and compile stages of `--progress`."]
    return L


def check_table(benches) -> list[str]:
    ex = statistics.median([r.wall for b in benches for r in b.counted("check_example")] or [math.nan])
    py = statistics.median([r.wall for b in benches for r in b.counted("python")])
    L = ["## `suanli check` of LANGUAGE.md's example (specs/example.spec)", "",
         "| `python -c pass` | `suanli check specs/example.spec` | ratio | target |", "|---|---|---|---|",
         f"| {py:.3f} s | {ex:.3f} s | {ex / py:.1f}× | ≤ 10× |", "",
         "`suanli check` of the generated specs: " + ", ".join(f"{b.size} {fmt_s(b.med('check'))} s" for b in benches)
         + "."]
    return L


def notes(benches) -> list[str]:
    L = ["## Notes", ""]
    for b in benches:
        bad = {k: sorted({r.rc for r in runs if r.rc}) for k, runs in b.runs.items()}
        bad = {k: v for k, v in bad.items() if v}
        if bad:
            L.append(f"- {b.size}: non-zero exit codes {bad} (see bench/out/{b.size}.log); runs that exited "
                     f"with other codes than {sorted(COUNTED)} are left out of the medians.")
        message = b.last("solve").get("message")
        if b.last("solve").get("status") not in ("optimal", "feasible") and message:
            L.append(f"- {b.size}: `suanli solve` status `{b.last('solve').get('status')}`: {message}.")
        if b.info["integers"]:
            L.append(f"- {b.size}: the MPS of `--relax` has {b.info['integers']} integer columns, so the baselines "
                     "kept open/y/unsplittable x binary (`--integrality spec`).")
        if b.check_only or not b.runs.get("solve"):
            L.append(f"- {b.size}: `suanli check` only (`--check-only`): see the throughput table.")
        if b.info.get("baseline_export_s") is not None:
            L.append(f"- {b.size}: generating the spec took {b.info['generate_s']:.2f} s; exporting the baselines' "
                     f"data from the IR {b.info['baseline_export_s']:.1f} s (untimed).")
    L += ["- PuLP and linopy get the data as plain Python lists (pickled, read in well under a second); their "
          "model time covers index preparation, model building and solving (HiGHS through highspy).",
          "- The highspy objective is in the MPS's scaled units; it is rescaled by the power of ten that suanli "
          "divides the objective by."]
    return L
