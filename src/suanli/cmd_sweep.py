"""`suanli sweep FILE`: solve many cases of one spec, one row per case (docs/sweep.md).

Cases: each `--scenario NAME` in order (`base` = the base spec; without
`--scenario`, the base alone; `--all-scenarios`: the base and every scenario),
each crossed with every point of the `--grid`s; then `--samples N --seed S`
perturbations of the base. `--set` applies to every case. Rows come in case order whatever
finishes first; each row's numbers are those `suanli solve` prints for that
case alone.

Exit code: 0 when every case solved and its asserts hold, else the worst case's
code by `solve`'s contract, ranked 70 (internal error) > 2 (invalid case) >
4 (no plan) > 3 (infeasible) > 1 (assert failed) > 0. An invalid command line
or a base spec that cannot be read exits 2 before any case runs; 130/143 when
interrupted (every worker stopped first).
"""

from __future__ import annotations

import os
import sys

from suanli.api import SOLVERS
from suanli.cli_args import byte_count, seconds
from suanli.exitcodes import CommandError, ExitCode
from suanli.formats import SWEEP_FORMATS
from suanli.tolerances import DEFAULT_GAP


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="the root .spec file")
    parser.add_argument("--scenario", dest="scenarios", action="append", default=[], metavar="NAME",
                        help="a case per scenario (repeatable; `base` = the base spec; default: the base alone)")
    parser.add_argument("--all-scenarios", action="store_true", help="a case for the base and for every scenario of the spec")
    parser.add_argument("--grid", action="append", default=[], metavar="TARGET=V1,V2,...",
                        help="values of an override target (as --set); repeatable: the cross product")
    parser.add_argument("--samples", type=int, default=0, metavar="N",
                        help="N perturbations of the base drawn as suanli.testing.perturbations draws them")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed of --samples (default 0)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="cases solved at once on this machine (default: the number of cores)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="send the cases to a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs suanli[dask])")
    parser.add_argument("--solver", choices=SOLVERS, default="highs", help="MILP backend (default highs)")
    parser.add_argument("--time-limit", type=seconds, default=None, metavar="S", help="limit per case, in seconds")
    parser.add_argument("--gap", type=float, default=DEFAULT_GAP, metavar="REL", help="relative MIP gap (default 1e-6)")
    parser.add_argument("--relax", action="store_true", help="solve each case's LP relaxation")
    parser.add_argument("--no-tie-break", dest="tie_break", action="store_false",
                        help="skip the tie-breaking solve (faster; equal-cost plans may vary)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="K=V",
                        help="override a property in every case (repeatable)")
    parser.add_argument("--max-bytes", type=byte_count, default=None, metavar="N",
                        help="largest spec (imports included) to read, in bytes")
    parser.add_argument("--format", choices=tuple(SWEEP_FORMATS), default=None,
                        help="table (default on a terminal), json, csv, or parquet (needs -o)")
    parser.add_argument("-o", "--output", metavar="PATH", help="write the rows to PATH (atomically)")


def run(args) -> int:
    from suanli.cli_common import run_guarded

    return run_guarded(_run, args)


def _run(args) -> int:
    from suanli.sweep import CaseOptions, CasePlan, cases, worst_code
    from suanli.sweep_run import run_cases

    fmt = _check_options(args)
    bundle, scenarios = _read(args)
    samples = _samples(args) if args.samples else []
    plan = CasePlan(scenarios=scenarios, grid=[_grid(g) for g in args.grid], sets=tuple(args.overrides),
                    samples=samples)
    options = CaseOptions(solver=args.solver, time_limit=args.time_limit, gap=args.gap, relax=args.relax,
                          tie_break=args.tie_break, max_bytes=args.max_bytes)
    todo = cases(plan)
    rows = run_cases(bundle, todo, options, args.jobs or os.cpu_count() or 1, args.scheduler)
    _write(rows, fmt, args.output)
    code = worst_code(row["code"] for row in rows)
    _summary(rows, code)
    return code


def _check_options(args) -> str:
    from suanli.cli_common import default_format

    def bad(message):
        raise CommandError(f"suanli: {message}", ExitCode.INVALID)

    if not 0 <= args.gap < 1:
        bad("--gap must be in [0, 1)")
    if args.jobs is not None and args.jobs < 1:
        bad("--jobs must be at least 1")
    if args.samples < 0:
        bad("--samples must be 0 or more")
    fmt = default_format(args.format, args.output)
    if SWEEP_FORMATS[fmt].binary and not args.output:
        bad(f"--format {fmt} writes a file: give -o PATH")
    return fmt


def _grid(text: str) -> tuple[str, list[str]]:
    
    target, _, values = text.partition("=")
    items = [v.strip() for v in values.split(",")]
    if not target.strip() or not values.strip() or any(not v for v in items):
        raise CommandError(f"suanli: --grid `{text}`: write TARGET=V1,V2,... "
                           "(e.g. --grid region.guizhou.power_price=0.35,0.5)", ExitCode.INVALID)
    return target.strip(), items


def _read(args):
    """The source bundle and the scenario names to sweep; exit 2 when unreadable."""
    from suanli.grammar import ast
    from suanli.cli_common import print_diagnostics
    from suanli.sweep import bundle_sources

    bundle, diags, modules = bundle_sources(args.file, args.max_bytes)
    if bundle is None:
        print_diagnostics(diags)
        raise CommandError("", ExitCode.INVALID)
    names = list(dict.fromkeys(args.scenarios))
    if args.all_scenarios:  # the base, every declared scenario, then any other --scenario named
        declared = [s.name for m in modules for s in m.statements if isinstance(s, ast.Scenario)]
        names = ["base"] + declared + [n for n in names if n not in declared and n != "base"]
    return bundle, names or ["base"]


def _samples(args) -> list:
    from suanli.diagnostics import CompileError
    from suanli.cli_common import print_compile_error

    try:
        from suanli.sweep_samples import draw_samples
        drawn = draw_samples(args.file, args.samples, args.seed)
    except ModuleNotFoundError as exc:
        raise CommandError(f"suanli: --samples needs {exc.name}: pip install 'suanli[sweep]'",
                           ExitCode.INVALID) from None
    except CompileError as exc:
        print_compile_error(exc)
        raise CommandError("suanli: --samples perturbs the base spec, which does not compile",
                           ExitCode.INVALID) from None
    except ValueError as exc:  # nothing in the spec can be perturbed
        raise CommandError(f"suanli: --samples: {exc}", ExitCode.INVALID) from None
    if len(drawn) < args.samples:
        print(f"suanli: warning: only {len(drawn)} distinct perturbations drawn (asked for {args.samples})",
              file=sys.stderr)
    return drawn


def _write(rows: list[dict], fmt: str, output) -> None:
    from suanli.cli_common import emit

    emit(SWEEP_FORMATS[fmt](rows), output)


def _summary(rows: list[dict], code: int) -> None:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"suanli: sweep of {len(rows)} case(s): {parts}; exit {code}", file=sys.stderr)
    for row in rows:
        if row["code"]:
            print(f"  - {row['name']}: {row['status']}: {row['message']}", file=sys.stderr)
