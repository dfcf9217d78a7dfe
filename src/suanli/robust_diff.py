"""`suanli diff OLD.json NEW.json` for two robust plans: the shared builds and each
scenario's objective and costs (a scenario in only one plan is listed as added or removed).

JSON: {"objective": {old, new, change}, "builds": [{region, node_type, old, new, change}],
"sites": [{region, old, new}], "scenarios": [{name, objective: {...}, cost: {part: {...}}}]}
(only what changed in builds and sites; every scenario of either plan). With years (§8),
`builds`/`sites` compare the last year, and "year_builds": [{year, region, node_type, old, new,
change}] (nodes built that year) and "year_sites": [{year, region, old, new}] say what changed when.
"""

from __future__ import annotations

COST_PARTS = ("total", "site", "capex", "opex", "energy", "network", "carbon")


def _change(old, new) -> dict:
    delta = None if old is None or new is None else new - old
    return {"old": old, "new": new, "change": delta}


def diff_robust(old, new) -> dict:
    nodes = lambda plan: {(b.region, t): v for b in plan.builds for t, v in b.nodes.items()}
    sites = lambda plan: {b.region: b.open for b in plan.builds}
    o_nodes, n_nodes = nodes(old), nodes(new)
    builds = [{"region": r, "node_type": t, **_change(o_nodes.get((r, t), 0), n_nodes.get((r, t), 0))}
              for r, t in sorted(set(o_nodes) | set(n_nodes)) if o_nodes.get((r, t), 0) != n_nodes.get((r, t), 0)]
    o_sites, n_sites = sites(old), sites(new)
    site_changes = [{"region": r, "old": o_sites.get(r, False), "new": n_sites.get(r, False)}
                    for r in sorted(set(o_sites) | set(n_sites)) if o_sites.get(r, False) != n_sites.get(r, False)]
    names = list(dict.fromkeys(old.robust.scenarios + new.robust.scenarios))
    scenarios = [_scenario(name, old.sub_plan(name), new.sub_plan(name)) for name in names]
    out = {"objective": _change(old.objective, new.objective), "builds": builds, "sites": site_changes,
           "scenarios": scenarios, "currency": new.currency}
    if old.years is not None or new.years is not None:  # §8: what is built when
        out.update(_year_changes(old, new))
    return out


def _year_changes(old, new) -> dict:
    """Builds (nodes built that year) and open sites that changed, per year."""
    built = lambda plan: {(y.year, r.name, t): v for y in plan.years or [] for r in y.regions
                          for t, v in r.builds.items()}
    opened = lambda plan: {(y.year, r.name): r.open for y in plan.years or [] for r in y.regions}
    o_built, n_built = built(old), built(new)
    builds = [{"year": y, "region": r, "node_type": t, **_change(o_built.get((y, r, t), 0), n_built.get((y, r, t), 0))}
              for y, r, t in sorted(set(o_built) | set(n_built))
              if o_built.get((y, r, t), 0) != n_built.get((y, r, t), 0)]
    o_open, n_open = opened(old), opened(new)
    sites = [{"year": y, "region": r, "old": o_open.get((y, r), False), "new": n_open.get((y, r), False)}
             for y, r in sorted(set(o_open) | set(n_open)) if o_open.get((y, r), False) != n_open.get((y, r), False)]
    return {"year_builds": builds, "year_sites": sites}


def _scenario(name: str, old, new) -> dict:
    value = lambda plan, part: None if plan is None else getattr(plan.cost, part)
    return {"name": name, "in": "both" if old and new else "old" if old else "new",
            "objective": _change(old.objective if old else None, new.objective if new else None),
            "cost": {part: _change(value(old, part), value(new, part)) for part in COST_PARTS}}
