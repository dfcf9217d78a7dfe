"""LANGUAGE.md §9 from the command line: memory, media, AI sizing, edge limits, backups.

Every plan field §9 adds (`regions[].memory_tb`, `demands[].backups`,
`demands[].backup_fractions`, `demands[].compute_tflops`, `jobs[].work_pflop`),
the table and markdown columns, `check --format json` "derived", `explain`,
LP/MPS names and the verifier's independent checks."""

import json

import pytest

from clirun import ROOT, suanli

HUBS = "specs/hubs-2027.spec"
LAT = {("beijing", "dongguan_edge"): 28.0}  # beijing -12- shanghai -11- shaoguan -3- shenzhen -2- dongguan


@pytest.fixture(scope="module")
def hubs_plan(tmp_path_factory):
    out = tmp_path_factory.mktemp("hubs") / "plan.json"
    result = suanli("solve", HUBS, "--format", "json", "-o", out)
    assert result.returncode == 0, result.stderr
    return out, json.loads(out.read_text())


def test_plan_reports_memory_per_region(hubs_plan):
    _, plan = hubs_plan
    mem = {r["name"]: r["memory_tb"] for r in plan["regions"]}
    nodes = {r["name"]: r["nodes"] for r in plan["regions"]}
    per_type = {"dgx_h100": 2, "edge_box": 0.512, "cpu2u": 1, "cpu_bigmem": 6, "hdd_jbod": 0, "ssd_array": 0}
    for name, counts in nodes.items():
        assert mem[name] == pytest.approx(sum(per_type[t] * n for t, n in counts.items()))
    assert mem["beijing"] >= 600 + 40  # gov_portal's memory (and chat_70b's, served there)


def test_memory_ratio_require_is_linearised_and_holds(hubs_plan):
    _, plan = hubs_plan
    ratio = [r for r in plan["requires"] if r["name"].startswith("compute_memory.") and "[r=beijing]" in r["name"]]
    assert ratio and ratio[0]["unit"] == "GFLOPS/GB" and ratio[0]["value"] <= 1 + 1e-9


def test_media_selector_in_a_require(hubs_plan):
    _, plan = hubs_plan
    share = next(r for r in plan["requires"] if r["name"] == "storage_media.ssd_share")
    installed = {r["name"]: r["nodes"] for r in plan["regions"]}
    ssd = sum(1200 * c.get("ssd_array", 0) for c in installed.values())
    assert share["value"] == pytest.approx(ssd) and share["value"] >= share["bound"] - 1e-6


def test_ai_sizing_in_the_plan(hubs_plan):
    _, plan = hubs_plan
    chat = next(d for d in plan["demands"] if d["name"] == "chat_70b")
    assert chat["compute_tflops"] == pytest.approx(2 * 7e10 * 2e4 / 1e12)
    job = plan["jobs"][0]
    assert job["work_pflop"] == pytest.approx(6 * 7e10 * 1.5e12 / 1e15)
    assert "compute_tflops" not in next(d for d in plan["demands"] if d["name"] == "cold_archive")


def test_edge_limit_keeps_the_70b_model_off_the_edge(hubs_plan):
    _, plan = hubs_plan
    chat = next(d for d in plan["demands"] if d["name"] == "chat_70b")
    small = next(d for d in plan["demands"] if d["name"] == "assistant_7b")
    assert not set(chat["regions"]) & {"shenzhen_edge", "dongguan_edge"}
    assert set(small["regions"]) <= {"shenzhen_edge", "dongguan_edge"}


def test_backups_in_the_plan(hubs_plan):
    _, plan = hubs_plan
    portal = next(d for d in plan["demands"] if d["name"] == "gov_portal")
    assert len(portal["backups"]) == 1
    (primary,) = portal["regions"]
    assert primary not in portal["backups"]
    assert all(d["backups"] == [] for d in plan["demands"] if d["name"] != "gov_portal")


def test_verify_accepts_the_plan_and_rejects_tampering(hubs_plan, tmp_path):
    path, plan = hubs_plan
    assert suanli("verify", HUBS, path).returncode == 0
    portal = next(d for d in plan["demands"] if d["name"] == "gov_portal")
    cases = {
        "near": ({"backups": ["zhangjiakou"]}, "backup_separation is 20 ms"),
        "count": ({"backups": []}, "holds 0 backups; backups = 1"),
        "two": ({"backups": ["guian", "zhongwei"]}, "holds 2 backups"),
    }
    for name, (change, message) in cases.items():
        bad = json.loads(json.dumps(plan))
        next(d for d in bad["demands"] if d["name"] == "gov_portal").update(change)
        (tmp_path / f"{name}.json").write_text(json.dumps(bad))
        result = suanli("verify", HUBS, tmp_path / f"{name}.json")
        assert result.returncode == 1 and message in result.stdout + result.stderr, (name, result.stdout)
    bad = json.loads(json.dumps(plan))
    bad["regions"][0]["memory_tb"] += 1
    (tmp_path / "mem.json").write_text(json.dumps(bad))
    result = suanli("verify", HUBS, tmp_path / "mem.json")
    assert result.returncode == 1 and "memory_tb" in result.stdout + result.stderr
    assert portal["backups"]


def test_table_and_markdown_show_the_s9_columns():
    for fmt in ("table", "markdown"):
        result = suanli("solve", HUBS, "--format", fmt)
        assert result.returncode == 0, result.stderr
        for column in ("memory TB", "backups", "compute TFLOPS (2·params·token_rate)",
                       "work PFLOP (6·params·tokens)"):
            assert column in result.stdout, (fmt, column)


def test_specs_without_s9_keep_their_plan_fields():
    result = suanli("solve", "specs/example.spec", "--format", "json")
    plan = json.loads(result.stdout)
    assert all("memory_tb" not in r for r in plan["regions"])
    assert all("backups" not in d and "compute_tflops" not in d for d in plan["demands"])
    assert all("work_pflop" not in j for j in plan["jobs"])
    table = suanli("solve", "specs/example.spec", "--format", "table").stdout
    assert "memory TB" not in table and "backups" not in table


def test_check_json_shows_derived_sizes():
    result = suanli("check", HUBS, "--format", "json")
    assert result.returncode == 0
    derived = {d["name"]: d for d in json.loads(result.stdout)["derived"]}
    assert derived["llm_pretrain"]["work_flop"] == pytest.approx(6.3e23)
    assert derived["llm_pretrain"]["work_pflops_day"] == pytest.approx(6.3e23 / 1e15 / 86400)
    assert derived["chat_70b"]["compute_tflops"] == pytest.approx(2800)
    assert derived["assistant_7b"]["token_rate_per_s"] == 5e4
    plain = json.loads(suanli("check", "specs/example.spec", "--format", "json").stdout)
    assert "derived" not in plain


def _write(tmp_path, text: str, name: str = "s.spec"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_explain_names_memory_shortfall(tmp_path):
    spec = _write(tmp_path, "region guiyang { power_cap = 1 MW }\n"
                            "node cpu { class = general; compute = 4 TFLOPS; memory = 1 TB; power = 10 kW }\n"
                            "demand big { class = general; compute = 40 TFLOPS; memory = 140 TB }\n")
    result = suanli("explain", spec)
    assert "memory in guiyang short by 40 TB" in result.stdout + result.stderr
    solved = suanli("solve", spec, "--format", "json")
    assert solved.returncode == 3
    assert json.loads(solved.stdout)["infeasibility"][0]["constraint"] == "memory(guiyang)"


def test_explain_names_backups_that_cannot_be_held(tmp_path):
    spec = _write(tmp_path, "region a {}\nregion b {}\nlink a -- b { latency = 30 ms }\n"
                            "node box { class = general; storage = 100 TB; power = 1 kW; regions = [a] }\n"
                            "demand db { class = general; storage = 50 TB; split = false; backups = 1;"
                            " backup_separation = 10 ms; residency = [a, b] }\n")
    result = suanli("explain", spec)
    assert "demand db can hold only 0 of its 1 backups" in result.stdout + result.stderr


def test_token_rate_beside_compute_warns(tmp_path):
    spec = _write(tmp_path, "region r {}\nnode g { class = ai; compute = 1 PFLOPS; power = 1 kW }\n"
                            "demand d { class = ai; compute = 10 TFLOPS; params = 7e9; token_rate = 2e4 / s }\n")
    result = suanli("check", spec)
    assert result.returncode == 0 and "W0120" in result.stderr


def test_memory_presolve_and_memory_metric(tmp_path):
    spec = _write(tmp_path, "region a { power_price = 0.1 CNY/kWh }\nregion b { power_price = 0.9 CNY/kWh }\n"
                            "node cheap { class = general; compute = 10 TFLOPS; power = 1 kW; regions = [a] }\n"
                            "node mem { class = general; compute = 1 TFLOPS; memory = 1 TB; power = 1 kW;"
                            " regions = [b] }\n"
                            "demand d { class = general; compute = 1 TFLOPS; memory = 2 TB }\n"
                            "require memory() >= 3 TB\nassert memory(b) == 3 TB\n")
    result = suanli("solve", spec, "--format", "json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["demands"][0]["regions"] == {"b": 1.0}
    assert {r["name"]: r["memory_tb"] for r in plan["regions"]} == {"a": 0.0, "b": 3.0}


def test_lp_and_mps_name_the_backup_columns_and_rows(tmp_path):
    lp, mps = tmp_path / "p.lp", tmp_path / "p.mps"
    result = suanli("solve", HUBS, "--format", "json", "--write-lp", lp, "--write-mps", mps)
    assert result.returncode == 0, result.stderr
    text = lp.read_text()
    for name in ("z(gov_portal,dongguan_edge)", "backups(gov_portal)", "separation(gov_portal,zhangjiakou)",
                 "memory(beijing)"):
        assert name in text, name
    assert "z(gov_portal,zhongwei)" in mps.read_text()
    relaxed = tmp_path / "relaxed.lp"  # --relax keeps §9's pairwise rows
    assert suanli("solve", HUBS, "--relax", "--format", "json", "--write-lp", relaxed).returncode == 0
    assert "separation(gov_portal,beijing,zhangjiakou)" in relaxed.read_text()


def test_relaxed_plan_with_backups_verifies(tmp_path):
    out = tmp_path / "relaxed.json"
    result = suanli("solve", HUBS, "--relax", "--format", "json", "-o", out)
    assert result.returncode == 0, result.stderr
    plan = json.loads(out.read_text())
    portal = next(d for d in plan["demands"] if d["name"] == "gov_portal")
    assert sum(portal["backup_fractions"].values()) == pytest.approx(1.0)
    assert suanli("verify", HUBS, out).returncode == 0


def test_backups_default_separation_zero_allows_any_region(tmp_path):
    """backup_separation = 0: no pair has latency < 0, so the copy may share the primary's region."""
    spec = _write(tmp_path, "region a { power_price = 0.1 CNY/kWh }\nregion b { power_price = 0.9 CNY/kWh }\n"
                            "node box { class = general; storage = 100 TB; power = 1 kW }\n"
                            "demand db { class = general; storage = 50 TB; split = false; backups = 1 }\n")
    plan = json.loads(suanli("solve", spec, "--format", "json").stdout)
    assert plan["demands"][0]["backups"] == ["a"] and plan["demands"][0]["regions"] == {"a": 1.0}
    assert plan["regions"][0]["nodes"] == {"box": 1}  # 50 TB + its 50 TB copy in one 100 TB box


def test_plan_matches_the_schema(hubs_plan):
    jsonschema = pytest.importorskip("jsonschema")
    from suanli.solver.plan import json_schema

    jsonschema.validate(hubs_plan[1], json_schema())


def test_modelling_page_snippets_parse():
    """Every spec snippet of docs/modelling.md parses (fast path and Lark agree on it elsewhere)."""
    import re

    from suanli.grammar.parser import parse

    text = (ROOT / "docs" / "modelling.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 6
    for block in blocks:
        module, diags = parse(block, "snippet.spec")[:2]
        assert module is not None and not [d for d in diags if d.severity.value == "error"], block


def test_cbc_agrees_on_the_hubs_spec(hubs_plan, tmp_path):
    out = tmp_path / "cbc.json"
    result = suanli("solve", HUBS, "--solver", "cbc", "--format", "json", "-o", out)
    assert result.returncode == 0, result.stderr
    cbc = json.loads(out.read_text())
    assert cbc["objective"] == pytest.approx(hubs_plan[1]["objective"], rel=1e-6)
    assert suanli("verify", HUBS, out).returncode == 0


def test_overrides_of_ai_sized_workloads():
    """`work *= k` scales the derived work; `tokens *= k` re-derives it; `work = V` replaces it."""
    def derived(*sets):
        args = [a for s in sets for a in ("--set", s)]
        result = suanli("check", HUBS, "--format", "json", *args)
        assert result.returncode == 0, result.stderr
        return {d["name"]: d for d in json.loads(result.stdout).get("derived", [])}

    assert derived("job.llm_pretrain.work*=1.5")["llm_pretrain"]["work_flop"] == pytest.approx(1.5 * 6.3e23)
    assert derived("job.llm_pretrain.tokens*=1.2")["llm_pretrain"]["work_flop"] == pytest.approx(1.2 * 6.3e23)
    assert "llm_pretrain" not in derived("job.llm_pretrain.work=100 PFLOPS*day")
    assert derived("demand.chat_70b.token_rate*=2")["chat_70b"]["compute_tflops"] == pytest.approx(5600)


def test_separation_is_strict_and_unreachable_regions_are_far(tmp_path):
    """Λ = T is far enough; a region with no path is infinitely far (never too close)."""
    exact = _write(tmp_path, "region a { power_price = 0.1 CNY/kWh }\nregion b { power_price = 0.9 CNY/kWh }\n"
                             "link a -- b { latency = 0.012 s }\n"
                             "node box { class = general; storage = 100 TB; power = 1 kW }\n"
                             "demand db { class = general; storage = 50 TB; split = false; backups = 1;"
                             " backup_separation = 7 ms + 5 ms }\n", "exact.spec")
    plan = json.loads(suanli("solve", exact, "--format", "json").stdout)
    dem = plan["demands"][0]  # 12 ms is not < 7 ms + 5 ms: the copy may sit in the other region
    assert sorted([*dem["regions"], *dem["backups"]]) == ["a", "b"]
    lonely = _write(tmp_path, "region a {}\nregion b {}\n"
                              "node box { class = general; storage = 100 TB; power = 1 kW }\n"
                              "demand db { class = general; storage = 50 TB; split = false; backups = 1;"
                              " backup_separation = 1000 ms }\n", "lonely.spec")
    result = suanli("solve", lonely, "--format", "json")
    assert result.returncode == 0, result.stderr
    dem = json.loads(result.stdout)["demands"][0]
    assert dem["backups"] != list(dem["regions"])



def test_a_latency_tied_with_the_separation_is_far_enough(tmp_path):
    """Λ within 1e-9 relative of T ties with it (the §6 rule), so it is not < T: far enough.
    1e-8 below T does not tie: too close, and with one other region the spec has no copy home."""
    def spec(latency_ms):
        return _write(tmp_path, "region a { power_price = 0.1 CNY/kWh }\nregion b { power_price = 0.9 CNY/kWh }\n"
                                f"link a -- b {{ latency = {latency_ms} ms }}\n"
                                "node box { class = general; storage = 100 TB; power = 1 kW }\n"
                                "demand db { class = general; storage = 50 TB; split = false; backups = 1;"
                                " residency = [a, b]; backup_separation = 12 ms }\n", f"l{latency_ms}.spec")

    tied = suanli("solve", spec("11.9999999999"), "--format", "json")
    assert tied.returncode == 0, tied.stderr
    dem = json.loads(tied.stdout)["demands"][0]
    assert sorted([*dem["regions"], *dem["backups"]]) == ["a", "b"]
    near = suanli("check", spec("11.9999999"))
    assert near.returncode == 2 and "E0723" in near.stderr, near.stderr

def test_the_clique_rows_keep_the_pairwise_optimum(monkeypatch):
    """The MILP's clique separation rows and §9's pairwise rows have the same optimum."""
    from suanli.compiler.pipeline import load
    from suanli.solver.families import backups
    from suanli.solver.solve import SolveConfig, solve_program

    program = load(str(ROOT / HUBS))
    clique = solve_program(program, SolveConfig()).plan.objective
    pairwise_rows = backups._separation_rows
    monkeypatch.setattr(backups, "_separation_rows", lambda rb, ix, c, pairwise: pairwise_rows(rb, ix, c, True))
    assert solve_program(program, SolveConfig()).plan.objective == pytest.approx(clique, rel=1e-9)


def test_diff_reports_moved_backups(hubs_plan, tmp_path):
    far = tmp_path / "far.json"
    assert suanli("solve", HUBS, "--set", "demand.gov_portal.backup_separation=29ms", "--format", "json",
                  "-o", far).returncode == 0
    result = suanli("diff", hubs_plan[0], far, "--format", "json")
    moved = [p for p in json.loads(result.stdout)["placements"] if p["kind"] == "backup"]
    assert [p["name"] for p in moved] == ["gov_portal"] and moved[0]["old"] == "dongguan_edge"
    assert "backup" in suanli("diff", hubs_plan[0], far, "--format", "table").stdout


def test_max_params_filters_jobs_and_allows_equal(tmp_path):
    spec = _write(tmp_path, "region edge { power_price = 0.1 CNY/kWh; max_params = 7e9 }\n"
                            "region cloud { power_price = 0.9 CNY/kWh }\n"
                            "node g { class = ai; compute = 1 PFLOPS; power = 1 kW }\n"
                            "job big { class = ai; params = 7.1e9; tokens = 1e9; deadline = 1 day }\n"
                            "job small { class = ai; params = 7e9; tokens = 1e9; deadline = 1 day }\n")
    plan = json.loads(suanli("solve", spec, "--format", "json").stdout)
    where = {j["name"]: j["region"] for j in plan["jobs"]}
    assert where["big"] == "cloud"  # (small may share big's node there: one node is cheapest)
    only_edge = _write(tmp_path, spec.read_text().replace("region cloud { power_price = 0.9 CNY/kWh }\n", ""),
                       "edge.spec")
    small_only = _write(tmp_path, "\n".join(l for l in only_edge.read_text().splitlines()
                                            if not l.startswith("job big")) + "\n", "small.spec")
    assert suanli("check", small_only).returncode == 0  # params == max_params is allowed
    result = suanli("check", only_edge)
    assert result.returncode == 2
    assert "job `big` has no allowed region: big (7.1e9 params) exceeds max_params 7e9" in result.stderr


def test_html_report_shows_memory_and_backups(tmp_path):
    out = tmp_path / "plan.html"
    assert suanli("solve", HUBS, "--format", "html", "-o", out).returncode == 0
    page = out.read_text(encoding="utf-8")
    assert "memory TB" in page and "backups of gov_portal" in page
    plain = tmp_path / "plain.html"
    assert suanli("solve", "specs/example.spec", "--format", "html", "-o", plain).returncode == 0
    assert "memory TB" not in plain.read_text(encoding="utf-8")
