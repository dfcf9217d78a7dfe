"""A solver that ignores its time limit and the cancel is abandoned (watchdog.SolverAbandoned):
the solve goes on with the plan in hand, and the CLI ends without waiting for the thread."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from suanli.solver import highs_backend, watchdog
from suanli.solver.backend import SolveOptions, Status
from suanli.solver.lower import lower
from suanli.compiler import load

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_abandoned():
    yield
    watchdog._ABANDONED.clear()


def test_a_solver_that_never_stops_is_abandoned_after_the_cancel(monkeypatch):
    monkeypatch.setattr(watchdog, "ABANDON_AFTER", 0.3)
    cancels = []
    started = time.monotonic()
    with pytest.raises(watchdog.SolverAbandoned):
        watchdog.poll_until(lambda wait: time.sleep(min(wait, 0.05)) or False, lambda: cancels.append(1),
                            limit=0.2, grace=0.1, tick=lambda: None)
    waited = time.monotonic() - started
    assert cancels and 0.6 <= waited < 5.0  # limit + grace, then ABANDON_AFTER more


def test_a_solver_that_stops_after_the_cancel_is_not_abandoned(monkeypatch):
    monkeypatch.setattr(watchdog, "ABANDON_AFTER", 5.0)
    cancels: list[float] = []
    done = lambda wait: bool(cancels) or time.sleep(min(wait, 0.05)) or False  # noqa: E731
    assert watchdog.poll_until(done, lambda: cancels.append(1), limit=0.1, grace=0.1, tick=lambda: None)


def test_an_abandoned_highs_solve_has_no_plan_and_is_remembered(monkeypatch, no_abandoned):
    def never_stops(*args, **kwargs):
        raise watchdog.SolverAbandoned("the solver did not stop within 10 s of its time limit")

    monkeypatch.setattr(highs_backend, "poll_until", never_stops)
    sp = lower(load(str(ROOT / "specs" / "example.spec")))
    res = highs_backend.HighsBackend().solve(sp, SolveOptions(time_limit=1.0))
    assert res.status is Status.TIME_LIMIT and res.x is None and res.stats.get("abandoned")
    assert watchdog.abandoned()


def test_the_cli_does_not_wait_for_an_abandoned_solver_thread(tmp_path):
    """A thread still running at the end (here a non-daemon sleeper standing in for HiGHS)
    would keep the process alive; with an abandoned solver the CLI exits at once, code kept."""
    script = (
        "import threading, time\n"
        "from suanli.solver import watchdog\n"
        "from suanli.cli import main\n"
        "threading.Thread(target=time.sleep, args=(600,)).start()\n"
        "watchdog.abandon(object())\n"
        f"raise SystemExit(main(['check', {str(ROOT / 'specs' / 'example.spec')!r}]))\n")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 60
