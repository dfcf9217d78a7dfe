"""What the signal tests share: a hard spec to interrupt and a look at /proc for the
processes a run leaves behind (test_cli_signals, test_reliability_signals, test_sweep_signals)."""

import subprocess
import sys
from pathlib import Path

from clirun import ROOT

PROC = Path("/proc")


def bench_m_spec(directory: Path) -> Path:
    """bench/generate.py's M spec (seed 1) in `directory`: large enough that a solve runs for seconds."""
    path = directory / "M.spec"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "M", "--seed", "1",
                    "-o", str(path)], check=True, capture_output=True, timeout=120)
    return path


def pids() -> list[int]:
    return [int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit()]


def cmdline(pid: int) -> str:
    """The command line of `pid` with spaces between its arguments; "" once it is gone."""
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, parent pid, ...); None once gone."""
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def processes_mentioning(text: str) -> list[int]:
    return [pid for pid in pids() if text in cmdline(pid)]


def children(pid: int) -> list[int]:
    return [child for child in pids() if (fields := _stat_fields(child)) and int(fields[1]) == pid]


def alive(pid: int) -> bool:
    """Running or sleeping, not a zombie waiting for its parent."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"
