"""`suanli lsp` driven by a real LSP client over stdio (JSON-RPC, Content-Length framing)."""

import json

import pytest

from clirun import ROOT, suanli
from lspclient import LspClient

SPEC = """settings {
  horizon = 1 year
  currency = CNY
}

let gpu_power = 10.2 kW

region beijing {
  power_price = 0.65 CNY/kWh
  power_cap = 60 MW
  tags = [east]
}

region guizhou {
  power_price = 0.35 CNY/kWh
  tags = [west]
}

link beijing -- guizhou {
  latency = 28 ms
}

node gpu8 {
  class = ai
  compute = 8 * 989 TFLOPS
  power = gpu_power
  capex = 2.4e6 CNY
  lifetime = 5 years
}

demand chat {
  class = ai
  compute = 400 TFLOPS
  origin = beijing
  residency = [east]
}

require compute(ai, west) >= 10% * compute(ai)
"""


def pos(text: str, needle: str, nth: int = 0, offset: int = 0) -> dict:
    """LSP position of the nth occurrence of needle (+offset characters)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    start += offset
    line = text.count("\n", 0, start)
    return {"line": line, "character": start - (text.rfind("\n", 0, start) + 1)}


@pytest.fixture()
def session(tmp_path):
    path = tmp_path / "plan.spec"
    path.write_text(SPEC, encoding="utf-8")
    client = LspClient(tmp_path)
    caps = client.initialize(tmp_path)["capabilities"]
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "suanli", "version": 1,
                                                            "text": SPEC}})
    yield client, uri, path, caps
    assert client.close() == 0


def doc(uri):
    return {"textDocument": {"uri": uri}}


def test_capabilities_and_clean_spec_has_no_diagnostics(session):
    client, uri, _, caps = session
    for cap in ("hoverProvider", "definitionProvider", "referencesProvider", "completionProvider",
                "documentFormattingProvider", "documentSymbolProvider"):
        assert caps.get(cap), cap
    assert client.diagnostics_for(uri) == []


def test_diagnostics_as_you_type_match_check(session, tmp_path):
    client, uri, path, _ = session
    assert client.diagnostics_for(uri) == []
    broken = SPEC.replace("0.35 CNY/kWh", "0.35 CNY/kWhh")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": broken}]})
    diags = client.diagnostics_for(uri)
    path.write_text(broken, encoding="utf-8")  # the same text on disk, for `suanli check`
    checked = json.loads(suanli("check", path, "--format", "json").stdout)["diagnostics"]
    assert [d["code"] for d in diags] == [d["code"] for d in checked] == ["E0401"]  # unknown name
    d, c = diags[0], checked[0]
    assert d["severity"] == 1 and d["source"] == "suanli"
    assert d["range"]["start"] == {"line": c["line"] - 1, "character": c["column"] - 1}
    assert d["range"]["end"] == {"line": c["end_line"] - 1, "character": c["end_column"] - 1}
    assert c["message"] in d["message"] and f"help: {c['help']}" in d["message"]
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": SPEC}]})
    assert client.diagnostics_for(uri) == []  # fixed: the error goes away


def test_hover_property_name_quantity(session):
    client, uri, _, _ = session
    prop = client.request("textDocument/hover", {**doc(uri), "position": pos(SPEC, "power_cap", 0, 2)})
    text = prop["contents"]["value"]
    assert "power_cap" in text and "power" in text and "unlimited" in text
    name = client.request("textDocument/hover", {**doc(uri), "position": pos(SPEC, "origin = beijing", 0, 10)})
    assert "region beijing" in name["contents"]["value"]
    qty = client.request("textDocument/hover", {**doc(uri), "position": pos(SPEC, "60 MW", 0, 1)})
    assert "6e+07 J/s" in qty["contents"]["value"] and "60 MW" in qty["contents"]["value"]
    price = client.request("textDocument/hover", {**doc(uri), "position": pos(SPEC, "0.65 CNY/kWh", 0, 1)})
    assert "1.80556e-07 CNY/J" in price["contents"]["value"]
    metric = client.request("textDocument/hover", {**doc(uri), "position": pos(SPEC, "compute(ai, west)", 0, 2)})
    assert "**compute** (metric, compute rate)" in metric["contents"]["value"]


def test_definition_and_references(session):
    client, uri, _, _ = session
    where = client.request("textDocument/definition", {**doc(uri), "position": pos(SPEC, "power = gpu_power", 0, 9)})
    assert where[0]["uri"] == uri and where[0]["range"]["start"] == pos(SPEC, "gpu_power")
    tag = client.request("textDocument/definition", {**doc(uri), "position": pos(SPEC, "west)", 0, 1)})
    assert tag[0]["range"]["start"] == pos(SPEC, "[west]", 0, 1)
    refs = client.request("textDocument/references", {**doc(uri), "position": pos(SPEC, "region beijing", 0, 8),
                                                      "context": {"includeDeclaration": True}})
    starts = sorted((r["range"]["start"]["line"], r["range"]["start"]["character"]) for r in refs)
    expected = sorted((p["line"], p["character"]) for p in (
        pos(SPEC, "beijing"), pos(SPEC, "beijing --", 0), pos(SPEC, "origin = beijing", 0, 9)))
    assert starts == expected
    without = client.request("textDocument/references", {**doc(uri), "position": pos(SPEC, "region beijing", 0, 8),
                                                         "context": {"includeDeclaration": False}})
    assert len(without) == 2


def test_definition_follows_imports(tmp_path):
    (tmp_path / "sites.spec").write_text("region hub { power_price = 0.3 CNY/kWh }\n", encoding="utf-8")
    main = tmp_path / "main.spec"
    text = 'import "sites.spec"\nnode n { class = c  compute = 1 TFLOPS  power = 1 kW  regions = [hub] }\n'
    main.write_text(text, encoding="utf-8")
    client = LspClient(tmp_path)
    client.initialize(tmp_path)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": main.as_uri(), "languageId": "suanli",
                                                            "version": 1, "text": text}})
    where = client.request("textDocument/definition", {**doc(main.as_uri()), "position": pos(text, "[hub]", 0, 1)})
    assert where[0]["uri"] == (tmp_path / "sites.spec").as_uri()
    assert where[0]["range"]["start"] == {"line": 0, "character": 7}
    target = client.request("textDocument/definition", {**doc(main.as_uri()), "position": pos(text, "sites", 0, 1)})
    assert target[0]["uri"] == (tmp_path / "sites.spec").as_uri()
    assert client.close() == 0


def test_completion_of_properties_and_units(session):
    client, uri, _, _ = session
    typing = SPEC.replace("  power_cap = 60 MW\n", "  power_cap = 60 MW\n  pu\n", 1)
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": typing}]})
    props = client.request("textDocument/completion", {**doc(uri), "position": pos(typing, "  pu\n", 0, 4)})
    labels = {i["label"] for i in props["items"]}
    assert {"pue", "power_price", "carbon_intensity", "site_cost"} <= labels and "deadline" not in labels
    in_job = client.request("textDocument/completion", {**doc(uri), "position": pos(typing, "  compute = 400", 0, 2)})
    assert "residency" in {i["label"] for i in in_job["items"]}
    unit = client.request("textDocument/completion", {**doc(uri), "position": pos(typing, "60 MW", 0, 3)})
    labels = {i["label"] for i in unit["items"]}
    assert {"MW", "kW", "TFLOPS", "gCO2", "CNY"} <= labels


def test_formatting_and_document_symbols(session):
    client, uri, _, _ = session
    messy = SPEC.replace("  latency = 28 ms\n", "latency=28   ms;\n")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": messy}]})
    edits = client.request("textDocument/formatting", {**doc(uri), "options": {"tabSize": 2, "insertSpaces": True}})
    assert len(edits) == 1 and edits[0]["newText"] == SPEC
    symbols = client.request("textDocument/documentSymbol", doc(uri))
    names = [(s["name"], s["detail"]) for s in symbols]
    assert ("beijing", "region") in names and ("gpu8", "node") in names and ("chat", "demand") in names
    assert ("gpu_power", "let") in names and ("beijing -- guizhou", "link") in names


def test_lsp_help_is_listed():
    done = suanli("--help")
    assert "lsp" in done.stdout and "report" in done.stdout
