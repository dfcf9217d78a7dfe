"""A plan as pandas DataFrames: `plan.to_frames()` (docs/python.md).

The frames are made from the plan's JSON form (`plan_dict`), so every number
is the one the JSON plan holds and totals agree to the last digit. Tables:

    regions        one row per region: open, nodes (total), power, energy, compute, storage
    nodes          region x node_type -> nodes (long form; `.pivot(...)` for a matrix)
    builds         region x node_type -> builds (per-year entries that say what a year builds)
    demands        demand x region -> fraction served (with the demand's latency)
    jobs           one row per job placement (a relaxed plan: one per fractional placement)
    links          one row per link: latency, bandwidth, traffic each way
    requires, asserts   one row per statement result
    cost           part -> amount in the plan's currency (`total` last)
    shadow_prices, infeasibility, warnings   as in the plan

Plans that carry per-year or per-scenario results (a `years` or `scenarios`
list whose entries hold plan-shaped tables) get those tables stacked, with a
`year` or `scenario` column first (`cost_by_year`, `nodes_by_year`, ...), and
`summary_by_year` holds each entry's own numbers (e.g. its discount_factor). pandas is optional:
`pip install 'suanli[pandas]'`.
"""

from __future__ import annotations

import sys

COST_PARTS = ("site", "capex", "opex", "energy", "network", "carbon", "total")
STACKED = (("years", "year"), ("scenarios", "scenario"))
MISSING = ("plan.to_frames() needs pandas, which is not installed: "
           "pip install 'suanli[pandas]' (or pip install pandas)")


def _pandas():
    if sys.modules.get("pandas", False) is None:  # marked absent (tests do this)
        raise ImportError(MISSING, name="pandas")
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(MISSING, name="pandas") from exc
    return pandas


def plan_frames(plan) -> dict:
    """The plan (a Plan or its JSON dict) as a dict of DataFrames."""
    pd = _pandas()
    data = plan if isinstance(plan, dict) else _plan_dict(plan)
    frames = {name: pd.DataFrame(rows, columns=columns) for name, (columns, rows) in tables(data).items()}
    for key, column in STACKED:
        entries = data.get(key) or []
        for name, frame in _stacked(pd, entries, column).items():
            frames[f"{name}_by_{column}"] = frame
    return frames


def _plan_dict(plan) -> dict:
    from suanli.solver.plan import plan_dict

    return plan_dict(plan)


def tables(data: dict) -> dict[str, tuple[list[str], list[list]]]:
    """(columns, rows) per table, for whichever of the plan's tables `data` holds."""
    makers = {"regions": _regions, "nodes": _nodes, "demands": _demands, "jobs": _jobs, "links": _links,
              "requires": _statements, "asserts": _statements, "cost": _cost,
              "shadow_prices": _records, "infeasibility": _records, "warnings": _records}
    out = {}
    for name, make in makers.items():
        source = "regions" if name == "nodes" else name
        if source in data:
            out[name] = make(data[source], name)
    if any("builds" in r for r in data.get("regions", [])):  # multi-year entries: what each year builds
        out["builds"] = _nodes(data["regions"], "builds")
    return out


def _stacked(pd, entries: list, column: str) -> dict:
    """Each entry's tables, concatenated, with `column` (the entry's year or scenario) first;
    and the entries' own numbers and names (e.g. a year's discount_factor) as one table."""
    scalars = sorted({k for e in entries for k, v in e.items() if not isinstance(v, (list, dict))} - {column})
    parts: dict[str, list] = {}
    if entries:
        parts["summary"] = [pd.DataFrame([[e.get(column)] + [e.get(k) for k in scalars] for e in entries],
                                         columns=[column] + scalars)]
    for entry in entries:
        label = entry.get(column)
        for name, (columns, rows) in tables(entry).items():
            frame = pd.DataFrame(rows, columns=columns)
            frame.insert(0, column, label)
            parts.setdefault(name, []).append(frame)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}


def _regions(regions: list, _name: str):
    columns = ["region", "open", "nodes", "power_mw", "energy_mwh", "compute_tflops", "storage_tb"]
    relaxed = any("open_fraction" in r for r in regions)
    if relaxed:
        columns.insert(2, "open_fraction")
    rows = []
    for r in regions:  # .get: per-year entries may hold only some of a region's fields
        row = [r["name"], r.get("open"), sum(r.get("nodes", {}).values()), r.get("power_mw"),
               r.get("energy_mwh"), r.get("compute_tflops"), r.get("storage_tb")]
        if relaxed:
            row.insert(2, r.get("open_fraction"))
        rows.append(row)
    return columns, rows


def _nodes(regions: list, name: str):
    rows = [[r["name"], node_type, count] for r in regions
            for node_type, count in sorted(r.get(name, {}).items())]
    return ["region", "node_type", name], rows


def _demands(demands: list, _name: str):
    rows = [[d["name"], region, fraction, d.get("latency_ms")]
            for d in demands for region, fraction in sorted(d["regions"].items())]
    return ["demand", "region", "fraction", "latency_ms"], rows


def _jobs(jobs: list, _name: str):
    columns = ["job", "region", "node_type", "fraction", "nodes", "runtime_h", "latency_ms"]
    rows = []
    for j in jobs:
        placements = j.get("placements")
        if placements:
            rows += [[j["name"], p["region"], p["node_type"], p["fraction"], p["nodes"], p["runtime_h"],
                      j.get("latency_ms")] for p in placements]
        else:
            placed = 1.0 if j.get("region") is not None else 0.0
            rows.append([j["name"], j.get("region"), j.get("node_type"), placed, j.get("nodes"),
                         j.get("runtime_h"), j.get("latency_ms")])
    return columns, rows


def _links(links: list, _name: str):
    columns = ["a", "b", "latency_ms", "bandwidth_gbps", "traffic_ab_gbps", "traffic_ba_gbps"]
    return columns, [[link.get(c) for c in columns] for link in links]


def _statements(results: list, _name: str):
    columns = ["name", "policy", "location", "op", "value", "bound", "lower", "upper", "unit", "slack",
               "binding", "passed", "advisory"]
    return columns, [[s.get(c) for c in columns] for s in results]


def _cost(cost: dict, _name: str):
    parts = [p for p in COST_PARTS if p in cost] + sorted(set(cost) - set(COST_PARTS))
    return ["part", "amount"], [[p, cost[p]] for p in parts]


RECORD_COLUMNS = {
    "shadow_prices": ["constraint", "location", "value", "unit", "description"],
    "infeasibility": ["constraint", "location", "shortfall", "unit", "message"],
    "warnings": ["code", "message", "location"],
}


def _records(items: list, name: str):
    columns = RECORD_COLUMNS[name]
    return columns, [[item.get(c) for c in columns] for item in items]
