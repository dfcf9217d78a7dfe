"""CBC through PuLP, built from the same arrays as HiGHS.

`to_pulp(program_or_sparse)` is public: it returns the PuLP problem so a user
can inspect or extend it. Solves run in a worker process (`python -m
suanli.solver.cbc_backend DIR PARENT_PID`) that leads its own session and process group
(CBC is its child), so the watchdog can SIGKILL
both at limit + grace, on Ctrl-C and on SIGTERM; PuLP's temp files go to a
directory the caller owns. The worker dies with its parent, even a
SIGKILLed one, and then removes that directory (`_die_with_parent`). Status comes from PuLP's `sol_status`, never
`status` (which says Optimal at a time limit with a solution).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from typing import Optional

import numpy as np

from suanli.solver.backend import Backend, SolveOptions, SolveResult, Status
from suanli.solver.sparse import SparseProgram
from suanli.solver.watchdog import Progress, kill_group, owned_group, owned_tempdir, poll_until
from suanli.tolerances import ZERO


def to_pulp(program_or_sparse, relax: bool = False):
    """The PuLP LpProblem of a Program (lowered here) or a SparseProgram.
    Returns (problem, variables in column order)."""
    import pulp

    sp = program_or_sparse
    if not isinstance(sp, SparseProgram):
        from suanli.solver.lower import lower
        sp = lower(program_or_sparse, relax=relax)
    sense = pulp.LpMaximize if sp.sense == "maximize" else pulp.LpMinimize
    prob = pulp.LpProblem("suanli", sense)
    names = sp.names_ctx.col_names(sp) if sp.names_ctx is not None else [f"c.{i}" for i in range(sp.ncol)]
    fin = lambda v: float(v) if np.isfinite(v) else None
    cols = [pulp.LpVariable(names[i], lowBound=fin(sp.col_lb[i]), upBound=fin(sp.col_ub[i]),
                            cat=pulp.LpInteger if sp.integer[i] else pulp.LpContinuous)
            for i in range(sp.ncol)]
    nz = np.flatnonzero(sp.cost)
    prob += pulp.LpAffineExpression([(cols[i], float(sp.cost[i])) for i in nz], constant=float(sp.offset))
    _add_rows(prob, sp, cols)
    return prob, cols


def _add_rows(prob, sp: SparseProgram, cols) -> None:
    import pulp

    rnames = sp.names_ctx.row_names(sp) if sp.names_ctx is not None else [f"r.{i}" for i in range(sp.nrow)]
    for i in range(sp.nrow):
        a, b = sp.indptr[i], sp.indptr[i + 1]
        if a == b:
            continue  # empty rows are checked before solving
        expr = pulp.LpAffineExpression(
            [(cols[j], float(v)) for j, v in zip(sp.indices[a:b], sp.values[a:b])])
        lo, hi = sp.row_lb[i], sp.row_ub[i]
        if lo == hi:
            prob += pulp.LpConstraint(expr, pulp.LpConstraintEQ, rnames[i], float(lo))
            continue
        if np.isfinite(lo):
            prob += pulp.LpConstraint(expr, pulp.LpConstraintGE, rnames[i] + (".lo" if np.isfinite(hi) else ""), float(lo))
        if np.isfinite(hi):
            prob += pulp.LpConstraint(expr, pulp.LpConstraintLE, rnames[i] + (".hi" if np.isfinite(lo) else ""), float(hi))


def _empty_rows_infeasible(sp: SparseProgram) -> bool:
    empty = np.diff(sp.indptr) == 0
    return bool(np.any(empty & ((sp.row_lb > ZERO) | (sp.row_ub < -ZERO))))


def _die_with_parent(parent_pid: int, job_dir: str) -> None:
    """The worker (and CBC, in its process group) must not outlive a parent
    that was SIGKILLed or OOM-killed: on Linux the kernel sends SIGTERM when
    the parent dies (PR_SET_PDEATHSIG); everywhere a thread watches getppid().
    Either way the worker removes the temp dir and kills its group."""
    import signal
    import threading

    signal.signal(signal.SIGTERM, lambda *_: _abandon(job_dir))
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        _abandon(job_dir)

    if os.getppid() != parent_pid:  # the parent died before the watch began
        _abandon(job_dir)
    threading.Thread(target=watch, daemon=True).start()


def _abandon(job_dir: str) -> None:
    """The parent is gone: remove the job dir (and the solve's temp dir that
    holds it, when that is now empty), then SIGKILL our whole process group."""
    import shutil
    import signal

    shutil.rmtree(job_dir, ignore_errors=True)
    outer = os.path.dirname(job_dir)
    if os.path.basename(outer).startswith("suanli-"):
        with contextlib.suppress(OSError):
            os.rmdir(outer)
    os.killpg(os.getpgrp(), signal.SIGKILL)


def _child_main(job_dir: str, parent_pid: int) -> None:
    """Runs in the worker process (python -m suanli.solver.cbc_backend DIR PID):
    read the pickled program, solve with CBC, write the pickled answer."""
    import pickle

    _die_with_parent(parent_pid, job_dir)
    import pulp

    with open(os.path.join(job_dir, "in.pickle"), "rb") as fh:
        sp, opts, start = pickle.load(fh)
    prob, cols = to_pulp(sp)
    if start is not None:
        for var, v in zip(cols, start):
            var.setInitialValue(float(v))
    limit = opts["time_limit"]
    if limit is not None:  # what is left once the worker has read the program and built the model
        limit = max(0.1, opts["deadline"] - time.time() - 0.2)
    log = os.path.join(job_dir, "cbc.log")
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=limit, gapRel=opts["gap"],
                               gapAbs=opts["abs_gap"], threads=opts["threads"], logPath=log,
                               warmStart=start is not None, options=[f"randomCbcSeed {opts['seed'] + 1}"])
    solver.tmpDir = job_dir
    prob.solve(solver)
    values = np.array([np.nan if v.varValue is None else v.varValue for v in cols], dtype=float)
    tmp = os.path.join(job_dir, "out.pickle.tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(((prob.sol_status, prob.status, absolute_gap(log)), values), fh)
    os.replace(tmp, os.path.join(job_dir, "out.pickle"))


def absolute_gap(log_path: str) -> Optional[float]:
    """|best objective - best bound| from CBC's log (the plan's proven gap):
    0 when the search completed; None if the log does not say."""
    import re

    try:
        with open(log_path, errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    num = r"([-+]?[0-9.]+(?:e[-+]?[0-9]+)?)"
    if "Cbc0001I Search completed" in text:
        return 0.0
    found = re.findall(r"Cbc0011I Exiting as integer gap of " + num, text)
    if found:
        return abs(float(found[-1]))
    found = re.findall(r"best objective " + num + r" \(best possible " + num + r"\)", text)
    if found:
        best, bound = map(float, found[-1])
        return abs(best - bound)
    return None


class CbcBackend(Backend):
    NAME = "cbc"
    MIP_CAPABLE = True
    REQUIRED_MODULES = ("pulp",)

    @classmethod
    def available(cls) -> bool:
        if not super().available():
            return False
        import pulp
        return pulp.PULP_CBC_CMD(msg=False).available()

    def solve(self, sp: SparseProgram, options: SolveOptions,
              start: Optional[np.ndarray] = None) -> SolveResult:
        self.check(sp)
        t0 = time.monotonic()
        if _empty_rows_infeasible(sp):
            return SolveResult(Status.INFEASIBLE, message="a constraint has no variables and cannot hold")
        if sp.ncol == 0:
            return SolveResult(Status.OPTIMAL, x=np.zeros(0), objective=sp.offset, bound=sp.offset, gap=0.0)
        sol_status, x, err, killed = self._run(sp, options, start)
        res = self._map(sp, sol_status, x, killed)
        _set_gap(res, sol_status, sp.sense)
        if res.status is Status.ERROR and err:
            res.message += f": {err}"
        if res.status is Status.UNBOUNDED:  # for a MIP CBC may mean "infeasible or unbounded"
            zero = sp.replace(cost=np.zeros(sp.ncol), offset=0.0)
            feas, _, _, _ = self._run(zero, options, None)
            feas = feas[0] if isinstance(feas, tuple) else feas
            res.status = Status.UNBOUNDED if feas in (1, 2) else Status.INFEASIBLE
        res.seconds = time.monotonic() - t0
        return res

    def _map(self, sp: SparseProgram, sol_status: Optional[int], x, killed: bool) -> SolveResult:
        if isinstance(sol_status, tuple) and sol_status[0] in (1, 2):
            sol_status = sol_status[0]
        if sol_status in (1, 2) and x is not None and np.all(np.isfinite(x)):
            st = Status.OPTIMAL if sol_status == 1 else Status.FEASIBLE
            return SolveResult(st, x=x, objective=float(sp.cost @ x + sp.offset),
                               message="" if not killed else "stopped by the watchdog")
        # CBC's "Integer infeasible" has sol_status 0 but status -1
        status = sol_status[1] if isinstance(sol_status, tuple) else None
        sol_status = sol_status[0] if isinstance(sol_status, tuple) else sol_status
        table = {-1: Status.INFEASIBLE, -2: Status.UNBOUNDED}
        if sol_status in table or status in table:
            return SolveResult(table.get(sol_status, table.get(status)))
        if sol_status == 0 or killed:
            return SolveResult(Status.TIME_LIMIT, message="no feasible solution before the limit")
        return SolveResult(Status.ERROR, message=f"CBC failed (sol_status {sol_status})")

    def _run(self, sp: SparseProgram, options: SolveOptions, start):
        """A worker process in its own session (so its own process group,
        CBC included); payload and answer are pickle files in a temp dir."""
        import pickle
        import subprocess
        import sys

        with owned_tempdir(options.tmpdir) as job_dir:
            deadline = None if options.time_limit is None else time.time() + options.time_limit
            opts = {"time_limit": options.time_limit, "deadline": deadline, "gap": options.gap, "abs_gap": options.abs_gap,
                    "threads": options.threads, "seed": options.seed}
            with open(os.path.join(job_dir, "in.pickle"), "wb") as fh:
                pickle.dump((sp, opts, start), fh, protocol=pickle.HIGHEST_PROTOCOL)
            err_path = os.path.join(job_dir, "stderr.txt")
            with open(err_path, "wb") as err_fh:
                proc = subprocess.Popen([sys.executable, "-m", "suanli.solver.cbc_backend", job_dir,
                                         str(os.getpid())],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=err_fh, start_new_session=True)
            progress = Progress(options.progress, "cbc")

            def done(wait_s: float) -> bool:
                try:
                    proc.wait(wait_s)
                    return True
                except subprocess.TimeoutExpired:
                    return False

            with owned_group(proc.pid):  # the fast-exit path kills it too (watchdog.py)
                try:
                    killed = poll_until(done, lambda: kill_group(proc.pid), options.time_limit,
                                        options.grace, progress.tick)
                finally:
                    kill_group(proc.pid)
                    proc.wait()
            with open(err_path, "rb") as fh:
                err = fh.read().decode(errors="replace")
            out = os.path.join(job_dir, "out.pickle")
            if not os.path.exists(out):
                return None, None, err.strip()[-500:], killed
            with open(out, "rb") as fh:
                sol_status, x = pickle.load(fh)
        return sol_status, x, "", killed


def _set_gap(res: SolveResult, sol_status, sense: str) -> None:
    """The proven relative gap (as HiGHS defines it) from CBC's absolute gap."""
    gap = sol_status[2] if isinstance(sol_status, tuple) and len(sol_status) > 2 else None
    if gap is None or res.objective is None or not res.status.has_solution:
        return
    res.bound = res.objective - gap if sense == "minimize" else res.objective + gap
    res.gap = gap / max(abs(res.objective), 1e-10)


if __name__ == "__main__":
    _child_main(sys.argv[1], int(sys.argv[2]))
