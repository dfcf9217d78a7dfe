"""The sections of a plan as the human formats show it: an aligned text table
(`table`, the TTY default) or Markdown (`markdown`); md says which."""

from __future__ import annotations

from suanli.formats.cells import bound_text, pad, table, text_width
from suanli.formats.plan_near import near_sections
from suanli.rounding import num
from suanli.solver.plan import Plan


def render(plan: Plan, md: bool) -> str:
    out = [("# Plan" if md else "Plan") + f" for {plan.spec}", ""]
    out += _summary(plan, md)
    for section in (_costs, _years, _regions, _demands, _jobs, _links, _statements, _shadow, _infeasible,
                    _warnings):
        out += section(plan, md)
    out += near_sections(plan, md)
    return "\n".join(out).rstrip() + "\n"


def _years(plan: Plan, md: bool) -> list[str]:
    """Multi-year plans: one row per year (cost undiscounted, builds, installed, carbon)."""
    if not plan.years:
        return []
    rows = []
    for y in plan.years:
        built = ", ".join(f"{r.name}: " + " ".join(f"{v} {t}" for t, v in r.builds.items())
                          for r in y.regions if r.builds)
        standing = sum(v for r in y.regions for v in r.nodes.values())
        rows.append([str(y.year), num(y.cost.total), num(y.discount_factor), built or "-",
                     num(standing), ", ".join(r.name for r in y.regions if r.open) or "-",
                     num(y.carbon_tco2)])
    return table(f"Years (cost in {plan.currency}, undiscounted)",
                 ["year", "cost", "discount", "builds", "installed nodes", "open", "carbon tCO2"],
                 rows, md)


def _summary(plan: Plan, md: bool) -> list[str]:
    rows = [["status", plan.status + (f" ({plan.message})" if plan.message else "")],
            ["objective", f"{plan.objective_sense} = {num(plan.objective)} {plan.objective_unit}"],
            ["gap", num(plan.gap)], ["solver", plan.solver + (" (relaxed)" if plan.relaxed else "")],
            ["horizon", f"{num(plan.horizon_h)} h"]]
    if plan.scenario:
        rows.append(["scenario", plan.scenario])
    if plan.energy_mwh is not None:
        rows += [["energy", f"{num(plan.energy_mwh)} MWh (renewable {num(plan.renewable_energy_mwh)})"],
                 ["carbon", f"{num(plan.carbon_tco2)} tCO2"]]
    if md:
        return [f"- **{k}**: {v}" for k, v in rows] + [""]
    width = max(text_width(k) for k, _ in rows)
    return [f"{pad(k, width)}  {v}" for k, v in rows] + [""]


def _costs(plan: Plan, md: bool) -> list[str]:
    c = plan.cost
    if c.total is None:
        return []
    rows = [[k, num(getattr(c, k))] for k in ("site", "capex", "opex", "energy", "network", "carbon", "total")]
    return table(f"Cost ({plan.currency}, over the horizon)", ["part", "amount"], rows, md)


def _regions(plan: Plan, md: bool) -> list[str]:
    rows = []
    memory = any(r.memory_tb is not None for r in plan.regions)  # §9: a column only for specs with memory
    for r in plan.regions:
        nodes = ", ".join(f"{t}={num(v)}" for t, v in sorted(r.nodes.items())) or "-"
        util = ", ".join(f"{c}={num(v)}" for c, v in sorted(r.utilization.items())) or "-"
        rows.append([r.name, _open(r), nodes, num(r.power_mw), num(r.energy_mwh),
                     num(r.compute_tflops), num(r.storage_tb)]
                    + ([num(r.memory_tb)] if memory else []) + [util])
    return table("Regions", ["region", "open", "nodes", "power MW", "energy MWh", "compute TFLOPS",
                              "storage TB"] + (["memory TB"] if memory else []) + ["utilization"], rows, md)


def _open(r) -> str:
    """yes/no; a relaxed plan's fractional site shows its fraction."""
    f = r.open_fraction
    if f is not None and f not in (0.0, 1.0):
        return f"{num(f)} (fraction)"
    return "yes" if r.open else "no"


def _demands(plan: Plan, md: bool) -> list[str]:
    backups = any(d.backups is not None for d in plan.demands)  # §9: a column only for specs with backups
    derived = any(d.compute_tflops is not None for d in plan.demands)
    rows = [[d.name, ", ".join(f"{r}={num(v)}" for r, v in sorted(d.regions.items())) or "-",
             num(d.latency_ms)] + ([num(d.compute_tflops)] if derived else [])
            + ([", ".join(d.backups or []) or "-"] if backups else []) for d in plan.demands]
    return table("Demands", ["demand", "served in (fraction)", "latency ms"]
                 + (["compute TFLOPS (2·params·token_rate)"] if derived else [])
                 + (["backups"] if backups else []), rows, md)


def _jobs(plan: Plan, md: bool) -> list[str]:
    if any(j.placements is not None for j in plan.jobs):
        return _relaxed_jobs(plan, md)
    derived = any(j.work_pflop is not None for j in plan.jobs)  # §9: jobs sized as 6·params·tokens
    rows = [[j.name, j.region or "-", j.node_type or "-", num(j.nodes), num(j.runtime_h)]
            + ([num(j.work_pflop)] if derived else []) for j in plan.jobs]
    return table("Jobs", ["job", "region", "node type", "nodes", "runtime h"]
                 + (["work PFLOP (6·params·tokens)"] if derived else []), rows, md)


def _relaxed_jobs(plan: Plan, md: bool) -> list[str]:
    """One row per placement (y[j,r,t] > 0), the job's name on its first row."""
    rows = []
    for j in plan.jobs:
        places = j.placements or []
        if not places:
            rows.append([j.name, "-", "-", "-", "-", "-"])
        for k, p in enumerate(places):
            rows.append([j.name if k == 0 else "", p.region, p.node_type, num(p.fraction),
                         num(p.nodes), num(p.runtime_h)])
    return table("Jobs (relaxed: fractional placements)",
                 ["job", "region", "node type", "fraction", "nodes", "runtime h"], rows, md)


def _links(plan: Plan, md: bool) -> list[str]:
    rows = [[f"{l.a} -- {l.b}", num(l.latency_ms), num(l.bandwidth_gbps) if l.bandwidth_gbps is not None
             else "unlimited", num(l.traffic_ab_gbps), num(l.traffic_ba_gbps)] for l in plan.links]
    return table("Links", ["link", "latency ms", "bandwidth Gbps", "a->b Gbps", "b->a Gbps"], rows, md)


def _statements(plan: Plan, md: bool) -> list[str]:
    req = [[s.name, num(s.value), bound_text(s), s.unit, num(s.slack), "yes" if s.binding else "no", s.location]
           for s in plan.requires]
    asr = [[s.name, num(s.value), bound_text(s), s.unit,
            ("pass" if s.passed else "FAIL") + (" (advisory)" if s.advisory else ""), s.location]
           for s in plan.asserts]
    return (table("Requires", ["require", "value", "bound", "unit", "slack", "binding", "at"], req, md)
            + table("Asserts", ["assert", "value", "bound", "unit", "result", "at"], asr, md))


def _shadow(plan: Plan, md: bool) -> list[str]:
    rows = [[s.constraint, num(s.value), s.unit, s.location or "-"] for s in plan.shadow_prices]
    return table("Shadow prices (objective change per unit, over the horizon)",
                 ["constraint", "value", "unit", "at"], rows, md)


def _infeasible(plan: Plan, md: bool) -> list[str]:
    rows = [[i.message, i.location or "-"] for i in plan.infeasibility]
    return table("Why it is infeasible", ["explanation", "at"], rows, md)


def _warnings(plan: Plan, md: bool) -> list[str]:
    rows = [[w.code, w.message, w.location or "-"] for w in plan.warnings]
    return table("Warnings", ["code", "message", "at"], rows, md)
