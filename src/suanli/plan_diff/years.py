"""`suanli diff` of two multi-year plans (LANGUAGE.md §8): what changed in which year.

For each year in either plan: the year's (undiscounted) total cost and, per
region, builds, installed nodes and the site decision -- the same region
comparison as a single-period diff (compare.region_changes), one year at a time.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Optional

from suanli.plan_diff.model import NodeCountChange, YearChange, value_change
from suanli.solver.plan import Plan


def year_changes(old: Plan, new: Plan) -> Optional[list[YearChange]]:
    from suanli.plan_diff.compare import region_changes

    if not old.years and not new.years:
        return None
    old_y = {y.year: y for y in old.years or []}
    new_y = {y.year: y for y in new.years or []}
    out = []
    for year in sorted(set(old_y) | set(new_y)):
        a, b = old_y.get(year), new_y.get(year)
        total = value_change("total", new.currency, a.cost.total if a else None, b.cost.total if b else None)
        regions = region_changes(SimpleNamespace(regions=a.regions if a else []),
                           SimpleNamespace(regions=b.regions if b else []))[0]
        builds = []
        for region in sorted({r.name for y in (a, b) if y for r in y.regions}):
            was = _builds(a, region)
            now = _builds(b, region)
            for t in sorted(set(was) | set(now)):
                if was.get(t, 0) != now.get(t, 0):
                    builds.append(NodeCountChange(region=region, node_type=t, old=was.get(t, 0),
                                                  new=now.get(t, 0), delta=now.get(t, 0) - was.get(t, 0)))
        if total.changed or regions or builds:
            out.append(YearChange(year=year, total=total, builds=builds, regions=regions))
    return out


def _builds(year, region: str) -> dict:
    if year is None:
        return {}
    return next((dict(r.builds) for r in year.regions if r.name == region), {})
