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
import importlib
import signal
import sys

from suanli import stopwatch  # noqa: F401 - imported first: its clock starts with the command

EXIT_OK = 0
EXIT_ASSERT = 1
EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4
EXIT_INTERNAL = 70
EXIT_NOT_WRITTEN = 74
EXIT_SIGINT = 130
EXIT_SIGTERM = 143

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


class _Terminated(Exception):
    pass


def _on_sigterm(signum, frame):  # pragma: no cover - exercised from CLI tests
    raise _Terminated()


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
        return EXIT_INVALID
    signal.signal(signal.SIGTERM, _on_sigterm)
    module = _command_module(args.command)
    try:
        return module.run(args)
    except KeyboardInterrupt:
        print("suanli: interrupted", file=sys.stderr)
        return EXIT_SIGINT
    except _Terminated:
        print("suanli: terminated", file=sys.stderr)
        return EXIT_SIGTERM
    except BrokenPipeError:
        return EXIT_NOT_WRITTEN
    except Exception as exc:  # the last line of defence: never exit 1 by accident
        if getattr(args, "debug", False):
            raise
        print(f"suanli: internal error: {type(exc).__name__}: {exc}\n"
              "  (run again with --debug for the traceback, and please report it)", file=sys.stderr)
        return EXIT_INTERNAL
