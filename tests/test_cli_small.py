"""Small things users expect: --version, what `solve` prints on a pipe, CJK names aligned."""

import re

from wcwidth import wcswidth

from clirun import suanli

CJK_SPEC = """
region 贵州 { power_price = 0.35 CNY/kWh  carbon_intensity = 300 gCO2/kWh }
region beijing { power_price = 0.65 CNY/kWh  carbon_intensity = 580 gCO2/kWh }
link beijing -- 贵州 { latency = 20 ms }
node cpu { class = general  compute = 4 TFLOPS  storage = 16 TB  power = 0.8 kW  capex = 60e3 CNY  lifetime = 5 years }
demand web { class = general  compute = 40 TFLOPS  origin = beijing  max_latency = 1 ms }
demand batch { class = general  compute = 400 TFLOPS  residency = [贵州] }
"""


def test_version():
    done = suanli("--version")
    assert done.returncode == 0
    assert re.fullmatch(r"suanli \d+\.\d+\.\d+\S*\n", done.stdout)


def test_solve_help_says_what_a_pipe_gets():
    done = suanli("solve", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "table on a terminal, json otherwise, i.e. on a pipe or with -o" in text
    assert "html" in text


def test_solve_on_a_pipe_prints_json_unless_asked(tmp_path):
    spec = tmp_path / "cjk.spec"
    spec.write_text(CJK_SPEC, encoding="utf-8")
    piped = suanli("solve", spec)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.lstrip().startswith("{")
    table = suanli("solve", spec, "--format", "table")
    assert table.stdout.startswith("Plan for")


def test_cjk_region_names_keep_table_columns_aligned(tmp_path):
    spec = tmp_path / "cjk.spec"
    spec.write_text(CJK_SPEC, encoding="utf-8")
    done = suanli("solve", spec, "--format", "table")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    start = lines.index("Regions")
    header, rows = lines[start + 1], [line for line in lines[start + 3:start + 5]]
    assert any(line.startswith("贵州") for line in rows)
    column = wcswidth(header[:header.index("open")])
    for row in rows:
        cell = re.search(r"\s(yes|no)\s", row)
        assert wcswidth(row[:cell.start() + 1]) == column, (header, row)


def test_carets_stay_under_the_error_after_cjk_names(tmp_path):
    spec = tmp_path / "cjk.spec"
    spec.write_text("region 贵州 { pue = 1 kW }\n", encoding="utf-8")
    done = suanli("check", spec)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    source = next(k for k, line in enumerate(lines) if line.startswith("1 | region 贵州"))
    code_line, caret_line = lines[source], lines[source + 1]
    caret = caret_line.index("^")
    assert wcswidth(caret_line[:caret]) == wcswidth(code_line[:code_line.index("1 kW")])
    assert caret_line[caret:].split()[0] == "^" * wcswidth("1 kW")
