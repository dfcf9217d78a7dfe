"""Run the installed `suanli` command line as a user would (a fresh interpreter)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def suanli(*args, cwd=ROOT, timeout=300, input=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "suanli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, input=input)
