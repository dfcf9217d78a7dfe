"""`suanli check FILE... [--format text|json|junit|sarif|github]`: every diagnostic of every file.

Exit 0 when no file has an error (warnings are printed but do not fail), 2 on
any error. Text goes to stderr in the rustc style; `--format json` prints one
JSON object on stdout for editors and CI: {"files": [...], "diagnostics": [...],
"errors": N, "warnings": N}. For CI (docs/ci.md), `junit`, `sarif` (2.1.0) and
`github` (workflow annotation lines) print on stdout, with the text rendering
still on stderr.
"""

from __future__ import annotations

import json
import sys

from suanli.diagnostics import Severity, render_all


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help=".spec files to check")
    parser.add_argument("--format", choices=("text", "json", "junit", "sarif", "github"), default="text",
                        help="text (stderr, default), json, or for CI: junit, sarif, github (stdout)")
    add_compile_options(parser)


def add_compile_options(parser) -> None:
    """Options every command that compiles a spec shares."""
    from suanli.solver.cli_args import Once, byte_count

    parser.add_argument("--scenario", metavar="NAME", action=Once, help="apply the overrides of scenario NAME")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="K=V",
                        help="override a property: --set region.guizhou.pue=1.2 (repeatable)")
    parser.add_argument("--max-bytes", type=byte_count, default=None, metavar="N",
                        help="largest spec (imports included) to read, in bytes (default 32 MB)")


def compile_options(args) -> dict:
    options = {"scenario": args.scenario, "overrides": tuple(args.overrides)}
    if args.max_bytes is not None:
        options["max_bytes"] = args.max_bytes
    return options


def run(args) -> int:
    from suanli import api

    all_diags, sources, derived = [], {}, []
    for path in args.files:
        result = api.check(api.SpecFile(path), **compile_options(args))
        all_diags.extend(result)
        sources.update(result.sources)
        if result.program is not None:
            derived += derived_sizes(path, result.program)
    errors = sum(d.severity is Severity.ERROR for d in all_diags)
    warnings = sum(d.severity is Severity.WARNING for d in all_diags)
    if args.format == "json":
        payload = {"files": list(args.files), "errors": errors, "warnings": warnings,
                   "diagnostics": [d.to_json() for d in all_diags]}
        if derived:  # §9: only specs with AI-sized workloads gain the key
            payload["derived"] = derived
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    else:
        if args.format in ("junit", "sarif", "github"):
            sys.stdout.write(_ci_output(args.format, list(args.files), all_diags, 2 if errors else 0, sources))
        if all_diags:
            print(render_all(all_diags, sources), file=sys.stderr)
        summary = f"{len(args.files)} file(s) checked: {errors} error(s), {warnings} warning(s)"
        print(summary, file=sys.stderr)
    return 2 if errors else 0


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
    from suanli.solver.plan import round_sig
    return [{k: round_sig(v) if isinstance(v, float) else v for k, v in d.items()} for d in out]


def _ci_output(fmt: str, files: list[str], diags: list, code: int, sources: dict) -> str:
    from suanli.solver import ci_formats

    if fmt == "junit":
        return ci_formats.diagnostics_junit(files, diags, sources)
    if fmt == "sarif":
        return ci_formats.diagnostics_sarif(files, diags, code)
    return ci_formats.diagnostics_github(files, diags)
