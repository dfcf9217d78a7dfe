"""What the report needs beyond the plan: per-region facts only the spec holds.

A plan JSON carries decisions and totals, not the spec's region properties; with the
compiled program at hand the report colours regions by carbon intensity and draws
power caps. Without it those parts say "not in the plan" instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

J_PER_KWH = 3.6e6


@dataclass(frozen=True)
class RegionFacts:
    label: Optional[str] = None
    carbon_g_per_kwh: Optional[float] = None
    power_cap_mw: Optional[float] = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportContext:
    regions: dict[str, RegionFacts] = field(default_factory=dict)
    links: tuple[tuple[str, str], ...] = ()  # every link of the spec, used or not

    def facts(self, name: str) -> RegionFacts:
        return self.regions.get(name, RegionFacts())

    @property
    def known(self) -> bool:
        return bool(self.regions)


def context_from_program(program) -> ReportContext:
    """Region facts in display units (gCO2/kWh, MW) from a compiled `ir.Program`."""
    regions = {r.name: RegionFacts(label=r.label, carbon_g_per_kwh=r.carbon_intensity * J_PER_KWH,
                                   power_cap_mw=None if r.power_cap is None else r.power_cap / 1e6,
                                   tags=tuple(r.tags))
               for r in program.regions}
    links = tuple((l.a, l.b) for l in program.links)
    return ReportContext(regions=regions, links=links)
