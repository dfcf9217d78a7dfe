"""Sentences the families' explanations and shadow prices share."""

from __future__ import annotations

from suanli.solver.plan import Infeasibility
from suanli.solver.units import MW


def item(constraint: str, span, shortfall: float, unit: str, message: str) -> Infeasibility:
    return Infeasibility(constraint=constraint, location=str(span) if span else None,
                         shortfall=float(shortfall), unit=unit, message=message)


def caps_text(program, reg) -> str:
    """What limits a region, for a capacity shortfall there."""
    caps = []
    if reg.power_cap is not None:
        caps.append(f"power_cap {reg.power_cap / MW:.6g} MW")
    if reg.max_nodes is not None:
        caps.append(f"max_nodes {reg.max_nodes}")
    if not any(reg.name in t.regions for t in program.node_types):
        caps.append("no node type may be built there")
    return f": {', '.join(caps)} at {reg.span}" if caps else f" (region at {reg.span})"


def say(what: str, unit: str, value: float, obj_unit: str) -> str:
    """A shadow price's description."""
    return f"1 {unit} more {what} changes the objective by {value:+.4g} {obj_unit} over the horizon"
