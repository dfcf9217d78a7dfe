"""Stage breakdown of one `suanli solve`, for when the plan carries no timings.

    python bench/probe.py --stages OUT.json -- solve SPEC --relax --format json -o PLAN.json

Imports every module `solve` needs up front (that is the "imports" stage),
then wraps a few pipeline functions with timers and runs the real CLI
(`suanli.cli.main`) in this process. Stages:
  imports         importing the CLI, compiler and solver modules
  read_parse      compiler.pipeline.resolve_imports (read the files, parse)
  compile         compiler.pipeline.compile_spec minus read_parse (passes to the IR)
  build           solver.lower.lower (IR -> sparse program)
  solver          every Backend.solve call (first solve, tie-break, polish, duals)
  extract_verify_emit   the rest of cli.main: plan extraction, verification, JSON out
A function that no longer exists is skipped and its stage is reported as null.
Interpreter start-up is measured by run.py as `python -c pass`.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import functools  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from collections import defaultdict  # noqa: E402

MODULES = ("suanli.cli", "suanli.cmd_solve", "suanli.compiler.pipeline", "suanli.solver.solve",
           "suanli.solver.lower", "suanli.solver.highs_backend", "suanli.solver.cbc_backend",
           "suanli.solver.report", "suanli.solver.verify", "suanli.cli_common",
           "suanli.solver.plan", "suanli.formats.plan_text", "highspy")
FUNCTIONS = {  # stage -> (module, attribute path)
    "read_parse": ("suanli.compiler.pipeline", "resolve_imports"),
    "compile_total": ("suanli.compiler.pipeline", "compile_spec"),
    "build": ("suanli.solver.lower", "lower"),
    "solver": ("suanli.solver.highs_backend", "HighsBackend.solve"),
    "solver_cbc": ("suanli.solver.cbc_backend", "CbcBackend.solve"),
}

SPENT: dict[str, float] = defaultdict(float)
DEPTH: dict[str, int] = defaultdict(int)


def import_all() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # optional or renamed: its stage will be null


def timed(stage: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        DEPTH[stage] += 1
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            DEPTH[stage] -= 1
            if DEPTH[stage] == 0:  # recursion counts once
                SPENT[stage] += time.perf_counter() - t
    return wrapper


def install(stage: str, module: str, attr: str) -> bool:
    """Wrap module.attr, and every name in loaded suanli modules bound to it."""
    mod = sys.modules.get(module)
    if mod is None:
        return False
    owner, _, name = attr.rpartition(".")
    holder = functools.reduce(getattr, owner.split("."), mod) if owner else mod
    original = getattr(holder, name, None)
    if original is None:
        return False
    wrapper = timed(stage, original)
    setattr(holder, name, wrapper)
    if not owner:  # `from x import f` copies elsewhere
        for other in list(sys.modules.values()):
            if getattr(other, "__name__", "").startswith("suanli") and getattr(other, name, None) is original:
                setattr(other, name, wrapper)
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stages", required=True, help="write the stage times (JSON) here")
    ap.add_argument("argv", nargs=argparse.REMAINDER, help="-- then the suanli command line")
    args = ap.parse_args()
    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    import_all()
    t_imports = time.perf_counter() - T0
    found = {stage: install(stage, *where) for stage, where in FUNCTIONS.items()}
    from suanli import cli

    t = time.perf_counter()
    code = cli.main(argv)
    t_main = time.perf_counter() - t
    solver = SPENT["solver"] + SPENT["solver_cbc"]
    compile_ = SPENT["compile_total"] - SPENT["read_parse"]
    known = SPENT["read_parse"] + compile_ + SPENT["build"] + solver
    stages = {
        "imports": t_imports,
        "read_parse": SPENT["read_parse"] if found["read_parse"] else None,
        "compile": compile_ if found["compile_total"] else None,
        "build": SPENT["build"] if found["build"] else None,
        "solver": solver if (found["solver"] or found["solver_cbc"]) else None,
        "extract_verify_emit": t_main - known,
        "in_process_total": time.perf_counter() - T0,
        "exit_code": code,
    }
    with open(args.stages, "w") as fh:
        json.dump(stages, fh, indent=1)
    return code


if __name__ == "__main__":
    sys.exit(main())
