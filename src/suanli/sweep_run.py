"""Running a sweep's cases: in this process, on a local process pool, or on Dask.

Rows come back in case order whatever finishes first. A progress bar (tqdm) goes
to stderr when it is a terminal. Interrupts: pool workers ignore SIGINT (the
terminal sends it to the whole group; the parent decides) and turn SIGTERM into
SystemExit so `finally` blocks run (a CBC child is killed with its group). On
Ctrl-C or SIGTERM the parent SIGTERMs every worker, waits a bounded time,
SIGKILLs what is left, removes the pool's temp folder, and re-raises: no orphans,
no temp files.

When that takes longer than the CLI's fast exit (cli.py: 1 s; a worker inside
HiGHS honours SIGTERM only when the solve returns), emergency_cleanup runs on a
timer thread: the workers are registered with it (watchdog.owned_workers), so it
SIGKILLs them, then removes the pool's folder, which holds every temp dir the
workers make (a worker's `tempfile.tempdir` is that folder). On Linux a worker
also gets SIGKILL from the kernel when the parent dies (PR_SET_PDEATHSIG), so
not even a worker the pool started during the shutdown outlives the parent.

A Pool replaces a worker that dies while cases remain, so a worker killed during
the shutdown would get a successor that starts the next case in the folder being
removed. The shutdown therefore sets an event first; a worker that starts (or
takes a case) after it exits at once, before it makes any file.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
import time
from typing import Callable, Optional

from suanli.solver.watchdog import owned_tempdir, owned_workers
from suanli.sweep import Case, CaseOptions, SourceBundle, run_case

TERM_WAIT = 5.0  # seconds a worker gets to clean up after SIGTERM before SIGKILL

_WORKER: dict = {}  # the bundle and options, inherited by forked pool workers


def progress_bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc="sweep", unit="case", file=sys.stderr, dynamic_ncols=True,
                disable=not _isatty(sys.stderr))


def _isatty(stream) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


def run_cases(bundle: SourceBundle, cases: list[Case], options: CaseOptions, jobs: int,
              scheduler: Optional[str] = None) -> list[dict]:
    with progress_bar(len(cases)) as bar:
        if scheduler:
            from suanli.sweep_dask import run_on_dask

            return run_on_dask(scheduler, bundle, cases, options, bar.update)
        if jobs <= 1 or len(cases) <= 1:
            return _run_inline(bundle, cases, options, bar.update)
        return _run_pool(bundle, cases, options, min(jobs, len(cases)), bar.update)


def _run_inline(bundle, cases, options, tick: Callable[[int], object]) -> list[dict]:
    rows = []
    for case in cases:
        rows.append(run_case(bundle, case, options))
        tick(1)
    return rows


def _worker_init(parent: int, scratch: str) -> None:
    _exit_if_stopping()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_term)
    tempfile.tempdir = scratch  # every temp dir of this worker (the solver's too) in the pool's folder
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel SIGKILLs this worker when the parent exits (even by os._exit)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(143)


def _exit_on_term(signum, frame):
    raise SystemExit(143)


def _exit_if_stopping() -> None:
    """A replacement worker the pool starts during a shutdown does no work and makes no file."""
    stopping = _WORKER.get("stopping")
    if stopping is not None and stopping.is_set():
        os._exit(143)


def _pool_task(index: int) -> tuple[int, dict]:
    _exit_if_stopping()
    case = _WORKER["cases"][index]
    return index, run_case(_WORKER["bundle"], case, _WORKER["options"], _WORKER["scratch"])


def _run_pool(bundle, cases, options, jobs: int, tick) -> list[dict]:
    # the workers' temp files live in one folder of ours: removed even when a worker had to be killed
    with owned_tempdir() as scratch:
        return _run_pool_in(bundle, cases, options, jobs, tick, scratch)


def _run_pool_in(bundle, cases, options, jobs: int, tick, scratch: str) -> list[dict]:
    # fork: the workers inherit the bundle (no pickling of a large spec per case)
    context = multiprocessing.get_context("fork")
    _WORKER.update(bundle=bundle, cases=cases, options=options, scratch=scratch,
                   stopping=context.Event())
    import suanli.compiler.pipeline  # noqa: F401 - loaded once here, inherited by every worker
    import suanli.solver.solve  # noqa: F401
    pool = context.Pool(jobs, initializer=_worker_init, initargs=(os.getpid(), scratch))
    rows: list[Optional[dict]] = [None] * len(cases)
    with owned_workers(lambda: [p.pid for p in list(pool._pool)]):  # the pool's workers of the moment
        try:
            for index, row in pool.imap_unordered(_pool_task, range(len(cases)), chunksize=1):
                rows[index] = row
                tick(1)
            pool.close()
            pool.join()
        except BaseException:
            _WORKER["stopping"].set()
            stop_workers(pool)
            raise
        finally:
            _WORKER.clear()
    return rows  # type: ignore[return-value]


def stop_workers(pool) -> None:
    """SIGTERM every worker, wait up to TERM_WAIT, SIGKILL the rest, reap them all."""
    workers = list(getattr(pool, "_pool", []))
    for proc in workers:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + TERM_WAIT
    for proc in workers:
        proc.join(max(0.0, deadline - time.monotonic()))
    for proc in workers:
        if proc.is_alive():
            proc.kill()
            proc.join(1.0)
    pool.terminate()
