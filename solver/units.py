"""Display units of the solver's reports (SI value / factor = display value)."""

from __future__ import annotations

from suanli.compiler.ir import LinExpr

# metric kind -> (display unit, SI per display unit); money is in the currency
METRIC_UNITS = {
    "energy": ("MWh", 3.6e9), "renewable_energy": ("MWh", 3.6e9), "carbon": ("tCO2", 1e6),
    "compute": ("TFLOPS", 1e12), "storage": ("TB", 1e12), "memory": ("TB", 1e12), "power": ("MW", 1e6),
    "nodes": ("nodes", 1.0), "served": ("fraction", 1.0),
}
MW = 1e6
MWH = 3.6e9
TFLOPS = 1e12
TB = 1e12
TCO2 = 1e6
GBPS = 1e9 / 8  # B/s per Gbps
MS = 1e-3
HOUR = 3600.0


def metric_unit(kind: str, currency: str) -> tuple[str, float]:
    if kind.startswith("cost"):
        return currency, 1.0
    return METRIC_UNITS.get(kind, ("", 1.0))


def row_unit(expr: LinExpr, currency: str) -> tuple[str, float]:
    """The unit one row of a require is measured in: its first metric's,
    per unit coefficient (A - k*B is in A's unit)."""
    if not expr.terms:
        return "", 1.0
    first = expr.terms[0]
    unit, factor = metric_unit(first.metric.kind, currency)
    return unit, factor * abs(first.coef or 1.0)
