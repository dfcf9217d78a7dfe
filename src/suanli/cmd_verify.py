"""`suanli verify SPEC PLAN.json`: re-check a plan against the spec's semantics.

Independent of the LP: node counts, sites, fractions and job placements are
read from the plan; every constraint and cost part is recomputed
(tolerance 1e-6 in the reported unit + 1e-9 relative).
Exit 0 valid; 1 the plan violates the spec (each violation on stdout);
2 invalid spec, unreadable plan or a plan that does not match the schema.
"""

from __future__ import annotations

import sys


def add_arguments(parser) -> None:
    from suanli.solver.cli_common import add_compile_options

    parser.add_argument("file", metavar="SPEC", help="the root .spec file")
    parser.add_argument("plan", metavar="PLAN", help="a plan JSON written by `suanli solve --format json`")
    add_compile_options(parser)


def run(args) -> int:
    from suanli.solver.cli_common import EXIT_ASSERT, EXIT_INVALID, EXIT_OK, CommandError, load_program
    from suanli.solver.verify import verify
    from suanli.solver.verify_near import verify_near

    from suanli.robust_cli import is_robust_file, verify_robust

    try:
        if is_robust_file(args.plan):  # §10: one sub-plan per scenario
            return verify_robust(args)
        plan = _read_plan(args.plan)
        if plan.near_optimal is not None:  # re-evaluated on its plans: compiled with the spec
            args.near_optimal = plan.near_optimal.metric
        program = load_program(args, args.file)
    except CommandError as exc:
        if str(exc):
            print(str(exc), file=sys.stderr)
        return exc.code
    violations = verify(program, plan) + verify_near(program, plan)
    if violations:
        print(f"{args.plan}: {len(violations)} violation(s) of {args.file}:")
        for v in violations:
            print(f"  - {v}")
        return EXIT_ASSERT
    print(f"{args.plan}: the plan satisfies {args.file}")
    return EXIT_OK


def _read_plan(path: str):
    """The plan, or exit 2 naming what is wrong (solver/plan_input.py)."""
    from suanli.solver.cli_common import EXIT_INVALID, CommandError
    from suanli.solver.plan_input import PlanInputError, read_plan

    try:
        return read_plan(path)
    except PlanInputError as exc:
        raise CommandError(f"suanli: {exc}", EXIT_INVALID) from None
