"""`suanli verify SPEC PLAN.json`: re-check a plan against the spec's semantics.

Independent of the LP: node counts, sites, fractions and job placements are
read from the plan; every constraint and cost part is recomputed
(tolerance 1e-6 in the reported unit + 1e-9 relative).
Exit 0 valid; 1 the plan violates the spec (each violation on stdout);
2 invalid spec, unreadable plan or a plan that does not match the schema.
"""

from __future__ import annotations

from suanli.cli_args import add_compile_options
from suanli.exitcodes import ExitCode


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="SPEC", help="the root .spec file")
    parser.add_argument("plan", metavar="PLAN", help="a plan JSON written by `suanli solve --format json`")
    add_compile_options(parser)


def run(args) -> int:
    from suanli.cli_common import run_guarded

    return run_guarded(_run, args)


def _run(args) -> int:
    """Arguments -> one `suanli.api.verify` call -> the violations on stdout."""
    from suanli import api
    from suanli.cli_common import input_errors
    from suanli.robust_cli import is_robust_file, verify_robust

    with input_errors():
        if is_robust_file(args.plan):  # §10: one sub-plan per scenario
            return verify_robust(args)
        violations = api.verify(api.SpecFile(args.file), api.SpecFile(args.plan), scenario=args.scenario,
                                overrides=args.overrides, max_bytes=getattr(args, "max_bytes", None))
    return print_violations(args, violations, "the plan satisfies")


def print_violations(args, violations: list, satisfies: str) -> int:
    """Each violation on stdout (exit 1), or that `satisfies` the spec (exit 0)."""
    if violations:
        print(f"{args.plan}: {len(violations)} violation(s) of {args.file}:")
        for v in violations:
            print(f"  - {v}")
        return ExitCode.ASSERT
    print(f"{args.plan}: {satisfies} {args.file}")
    return ExitCode.OK
