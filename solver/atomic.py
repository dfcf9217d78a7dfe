"""The one way suanli writes a file: plans (`-o`, `--save-plan`), diffs,
`--write-lp`/`--write-mps` and `fmt` all come here.

- A symlink is followed: the file it points to is written, the link stays.
- Only a regular file (or nothing) is replaced: a directory, FIFO, socket or
  device node at the path is refused, as is a spec this process read (`-o`
  onto the input spec would destroy it).
- A reader sees the old file or the new one, never half of one: the bytes go
  to a temp file in the target's own directory, are fsynced, then
  `os.replace`d over the target. On any error (a full disk included) the
  temp file is removed and the old file is left exactly as it was.
- An existing file keeps its permission bits; a new file gets 0666 minus the
  umask (0644 under the usual umask 022), as `open()` would give it.

Every failure is an `OutputRefused` (an OSError) whose message names the
path and the reason; the CLI turns it into exit 74 (output not written).
"""

from __future__ import annotations

import os
import secrets
import stat
from typing import Iterable, Optional, Union

from suanli.solver.watchdog import disown_file, own_file

__all__ = ["OutputRefused", "write_atomic", "check_target"]

_KINDS = ((stat.S_ISDIR, "is a directory"), (stat.S_ISFIFO, "is a FIFO (named pipe)"),
          (stat.S_ISCHR, "is a character device"), (stat.S_ISBLK, "is a block device"),
          (stat.S_ISSOCK, "is a socket"))


class OutputRefused(OSError):
    """The output file was not written; str() is the whole user message."""

    def __str__(self) -> str:
        return self.args[0]


def check_target(path: str, protect: Optional[Iterable[str]] = None) -> str:
    """The real path `path` would write (symlinks followed), or raise
    OutputRefused when it must not be replaced. Cheap: callers run it before
    a long solve so a bad `-o` fails fast."""
    target = os.path.realpath(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputRefused(f"cannot write {path}: {exc.strerror or exc}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        reason = next((why for test, why in _KINDS if test(st.st_mode)), "is not a regular file")
        raise OutputRefused(f"cannot write {path}: it {reason}; give the path of a regular file")
    if st is not None and _is_protected(st, protect):
        raise OutputRefused(f"cannot write {path}: it is an input spec of this command "
                            "and would be destroyed; write the output somewhere else")
    if not os.path.isdir(os.path.dirname(target)):
        raise OutputRefused(f"cannot write {path}: directory {os.path.dirname(target)} does not exist")
    return target


def _is_protected(st: os.stat_result, protect: Optional[Iterable[str]]) -> bool:
    if protect is None:
        from suanli.grammar.source import files_read
        protect = files_read()
    for p in protect:
        try:
            other = os.stat(p)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            return True
    return False


def write_atomic(path: str, data: Union[str, bytes], protect: Optional[Iterable[str]] = None) -> None:
    """Write `data` (str as UTF-8, newlines untouched) to `path` atomically.
    `protect`: paths never to overwrite (default: every spec this process
    read; `fmt` passes () to rewrite its own input)."""
    target = check_target(path, protect)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    tmp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")
    own_file(tmp)  # removed even if a signal ends the process mid-write
    try:
        _write_temp(tmp, payload, mode)
        os.replace(tmp, target)
    except OSError as exc:
        _unlink_quietly(tmp)
        if isinstance(exc, OutputRefused):
            raise
        raise OutputRefused(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        _unlink_quietly(tmp)
        raise
    finally:
        disown_file(tmp)
    _fsync_dir(os.path.dirname(target))


def _write_temp(tmp: str, payload: bytes, mode: Optional[int]) -> None:
    # 0o666 lets the umask decide a new file's mode, exactly like open("w")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_dir(directory: str) -> None:
    """Make the rename itself durable (best effort: not every FS allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
