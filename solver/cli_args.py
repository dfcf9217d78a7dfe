"""Argument types every command shares, so a bad value is exit 2 from argparse
with the option named: `--max-bytes -1`, `--time-limit inf|nan|-3`, a second
`--scenario`. Light (no solver imports): `check` and `fmt` use it too."""

from __future__ import annotations

import argparse
import math


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
