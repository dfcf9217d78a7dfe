"""What `solve`, `verify` and `explain` share: compiling, output, exit codes."""

from __future__ import annotations

import os
import sys
from typing import Optional

EXIT_OK, EXIT_ASSERT, EXIT_INVALID, EXIT_INFEASIBLE, EXIT_NO_PLAN = 0, 1, 2, 3, 4
EXIT_NOT_WRITTEN = 74


def run_guarded(run, args) -> int:
    """Run a command's body; a CommandError becomes its message on stderr and its exit code."""
    try:
        return run(args)
    except CommandError as exc:
        if str(exc):
            print(str(exc), file=sys.stderr)
        return exc.code


class CommandError(Exception):
    """A user-facing failure with its exit code (message already worded)."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def add_compile_options(parser) -> None:
    try:
        from suanli.cmd_check import add_compile_options as shared
    except ImportError:  # pragma: no cover - check not built in
        parser.add_argument("--scenario", metavar="NAME", help="apply the overrides of scenario NAME")
        parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="K=V",
                            help="override a property: --set region.guizhou.pue=1.2 (repeatable)")
        return
    shared(parser)


def _compile_kwargs(args) -> dict:
    kw = {"scenario": getattr(args, "scenario", None), "overrides": tuple(getattr(args, "overrides", ()) or ())}
    if getattr(args, "max_bytes", None) is not None:
        kw["max_bytes"] = args.max_bytes
    if getattr(args, "near_optimal", None) is not None:
        kw["near"] = args.near_optimal
    return kw


def load_program(args, path: str, watch=None):
    """Compile or raise CommandError(2) after printing the diagnostics."""
    from suanli.compiler import load
    from suanli.diagnostics import CompileError, render_all

    try:
        return load(path, **_compile_kwargs(args), **({"watch": watch} if watch else {}))
    except CompileError as exc:
        diags = sorted(exc.diagnostics, key=lambda d: d.sort_key())
        sources = {**_sources(diags), **getattr(exc, "sources", {})}  # the --near-optimal argument too
        print(render_all(diags, sources), file=sys.stderr)
        raise CommandError("", EXIT_INVALID) from None


def print_diagnostics(exc) -> None:
    """A CompileError's diagnostics on stderr, sorted, with the files' source lines."""
    from suanli.diagnostics import render_all

    diags = sorted(exc.diagnostics, key=lambda d: d.sort_key())
    print(render_all(diags, _sources(diags)), file=sys.stderr)


def _sources(diags) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in diags:
        for lab in d.labels:
            path = lab.span.path
            if path not in out and os.path.isfile(path):
                try:
                    with open(path, encoding="utf-8") as fh:
                        out[path] = fh.read()
                except (OSError, UnicodeDecodeError):
                    pass
    return out


def write_atomic(path: str, text: str) -> None:
    """solver/atomic.py's write (symlinks followed, only regular files
    replaced, never an input spec, mode kept); CommandError(74) when the
    file cannot be written."""
    from suanli.solver.atomic import OutputRefused, write_atomic as write

    try:
        write(path, text)
    except OutputRefused as exc:
        raise CommandError(f"suanli: {exc}", EXIT_NOT_WRITTEN) from None


def check_outputs(*paths: Optional[str]) -> None:
    """Refuse a bad output path before a long solve, not after it."""
    from suanli.solver.atomic import OutputRefused, check_target

    for path in paths:
        if path:
            try:
                check_target(path)
            except OutputRefused as exc:
                raise CommandError(f"suanli: {exc}", EXIT_NOT_WRITTEN) from None


def emit(text: str, output: Optional[str]) -> None:
    if output:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def default_format(args_format: Optional[str], output: Optional[str]) -> str:
    if args_format:
        return args_format
    return "table" if output is None and sys.stdout.isatty() else "json"


def invalid_document(fmt: str, files: list[str], diags: list, sources: dict) -> str:
    """What `solve` writes (stdout or -o) when the spec is invalid (exit 2),
    so every exit code 0-4 leaves a document of the requested format:
    json {"status": "error", ...}, the CI formats' diagnostics, or one line."""
    import json

    from suanli.solver import ci_formats

    errors = sum(d.severity.value == "error" for d in diags)
    message = f"the spec is invalid: {errors} error(s)"
    if fmt == "json":
        doc = {"status": "error", "spec": files[0], "message": message, "errors": errors,
               "diagnostics": [d.to_json() for d in diags]}
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "junit":
        return ci_formats.diagnostics_junit(files, diags, sources)
    if fmt == "sarif":
        return ci_formats.diagnostics_sarif(files, diags, EXIT_INVALID)
    if fmt == "github":
        return ci_formats.diagnostics_github(files, diags)
    if fmt == "markdown":
        return f"# Plan for {files[0]}\n\n- **status**: error\n- **message**: {message}\n"
    return f"suanli: {files[0]}: {message}\n"
