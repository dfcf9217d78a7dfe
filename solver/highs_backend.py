"""HiGHS through highspy, fed straight from the numpy arrays (the default).

One thread, a fixed random seed and presolve on, so the same program gives
the same answer. "Unbounded or infeasible" (and a MIP's unbounded LP
relaxation) is resolved by a feasibility re-solve with a zero objective
before anything is reported.
"""

from __future__ import annotations

import os
import time
from typing import Optional

import numpy as np

from suanli.solver.backend import Backend, SolveOptions, SolveResult, Status, gap_of
from suanli.solver.sparse import SparseProgram
from suanli.solver.quiet import new_highs, stdout_silenced
from suanli.solver.watchdog import Progress, SolverAbandoned, abandon, is_abandoned, poll_until
from suanli.tolerances import ZERO

INF = 1e30  # what we hand HiGHS for an infinite bound (kHighsInf is 1e30-ish too)


def build_highs(sp: SparseProgram, names: bool = False):
    import highspy

    h = new_highs()
    if names and sp.names_ctx is not None:
        h.passModel(_highs_lp(sp, names=True))
    else:  # straight from the arrays: no HighsLp vectors to fill and copy again
        sense = highspy.ObjSense.kMaximize if sp.sense == "maximize" else highspy.ObjSense.kMinimize
        h.passModel(sp.ncol, sp.nrow, sp.nnz, int(highspy.MatrixFormat.kRowwise), int(sense),
                    float(sp.offset), _f64(sp.cost), _bound(sp.col_lb), _bound(sp.col_ub),
                    _bound(sp.row_lb), _bound(sp.row_ub), sp.indptr.astype(np.int32),
                    sp.indices.astype(np.int32), _f64(sp.values), sp.integer.astype(np.int32))
        return h
    ints = np.flatnonzero(sp.integer).astype(np.int32)
    if len(ints):
        h.changeColsIntegrality(len(ints), ints, np.ones(len(ints), dtype=np.uint8))
    return h


def _f64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=float)


def _bound(a: np.ndarray) -> np.ndarray:
    return np.clip(a, -INF, INF)


def _highs_lp(sp: SparseProgram, names: bool = False):
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = sp.ncol, sp.nrow
    lp.col_cost_ = sp.cost.astype(float)
    lp.col_lower_ = _bound(sp.col_lb)
    lp.col_upper_ = _bound(sp.col_ub)
    lp.row_lower_ = _bound(sp.row_lb)
    lp.row_upper_ = _bound(sp.row_ub)
    lp.offset_ = float(sp.offset)
    if sp.sense == "maximize":
        lp.sense_ = highspy.ObjSense.kMaximize
    m = lp.a_matrix_
    m.format_ = highspy.MatrixFormat.kRowwise
    m.num_col_, m.num_row_ = sp.ncol, sp.nrow
    m.start_, m.index_, m.value_ = sp.indptr.astype(np.int32), sp.indices.astype(np.int32), sp.values
    if names and sp.names_ctx is not None:
        lp.col_names_ = sp.names_ctx.col_names(sp)
        lp.row_names_ = sp.names_ctx.row_names(sp)
    return lp


def write_model(sp: SparseProgram, path: str, fmt: str) -> None:
    """Write the exact program (scaled, with readable names) as `fmt` ("lp"
    or "mps"). HiGHS picks the format from the extension and crashed on an
    unwritable path, so it writes into a directory we own and the bytes
    reach `path` through the one atomic write (solver/atomic.py)."""
    import highspy

    from suanli.solver.atomic import write_atomic
    from suanli.solver.watchdog import owned_tempdir

    h = build_highs(sp, names=True)
    with owned_tempdir() as tmp:
        staged = os.path.join(tmp, f"program.{fmt}")
        with stdout_silenced():
            written = h.writeModel(staged)
        if written != highspy.HighsStatus.kOk or not os.path.isfile(staged):
            raise OSError(f"HiGHS could not write the {fmt.upper()} file")
        with open(staged, "rb") as fh:
            write_atomic(path, fh.read())  # raises OutputRefused (an OSError) with the reason


class HighsBackend(Backend):
    NAME = "highs"
    MIP_CAPABLE = True
    REQUIRED_MODULES = ("highspy",)

    def solve(self, sp: SparseProgram, options: SolveOptions,
              start: Optional[np.ndarray] = None, keep: bool = False) -> SolveResult:
        """`keep`: an optimal LP's HiGHS model is returned in `result.model`,
        so `resolve` can re-run it warm (from its basis) after changes."""
        self.check(sp)
        t0 = time.monotonic()
        if sp.ncol == 0:
            return self._empty(sp)
        h = build_highs(sp)
        _set_options(h, options, mip=bool(sp.integer.any()))
        if start is not None:
            h.setSolution(_solution(start))
        try:
            cancelled = _run(h, options, sp)
        except SolverAbandoned as exc:
            return _abandoned_result(exc, t0)
        result = self._result(h, sp, cancelled)
        if result.status is Status.INFEASIBLE and sp.integer.any() and options.presolve:
            result = self._without_presolve(sp, options, start, result)
        if result.status in (Status.INFEASIBLE, Status.UNBOUNDED) and result.stats.get("ambiguous"):
            result.status = self._resolve(sp, options)
        if keep and result.status is Status.OPTIMAL and not sp.integer.any():
            result.model = h
        result.seconds = time.monotonic() - t0
        return result

    def _without_presolve(self, sp: SparseProgram, options: SolveOptions, start,
                          first: SolveResult) -> SolveResult:
        """HiGHS 1.16's MIP presolve declared a feasible program infeasible
        (tests/test_solver_runtime.py::test_highs_presolve_false_infeasible): an
        infeasible MIP is confirmed once more without presolve before anyone is
        told so. Infeasible programs pay one more solve; the explanation costs more."""
        from dataclasses import replace

        again = self.solve(sp, replace(options, presolve=False), start=start)
        return again if again.status is not Status.INFEASIBLE else first

    def resolve(self, h, sp: SparseProgram, options: SolveOptions) -> SolveResult:
        """Re-run a kept LP model after changes to its bounds, costs, rows or
        options. HiGHS keeps the basis through such changes and starts from
        it (no presolve), so only the pivots the changes need are made. Same
        watchdog as a first solve; HiGHS's own time limit counts every run of
        the model, so it is set to the time used so far + what remains."""
        t0 = time.monotonic()
        _set_options(h, options, mip=False, already=h.getRunTime())
        try:
            cancelled = _run(h, options, sp)
        except SolverAbandoned as exc:
            return _abandoned_result(exc, t0)
        result = self._result(h, sp, cancelled)
        result.seconds = time.monotonic() - t0
        return result

    def _empty(self, sp: SparseProgram) -> SolveResult:
        feasible = bool(np.all(sp.row_lb <= ZERO) and np.all(sp.row_ub >= -ZERO))
        if not feasible:
            return SolveResult(Status.INFEASIBLE, message="empty program with unsatisfiable rows")
        return SolveResult(Status.OPTIMAL, x=np.zeros(0), objective=sp.offset, bound=sp.offset,
                           gap=0.0, row_dual=np.zeros(sp.nrow), col_dual=np.zeros(0))

    def _result(self, h, sp: SparseProgram, cancelled: bool) -> SolveResult:
        import highspy

        MS = highspy.HighsModelStatus
        ms = h.getModelStatus()
        info = h.getInfo()
        has_sol = info.primal_solution_status == 2
        mip = bool(sp.integer.any())
        sol = h.getSolution()
        x = np.array(sol.col_value) if has_sol else None
        obj = float(info.objective_function_value) if has_sol else None
        bound = float(info.mip_dual_bound) if mip else obj
        res = SolveResult(Status.ERROR, x=x, objective=obj, bound=bound,
                          message=h.modelStatusToString(ms))
        if has_sol and not mip:
            res.row_value = np.array(sol.row_value)
        if sol.dual_valid and not mip:
            res.row_dual, res.col_dual = np.array(sol.row_dual), np.array(sol.col_dual)
        if ms == MS.kOptimal:
            res.status, res.gap = Status.OPTIMAL, (float(info.mip_gap) if mip else 0.0)
        elif ms in (MS.kInfeasible, MS.kUnboundedOrInfeasible, MS.kUnbounded):
            res.status = Status.UNBOUNDED if ms == MS.kUnbounded else Status.INFEASIBLE
            res.x = res.objective = None
            res.stats["ambiguous"] = True  # HiGHS may say infeasible for unbounded
        elif ms in (MS.kTimeLimit, MS.kInterrupt, MS.kIterationLimit, MS.kSolutionLimit,
                    MS.kObjectiveBound, MS.kObjectiveTarget):
            res.status = Status.FEASIBLE if has_sol else Status.TIME_LIMIT
            res.gap = gap_of(obj, bound) if has_sol else None
            if cancelled:
                res.message = "stopped by the watchdog at the time limit + grace"
        return res

    def _resolve(self, sp: SparseProgram, options: SolveOptions) -> Status:
        """Is it infeasible or unbounded? Solve for feasibility only."""
        zero = sp.replace(cost=np.zeros(sp.ncol), offset=0.0)
        h = build_highs(zero)
        _set_options(h, options, mip=bool(sp.integer.any()))
        _run(h, options, zero)
        info = h.getInfo()
        return Status.UNBOUNDED if info.primal_solution_status == 2 else Status.INFEASIBLE


def _abandoned_result(exc: SolverAbandoned, t0: float) -> SolveResult:
    """HiGHS still runs on its thread: nothing of it can be read; no plan from this solve."""
    return SolveResult(Status.TIME_LIMIT, message=str(exc), seconds=time.monotonic() - t0,
                       stats={"abandoned": True})


def _set_options(h, options: SolveOptions, mip: bool, already: float = 0.0) -> None:
    h.setOptionValue("threads", int(options.threads))
    h.setOptionValue("random_seed", int(options.seed))
    h.setOptionValue("presolve", "on" if options.presolve else "off")
    if options.time_limit is not None:
        h.setOptionValue("time_limit", float(already + max(options.time_limit, 0.01)))
    if mip:
        h.setOptionValue("mip_rel_gap", float(options.gap))
        h.setOptionValue("mip_abs_gap", float(options.abs_gap))
    if options.feasibility_tol is not None:
        h.setOptionValue("primal_feasibility_tolerance", options.feasibility_tol)
        h.setOptionValue("dual_feasibility_tolerance", options.feasibility_tol)


def _solution(x: np.ndarray):
    import highspy

    sol = highspy.HighsSolution()
    sol.col_value = list(map(float, x))
    sol.value_valid = True
    return sol


def _run(h, options: SolveOptions, sp: SparseProgram) -> bool:
    """Run on HiGHS's thread; the main thread keeps the watchdog."""
    progress = Progress(options.progress, "highs")

    def on_mip(event):
        data = event.data_out
        progress.incumbent, progress.bound = data.mip_primal_bound, data.mip_dual_bound

    h.HandleUserInterrupt = True
    if options.progress:
        h.cbMipInterrupt += on_mip
    thread = h.startSolve()

    def done(wait_s: float) -> bool:
        finished, _ = h.wait(wait_s)
        return finished

    def cancel() -> None:
        h.cancelSolve()

    try:
        return poll_until(done, cancel, options.time_limit, options.grace,
                          lambda: progress.tick(sp.obj_scale))
    except SolverAbandoned:
        abandon(h)
        raise
    finally:
        if thread.is_alive() and not is_abandoned(h):
            h.wait()
