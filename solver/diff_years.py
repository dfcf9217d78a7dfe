"""`suanli diff` of two multi-year plans (LANGUAGE.md §8): what changed in which year.

For each year in either plan: the year's (undiscounted) total cost and, per
region, builds, installed nodes and the site decision -- the same region
comparison as a single-period diff (diff._regions), one year at a time.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Optional

from suanli.solver.diff import NodeCountChange, YearChange, _regions, value_change
from suanli.solver.plan import Plan


def year_changes(old: Plan, new: Plan) -> Optional[list[YearChange]]:
    if not old.years and not new.years:
        return None
    old_y = {y.year: y for y in old.years or []}
    new_y = {y.year: y for y in new.years or []}
    out = []
    for year in sorted(set(old_y) | set(new_y)):
        a, b = old_y.get(year), new_y.get(year)
        total = value_change("total", new.currency, a.cost.total if a else None, b.cost.total if b else None)
        regions = _regions(SimpleNamespace(regions=a.regions if a else []),
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


def year_rows(changes) -> list[list[str]]:
    from suanli.solver.diff_render import signed
    from suanli.solver.render import num

    rows = []
    for y in changes:
        t = y.total
        rows.append([str(y.year), "(cost)", "", num(t.old), num(t.new), signed(t.delta)])
        for b in y.builds:
            rows.append([str(y.year), b.region, f"builds of {b.node_type}", num(b.old), num(b.new),
                         signed(b.delta)])
        for r in y.regions:
            for n in r.nodes:
                rows.append([str(y.year), r.name, f"installed {n.node_type}", num(n.old), num(n.new),
                             signed(n.delta)])
            if r.old_open != r.new_open:
                rows.append([str(y.year), r.name, "site", "open" if r.old_open else "closed",
                             "open" if r.new_open else "closed", "opened" if r.new_open else "closed"])
    return rows
