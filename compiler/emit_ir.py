"""Pass 9: the domain checks of §6 and the typed IR (floats in SI units).

Here a demand that cannot be served anywhere, or a job that no node type can
finish by its deadline, becomes a compile-time error with the numbers; a node
type nothing can use and a deadline beyond the horizon become warnings.
"""

from __future__ import annotations

from suanli.compiler import ir
from suanli.compiler.allowed_regions import allowed_regions
from suanli.compiler.backups import backup_fields
from suanli.compiler.build_entities import Entity, World
from suanli.compiler.compute_paths import path_table
from suanli.compiler.size_jobs import serial_explanation, size_jobs
from suanli.diagnostics import DiagnosticBag, error, warning


def _trusted(model, values: dict):
    """Build an IR model without re-validating values this pass already checked
    (validation cost ~80 us a model: seconds for 20 000 demands). `cls` is passed
    apart because it is also the name of model_construct's own first parameter."""
    cls = values.pop("cls")
    obj = model.model_construct(**values)
    object.__setattr__(obj, "cls", cls)
    obj.__pydantic_fields_set__.add("cls")
    return obj


def _f(value) -> float | None:
    return None if value is None else float(value)


def _int(value) -> int | None:
    return None if value is None else int(value)


def emit_regions(world: World) -> tuple[ir.Region, ...]:
    return tuple(ir.Region(
        name=r.name, span=r.span, power_price=float(r["power_price"]), pue=float(r["pue"]),
        carbon_intensity=float(r["carbon_intensity"]), renewable=float(r["renewable"]),
        power_cap=_f(r["power_cap"]), site_cost=float(r["site_cost"]), max_nodes=_int(r["max_nodes"]),
        tags=tuple(sorted({t for t, _ in r["tags"] or []})), label=r["label"], max_params=_f(r["max_params"]),
    ) for r in (world.regions[n] for n in sorted(world.regions)))


def buildable(node: Entity, world: World) -> tuple[str, ...]:
    allowed = node["regions"]
    return tuple(sorted(world.regions if allowed is None else allowed))


def emit_nodes(world: World) -> tuple[ir.NodeType, ...]:
    out = []
    for t in (world.nodes[n] for n in sorted(world.nodes)):
        if t["class"] is None or t["power"] is None:
            continue  # a required property is missing: already reported
        out.append(ir.NodeType(
            name=t.name, span=t.span, cls=t["class"], compute=float(t["compute"]),
            storage=float(t["storage"]), power=float(t["power"]), capex=float(t["capex"]),
            lifetime=float(t["lifetime"]), opex=float(t["opex"]), regions=buildable(t, world),
            max_per_region=_int(t["max_per_region"]), memory=float(t["memory"]), media=t["media"]))
    return tuple(out)


def emit_links(world: World) -> tuple[ir.Link, ...]:
    return tuple(ir.Link(a=l["a"], b=l["b"], span=l.span, latency=float(l["latency"]),
                         bandwidth=_f(l["bandwidth"]), transfer_cost=float(l["transfer_cost"]))
                 for l in world.links if l["a"] and l["b"] and l["latency"] is not None)


def emit_paths(world: World):
    """The PathTable of every origin a demand or job names: the IR's `paths` (a lazy
    sequence of ir.Path) and what allowed regions read."""
    origins = [w["origin"] for w in (*world.demands.values(), *world.jobs.values()) if w["origin"]]
    table = path_table(origins, world.links)
    return table, table


def emit_services(world: World, paths, diags: DiagnosticBag) -> tuple[ir.Service, ...]:
    out = []
    cache: dict = {}
    hosts = _compute_hosts(world)
    latency_cache: dict = {}  # §9 backups: region -> latencies from it
    for d in (world.demands[n] for n in sorted(world.demands)):
        if d["class"] is None:
            continue
        allowed = allowed_regions(d, world, paths, diags, cache)
        if allowed and d["compute"] > 0 and not hosts.get(d["class"], set()).intersection(allowed):
            _not_buildable(d, allowed, world, diags)
        out.append(_trusted(ir.Service, dict(
            name=d.name, span=d.span, cls=d["class"], compute=float(d["compute"]),
            storage=float(d["storage"]), origin=d["origin"], traffic=float(d["traffic"]),
            max_latency=_f(d["max_latency"]), residency=_sorted(d["residency"]),
            split=bool(d["split"]), allowed_regions=allowed, **ai_fields(d),
            **backup_fields(d, allowed, world, diags, latency_cache))))
    return tuple(out)


def ai_fields(w: Entity) -> dict:
    """§9 fields of a demand or job: memory, params, and what its size was derived from."""
    sized = w["sized_from"] or {}
    out = {"memory": float(w["memory"] or 0), "params": _f(w["params"])}
    if "tokens" in sized:
        out["tokens"] = float(sized["tokens"])
    if "token_rate" in sized:
        out["token_rate"] = float(sized["token_rate"])
    return out


def _sorted(regions) -> tuple[str, ...] | None:
    return None if regions is None else tuple(sorted(regions))


def _compute_hosts(world: World) -> dict[str, set[str]]:
    """Per class, the regions where some node type of that class with compute may be built."""
    hosts: dict[str, set[str]] = {}
    for t in world.nodes.values():
        if t["class"] is not None and (t["compute"] or 0) > 0:
            hosts.setdefault(t["class"], set()).update(buildable(t, world))
    return hosts


def _not_buildable(d: Entity, allowed, world: World, diags: DiagnosticBag) -> None:
    types = [t for t in world.nodes.values() if t["class"] == d["class"]]
    shown = ", ".join(allowed[:8]) + (" ..." if len(allowed) > 8 else "")
    reason = (f"no node type has class `{d['class']}`" if not types else
              f"no node type of class `{d['class']}` with compute can be built in {shown}")
    diags.add(error("E0703", f"demand `{d.name}` cannot be served: {reason}", d.span,
                    "needs compute of its class", notes=[f"allowed regions: {shown}"],
                    help="add a node type of this class that may be built in an allowed region"))


def emit_jobs(world: World, paths, diags: DiagnosticBag) -> tuple[ir.Job, ...]:
    out = []
    cache: dict = {}
    for j in (world.jobs[n] for n in sorted(world.jobs)):
        if j["class"] is None or j["work"] is None or j["deadline"] is None:
            continue
        allowed = allowed_regions(j, world, paths, diags, cache)
        options = size_jobs(j, world.nodes)
        if allowed:
            _check_job_fits(j, allowed, options, world, diags)
        if j["deadline"] > world.horizon:
            diags.add(warning("W0102", f"job `{j.name}` has a deadline beyond the horizon", j.span,
                              "deadline > horizon", help="the plan still runs it once within the horizon"))
        out.append(_trusted(ir.Job, dict(
            name=j.name, span=j.span, cls=j["class"], work=float(j["work"]),
            deadline=float(j["deadline"]), serial_fraction=float(j["serial_fraction"]),
            efficiency=float(j["efficiency"]), max_nodes=_int(j["max_nodes"]),
            storage=float(j["storage"]), origin=j["origin"], data=float(j["data"]),
            max_latency=_f(j["max_latency"]), residency=_sorted(j["residency"]),
            allowed_regions=allowed, **ai_fields(j),
            options=tuple(ir.JobOption.model_construct(node_type=s.node_type, nodes=s.nodes, runtime=float(s.runtime),
                                       consumed=float(s.consumed)) for s in options))))
    return tuple(out)


def _check_job_fits(j: Entity, allowed, options, world: World, diags: DiagnosticBag) -> None:
    usable = {s.node_type for s in options}
    if any(set(buildable(world.nodes[t], world)) & set(allowed) for t in usable):
        return
    notes = serial_explanation(j, world.nodes) if not usable else [
        f"usable node types {sorted(usable)} cannot be built in the allowed regions {list(allowed)}"]
    if not any(t["class"] == j["class"] for t in world.nodes.values()):
        notes = [f"no node type has class `{j['class']}`"]
    diags.add(error("E0704", f"job `{j.name}` cannot finish by its deadline on any usable node type",
                    j.span, "no usable node type", notes=notes,
                    help="extend the deadline, raise max_nodes, lower serial_fraction, or add faster nodes"))


def unused_node_warnings(world: World, diags: DiagnosticBag, statements=()) -> None:
    """W0101 for a node type nothing can use: no demand or job of its class,
    no storage wanted from it, and no require that building it could help
    (`require compute(r, general) / storage(r) <= 2 GFLOPS/GB` wants storage)."""
    classes = {w["class"] for w in (*world.demands.values(), *world.jobs.values())}
    wanted = _wanted_by_requires(world, statements)
    storage_needed = any((w["storage"] or 0) > 0 for w in (*world.demands.values(), *world.jobs.values()))
    for t in (world.nodes[n] for n in sorted(world.nodes)):
        if t["class"] is None or t["class"] in classes or t.name in wanted:
            continue
        if storage_needed and (t["storage"] or 0) > 0:
            continue
        if (t["memory"] or 0) > 0 and any((w["memory"] or 0) > 0
                                           for w in (*world.demands.values(), *world.jobs.values())):
            continue  # §9: a memory-only type serves others' memory
        diags.add(warning("W0101", f"node type `{t.name}` is never useful: no demand or job has class "
                          f"`{t['class']}`" + ("" if not storage_needed else " and it has no storage"),
                          t.span, "nothing can use it",
                          help="remove it, or give a demand or job this class"))


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


def region_warnings(world: World, diags: DiagnosticBag) -> None:
    for r in world.regions.values():
        if r["power_cap"] is not None and r["power_cap"] == 0:
            diags.add(warning("W0103", f"region `{r.name}` has power_cap 0: nothing can be built there",
                              r.span, "power_cap = 0"))
