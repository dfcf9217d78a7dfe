"""`suanli fmt FILE... [--check] [--diff]`: rewrite specs in the canonical layout.

Without flags, changed files are rewritten in place (atomically) and listed
on stderr as `reformatted PATH`. `--check` writes nothing and exits 1 if any
file would change; `--diff` writes nothing and prints a unified diff on
stdout (exit 0 unless `--check` is given too, as in black). A file that
does not parse is reported with rendered diagnostics and makes the exit
code 2; the other files are still processed. The canonical file is UTF-8
without BOM and with LF line endings, so a CRLF file counts as changed.
"""

from __future__ import annotations

import argparse
import difflib
import sys

from suanli.cli_common import print_diagnostics
from suanli.diagnostics import CompileError
from suanli.exitcodes import ExitCode

_SAME, _CHANGED, _INVALID, _UNWRITTEN = "same", "changed", "invalid", "unwritten"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from suanli.cli_args import byte_count
    from suanli.grammar.source import DEFAULT_MAX_BYTES

    parser.add_argument("files", nargs="+", metavar="FILE", help="spec files to format")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if any file would be reformatted")
    parser.add_argument("--diff", action="store_true",
                        help="write nothing; print a unified diff of the changes")
    parser.add_argument("--max-bytes", type=byte_count, default=DEFAULT_MAX_BYTES, metavar="N",
                        help=f"refuse files larger than N bytes (default {DEFAULT_MAX_BYTES})")


def run(args: argparse.Namespace) -> int:
    from suanli.cli_common import run_guarded

    return run_guarded(_run, args)


def _run(args: argparse.Namespace) -> int:
    """Every file is formatted (a bad one does not stop the others); the worst outcome is the exit code."""
    results = [_format_file(path, args) for path in args.files]
    if _INVALID in results:
        return ExitCode.INVALID
    if _UNWRITTEN in results:
        return ExitCode.NOT_WRITTEN
    if args.check and _CHANGED in results:
        return ExitCode.ASSERT  # would change a file
    return ExitCode.OK


def _format_file(path: str, args: argparse.Namespace) -> str:
    from suanli.grammar.fmt import format_source
    from suanli.grammar.source import load_source

    try:
        text, raw = load_source(path, args.max_bytes)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics)
        return _INVALID
    try:
        formatted = format_source(text, path)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics, {path: text})
        return _INVALID
    if formatted == raw:
        return _SAME
    if args.diff:
        sys.stdout.write(unified_diff(raw, formatted, path))
    if args.check:
        print(f"would reformat {path}", file=sys.stderr)
    if args.check or args.diff:
        return _CHANGED
    return _write(path, formatted)


def _write(path: str, text: str) -> str:
    from suanli.solver.atomic import write_atomic

    try:
        write_atomic(path, text, protect=())  # fmt rewrites its own input
    except OSError as exc:
        print(f"suanli: {exc}", file=sys.stderr)
        return _UNWRITTEN
    print(f"reformatted {path}", file=sys.stderr)
    return _CHANGED


def unified_diff(before: str, after: str, path: str) -> str:
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"{path}\t(original)", tofile=f"{path}\t(formatted)")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
