"""Argument types every command shares, so a bad value is exit 2 from argparse
with the option named: `--max-bytes -1`, `--time-limit inf|nan|-3`, a second
`--scenario`; and the compile options every command shares. Light (no solver imports):
`check` and `fmt` use it too."""

from __future__ import annotations

import argparse
import math

from suanli.api import SOLVERS


def byte_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of bytes: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 byte, got {value}")
    return value


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive, finite number of seconds, got {text!r}")
    return value


class Once(argparse.Action):
    """An option that may be given once: a second one is an error, not a silent override."""

    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"{option_string} given twice ({getattr(namespace, self.dest)!r} and {values!r}): "
                         f"give {option_string} once")
        setattr(namespace, self.dest, values)


def add_compile_options(parser) -> None:
    """The options of every command that compiles a spec."""
    parser.add_argument("--scenario", metavar="NAME", action=Once, help="apply the overrides of scenario NAME")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="K=V",
                        help="override a property: --set region.guizhou.pue=1.2 (repeatable)")
    parser.add_argument("--max-bytes", type=byte_count, default=None, metavar="N",
                        help="largest spec (imports included) to read, in bytes (default 32 MB)")


def compile_options(args) -> dict:
    """The keyword arguments of `suanli.api.load`/`check` those options give."""
    options = {"scenario": getattr(args, "scenario", None), "overrides": tuple(getattr(args, "overrides", ()) or ())}
    if getattr(args, "max_bytes", None) is not None:
        options["max_bytes"] = args.max_bytes
    return options


def add_solve_options(parser, when: str, limit: str) -> None:
    """--solver and --time-limit of the commands that solve a spec given in place of a plan
    (`diff`, `report`); `when`/`limit` finish their help texts."""
    parser.add_argument("--solver", choices=SOLVERS, default="highs",
                        help=f"MILP backend {when} (default highs)")
    parser.add_argument("--time-limit", type=seconds, default=None, metavar="S",
                        help=f"wall-clock limit in seconds {limit}")
