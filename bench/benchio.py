"""What the bench scripts share: how a script hands its result to run.py."""

from __future__ import annotations

import json


def write_result(result: dict, path: str | None) -> None:
    """`result` as indented JSON into `path`, or onto stdout when there is none."""
    text = json.dumps(result, indent=1)
    if path:
        with open(path, "w") as fh:
            fh.write(text + "\n")
    else:
        print(text)
