"""Perturbations: the changes a planner worries about, drawn as `Perturbation` objects."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Optional, Sequence, Union

from hypothesis import strategies as st

from suanli.testing.sources import SpecLike, _base, _render, _source


# ====================================================================== perturbations

KINDS = ("price_shock", "demand_growth", "region_lost", "link_cut", "cap_lowered")


@dataclass(frozen=True, repr=False)
class Perturbation:
    """A change to a spec: `overrides` in `--set` form, plus links whose declaration is removed.

    `kind` is one of KINDS (or "prices_scaled", "custom"); `description` says it in a
    planner's words, e.g. "region guizhou lost (max_nodes = 0)".
    """

    kind: str
    description: str
    overrides: tuple[str, ...] = ()
    removed_links: tuple[tuple[str, str], ...] = ()

    def apply(self, text: str) -> str:
        """The perturbed spec text: each override written into its declaration."""
        from suanli.grammar.parser import normalize_text

        return _render(normalize_text(text), self.overrides, self.removed_links)

    def __str__(self) -> str:
        return self.description

    def __repr__(self) -> str:
        return f"<Perturbation {self.kind}: {self.description}>"

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis prints a falsifying example
        printer.text(repr(self))

    def show(self, limit: int = 6) -> str:
        """The description and the change, `--set` style, at most `limit` overrides listed."""
        lines = [f"perturbation: {self.description}"]
        shown = self.overrides if len(self.overrides) <= limit else self.overrides[:limit - 1]
        lines += [f"  --set {item}" for item in shown]
        if len(shown) < len(self.overrides):
            lines.append(f"  ... and {len(self.overrides) - len(shown)} more --set (see the diff)")
        lines += [f"  removed: link {a} -- {b}" for a, b in self.removed_links]
        return "\n".join(lines)


def spec_diff(spec: SpecLike, perturbation: Optional[Perturbation]) -> str:
    """A unified diff of the spec text, base -> perturbed ('' without a change)."""
    src = _source(spec)
    if perturbation is None:
        return ""
    return _diff(src.text, perturbation.apply(src.text), src.name)


def _diff(base: str, changed: str, name: str) -> str:
    lines = difflib.unified_diff(base.splitlines(keepends=True), changed.splitlines(keepends=True),
                                 fromfile=name, tofile=f"{name} (perturbed)", n=1)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _factor(percent: int) -> str:
    return f"{percent / 100:g}"


def perturbations(spec: SpecLike, *, kinds: Sequence[str] = KINDS, max_shock: float = 2.0,
                  max_growth: float = 0.2, max_cap_cut: float = 0.5,
                  scenario: Optional[str] = None) -> st.SearchStrategy[Perturbation]:
    """Draw perturbations of `spec` (a path or spec text).

    kinds: any of KINDS. price_shock multiplies a price by 1.01..max_shock (one region's
    power price, every power price, a node type's capex, the carbon price, or every
    price at once); demand_growth multiplies the compute, storage and traffic of one
    demand (work, storage and data of a job), or of all of them, by 1.01..1+max_growth;
    region_lost sets a region's max_nodes to 0 (the region and its links stay: names
    still resolve, nothing can be built there); link_cut removes a link's declaration
    (paths are recomputed; a demand left with no allowed region makes the perturbed
    spec invalid, which `solve` reports as status `error`); cap_lowered multiplies a
    power_cap, max_nodes or max_per_region that is set by 1-max_cap_cut..0.99.
    Shrinking goes to the first kind listed, the first name, the smallest change.
    """
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown perturbation kinds {sorted(unknown)}; choose from {KINDS}")
    program, module = _base(_source(spec), scenario)
    makers = {"price_shock": lambda: _price_shocks(program, max_shock),
              "demand_growth": lambda: _growth(program, max_growth),
              "region_lost": lambda: _region_lost(program),
              "link_cut": lambda: _link_cut(module),
              "cap_lowered": lambda: _cap_lowered(program, max_cap_cut)}
    options = [s for s in (makers[k]() for k in kinds) if s is not None]
    if not options:
        raise ValueError(f"nothing in the spec can be perturbed with kinds {list(kinds)}")
    return st.one_of(options)


def _price_targets(program) -> dict[str, list[str]]:
    """`--set` targets of every price that is set (non-zero), grouped by what they price."""
    nonzero = lambda items, attr, kind: [f"{kind}.{x.name}.{attr}" for x in items if getattr(x, attr)]
    return {
        "power_price": nonzero(program.regions, "power_price", "region"),
        "site_cost": nonzero(program.regions, "site_cost", "region"),
        "capex": nonzero(program.node_types, "capex", "node"),
        "opex": nonzero(program.node_types, "opex", "node"),
        "transfer_cost": [f"link.{l.a}.{l.b}.transfer_cost" for l in program.links if l.transfer_cost],
        "carbon_price": ["settings.carbon_price"] if program.settings.carbon_price else [],
    }


def scale_prices(spec: SpecLike, k: Union[int, float, str], scenario: Optional[str] = None) -> Perturbation:
    """Every money quantity (power_price, site_cost, capex, opex, transfer_cost,
    carbon_price) multiplied by k: the optimal cost scales by exactly k."""
    program, _ = _base(_source(spec), scenario)
    targets = [t for group in _price_targets(program).values() for t in group]
    return Perturbation("prices_scaled", f"every price ×{k}", tuple(f"{t}*={k}" for t in targets))


def _price_shocks(program, max_shock: float):
    targets = _price_targets(program)
    everything = [t for group in targets.values() for t in group]
    choices = [("every price", everything)]
    if targets["power_price"]:
        choices.append(("every power price", targets["power_price"]))
    choices += [(f"power price in {t.split('.')[1]}", [t]) for t in targets["power_price"]]
    choices += [(f"capex of node type {t.split('.')[1]}", [t]) for t in targets["capex"]]
    choices += [("carbon price", [t]) for t in targets["carbon_price"]]
    top = int(round(max_shock * 100))
    if not everything or top < 101:
        return None

    def make(choice, pct: int) -> Perturbation:
        (what, targets_), k = choice, _factor(pct)
        return Perturbation("price_shock", f"{what} ×{k}", tuple(f"{t}*={k}" for t in targets_))

    return _drawn(choices, 101, top, make)


@st.composite
def _drawn(draw, choices: list, lo: int, hi: int, make) -> Perturbation:
    """make(one of choices, a percentage in lo..hi); shrinks to the first choice and lo.
    (A composite, not .map(), so a falsifying example prints as the Perturbation.)"""
    return make(draw(st.sampled_from(choices)), draw(st.integers(lo, hi)))


def _growth_targets(program, names: Optional[set[str]]) -> list[str]:
    out = []
    for svc in program.services:
        if names is None or svc.name in names:
            rate = "token_rate" if svc.token_rate is not None else "compute"  # §9: scale what was written
            out += [f"demand.{svc.name}.{p}" for p in (rate, "storage", "traffic") if getattr(svc, p)]
    for job in program.jobs:
        if names is None or job.name in names:
            work = "tokens" if job.tokens is not None else "work"  # §9: an AI-sized job has no `work` to scale
            out += [f"job.{job.name}.{p}" for p in (work, "storage", "data") if getattr(job, p)]
    return out


def _growth(program, max_growth: float):
    top = int(round(max_growth * 100))
    names = [w.name for w in (*program.services, *program.jobs)]
    if top < 1 or not names:
        return None
    scopes = [("every demand and job", None)] + [(n, {n}) for n in names]

    def make(scope, pct: int) -> Perturbation:
        targets = _growth_targets(program, scope[1])
        return Perturbation("demand_growth", f"demand growth +{pct}% ({scope[0]})",
                            tuple(f"{t}*={_factor(100 + pct)}" for t in targets))

    return _drawn(scopes, 1, top, make)


def _region_lost(program):
    if not program.regions:
        return None
    return st.sampled_from([Perturbation("region_lost", f"region {r.name} lost (max_nodes = 0)",
                                         (f"region.{r.name}.max_nodes=0",)) for r in program.regions])


def _link_cut(module):
    from suanli.grammar import ast

    links = [(s.a, s.b) for s in module.statements if isinstance(s, ast.LinkDecl)] if module else []
    if not links:
        return None
    return st.sampled_from([Perturbation("link_cut", f"link {a} -- {b} cut (declaration removed)",
                                         removed_links=((a, b),)) for a, b in links])


def _cap_lowered(program, max_cut: float):
    caps = [("region", r.name, "power_cap", None) for r in program.regions if r.power_cap]
    caps += [("region", r.name, "max_nodes", r.max_nodes) for r in program.regions if r.max_nodes]
    caps += [("node", t.name, "max_per_region", t.max_per_region)
             for t in program.node_types if t.max_per_region]
    top = int(round(max_cut * 100))
    if not caps or top < 1:
        return None

    def make(cap, cut: int) -> Perturbation:
        kind, name, prop, count = cap
        keep = 100 - cut
        value = f"*={_factor(keep)}" if count is None else f"={math.floor(count * keep / 100)}"
        where = f"{kind} {name}"
        return Perturbation("cap_lowered", f"{prop} of {where} lowered by {cut}%",
                            (f"{kind}.{name}.{prop}{value}",))

    return _drawn(caps, 1, min(top, 99), make)
