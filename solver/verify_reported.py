"""The verifier's re-derivation of numbers a plan only reports: link traffic,
every require's and assert's value, bounds and `passed`, and the plan-wide
energy and carbon totals. A hand-edited plan that changes any of them (an
assert flipped to `passed: true`, a smaller link traffic) fails `verify`.

The numbers are recomputed from the decisions (node counts, fractions,
placements) with the Evaluator, as verify.py's own checks are; tolerance is
verify.py's: 1e-6 in the reported unit + 1e-9 relative.
"""

from __future__ import annotations

from typing import Optional

from suanli.solver.evaluate import edge_traffic
from suanli.solver.report import _metric, statement_result
from suanli.solver.units import GBPS, MWH, TCO2
from suanli.tolerances import HOLDS_ABS, HOLDS_REL


def _close(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= HOLDS_ABS + HOLDS_REL * max(abs(a), abs(b))


def reported_numbers(program, plan, state, ev) -> list[str]:
    return _links(program, plan, ev) + _statements(program, plan, ev) + _totals(plan, ev)


def _links(program, plan, ev) -> list[str]:
    traffic = edge_traffic(ev)
    reported = {(link.a, link.b): link for link in plan.links}
    out = []
    for k, link in enumerate(program.links):
        mine = reported.pop((link.a, link.b), None)
        if mine is None:
            out.append(f"link {link.a} -- {link.b} is missing from the plan")
            continue
        for field, value in (("traffic_ab_gbps", traffic[2 * k] / GBPS), ("traffic_ba_gbps", traffic[2 * k + 1] / GBPS)):
            if not _close(getattr(mine, field), value):
                out.append(f"link {link.a} -- {link.b}: {field} is {getattr(mine, field)}, recomputed {value:.9g}")
    out += [f"link {a} -- {b} in the plan is not in the spec" for a, b in reported]
    return out


_STATEMENT_FIELDS = ("value", "bound", "lower", "upper")


def _statements(program, plan, ev) -> list[str]:
    out = []
    for kind, listed in (("require", plan.requires), ("assert", plan.asserts)):
        reported = {s.name: s for s in listed}
        for st in program.statements:
            if st.kind != kind:
                continue
            mine = reported.pop(st.name, None)
            if mine is None:
                out.append(f"{kind} {st.name} is missing from the plan")
                continue
            out += _statement_diffs(kind, mine, statement_result(ev, st))
        out += [f"{kind} {name} in the plan is not in the spec" for name in reported]
    return out


def _statement_diffs(kind: str, mine, want) -> list[str]:
    out = [f"{kind} {want.name}: {f} is {getattr(mine, f)}, recomputed {getattr(want, f)}"
           for f in _STATEMENT_FIELDS if not _close(getattr(mine, f), getattr(want, f))]
    for f in ("passed", "advisory", "op", "unit"):
        if getattr(mine, f) != getattr(want, f):
            out.append(f"{kind} {want.name}: {f} is {getattr(mine, f)!r}, recomputed {getattr(want, f)!r}")
    return out


def _totals(plan, ev) -> list[str]:
    want = {"energy_mwh": ev.metric(_metric("energy")) / MWH,
            "renewable_energy_mwh": ev.metric(_metric("renewable_energy")) / MWH,
            "carbon_tco2": ev.metric(_metric("carbon")) / TCO2}
    return [f"{key} is {getattr(plan, key)}, recomputed {value:.9g}"
            for key, value in want.items() if not _close(getattr(plan, key), value)]
