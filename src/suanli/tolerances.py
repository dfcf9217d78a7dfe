"""The tolerances of suanli, each named once with what it is for.

A data module like diagnostics.py: it imports nothing of suanli, so the compiler,
the solver and the commands above them read the same numbers (ENGINEERING.md keeps
the tolerances like the IR and the plan model). A comparison that is not exact
uses one of these.
"""

from fractions import Fraction

# Two path totals (latency, then transfer cost) tie when they differ by at most this,
# relative to the larger (LANGUAGE.md §6); a latency limit holds within it. Exact, as
# the paths are computed in exact rationals (compiler/path_ties.py).
PATH_TIE_REL = Fraction(1, 10**9)

# A spec row holds in a plan when lhs <= rhs + HOLDS_ABS * U + HOLDS_REL * M, with U
# the unit the row is reported in (its statement's unit, MW for power, ...) and M the
# size of its terms and bounds: the verifier, the report's holds/binding and the
# near-optimal bound row use it. Plans carry 12 significant digits, well inside it.
HOLDS_ABS = 1e-6
HOLDS_REL = 1e-9

# Two numbers within this of each other, relative to their size, are the same:
# near-optimal scores (LANGUAGE.md §11), plan costs in `suanli diff` and the CI
# budget, an objective "no worse" than another, a lifetime of whole years, a
# power cap that fits a whole number of nodes.
SAME_REL = 1e-9

# A solution value at or below this is zero: a node count, a placement, a site or
# job fraction, a dual the solver leaves behind; plans write |v| below it as 0.
# HiGHS drops coefficients this small (ENGINEERING.md), so nothing smaller means anything.
ZERO = 1e-9

# What a solver's answer is trusted to: HiGHS and CBC hold rows, bounds and
# integrality to about 1e-6 (relative, in the scaled program), so re-checks of their
# answers (a MIP start, an objective, a stacked robust plan) allow that much.
SOLVER_REL = 1e-6

# The relative MIP gap at which a plan counts as optimal (`solve --gap`, `sweep
# --gap`, the Python API), and its absolute partner in scaled objective units.
DEFAULT_GAP = 1e-6
ABS_GAP = 1e-9
