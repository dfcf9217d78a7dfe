"""What each property of each declaration expects (LANGUAGE.md §4).

One table drives the checks, the building and the emitting: the value's shape
(quantity, name, list, ...), its allowed dimensions, whether it is required,
its valid range, its default, and an example used in `help` text. A region
property that is one row here and one field of `ir.Region` (same name) is read,
checked, defaulted and emitted with no other edit (build_entities, emit_ir).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Callable, Optional

from suanli.compiler import units as u

Range = Callable[[Fraction], Optional[str]]  # returns the complaint, or None when fine


def at_least(low, strict=False, what=""):
    def check(v: Fraction) -> str | None:
        bad = v <= low if strict else v < low
        return f"must be {'>' if strict else '>='} {low}{what}" if bad else None
    return check


def between(low, high, low_open=False, high_open=False):
    def check(v: Fraction) -> str | None:
        lo_bad = v <= low if low_open else v < low
        hi_bad = v >= high if high_open else v > high
        if lo_bad or hi_bad:
            return (f"must be in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
                    f" (as a percentage {'(' if low_open else '['}{low * 100}%, {high * 100}%"
                    f"{')' if high_open else ']'})")
        return None
    return check


NON_NEGATIVE = at_least(0)
POSITIVE = at_least(0, strict=True)


HORIZON = "the horizon"  # a default that is the spec's horizon H (node lifetime)


@dataclass(frozen=True)
class PropSpec:
    shape: str  # quantity | count | name | names | string | bool | currency | year | years
    dims: tuple[u.Dim, ...] = ()
    required: bool = False
    check: Range | None = None
    example: str = ""
    default: object = None  # in SI units; None: unset (the IR field is None), HORIZON: H
    over_horizon: bool = False  # a money/time value is multiplied by H (site_cost)
    year_axis: bool = False  # a multi-year property (§8): taken out before each year compiles


def q(dims, example, check=NON_NEGATIVE, required=False, default=None) -> PropSpec:
    dims = dims if isinstance(dims, tuple) else (dims,)
    return PropSpec("quantity", dims, required, check, example, default)


def zero(dims, example, check=NON_NEGATIVE) -> PropSpec:
    """A quantity that is 0 when not given."""
    return q(dims, example, check, default=0)


def count(example: str, check=NON_NEGATIVE, default=None) -> PropSpec:
    return PropSpec("count", (u.RATIO,), False, check, example, default)


def axis(spec: PropSpec) -> PropSpec:
    """A year-axis row (read by compiler/years.py, not by the single-period passes)."""
    return replace(spec, year_axis=True)


COUNT = count("100")
NAME_REQUIRED = PropSpec("name", required=True, example="general")
ORIGIN = PropSpec("name", example="beijing")
RESIDENCY = PropSpec("names", example="[east]")

SCHEMAS: dict[str, dict[str, PropSpec]] = {
    "settings": {
        "horizon": q(u.TIME, "1 year", POSITIVE),
        "currency": PropSpec("currency", example="CNY"),
        "utilization": q(u.RATIO, "80%", between(0, 1, low_open=True)),
        "carbon_price": q(u.MONEY / u.CARBON, "300 CNY/tCO2"),
        "robust": PropSpec("names", example="[base, high_growth]"),  # §10: robust plans
        "years": axis(PropSpec("years", example="2026 .. 2030")),  # §8, read by compiler/years.py
        "discount_rate": axis(q(u.RATIO, "8%")),
    },
    "region": {
        "power_price": zero(u.MONEY / u.ENERGY, "0.35 CNY/kWh"),
        "pue": q(u.RATIO, "1.2", at_least(1), default=1),
        "carbon_intensity": zero(u.CARBON / u.ENERGY, "580 gCO2/kWh"),
        "renewable": zero(u.RATIO, "55%", between(0, 1)),
        "power_cap": q(u.POWER, "60 MW"),
        "site_cost": replace(zero((u.MONEY, u.MONEY / u.TIME), "30e6 CNY/year"), over_horizon=True),
        "max_nodes": COUNT,
        "max_params": q(u.RATIO, "7e9"),  # §9: largest model (parameters) it may serve
        "tags": PropSpec("names", example="[east, hub]", default=()),
        "label": PropSpec("string", example='"Beijing hub"'),
    },
    "node": {
        "class": NAME_REQUIRED,
        "compute": zero(u.RATE, "4 TFLOPS"),
        "storage": zero(u.DATA, "16 TB"),
        "memory": zero(u.DATA, "512 GB"),  # §9
        "media": PropSpec("name", example="ssd"),  # §9: a selector of node types, like a class
        "power": q(u.POWER, "0.8 kW", POSITIVE, required=True),
        "capex": zero(u.MONEY, "60e3 CNY"),
        "lifetime": q(u.TIME, "5 years", POSITIVE, default=HORIZON),
        "opex": zero(u.MONEY / u.TIME, "1000 CNY/year"),
        "regions": PropSpec("names", example="[west]"),
        "max_per_region": COUNT,
        "label": PropSpec("string", example='"8-GPU server"'),
        "available": axis(PropSpec("year", example="2028")),
    },
    "link": {
        "latency": q(u.TIME, "28 ms", required=True),
        "bandwidth": q(u.DATA_RATE, "400 Gbps"),
        "transfer_cost": zero(u.MONEY / u.DATA, "0.02 CNY/GB"),
    },
    "demand": {
        "class": NAME_REQUIRED,
        "compute": zero(u.RATE, "400 TFLOPS"),
        "storage": zero(u.DATA, "2 PB"),
        "memory": zero(u.DATA, "20 TB"),  # §9
        "params": q(u.RATIO, "7e10"),  # §9: model parameters
        "token_rate": q(u.PER_TIME, "2e4 / s"),  # §9: compute = 2 * params * token_rate
        "backups": count("1", default=0),  # §9: copies (split = false only)
        "backup_separation": zero(u.TIME, "20 ms"),
        "origin": ORIGIN,
        "traffic": zero(u.DATA_RATE, "2 Gbps"),
        "max_latency": q(u.TIME, "5 ms"),
        "residency": RESIDENCY,
        "split": PropSpec("bool", example="false", default=True),
        "label": PropSpec("string", example='"portal"'),
        "growth": axis(q(u.RATIO, "35%", check=None)),
        "years": axis(PropSpec("years", example="2026 .. 2027")),
    },
    "job": {
        "class": NAME_REQUIRED,
        "work": q(u.WORK, "3640 PFLOPS * day", POSITIVE),  # required unless params and tokens (§9)
        "deadline": q(u.TIME, "90 days", POSITIVE, required=True),
        "serial_fraction": zero(u.RATIO, "2%", between(0, 1, high_open=True)),
        "efficiency": q(u.RATIO, "40%", between(0, 1, low_open=True), default=1),
        "max_nodes": count("64", at_least(1)),
        "storage": zero(u.DATA, "500 TB"),
        "memory": zero(u.DATA, "20 TB"),  # §9
        "params": q(u.RATIO, "1.75e11"),  # §9: work = 6 * params * tokens
        "tokens": q(u.RATIO, "3e11"),
        "origin": ORIGIN,
        "data": zero(u.DATA, "45 TB"),
        "max_latency": q(u.TIME, "30 ms"),
        "residency": RESIDENCY,
        "label": PropSpec("string", example='"pretraining"'),
        "year": axis(PropSpec("year", example="2028")),
    },
}


def year_axis_props(kind: str) -> tuple[str, ...]:
    """The multi-year properties of a kind of declaration, in table order."""
    return tuple(name for name, spec in SCHEMAS.get(kind, {}).items() if spec.year_axis)
