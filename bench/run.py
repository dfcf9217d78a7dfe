"""The benchmark harness: suanli against highspy-direct, PuLP and linopy.

    python bench/run.py --sizes S,M --repeat 3 [--out bench/RESULTS.md]

Per size: generate the spec (bench/generate.py, seed --seed) into bench/out/,
run `suanli solve --relax --write-mps` once to export suanli's exact program,
export the plain data for the hand-written baselines (untimed), then `repeat`
rounds, each measurement a separate process (wall time, and peak RSS from
wait4): `python -c pass`; `suanli check` of LANGUAGE.md's example; `suanli
check SPEC`; `suanli solve SPEC --relax --format json -o PLAN`; the stage probe
(bench/probe.py), unless the plan carries its own `timings`; highspy on the
MPS; PuLP; linopy. Medians go into a Markdown table, with ratios from this one
run. Every objective must agree within 1e-6 relative; the run exits 1 if not.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

PY = sys.executable
TOLERANCE = 1e-6
# Exit codes whose timings count: suanli's 1 (assert failed), 3 (infeasible) and
# 4 (no plan / failed verification) still ran the whole pipeline; 2, 70 (internal
# error), signals and timeouts did not, and are left out of the medians.
COUNTED = {0, 1, 3, 4}
STAGES = ("imports", "read_parse", "compile", "build", "solver", "extract_verify_emit")


# ---------------------------------------------------------------- processes --

@dataclass
class Run:
    wall: float
    rss_mb: float
    rc: int
    result: dict = field(default_factory=dict)  # the JSON the process wrote, if any


GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def measure(cmd: list[str], json_out: Path | None = None, timeout: float | None = None,
            log: Path | None = None) -> Run:
    """Run cmd as its own process; wall time and its peak RSS.

    The peak comes from GNU time when present: wait4's ru_maxrss of a child
    forked from this harness starts at the harness's own RSS (~40 MB), which
    hides the size of small processes. GNU time adds ~1 ms of wall time."""
    if json_out is not None and json_out.exists():
        json_out.unlink()
    rss_file = None
    if GNU_TIME:
        rss_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"suanli-bench-rss-{os.getpid()}.txt"
        cmd = [GNU_TIME, "-f", "%M", "-o", str(rss_file)] + cmd
    err = tempfile.TemporaryFile() if log else subprocess.DEVNULL
    t = time.perf_counter()
    # its own session, so a timeout can kill GNU time and the command together
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT, start_new_session=True)
    deadline = None if timeout is None else t + timeout
    while True:  # wait4 gives this child's rusage, not the sum over all children
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            os.killpg(proc.pid, 9)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.002)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = b""
    if log:
        err.seek(0)
        stderr = err.read()
        err.close()
        with open(log, "ab") as fh:
            fh.write(stderr)
    rss_mb = usage.ru_maxrss / 1024.0
    if rss_file is not None:
        try:
            rss_mb = float(rss_file.read_text().split()[-1]) / 1024.0
        except (OSError, ValueError, IndexError):
            pass
        rss_file.unlink(missing_ok=True)
    result = {}
    if json_out is not None and json_out.exists():
        try:
            result = json.loads(json_out.read_text())
        except ValueError:
            result = {}
    timings = stage_timings(stderr.decode("utf-8", "replace"))
    if timings:
        result["timings"] = timings
    return Run(wall, rss_mb, proc.returncode, result)


def stage_timings(stderr: str) -> dict:
    """The last `suanli: timings k=v ...` line that `suanli solve --progress` prints."""
    lines = [ln for ln in stderr.splitlines() if ln.startswith("suanli: timings ")]
    if not lines:
        return {}
    return {k: float(v) for k, v in (item.split("=", 1) for item in lines[-1].split()[2:])}


def suanli_cmd() -> list[str]:
    """The installed console script next to this interpreter (no pyenv shim), else -m."""
    script = Path(PY).with_name("suanli")
    return [str(script)] if script.exists() else [PY, "-m", "suanli"]


def has_solve() -> bool:
    return subprocess.run(suanli_cmd() + ["solve", "--help"], capture_output=True).returncode == 0


# ------------------------------------------------------------------ one size --

@dataclass
class SizeBench:
    size: str
    seed: int
    out: Path
    skip: set
    timeout: float | None
    check_only: bool = False  # measure `suanli check` only: parse + compile throughput, no solve
    runs: dict = field(default_factory=dict)  # name -> [Run]
    info: dict = field(default_factory=dict)

    def path(self, suffix: str) -> Path:
        return self.out / f"{self.size}{suffix}"

    def record(self, name: str, run: Run) -> None:
        """Keep the run, and append it to SIZE.runs.jsonl so an interrupted run leaves its data."""
        self.runs.setdefault(name, []).append(run)
        self._append({"name": name, "wall": run.wall, "rss_mb": run.rss_mb, "rc": run.rc, "result": run.result})

    # ---- untimed preparation ------------------------------------------------
    def prepare(self) -> None:
        self.path(".runs.jsonl").unlink(missing_ok=True)
        spec = self.path(".spec")
        t = time.perf_counter()
        spec.write_text(generate.generate(self.size, self.seed), encoding="utf-8")
        self.info["generate_s"] = time.perf_counter() - t
        self.info["spec_bytes"] = spec.stat().st_size
        if self.check_only:
            self._stamp()
            return
        mps = self.path(".mps")
        # the MPS is written before solving, so a short time limit only skips a solve
        export = measure(suanli_cmd() + ["solve", str(spec), "--relax", "--write-mps", str(mps), "--time-limit",
                                         "0.01", "--format", "json", "-o", str(self.path(".export.json"))],
                         self.path(".export.json"), self.timeout, self.path(".log"))
        self.info["export_rc"] = export.rc
        dump = measure([PY, str(HERE / "baselines.py"), "export", str(spec), "-o", str(self.path(".pkl"))],
                       timeout=self.timeout, log=self.path(".log"))
        self.info["baseline_export_s"] = dump.wall
        if not mps.exists():
            raise SystemExit(f"{self.size}: suanli did not write {mps} (exit {export.rc}); see {self.path('.log')}")
        probe = measure([PY, str(HERE / "highs_direct.py"), str(mps), "--info", "--json",
                         str(self.path(".mpsinfo.json"))], self.path(".mpsinfo.json"), self.timeout)
        self.info["mps"] = probe.result
        self.info["integers"] = probe.result.get("integers", 0)
        self.info["integrality"] = "spec" if self.info["integers"] else "lp"
        self._stamp()

    def _stamp(self) -> None:
        self.info["started"] = time.strftime("%Y-%m-%d %H:%M")
        self.info["load_start"] = os.getloadavg()[0]
        self.info.setdefault("integers", 0)
        self._append({"name": "_info", "info": self.info})

    def _append(self, line: dict) -> None:
        with open(self.path(".runs.jsonl"), "a") as fh:
            fh.write(json.dumps(line) + "\n")

    def load_runs(self) -> None:
        """Rebuild this size from SIZE.runs.jsonl (for --report-only)."""
        path = self.path(".runs.jsonl")
        if not path.exists():
            raise SystemExit(f"{path} does not exist: run the benchmark for {self.size} first")
        for line in path.read_text().splitlines():
            rec = json.loads(line)
            if rec["name"] == "_info":
                self.info.update(rec["info"])
            else:
                self.runs.setdefault(rec["name"], []).append(Run(rec["wall"], rec["rss_mb"], rec["rc"], rec["result"]))
        self._info_from_files(path)

    def _info_from_files(self, jsonl: Path) -> None:
        """What an older runs file did not store, from the files next to it."""
        info = self.info
        info.setdefault("started", time.strftime("%Y-%m-%d %H:%M", time.localtime(jsonl.stat().st_mtime)))
        info.setdefault("spec_bytes", self.path(".spec").stat().st_size)
        if "mps" not in info and self.path(".mpsinfo.json").exists():
            info["mps"] = json.loads(self.path(".mpsinfo.json").read_text())
        info.setdefault("integers", (info.get("mps") or {}).get("integers", 0))

    # ---- one round of measurements ----------------------------------------
    def round(self, probe: bool = True, baselines: bool = True) -> None:
        spec, log = str(self.path(".spec")), self.path(".log")
        sq = suanli_cmd()
        self.record("python", measure([PY, "-c", "pass"]))
        self.record("check_example", measure(sq + ["check", str(ROOT / "specs" / "example.spec")]))
        self.record("check", measure(sq + ["check", spec], timeout=self.timeout, log=log))
        if self.check_only:
            return
        plan = self.path(".plan.json")
        self.record("solve", measure(sq + ["solve", spec, "--relax", "--progress", "--format", "json", "-o", str(plan)],
                                     plan, self.timeout, log))
        if probe and "timings" not in self.runs["solve"][-1].result:
            stages = self.path(".stages.json")
            self.record("probe", measure([PY, str(HERE / "probe.py"), "--stages", str(stages), "--", "solve",
                                          spec, "--relax", "--format", "json", "-o", str(self.path(".probe.json"))],
                                         stages, self.timeout, log))
        if "highs" not in self.skip:
            res = self.path(".highs.json")
            self.record("highs", measure([PY, str(HERE / "highs_direct.py"), str(self.path(".mps")), "--json",
                                          str(res)], res, self.timeout, log))
        for kind in ("pulp", "linopy"):
            if kind in self.skip or not baselines:
                continue
            res = self.path(f".{kind}.json")
            self.record(kind, measure([PY, str(HERE / "baselines.py"), kind, str(self.path(".pkl")),
                                       "--integrality", self.info["integrality"], "--json", str(res)],
                                      res, self.timeout, log))

    # ---- summaries ---------------------------------------------------------
    def counted(self, name: str) -> list[Run]:
        return [r for r in self.runs.get(name, []) if r.rc in COUNTED]

    def med(self, name: str, key: str = "wall"):
        runs = self.counted(name)
        vals = [getattr(r, key) if key in ("wall", "rss_mb") else _dig(r.result, key) for r in runs]
        vals = [v for v in vals if isinstance(v, (int, float))]
        return statistics.median(vals) if vals else None

    def last(self, name: str) -> dict:
        runs = self.counted(name)
        return runs[-1].result if runs else {}

    def stages(self) -> dict:
        """Median seconds per stage: the plan's own `timings` if present, else the probe's."""
        timings = self.last("solve").get("timings")
        if isinstance(timings, dict):
            out = {"interpreter": self.med("python")}
            out.update({k: self.med("solve", f"timings.{k}") for k, v in timings.items()
                        if isinstance(v, (int, float))})
            out["total"] = self.med("solve")
            return out
        out = {"interpreter": self.med("python")}
        out.update({k: self.med("probe", k) for k in STAGES})
        out["total"] = self.med("solve")
        return out

    def objectives(self) -> dict:
        """Objective per program, in the spec's currency."""
        plan = self.last("solve")
        objs = {"suanli": plan.get("objective") if plan.get("status") in ("optimal", "feasible") else None}
        for kind in ("pulp", "linopy"):
            objs[kind] = self.last(kind).get("objective")
        objs["highs"] = _rescale(self.last("highs").get("objective"), [v for v in objs.values() if v])
        return objs

    def agreement(self) -> tuple[bool, float]:
        vals = [v for v in self.objectives().values() if v is not None]
        if len(vals) < 2:
            return False, math.nan
        ref = statistics.median(vals)
        worst = max(abs(v - ref) / max(1.0, abs(ref)) for v in vals)
        return worst <= TOLERANCE, worst


def _dig(d: dict, key: str):
    for part in key.split("."):
        d = d.get(part) if isinstance(d, dict) else None
    return d


def _rescale(value, references):
    """The MPS objective is cost / 10^k (suanli scales it); find k from any other objective."""
    refs = [r for r in references if r]
    if value is None or not refs or value == 0:
        return value
    k = round(math.log10(abs(refs[0] / value)))
    return value * 10.0 ** k


# ------------------------------------------------------------------ report --

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
         f"Medians over the `runs` rounds of each size; every number is a separate process, started cold, reading its input "
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


# --------------------------------------------------------------------- main --

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="suanli benchmark harness")
    ap.add_argument("--sizes", default="S,M")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="bench/RESULTS.md", help="the Markdown table to write")
    ap.add_argument("--skip", default="", help="comma list of baselines to skip: highs,pulp,linopy")
    ap.add_argument("--baseline-rounds", type=int, default=None,
                    help="run the PuLP and linopy baselines in the last K rounds only (default: every round)")
    ap.add_argument("--check-only", default="", help="comma list of sizes measured by `suanli check` only "
                    "(parse + compile throughput; e.g. XL, whose LP is beyond this machine)")
    ap.add_argument("--probe-rounds", type=int, default=1,
                    help="rounds that also run the stage probe (a second full solve; default 1)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per process (default: none)")
    ap.add_argument("--workdir", default=str(HERE / "out"), help="specs, MPS and results (gitignored)")
    ap.add_argument("--report-only", action="store_true",
                    help="measure nothing: rebuild --out from the stored WORKDIR/SIZE.runs.jsonl")
    args = ap.parse_args(argv)
    if args.report_only:
        return report_only(args)
    if not has_solve():
        raise SystemExit("`suanli solve` is not available in this installation")
    out = Path(args.workdir)
    out.mkdir(parents=True, exist_ok=True)
    started = "measured in this run"
    benches = []
    for size in args.sizes.split(","):
        b = SizeBench(size.strip().upper(), args.seed, out, set(filter(None, args.skip.split(","))), args.timeout,
                      check_only=size.strip().upper() in args.check_only.upper().split(","))
        b.info["command"] = " ".join(["python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])])
        print(f"[{b.size}] preparing", file=sys.stderr, flush=True)
        b.prepare()
        benches.append(b)
        for i in range(args.repeat):
            print(f"[{b.size}] round {i + 1}/{args.repeat}", file=sys.stderr, flush=True)
            b.round(probe=i < args.probe_rounds, baselines=args.baseline_rounds is None or i >= args.repeat - args.baseline_rounds)
            Path(args.out).write_text(report(benches, args, started), encoding="utf-8")  # partial results survive
    return finish(benches, args)


def finish(benches: list[SizeBench], args) -> int:
    ok = all(b.agreement()[0] for b in benches if b.runs.get("solve"))
    print(f"wrote {args.out}; objectives {'agree' if ok else 'DISAGREE'}", file=sys.stderr)
    return 0 if ok else 1


def report_only(args) -> int:
    benches = []
    for size in args.sizes.split(","):
        b = SizeBench(size.strip().upper(), args.seed, Path(args.workdir), set(), None)
        b.load_runs()
        benches.append(b)
    Path(args.out).write_text(report(benches, args, "from stored runs"), encoding="utf-8")
    return finish(benches, args)


if __name__ == "__main__":
    sys.exit(main())
