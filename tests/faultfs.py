"""Faulty places to write to, made privately (never the machine's own /dev/full).

`full_dir()`: a directory on a tiny private tmpfs that is already full, when
this process may mount (root in a container); `None` otherwise, and the
caller falls back to an ENOSPC injected at the file-descriptor level.
"""

import contextlib
import errno
import os
import subprocess
import tempfile

MOUNT_SIZE = "64k"


@contextlib.contextmanager
def full_dir(keep: dict | None = None):
    """Yield a directory whose filesystem has no space left, or None. The
    files in `keep` ({name: bytes}) are written before it is filled."""
    where = tempfile.mkdtemp(prefix="suanli-fullfs-")
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={MOUNT_SIZE}", "tmpfs", where],
                                 capture_output=True).returncode == 0
    except OSError:
        mounted = False
    try:
        if not mounted:
            yield None
            return
        for name, data in (keep or {}).items():
            with open(os.path.join(where, name), "wb") as fh:
                fh.write(data)
        _fill(where)
        yield where
    finally:
        if mounted:
            subprocess.run(["umount", "-l", where], capture_output=True)
        os.rmdir(where)


def _fill(where: str) -> None:
    """Fill the filesystem: any further write fails with ENOSPC."""
    with open(os.path.join(where, "filler"), "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


# A python -c prelude that makes fd-level writes to stdout fail with ENOSPC,
# for machines where no tmpfs can be mounted.
ENOSPC_STDOUT = """
import errno, io, sys
class Full(io.RawIOBase):
    def writable(self): return True
    def write(self, b): raise OSError(errno.ENOSPC, "No space left on device")
sys.stdout = io.TextIOWrapper(io.BufferedWriter(Full()), encoding="utf-8")
from suanli.cli import main
raise SystemExit(main(sys.argv[1:]))
"""
