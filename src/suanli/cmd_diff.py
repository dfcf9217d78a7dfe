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

from suanli.cli_args import add_compile_options, add_solve_options
from suanli.exitcodes import CommandError, ExitCode
from suanli.formats import DIFF_FORMATS, ROBUST_DIFF_FORMATS


def add_arguments(parser) -> None:
    parser.add_argument("old", metavar="OLD", help="the plan JSON or spec before the change")
    parser.add_argument("new", metavar="NEW", help="the plan JSON or spec after the change")
    parser.add_argument("--format", choices=tuple(DIFF_FORMATS), default=None,
                        help="output format (default: table on a terminal, json otherwise: on a pipe "
                             "or with -o); html: before and after side by side (see `suanli report`)")
    parser.add_argument("-o", "--output", metavar="PATH", help="write the diff to PATH (atomically)")
    parser.add_argument("--max-increase", metavar="LIMIT", default=None,
                        help="exit 1 when the total cost rises by more than LIMIT (5%% or 0.05)")
    add_solve_options(parser, when="for spec arguments", limit="for each spec solved")
    add_compile_options(parser)


def run(args) -> int:
    from suanli.cli_common import run_guarded

    return run_guarded(_run, args)


def _run(args) -> int:
    """Arguments -> the two plans -> one `suanli.api.diff` call -> one format (and the budget's exit code)."""
    from suanli import api
    from suanli.cli_common import default_format, emit
    from suanli.cmd_report import spec_context
    from suanli.formats.outputs import DiffOutput
    from suanli.plan_diff import parse_increase

    limit = None
    if args.max_increase is not None:
        try:
            limit = parse_increase(args.max_increase)
        except ValueError as exc:
            raise CommandError(f"suanli: {exc}", ExitCode.INVALID) from None
    from suanli.robust_cli import is_robust_file
    if is_robust_file(args.old) or is_robust_file(args.new):  # §10: robust plans
        return _diff_robust(args, limit)
    old = plan_or_spec(args.old, args)
    new = plan_or_spec(args.new, args)
    diff = api.diff(old, new, max_increase=limit)
    contexts = lambda: tuple(spec_context(None if api.is_plan_file(p) else p, args) for p in (args.old, args.new))
    emit(DIFF_FORMATS[default_format(args.format, args.output)](DiffOutput(old, new, diff, contexts)), args.output)
    if diff.budget is not None and diff.budget.exceeded:
        print(f"suanli: {diff.budget.message}", file=sys.stderr)
        return ExitCode.ASSERT
    return ExitCode.OK


def _diff_robust(args, limit) -> int:
    from suanli import robust_diff
    from suanli.cli_common import default_format, emit
    from suanli.robust_cli import is_robust_file, read_robust

    if not (is_robust_file(args.old) and is_robust_file(args.new)):
        raise CommandError("suanli: a robust plan can only be compared with another robust plan", ExitCode.INVALID)
    old, new = read_robust(args.old), read_robust(args.new)
    diff = robust_diff.diff_robust(old, new)
    emit(ROBUST_DIFF_FORMATS[default_format(args.format, args.output)](diff), args.output)
    before, after = old.cost.total, new.cost.total
    if limit is not None and before is not None and after is not None and after > before * (1 + limit) + 1e-9:
        print(f"suanli: the mean total cost rose by more than {limit:.2%}", file=sys.stderr)
        return ExitCode.ASSERT
    return ExitCode.OK


def plan_or_spec(path: str, args):
    """The plan in `path`, or the plan of solving the spec in `path` with the command's
    options (`suanli.api.plan_or_spec`); CommandError(2), diagnostics on stderr, otherwise."""
    from suanli import api
    from suanli.cli_common import input_errors

    options = dict(scenario=getattr(args, "scenario", None), overrides=getattr(args, "overrides", ()),
                   solver=getattr(args, "solver", "highs"), time_limit=getattr(args, "time_limit", None),
                   max_bytes=getattr(args, "max_bytes", None))
    with input_errors():
        return api.plan_or_spec(api.SpecFile(path), options)
