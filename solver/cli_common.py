"""What `solve`, `verify` and `explain` share: compiling, output, exit codes."""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Optional

EXIT_OK, EXIT_ASSERT, EXIT_INVALID, EXIT_INFEASIBLE, EXIT_NO_PLAN = 0, 1, 2, 3, 4
EXIT_NOT_WRITTEN = 74


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
    """Temp file in the target directory, fsync, os.replace; raises
    CommandError(74) when it cannot be written."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp: Optional[str] = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".suanli-", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise CommandError(f"suanli: cannot write {path}: {exc.strerror or exc}", EXIT_NOT_WRITTEN) from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


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
