"""`suanli explain SPEC`: why a spec is infeasible, in spec terms.

Re-solves an elastic copy with one slack per statement group (each require,
each demand's "fully served" row, each job's "runs once" row, each region's
compute/storage/power/node caps, each link direction) and reports the
groups that need slack, with amounts in spec units and source locations.
Exit 0 feasible (nothing to explain); 3 infeasible, explained on stdout;
4 the solver could not decide (time limit, unbounded or error); 2 invalid spec.
"""

from __future__ import annotations

import sys

from suanli.cli_args import add_compile_options, seconds
from suanli.exitcodes import ExitCode
from suanli.formats import EXPLAIN_FORMATS


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="SPEC", help="the root .spec file")
    parser.add_argument("--time-limit", type=seconds, default=None, metavar="S", help="wall-clock limit per solve")
    parser.add_argument("--format", choices=tuple(EXPLAIN_FORMATS), default="text")
    add_compile_options(parser)
    from suanli.robust_cli import add_robust_options
    add_robust_options(parser, objective=False)


def run(args) -> int:
    from suanli.cli_common import run_guarded

    return run_guarded(_run, args)


def _run(args) -> int:
    """Arguments -> one `suanli.api.explain` call -> text or JSON on stdout."""
    from suanli import api
    from suanli.cli_common import input_errors
    from suanli.errors import NoPlan
    from suanli.robust_cli import explain_robust, robust_names

    try:
        with input_errors():
            program = api.load(api.SpecFile(args.file), scenario=args.scenario, overrides=args.overrides,
                               max_bytes=getattr(args, "max_bytes", None))
            if names := robust_names(args, program):  # §10: which scenario makes it infeasible
                return explain_robust(args, None if args.scenario else program, names)
            explanation = api.explain(program, time_limit=args.time_limit)
    except NoPlan as exc:
        _output(args, exc.status, [])
        return ExitCode.NO_PLAN
    _output(args, explanation.status, explanation)
    return ExitCode.OK if explanation.feasible else ExitCode.INFEASIBLE


def _output(args, status: str, items) -> None:
    from suanli.formats.outputs import ExplainOutput

    sys.stdout.write(EXPLAIN_FORMATS[args.format](ExplainOutput(args.file, status, list(items))))
