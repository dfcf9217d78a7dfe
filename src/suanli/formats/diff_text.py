"""The sections of a `PlanDiff` as the human formats show it: an aligned text
table (`table`), or Markdown for a pull-request comment (`markdown`: a headline
line, then collapsible `<details>` sections); md says which.
"""

from __future__ import annotations

from typing import Optional

from suanli.formats.cells import table
from suanli.plan_diff.model import PlanDiff, ValueChange
from suanli.rounding import num


def signed(v: Optional[float]) -> str:
    if v is None:
        return "-"
    return ("+" if v > 0 else "") + num(v)


def pct(v: Optional[float]) -> str:
    if v is None:
        return "-"
    text = f"{v:.3g}" if abs(v) < 100 else f"{v:,.0f}"
    return ("+" if v > 0 else "") + text + "%"


def _cost_text(d: PlanDiff, side: str) -> str:
    plan = getattr(d, side)
    value = getattr(d.total, side)
    if value is None:
        return f"no plan ({plan.status})"
    return f"{num(value)} {d.currency}"


def headline(d: PlanDiff, md: bool) -> str:
    t = d.total
    before, after = _cost_text(d, "old"), _cost_text(d, "new")
    if t.delta is None:
        change = ""
    elif not t.changed:
        change = ": no change"
    else:
        change = f": {signed(t.delta)} {d.currency} ({pct(t.pct) if t.pct is not None else 'from 0'})"
        change = f": **{change[2:]}**" if md else change
    arrow = "→" if md else "->"
    line = f"Total cost {before} {arrow} {after}{change}"
    if d.budget and d.budget.max_increase is not None:
        limit = pct(100 * d.budget.max_increase).lstrip("+")
        if d.budget.exceeded:
            line += f" — over the {limit} budget" + (" ❌" if md else "")
        elif d.budget.increase is not None:
            line += f" — within the {limit} budget" + (" ✅" if md else "")
    return ("### " if md else "") + line


def _status_line(d: PlanDiff, md: bool) -> str:
    code = (lambda s: f"`{s}`") if md else (lambda s: s)
    o, n = f"{d.old.status}{_gap(d.old.gap)}", f"{d.new.status}{_gap(d.new.gap)}"
    parts = [f"{code(d.old.spec)} ({o}) → {code(d.new.spec)} ({n})" if md
             else f"{d.old.spec} ({o}) -> {d.new.spec} ({n})"]
    if d.new.failing_asserts:
        parts.append("failing asserts: " + ", ".join(code(n) for n in d.new.failing_asserts))
    if d.new.failing_advisory:
        parts.append("failing advisory asserts (do not fail the run): "
                     + ", ".join(code(n) for n in d.new.failing_advisory))
    return " · ".join(parts)


def _gap(gap: Optional[float]) -> str:
    """The proven gap beside a status; nothing when unknown or zero."""
    return f", gap {gap * 100:.2g}%" if gap else ""


def _value_rows(changes: list[ValueChange], all_rows: bool) -> list[list[str]]:
    rows = []
    for c in changes:
        if not all_rows and not c.changed and not c.old and not c.new:
            continue
        rows.append([c.name, num(c.old), num(c.new), signed(c.delta), pct(c.pct)])
    return rows


def _opened(value: Optional[bool]) -> str:
    return "-" if value is None else ("open" if value else "closed")


def sections(d: PlanDiff, md: bool) -> list[tuple[str, str, list[str], list[list[str]]]]:
    """(title, summary, headers, rows) for every section that has a change."""
    out = []
    if any(c.changed for c in d.cost):
        rows = _value_rows(d.cost, all_rows=False)
        out.append(("Cost by part", f"{signed(d.total.delta)} {d.currency}" if d.total.delta is not None
                    else "not comparable", ["part", "before", "after", "change", "%"], rows))
    if d.regions or d.node_types:
        out += _region_sections(d)
    if d.years:
        out.append(("Changes per year", f"{len(d.years)} year(s) changed",
                    ["year", "region", "what", "before", "after", "change"], year_rows(d.years)))
    if d.placements:
        rows = [[p.name, p.kind, p.old or "(absent)", p.new or "(absent)"] for p in d.placements]
        out.append(("Placements that moved", f"{len(rows)} moved",
                    ["name", "kind", "before", "after"], rows))
    if any(c.changed for c in d.metrics):
        carbon = next(c for c in d.metrics if c.name == "carbon")
        summary = (f"carbon {signed(carbon.delta)} tCO2 ({pct(carbon.pct)})" if carbon.delta is not None
                   else "not comparable")
        rows = [[f"{c.name} ({c.unit})", *r[1:]] for c, r in
                ((c, _value_rows([c], True)[0]) for c in d.metrics)]
        out.append(("Carbon and energy", summary, ["metric", "before", "after", "change", "%"], rows))
    if d.statements:
        rows = [[s.name + (" (advisory)" if s.advisory else ""), s.kind, s.old, s.new,
                 num(s.old_value), num(s.new_value), s.unit, s.location or "-"] for s in d.statements]
        out.append(("Requires and asserts whose status changed", f"{len(rows)} changed",
                    ["statement", "kind", "before", "after", "value before", "value after", "unit", "at"],
                    rows))
    return out


def _region_sections(d: PlanDiff) -> list[tuple[str, str, list[str], list[list[str]]]]:
    """Nodes per region and node type (sites too), then power and energy where they changed."""
    rows = []
    for r in d.regions:
        for n in r.nodes:
            rows.append([r.name, n.node_type, num(n.old), num(n.new), signed(n.delta)])
        if r.old_open != r.new_open:
            rows.append([r.name, "(site)", _opened(r.old_open), _opened(r.new_open),
                         "opened" if r.new_open else "closed"])
    for n in d.node_types:
        rows.append(["(all regions)", n.node_type, num(n.old), num(n.new), signed(n.delta)])
    moved = ", ".join(f"{signed(n.delta)} {n.node_type}" for n in d.node_types) or "regions changed"
    out = [("Nodes per region and node type", moved, ["region", "node type", "before", "after", "change"], rows)]
    power = [[r.name, num(r.power_mw.old), num(r.power_mw.new), signed(r.power_mw.delta),
              num(r.energy_mwh.old), num(r.energy_mwh.new), signed(r.energy_mwh.delta)]
             for r in d.regions if r.power_mw.changed or r.energy_mwh.changed]
    if power:
        out.append(("Power and energy per region", f"{len(power)} region(s)",
                    ["region", "MW before", "MW after", "MW change", "MWh before", "MWh after",
                     "MWh change"], power))
    return out


def _unchanged(d: PlanDiff, present: set[str]) -> list[str]:
    names = [("Cost by part", "cost"), ("Nodes per region and node type", "nodes"),
             ("Placements that moved", "placements"), ("Carbon and energy", "carbon and energy"),
             ("Requires and asserts whose status changed", "requires and asserts")]
    return [label for title, label in names if title not in present]


def render_diff(d: PlanDiff, md: bool) -> str:
    out = [headline(d, md), "", _status_line(d, md), ""]
    if d.budget and (d.budget.exceeded or d.budget.max_increase is None or md):
        out += [("> " if md else "") + d.budget.message, ""]
    for side, label in (("old", "before"), ("new", "after")):
        plan = getattr(d, side)
        if plan.status not in ("optimal", "feasible"):
            why = plan.infeasibility or ([plan.message] if plan.message else [])
            head = f"no plan {label} the change ({plan.status})"
            out += [("> **" + head + "**" if md else head) + (":" if why else "")]
            out += [("> - " if md else "  - ") + w for w in why] + [""]
    for note in d.notes:
        out += [("> **Note:** " if md else "note: ") + note, ""]
    found = sections(d, md)
    if not d.changed:
        out += ["No change in cost, placement, carbon or the status of requires and asserts.", ""]
    for title, summary, headers, rows in found:
        if md:
            out += [f"<details><summary>{title}: {summary}</summary>", ""]
            out += table(title, headers, rows, md=True)[2:]  # no "###" title inside the details
            out += ["</details>", ""]
        else:
            out += table(f"{title} ({summary})", headers, rows, md=False)
    both = all(getattr(d, s).status in ("optimal", "feasible") for s in ("old", "new"))
    if d.changed and both:
        rest = _unchanged(d, {t for t, *_ in found})
        if rest:
            out += [("_Unchanged: " if md else "Unchanged: ") + ", ".join(rest) + ("._" if md else "."), ""]
    return "\n".join(out).rstrip() + "\n"


def year_rows(changes) -> list[list[str]]:
    """Multi-year plans (LANGUAGE.md §8): one row per change in a year."""
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
