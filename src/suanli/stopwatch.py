"""Stage times of one command: what `suanli solve --progress` shows.

Each stage ends with `lap(key, what)`; with `echo`, a line goes to stderr as it
ends (long work shows where it is), and `summary()` gives one line a script can
parse: `suanli: timings imports=0.512 read_parse=0.03 ... total=1.92` (seconds).
"""

from __future__ import annotations

import sys
import time

STARTED = time.perf_counter()  # first import of this module: the command's start, near enough


class Stopwatch:
    def __init__(self, echo: bool = False, start: float = STARTED):
        self.echo = echo
        self.start = self.last = start
        self.times: dict[str, float] = {}

    def lap(self, key: str, what: str) -> None:
        """Charge the time since the previous lap to `key`; `what` says what was done."""
        now = time.perf_counter()
        spent, self.last = now - self.last, now
        self.times[key] = self.times.get(key, 0.0) + spent
        if self.echo:
            print(f"suanli: [{now - self.start:8.2f} s] {what} ({spent:.2f} s)", file=sys.stderr, flush=True)

    def summary(self) -> str:
        parts = [f"{k}={v:.3f}" for k, v in self.times.items()]
        parts.append(f"total={time.perf_counter() - self.start:.3f}")
        return "suanli: timings " + " ".join(parts)


class _Silent(Stopwatch):
    def lap(self, key: str, what: str) -> None:
        pass


SILENT = _Silent()
