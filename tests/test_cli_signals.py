"""Interrupting a long solve: no orphan solver process, no temp files, exit 143/130."""

import os
import signal
import subprocess
import sys
import time

import pytest

from signals_util import bench_m_spec, processes_mentioning


@pytest.fixture(scope="module")
def hard_spec(tmp_path_factory):
    return bench_m_spec(tmp_path_factory.mktemp("hard"))


@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_interrupt_leaves_nothing_behind(hard_spec, tmp_path, sig, code):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "suanli", "solve", str(hard_spec), "--solver", "cbc",
                             "--format", "json", "-o", str(tmp_path / "plan.json")],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not processes_mentioning(str(tmp)) and time.monotonic() < deadline:
        time.sleep(0.2)  # wait until the CBC worker runs in our temp dir
    assert processes_mentioning(str(tmp)), "the CBC worker never started"
    time.sleep(1.0)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    time.sleep(0.5)
    assert processes_mentioning(str(tmp)) == [], "an orphan solver process is left"
    assert list(tmp.iterdir()) == [], "temp files are left"
    assert not (tmp_path / "plan.json").exists() and "Traceback" not in stderr
