"""`suanli` command line: argument parsing, dispatch and the exit-code contract.

Each subcommand lives in its own module `suanli.cmd_<name>` exposing
`add_arguments(parser)` and `run(args) -> int`; they are imported lazily so
`suanli check` never pays for the solver stack.

Exit codes (LANGUAGE.md §7 plus ENGINEERING.md): 0 ok, 1 an assert failed
(or `fmt --check` would change a file), 2 invalid input, 3 infeasible,
4 no plan, 70 internal error, 74 output not written, 130/143 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import threading

from suanli import stopwatch  # noqa: F401 - imported first: its clock starts with the command
from suanli.exitcodes import ExitCode

COMMANDS = {
    "check": "validate spec files and report every diagnostic",
    "fmt": "format spec files in the one canonical layout",
    "solve": "compile a spec to a MILP, solve it and print the verified plan",
    "verify": "re-check a plan JSON against a spec",
    "explain": "explain why a spec is infeasible, in spec terms",
    "diff": "compare two plans or specs: cost, placement, carbon",
    "sweep": "solve many cases of a spec (scenarios, grids, samples), locally or on Dask",
    "report": "draw a plan (or a spec, solved first) as one self-contained HTML page",
    "lsp": "run the language server for editors (LSP over stdio)",
}


HARD_EXIT_AFTER = 1.0  # seconds an interrupted command has to unwind before it is ended


class _Terminated(BaseException):  # not Exception: no `except Exception` may swallow it
    pass


class _StdoutFailed(Exception):
    """Writing our own stdout failed (a full disk, a closed pipe): exit 74."""


_interrupted: list[int] = []


def _on_signal(signum, frame):  # pragma: no cover - exercised from CLI tests
    """First Ctrl-C/SIGTERM: unwind normally (finally blocks kill workers and
    remove temp files), and arm a timer that ends the process anyway after
    HARD_EXIT_AFTER s: a HiGHS thread may take a minute to honour a cancel.
    Later signals change nothing: the timer is already running."""
    if _interrupted:
        return
    code = ExitCode.SIGINT if signum == signal.SIGINT else ExitCode.SIGTERM
    _interrupted.append(code)
    timer = threading.Timer(HARD_EXIT_AFTER, _hard_exit, args=(code,))
    timer.daemon = True
    timer.start()
    raise KeyboardInterrupt() if signum == signal.SIGINT else _Terminated()


def _hard_exit(code: int) -> None:  # pragma: no cover - runs in the subprocess tests
    from suanli.solver.watchdog import emergency_cleanup

    emergency_cleanup()
    word = "interrupted" if code == ExitCode.SIGINT else "terminated"
    with contextlib.suppress(OSError):
        os.write(2, f"suanli: {word}\n".encode())
    os._exit(code)


class _GuardedStdout:
    """sys.stdout whose write errors become _StdoutFailed, so `> full-disk`
    is exit 74 (output not written), not an internal error."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise  # `| head`: the reader is gone, nothing to say
        except OSError as exc:
            raise _StdoutFailed(exc.strerror or str(exc)) from None

    def flush(self):
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _StdoutFailed(exc.strerror or str(exc)) from None

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _drop_stdout() -> None:
    """Point fd 1 at /dev/null so the interpreter's last flush cannot fail
    again (Python would print a traceback and exit 120)."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="suanli", description="Plan compute infrastructure from a .spec file.")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks for internal errors")
    parser.add_argument("--version", action="version", version=f"suanli {_version()}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in COMMANDS.items():
        module = _command_module(name)
        if module is None:
            continue
        cmd_parser = sub.add_parser(name, help=summary, description=summary)
        cmd_parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                                help="show Python tracebacks for internal errors")
        module.add_arguments(cmd_parser)
    return parser


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("suanli")
    except Exception:  # not installed as a distribution (e.g. run from a source tree)
        from suanli import __version__

        return __version__


def _command_module(name: str):
    try:
        return importlib.import_module(f"suanli.cmd_{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"suanli.cmd_{name}":
            return None  # command not built into this installation
        raise



def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 on a bad command line, 0 for --help
        return int(exc.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return ExitCode.INVALID
    module = _command_module(args.command)
    guarded, sys.stdout = sys.stdout, _GuardedStdout(sys.stdout)
    try:
        code = _dispatch(module, args)
    finally:
        sys.stdout = guarded
    return _leave_abandoned_solvers(code)


def _leave_abandoned_solvers(code: int) -> int:
    """A solver thread that ignored its time limit was left running (watchdog.abandon):
    the answer is written, so end the process now rather than wait for the thread or
    finalize the interpreter beside native code that is still running."""
    if "suanli.solver.watchdog" not in sys.modules:
        return code
    from suanli.solver.watchdog import abandoned

    if not abandoned():
        return code
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(int(code))


def _dispatch(module, args) -> int:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_signal)
        signal.signal(signal.SIGINT, _on_signal)
    try:
        code = module.run(args)
        with contextlib.suppress(ValueError):  # a command (the language server) may close stdout
            sys.stdout.flush()  # a full disk shows here, as exit 74
        return code
    except KeyboardInterrupt:
        print("suanli: interrupted", file=sys.stderr)
        return ExitCode.SIGINT
    except _Terminated:
        print("suanli: terminated", file=sys.stderr)
        return ExitCode.SIGTERM
    except (BrokenPipeError, _StdoutFailed) as exc:
        _drop_stdout()
        if not isinstance(exc, BrokenPipeError):
            print(f"suanli: cannot write the output to stdout: {exc}", file=sys.stderr)
        return ExitCode.NOT_WRITTEN
    except Exception as exc:  # the last line of defence: never exit 1 by accident
        if _interrupted:  # the signal's exception was re-raised as another (e.g. ImportError by C code)
            print("suanli: " + ("interrupted" if _interrupted[0] == ExitCode.SIGINT else "terminated"), file=sys.stderr)
            return _interrupted[0]
        if getattr(args, "debug", False):
            raise
        print(f"suanli: internal error: {type(exc).__name__}: {exc}\n"
              "  (run again with --debug for the traceback, and please report it)", file=sys.stderr)
        return ExitCode.INTERNAL
