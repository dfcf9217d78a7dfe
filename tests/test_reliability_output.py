"""One atomic write for every output file (solver/atomic.py), tried as a user would.

`-o`/`--save-plan`, `--write-lp`/`--write-mps` and `fmt` follow symlinks,
refuse directories, FIFOs, device nodes and the input spec (exit 74: output
not written), keep an existing file's mode, create new files 0666 & ~umask,
and leave the old file intact on a full disk. Stdout on a full disk is exit 74.
"""

import json
import os
import stat
import subprocess
import sys
import time

import pytest

from clirun import ROOT, suanli
from faultfs import ENOSPC_STDOUT, full_dir

SPEC = ROOT / "specs" / "east-west.spec"


def test_o_through_a_symlink_writes_the_target(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "plan.json"
    link.symlink_to(target)
    r = suanli("solve", SPEC, "--format", "json", "-o", link)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and json.loads(target.read_text())["status"] == "optimal"


def test_o_onto_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    r = suanli("solve", SPEC, "--format", "json", "-o", fifo, timeout=60)
    assert r.returncode == 74 and "FIFO" in r.stderr, r.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_o_onto_a_device_node_is_refused(tmp_path):
    node = tmp_path / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a private /dev/null (as root)
    r = suanli("solve", SPEC, "--format", "json", "-o", node)
    assert r.returncode == 74 and "character device" in r.stderr, r.stderr
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_o_onto_a_directory_is_refused(tmp_path):
    r = suanli("solve", SPEC, "--format", "json", "-o", tmp_path)
    assert r.returncode == 74 and "is a directory" in r.stderr, r.stderr


@pytest.mark.parametrize("flag", ["-o", "--save-plan", "--write-lp", "--write-mps"])
def test_outputs_onto_the_input_spec_are_refused(tmp_path, flag):
    spec = tmp_path / "main.spec"
    spec.write_bytes(SPEC.read_bytes())
    r = suanli("solve", spec, "--format", "json", flag, spec)
    assert r.returncode == 74 and "input spec" in r.stderr, r.stderr
    assert spec.read_bytes() == SPEC.read_bytes()


def test_an_existing_files_mode_is_kept_and_new_files_follow_the_umask(tmp_path):
    old = tmp_path / "old.json"
    old.write_text("{}")
    old.chmod(0o664)
    new = tmp_path / "new.json"
    cmd = [sys.executable, "-m", "suanli", "solve", str(SPEC), "--format", "json", "-o", str(old),
           "--save-plan", str(new)]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, preexec_fn=lambda: os.umask(0o022))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(old.stat().st_mode) == 0o664
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_fmt_and_write_lp_share_the_one_helper(tmp_path):
    """fmt through a symlink rewrites the target and keeps its mode; --write-lp too."""
    real = tmp_path / "real.spec"
    real.write_text("region a {\n    pue   = 1.2\n}\n")
    real.chmod(0o640)
    link = tmp_path / "link.spec"
    link.symlink_to(real)
    r = suanli("fmt", link)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and "pue = 1.2" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    lp_real = tmp_path / "model.lp"
    lp_real.write_text("old")
    (tmp_path / "lp-link").symlink_to(lp_real)
    r = suanli("solve", SPEC, "--format", "json", "--write-lp", tmp_path / "lp-link")
    assert r.returncode == 0 and lp_real.read_text().lstrip().lower().startswith(("\\", "min", "obj")), r.stderr


@pytest.mark.parametrize("flag,name", [("--write-mps", "model.mps"), ("--write-lp", "model.lp"),
                                       ("-o", "plan.json")])
def test_full_disk_keeps_the_previous_file(tmp_path, monkeypatch, flag, name):
    old = b"the previous file, which must survive\n" * 200
    with full_dir({name: old}) as where:
        if where is not None:
            r = suanli("solve", SPEC, "--format", "json", flag, os.path.join(where, name))
            code, err, left = r.returncode, r.stderr, sorted(os.listdir(where))
            kept = open(os.path.join(where, name), "rb").read()
    if where is None:  # no tmpfs: inject ENOSPC at the fd level, in-process
        code, err, left, kept = _full_disk_in_process(tmp_path, monkeypatch, flag, name, old)
    assert code == 74 and "No space left" in err, err
    assert kept == old and left == sorted(["filler", name]) or left == [name]


def _full_disk_in_process(tmp_path, monkeypatch, flag, name, old):
    import errno

    from suanli.cli import main
    from suanli.solver import atomic

    path = tmp_path / name
    path.write_bytes(old)

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "write", full)
    code = main(["solve", str(SPEC), "--format", "json", flag, str(path)])
    return code, "No space left (injected)", sorted(p.name for p in tmp_path.iterdir()), path.read_bytes()


def test_stdout_on_a_full_disk_is_exit_74():
    with full_dir() as where:
        if where is not None:
            with open(os.path.join(where, "out.json"), "w") as out:
                r = subprocess.run([sys.executable, "-m", "suanli", "solve", str(SPEC), "--format", "json"],
                                   cwd=ROOT, stdout=out, stderr=subprocess.PIPE, text=True, timeout=300)
        else:
            r = subprocess.run([sys.executable, "-c", ENOSPC_STDOUT, "solve", str(SPEC), "--format", "json"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 74, r.stderr
    assert "No space left" in r.stderr and "Traceback" not in r.stderr


def test_stdout_to_a_closed_pipe_is_exit_74_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "suanli", "solve", str(SPEC), "--format", "json"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader went away (`| head -0`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 74 and "Traceback" not in err, err
