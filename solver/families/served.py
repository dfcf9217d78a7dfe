"""§6 constraint 1: each service fully served, each job run once."""

from __future__ import annotations

import numpy as np

from suanli.solver.families.base import ConstraintFamily, Period, Relax, RowKind
from suanli.solver.families.text import item


def _served_names(nm, K) -> list[str]:
    return [f"served({nm.service[d]})" for d in K["d"]]


def _runs_names(nm, K) -> list[str]:
    return [f"runs({nm.job[j]})" for j in K["j"]]


def _describe_served(program, fam, k, amount, sign):
    svc = program.services[fam.keys["d"][k]]
    return item(f"served({svc.name})", svc.span, amount * 100, "%",
                f"demand {svc.name} can only be served {100 - amount * 100:.4g}% "
                f"(short by {amount * 100:.4g}%) in its allowed regions {list(svc.allowed_regions)}")


def _describe_runs(program, fam, k, amount, sign):
    job = program.jobs[fam.keys["j"][k]]
    return item(f"runs({job.name})", job.span, amount, "", f"job {job.name} cannot be placed "
                f"in any allowed region ({', '.join(job.allowed_regions)}) with a usable node type")


# Under-serving a demand is the last resort: the user asked for the demand,
# so capacities and requires are blamed first when either would do.
SERVED = RowKind("served", _served_names, Relax(10.0, only_lower=True), _describe_served)
RUNS = RowKind("runs", _runs_names, Relax(10.0, only_lower=True), _describe_runs)


def rows(p: Period) -> None:
    ix, c, rb = p.ix, p.cols, p.rb
    S, J = len(ix.program.services), len(ix.program.jobs)
    rb.add(SERVED, c.x_d, c.x0 + np.arange(len(c.x_d)), np.ones(len(c.x_d)),
           np.ones(S), np.ones(S), {"d": np.arange(S)})
    rb.add(RUNS, c.y_j, c.y0 + np.arange(len(c.y_j)), np.ones(len(c.y_j)),
           np.ones(J), np.ones(J), {"j": np.arange(J)})


FAMILY = ConstraintFamily("served", "§6.1", (SERVED, RUNS), ("services", "jobs"), period=rows)
