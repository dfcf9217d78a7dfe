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
from run_report import COUNTED, report  # noqa: E402

PY = sys.executable
TOLERANCE = 1e-6
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