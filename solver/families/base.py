"""What a constraint family is: typed metadata, and the contexts its rows are built in.

A `ConstraintFamily` (one module each in this package, listed in order in
`FAMILIES`) names the LANGUAGE.md section it lowers, the row kinds it adds to
the program and the check of the independent verifier (verify.py) that
re-derives it; its builders append rows to a RowBuilder. A `RowKind` carries
what the layers above the lowering need per kind of row: its ASCII names
(names.py), how the elastic re-solve relaxes and describes it (explain.py) and
what its dual means (shadow.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:
    from suanli.compiler.ir import Program
    from suanli.solver.columns import Columns
    from suanli.solver.path_arrays import PairTables
    from suanli.solver.families.rowbuilder import RowBuilder
    from suanli.solver.index import Index
    from suanli.solver.linmetrics import MetricVectors
    from suanli.solver.years import YearLayout, YearMetrics


@dataclass(frozen=True)
class Relax:
    """How explain.py's elastic copy relaxes a row kind: one slack per finite side."""

    weight: float = 1.0  # slack cost per scaled row unit: a larger weight is blamed last
    only_lower: bool = False  # only the lower side gets slack (over-serving never helps)


@dataclass(frozen=True)
class RowKind:
    """One kind of row (`sparse.Family.kind == name`) and what reports make of it."""

    name: str
    names: Optional[Callable] = None  # (Namer, keys) -> ASCII names; None: `name.i`
    relax: Optional[Relax] = None  # None: explain never relaxes it
    describe: Optional[Callable] = None  # (program, fam, k, amount, sign) -> Infeasibility
    shadow: Optional[Callable] = None  # (program, fam, k, value, obj_unit) -> ShadowPrice | None
    needs_nodes: bool = False  # strengthen.py: its capacity is nodes in the column's region
    year_keyed: bool = False  # multi-year rows whose keys carry the year (named without a suffix)


@dataclass
class Period:
    """The rows of one period: a single-period program, or one year's block."""

    rb: RowBuilder
    ix: Index
    cols: Columns
    pairs: PairTables
    relax: bool


@dataclass
class Whole(Period):
    """A single-period program as a whole: its metrics, objective (column ids,
    coefficients) and the plan notes the rows may add."""

    program: Program
    mv: MetricVectors
    obj: tuple  # (column ids, SI coefficients)
    notes: list[str]
    tight: bool  # False: every site row gets the plain big-M (bench/milp.py)


@dataclass
class Years:
    """A multi-year program as a whole (solver/years.py), after every year's block."""

    rb: RowBuilder
    layout: YearLayout
    program: Program
    metrics: YearMetrics
    obj: tuple  # (column ids, SI coefficients)


@dataclass(frozen=True)
class ConstraintFamily:
    """A family of LANGUAGE.md (§6 1-8, §8 years, §9 memory and backups)."""

    name: str
    section: str  # where LANGUAGE.md defines it
    rows: tuple[RowKind, ...]  # the row kinds it adds (in every program it applies to)
    verify: tuple[str, ...]  # ids of the verifier checks that re-derive it (verify.py, year_verify.py)
    period: Optional[Callable[[Period], None]] = None  # per period (and per year's block)
    whole: Optional[Callable[[Whole], None]] = None  # once, over a single-period program
    years: Optional[Callable[[Years], None]] = None  # once, over a multi-year program
