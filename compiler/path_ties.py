"""When two path totals tie, and when a latency is within a limit (LANGUAGE.md §6).

The contract: "Two path totals tie when they are equal within a relative tolerance
of 1e-9" -- |a - b| <= 1e-9 * max(|a|, |b|), as Python's `math.isclose` with its
default `rel_tol`. Totals here are non-negative and exact (rationals, or integers over
a common denominator), so the test is done exactly, in integers: no rounding decides
a tie. A candidate is always compared with the least total of its group (never with
another candidate), so ties cannot chain (a ~ b ~ c with a and c far apart).

The same tolerance makes latency limits inclusive up to 1e-9 relative: Λ <= L holds
when Λ <= L or Λ and L tie, so 0.003 + 0.009 <= 0.012 holds however the sum is
computed. PATH_TIE_REL_TOL is the one named constant; the helpers below are its exact
integer forms.
"""

from __future__ import annotations

from fractions import Fraction

PATH_TIE_REL_TOL = Fraction(1, 10**9)  # LANGUAGE.md §6: path totals tie within 1e-9 relative
_PER = PATH_TIE_REL_TOL.denominator // PATH_TIE_REL_TOL.numerator  # 10**9: a tie is a gap <= total / _PER


def ties_with_least(total, least) -> bool:
    """`total` (>= `least` >= 0) ties with the least total of its group:
    total - least <= 1e-9 * total (the larger of the two is `total`)."""
    return (total - least) * _PER <= total


def near_gap_bound(total):
    """For integer totals: the largest gap (total - least) that still ties, as an integer
    (gap * 10**9 <= total  <=>  gap <= total // 10**9). Works elementwise on int64 arrays."""
    return total // _PER


def within_limit_bound(limit: Fraction, den: int) -> int:
    """The largest integer latency key k (latency = k / den) with k/den <= limit or tied
    with it: k/den - limit <= 1e-9 * k/den  <=>  k <= limit * den / (1 - 1e-9)."""
    if limit < 0:
        return -1
    return int((limit * den) / (1 - PATH_TIE_REL_TOL))  # floor: both sides are non-negative
