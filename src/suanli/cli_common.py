"""What every command shares: the CommandError guard, compiling, diagnostics, output.

The CLI layer (with cli_args.py): no solver module imports this one.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Optional, Union

from suanli.exitcodes import CommandError, ExitCode


def run_guarded(run, args) -> int:
    """Run a command's body; a CommandError becomes its message on stderr and its exit code.
    Every command's `run` is `run_guarded(_run, args)`."""
    try:
        return run(args)
    except CommandError as exc:
        if str(exc):
            print(str(exc), file=sys.stderr)
        return exc.code


def _compile_kwargs(args) -> dict:
    from suanli.cli_args import compile_options

    kw = compile_options(args)
    if getattr(args, "near_optimal", None) is not None:
        kw["near"] = args.near_optimal
    return kw


def load_program(args, path: str, watch=None):
    """Compile or raise CommandError(2) after printing the diagnostics."""
    from suanli.compiler import load
    from suanli.diagnostics import CompileError

    try:
        return load(path, **_compile_kwargs(args), **({"watch": watch} if watch else {}))
    except CompileError as exc:
        print_compile_error(exc)
        raise CommandError("", ExitCode.INVALID) from None


@contextlib.contextmanager
def input_errors():
    """Inside: a spec that does not compile (its diagnostics printed) or a file that is
    not a plan (its reason) becomes CommandError(2), for run_guarded to return."""
    from suanli.diagnostics import CompileError
    from suanli.errors import InvalidPlan

    try:
        yield
    except InvalidPlan as exc:
        raise CommandError(f"suanli: {exc}", ExitCode.INVALID) from None
    except CompileError as exc:
        print_compile_error(exc)
        raise CommandError("", ExitCode.INVALID) from None


def print_diagnostics(diags, sources: Optional[dict[str, str]] = None,
                      sort: bool = True) -> tuple[list, dict[str, str]]:
    """The one place diagnostics reach stderr (rustc style: `file:line:col`, the source line,
    a caret); every command prints through here. `sources` (path -> text: what the compiler
    read, the --near-optimal argument) wins; other labelled files are read from disk. Sorted
    by place unless sort=False (`check` keeps its files' order). Returns the diagnostics and
    sources printed, for a format's error document."""
    from suanli.diagnostics import render_all

    diags = sorted(diags, key=lambda d: d.sort_key()) if sort else list(diags)
    sources = {**_sources(diags, known=sources or {}), **(sources or {})}
    print(render_all(diags, sources), file=sys.stderr)
    return diags, sources


def print_compile_error(exc) -> tuple[list, dict[str, str]]:
    """A CompileError's diagnostics through print_diagnostics, with the sources it carries."""
    return print_diagnostics(exc.diagnostics, getattr(exc, "sources", None))


def _sources(diags, known: dict[str, str]) -> dict[str, str]:
    """The text of each labelled file not in `known`, read from disk (unreadable: left out)."""
    out: dict[str, str] = {}
    for d in diags:
        for lab in d.labels:
            path = lab.span.path
            if path not in out and path not in known and os.path.isfile(path):
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
        raise CommandError(f"suanli: {exc}", ExitCode.NOT_WRITTEN) from None


def check_outputs(*paths: Optional[str]) -> None:
    """Refuse a bad output path before a long solve, not after it."""
    from suanli.solver.atomic import OutputRefused, check_target

    for path in paths:
        if path:
            try:
                check_target(path)
            except OutputRefused as exc:
                raise CommandError(f"suanli: {exc}", ExitCode.NOT_WRITTEN) from None


def emit(text: Union[str, bytes], output: Optional[str]) -> None:
    """The rendered output to `output` (atomically) or stdout; bytes (parquet) go to a file only."""
    if output:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def default_format(args_format: Optional[str], output: Optional[str]) -> str:
    if args_format:
        return args_format
    return "table" if output is None and sys.stdout.isatty() else "json"


def read_plan(path: str):
    """A plan file (`suanli.api.read_plan`: read as hostile input); exit 2 saying why on a bad one."""
    from suanli import api
    from suanli.errors import InvalidPlan

    try:
        return api.read_plan(path)
    except InvalidPlan as exc:
        raise CommandError(f"suanli: {exc}", ExitCode.INVALID) from None
