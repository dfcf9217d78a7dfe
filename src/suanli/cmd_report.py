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

from suanli.cli_args import add_compile_options, add_solve_options
from suanli.exitcodes import ExitCode


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="SPEC|PLAN.json", help="a spec to solve, or a plan JSON to draw")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="write the HTML to PATH (atomically); default stdout")
    parser.add_argument("--spec", metavar="SPEC",
                        help="with a plan JSON: the spec it was solved from, for carbon intensity, "
                             "power caps and labels")
    add_solve_options(parser, when="when FILE is a spec", limit="when FILE is a spec")
    add_compile_options(parser)


def run(args) -> int:
    from suanli.cli_common import run_guarded

    return run_guarded(_run, args)


def _run(args) -> int:
    """Arguments -> one `suanli.api.report_html` call -> the page."""
    from suanli import api
    from suanli.cli_common import emit, input_errors
    from suanli.formats.html import require_report_extra

    require_report_extra()
    from suanli.robust_cli import is_robust_file, read_robust
    if is_robust_file(args.file):  # §10: the shared build and each scenario's sub-plan
        emit(robust_html(read_robust(args.file), args, args.spec), args.output)
        return ExitCode.OK
    with input_errors():
        page = api.report_html(api.SpecFile(args.file), spec=api.SpecFile(args.spec) if args.spec else None,
                               scenario=args.scenario, overrides=args.overrides, solver=args.solver,
                               time_limit=args.time_limit, max_bytes=getattr(args, "max_bytes", None))
    emit(page, args.output)
    return ExitCode.OK


def spec_context(spec, args):
    """Region facts from the compiled spec (the html format's report context), or an
    empty context without one; exit 2 with the diagnostics when it does not compile."""
    from suanli.cli_common import load_program
    from suanli.report.context import ReportContext, context_from_program

    if not spec:
        return ReportContext()
    return context_from_program(load_program(args, spec))


def robust_html(plan, args, spec, programs=None) -> str:
    """The page of a robust plan; with a spec, each scenario's facts from the spec under it.
    `programs`: the scenarios' programs already compiled (`solve --robust`), one per sub-plan
    in order, so the spec is not compiled again."""
    from suanli.formats.robust import plan_html
    from suanli.report.context import context_from_program
    from suanli.robust_cli import load_scenarios

    names = [s.name for s in plan.scenarios]
    if programs is None and spec:
        programs = load_scenarios(_SpecArgs(args, spec), names)
    contexts = {n: context_from_program(p) for n, p in zip(names, programs or [])}
    return plan_html(plan, contexts)


class _SpecArgs:
    """`args` whose file is the spec (for `report PLAN --spec SPEC`)."""

    def __init__(self, args, spec):
        self._args, self.file, self.scenario = args, spec, None

    def __getattr__(self, name):
        return getattr(self._args, name)
