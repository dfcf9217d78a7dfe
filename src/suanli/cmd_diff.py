"""`suanli diff OLD NEW`: what a spec change does to the plan.

OLD and NEW are each a plan JSON (`suanli solve --format json`) or a spec,
which is compiled and solved first (`--solver`, `--time-limit`, `--scenario`,
`--set` apply to both specs). The diff covers total cost and each part, node
counts per region and node type, placements that moved, carbon and energy,
and the requires and asserts whose status changed. `--format markdown` is a
pull-request comment: a headline line, then `<details>` sections.

Exit codes: 0 the diff was produced; 1 with `--max-increase`, the total cost
rose by more than allowed; 2 invalid spec, plan or command line; 74 the
output could not be written.
"""

from __future__ import annotations

import sys


def add_arguments(parser) -> None:
    from suanli.solver.cli_args import seconds
    from suanli.solver.cli_common import add_compile_options

    parser.add_argument("old", metavar="OLD", help="the plan JSON or spec before the change")
    parser.add_argument("new", metavar="NEW", help="the plan JSON or spec after the change")
    parser.add_argument("--format", choices=("table", "json", "markdown", "html"), default=None,
                        help="output format (default: table on a terminal, json otherwise: on a pipe "
                             "or with -o); html: before and after side by side (see `suanli report`)")
    parser.add_argument("-o", "--output", metavar="PATH", help="write the diff to PATH (atomically)")
    parser.add_argument("--max-increase", metavar="LIMIT", default=None,
                        help="exit 1 when the total cost rises by more than LIMIT (5%% or 0.05)")
    parser.add_argument("--solver", choices=("highs", "cbc"), default="highs",
                        help="MILP backend for spec arguments (default highs)")
    parser.add_argument("--time-limit", type=seconds, default=None, metavar="S",
                        help="wall-clock limit in seconds for each spec solved")
    add_compile_options(parser)


def run(args) -> int:
    from suanli.solver.cli_common import run_guarded

    return run_guarded(_run, args)


def _run(args) -> int:
    """Arguments -> the two plans -> one `suanli.api.diff` call -> one format (and the budget's exit code)."""
    from suanli import api
    from suanli.solver.cli_common import EXIT_ASSERT, EXIT_INVALID, EXIT_OK, CommandError, default_format, emit
    from suanli.solver.diff import diff_dumps, parse_increase
    from suanli.solver.diff_render import render_diff

    limit = None
    if args.max_increase is not None:
        try:
            limit = parse_increase(args.max_increase)
        except ValueError as exc:
            raise CommandError(f"suanli: {exc}", EXIT_INVALID) from None
    if args.time_limit is not None and not args.time_limit > 0:
        raise CommandError("suanli: --time-limit must be a positive number of seconds", EXIT_INVALID)
    from suanli.robust_cli import is_robust_file
    if is_robust_file(args.old) or is_robust_file(args.new):  # §10: robust plans
        return _diff_robust(args, limit)
    old = plan_or_spec(args.old, args)
    new = plan_or_spec(args.new, args)
    diff = api.diff(old, new, max_increase=limit)
    fmt = default_format(args.format, args.output)
    if fmt == "html":
        from suanli.cmd_report import diff_html
        emit(diff_html(old, new, diff, args), args.output)
    else:
        emit(diff_dumps(diff) if fmt == "json" else render_diff(diff, fmt), args.output)
    if diff.budget is not None and diff.budget.exceeded:
        print(f"suanli: {diff.budget.message}", file=sys.stderr)
        return EXIT_ASSERT
    return EXIT_OK


def _diff_robust(args, limit) -> int:
    from suanli import robust_diff
    from suanli.robust_cli import is_robust_file, read_robust
    from suanli.solver.cli_common import EXIT_ASSERT, EXIT_INVALID, EXIT_OK, CommandError, default_format, emit

    if not (is_robust_file(args.old) and is_robust_file(args.new)):
        raise CommandError("suanli: a robust plan can only be compared with another robust plan", EXIT_INVALID)
    old, new = read_robust(args.old), read_robust(args.new)
    diff = robust_diff.diff_robust(old, new)
    fmt = default_format(args.format, args.output)
    emit(robust_diff.dumps(diff) if fmt == "json" else robust_diff.render(diff), args.output)
    before, after = old.cost.total, new.cost.total
    if limit is not None and before is not None and after is not None and after > before * (1 + limit) + 1e-9:
        print(f"suanli: the mean total cost rose by more than {limit:.2%}", file=sys.stderr)
        return EXIT_ASSERT
    return EXIT_OK


def plan_or_spec(path: str, args):
    """The plan in `path`, or the plan of solving the spec in `path` with the command's
    options (`suanli.api.plan_or_spec`); CommandError(2), diagnostics on stderr, otherwise."""
    from suanli import api
    from suanli.diagnostics import CompileError
    from suanli.errors import InvalidPlan
    from suanli.solver.cli_common import EXIT_INVALID, CommandError, print_diagnostics

    options = dict(scenario=getattr(args, "scenario", None), overrides=getattr(args, "overrides", ()),
                   solver=getattr(args, "solver", "highs"), time_limit=getattr(args, "time_limit", None),
                   max_bytes=getattr(args, "max_bytes", None))
    try:
        return api.plan_or_spec(api.SpecFile(path), options)
    except InvalidPlan as exc:
        raise CommandError(f"suanli: {exc}", EXIT_INVALID) from None
    except CompileError as exc:
        print_diagnostics(exc)
        raise CommandError("", EXIT_INVALID) from None


def is_plan_file(path: str) -> bool:
    from suanli.api import is_plan_file as plan_file

    return plan_file(path)


def read_plan(path: str):
    """A plan file, read as hostile input (solver/plan_input.py); exit 2 on a bad one."""
    from suanli.solver.cli_common import EXIT_INVALID, CommandError
    from suanli.solver.plan_input import PlanInputError, read_plan as read

    try:
        return read(path)
    except PlanInputError as exc:
        raise CommandError(f"suanli: {exc}", EXIT_INVALID) from None
