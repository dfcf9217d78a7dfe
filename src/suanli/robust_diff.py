"""`suanli diff OLD.json NEW.json` for two robust plans: the shared builds and each
scenario's objective and costs (a scenario in only one plan is listed as added or removed).

JSON: {"objective": {old, new, change}, "builds": [{region, node_type, old, new, change}],
"sites": [{region, old, new}], "scenarios": [{name, objective: {...}, cost: {part: {...}}}]}
(only what changed in builds and sites; every scenario of either plan).
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
    return {"objective": _change(old.objective, new.objective), "builds": builds, "sites": site_changes,
            "scenarios": scenarios, "currency": new.currency}


def _scenario(name: str, old, new) -> dict:
    value = lambda plan, part: None if plan is None else getattr(plan.cost, part)
    return {"name": name, "in": "both" if old and new else "old" if old else "new",
            "objective": _change(old.objective if old else None, new.objective if new else None),
            "cost": {part: _change(value(old, part), value(new, part)) for part in COST_PARTS}}
