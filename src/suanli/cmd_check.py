"""`suanli check FILE... [--format text|json|junit|sarif|github]`: every diagnostic of every file.

Exit 0 when no file has an error (warnings are printed but do not fail), 2 on
any error. Text goes to stderr in the rustc style; `--format json` prints one
JSON object on stdout for editors and CI: {"files": [...], "diagnostics": [...],
"errors": N, "warnings": N}. For CI (docs/ci.md), `junit`, `sarif` (2.1.0) and
`github` (workflow annotation lines) print on stdout, with the text rendering
still on stderr.
"""

from __future__ import annotations

import sys

from suanli.cli_args import add_compile_options, compile_options
from suanli.exitcodes import ExitCode
from suanli.formats import DIAGNOSTIC_FORMATS


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help=".spec files to check")
    parser.add_argument("--format", choices=tuple(DIAGNOSTIC_FORMATS), default="text",
                        help="text (stderr, default), json, or for CI: junit, sarif, github (stdout)")
    add_compile_options(parser)


def run(args) -> int:
    from suanli.cli_common import run_guarded

    return run_guarded(_run, args)


def _run(args) -> int:
    """Every file -> `suanli.api.check` -> one DiagnosticOutput -> the format on stdout, text on stderr."""
    from suanli import api
    from suanli.cli_common import print_diagnostics
    from suanli.formats.outputs import DiagnosticOutput

    all_diags, sources, derived = [], {}, []
    for path in args.files:
        result = api.check(api.SpecFile(path), **compile_options(args))
        all_diags.extend(result)
        sources.update(result.sources)
        if result.program is not None:
            derived += derived_sizes(path, result.program)
    errors = sum(d.severity.value == "error" for d in all_diags)
    code = ExitCode.INVALID if errors else ExitCode.OK
    out = DiagnosticOutput(list(args.files), all_diags, sources, code, derived)
    renderer = DIAGNOSTIC_FORMATS[args.format]
    sys.stdout.write(renderer(out))
    if renderer.text_on_stderr:
        if all_diags:
            print_diagnostics(all_diags, sources, sort=False)  # each file sorted, files as given
        print(f"{len(args.files)} file(s) checked: {out.errors} error(s), {out.warnings} warning(s)",
              file=sys.stderr)
    return code


def derived_sizes(path: str, program) -> list[dict]:
    """§9: the work (6·params·tokens) and compute (2·params·token_rate) derived from model sizes."""
    out = []
    for job in program.jobs:
        if job.tokens is not None:
            out.append({"file": path, "kind": "job", "name": job.name, "params": job.params,
                        "tokens": job.tokens, "work_flop": job.work, "work_pflop": job.work / 1e15,
                        "work_pflops_day": job.work / 1e15 / 86400})
    for svc in program.services:
        if svc.token_rate is not None:
            out.append({"file": path, "kind": "demand", "name": svc.name, "params": svc.params,
                        "token_rate_per_s": svc.token_rate, "compute_flops": svc.compute,
                        "compute_tflops": svc.compute / 1e12})
    from suanli.rounding import round_sig

    return [{k: round_sig(v) if isinstance(v, float) else v for k, v in d.items()} for d in out]
