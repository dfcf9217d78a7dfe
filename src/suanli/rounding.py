"""How a plan's numbers are written (`round_sig`: 12 significant digits, |v| < 1e-9
as 0) and shown to people (`num`).

A base module (no imports from the rest of suanli): the solver writes plans
with it, and the formats and `suanli check --format json` print numbers
through it without loading the solver.
"""

from __future__ import annotations

import math


def round_sig(v: float) -> float | int:
    if isinstance(v, bool) or isinstance(v, int):
        return v
    if not math.isfinite(v):
        raise ValueError(f"non-finite number {v} in a plan")
    if abs(v) < 1e-9:
        return 0.0
    return float(f"{v:.12g}")


def num(v) -> str:
    """A number as the human formats show it: `-` for none, yes/no, integers as
    written, else 6 significant digits with thousands separators."""
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    v = round_sig(v)
    if v == 0 or not 1e-3 <= abs(v) < 1e15:
        return f"{v:.6g}"
    digits = max(0, 5 - int(math.floor(math.log10(abs(v)))))
    text = f"{v:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
