"""HTML tables and small page pieces for the report (escaped, deterministic)."""

from __future__ import annotations

from html import escape
from typing import Iterable, Optional

from suanli.report.charts import COST_PARTS, relative_slack, statement_status
from suanli.report.context import ReportContext
from suanli.rounding import num


def table(headers: list[str], rows: Iterable[list[str]], classes: Optional[list[str]] = None,
          numeric_from: int = 1) -> str:
    """Cells are already-escaped HTML; columns from `numeric_from` on are right-aligned."""
    rows = list(rows)
    if not rows:
        return ""
    head = "".join(f'<th{_num_attr(i, numeric_from)}>{h}</th>' for i, h in enumerate(headers))
    body = []
    for k, row in enumerate(rows):
        cls = f' class="{classes[k]}"' if classes and classes[k] else ""
        cells = "".join(f"<td{_num_attr(i, numeric_from)}>{c}</td>" for i, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>\n"


def _num_attr(i: int, numeric_from: int) -> str:
    return ' class="num"' if i >= numeric_from else ""


def e(value) -> str:
    return escape(str(value), quote=True)


def n(value) -> str:
    return e(num(value))


def summary_list(plan: dict) -> str:
    rows = [("status", plan.get("status", "") + (f" ({plan['message']})" if plan.get("message") else "")),
            ("objective", f"{plan.get('objective_sense', '')} = {num(plan.get('objective'))} "
                          f"{plan.get('objective_unit', '')}"),
            ("solver", str(plan.get("solver", "")) + (" (relaxed)" if plan.get("relaxed") else "")),
            ("horizon", f"{num(plan.get('horizon_h'))} h")]
    if plan.get("scenario"):
        rows.append(("scenario", plan["scenario"]))
    if plan.get("energy_mwh") is not None:
        rows += [("energy", f"{num(plan['energy_mwh'])} MWh (renewable {num(plan.get('renewable_energy_mwh'))})"),
                 ("carbon", f"{num(plan.get('carbon_tco2'))} tCO2")]
    items = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
    return f'<dl class="summary">{items}</dl>\n'


def cost_table(plan: dict) -> str:
    cost = plan.get("cost") or {}
    if cost.get("total") is None:
        return ""
    total = cost["total"] or 0.0
    rows = [[e(p), n(cost.get(p)), n(100.0 * (cost.get(p) or 0.0) / total) if total else "-"]
            for p in COST_PARTS + ("total",)]
    return table(["part", f"amount ({e(plan.get('currency', ''))})", "share %"], rows,
                 ["total" if r[0] == "total" else "" for r in rows])


def regions_table(plan: dict, context: ReportContext) -> str:
    rows = []
    memory = any("memory_tb" in r for r in plan.get("regions", []))  # §9: a column only for specs with memory
    for r in plan.get("regions", []):
        facts = context.facts(r["name"])
        nodes = ", ".join(f"{t}={num(v)}" for t, v in sorted((r.get("nodes") or {}).items())) or "-"
        name = e(r["name"]) + (f'<br><span class="label">{e(facts.label)}</span>' if facts.label else "")
        rows.append([name, "yes" if r.get("open") else "no", e(nodes), n(r.get("compute_tflops")),
                     n(r.get("storage_tb"))] + ([n(r.get("memory_tb"))] if memory else [])
                    + [n(r.get("power_mw")), n(facts.power_cap_mw), n(facts.carbon_g_per_kwh)])
    return table(["region", "open", "nodes", "compute TFLOPS", "storage TB"] + (["memory TB"] if memory else [])
                 + ["power MW", "cap MW", "gCO2/kWh"], rows, numeric_from=3)


def links_table(plan: dict) -> str:
    rows = [[e(f"{l['a']} -- {l['b']}"), n(l.get("latency_ms")),
             n(l.get("bandwidth_gbps")) if l.get("bandwidth_gbps") is not None else "unlimited",
             n(l.get("traffic_ab_gbps")), n(l.get("traffic_ba_gbps"))] for l in plan.get("links", [])]
    return table(["link", "latency ms", "bandwidth Gbps", "a→b Gbps", "b→a Gbps"], rows)


def placements_table(plan: dict) -> str:
    rows = [[e("demand " + d["name"]), e(", ".join(f"{r}={num(v)}" for r, v in sorted(d.get("regions", {}).items()))
                                         or "-"), n(d.get("latency_ms"))] for d in plan.get("demands", [])]
    rows += [[e("job " + j["name"]), e(f"{j.get('region') or '-'} × {num(j.get('nodes'))} {j.get('node_type') or ''}"),
              n(j.get("latency_ms"))] for j in plan.get("jobs", [])]
    rows += [[e("backups of " + d["name"]), e(", ".join(d["backups"])), "-"]  # §9 copies
             for d in plan.get("demands", []) if d.get("backups")]
    return table(["workload", "served in", "latency ms"], rows, numeric_from=2)


def _bound(s: dict) -> str:
    if s.get("op") == "in":
        return f"in {num(s.get('lower'))} .. {num(s.get('upper'))}"
    return f"{s.get('op')} {num(s.get('bound'))}"


def statements_table(plan: dict) -> str:
    rows, classes = [], []
    for kind in ("requires", "asserts"):
        for s in plan.get(kind, []):
            status = statement_status(s)
            if kind == "asserts":
                status = ("pass" if s.get("passed") else "FAIL") + (" (advisory)" if s.get("advisory") else "")
            rel = relative_slack(s)
            rows.append([e(f"{kind[:-1]} {s['name']}"), n(s.get("value")), e(_bound(s)), e(s.get("unit", "")),
                         n(s.get("slack")), "-" if rel is None else n(rel), e(status), e(s.get("location", ""))])
            classes.append(statement_status(s))
    return table(["statement", "value", "bound", "unit", "slack", "slack %", "status", "at"], rows, classes)


def notes_list(plan: dict) -> str:
    items = [f"<li>{e(i.get('message', ''))} <code>{e(i.get('location') or '')}</code></li>"
             for i in plan.get("infeasibility", [])]
    items += [f"<li><code>{e(w.get('code', ''))}</code> {e(w.get('message', ''))} "
              f"<code>{e(w.get('location') or '')}</code></li>" for w in plan.get("warnings", [])]
    return f"<ul>{''.join(items)}</ul>\n" if items else ""
