"""Exit codes (LANGUAGE.md §7, ENGINEERING.md) and the error that carries one.

Every command returns an `ExitCode` (an int: `sys.exit` and the tests read
it as the number). `CommandError` is a user-facing failure, its message
already worded; `suanli.cli_common.run_guarded` turns it into that message
on stderr and its code. Both live below every layer that may raise or
return them (formats, commands, the CLI).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ASSERT = 1  # an assert failed, `fmt --check` would change a file, a cost budget was exceeded
    INVALID = 2  # invalid spec, plan or command line
    INFEASIBLE = 3
    NO_PLAN = 4  # solver failure, time limit without a plan, unbounded, failed verification
    INTERNAL = 70
    NOT_WRITTEN = 74  # the output could not be written
    SIGINT = 130
    SIGTERM = 143


class CommandError(Exception):
    """A user-facing failure with its exit code (message already worded; may be empty
    when the diagnostics were printed already)."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code
