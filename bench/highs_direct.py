"""Baseline (a): the MPS that `suanli solve --write-mps` exported, read and solved
by highspy directly: the solver's own time on exactly suanli's program.

    python bench/highs_direct.py PROGRAM.mps --json OUT.json

Options as suanli's HiGHS backend sets them (one thread, presolve on), output off.
The objective is in the MPS's scaled units (suanli divides the objective by a
power of ten); run.py rescales it before comparing.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import sys  # noqa: E402

import highspy  # noqa: E402


def solve(path: str, run: bool = True) -> dict:
    t_import = time.perf_counter() - T0
    from suanli.solver.quiet import new_highs  # the banner must not reach stdout

    h = new_highs()
    h.setOptionValue("threads", 1)
    h.setOptionValue("presolve", "on")
    t = time.perf_counter()
    h.readModel(path)
    t_read = time.perf_counter() - t
    lp = h.getLp()
    integers = sum(1 for v in lp.integrality_ if v != highspy.HighsVarType.kContinuous)
    if integers:
        h.setOptionValue("mip_rel_gap", 1e-6)  # as suanli's default --gap
    if not run:  # sizes and integrality only
        return {"vars": lp.num_col_, "rows": lp.num_row_, "nnz": len(lp.a_matrix_.value_), "integers": integers}
    t = time.perf_counter()
    h.run()
    t_solve = time.perf_counter() - t
    info = h.getInfo()
    return {"baseline": "highs", "status": h.modelStatusToString(h.getModelStatus()),
            "objective": float(info.objective_function_value),
            "vars": lp.num_col_, "rows": lp.num_row_, "nnz": len(lp.a_matrix_.value_), "integers": integers,
            "timings": {"interpreter_imports": t_import, "read": t_read, "solve": t_solve,
                        "model_total": t_read + t_solve}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="solve an MPS file with highspy")
    ap.add_argument("mps")
    ap.add_argument("--json", help="write the result here (default: stdout)")
    ap.add_argument("--info", action="store_true", help="read only: sizes and integer columns, no solve")
    args = ap.parse_args(argv)
    from benchio import write_result  # beside this script, which runs as `python bench/highs_direct.py`

    write_result(solve(args.mps, run=not args.info), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
