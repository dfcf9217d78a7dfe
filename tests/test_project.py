"""The project's own promises: README commands match CI, packaging lists every package."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)\n```", text, re.S)[:2]


def test_ci_runs_exactly_the_readme_commands():
    install, tests = readme_commands()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install in ci_lines
    assert tests in ci_lines
    assert ci_lines.index(install) < ci_lines.index(tests)


def test_packages_list_every_folder_with_an_init():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    mapping = config["package-dir"]
    declared = set(config["packages"])
    for package, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            name = ".".join([package, *rel.parts]) if rel.parts else package
            assert name in declared, f"{name} ({init}) is missing from [tool.setuptools] packages"


def test_public_api_is_what_all_says():
    import suanli

    for name in suanli.__all__:
        assert getattr(suanli, name) is not None


def test_every_diagnostic_code_is_documented():
    docs = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    sources = [p for folder in ("grammar", "compiler", "solver", "src")
               for p in (ROOT / folder).rglob("*.py")]
    used = {code for p in sources
            for code in re.findall(r'"([EW]\d{4})"', p.read_text(encoding="utf-8"))}
    assert used, "no diagnostic codes found"
    missing = sorted(code for code in used if f"| {code} |" not in docs)
    assert not missing, f"codes missing from docs/diagnostics.md: {missing}"
