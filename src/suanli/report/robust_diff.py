"""The page of `suanli diff OLD.json NEW.json --format html` for two robust plans (§10).

Input: the diff's JSON (suanli.robust_diff: objective, builds and sites that changed, years,
scenarios). One self-contained page in the report's style with the sections the text
diff has, each with an id: `objective`, `shared-builds`, `sites`, `year-builds`,
`year-sites` (with years), `scenarios`. A rise is marked `up`, a fall `down`.
"""

from __future__ import annotations

from suanli.report import tables
from suanli.report.charts import COST_PARTS
from suanli.report.html import _page, _section
from suanli.report.tables import e, n


def robust_diff_report(diff: dict) -> str:
    changed = bool(diff["builds"] or diff["sites"] or diff.get("year_builds") or diff.get("year_sites")
                   or diff["objective"]["change"] or any(s["in"] != "both" for s in diff["scenarios"]))
    badge = ('<span class="badge changed">changed</span>' if changed
             else '<span class="badge same">no change</span>')
    body = [f"<h1>Robust plan change {badge}</h1>\n",
            _with_id("objective", "Robust objective", _changes([("objective", diff["objective"])])),
            _with_id("shared-builds", "Shared builds that changed", _builds(diff["builds"], False)
                     or '<p class="none">Shared builds: unchanged.</p>\n'),
            _with_id("sites", "Sites that changed", _sites(diff["sites"], False)
                     or '<p class="none">No site opened or closed.</p>\n')]
    if "year_builds" in diff:  # §8: what is built or opened when
        body += [_with_id("year-builds", "Builds per year that changed", _builds(diff["year_builds"], True)
                          or '<p class="none">Builds per year: unchanged.</p>\n'),
                 _with_id("year-sites", "Sites per year that changed", _sites(diff["year_sites"], True)
                          or '<p class="none">No site opened or closed in any year.</p>\n')]
    body.append(_with_id("scenarios", f"Scenarios ({diff.get('currency', '')})", _scenarios(diff["scenarios"])))
    return _page("suanli robust plan change", "".join(body))


def _with_id(ident: str, title: str, *parts: str) -> str:
    return _section(title, *parts).replace("<section>", f'<section id="{ident}">', 1)


def _delta(change) -> str:
    return f'<span class="delta">{"+" if change and change > 0 else ""}{n(change)}</span>'


def _direction(change) -> str:
    return "" if not change else (" up" if change > 0 else " down")


def _changes(items: list[tuple[str, dict]]) -> str:
    rows = [[e(name), n(c["old"]), n(c["new"]), _delta(c["change"])]
            for name, c in items]
    classes = [("changed" + _direction(c["change"])) if c["change"] else "" for _, c in items]
    return tables.table(["item", "old", "new", "change"], rows, classes)


def _builds(builds: list[dict], years: bool) -> str:
    rows = [([e(b["year"])] if years else []) + [e(b["region"]), e(b["node_type"]), n(b["old"]), n(b["new"]),
                                                 _delta(b["change"])] for b in builds]
    head = (["year"] if years else []) + ["region", "node type", "old", "new", "change"]
    classes = ["changed" + _direction(b["change"]) for b in builds]
    return tables.table(head, rows, classes, numeric_from=3 if years else 2)


def _sites(sites: list[dict], years: bool) -> str:
    word = lambda is_open: "open" if is_open else "closed"
    rows = [([e(s["year"])] if years else []) + [e(s["region"]), word(s["old"]), word(s["new"])] for s in sites]
    head = (["year"] if years else []) + ["region", "old", "new"]
    return tables.table(head, rows, ["changed"] * len(rows), numeric_from=len(head))


def _scenarios(scenarios: list[dict]) -> str:
    """One row per scenario and value (objective, then each cost part) that either plan has."""
    rows, classes = [], []
    for s in scenarios:
        label = s["name"] + ("" if s["in"] == "both" else f" (only {s['in']})")
        values = [("objective", s["objective"])] + [(f"cost: {p}", s["cost"][p]) for p in ("total",) + COST_PARTS]
        for item, c in values:
            if c["old"] is None and c["new"] is None:
                continue
            rows.append([e(label), e(item), n(c["old"]), n(c["new"]), _delta(c["change"])])
            classes.append(("changed" + _direction(c["change"])) if c["change"] else "")
    return tables.table(["scenario", "item", "old", "new", "change"], rows, classes, numeric_from=2)
