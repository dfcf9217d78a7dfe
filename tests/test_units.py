"""Units are exact and every unit of LANGUAGE.md §3 is known with its dimension."""

from fractions import Fraction

import pytest

from suanli.compiler import units as u

EXPECTED = {
    "W": (1, u.POWER), "kW": (10**3, u.POWER), "MW": (10**6, u.POWER), "GW": (10**9, u.POWER),
    "Wh": (3600, u.ENERGY), "kWh": (3_600_000, u.ENERGY), "MWh": (3_600_000_000, u.ENERGY),
    "GWh": (3_600_000_000_000, u.ENERGY), "J": (1, u.ENERGY),
    "FLOPS": (1, u.RATE), "TFLOPS": (10**12, u.RATE), "PFLOPS": (10**15, u.RATE),
    "FLOP": (1, u.WORK), "PFLOP": (10**15, u.WORK),
    "B": (1, u.DATA), "GB": (10**9, u.DATA), "TB": (10**12, u.DATA), "PB": (10**15, u.DATA),
    "bit": (Fraction(1, 8), u.DATA), "bps": (Fraction(1, 8), u.DATA_RATE),
    "Gbps": (Fraction(10**9, 8), u.DATA_RATE),
    "s": (1, u.TIME), "ms": (Fraction(1, 1000), u.TIME), "min": (60, u.TIME), "h": (3600, u.TIME),
    "day": (86400, u.TIME), "days": (86400, u.TIME), "week": (604800, u.TIME),
    "weeks": (604800, u.TIME), "year": (8760 * 3600, u.TIME), "years": (8760 * 3600, u.TIME),
    "month": (730 * 3600, u.TIME), "months": (730 * 3600, u.TIME),
    "gCO2": (1, u.CARBON), "kgCO2": (1000, u.CARBON), "tCO2": (10**6, u.CARBON),
    "ktCO2": (10**9, u.CARBON), "CNY": (1, u.MONEY), "USD": (1, u.MONEY), "EUR": (1, u.MONEY),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_unit_factor_and_dimension(name):
    factor, dim = EXPECTED[name]
    assert u.lookup_unit(name) == (Fraction(factor), dim)


def test_unknown_unit():
    assert u.lookup_unit("furlong") is None
    assert u.lookup_unit("tflops") is None  # units are case-sensitive: `m` is milli, `M` mega


@pytest.mark.parametrize("dim,text", [
    (u.POWER, "power"), (u.MONEY / u.ENERGY, "money/energy"), (u.CARBON / u.ENERGY, "carbon/energy"),
    (u.RATE / u.DATA, "compute rate/data"), (u.MONEY / u.TIME, "money/time"), (u.RATIO, "ratio"),
])
def test_dimension_names(dim, text):
    assert u.dim_text(dim) == text


def test_display_units():
    assert u.display_unit(u.POWER, "CNY") == ("MW", Fraction(10**6))
    assert u.display_unit(u.MONEY, "USD") == ("USD", Fraction(1))
    text, scale = u.display_unit(u.MONEY / u.ENERGY, "CNY")
    assert text == "CNY/MWh" and scale == Fraction(1, 3_600_000_000)


def test_per_time_is_named_and_never_a_denominator_name():
    """§9's token_rate dimension is `1/time` (1/s); other texts do not change because of it."""
    from suanli.compiler import units as u

    assert u.dim_text(u.PER_TIME) == "1/time"
    assert u.display_unit(u.PER_TIME, "CNY") == ("1/s", 1)
    assert u.dim_text(u.MONEY * u.TIME) == "time*money"
    assert "1/time" not in u.dim_text(u.DATA * u.TIME)
