"""`suanli report SPEC|PLAN.json [-o report.html]`: the plan as one HTML page.

A spec is compiled and solved first (`--solver`, `--time-limit`, `--scenario`, `--set`
apply); a plan JSON is drawn as it is, and `--spec SPEC` adds what only the spec knows
(carbon intensity, power caps, labels). The page is self-contained: inline CSS and
SVG charts, no script, nothing fetched. Same plan, same bytes.

Exit codes: 0 the report was written (whatever the plan's status: an infeasible plan
is reported with its explanation); 2 invalid spec, plan or command line; 74 the
report could not be written.
"""

from __future__ import annotations



def add_arguments(parser) -> None:
    from suanli.solver.cli_args import seconds
    from suanli.solver.cli_common import add_compile_options

    parser.add_argument("file", metavar="SPEC|PLAN.json", help="a spec to solve, or a plan JSON to draw")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="write the HTML to PATH (atomically); default stdout")
    parser.add_argument("--spec", metavar="SPEC",
                        help="with a plan JSON: the spec it was solved from, for carbon intensity, "
                             "power caps and labels")
    parser.add_argument("--solver", choices=("highs", "cbc"), default="highs",
                        help="MILP backend when FILE is a spec (default highs)")
    parser.add_argument("--time-limit", type=seconds, default=None, metavar="S",
                        help="wall-clock limit in seconds when FILE is a spec")
    add_compile_options(parser)


def run(args) -> int:
    from suanli.solver.cli_common import run_guarded

    return run_guarded(_run, args)


def require_report_extra() -> None:
    """A clear message (exit 2) when matplotlib/networkx are not installed."""
    from suanli.solver.cli_common import EXIT_INVALID, CommandError

    try:
        import matplotlib  # noqa: F401
        import networkx  # noqa: F401
    except ImportError as exc:
        raise CommandError(f"suanli: HTML reports need {exc.name}: pip install 'suanli[report]'",
                           EXIT_INVALID) from None


def _run(args) -> int:
    """Arguments -> one `suanli.api.report` call -> the page."""
    from suanli import api
    from suanli.diagnostics import CompileError
    from suanli.errors import InvalidPlan
    from suanli.solver.cli_common import EXIT_INVALID, EXIT_OK, CommandError, emit, print_diagnostics

    require_report_extra()
    if args.time_limit is not None and not args.time_limit > 0:
        raise CommandError("suanli: --time-limit must be a positive number of seconds", EXIT_INVALID)
    from suanli.robust_cli import is_robust_file, read_robust
    if is_robust_file(args.file):  # §10: the shared build and each scenario's sub-plan
        emit(robust_html(read_robust(args.file), args, args.spec), args.output)
        return EXIT_OK
    try:
        page = api.report_html(api.SpecFile(args.file), spec=api.SpecFile(args.spec) if args.spec else None,
                          scenario=args.scenario, overrides=args.overrides, solver=args.solver,
                          time_limit=args.time_limit, max_bytes=getattr(args, "max_bytes", None))
    except InvalidPlan as exc:
        raise CommandError(f"suanli: {exc}", EXIT_INVALID) from None
    except CompileError as exc:
        print_diagnostics(exc)
        raise CommandError("", EXIT_INVALID) from None
    emit(page, args.output)
    return EXIT_OK


def plan_dict(plan) -> dict:
    """The plan as its JSON reads back (rounded, sorted): what the page shows."""
    import json

    from suanli.solver.plan import dumps

    return json.loads(dumps(plan))


def spec_context(spec, args):
    """Region facts from the compiled spec, or an empty context without one."""
    from suanli.report.context import ReportContext, context_from_program
    from suanli.solver.cli_common import load_program

    if not spec:
        return ReportContext()
    return context_from_program(load_program(args, spec))


def robust_html(plan, args, spec) -> str:
    """The page of a robust plan; with a spec, each scenario's facts from the spec under it."""
    import json

    from suanli.report.context import ReportContext, context_from_program
    from suanli.report.robust import robust_report
    from suanli.robust_cli import load_scenarios
    from suanli.solver.robust_plan import dumps

    require_report_extra()
    names = [s.name for s in plan.scenarios]
    if spec:
        spec_args = _SpecArgs(args, spec)
        contexts = {n: context_from_program(p) for n, p in zip(names, load_scenarios(spec_args, names))}
    else:
        contexts = {n: ReportContext() for n in names}
    return robust_report(json.loads(dumps(plan)), contexts)


class _SpecArgs:
    """`args` whose file is the spec (for `report PLAN --spec SPEC`)."""

    def __init__(self, args, spec):
        self._args, self.file, self.scenario = args, spec, None

    def __getattr__(self, name):
        return getattr(self._args, name)


def solve_html(plan, args) -> str:
    """`solve --format html`: the report of the plan just solved (spec facts from args.file)."""
    require_report_extra()
    from suanli.report import plan_report

    return plan_report(plan_dict(plan), spec_context(args.file, args))


def diff_html(old, new, diff, args) -> str:
    """`diff --format html`: before and after side by side."""
    import json

    from suanli.cmd_diff import is_plan_file

    require_report_extra()
    from suanli.report import diff_report
    from suanli.solver.diff import diff_dumps

    contexts = [spec_context(None if is_plan_file(p) else p, args) for p in (args.old, args.new)]
    return diff_report(plan_dict(old), plan_dict(new), json.loads(diff_dumps(diff)), *contexts)
