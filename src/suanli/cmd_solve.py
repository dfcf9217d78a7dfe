"""`suanli solve FILE`: compile, solve, verify and print the plan.

Exit codes (LANGUAGE.md §7): 0 solved and every mandatory assert holds;
1 solved but a mandatory assert fails (advisory asserts never fail);
2 invalid spec or command line; 3 infeasible (explained on stderr);
4 no plan (solver failed, time limit without a solution, unbounded, or the
plan failed verification); 70 internal error; 74 plan not written;
130/143 interrupted. The plan's `status` always agrees with the exit code.
"""

from __future__ import annotations

import sys


def add_arguments(parser) -> None:
    from suanli.solver.cli_common import add_compile_options

    parser.add_argument("file", metavar="FILE", help="the root .spec file")
    parser.add_argument("--solver", choices=("highs", "cbc"), default="highs",
                        help="MILP backend (default highs)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="S",
                        help="wall-clock limit in seconds; the best plan found is reported as feasible")
    parser.add_argument("--gap", type=float, default=1e-6, metavar="REL",
                        help="relative MIP gap at which a plan counts as optimal (default 1e-6)")
    parser.add_argument("--threads", type=int, default=1, metavar="N",
                        help="solver threads (default 1: deterministic)")
    parser.add_argument("--relax", action="store_true", help="solve the LP relaxation (node counts, sites and placements real)")
    parser.add_argument("--write-lp", metavar="PATH", help="write the exact program solved as CPLEX LP")
    parser.add_argument("--write-mps", metavar="PATH", help="write the exact program solved as MPS")
    parser.add_argument("--format", choices=("table", "json", "markdown"), default=None,
                        help="output format (default: table on a terminal, json otherwise)")
    parser.add_argument("-o", "--output", metavar="PATH", help="write the plan to PATH (atomically)")
    parser.add_argument("--progress", action="store_true", help="progress lines on stderr during long solves")
    parser.add_argument("--no-tie-break", dest="tie_break", action="store_false",
                        help="skip the second, tie-breaking solve (faster; equal-cost plans may vary)")
    add_compile_options(parser)


def _config(args):
    from suanli.solver.cli_common import EXIT_INVALID, CommandError
    from suanli.solver.solve import SolveConfig
    from suanli.solver.watchdog import progress_wanted

    if args.time_limit is not None and not args.time_limit > 0:
        raise CommandError("suanli: --time-limit must be a positive number of seconds", EXIT_INVALID)
    if not 0 <= args.gap < 1:
        raise CommandError("suanli: --gap must be in [0, 1)", EXIT_INVALID)
    if args.threads < 1:
        raise CommandError("suanli: --threads must be at least 1", EXIT_INVALID)
    return SolveConfig(solver=args.solver, time_limit=args.time_limit, gap=args.gap, threads=args.threads,
                       relax=args.relax, write_lp=args.write_lp, write_mps=args.write_mps,
                       progress=progress_wanted(args.progress), tie_break=args.tie_break)


def run(args) -> int:
    from suanli.solver.cli_common import CommandError

    try:
        return _run(args)
    except CommandError as exc:
        if str(exc):
            print(str(exc), file=sys.stderr)
        return exc.code


def _run(args) -> int:
    from suanli.solver.cli_common import load_program
    from suanli.solver.solve import solve_program

    from suanli.solver.cli_common import EXIT_NOT_WRITTEN, CommandError

    config = _config(args)
    program = load_program(args, args.file)
    try:
        outcome = solve_program(program, config)
    except OSError as exc:  # --write-lp / --write-mps
        raise CommandError(f"suanli: {exc}", EXIT_NOT_WRITTEN) from None
    plan, code = _finish(outcome)
    _output(plan, args)
    return code


def _finish(outcome):
    """The exit code, and the plan whose status agrees with it."""
    from suanli.solver.cli_common import EXIT_ASSERT, EXIT_INFEASIBLE, EXIT_NO_PLAN, EXIT_OK
    from suanli.solver.plan import PlanWarning

    plan = outcome.plan
    if plan.status == "infeasible":
        print("suanli: the spec is infeasible: no plan meets every constraint", file=sys.stderr)
        for item in plan.infeasibility:
            print(f"  - {item.message}" + (f"  [{item.location}]" if item.location and item.location not in item.message else ""), file=sys.stderr)
        return plan, EXIT_INFEASIBLE
    if plan.status not in ("optimal", "feasible"):
        print(f"suanli: no plan: {plan.message}", file=sys.stderr)
        return plan, EXIT_NO_PLAN
    if outcome.violations:
        print("suanli: the solver's answer failed verification; no plan is reported:", file=sys.stderr)
        for v in outcome.violations:
            print(f"  - {v}", file=sys.stderr)
        bad = plan.model_copy(update={
            "status": "error", "message": "the solver's answer failed independent verification",
            "objective": None, "warnings": plan.warnings + [PlanWarning(code="V001", message=v)
                                                            for v in outcome.violations]})
        return bad, EXIT_NO_PLAN
    failed = [a for a in plan.asserts if not a.passed and not a.advisory]
    for a in plan.asserts:
        if not a.passed:
            kind = "advisory assert" if a.advisory else "assert"
            print(f"suanli: {kind} {a.name} fails at {a.location}: value {a.value} {a.unit}",
                  file=sys.stderr)
    return plan, EXIT_ASSERT if failed else EXIT_OK


def _output(plan, args) -> None:
    from suanli.solver.cli_common import default_format, emit
    from suanli.solver.plan import dumps
    from suanli.solver.render import render

    fmt = default_format(args.format, args.output)
    text = dumps(plan) if fmt == "json" else render(plan, fmt)
    emit(text, args.output)
