"""`suanli sweep --scheduler`: a real Dask cluster (one scheduler, two workers on 127.0.0.1,
started and stopped by the test with the `dask` CLI) gives the rows of the local run."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirun import ROOT, suanli

SPEC = ROOT / "tests" / "fixtures" / "scenarios" / "robust.spec"


def dask_command(*args):
    exe = shutil.which("dask", path=os.path.dirname(sys.executable)) or shutil.which("dask")
    assert exe, "the `dask` command (package distributed) is not installed"
    return [exe, *args]


def start(args, log):
    return subprocess.Popen(dask_command(*args), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop(procs):
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask")
    address_file = folder / "scheduler.json"
    log = open(folder / "cluster.log", "w")
    procs = [start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                    "--scheduler-file", str(address_file)], log)]
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert address_file.exists(), (folder / "cluster.log").read_text()
        for i in range(2):
            procs.append(start(["worker", "--scheduler-file", str(address_file), "--nthreads", "1",
                                "--nworkers", "1", "--host", "127.0.0.1", "--no-dashboard",
                                "--name", f"w{i}", "--local-directory", str(folder / f"w{i}")], log))
        address = json.loads(address_file.read_text())["address"]
        _wait_for_workers(address, 2)
        yield address
    finally:
        stop(procs[1:])
        stop(procs[:1])
        log.close()
    assert all(p.poll() is not None for p in procs)


def _wait_for_workers(address, n):
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False) as client:
        client.wait_for_workers(n, timeout=90)


def test_a_cluster_gives_the_local_rows(cluster):
    args = ["sweep", SPEC, "--all-scenarios", "--grid", "region.east.power_price=0.6 CNY/kWh,0.9 CNY/kWh",
            "--format", "json"]
    local = suanli(*args, "--jobs", "2")
    remote = suanli(*args, "--scheduler", cluster)
    assert remote.returncode == local.returncode == 0, remote.stderr
    strip = lambda rows: [{k: v for k, v in r.items() if k != "solve_time_s"} for r in json.loads(rows)]
    assert strip(remote.stdout) == strip(local.stdout)
    assert len(strip(remote.stdout)) == 6


def test_failing_cases_come_back_as_rows_from_the_cluster(cluster):
    result = suanli("sweep", SPEC, "--scenario", "west_lost", "--grid", "region.east.max_nodes=0,100",
                    "--format", "json", "--scheduler", cluster)
    rows = json.loads(result.stdout)
    assert [r["status"] for r in rows] == ["infeasible", "optimal"]
    assert result.returncode == 3


def test_an_unreachable_scheduler_is_a_clear_error():
    result = suanli("sweep", SPEC, "--scheduler", "tcp://127.0.0.1:9", "--format", "json", timeout=120)
    assert result.returncode == 2 and "cannot reach the Dask scheduler" in result.stderr
    assert "Traceback" not in result.stderr
