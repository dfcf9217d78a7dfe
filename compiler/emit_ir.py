"""Pass: the typed IR of one period (floats in SI units), from what the passes before left.

Nothing is checked here (every diagnostic came from an earlier pass); a period
with errors emits nothing. The schema (compiler/schema.py) drives the plain
fields: a row whose name is a field of the IR model is emitted converted by its
shape, so a new region property is a schema row and an `ir.Region` field.
"""

from __future__ import annotations

from suanli.compiler import ir
from suanli.compiler.build_entities import Entity, World
from suanli.compiler.schema import SCHEMAS, PropSpec
from suanli.compiler.state import CompileState
from suanli.diagnostics import DiagnosticBag, Severity


def emit_ir(state: CompileState, diags: DiagnosticBag) -> CompileState:
    if diags.has_errors:
        state.program = None
        return state
    world = state.world
    warnings = tuple(ir.CompileWarning(code=d.code, message=d.message, span=d.span)
                     for d in diags.sorted() if d.severity is Severity.WARNING)
    settings = ir.Settings(horizon=float(world.horizon), currency=world.currency.code,
                           utilization=float(world.utilization), carbon_price=float(world.carbon_price))
    state.program = ir.Program(
        root=state.path, scenario=state.scenario, settings=settings, regions=emit_regions(world),
        node_types=emit_nodes(world), links=emit_links(world), paths=state.paths,
        services=emit_services(state), jobs=emit_jobs(state), statements=tuple(state.statements),
        objective=state.objective, warnings=warnings, near_metric=state.near_metric)
    return state


def _trusted(model, values: dict):
    """Build an IR model without re-validating values the passes already checked
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


def ir_value(spec: PropSpec, value):
    """An entity's value as its IR field holds it, by the row's shape."""
    if spec.shape == "names":  # a list of (name, span): the sorted distinct names
        return tuple(sorted({name for name, _ in value or ()}))
    if value is None:
        return None
    return {"quantity": float, "count": int}.get(spec.shape, lambda v: v)(value)


def schema_fields(kind: str, ent: Entity, model, skip=()) -> dict:
    """The schema rows of `kind` that are fields of the IR `model`, from the entity."""
    fields = model.model_fields
    return {name: ir_value(spec, ent[name]) for name, spec in SCHEMAS[kind].items()
            if name in fields and name not in skip}


def emit_regions(world: World) -> tuple[ir.Region, ...]:
    return tuple(ir.Region(name=r.name, span=r.span, **schema_fields("region", r, ir.Region))
                 for r in (world.regions[n] for n in sorted(world.regions)))


def emit_nodes(world: World) -> tuple[ir.NodeType, ...]:
    out = []
    for t in (world.nodes[n] for n in sorted(world.nodes)):
        if t["class"] is None or t["power"] is None:
            continue  # a required property is missing: already reported
        out.append(ir.NodeType(name=t.name, span=t.span, cls=t["class"], regions=world.buildable(t),
                               **schema_fields("node", t, ir.NodeType, skip=("regions",))))
    return tuple(out)


def emit_links(world: World) -> tuple[ir.Link, ...]:
    return tuple(ir.Link(a=l["a"], b=l["b"], span=l.span, **schema_fields("link", l, ir.Link))
                 for l in world.links if l["a"] and l["b"] and l["latency"] is not None)


def emit_services(state: CompileState) -> tuple[ir.Service, ...]:
    return tuple(_trusted(ir.Service, dict(
        name=d.name, span=d.span, cls=d["class"], compute=float(d["compute"]),
        storage=float(d["storage"]), origin=d["origin"], traffic=float(d["traffic"]),
        max_latency=_f(d["max_latency"]), residency=_sorted(d["residency"]),
        split=bool(d["split"]), allowed_regions=state.allowed[d.name], **ai_fields(d),
        **state.backups[d.name])) for d in state.world.placed_demands())


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


def emit_jobs(state: CompileState) -> tuple[ir.Job, ...]:
    return tuple(_trusted(ir.Job, dict(
        name=j.name, span=j.span, cls=j["class"], work=float(j["work"]),
        deadline=float(j["deadline"]), serial_fraction=float(j["serial_fraction"]),
        efficiency=float(j["efficiency"]), max_nodes=_int(j["max_nodes"]),
        storage=float(j["storage"]), origin=j["origin"], data=float(j["data"]),
        max_latency=_f(j["max_latency"]), residency=_sorted(j["residency"]),
        allowed_regions=state.allowed[j.name], **ai_fields(j),
        options=tuple(ir.JobOption.model_construct(node_type=s.node_type, nodes=s.nodes, runtime=float(s.runtime),
                                                   consumed=float(s.consumed)) for s in state.options[j.name])))
        for j in state.world.placed_jobs())
