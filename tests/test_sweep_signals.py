"""Ctrl-C (SIGINT) or SIGTERM on a running sweep stops every worker: no orphans, exit 130/143."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def hard_spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("hard") / "M.spec"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "M", "--seed", "1",
                    "-o", str(path)], check=True, capture_output=True, timeout=120)
    return path


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_sweep_leaves_no_worker(hard_spec, tmp_path, sig, code):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "suanli", "sweep", str(hard_spec), "--jobs", "2",
                             "--grid", "settings.utilization=70%,75%,80%,85%", "--format", "json",
                             "-o", str(tmp_path / "rows.json")],
                            env={**os.environ, "TMPDIR": str(tmp)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = children(proc.pid)
    assert len(workers) >= 2, "the pool never started"
    time.sleep(3.0)  # the workers are compiling or solving
    assert proc.poll() is None, "the sweep ended before it could be interrupted"
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    time.sleep(0.5)
    assert [w for w in workers if alive(w)] == [], "a worker outlived the sweep"
    assert list(tmp.iterdir()) == [], "temp files are left"
    assert not (tmp_path / "rows.json").exists()
