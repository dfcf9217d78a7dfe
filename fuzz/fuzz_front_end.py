#!/usr/bin/env python3
"""Long-running fuzzer of the front end: `parse`, `fmt` and `compile_spec` may only
return diagnostics, never raise (not part of CI; see fuzz/README.md).

    python fuzz/fuzz_front_end.py --inputs 1000000 --seed 1

Inputs come from three generators, chosen at random per input:
- mutation of a seed corpus (specs/, tests/golden/) cut into statements and recombined:
  delete, duplicate, swap and insert tokens, truncate, flip characters, inject bytes,
  nest brackets deeply;
- a random walk over our own Lark grammar (grammar/suanli.lark), tokens spaced or glued;
- random text from a small alphabet of the language's characters.
Every input goes to `parse`; one in --compile-every (also) goes through a file to
`compile_spec` and, when it parses, to `format_source`. A crash is an exception, a
diagnostic with an "internal:" note, or (when the hand-written fast parser
grammar/fastparse.py exists) a module from the fast parser that differs from Lark's;
its input is saved in --crash-dir with the traceback. An exception inside the fast
parser, which `parse` swallows and falls back to Lark, is reported apart as a finding.
Progress (inputs/second, crashes) is printed every --report-every seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import os
import random
import re
import sys
import tempfile
import time
import traceback
from importlib import resources
from pathlib import Path

import lark

from suanli.compiler.pipeline import compile_spec
from suanli.grammar.fmt import format_source
from suanli.grammar.parser import normalize_text, parse

try:  # the hand-written fast path of `parse`, when present, is checked against Lark
    from suanli.grammar.fastparse import parse_fast
except ImportError:  # pragma: no cover - older trees
    parse_fast = None
LARK_ONLY = {"fast": False} if "fast" in inspect.signature(parse).parameters else {}

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r"\s+|#[^\n]*|\"(?:[^\"\\\n]|\\.)*\"|\w+|\.\.|--|[<>=*+\-]=|\S")
WORDS = ["region", "node", "link", "demand", "job", "settings", "let", "import", "require", "assert",
         "advisory", "for", "in", "policy", "objective", "minimize", "scenario", "extends", "true",
         "{", "}", "(", ")", "[", "]", ",", ";", ":", ".", "..", "--", "=", "==", "<=", ">=", "*=",
         "+", "-", "*", "/", "%", '"', "#", "\n", " ", "1", "0.35", "1e6", "1e999", "1__0", "80%",
         "kW", "CNY/kWh", "TFLOPS", "PFLOPS * day", "ms", "贵州", "x", "tag(east)", "compute(ai)",
         "cost", "served(d, a)", "latency(d)", "\\", "\t", "\r", "\ufeff", "\u202e", "\x00", "é"]
ALPHABET = "abcxyz_09 .\n\t{}()[],;:=<>*+-/%\"#\\e贵1"


# ------------------------------------------------------------------ corpus


def corpus() -> list[str]:
    """Whole seed specs and each of their top-level statements (small inputs fuzz fast)."""
    texts = []
    for pattern in ("specs/*.spec", "specs/lib/*.spec", "tests/golden/*/*.spec"):
        texts += [p.read_text("utf-8", errors="replace") for p in sorted(ROOT.glob(pattern))]
    pieces = []
    for text in texts:
        module, _ = parse(text, "seed.spec")
        lines = text.split("\n")
        for stmt in module.statements if module else ():
            pieces.append("\n".join(lines[stmt.span.line - 1:stmt.span.end_line]))
    return [t for t in texts if len(t) < 4000] + pieces


# ------------------------------------------------------------------ grammar walk


class GrammarWalk:
    """Random sentences of the grammar; past max_depth, the cheapest expansion is taken."""

    SAMPLES = {"NAME": ["a", "b", "beijing", "贵州", "ai", "east", "kW", "CNY", "day", "cost", "x1"],
               "PROP_NAME": ["pue", "power", "class", "compute", "tags", "x"],
               "NUMBER": ["0", "1", "2.5", "1e6", "30e6", "1_000", "0.35", "8"],
               "PERCENT": ["80%", "2%", "0.5%", "100%"],
               "STRING": ['"a.spec"', '"lib/x.spec"', '"贵州"', '"bad \\q"'],
               "COMMENT": ["# c\n", "#\n"], "WS": [" ", "\n", "\t"]}

    def __init__(self, rng: random.Random, max_depth: int = 12):
        text = resources.files("suanli.grammar").joinpath("suanli.lark").read_text("utf-8")
        parser = lark.Lark(text, parser="lalr", lexer="basic", start="module")
        terminals, rules, _ = parser.grammar.compile(["module"], ())
        self.literal = {t.name: t.pattern.value for t in terminals if t.pattern.type == "str"}
        self.rules: dict[str, list[list]] = {}
        for rule in rules:
            self.rules.setdefault(rule.origin.name, []).append(list(rule.expansion))
        self.cost = self._costs()
        self.rng, self.max_depth = rng, max_depth

    def _costs(self) -> dict[str, float]:
        cost = {name: float("inf") for name in self.rules}
        changed = True
        while changed:
            changed = False
            for name, expansions in self.rules.items():
                best = min(sum(cost.get(s.name, 1) if not s.is_term else 1 for s in e) for e in expansions)
                if best < cost[name]:
                    cost[name], changed = best, True
        return cost

    def sentence(self, glue: str) -> str:
        out: list[str] = []
        self._walk("module", 0, out)
        return glue.join(out)

    def _walk(self, name: str, depth: int, out: list[str]) -> None:
        if len(out) > 400:
            return
        expansions = self.rules[name]
        if depth > self.max_depth:
            expansion = min(expansions, key=lambda e: sum(self.cost.get(s.name, 1) for s in e))
        elif depth < 6 and self.rng.random() < 0.5:  # near the top, grow: longer sentences
            expansion = max(expansions, key=len)
        else:
            expansion = self.rng.choice(expansions)
        for sym in expansion:
            if sym.is_term:
                out.append(self.literal.get(sym.name) or self.rng.choice(self.SAMPLES[sym.name]))
            else:
                self._walk(sym.name, depth + 1, out)


# ------------------------------------------------------------------ mutation


def mutate(rng: random.Random, text: str) -> bytes:
    tokens = TOKEN.findall(text) or [""]
    for _ in range(rng.randint(1, 4)):
        i, j = rng.randrange(len(tokens)), rng.randrange(len(tokens))
        op = rng.randrange(8)
        if op == 0:
            del tokens[i]
        elif op == 1:
            tokens.insert(j, tokens[i])
        elif op == 2:
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif op == 3:
            tokens.insert(i, rng.choice(WORDS))
        elif op == 4:
            tokens = tokens[:i]
        elif op == 5:
            tokens[i] = rng.choice(WORDS)
        elif op == 6:
            tokens.insert(i, rng.choice("([{-") * rng.randint(1, 600))
        else:
            tok = tokens[i]
            k = rng.randrange(len(tok)) if tok else 0
            tokens[i] = tok[:k] + rng.choice(ALPHABET) + tok[k + 1:]
        tokens = tokens or [""]
    data = "".join(tokens).encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.2:
        at = rng.randint(0, len(data))
        data = data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 6))) + data[at:]
    return data


class Inputs:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.seeds = corpus()
        self.walk = GrammarWalk(self.rng)

    def next(self) -> bytes:
        roll = self.rng.random()
        if roll < 0.6:
            pieces = self.rng.sample(self.seeds, self.rng.randint(1, 3))
            return mutate(self.rng, "\n".join(pieces))
        if roll < 0.9:
            sentence = self.walk.sentence(self.rng.choice([" ", " ", "\n", ""]))
            return mutate(self.rng, sentence) if self.rng.random() < 0.3 else sentence.encode("utf-8")
        return "".join(self.rng.choice(ALPHABET) for _ in range(self.rng.randint(0, 120))).encode("utf-8")


# ------------------------------------------------------------------ checks


class FastPathError(Exception):
    """parse_fast raised (parse hides it by falling back to Lark)."""


def check(data: bytes, full: bool, folder: str) -> None:
    """Raise when the front end misbehaves on `data`."""
    text = data.decode("utf-8", errors="replace")
    module, diags = parse(text, "fuzz.spec", **LARK_ONLY)
    _diagnostics_ok(diags)
    if (module is None) == (not diags):
        raise AssertionError("parse returned a module together with errors, or neither")
    if parse_fast is not None:
        _same_as_lark(text, module)
    if not full:
        return
    if module is not None:
        format_source(text, "fuzz.spec")  # checks itself: raises FormatterBug on a bad layout
    path = os.path.join(folder, "fuzz.spec")
    with open(path, "wb") as handle:
        handle.write(data)
    result = compile_spec(path)
    _diagnostics_ok(result.diagnostics)
    if result.program is None and not any(d.severity.value == "error" for d in result.diagnostics):
        raise AssertionError("compile_spec gave no program and no error")


def _same_as_lark(text: str, module) -> None:
    try:
        fast = parse_fast(normalize_text(text), "fuzz.spec")
    except Exception as exc:  # noqa: BLE001
        raise FastPathError(f"{type(exc).__name__}: {exc}") from exc
    if fast is not None and fast != module:
        what = "accepts what Lark rejects" if module is None else "builds a different module than Lark"
        raise AssertionError(f"the fast parser {what}")


def _diagnostics_ok(diags) -> None:
    for d in diags:
        internal = [n for n in d.notes if n.startswith("internal:")]
        if internal or not d.message:
            raise AssertionError(f"bad diagnostic {d.code} {d.message!r}: {internal}")


def save_crash(crash_dir: Path, data: bytes, error: str) -> str:
    crash_dir.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    (crash_dir / f"{name}.spec").write_bytes(data)
    (crash_dir / f"{name}.txt").write_text(error, encoding="utf-8")
    return name


def run(args) -> int:
    inputs = Inputs(args.seed)
    crashes: dict[str, str] = {}  # signature -> saved file
    fast_errors: dict[str, str] = {}  # fast-path exceptions that parse swallowed
    failed = 0  # inputs that crashed (distinct crashes are saved once)
    count, total_bytes, start, last = 0, 0, time.monotonic(), time.monotonic()
    print(f"fuzzing: {args.inputs} inputs, seed {args.seed}, compile 1 in {args.compile_every}, "
          f"{len(inputs.seeds)} corpus pieces, fast parser {'on' if parse_fast else 'absent'}", flush=True)
    with tempfile.TemporaryDirectory(prefix="suanli-fuzz-") as folder:
        while count < args.inputs:
            data = inputs.next()[: args.max_bytes]
            count += 1
            total_bytes += len(data)
            try:
                check(data, count % args.compile_every == 0, folder)
            except Exception as exc:  # noqa: BLE001 - every exception is a finding
                failed += 1
                tb = traceback.format_exc()
                cause = exc.__cause__ if isinstance(exc, FastPathError) else exc
                frame = traceback.extract_tb(cause.__traceback__)[-1]
                signature = f"{type(cause).__name__} at {frame.filename}:{frame.lineno}"
                table, label = (fast_errors, "FAST-PATH") if cause is not exc else (crashes, "CRASH")
                if signature not in table:
                    table[signature] = save_crash(Path(args.crash_dir), data, tb)
                    print(f"{label} #{len(table)} {signature} -> {args.crash_dir}/{table[signature]}.spec",
                          flush=True)
            now = time.monotonic()
            if now - last >= args.report_every or count == args.inputs:
                last = now
                print(f"{count} inputs, {count / (now - start):.0f}/s, mean {total_bytes / count:.0f} B, "
                      f"{len(crashes)} distinct crashes, {len(fast_errors)} fast-path errors, "
                      f"{now - start:.0f} s", flush=True)
    elapsed = time.monotonic() - start
    print(f"done: {count} inputs in {elapsed:.0f} s ({count / elapsed:.0f} inputs/s), "
          f"{len(crashes)} distinct crashes, {len(fast_errors)} fast-path errors, {failed} failing inputs "
          f"(fast parser {'checked against Lark' if parse_fast else 'absent'})", flush=True)
    for signature, name in (*crashes.items(), *fast_errors.items()):
        print(f"  {signature}: {args.crash_dir}/{name}.spec")
    return 1 if crashes else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=100_000, help="how many inputs (default 100000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--compile-every", type=int, default=20, metavar="K",
                    help="also fmt and compile_spec one input in K (default 20)")
    ap.add_argument("--max-bytes", type=int, default=8000, help="cut inputs to this size (default 8000)")
    ap.add_argument("--report-every", type=float, default=30.0, metavar="S", help="progress every S seconds")
    ap.add_argument("--crash-dir", default=str(ROOT / "fuzz" / "crashes"), help="where crashing inputs go")
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
