"""AI workloads sized from the model (LANGUAGE.md §9).

A job with `params` and `tokens` and no `work` needs work = 6 * params * tokens
FLOP (the 6·N·D rule: forward and backward pass over every training token); a
demand with `params` and `token_rate` and no `compute` needs compute =
2 * params * token_rate FLOPS (one forward pass per generated token). The
derived value replaces the missing property before anything else reads it;
`ent["sized_from"]` records the inputs for `check --format json` and the plan.
"""

from __future__ import annotations

from fractions import Fraction

from suanli.compiler.collect_names import prop_map
from suanli.compiler.state import CompileState
from suanli.compiler.typed_props import PropReader
from suanli.diagnostics import DiagnosticBag, Label, error, warning
from suanli.grammar import ast


def ai_sizing(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """Pass: work and compute of the demands and jobs sized from their model."""
    world = state.world
    reader = PropReader(world.evaluator, state.overrides, diags)
    for name, decl in state.decls.workloads.items():
        ent = (world.demands if decl.kind == "demand" else world.jobs)[name]
        size_from_model(decl, prop_map(decl), ent, reader)
    return state


def size_from_model(decl: ast.Decl, props: dict[str, ast.Prop], ent, reader) -> None:
    given = lambda name: name in props or bool(reader.overrides.get((decl.kind, decl.name, name)))  # noqa: E731
    if decl.kind == "job":
        _size_job(decl, props, ent, reader, given)
    else:
        _size_demand(decl, props, ent, reader.diags, given)


def derives_work(decl, props, reader) -> bool:
    """A job whose block writes `tokens` (or a scenario sets it) and not `work`: its work is derived."""
    if decl.kind != "job" or "work" in props:
        return False
    return "tokens" in props or bool(reader.overrides.get(("job", decl.name, "tokens")))


def _span(decl, props, name):
    prop = props.get(name)
    return prop.name_span if prop is not None else decl.name_span


def _size_job(decl, props, ent, reader, given) -> None:
    diags = reader.diags
    if "work" in props and given("tokens"):
        diags.add(error("E0720", f"job `{decl.name}` has both `work` and `tokens`",
                        _span(decl, props, "tokens"), "work is derived from params and tokens",
                        extra=[Label(_span(decl, props, "work"), "work given here")],
                        help="give `work`, or `params` and `tokens` (work = 6 * params * tokens), not both"))
        return
    if not given("tokens"):
        if given("work"):
            return  # written, or set by a scenario (read as usual)
        diags.add(error("E0505", f"job `{decl.name}` has no `work`", decl.name_span, "`work` is required",
                        help="add `work = 3640 PFLOPS * day`, or `params` and `tokens`"))
        return
    inputs = _model_inputs(decl, props, ent, "tokens", "work = 6 * params * tokens", given, diags)
    if inputs is None:
        return
    params, tokens = inputs
    work = 6 * params * tokens
    if work <= 0:
        diags.add(error("E0504", "work (6 * params * tokens) must be > 0, got 0",
                        _span(decl, props, "tokens"), "out of range", help="e.g. `tokens = 3e11`"))
        return
    ent.values["work"] = work
    ent.values["sized_from"] = {"params": params, "tokens": tokens}
    _override_work(decl, ent, reader)


def _override_work(decl, ent, reader) -> None:
    """Scenario/--set ops on `work` of a job sized from the model: `*=` etc. scale the derived
    work (a 50% longer training run), `=` replaces it (and it is no longer model-sized)."""
    ops = reader.overrides.get(("job", decl.name, "work"), [])
    if not ops:
        return
    from suanli.compiler import units
    from suanli.compiler.evaluate import Q
    from suanli.compiler.schema import SCHEMAS

    value, span = Q(ent["work"], units.WORK), ops[0].span
    for op in ops:
        value, span = reader._apply(op, value, span)
        if value is None:
            ent.values["work"] = None
            return
    checked = reader._checked("work", SCHEMAS["job"]["work"], value, span)
    ent.values["work"] = checked.value if isinstance(checked, Q) else None
    if any(op.op == "=" for op in ops):
        ent.values.pop("sized_from", None)


def _size_demand(decl, props, ent, diags, given) -> None:
    if not given("token_rate") or _compute_wins(decl, props, given, diags):
        return
    inputs = _model_inputs(decl, props, ent, "token_rate", "compute = 2 * params * token_rate", given, diags)
    if inputs is not None:
        ent.values["compute"] = 2 * inputs[0] * inputs[1]
        ent.values["sized_from"] = {"params": inputs[0], "token_rate": inputs[1]}


def _compute_wins(decl, props, given, diags) -> bool:
    """W0120: a demand that gives `compute` is not sized from its `token_rate`."""
    if not given("compute"):
        return False
    diags.add(warning("W0120", f"demand `{decl.name}`: `token_rate` is ignored because `compute` is given",
                      _span(decl, props, "token_rate"), "compute wins",
                      help="remove `compute` to size it as 2 * params * token_rate"))
    return True


def _model_inputs(decl, props, ent, size_prop: str, formula: str, given, diags):
    """(params, the value of `size_prop`) as Fractions for `formula`; None when `params` is
    missing (E0721) or either value was bad (already reported)."""
    if not given("params"):
        diags.add(error("E0721", f"{decl.kind} `{decl.name}` has `{size_prop}` but no `params`",
                        _span(decl, props, size_prop), f"{formula} needs params",
                        help="add `params = 7e9` (the model's parameter count)"))
        return None
    params, other = ent["params"], ent[size_prop]
    if params is None or other is None:
        return None
    return Fraction(params), Fraction(other)
