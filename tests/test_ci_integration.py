"""The GitHub Action (action.yml), the pre-commit hooks (.pre-commit-hooks.yaml)
and the README's "CI gate" section, tested by running the exact commands they
run: both files are parsed with a YAML parser, every `run:` script and hook
`entry` is executed against fixture specs in a scratch git repository, with
the `${{ ... }}` expressions substituted the way the runner does.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from clirun import ROOT

yaml = pytest.importorskip("yaml")

FIX = ROOT / "tests" / "fixtures" / "ci"
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None,
                                reason="needs git and bash")


# -- a small runner for composite actions ---------------------------------------------------------

def _lookup(path: str, ctx: dict):
    value = ctx
    for part in path.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value


def evaluate(expr: str, ctx: dict):
    """The subset of the Actions expression language that action.yml uses."""
    expr = expr.strip()
    if expr.startswith("${{"):
        expr = EXPR.fullmatch(expr).group(1)
    py = re.sub(r"!\s*cancelled\(\)", "True", expr).replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"\b(?:inputs|steps|github)(?:\.[\w-]+)+", lambda m: repr(_lookup(m.group(0), ctx)), py)
    assert not re.search(r"\b(?:always|failure|success)\(", py), f"unsupported expression: {expr}"
    return eval(py, {"__builtins__": {}}, {})  # noqa: S307 - our own action.yml, in a test


def substitute(text: str, ctx: dict) -> str:
    return EXPR.sub(lambda m: str(evaluate(m.group(1), ctx)), str(text))


def run_action(inputs: dict, cwd: Path, tmp: Path, pr_number: str = "") -> dict:
    """Run every step of action.yml as the runner would; returns the context
    (step outcomes and outputs), the job summary and each step's output."""
    declared = ACTION["inputs"]
    assert set(inputs) <= set(declared), set(inputs) - set(declared)
    values = {k: str(v.get("default", "")) for k, v in declared.items()}
    values.update({k: str(v) for k, v in inputs.items()})
    ctx = {"inputs": values, "steps": {},
           "github": {"event": {"pull_request": {"number": pr_number}}, "repository": "acme/infra"}}
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir()
    summary = tmp / "step-summary.md"
    summary.write_text("")
    env_base = {**os.environ, "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_STEP_SUMMARY": str(summary),
                "RUNNER_TEMP": str(runner_temp),
                "PATH": os.pathsep.join([str(tmp / "bin"), os.path.dirname(sys.executable),
                                         os.environ.get("PATH", "")])}
    failed, logs = False, {}
    for index, step in enumerate(ACTION["runs"]["steps"]):
        sid = step.get("id", f"step{index}")
        cond = str(step.get("if", "true"))
        implicit = not re.search(r"\b(?:always|cancelled|failure|success)\(", cond)
        go = (cond == "true" or bool(evaluate(cond, ctx))) and not (implicit and failed)
        if "uses" in step:
            assert not go, f"test runs need install: 'false' ({step['uses']})"
            continue
        if not go:
            ctx["steps"][sid] = {"outcome": "skipped", "outputs": {}}
            continue
        assert step["shell"] == "bash" and not EXPR.search(step["run"]), "expressions belong in env:"
        output = tmp / f"output-{sid}"
        output.write_text("")
        env = {**env_base, "GITHUB_OUTPUT": str(output),
               **{k: substitute(v, ctx) for k, v in (step.get("env") or {}).items()}}
        script = tmp / f"step-{sid}.sh"
        script.write_text(step["run"])
        res = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd,
                             env=env, capture_output=True, text=True, timeout=300)
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
        ctx["steps"][sid] = {"outcome": "success" if res.returncode == 0 else "failure", "outputs": outputs,
                             "code": res.returncode}
        logs[sid] = res
        failed = failed or res.returncode != 0
    return {"steps": ctx["steps"], "summary": summary.read_text(), "logs": logs, "temp": runner_temp}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


def fake_gh(tmp: Path) -> Path:
    """A `gh` that records its arguments and the comment body."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp / "gh.log"
    gh = bin_dir / "gh"
    gh.write_text(f'#!/usr/bin/env bash\necho "$*" >> "{log}"\necho "GH_TOKEN=$GH_TOKEN GH_REPO=$GH_REPO" >> "{log}"\n'
                  'while [ $# -gt 0 ]; do if [ "$1" = --body-file ]; then cat "$2" > "$(dirname "$0")/../body.md"; '
                  'fi; shift; done\n')
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    return log


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory):
    """A pull request that grows the training job (cost +203%) and adds a new spec;
    the action compares with the base commit, with a 5% budget and a token."""
    tmp = tmp_path_factory.mktemp("action-pr")
    repo = tmp / "repo"
    (repo / "infra").mkdir(parents=True)
    git(repo, "init", "-q")
    shutil.copy(FIX / "base.spec", repo / "infra" / "main.spec")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    base_sha = git(repo, "rev-parse", "HEAD")
    shutil.copy(FIX / "cost_up_large.spec", repo / "infra" / "main.spec")
    shutil.copy(FIX / "advisory_fail.spec", repo / "infra" / "new.spec")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "grow training")
    log = fake_gh(tmp)
    result = run_action({"specs": "infra/*.spec", "base-ref": base_sha, "max-increase": "5%",
                         "github-token": "t0ken", "install": "false"}, repo, tmp, pr_number="7")
    return result, tmp, log


def test_action_pull_request_over_budget(pull_request):
    result, tmp, log = pull_request
    steps = result["steps"]
    outcome = {k: v["outcome"] for k, v in steps.items()}
    assert outcome == {"install": "skipped", "check": "success", "fmt": "success", "base": "success",
                       "solve": "failure", "diff": "success", "comment": "success"}, result["logs"]
    assert steps["solve"]["code"] == 1 and steps["solve"]["outputs"]["exit-code"] == "1"
    solve_log = result["logs"]["solve"]
    assert "::error file=infra/main.spec,line=1,title=cost budget exceeded::" in solve_log.stdout
    assert "::warning file=infra/new.spec,line=65,col=1,title=advisory assert green fails::" in solve_log.stdout
    assert "infra/new.spec does not exist at" in result["logs"]["base"].stdout
    md = Path(steps["diff"]["outputs"]["summary"]).read_text()
    assert result["summary"] == md
    first = md.splitlines()[0]
    assert first == ("### Total cost 2,081,640 CNY → 6,304,705 CNY: **+4,223,065 CNY (+203%)** — "
                     "over the 5% budget ❌")
    assert "`infra/main.spec` (optimal) → `infra/main.spec` (optimal)" in md
    assert "<details><summary>Placements that moved: 1 moved</summary>" in md
    assert "### `infra/new.spec`: no baseline to compare with" in md
    calls = log.read_text().splitlines()
    assert calls[0] == f"pr comment 7 --body-file {md_path(steps)} --edit-last --create-if-none"
    assert calls[1] == "GH_TOKEN=t0ken GH_REPO=acme/infra"
    assert (tmp / "body.md").read_text() == md


def md_path(steps) -> str:
    return steps["diff"]["outputs"]["summary"]


def test_action_baseline_plan_within_budget_and_unformatted(pull_request, tmp_path):
    result, _tmp, _log = pull_request
    baseline = tmp_path / "baseline.json"
    shutil.copy(result["temp"] / "suanli" / "base-1.json", baseline)
    repo = tmp_path / "repo"
    repo.mkdir()
    text = (FIX / "cost_up_small.spec").read_text().replace("require east_power:", "\n\nrequire  east_power:")
    (repo / "small.spec").write_text(text)
    out = run_action({"specs": "small.spec", "baseline": str(baseline), "max-increase": "0.05",
                      "install": "false"}, repo, tmp_path)
    outcome = {k: v["outcome"] for k, v in out["steps"].items()}
    assert outcome == {"install": "skipped", "check": "success", "fmt": "failure", "base": "skipped",
                       "solve": "success", "diff": "success", "comment": "skipped"}, out["logs"]
    assert out["logs"]["fmt"].returncode == 1 and "+++ small.spec" in out["logs"]["fmt"].stdout
    assert out["steps"]["solve"]["outputs"]["exit-code"] == "0"
    assert out["summary"].splitlines()[0] == ("### Total cost 2,081,640 CNY → 2,099,106 CNY: "
                                              "**+17,466.2 CNY (+0.839%)** — within the 5% budget ✅")


def test_action_invalid_spec_stops_at_check(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(FIX / "invalid.spec", repo / "bad.spec")
    out = run_action({"specs": "bad.spec", "install": "false", "github-token": "t"}, repo, tmp_path)
    outcome = {k: v["outcome"] for k, v in out["steps"].items()}
    assert outcome == {"install": "skipped", "check": "failure", "fmt": "success", "base": "skipped",
                       "solve": "skipped", "diff": "skipped", "comment": "skipped"}
    assert out["logs"]["check"].returncode == 2
    assert out["logs"]["check"].stdout.startswith("::error file=bad.spec,line=11,col=15,endColumn=26,title=E0304")


def test_action_metadata():
    inputs = ACTION["inputs"]
    assert {"specs", "base-ref", "baseline", "max-increase", "github-token"} <= set(inputs)
    assert inputs["specs"]["required"] is True
    assert ACTION["runs"]["using"] == "composite"
    steps = {s.get("id"): s for s in ACTION["runs"]["steps"]}
    assert steps["install"]["run"] == 'python -m pip install --disable-pip-version-check "$GITHUB_ACTION_PATH"'
    commands = {sid: s["run"] for sid, s in steps.items() if "run" in s}
    assert "suanli check --format github" in commands["check"]
    assert "suanli fmt --check" in commands["fmt"]
    assert "suanli solve \"$spec\" --format github" in commands["solve"]
    assert "suanli diff \"$base\" \"$head\" --format markdown" in commands["diff"]
    assert '>> "$GITHUB_STEP_SUMMARY"' in commands["diff"] and "gh pr comment" in commands["comment"]


# -- pre-commit hooks -----------------------------------------------------------------------------

def run_hook(hook_id: str, files: list[Path], cwd: Path) -> subprocess.CompletedProcess:
    """What pre-commit does: the entry, plus the staged files matching `files`."""
    (hook,) = [h for h in HOOKS if h["id"] == hook_id]
    assert hook["language"] == "python"
    chosen = [str(f) for f in files if re.search(hook["files"], str(f))]
    entry = hook["entry"].split()
    exe = shutil.which(entry[0], path=os.pathsep.join([os.path.dirname(sys.executable), os.environ["PATH"]]))
    assert exe, f"{entry[0]} is not installed"
    return subprocess.run([exe, *entry[1:], *chosen], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_pre_commit_hooks(tmp_path):
    assert [h["id"] for h in HOOKS] == ["suanli-check", "suanli-fmt"]
    assert [h["entry"] for h in HOOKS] == ["suanli check", "suanli fmt"]
    assert all(h["files"] == r"\.spec$" for h in HOOKS)
    for name in ("base.spec", "warning.spec", "invalid.spec"):
        shutil.copy(FIX / name, tmp_path / name)
    (tmp_path / "notes.txt").write_text("not a spec\n")
    ugly = tmp_path / "ugly.spec"
    ugly.write_text((FIX / "base.spec").read_text().replace("region east {", "region   east{"))
    good = [tmp_path / "base.spec", tmp_path / "warning.spec", tmp_path / "notes.txt", ugly]
    res = run_hook("suanli-check", good, tmp_path)
    assert res.returncode == 0 and "4 file" not in res.stderr and "3 file(s) checked: 0 error(s), 1 warning(s)" in res.stderr
    res = run_hook("suanli-check", [tmp_path / "invalid.spec"], tmp_path)
    assert res.returncode == 2 and "E0304" in res.stderr
    res = run_hook("suanli-fmt", good, tmp_path)
    assert res.returncode == 0 and f"reformatted {ugly}" in res.stderr
    assert ugly.read_text() == (FIX / "base.spec").read_text()
    assert (tmp_path / "base.spec").read_text() == (FIX / "base.spec").read_text()
    res = run_hook("suanli-fmt", good, tmp_path)
    assert res.returncode == 0 and "reformatted" not in res.stderr


# -- README ---------------------------------------------------------------------------------------

def test_readme_ci_gate_section():
    readme = (ROOT / "README.md").read_text()
    sections = [s for s in re.split(r"^## ", readme, flags=re.M) if s.startswith("CI gate\n")]
    assert len(sections) == 1, "the README has one `## CI gate` section"
    blocks = re.findall(r"```yaml\n(.*?)```", sections[0], flags=re.S)
    docs = [yaml.safe_load(b) for b in blocks]
    workflow = next(d for d in docs if "jobs" in d)
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    (gate,) = [s for s in steps if "suanli" in str(s.get("uses", ""))]
    assert set(gate["with"]) <= set(ACTION["inputs"]) and "specs" in gate["with"]
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    precommit = next(d for d in docs if "repos" in d)
    ids = {h["id"] for repo in precommit["repos"] for h in repo["hooks"]}
    assert ids == {h["id"] for h in HOOKS}
