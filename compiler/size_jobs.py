"""Pass: Amdahl sizing of every job on every node type of its class (§6).

tau1 = work / (efficiency * f_t); tau(N) = tau1 * (sigma + (1 - sigma) / N);
N_jt = the least integer N >= 1 with tau(N) <= deadline (and <= max_nodes).
Computed in exact rationals so a deadline met exactly at N is met at N.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from suanli.compiler.build_entities import Entity, World
from suanli.compiler.state import CompileState
from suanli.diagnostics import DiagnosticBag, error, warning


@dataclass(frozen=True)
class Sizing:
    node_type: str
    nodes: int
    runtime: Fraction  # s
    consumed: Fraction  # FLOP


def least_nodes(tau1: Fraction, sigma: Fraction, deadline: Fraction) -> int | None:
    """Least N >= 1 with tau1 * (sigma + (1 - sigma)/N) <= deadline, or None."""
    if tau1 <= deadline:
        return 1
    room = deadline / tau1 - sigma  # what (1 - sigma)/N may use
    if room <= 0:
        return None
    return max(1, math.ceil((1 - sigma) / room))


def size_job(job: Entity, node: Entity) -> Sizing | None:
    compute = node["compute"]
    if not compute or compute <= 0:
        return None
    tau1 = job["work"] / (job["efficiency"] * compute)
    sigma = job["serial_fraction"]
    n = least_nodes(tau1, sigma, job["deadline"])
    if n is None or (job["max_nodes"] is not None and n > job["max_nodes"]):
        return None
    runtime = tau1 * (sigma + (1 - sigma) / n)
    return Sizing(node.name, n, runtime, compute * n * runtime)


def size_jobs(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """Pass: each job's options (a job nothing can finish in time is an error) and W0102."""
    world = state.world
    buildable = {name: frozenset(world.buildable(t)) for name, t in world.nodes.items()}  # once, not per job
    for j in world.placed_jobs():
        options = state.options[j.name] = job_options(j, world.nodes)
        allowed = state.allowed[j.name]
        if allowed:
            _check_job_fits(j, allowed, options, buildable, world, diags)
        if j["deadline"] > world.horizon:
            diags.add(warning("W0102", f"job `{j.name}` has a deadline beyond the horizon", j.span,
                              "deadline > horizon", help="the plan still runs it once within the horizon"))
    return state


def _check_job_fits(j: Entity, allowed, options, buildable: dict[str, frozenset], world: World,
                    diags: DiagnosticBag) -> None:
    usable = {s.node_type for s in options}
    if any(not buildable[t].isdisjoint(allowed) for t in usable):
        return
    notes = serial_explanation(j, world.nodes) if not usable else [
        f"usable node types {sorted(usable)} cannot be built in the allowed regions {list(allowed)}"]
    if not any(t["class"] == j["class"] for t in world.nodes.values()):
        notes = [f"no node type has class `{j['class']}`"]
    diags.add(error("E0704", f"job `{j.name}` cannot finish by its deadline on any usable node type",
                    j.span, "no usable node type", notes=notes,
                    help="extend the deadline, raise max_nodes, lower serial_fraction, or add faster nodes"))


def job_options(job: Entity, nodes: dict[str, Entity]) -> list[Sizing]:
    same_class = [nodes[n] for n in sorted(nodes) if nodes[n]["class"] == job["class"]]
    return [s for s in (size_job(job, node) for node in same_class) if s is not None]


def serial_explanation(job: Entity, nodes: dict[str, Entity]) -> list[str]:
    """Why no node type is usable, with the numbers (for the compile error)."""
    notes = []
    for node in (nodes[n] for n in sorted(nodes) if nodes[n]["class"] == job["class"]):
        if not node["compute"]:
            notes.append(f"{node.name} has no compute")
            continue
        tau1 = job["work"] / (job["efficiency"] * node["compute"])
        serial = job["serial_fraction"] * tau1
        n = least_nodes(tau1, job["serial_fraction"], job["deadline"])
        if n is None:
            notes.append(f"on {node.name}: one node takes {_days(tau1)}; the serial part alone "
                         f"({float(job['serial_fraction']):.4g} of it) takes {_days(serial)}, "
                         f"more than the deadline of {_days(job['deadline'])}")
        else:
            notes.append(f"on {node.name}: needs {n} nodes, above the job's max_nodes = {job['max_nodes']}")
    return notes


def _days(seconds: Fraction) -> str:
    days = float(seconds) / 86400
    return f"{days:.4g} days" if days >= 1 else f"{float(seconds) / 3600:.4g} h"
