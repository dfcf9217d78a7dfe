"""Passes: the §6 domain checks that need the whole world of a period.

A demand no node type of its class can serve in its allowed regions is an
error with the reason (E0703); a region with power_cap 0 (W0103) and a node
type nothing can use (W0101, after the requires, which can make a type
useful) are warnings.
"""

from __future__ import annotations

from suanli.compiler.build_entities import Entity, World
from suanli.compiler.state import CompileState
from suanli.diagnostics import DiagnosticBag, error, warning


def check_hosts(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """E0703 for a demand with compute that no node type of its class may serve where it may run."""
    world = state.world
    hosts = _compute_hosts(world)
    for d in world.placed_demands():
        allowed = state.allowed[d.name]
        if allowed and d["compute"] > 0 and not hosts.get(d["class"], set()).intersection(allowed):
            _not_buildable(d, allowed, world, diags)
    return state


def _compute_hosts(world: World) -> dict[str, set[str]]:
    """Per class, the regions where some node type of that class with compute may be built."""
    hosts: dict[str, set[str]] = {}
    for t in world.nodes.values():
        if t["class"] is not None and (t["compute"] or 0) > 0:
            hosts.setdefault(t["class"], set()).update(world.buildable(t))
    return hosts


def _not_buildable(d: Entity, allowed, world: World, diags: DiagnosticBag) -> None:
    types = [t for t in world.nodes.values() if t["class"] == d["class"]]
    shown = ", ".join(allowed[:8]) + (" ..." if len(allowed) > 8 else "")
    reason = (f"no node type has class `{d['class']}`" if not types else
              f"no node type of class `{d['class']}` with compute can be built in {shown}")
    diags.add(error("E0703", f"demand `{d.name}` cannot be served: {reason}", d.span,
                    "needs compute of its class", notes=[f"allowed regions: {shown}"],
                    help="add a node type of this class that may be built in an allowed region"))


def region_warnings(state: CompileState, diags: DiagnosticBag) -> CompileState:
    for r in state.world.regions.values():
        if r["power_cap"] is not None and r["power_cap"] == 0:
            diags.add(warning("W0103", f"region `{r.name}` has power_cap 0: nothing can be built there",
                              r.span, "power_cap = 0"))
    return state


def unused_node_warnings(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """W0101 for a node type nothing can use: no demand or job of its class,
    no storage wanted from it, and no require that building it could help
    (`require compute(r, general) / storage(r) <= 2 GFLOPS/GB` wants storage)."""
    world = state.world
    workloads = (*world.demands.values(), *world.jobs.values())
    classes = {w["class"] for w in workloads}
    wanted = _wanted_by_requires(world, state.statements)
    storage_needed = any((w["storage"] or 0) > 0 for w in workloads)
    memory_needed = any((w["memory"] or 0) > 0 for w in workloads)
    for t in (world.nodes[n] for n in sorted(world.nodes)):
        if t["class"] is None or t["class"] in classes or t.name in wanted:
            continue
        if storage_needed and (t["storage"] or 0) > 0:
            continue
        if (t["memory"] or 0) > 0 and memory_needed:
            continue  # §9: a memory-only type serves others' memory
        diags.add(warning("W0101", f"node type `{t.name}` is never useful: no demand or job has class "
                          f"`{t['class']}`" + ("" if not storage_needed else " and it has no storage"),
                          t.span, "nothing can use it",
                          help="remove it, or give a demand or job this class"))
    return state


_CAPACITY = {"nodes": None, "power": None, "compute": "compute", "storage": "storage"}


def _wanted_by_requires(world: World, statements) -> set[str]:
    """Node types a require's capacity metric counts (a node adds compute,
    storage, power or a node count there), so building them may be needed."""
    out: set[str] = set()
    for st in statements:
        if st.kind != "require":
            continue
        for term in (t for row in st.rows for t in row.expr.terms):
            m = term.metric
            if m.kind not in _CAPACITY:
                continue
            prop = _CAPACITY[m.kind]
            names = m.node_types if m.node_types is not None else tuple(world.nodes)
            out.update(n for n in names if n in world.nodes and (prop is None or (world.nodes[n][prop] or 0) > 0))
    return out
