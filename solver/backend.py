"""Declarative solver backends (model: CVXPY solver classes).

A backend states NAME, MIP_CAPABLE and REQUIRED_MODULES and maps its native
statuses into one `Status`; native codes never leak out of its module.
"""

from __future__ import annotations

import enum
import importlib.util
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from suanli.solver.sparse import SparseProgram
from suanli.status import has_solution as _has_solution
from suanli.tolerances import ABS_GAP, DEFAULT_GAP


class Status(str, enum.Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a solution, optimality not proven (gap or limit)
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"  # stopped at the limit without a solution
    ERROR = "error"

    @property
    def has_solution(self) -> bool:
        return _has_solution(self)


@dataclass
class SolveOptions:
    time_limit: Optional[float] = None  # seconds, None = no limit
    gap: float = DEFAULT_GAP  # relative MIP gap
    abs_gap: float = ABS_GAP  # absolute MIP gap, in scaled objective units
    threads: int = 1
    seed: int = 0
    presolve: bool = True
    progress: bool = False
    grace: float = 1.0  # watchdog kills the solve at time_limit + grace
    feasibility_tol: Optional[float] = None
    tmpdir: Optional[str] = None  # a directory the caller owns and removes


@dataclass
class SolveResult:
    status: Status
    x: Optional[np.ndarray] = None  # column values (scaled program)
    objective: Optional[float] = None  # scaled, offset included
    bound: Optional[float] = None  # best bound, scaled
    gap: Optional[float] = None
    row_dual: Optional[np.ndarray] = None  # d objective / d row bound (scaled)
    col_dual: Optional[np.ndarray] = None
    row_value: Optional[np.ndarray] = None  # A @ x (scaled), when the solver reports it
    message: str = ""
    seconds: float = 0.0
    stats: dict = field(default_factory=dict)
    model: object = None  # the live solver model (HiGHS LP solved with keep=True): warm re-solves


class Backend:
    NAME = "?"
    MIP_CAPABLE = True
    REQUIRED_MODULES: tuple[str, ...] = ()

    @classmethod
    def available(cls) -> bool:
        return all(importlib.util.find_spec(m) is not None for m in cls.REQUIRED_MODULES)

    def check(self, sp: SparseProgram) -> None:
        if sp.integer.any() and not self.MIP_CAPABLE:
            raise ValueError(f"solver {self.NAME} cannot solve integer programs")

    def solve(self, sp: SparseProgram, options: SolveOptions,
              start: Optional[np.ndarray] = None) -> SolveResult:
        raise NotImplementedError


def backends() -> dict[str, type[Backend]]:
    from suanli.solver.cbc_backend import CbcBackend
    from suanli.solver.highs_backend import HighsBackend
    return {HighsBackend.NAME: HighsBackend, CbcBackend.NAME: CbcBackend}


def installed_backends() -> list[str]:
    return [name for name, cls in backends().items() if cls.available()]


def get_backend(name: str) -> Backend:
    table = backends()
    if name not in table:
        raise ValueError(f"unknown solver {name!r}; choose one of {', '.join(sorted(table))}")
    cls = table[name]
    if not cls.available():
        raise ValueError(f"solver {name!r} is not installed (needs {', '.join(cls.REQUIRED_MODULES)})")
    return cls()


def gap_of(objective: Optional[float], bound: Optional[float]) -> Optional[float]:
    if objective is None or bound is None or not np.isfinite(bound):
        return None
    return abs(objective - bound) / max(abs(objective), 1e-10)


def within_gap(objective: Optional[float], bound: Optional[float], options: SolveOptions) -> bool:
    """`objective` is proven within the MIP gap of `bound`, by the rule branch and bound
    stops at (relative `gap` or absolute `abs_gap`): no search could prove more."""
    gap = gap_of(objective, bound)
    return gap is not None and (gap <= options.gap or abs(objective - bound) <= options.abs_gap)
