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
    """Arguments -> one `suanli.api.verify` call -> the violations on stdout."""
    from suanli import api
    from suanli.diagnostics import CompileError
    from suanli.errors import InvalidPlan
    from suanli.solver.cli_common import EXIT_ASSERT, EXIT_INVALID, EXIT_OK, print_diagnostics

    try:
        violations = api.verify(api.SpecFile(args.file), api.SpecFile(args.plan), scenario=args.scenario,
                                overrides=args.overrides, max_bytes=getattr(args, "max_bytes", None))
    except InvalidPlan as exc:
        print(f"suanli: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except CompileError as exc:
        print_diagnostics(exc)
        return EXIT_INVALID
    if violations:
        print(f"{args.plan}: {len(violations)} violation(s) of {args.file}:")
        for v in violations:
            print(f"  - {v}")
        return EXIT_ASSERT
    print(f"{args.plan}: the plan satisfies {args.file}")
    return EXIT_OK
