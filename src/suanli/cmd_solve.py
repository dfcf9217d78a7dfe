"""`suanli solve FILE`: compile, solve, verify and print the plan.

Exit codes (LANGUAGE.md §7): 0 solved and every mandatory assert holds;
1 solved but a mandatory assert fails (advisory asserts never fail);
2 invalid spec or command line; 3 infeasible (explained on stderr);
4 no plan (solver failed, time limit without a solution, unbounded, or the
plan failed verification); 70 internal error; 74 plan not written;
130/143 interrupted. The plan's `status` always agrees with the exit code.

CI (docs/ci.md): `--format junit|sarif|github` report asserts, requires and
infeasibilities for test reports, code scanning and workflow annotations;
`--baseline PLAN.json --max-increase 5%` exits 1 when the total cost rose
more than allowed (the plan then carries warning B001 naming the parts that
rose); `--save-plan PATH` also writes the JSON plan whatever the format.
"""

from __future__ import annotations

import sys

from suanli.api import LP_MODES, SOLVERS
from suanli.cli_args import add_compile_options, seconds
from suanli.exitcodes import CommandError, ExitCode
from suanli.formats import PLAN_FORMATS
from suanli.tolerances import DEFAULT_GAP


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="the root .spec file")
    parser.add_argument("--solver", choices=SOLVERS, default="highs",
                        help="MILP backend (default highs)")
    parser.add_argument("--time-limit", type=seconds, default=None, metavar="S",
                        help="wall-clock limit in seconds; the best plan found is reported as feasible")
    parser.add_argument("--gap", type=float, default=DEFAULT_GAP, metavar="REL",
                        help="relative MIP gap at which a plan counts as optimal (default 1e-6)")
    parser.add_argument("--threads", type=int, default=1, metavar="N",
                        help="solver threads (default 1: deterministic)")
    parser.add_argument("--relax", action="store_true", help="solve the LP relaxation (node counts, sites and placements real)")
    parser.add_argument("--lp", choices=LP_MODES, default="auto",
                        help="how LP relaxations (--relax, the MIP start's LP) are solved: the full LP, or "
                             "column generation over the placements (exact, faster at scale); auto chooses "
                             "by size (default; docs/solver.md)")
    parser.add_argument("--write-lp", metavar="PATH", help="write the exact program solved as CPLEX LP")
    parser.add_argument("--write-mps", metavar="PATH", help="write the exact program solved as MPS")
    parser.add_argument("--format", choices=tuple(PLAN_FORMATS), default=None,
                        help="output format (default: table on a terminal, json otherwise, i.e. on a pipe "
                             "or with -o: scripts get JSON; pass --format table to a pipe for the table); "
                             "html is the page of `suanli report`; junit, sarif and github are for CI "
                             "(docs/ci.md)")
    parser.add_argument("-o", "--output", metavar="PATH", help="write the plan to PATH (atomically)")
    parser.add_argument("--save-plan", metavar="PATH",
                        help="also write the plan as JSON to PATH (atomically), whatever --format is")
    parser.add_argument("--baseline", metavar="PLAN",
                        help="a plan JSON (e.g. the base branch's) to compare the total cost with")
    parser.add_argument("--max-increase", metavar="LIMIT", default=None,
                        help="with --baseline: exit 1 when the total cost rises by more than LIMIT "
                             "(5%% or 0.05), naming the parts that rose")
    parser.add_argument("--progress", action="store_true", help="progress on stderr: a line as each stage ends (read+parse, compile, build, solve, "
                        "verify, write) with its time, the solver's progress on long MILP solves, and a last "
                        "line `suanli: timings stage=seconds ... total=seconds` for scripts")
    parser.add_argument("--no-tie-break", dest="tie_break", action="store_false",
                        help="skip the second, tie-breaking solve (faster; equal-cost plans may vary)")
    add_near_arguments(parser)
    add_compile_options(parser)
    from suanli.robust_cli import add_robust_options
    add_robust_options(parser)


def add_near_arguments(parser) -> None:
    parser.add_argument("--near-optimal", metavar="METRIC", default=None,
                        help="also report the least and the greatest METRIC (a linear metric expression, "
                             "e.g. 'compute(west)') over every plan within --slack of the optimum, with "
                             "their plans")
    parser.add_argument("--alternatives", metavar="K", type=int, default=None,
                        help="also find up to K plans within --slack of the optimum that build in other "
                             "regions (SPORES)")
    parser.add_argument("--slack", metavar="S", default=None,
                        help="cost slack for --near-optimal/--alternatives: 5%% or 0.05 (default 5%%)")


def _check_args(args) -> None:
    if not 0 <= args.gap < 1:
        raise CommandError("suanli: --gap must be in [0, 1)", ExitCode.INVALID)
    if args.threads < 1:
        raise CommandError("suanli: --threads must be at least 1", ExitCode.INVALID)
    if args.lp == "columns" and args.solver != "highs":
        raise CommandError("suanli: --lp columns (column generation) needs --solver highs", ExitCode.INVALID)


def run(args) -> int:
    from suanli.cli_common import run_guarded

    return run_guarded(_run, args)


def _run(args) -> int:
    """Arguments -> `suanli.api.load` -> output checks -> `suanli.api.solve` -> the gate -> one format."""
    from suanli.compiler import pipeline  # noqa: F401 - loaded here so `imports` holds every import
    from suanli.cli_common import check_outputs
    from suanli.stopwatch import Stopwatch

    watch = Stopwatch(echo=args.progress)
    watch.lap("imports", "loaded suanli (imports)")
    _check_args(args)
    baseline, limit = _gate_options(args)
    near = near_request(args)
    program = _load(args, watch)
    check_outputs(args.output, args.save_plan, args.write_lp, args.write_mps)
    from suanli.robust_cli import robust_names, run_solve
    if names := robust_names(args, program):  # §10: one build for several scenarios
        return run_solve(args, _robust_config(args, watch), watch, None if args.scenario else program, names)
    plan, code = _solve(program, args, watch, near, baseline)
    budget = None
    if baseline is not None:
        plan, code, budget = _gate(plan, code, baseline, limit)
    _output(plan, args, code, budget)
    watch.lap("emit", f"wrote the plan ({args.output or 'stdout'})")
    if args.progress:
        print(watch.summary(), file=sys.stderr)
    return code


def _robust_config(args, watch):
    """The solve options of a robust plan (solved by solver/robust_solve.py, not the API)."""
    from suanli.solver.solve import SolveConfig
    from suanli.solver.watchdog import progress_wanted

    return SolveConfig(solver=args.solver, time_limit=args.time_limit, gap=args.gap, threads=args.threads,
                       relax=args.relax, write_lp=args.write_lp, write_mps=args.write_mps,
                       progress=progress_wanted(args.progress), tie_break=args.tie_break, started=watch.start)


def _solve(program, args, watch, near=None, baseline=None):
    """(plan, exit code): the API's plan, or the plan its error carries, reported on stderr."""
    from suanli import api
    from suanli.errors import Infeasible, NoPlan
    from suanli.solver.watchdog import progress_wanted

    try:
        plan = api.solve(program, solver=args.solver, time_limit=args.time_limit, gap=args.gap, relax=args.relax,
                         threads=args.threads, tie_break=args.tie_break, write_lp=args.write_lp,
                         write_mps=args.write_mps, progress=progress_wanted(args.progress), stopwatch=watch,
                         started=watch.start,  # --time-limit covers the whole command
                         near_request=near,
                         start_plan=baseline,  # the base plan, repaired to this spec, starts the MIP
                         lp=args.lp)
    except Infeasible as exc:
        _say_infeasible(exc)
        return exc.plan, ExitCode.INFEASIBLE
    except NoPlan as exc:
        _say_no_plan(exc)
        return exc.plan, ExitCode.NO_PLAN
    except OSError as exc:  # --write-lp / --write-mps
        raise CommandError(f"suanli: {exc}", ExitCode.NOT_WRITTEN) from None
    _say_failed_asserts(plan)
    return plan, ExitCode.OK if plan.asserts_hold else ExitCode.ASSERT


def near_request(args):
    """The §11 request of --near-optimal/--alternatives/--slack, or None; exit 2 on bad values."""
    from suanli.solver.near_optimal import DEFAULT_SLACK, NearRequest, parse_slack

    wanted = args.near_optimal is not None or args.alternatives is not None
    if not wanted:
        if args.slack is not None:
            raise CommandError("suanli: --slack goes with --near-optimal METRIC or --alternatives K", ExitCode.INVALID)
        return None
    if args.alternatives is not None and args.alternatives < 1:
        raise CommandError("suanli: --alternatives takes a whole number K >= 1", ExitCode.INVALID)
    try:
        slack = DEFAULT_SLACK if args.slack is None else parse_slack(args.slack)
    except ValueError as exc:
        raise CommandError(f"suanli: --slack: {exc}", ExitCode.INVALID) from None
    return NearRequest(slack=slack, metric=args.near_optimal is not None, alternatives=args.alternatives or 0)


def _gate_options(args):
    """The baseline plan and the allowed relative rise, checked before solving."""
    from suanli.cli_common import read_plan
    from suanli.plan_diff import parse_increase

    limit = None
    if args.max_increase is not None:
        if not args.baseline:
            raise CommandError("suanli: --max-increase needs --baseline PLAN.json to compare with", ExitCode.INVALID)
        try:
            limit = parse_increase(args.max_increase)
        except ValueError as exc:
            raise CommandError(f"suanli: {exc}", ExitCode.INVALID) from None
    return (read_plan(args.baseline) if args.baseline else None), limit


def _gate(plan, code, baseline, limit):
    """Compare with the baseline; a rise beyond `limit` turns exit 0 into 1."""
    from suanli.plan_diff import check_budget
    from suanli.solver.plan import PlanWarning

    if baseline.currency != plan.currency:
        raise CommandError(f"suanli: the baseline plan is in {baseline.currency}, the spec in {plan.currency}: "
                           "their costs cannot be compared", ExitCode.INVALID)
    budget = check_budget(baseline, plan, limit)
    if code not in (ExitCode.OK, ExitCode.ASSERT):
        return plan, code, budget  # no plan: its exit code says it all
    if budget.exceeded:
        print(f"suanli: cost budget exceeded: {budget.message}", file=sys.stderr)
        plan = plan.model_copy(update={"warnings": plan.warnings + [
            PlanWarning(code="B001", message=f"cost budget exceeded: {budget.message}")]})
        return plan, ExitCode.ASSERT, budget
    print(f"suanli: {budget.message}", file=sys.stderr)
    return plan, code, budget


def _load(args, watch):
    """Compile (`suanli.api.load`); on errors, also write the error document of the format (exit 2)."""
    from suanli import api
    from suanli.diagnostics import CompileError
    from suanli.cli_common import default_format, emit, print_compile_error
    from suanli.formats.outputs import DiagnosticOutput, PlanOutput

    try:
        return api.load(api.SpecFile(args.file), scenario=args.scenario, overrides=args.overrides,
                        max_bytes=getattr(args, "max_bytes", None), near=args.near_optimal, stopwatch=watch)
    except CompileError as exc:
        diags, sources = print_compile_error(exc)  # the --near-optimal argument's text too
        fmt = default_format(args.format, args.output)
        invalid = DiagnosticOutput([args.file], diags, sources, ExitCode.INVALID)
        emit(PLAN_FORMATS[fmt](PlanOutput(spec=args.file, invalid=invalid)), args.output)
        raise CommandError("", ExitCode.INVALID) from None


def _say_infeasible(exc) -> None:
    print("suanli: the spec is infeasible: no plan meets every constraint", file=sys.stderr)
    for item in exc.explanation:
        print(f"  - {item.message}" + (f"  [{item.location}]" if item.location and item.location not in item.message else ""), file=sys.stderr)


def _say_no_plan(exc) -> None:
    if exc.violations:
        print("suanli: the solver's answer failed verification; no plan is reported:", file=sys.stderr)
        for v in exc.violations:
            print(f"  - {v}", file=sys.stderr)
    else:
        print(f"suanli: no plan: {exc.plan.message}", file=sys.stderr)


def _say_failed_asserts(plan) -> None:
    for a in plan.asserts:
        if not a.passed:
            kind = "advisory assert" if a.advisory else "assert"
            print(f"suanli: {kind} {a.name} fails at {a.location}: value {a.value} {a.unit}",
                  file=sys.stderr)


def _output(plan, args, code: int = 0, budget=None) -> None:
    """The plan in the requested format (PLAN_FORMATS), and with --save-plan its JSON too."""
    from suanli.cli_common import default_format, emit, write_atomic
    from suanli.cmd_report import spec_context
    from suanli.formats.outputs import PlanOutput
    from suanli.solver.plan import dumps

    out = PlanOutput(spec=args.file, plan=plan, exit_code=code, budget=budget,
                     report_context=lambda: spec_context(args.file, args))
    text = PLAN_FORMATS[default_format(args.format, args.output)](out)
    if getattr(args, "save_plan", None):
        write_atomic(args.save_plan, dumps(plan))
    emit(text, args.output)
