"""Builders for IR `Program`s, so solver tests do not need the front end.

Units are SI as in compiler/ir.py; helpers below convert from the units a
spec would use. `program(...)` fills in what the compiler derives: node-type
regions, least-latency paths, allowed regions and Amdahl job options.
"""

from __future__ import annotations

import heapq
import math
from pathlib import Path as FsPath
from typing import Optional

from suanli.compiler.ir import (
    Dimension, Job, JobOption, LinExpr, LinRow, Link, Metric, NodeType, Objective, Path, Program,
    Region, Service, Settings, Statement, Term, ExprNode,
)
from suanli.diagnostics import Span

SPAN = Span("test.spec", 1, 1, 1, 2)
HOUR = 3600.0
DAY = 24 * HOUR
YEAR = 8760 * HOUR
KW, MW = 1e3, 1e6
TFLOPS, PFLOPS = 1e12, 1e15
TB, GB = 1e12, 1e9
KWH = 3.6e6
GBPS = 1e9 / 8  # bytes per second
MONEY = Dimension(exponents=(1, 0, 0, 0, 0, 0), text="money", unit="CNY", unit_scale=1.0)
RATIO = Dimension(exponents=(0, 0, 0, 0, 0, 0), text="ratio", unit="", unit_scale=1.0)
COMPUTE = Dimension(exponents=(0, 0, -1, 1, 0, 0), text="compute rate", unit="TFLOPS", unit_scale=1e12)
COUNT = Dimension(exponents=(0, 0, 0, 0, 0, 0), text="count", unit="", unit_scale=1.0)


def span(line: int) -> Span:
    return Span("test.spec", line, 1, line, 2)


def region(name: str, **kw) -> Region:
    return Region(name=name, span=kw.pop("span", SPAN), **kw)


def node(name: str, cls: str = "general", power: float = 1 * KW, lifetime: float = YEAR,
         regions: Optional[tuple[str, ...]] = None, **kw) -> NodeType:
    return NodeType(name=name, span=kw.pop("span", SPAN), cls=cls, power=power, lifetime=lifetime,
                    regions=tuple(regions) if regions is not None else ("*",), **kw)


def link(a: str, b: str, latency: float = 0.001, **kw) -> Link:
    return Link(a=a, b=b, span=SPAN, latency=latency, **kw)


def service(name: str, cls: str = "general", **kw) -> dict:
    return {"kind": "service", "name": name, "cls": cls, **kw}


def job(name: str, cls: str, work: float, deadline: float, **kw) -> dict:
    return {"kind": "job", "name": name, "cls": cls, "work": work, "deadline": deadline, **kw}


def metric(kind: str, regions=None, node_types=None, target=None) -> Metric:
    tup = lambda v: tuple(v) if v is not None else None
    return Metric(kind=kind, regions=tup(regions), node_types=tup(node_types), target=target, span=SPAN)


def lin(*terms: tuple[float, Metric], constant: float = 0.0) -> LinExpr:
    return LinExpr(terms=tuple(Term(coef=c, metric=m) for c, m in terms), constant=constant)


def mnode(m: Metric) -> ExprNode:
    return ExprNode(op="metric", metric=m)


def const(v: float) -> ExprNode:
    return ExprNode(op="const", value=v)


def expr_of(e: LinExpr) -> ExprNode:
    node = const(e.constant)
    for t in e.terms:
        node = ExprNode(op="add", args=(node, ExprNode(op="mul", args=(const(t.coef), mnode(t.metric)))))
    return node


def require(name: str, e: LinExpr, lower=None, upper=None, dim: Dimension = MONEY,
            kind: str = "require", advisory: bool = False, left: Optional[ExprNode] = None,
            right: Optional[ExprNode] = None, line: int = 1) -> Statement:
    """`e` compared with constant bounds; `left`/`right` default to e and the bound."""
    op = "==" if lower is not None and lower == upper else ("<=" if lower is None else ">=")
    bound = upper if op == "<=" else lower
    if lower is not None and upper is not None and lower != upper:
        return Statement(kind=kind, name=name, span=span(line), op="in", left=left or expr_of(e),
                         lo=const(lower), hi=const(upper), dimension=dim,
                         rows=(LinRow(expr=e, lower=lower, upper=upper),) if kind == "require" else (),
                         advisory=advisory)
    return Statement(kind=kind, name=name, span=span(line), op=op, left=left or expr_of(e),
                     right=right or const(bound), dimension=dim,
                     rows=(LinRow(expr=e, lower=lower, upper=upper),) if kind == "require" else (),
                     advisory=advisory)


def assert_(name: str, left: ExprNode, op: str, right: ExprNode, dim: Dimension = MONEY,
            advisory: bool = False) -> Statement:
    return Statement(kind="assert", name=name, span=SPAN, op=op, left=left, right=right,
                     dimension=dim, advisory=advisory)


def objective(e: Optional[LinExpr] = None, sense: str = "minimize", dim: Dimension = MONEY) -> Objective:
    return Objective(sense=sense, expr=e or lin((1.0, metric("cost"))), dimension=dim,
                     is_default=e is None)


def program(regions, nodes, links=(), demands=(), statements=(), obj: Optional[Objective] = None,
            horizon: float = YEAR, utilization: float = 1.0, carbon_price: float = 0.0,
            currency: str = "CNY") -> Program:
    names = sorted(r.name for r in regions)
    nodes = [_resolve_node(t, names) for t in nodes]
    paths = _all_paths(names, links)
    services = sorted((_service(d, paths, nodes, names) for d in demands if d["kind"] == "service"),
                      key=lambda s: s.name)
    jobs = sorted((_job(d, paths, nodes, names) for d in demands if d["kind"] == "job"),
                  key=lambda j: j.name)
    origins = {d.origin for d in (*services, *jobs) if d.origin is not None}
    used = tuple(p for (o, _), p in sorted(paths.items()) if o in origins)
    return Program(
        root="test.spec", settings=Settings(horizon=horizon, currency=currency,
                                            utilization=utilization, carbon_price=carbon_price),
        regions=tuple(sorted(regions, key=lambda r: r.name)),
        node_types=tuple(sorted(nodes, key=lambda t: t.name)), links=tuple(links), paths=used,
        services=tuple(services), jobs=tuple(jobs), statements=tuple(statements),
        objective=obj or objective())


def _resolve_node(t: NodeType, names: list[str]) -> NodeType:
    regs = names if t.regions == ("*",) else sorted(t.regions)
    return t.model_copy(update={"regions": tuple(regs)})


def _all_paths(names: list[str], links) -> dict[tuple[str, str], Path]:
    adj: dict[str, list] = {}
    for l in links:
        adj.setdefault(l.a, []).append((l.b, l.latency, l.transfer_cost))
        adj.setdefault(l.b, []).append((l.a, l.latency, l.transfer_cost))
    out = {}
    for o in names:
        heap = [(0.0, 0.0, (o,))]
        seen: set[str] = set()
        while heap:
            lat, cost, hops = heapq.heappop(heap)
            if hops[-1] in seen:
                continue
            seen.add(hops[-1])
            out[(o, hops[-1])] = Path(origin=o, dest=hops[-1], latency=lat, transfer_cost=cost, hops=hops)
            for b, l, c in adj.get(hops[-1], ()):
                if b not in seen:
                    heapq.heappush(heap, (round(lat + l, 12), round(cost + c, 15), hops + (b,)))
    return out


def _allowed(d: dict, paths, names: list[str]) -> tuple[str, ...]:
    out = []
    for r in names:
        if d.get("residency") is not None and r not in d["residency"]:
            continue
        o = d.get("origin")
        if o is not None:
            if (o, r) not in paths:
                continue
            if d.get("max_latency") is not None and paths[(o, r)].latency > d["max_latency"] * (1 + 1e-9):
                continue
        out.append(r)
    return tuple(out)


def _service(d: dict, paths, nodes, names) -> Service:
    kw = {k: v for k, v in d.items() if k not in ("kind", "allowed")}
    allowed = d.get("allowed") or _allowed(d, paths, names)
    if "residency" in kw and kw["residency"] is not None:
        kw["residency"] = tuple(kw["residency"])
    return Service(span=SPAN, allowed_regions=tuple(allowed), **kw)


def amdahl_options(d: dict, nodes) -> tuple[JobOption, ...]:
    opts = []
    sigma, eff = d.get("serial_fraction", 0.0), d.get("efficiency", 1.0)
    for t in sorted(nodes, key=lambda t: t.name):
        if t.cls != d["cls"] or t.compute <= 0:
            continue
        tau1 = d["work"] / (eff * t.compute)
        n = _least_n(tau1, sigma, d["deadline"], d.get("max_nodes"))
        if n is None:
            continue
        runtime = tau1 * (sigma + (1 - sigma) / n)
        opts.append(JobOption(node_type=t.name, nodes=n, runtime=runtime, consumed=t.compute * n * runtime))
    return tuple(opts)


def _least_n(tau1, sigma, deadline, max_nodes) -> Optional[int]:
    if tau1 <= deadline * (1 + 1e-12):
        return 1
    if sigma * tau1 >= deadline:
        return None
    n = max(1, math.ceil((1 - sigma) * tau1 / (deadline - sigma * tau1) - 1e-9))
    while tau1 * (sigma + (1 - sigma) / n) > deadline * (1 + 1e-12):
        n += 1
    return None if max_nodes is not None and n > max_nodes else n


def _job(d: dict, paths, nodes, names) -> Job:
    kw = {k: v for k, v in d.items() if k not in ("kind", "allowed")}
    allowed = d.get("allowed") or _allowed(d, paths, names)
    if "residency" in kw and kw["residency"] is not None:
        kw["residency"] = tuple(kw["residency"])
    return Job(span=SPAN, allowed_regions=tuple(allowed), options=amdahl_options(d, nodes), **kw)


# ---- OR-Library capacitated warehouse location ----------------------------
# CI clones the repository with shared/ beside it; fall back to the workplace copy.
_BESIDE = FsPath(__file__).resolve().parent.parent.parent / "shared" / "orlib"
ORLIB = _BESIDE if _BESIDE.exists() else FsPath("/work/shared/orlib")


def program_from_orlib_raw(path) -> Program:
    """capXX.txt -> Program, following /work/shared/orlib/README.md exactly."""
    tokens = FsPath(path).read_text().split()
    m, n = int(tokens[0]), int(tokens[1])
    pos = 2
    caps, fixed = [], []
    for _ in range(m):
        caps.append(float(tokens[pos]))
        fixed.append(float(tokens[pos + 1]))
        pos += 2
    regions = [region(f"w{i + 1}", power_cap=caps[i], site_cost=fixed[i], tags=("warehouse",))
               for i in range(m)]
    regions += [region(f"c{j + 1}", tags=("customer",)) for j in range(n)]
    links, demands = [], []
    for j in range(n):
        demand = float(tokens[pos])
        pos += 1
        for i in range(m):
            links.append(link(f"c{j + 1}", f"w{i + 1}", latency=0.001, transfer_cost=float(tokens[pos])))
            pos += 1
        demands.append(service(f"d{j + 1}", cls="std", compute=demand, origin=f"c{j + 1}", traffic=1.0))
    unit = node("unit", cls="std", compute=1.0, power=1.0, lifetime=1.0,
                regions=tuple(f"w{i + 1}" for i in range(m)))
    return program(regions, [unit], links, demands, horizon=1.0, utilization=1.0)


def orlib_optimum(name: str) -> float:
    for line in (ORLIB / "raw" / "capopt.txt").read_text().splitlines():
        parts = line.split()
        if parts and parts[0] == name:
            return float(parts[1])
    raise KeyError(name)
