"""Ctrl-C (SIGINT) or SIGTERM on a running sweep stops every worker: no orphans, exit 130/143."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from signals_util import alive, bench_m_spec, children


@pytest.fixture(scope="module")
def hard_spec(tmp_path_factory):
    return bench_m_spec(tmp_path_factory.mktemp("hard"))


def start_sweep(spec, tmp_path):
    """A sweep of 4 M cases on 2 workers, its TMPDIR `tmp_path/tmp`; returns (proc, workers, tmp)
    once both workers have been solving for a while."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "suanli", "sweep", str(spec), "--jobs", "2",
                             "--grid", "settings.utilization=70%,75%,80%,85%", "--format", "json",
                             "-o", str(tmp_path / "rows.json")],
                            env={**os.environ, "TMPDIR": str(tmp)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = children(proc.pid)
    assert len(workers) >= 2, "the pool never started"
    while temp_dirs(tmp) < 5 and time.monotonic() < deadline:  # the pool's folder, 2 cases, 2 solves
        time.sleep(0.2)
    time.sleep(0.5)
    assert proc.poll() is None, "the sweep ended before it could be interrupted"
    return proc, workers, tmp


def temp_dirs(tmp: Path) -> int:
    """Temp dirs in TMPDIR and one level below: the pool's folder, and in it (or beside it, if a
    worker puts them elsewhere) each case's spec folder and each running solve's folder."""
    top = [d for d in tmp.iterdir() if d.is_dir()]
    return len(top) + sum(1 for d in top for sub in d.iterdir() if sub.is_dir())


def gone(pids: list[int], within: float = 5.0) -> bool:
    """Every pid dead within `within` s (the kernel may take a moment to finish a SIGKILL)."""
    deadline = time.monotonic() + within
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(alive(p) for p in pids)


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_sweep_leaves_no_worker(hard_spec, tmp_path, sig, code):
    proc, workers, tmp = start_sweep(hard_spec, tmp_path)
    assert len(list(tmp.iterdir())) == 1, "a worker's temp dir is outside the pool's folder"
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    assert gone(workers), "a worker outlived the sweep"
    assert list(tmp.iterdir()) == [], "temp files are left"
    assert not (tmp_path / "rows.json").exists()


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_worker_that_cannot_stop_in_time_is_killed_by_the_fast_exit(hard_spec, tmp_path, sig, code):
    """A stopped worker never handles SIGTERM (as one stuck in a long solver call under load):
    the CLI's 1 s fast exit must SIGKILL it and remove its temp dirs."""
    proc, workers, tmp = start_sweep(hard_spec, tmp_path)
    os.kill(workers[0], signal.SIGSTOP)
    try:
        started = time.monotonic()
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == code, stderr
        assert time.monotonic() - started < 4.5, "the fast exit did not end the sweep"  # TERM_WAIT is 5 s
        assert gone(workers), "a worker outlived the sweep"
        assert list(tmp.iterdir()) == [], "temp files are left"
    finally:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
