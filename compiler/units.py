"""Units and dimensions (LANGUAGE.md §3), with exact rational conversion.

A dimension is a vector of integer exponents over six base dimensions:
money, energy, time, compute work (FLOP), data (B) and carbon (gCO2). Power is
energy/time, a compute rate is FLOP/time, a data rate is data/time. Every unit
is an exact `Fraction` factor to the SI base of its dimension, so conversions
never round: `1 kWh` is exactly 3_600_000 J.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

BASE_NAMES = ("money", "energy", "time", "compute", "data", "carbon")


@dataclass(frozen=True, slots=True)
class Dim:
    exps: tuple[int, int, int, int, int, int] = (0, 0, 0, 0, 0, 0)

    def __mul__(self, other: "Dim") -> "Dim":
        return Dim(tuple(a + b for a, b in zip(self.exps, other.exps)))  # type: ignore[arg-type]

    def __truediv__(self, other: "Dim") -> "Dim":
        return Dim(tuple(a - b for a, b in zip(self.exps, other.exps)))  # type: ignore[arg-type]

    @property
    def is_dimensionless(self) -> bool:
        return not any(self.exps)

    def __str__(self) -> str:
        return dim_text(self)


def _base(index: int) -> Dim:
    exps = [0] * 6
    exps[index] = 1
    return Dim(tuple(exps))  # type: ignore[arg-type]


RATIO = Dim()
MONEY, ENERGY, TIME, WORK, DATA, CARBON = (_base(i) for i in range(6))
POWER = ENERGY / TIME
RATE = WORK / TIME  # compute rate
DATA_RATE = DATA / TIME
PER_TIME = RATIO / TIME  # a frequency, e.g. `token_rate = 2e4 / s` (§9)

# Names the language uses for dimensions in messages ("expects money/energy").
_NAMED = {
    RATIO: "ratio", MONEY: "money", ENERGY: "energy", TIME: "time", WORK: "compute work",
    DATA: "data", CARBON: "carbon", POWER: "power", RATE: "compute rate", DATA_RATE: "data rate",
    PER_TIME: "1/time",
}
_NAMED_REVERSE_ORDER = [POWER, RATE, DATA_RATE, MONEY, ENERGY, TIME, WORK, DATA, CARBON]


def dim_text(dim: Dim) -> str:
    """`power`, `money/energy`, `money/(compute rate*time)`: named parts first."""
    if dim in _NAMED:
        return _NAMED[dim]
    for num in _NAMED_REVERSE_ORDER:  # a named numerator over a named denominator
        den = num / dim
        if den in _NAMED and den not in (RATIO, PER_TIME):  # never "money/1/time"
            return f"{_NAMED[num]}/{_NAMED[den]}"
    for den in _NAMED_REVERSE_ORDER:  # a named dimension times something
        rest = dim / den
        if rest in _NAMED and rest != RATIO:
            return f"{_NAMED[rest]}*{_NAMED[den]}"
    ups = [f"{BASE_NAMES[i]}^{e}" if e != 1 else BASE_NAMES[i] for i, e in enumerate(dim.exps) if e > 0]
    downs = [f"{BASE_NAMES[i]}^{-e}" if e != -1 else BASE_NAMES[i] for i, e in enumerate(dim.exps) if e < 0]
    top = "*".join(ups) or "1"
    return top if not downs else f"{top}/{'*'.join(downs)}"


# ---------------------------------------------------------------- unit table

_SI = {"k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
HOUR = Fraction(3600)
DAY = 24 * HOUR
YEAR = 8760 * HOUR


def _prefixed(base: str, factor: Fraction, dim: Dim, prefixes: str = "kMGTPE") -> dict:
    table = {base: (factor, dim)}
    for p in prefixes:
        table[p + base] = (factor * _SI[p], dim)
    return table


def _build_units() -> dict[str, tuple[Fraction, Dim]]:
    u: dict[str, tuple[Fraction, Dim]] = {}
    u.update(_prefixed("W", Fraction(1), POWER))
    u.update(_prefixed("Wh", HOUR, ENERGY))
    u.update(_prefixed("J", Fraction(1), ENERGY))
    u.update(_prefixed("FLOPS", Fraction(1), RATE))
    u.update(_prefixed("FLOP", Fraction(1), WORK))
    u.update(_prefixed("B", Fraction(1), DATA))
    u.update(_prefixed("bit", Fraction(1, 8), DATA))
    u.update(_prefixed("bps", Fraction(1, 8), DATA_RATE))
    u.update({"gCO2": (Fraction(1), CARBON), "kgCO2": (Fraction(10**3), CARBON),
              "tCO2": (Fraction(10**6), CARBON), "ktCO2": (Fraction(10**9), CARBON),
              "MtCO2": (Fraction(10**12), CARBON)})
    for names, seconds in ((("s",), Fraction(1)), (("ms",), Fraction(1, 1000)),
                           (("min",), Fraction(60)), (("h",), HOUR), (("day", "days"), DAY),
                           (("week", "weeks"), 7 * DAY), (("month", "months"), YEAR / 12),
                           (("year", "years"), YEAR)):
        for name in names:
            u[name] = (seconds, TIME)
    return u


UNITS = _build_units()

# ISO 4217 codes a spec may use as its currency (one per spec).
CURRENCIES = frozenset(
    "CNY USD EUR JPY GBP HKD TWD KRW SGD AUD CAD CHF INR RUB BRL SEK NOK DKK NZD MOP "
    "THB MYR IDR VND PHP AED SAR ZAR MXN PLN CZK HUF TRY ILS".split())


def lookup_unit(name: str) -> tuple[Fraction, Dim] | None:
    """Factor to SI base and dimension of a unit name; currencies map to MONEY."""
    if name in CURRENCIES:
        return Fraction(1), MONEY
    return UNITS.get(name)


def all_unit_names() -> list[str]:
    return sorted(UNITS) + sorted(CURRENCIES)


# ---------------------------------------------------------------- display units
# How values of a dimension are shown to planners (plans, explanations).

_DISPLAY = {
    POWER: ("MW", Fraction(10**6)), ENERGY: ("MWh", 10**6 * HOUR), TIME: ("h", HOUR),
    RATE: ("TFLOPS", Fraction(10**12)), WORK: ("PFLOP", Fraction(10**15)),
    DATA: ("TB", Fraction(10**12)), DATA_RATE: ("Gbps", Fraction(10**9, 8)),
    CARBON: ("tCO2", Fraction(10**6)), RATIO: ("", Fraction(1)),
    RATE / DATA: ("GFLOPS/GB", Fraction(1)), PER_TIME: ("1/s", Fraction(1)),
}


def display_unit(dim: Dim, currency: str) -> tuple[str, Fraction]:
    """(unit text, scale) such that SI value / scale is the value in that unit."""
    if dim == MONEY:
        return currency, Fraction(1)
    if dim in _DISPLAY:
        return _DISPLAY[dim]
    for den in _NAMED_REVERSE_ORDER:  # money/energy -> CNY/MWh, etc.
        num = dim * den
        if num in _DISPLAY or num == MONEY:
            n_text, n_scale = display_unit(num, currency)
            d_text, d_scale = _DISPLAY[den] if den in _DISPLAY else display_unit(den, currency)
            return f"{n_text}/{d_text}", n_scale / d_scale
    return _si_text(dim, currency), Fraction(1)


def _si_text(dim: Dim, currency: str) -> str:
    base_units = (currency, "J", "s", "FLOP", "B", "gCO2")
    ups = [base_units[i] + (f"^{e}" if e != 1 else "") for i, e in enumerate(dim.exps) if e > 0]
    downs = [base_units[i] + (f"^{-e}" if e != -1 else "") for i, e in enumerate(dim.exps) if e < 0]
    top = "*".join(ups) or "1"
    return top if not downs else f"{top}/{'*'.join(downs)}"
