"""The README's property test, run verbatim against specs/east-west.spec.

The code is read from README.md's "Property-testing your plans" section at test time,
so the README and this test cannot drift apart.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Property-testing your plans", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_is_under_15_lines():
    lines = readme_example().strip().splitlines()
    assert len(lines) < 15, lines


def test_the_readme_property_holds_on_east_west(monkeypatch):
    monkeypatch.chdir(ROOT)  # the example names specs/east-west.spec, as a user at the root would
    namespace = {"__name__": "readme_example"}
    exec(compile(readme_example(), str(ROOT / "README.md"), "exec"), namespace)
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert len(tests) == 1
    tests[0]()
