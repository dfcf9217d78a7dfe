"""Metrics (LANGUAGE.md §5) and `require` statements for the reference model's Program:
linear metrics as PuLP expressions, ratios compared with constants linearised as A <= k·B."""

from __future__ import annotations

from fractions import Fraction

import pulp

from suanli.grammar import ast


def exact(props: dict, name: str) -> Fraction:
    return props[name].value if name in props else Fraction(0)


def num(props: dict, name: str, default=0.0) -> float:
    q = props.get(name)
    return default if q is None else float(q.value)


def region_set(spec, names: list[str]) -> set[str]:
    out = set()
    for n in names:
        out |= {n} if n in spec.regions else {r for r, p in spec.regions.items() if n in p.get("tags", [])}
    return out


class Statements:
    """Mixin of reference_model.Program: needs spec, n, x, y, types(), facility_power(),
    cost, parts, energy, carbon and add()."""

    # ------------------------------------------------------------ metrics and statements (§5)

    def select(self, names: list[str]):
        """Selectors -> (regions, node-type predicate); several selectors intersect."""
        s = self.spec
        regions, keep = set(s.regions), []
        for name in names:
            if name in s.regions or any(name in p.get("tags", []) for p in s.regions.values()):
                regions &= region_set(s, [name])
            else:
                keep.append(name)

        def type_ok(t: str) -> bool:
            p = s.nodes[t]
            return all(k == t or k == p.get("class") or k == p.get("media") for k in keep)
        return sorted(regions), type_ok

    def metric(self, func: str, names: list[str]):
        s = self.spec
        if func == "served":
            d, (regions, _) = names[0], self.select(names[1:])
            if d in s.demands:
                return pulp.lpSum(v for (e, r), v in self.x.items() if e == d and r in regions)
            return pulp.lpSum(v for (e, r, t), v in self.y.items() if e == d and r in regions)
        regions, keep = self.select(names)
        if func == "power":
            return pulp.lpSum(self.facility_power(r, keep) for r in regions)
        per = {"nodes": lambda t: 1.0, "compute": lambda t: num(s.nodes[t], "compute"),
               "storage": lambda t: num(s.nodes[t], "storage"), "memory": lambda t: num(s.nodes[t], "memory")}[func]
        return pulp.lpSum(per(t) * self.n[r, t] for r in regions for t in self.types(r, keep))

    def named(self, name: str):
        if name == "cost":
            return self.cost
        if name.startswith("cost."):
            return self.parts[name[5:]]
        if name == "energy":
            return pulp.lpSum(self.energy.values())
        if name == "renewable_energy":
            return pulp.lpSum(num(p, "renewable") * self.energy[r] for r, p in self.spec.regions.items())
        if name == "carbon":
            return self.carbon
        return None

    def expr(self, e, env: dict):
        """('k', float) for constants, ('lin', affine) for metrics, ('ratio', A, B) for A / B."""
        if isinstance(e, ast.Call) and e.func not in ("tag",):
            return ("lin", self.metric(e.func, [env.get(a.dotted, a.dotted) for a in e.args]))
        if isinstance(e, ast.Name) and self.named(e.dotted) is not None:
            return ("lin", self.named(e.dotted))
        if isinstance(e, ast.BinOp):
            a, b = self.expr(e.left, env), self.expr(e.right, env)
            return _combine(e.op, a, b)
        if isinstance(e, ast.Neg):
            return _combine("*", ("k", -1.0), self.expr(e.operand, env))
        return ("k", float(self.spec.evaluator.eval(e).value))

    def statement(self, st, env: dict) -> None:
        if isinstance(st, ast.Policy):
            for inner in st.body:
                self.statement(inner, env)
        elif isinstance(st, ast.For):
            for name in self.domain(st.domain):
                self.statement(st.body, {**env, st.var: name})
        elif isinstance(st, ast.Require):
            self.year_target(st, env).require(st.cmp, env)

    def year_target(self, st, env: dict):
        """Where a `require` lands; with years (§8), `at Y` picks that year's program."""
        return self

    def domain(self, dom) -> list[str]:
        s = self.spec
        if isinstance(dom, ast.ListExpr):
            return [i.dotted for i in dom.items]
        if isinstance(dom, ast.Call):  # tag(T)
            return sorted(region_set(s, [dom.args[0].dotted]), key=list(s.regions).index)
        if dom.dotted == "years":
            first, last = s.settings["years"]
            return [str(y) for y in range(first, last + 1)]
        return list({"regions": s.regions, "nodes": s.nodes, "demands": s.demands, "jobs": s.jobs}[dom.dotted])

    def require(self, cmp, env: dict) -> None:
        if isinstance(cmp, ast.InRange):
            self._compare(">=", self.expr(cmp.expr, env), self.expr(cmp.lo, env))
            self._compare("<=", self.expr(cmp.expr, env), self.expr(cmp.hi, env))
        else:
            self._compare(cmp.op, self.expr(cmp.left, env), self.expr(cmp.right, env))

    def _compare(self, op: str, a, b) -> None:
        if a[0] == "ratio":  # A / B op k  ->  A op k·B
            lhs, rhs = a[1], b[1] * a[2]
        elif b[0] == "ratio":  # k op A / B  ->  k·B op A
            lhs, rhs = a[1] * b[2], b[1]
        else:
            lhs, rhs = a[1], b[1]
        self.add({"<=": lhs <= rhs, ">=": lhs >= rhs, "==": lhs == rhs}[op])


def _combine(op: str, a, b):
    if op in "+-":
        sign = 1 if op == "+" else -1
        return ("lin" if "lin" in (a[0], b[0]) else "k", a[1] + sign * b[1])
    if op == "*":
        return (a[0] if b[0] == "k" else b[0], a[1] * b[1]) if "k" in (a[0], b[0]) else _nonlinear()
    if b[0] == "k":
        return (a[0], a[1] * (1.0 / b[1]))
    return ("ratio", a[1], b[1])


def _nonlinear():
    raise ValueError("not linear")
