"""LANGUAGE.md §8 for the reference model: one §6 program per year sharing builds b[r,t,y]
(installed n = builds of the last L_t years), monotone open[r,y], growth, discounting.
Scope: `years`, `discount_rate`, schedules, `growth`, `available`, job `year`, `require at Y`."""

from __future__ import annotations

import copy

import pulp

from reference_statements import Statements, num
from suanli.compiler.evaluate import Q
from suanli.grammar import ast

YEAR = 8760 * 3600.0


def at_year(props: dict, year: int) -> dict:
    """Schedules resolved: the value of the last entry with Yk <= year."""
    return {p: [v for y, v in sorted(value) if y <= year][-1] if isinstance(value, list)
            and value and isinstance(value[0], tuple) else value for p, value in props.items()}


def grown(spec, k: int, year: int, first: int):
    """The spec as year `year` sees it: schedules resolved, demands grown k years, only the
    demands active and the jobs run in this year."""
    out = copy.copy(spec)
    out.regions = {r: at_year(p, year) for r, p in spec.regions.items()}
    out.nodes = {t: at_year(p, year) for t, p in spec.nodes.items()}
    out.links = [(a, b, at_year(p, year)) for a, b, p in spec.links]
    out.demands, out.jobs = {}, {}
    for name, d in spec.demands.items():
        d = at_year(d, year)
        if "years" in d and not d["years"][0] <= year <= d["years"][1]:
            continue
        g = (1 + d["growth"].value) ** k if "growth" in d else 1
        out.demands[name] = {p: Q(v.value * g, v.dim) if p in ("compute", "storage", "traffic", "token_rate")
                             and isinstance(v, Q) else v for p, v in d.items()}
    for name, j in spec.jobs.items():
        j = at_year(j, year)
        if (int(j["year"].value) if "year" in j else first) == year:
            out.jobs[name] = j
    return out


class Totals(Statements):
    """Statements over totals (`cost`, parts, energy, carbon) across years."""

    def __init__(self, spec, prob, names: dict):
        self.spec, self.prob, self.names = spec, prob, names

    def named(self, name: str):
        return self.names.get(name)

    def add(self, row) -> None:
        self.prob += row

    def year_target(self, st, env: dict):
        if st.at is None:
            return self
        year = env.get(st.at.dotted) if isinstance(st.at, ast.Name) else None
        year = int(year) if year is not None else int(self.spec.evaluator.eval(st.at).value)
        return self.progs[year - self.first]


def _per_year(st) -> bool:
    """A statement with a metric call (nodes, compute, power, served, ...) holds in every year."""
    found = []

    def walk(node):
        if isinstance(node, ast.Call) and node.func != "tag":
            found.append(node)
        for value in getattr(node, "__slots__", ()):
            child = getattr(node, value, None)
            for c in child if isinstance(child, tuple) else (child,):
                if hasattr(c, "__slots__"):
                    walk(c)
    walk(st)
    return bool(found)


def build(spec, program_class, relax: bool = False):
    """(prob, objective expression, trivially infeasible?) of the build-out."""
    first, last = spec.settings["years"]
    years = list(range(first, last + 1))
    prob = pulp.LpProblem("reference_years", pulp.LpMinimize)
    base = program_class(grown(spec, 0, first, first), relax)  # for the buildable (r, t) pairs only
    b, opened = _build_variables(spec, prob, base, years, relax)
    rate = num(spec.settings, "discount_rate")
    life = {t: round(num(spec.nodes[t], "lifetime", YEAR) / YEAR) for t in spec.nodes}
    progs, totals = [], {}
    for k, y in enumerate(years):
        n = {(r, t): pulp.lpSum(b[r, t, q] for q in years if q <= y and y - q < life[t]) for (r, t) in base.n}
        prog = program_class(grown(spec, k, y, first), relax, year=(prob, f"_{y}", n,
                                                                       {r: opened[r, y] for r in base.open}))
        prog.parts["site"] = _site(spec, opened, r_list=list(base.open), y=y, first=first)
        # straight line: a node built in q costs capex_t(q) / L_t in years q .. q + L_t - 1
        prog.parts["capex"] = pulp.lpSum(
            num(at_year(spec.nodes[t], q), "capex") / life[t] * b[r, t, q]
            for (r, t) in base.n for q in years if q <= y and y - q < life[t])
        prog.cost = pulp.lpSum(prog.parts.values())
        for part, expr in prog.parts.items():
            totals.setdefault(f"cost.{part}", []).append(expr / (1 + rate) ** k)
        totals.setdefault("energy", []).append(pulp.lpSum(prog.energy.values()))
        totals.setdefault("carbon", []).append(prog.carbon)
        totals.setdefault("renewable_energy", []).append(prog.named("renewable_energy"))
        progs.append(prog)
    names = {k: pulp.lpSum(v) for k, v in totals.items()}
    names["cost"] = pulp.lpSum(names[f"cost.{p}"] for p in progs[0].parts)
    view = _statements(spec, prob, names, progs, first)
    obj = spec.objective
    objective = names["cost"] if obj is None else view.expr(obj.expr, {})[1]
    return prob, objective, any(p.trivially_infeasible for p in progs)


def _build_variables(spec, prob, base, years, relax):
    """b[r,t,y] (0 before `available`) and open[r,y] (once open, stays open)."""
    cat = "Continuous" if relax else "Integer"
    b = {(r, t, y): pulp.LpVariable(f"b_{r}_{t}_{y}", 0, None, cat) for (r, t) in base.n for y in years}
    for (r, t, y), var in b.items():
        if "available" in spec.nodes[t] and y < int(spec.nodes[t]["available"].value):
            prob += var == 0
    opened = {(r, y): pulp.LpVariable(f"open_{r}_{y}", cat="Binary") for r in base.open for y in years}
    for r in base.open:
        for y in years[1:]:
            prob += opened[r, y] >= opened[r, y - 1]
    return b, opened


def _statements(spec, prob, names, progs, first) -> Totals:
    """Per-year statements hold in every year; totals once; `at Y` in year Y."""
    view = Totals(spec, prob, names)
    view.progs, view.first = progs, first
    for prog in progs:
        prog.year_target = lambda st, env, own=prog: own if st.at is None else view.year_target(st, env)
    for st in spec.statements:
        for target in progs if _per_year(st) and not _has_at(st) else [view]:
            target.statement(st, {})
    return view


def _has_at(st) -> bool:
    if isinstance(st, ast.For):
        return _has_at(st.body)
    if isinstance(st, ast.Policy):
        return any(_has_at(s) for s in st.body)
    return getattr(st, "at", None) is not None


def _site(spec, opened, r_list, y, first):
    out = []
    for r in r_list:
        q = spec.regions[r]["site_cost"]
        if q.dim.exps[2] == -1:  # money/time: paid every year the site is open
            out.append(float(q.value) * YEAR * opened[r, y])
        else:  # plain money: once, in the year the site opens
            before = opened[r, y - 1] if y > first else 0
            out.append(float(q.value) * (opened[r, y] - before))
    return pulp.lpSum(out)
