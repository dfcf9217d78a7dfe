"""Time limits that hold, progress lines, and temp files that never leak.

Solvers overran their own time limits in tests (ENGINEERING.md), so every
solve runs under a watchdog:
- HiGHS runs in-process (no pickling of large arrays) on its own thread;
  the main thread polls it and calls `cancelSolve()` at limit + grace;
- CBC runs in a child process in its own process group, killed with SIGKILL
  at limit + grace, on Ctrl-C and on SIGTERM (the CLI turns SIGTERM into an
  exception, so `finally` blocks run).
Temp files live in a directory we create and always remove.

Fast exit: the CLI ends the process within ~1 s of Ctrl-C/SIGTERM even when a
solver thread ignores cancellation (cli.py arms a timer that calls
`emergency_cleanup()` then `os._exit`). So that nothing is left behind, every
temp directory, temp file and worker process group is registered here while
it exists.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
from typing import Callable, Iterator, Optional

PROGRESS_AFTER = 2.0  # seconds before the first progress line
PROGRESS_EVERY = 5.0


class Deadline:
    """Wall-clock budget shared by the stages of one `solve`."""

    def __init__(self, seconds: Optional[float]):
        self.start = time.monotonic()
        self.seconds = seconds

    def remaining(self) -> Optional[float]:
        if self.seconds is None:
            return None
        return max(0.0, self.seconds - (time.monotonic() - self.start))

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def expired(self) -> bool:
        rem = self.remaining()
        return rem is not None and rem <= 0.0


class Progress:
    """A line on stderr every few seconds once a solve takes > 2 s:
    elapsed time and, when the solver reports them, incumbent and gap."""

    def __init__(self, enabled: bool, label: str, stream=None):
        self.enabled = enabled
        self.label = label
        self.stream = stream or sys.stderr
        self.t0 = time.monotonic()
        self.next_at = self.t0 + PROGRESS_AFTER
        self.incumbent: Optional[float] = None
        self.bound: Optional[float] = None

    def tick(self, scale: float = 1.0, unit: str = "") -> None:
        now = time.monotonic()
        if not self.enabled or now < self.next_at:
            return
        self.next_at = now + PROGRESS_EVERY
        parts = [f"suanli: {self.label} {now - self.t0:6.1f}s"]
        inc, bound = self.incumbent, self.bound
        has_inc = inc is not None and abs(inc) < 1e300
        # HiGHS reports these in its internal (presolved) objective space, so
        # only the scale-free gap is shown, not the raw numbers
        if has_inc and bound is not None and abs(bound) < 1e300:
            parts.append(f"incumbent found, gap {abs(inc - bound) / max(abs(inc), 1e-10):.2%}")
        else:
            parts.append("no incumbent yet" if not has_inc else "incumbent found")
        print(", ".join(parts), file=self.stream, flush=True)


def progress_wanted(flag: bool) -> bool:
    return flag or bool(getattr(sys.stderr, "isatty", lambda: False)())


ABANDON_AFTER = 10.0  # seconds a cancelled solver thread gets to stop before it is abandoned


class SolverAbandoned(Exception):
    """The solver ignored its time limit and the cancel for ABANDON_AFTER s."""


_ABANDONED: list[object] = []  # solver models whose threads still run (kept alive, never freed)


def poll_until(done: Callable[[float], bool], cancel: Callable[[], None],
               limit: Optional[float], grace: float, tick: Callable[[], None]) -> bool:
    """Poll `done(wait_s)` until it returns True; call `cancel()` once at
    limit + grace (and on any exception, e.g. Ctrl-C). Returns True when the
    watchdog had to cancel. A solver that has not stopped ABANDON_AFTER s after
    the cancel raises SolverAbandoned: HiGHS polls neither its time limit nor
    a cancel in some phases (presolve of a large MILP, long node LPs: at bench L
    a 135 s budget ran past 280 s), and the plan in hand must not wait for it."""
    t0 = time.monotonic()
    cancelled_at: Optional[float] = None
    try:
        while not done(0.2):
            tick()
            now = time.monotonic()
            if limit is not None and cancelled_at is None and now - t0 > limit + grace:
                cancel()
                cancelled_at = now
            if cancelled_at is not None and now - cancelled_at > ABANDON_AFTER:
                raise SolverAbandoned(f"the solver did not stop within {ABANDON_AFTER:g} s of its time limit")
    except BaseException:
        cancel()
        raise
    return cancelled_at is not None


def abandon(model: object) -> None:
    """Keep a running solver's model alive: its thread still uses it."""
    _ABANDONED.append(model)


def is_abandoned(model: object) -> bool:
    return any(m is model for m in _ABANDONED)


def abandoned() -> bool:
    """Was a solver thread left running? Then the process must not wait for it at exit."""
    return bool(_ABANDONED)


_OWNED_DIRS: set[str] = set()
_OWNED_FILES: set[str] = set()
_OWNED_GROUPS: set[int] = set()
_OWNED_WORKERS: dict[int, Callable[[], list[int]]] = {}  # sources of worker pids (process pools)
REAP_WAIT = 1.0  # seconds emergency_cleanup waits for SIGKILLed workers to die before removing dirs


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by `pid` (the solver and its children)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


@contextlib.contextmanager
def owned_group(pid: int) -> Iterator[int]:
    """Register a worker's process group until it has been reaped."""
    _OWNED_GROUPS.add(pid)
    try:
        yield pid
    finally:
        _OWNED_GROUPS.discard(pid)


@contextlib.contextmanager
def owned_tempdir(parent: Optional[str] = None) -> Iterator[str]:
    path = tempfile.mkdtemp(prefix="suanli-", dir=parent)
    _OWNED_DIRS.add(path)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        _OWNED_DIRS.discard(path)


@contextlib.contextmanager
def owned_workers(pids: Callable[[], list[int]]) -> Iterator[None]:
    """Register a pool's workers (`pids()` lists the live ones when asked, so a worker the pool
    started since is included): emergency_cleanup SIGKILLs them before it removes temp dirs."""
    key = id(pids)
    _OWNED_WORKERS[key] = pids
    try:
        yield
    finally:
        _OWNED_WORKERS.pop(key, None)


def _kill_workers() -> None:
    """SIGKILL every registered worker, then wait (bounded) until each is dead: a dying
    worker could otherwise still create a file in a temp dir being removed. The pools are
    asked again until they name no new worker (a pool may replace a killed one meanwhile)."""
    killed: set[int] = set()
    deadline = time.monotonic() + REAP_WAIT
    while True:
        fresh = [pid for source in list(_OWNED_WORKERS.values()) for pid in _safe(source)
                 if pid not in killed]
        for pid in fresh:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        killed.update(fresh)
        if not fresh or time.monotonic() >= deadline:
            break
        for pid in killed:
            while _running(pid) and time.monotonic() < deadline:
                time.sleep(0.01)


def _safe(source: Callable[[], list[int]]) -> list[int]:
    try:
        return list(source())
    except Exception:  # a pool being torn down on the main thread: nothing to add
        return []


def _running(pid: int) -> bool:
    """Not reaped and not a zombie (a child we may reap: reaped here)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:  # not our child, or reaped already
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    except OSError:
        return False


def own_file(path: str) -> None:
    _OWNED_FILES.add(path)


def disown_file(path: str) -> None:
    _OWNED_FILES.discard(path)


def emergency_cleanup() -> None:
    """Kill registered workers, remove registered temp files and dirs. Runs
    on the fast-exit timer thread while the main thread may be anywhere."""
    _kill_workers()
    for pid in list(_OWNED_GROUPS):
        kill_group(pid)
    for path in list(_OWNED_FILES):
        with contextlib.suppress(OSError):
            os.unlink(path)
    for path in sorted(_OWNED_DIRS, key=len, reverse=True):
        _remove_tree(path)


def _remove_tree(path: str, attempts: int = 5) -> None:
    """rmtree, again if a process that was still dying added a file while it ran."""
    for _ in range(attempts):
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path):
            return
        time.sleep(0.05)
