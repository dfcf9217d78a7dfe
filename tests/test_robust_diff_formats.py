"""`suanli diff OLD.json NEW.json --format markdown|html` of two robust plans (§10): each
format is what it says (Markdown tables; an HTML page parsed as HTML), with the JSON diff's
numbers, from the command line."""

import json
from types import SimpleNamespace

import pytest
from clirun import ROOT, suanli

import html_sections

FIXTURES = ROOT / "tests" / "fixtures" / "scenarios"


def parse(page: str) -> SimpleNamespace:
    """The page's h1 and {section id: the rows of its tables, in order}."""
    found = html_sections.parse(page)
    rows = {key: [row for table in sec["tables"] for row in table] for key, sec in found.sections.items()}
    return SimpleNamespace(h1=found.h1, sections=rows)


def markdown_table(text: str, title: str) -> list[list[str]]:
    """The rows (header first) of the Markdown table under `### title`."""
    lines = text.split(f"### {title}\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert lines[1].startswith("|---")
    return [[c.strip() for c in line.strip("|").split("|")] for line in [lines[0]] + lines[2:]]


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    out = tmp_path_factory.mktemp("robust-diff")
    spec = FIXTURES / "robust.spec"
    one, two = out / "one.json", out / "two.json"
    assert suanli("solve", spec, "--robust", "base,growth", "-o", one).returncode == 0
    assert suanli("solve", spec, "--robust", "base,growth,west_lost", "-o", two).returncode == 0
    diff = json.loads(suanli("diff", one, two, "--format", "json").stdout)
    return one, two, diff


def test_markdown_is_a_comment_with_markdown_tables(plans):
    one, two, diff = plans
    result = suanli("diff", one, two, "--format", "markdown")
    assert result.returncode == 0, result.stderr
    obj = diff["objective"]
    assert result.stdout.startswith(f"### Robust objective: {obj['old']:,.0f} → {obj['new']:,.0f} "
                                    f"({obj['change']:+,.0f})\n")
    builds = markdown_table(result.stdout, "Shared builds that changed")
    assert builds[0] == ["region", "node type", "old", "new", "change"]
    assert builds[1:] == [[b["region"], b["node_type"], f"{b['old']:,}", f"{b['new']:,}", f"{b['change']:+,}"]
                          for b in diff["builds"]]
    word = lambda is_open: "open" if is_open else "closed"
    assert markdown_table(result.stdout, "Sites that changed")[1:] == [[s["region"], word(s["old"]), word(s["new"])]
                                                                      for s in diff["sites"]]
    scenarios = markdown_table(result.stdout, "Scenarios (CNY)")
    assert [row[0] for row in scenarios[1:]] == ["base", "growth", "west_lost (only new)"]
    assert "  " not in result.stdout.replace("\n\n", "\n")  # no aligned text columns


def test_html_is_a_page_with_the_diff_in_tables(plans, tmp_path):
    one, two, diff = plans
    out = tmp_path / "diff.html"
    result = suanli("diff", one, two, "--format", "html", "-o", out)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    parsed = parse(page)
    assert parsed.h1 == "Robust plan change changed"
    assert list(parsed.sections) == ["objective", "shared-builds", "sites", "scenarios"]
    obj = diff["objective"]
    assert parsed.sections["objective"][1] == ["objective", f"{obj['old']:,.0f}", f"{obj['new']:,.0f}",
                                               f"{obj['change']:+,.0f}"]
    assert parsed.sections["shared-builds"][1:] == [[b["region"], b["node_type"], f"{b['old']:,}",
                                                     f"{b['new']:,}", f"{b['change']:+,}"] for b in diff["builds"]]
    rows = {(r[0], r[1]): r[2:] for r in parsed.sections["scenarios"][1:]}
    lost, base = diff["scenarios"][2]["cost"]["total"], diff["scenarios"][0]["cost"]["energy"]
    assert rows[("west_lost (only new)", "cost: total")] == ["-", f"{lost['new']:,.0f}", "-"]
    assert rows[("base", "cost: energy")] == [f"{base['old']:,.0f}", f"{base['new']:,.0f}", f"{base['change']:+,.0f}"]
    assert suanli("diff", one, two, "--format", "html").stdout == page  # stdout: the same bytes


def test_html_with_years_and_no_change(tmp_path):
    spec = FIXTURES / "years_robust.spec"
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert suanli("solve", spec, "--robust", "base,growth", "-o", one).returncode == 0
    assert suanli("solve", spec, "--robust", "growth,west_lost", "-o", two).returncode == 0
    parsed = parse(suanli("diff", one, two, "--format", "html").stdout)
    assert list(parsed.sections) == ["objective", "shared-builds", "sites", "year-builds", "year-sites",
                                     "scenarios"]
    assert parsed.sections["year-builds"][0] == ["year", "region", "node type", "old", "new", "change"]
    assert ["2026", "east", "cpu", "0", "80", "+80"] in parsed.sections["year-builds"]
    same = parse(suanli("diff", one, one, "--format", "html").stdout)
    assert same.h1 == "Robust plan change no change"
    assert same.sections["shared-builds"] == [] and same.sections["year-builds"] == []
    markdown = suanli("diff", one, one, "--format", "markdown").stdout
    assert "Shared builds: unchanged" in markdown and "Builds per year: unchanged" in markdown
