"""`suanli explain SPEC`: why a spec is infeasible, in spec terms.

Re-solves an elastic copy with one slack per statement group (each require,
each demand's "fully served" row, each job's "runs once" row, each region's
compute/storage/power/node caps, each link direction) and reports the
groups that need slack, with amounts in spec units and source locations.
Exit 0 feasible (nothing to explain); 3 infeasible, explained on stdout;
4 the solver could not decide (time limit, unbounded or error); 2 invalid spec.
"""

from __future__ import annotations

import json
import sys

from suanli.cli_args import add_compile_options, seconds
from suanli.exitcodes import ExitCode


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="SPEC", help="the root .spec file")
    parser.add_argument("--time-limit", type=seconds, default=None, metavar="S", help="wall-clock limit per solve")
    parser.add_argument("--format", choices=("text", "json"), default="text")
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
    if args.format == "json":
        payload = {"status": status, "infeasibility": [i.model_dump(mode="json") for i in items]}
        sys.stdout.write(json.dumps(payload, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    elif status == "infeasible":
        print(f"{args.file} is infeasible; relaxing these (least total slack) would make it feasible:")
        for item in items:
            print(f"  - {item.message}" + (f"  [{item.location}]" if item.location and item.location not in item.message else ""))
    elif status in ("optimal", "feasible"):
        print(f"{args.file} is feasible: nothing to explain")
    else:
        print(f"{args.file}: the solver could not decide feasibility ({status})")
