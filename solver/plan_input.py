"""Reading a plan file someone else wrote (verify, diff, --baseline): hostile input.

Everything that can go wrong is a `PlanInputError` whose message says what
and where, and the CLI exits 2 with it; nothing reaches the verifier that
could overflow or be coerced:
- at most MAX_PLAN_BYTES, UTF-8 JSON;
- no NaN/Infinity, no float beyond ±1e300 (`1e999` parses as inf), no
  integer beyond 15 digits (`10**400` would overflow numpy later);
- nesting at most MAX_DEPTH deep (Python's json recurses);
- the plan schema in strict mode: a node count written as the string "3"
  is rejected, not silently read as 3; every missing field is named.
"""

from __future__ import annotations

import json
import math
import os

from suanli.errors import InvalidPlan
from suanli.solver.plan import Plan

MAX_PLAN_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 32  # a plan is 5 levels deep
MAX_INT_DIGITS = 15
MAX_FLOAT = 1e300
MAX_ERRORS_SHOWN = 12


class PlanInputError(InvalidPlan):
    """The file is not a plan; str() is the whole reason. (An InvalidPlan, hence
    a ValueError: the Python API raises it as it is.)"""


def read_plan(path) -> Plan:
    """The Plan in a JSON file (a path or os.PathLike): the one reader every plan input goes through."""
    path = os.fspath(path)
    return parse_plan(_read_text(path), path)


def parse_plan(text: str, path: str = "the plan") -> Plan:
    data = _json(text, path)
    _check_depth(data, path)
    return _validated(data, path)


def _read_text(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_PLAN_BYTES + 1)
    except OSError as exc:
        raise PlanInputError(f"cannot read plan {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_PLAN_BYTES:
        raise PlanInputError(f"{path} is larger than {MAX_PLAN_BYTES:,} bytes: not a plan")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanInputError(f"{path} is not UTF-8 text (byte {exc.start})") from None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number a plan may hold")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_FLOAT:
        raise ValueError(f"the number {text} is out of range (|x| <= 1e300)")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"the integer {text[:20]}{'...' if len(text) > 20 else ''} "
                         f"is out of range (at most {MAX_INT_DIGITS} digits)")
    return int(text)


def _json(text: str, path: str):
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_float, parse_int=_int)
    except RecursionError:
        raise PlanInputError(f"{path} is not a plan: JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise PlanInputError(f"{path} is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError as exc:
        raise PlanInputError(f"{path} is not a plan: {exc}") from None


def _check_depth(data, path: str) -> None:
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise PlanInputError(f"{path} is not a plan: JSON nested more than {MAX_DEPTH} deep")
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children)


def _validated(data, path: str) -> Plan:
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise PlanInputError(f"{path} is not a plan: expected a JSON object, got {type(data).__name__}")
    try:
        return Plan.model_validate(data, strict=True)
    except ValidationError as exc:
        raise PlanInputError(f"{path} is not a plan: {_errors_text(exc.errors())}") from None


def _errors_text(errors: list[dict]) -> str:
    missing = [_loc(e) for e in errors if e["type"] == "missing"]
    other = _first_per_field(e for e in errors if e["type"] != "missing")
    parts = []
    if missing:
        parts.append("missing field(s): " + ", ".join(missing))
    parts += [f"{loc}: {msg}" for loc, msg in other]
    more = len(parts) - MAX_ERRORS_SHOWN
    return "; ".join(parts[:MAX_ERRORS_SHOWN]) + (f"; and {more} more" if more > 0 else "")


def _first_per_field(errors) -> list[tuple[str, str]]:
    """A union (int | float) reports one error per member; one per field is enough."""
    seen: dict[str, str] = {}
    for e in errors:
        loc = _loc(e, drop_union=True)
        seen.setdefault(loc, f"{e['msg'].lower()} (got {e.get('input')!r:.40})")
    return list(seen.items())


def _loc(error: dict, drop_union: bool = False) -> str:
    parts = [str(p) for p in error["loc"]]
    if drop_union and parts and parts[-1] in ("int", "float", "bool", "str"):
        parts = parts[:-1]
    return ".".join(parts) or "(top level)"
