"""Stdout belongs to suanli's output alone.

C libraries write to file descriptor 1 directly, so `sys.stdout` tricks do
not reach them: highspy 1.16 prints a two-line banner from the `Highs()`
constructor, before any option can silence it. Every solver object is made
(and every call that may print is run) inside `stdout_silenced()`, which
points fd 1 at /dev/null for the duration and restores it after.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import Iterator

_LOCK = threading.RLock()  # fd 1 is process-wide: one redirect at a time


@contextlib.contextmanager
def stdout_silenced() -> Iterator[None]:
    with _LOCK:
        with contextlib.suppress(Exception):
            sys.stdout.flush()  # our own buffered output goes out before the switch
        try:
            saved = os.dup(1)
        except OSError:  # fd 1 closed: nothing to protect
            yield
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)


def new_highs():
    """A silent `highspy.Highs()`: no banner on stdout, no log."""
    import highspy

    with stdout_silenced():
        h = highspy.Highs()
        h.silent()
    return h
