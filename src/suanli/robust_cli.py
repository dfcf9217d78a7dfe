"""Robust plans on the command line (LANGUAGE.md §10; docs/plan.md "Robust plans").

`solve FILE --robust A,B [--robust-objective mean|max]` (or `robust = [A, B]` in
settings; the option wins): one build for every listed scenario (`base` = the
base spec). `--set` applies to every scenario; `--scenario S` with --robust is an error, and
with settings.robust it asks for S alone (a plain plan, as `sweep` solves each case).
Exit codes as `solve`: 0 every scenario's mandatory asserts hold; 1 one fails in
some scenario; 2 invalid; 3 no build serves every scenario (explained per
scenario on stderr); 4 no plan.

`verify FILE PLAN --scenario S` checks scenario S's sub-plan of a robust plan
(and that its builds are the shared ones); without `--scenario`, every sub-plan.
`explain FILE --robust A,B` names the scenario whose rows need slack.
"""

from __future__ import annotations

import sys

from suanli.exitcodes import CommandError, ExitCode


def add_robust_options(parser, objective: bool = True) -> None:
    parser.add_argument("--robust", metavar="A,B,...", default=None,
                        help="one build plan for every listed scenario (`base` = the base spec)")
    if objective:
        parser.add_argument("--robust-objective", choices=("mean", "max"), default="mean",
                            help="with --robust: minimise the mean (default) or the worst scenario objective")


def robust_names(args, program) -> list[str]:
    """The scenarios of a robust solve: --robust, else settings.robust; [] for a plain solve.
    `--scenario S` asks for S alone: with settings.robust it wins (a single plan), with
    --robust it is an error."""
    text = getattr(args, "robust", None)
    if text is None:
        scenario_asked = getattr(args, "scenario", None)
        return [] if scenario_asked or program is None else list(program.settings.robust)
    names = [n.strip() for n in text.split(",")]
    if not all(names):
        raise CommandError(f"suanli: --robust `{text}`: write scenario names separated by commas", ExitCode.INVALID)
    if getattr(args, "scenario", None):
        raise CommandError("suanli: --scenario and --robust cannot be combined: list the scenarios in --robust",
                           ExitCode.INVALID)
    return list(dict.fromkeys(names))


def load_scenarios(args, names: list[str], base=None) -> list:
    from suanli.cli_common import load_program

    programs = []
    for name in names:
        if name == "base" and base is not None:
            programs.append(base)
            continue
        scenario = None if name == "base" else name
        programs.append(load_program(_Args(args, scenario), args.file))
    return programs


class _Args:
    """`args` with another scenario."""

    def __init__(self, args, scenario):
        self._args, self.scenario = args, scenario

    def __getattr__(self, name):
        return getattr(self._args, name)


def run_solve(args, config, watch, base, names: list[str]) -> int:
    from suanli.cli_common import default_format, emit, write_atomic
    from suanli.formats import ROBUST_PLAN_FORMATS
    from suanli.solver.robust import RobustError
    from suanli.solver.robust_plan import dumps
    from suanli.solver.robust_solve import solve_robust

    fmt = default_format(args.format, args.output)
    if getattr(args, "near_optimal", None) or getattr(args, "alternatives", None):
        raise CommandError("suanli: --near-optimal and --alternatives are not available for robust plans",
                           ExitCode.INVALID)
    if fmt not in ROBUST_PLAN_FORMATS or args.baseline:
        raise CommandError("suanli: a robust plan is written as json, table, markdown or html (no CI formats "
                           "or --baseline)", ExitCode.INVALID)
    if getattr(args, "write_lp", None) or getattr(args, "write_mps", None):
        # the stacked program repeats each scenario's row and column names: not writable as one LP/MPS
        raise CommandError("suanli: --write-lp and --write-mps are not available for robust plans; write "
                           "each scenario's program with --scenario NAME", ExitCode.INVALID)
    programs = load_scenarios(args, names, base)
    watch.lap("compile", f"compiled {len(programs)} scenario(s)")
    try:
        outcome = solve_robust(programs, names, config, args.robust_objective)
    except RobustError as exc:
        raise CommandError(f"suanli: {exc}", ExitCode.INVALID) from None
    watch.lap("solver", f"robust plan: {outcome.status.value}")
    plan, code = robust_plan(args.file, programs, outcome, config, args.robust_objective)
    if getattr(args, "save_plan", None):
        write_atomic(args.save_plan, dumps(plan))
    if fmt == "html":  # the page of `suanli report PLAN --spec FILE`, from the programs just solved
        from suanli.cmd_report import robust_html
        emit(robust_html(plan, args, args.file, programs), args.output)
    else:
        emit(ROBUST_PLAN_FORMATS[fmt](plan), args.output)
    return code


def robust_plan(spec: str, programs, outcome, config, objective: str):
    """The RobustPlan and its exit code; diagnostics on stderr."""
    from suanli.solver.plan import PlanWarning
    from suanli.solver.report import empty_plan
    from suanli.solver.robust_plan import (RobustInfo, RobustPlan, ScenarioPlan, builds_of, mean_cost,
                                           year_builds_of)

    head = empty_plan(programs[0], "error", config.solver, config.relax)
    plan = RobustPlan(status="error", spec=spec, robust=RobustInfo(scenarios=outcome.names, objective=objective),
                      solver=config.solver, relaxed=config.relax, objective_unit=head.objective_unit,
                      objective_sense=head.objective_sense, currency=head.currency, cost=mean_cost([]),
                      warnings=[PlanWarning(code="S001", message=n) for n in outcome.notes])
    if not outcome.plans:
        return _no_plan(plan, outcome)
    plan.scenarios = [ScenarioPlan(name=n, plan=p) for n, p in zip(outcome.names, outcome.plans)]
    plan.builds = builds_of(outcome.plans[0])
    plan.years = year_builds_of(outcome.plans[0])
    if outcome.violations:
        for v in outcome.violations:
            print(f"suanli: the solver's answer failed verification: {v}", file=sys.stderr)
        plan.message = "the solver's answer failed independent verification"
        plan.warnings += [PlanWarning(code="V001", message=v) for v in outcome.violations]
        return plan, ExitCode.NO_PLAN
    plan.status, plan.objective, plan.gap = outcome.plans[0].status, outcome.objective, outcome.gap
    plan.cost = mean_cost(outcome.plans)
    failed = [(s.name, a) for s in plan.scenarios for a in s.plan.asserts if not a.passed]
    for name, a in failed:
        kind = "advisory assert" if a.advisory else "assert"
        print(f"suanli: scenario {name}: {kind} {a.name} fails at {a.location}: value {a.value} {a.unit}",
              file=sys.stderr)
    return plan, ExitCode.ASSERT if any(not a.advisory for _, a in failed) else ExitCode.OK


def _no_plan(plan, outcome):
    from suanli.solver.backend import Status

    if outcome.status is Status.INFEASIBLE:
        plan.status, plan.message = "infeasible", "no one build serves every scenario"
        plan.infeasibility = outcome.infeasibility
        print("suanli: the robust plan is infeasible: no one build meets every constraint of every scenario",
              file=sys.stderr)
        for item in outcome.infeasibility:
            print(f"  - {item.message}", file=sys.stderr)
        return plan, ExitCode.INFEASIBLE
    plan.status = "time_limit" if outcome.status is Status.TIME_LIMIT else "error"
    plan.message = f"no plan: the solver says {outcome.status.value}"
    print(f"suanli: {plan.message}", file=sys.stderr)
    return plan, ExitCode.NO_PLAN


# ---------------------------------------------------------------- verify, explain, diff


def is_robust_file(path: str) -> bool:
    import json

    from suanli.solver.robust_plan import is_robust

    from suanli.solver.plan_input import PlanInputError, _read_text

    try:  # the hardened reader's size bound: a huge or hostile file is the plain reader's to report
        return is_robust(json.loads(_read_text(path)))
    except (PlanInputError, OSError, ValueError, RecursionError):
        return False  # the plain reader reports it


def read_robust(path: str):
    from pydantic import ValidationError

    from suanli.solver.robust_plan import loads

    try:
        with open(path, encoding="utf-8") as fh:
            return loads(fh.read())
    except (OSError, UnicodeDecodeError, ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CommandError(f"suanli: {path} is not a robust plan: {first}", ExitCode.INVALID) from None


def verify_robust(args) -> int:
    """`verify FILE PLAN [--scenario S]` for a robust plan: S's sub-plan, or every one."""
    from suanli.cmd_verify import print_violations
    from suanli.solver.robust_plan import builds_of, year_builds_of
    from suanli.solver.verify import verify

    plan = read_robust(args.plan)
    names = [args.scenario] if args.scenario else plan.robust.scenarios
    violations = []
    for name in names:
        sub = plan.sub_plan(name)
        if sub is None:
            raise CommandError(f"suanli: {args.plan} has no scenario `{name}` (it has: "
                               f"{', '.join(plan.robust.scenarios)})", ExitCode.INVALID)
        program = load_scenarios(_Args(args, None), [name])[0]
        violations += [f"scenario {name}: {v}" for v in verify(program, sub)]
        if builds_of(sub) != plan.builds or year_builds_of(sub) != plan.years:
            violations.append(f"scenario {name}: its builds differ from the plan's shared builds")
    return print_violations(args, violations, f"scenario(s) {', '.join(names)} of the robust plan satisfy")


def explain_robust(args, base, names: list[str]) -> int:
    """Why no one build serves every scenario; each relaxed group names its scenario."""
    from suanli.formats import EXPLAIN_FORMATS
    from suanli.formats.outputs import ExplainOutput
    from suanli.solver.backend import SolveOptions, Status
    from suanli.solver.highs_backend import HighsBackend
    from suanli.solver.robust import RobustError, stack
    from suanli.solver.robust_solve import alone_infeasible, explain_stack, lower_any

    programs = load_scenarios(args, names, base)
    try:
        st = stack([lower_any(p) for p in programs])
    except RobustError as exc:
        raise CommandError(f"suanli: {exc}", ExitCode.INVALID) from None
    status = HighsBackend().solve(st.sp, SolveOptions(time_limit=args.time_limit)).status
    items, alone = [], []
    if status is Status.INFEASIBLE:
        alone = alone_infeasible(programs, names, args.time_limit)
        items = explain_stack(programs, names, st, args.time_limit)
    code = {Status.INFEASIBLE: ExitCode.INFEASIBLE, Status.OPTIMAL: ExitCode.OK, Status.FEASIBLE: ExitCode.OK}.get(
        status, ExitCode.NO_PLAN)
    out = ExplainOutput(args.file, status.value, items, scenarios=names, infeasible_alone=alone)
    sys.stdout.write(EXPLAIN_FORMATS[args.format](out))
    return code
