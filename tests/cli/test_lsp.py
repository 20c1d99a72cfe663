"""``flowlint lsp``: a real server process spoken to over stdio with a minimal JSON-RPC client."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.lsp_client import (
    TIMEOUT,
    Client,
    apply,
    by_code,
    change,
    open_document,
    span,
    start_server,
    stop_server,
)
from tests.conftest import STANDARD_MANIFEST

pytest.importorskip("pygls")

FLOW = """\
id: hello
namespace: company.team
tasks:
  - id: query
    type: io.kestra.plugin.jdbc.postgresql.Query
    version: "1.2.0"
  - id: script
    type: io.kestra.plugin.scripts.shell.Script
    version: 0.20
    script: echo hi
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lsp")
    (root / "manifest.json").write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    # the module's documents, one flow each time, stay open: FL703 (duplicate-flow) would report each
    (root / ".flowlint.yaml").write_text("manifest: manifest.json\nignore: [FL703]\n", "utf-8")
    return root


@pytest.fixture(scope="module")
def client(folder: Path) -> Iterator[Client]:
    lsp = start_server(folder)
    capabilities = lsp.initialize(folder, {"debounceMs": 60, "reloadIntervalSeconds": 0.2})
    assert capabilities["hoverProvider"] and capabilities["codeActionProvider"] and capabilities["completionProvider"]
    yield lsp
    stop_server(lsp)


def test_open_publishes_ranges_codes_and_rule_links(client: Client, folder: Path) -> None:
    _, published = open_document(client, folder, "open.yml", FLOW)
    found = by_code(published)
    assert sorted(found) == ["FL102", "FL107"]
    not_installed = sorted((d["range"]["start"]["line"], d) for d in found["FL102"])
    first = not_installed[0][1]
    assert first["range"] == span(5, 13, 20)  # "1.2.0" with its quotes, line 6 column 14
    assert first["severity"] == 1 and first["source"] == "flowlint"
    assert first["codeDescription"]["href"] == "https://flowlint.dev/rules/FL102"
    assert "1.2.0" in first["message"] and "did you mean 1.2.1?" in first["message"]
    unquoted = found["FL107"][0]
    assert unquoted["range"] == span(8, 13, 17) and unquoted["severity"] == 2


def test_change_relints_the_latest_text_after_the_pause(client: Client, folder: Path) -> None:
    uri, _ = open_document(client, folder, "change.yml", FLOW)
    change(client, uri, 2, FLOW.replace('"1.2.0"', '"1.2.1"'))
    change(client, uri, 3, FLOW.replace('"1.2.0"', '"1.2.3"').replace("0.20", '"0.21"'))
    published = client.diagnostics(uri, 3)
    assert published["diagnostics"] == []
    time.sleep(0.2)
    assert [p for p in client.published(uri) if p["version"] == 2] == []  # never linted on its own


def test_quick_fix_quotes_the_version_and_the_finding_goes(client: Client, folder: Path) -> None:
    uri, published = open_document(client, folder, "fix.yml", FLOW)
    unquoted = by_code(published)["FL107"][0]
    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": unquoted["range"], "context": {"diagnostics": [unquoted]}},
    )
    assert len(actions) == 1
    action = actions[0]
    assert action["kind"] == "quickfix" and action["isPreferred"] is True
    assert action["diagnostics"][0]["code"] == "FL107"
    edits = action["edit"]["changes"][uri]
    assert edits == [{"range": unquoted["range"], "newText": '"0.20"'}]
    change(client, uri, 2, apply(FLOW, edits))
    after = by_code(client.diagnostics(uri, 2))
    assert "FL107" not in after
    assert [d["range"]["start"]["line"] for d in after["FL102"]] == [5]  # 0.20 now selects 0.20.0


def test_hover_on_type_and_version_says_plugin_version_and_why(client: Client, folder: Path) -> None:
    uri, _ = open_document(client, folder, "hover.yml", FLOW.replace("0.20", '"0.20"'))
    shown = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 7, "character": 20}}
    )
    text = shown["contents"]["value"]
    assert shown["contents"]["kind"] == "markdown"
    assert "`io.kestra.plugin:plugin-script-shell`" in text
    assert "Resolves to version **0.20.0**" in text
    assert "version `0.20` comes from its own version" in text and "selects the newest 0.20.x" in text
    assert shown["range"] == span(7, 10, 47)
    failing = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 15}}
    )["contents"]["value"]
    assert "**Does not resolve**" in failing and "`io.kestra.plugin:plugin-jdbc-postgres`" in failing
    assert "`FL102` version 1.2.0 of io.kestra.plugin:plugin-jdbc-postgres is not installed" in failing
    assert "Installed versions with this type: 1.2.3, 1.2.1, 0.19.0" in failing


def test_completion_offers_installed_versions_newest_first_and_keywords(client: Client, folder: Path) -> None:
    text = FLOW.replace('    version: "1.2.0"\n', "    version: \n")
    uri, _ = open_document(client, folder, "complete.yml", text)
    result = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 13}}
    )
    labels = [item["label"] for item in sorted(result["items"], key=lambda i: i["sortText"])]
    assert labels == ["1.2.3", "1.2.1", "0.19.0", "LATEST", "OLDEST", "NONE"]
    first = next(item for item in result["items"] if item["label"] == "1.2.3")
    assert first["textEdit"] == {"range": span(5, 13, 13), "newText": '"1.2.3"'}
    types = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 7, "character": 36}}
    )
    assert [item["label"] for item in types["items"]] == ["io.kestra.plugin.scripts.shell.Script"]
    assert types["items"][0]["textEdit"]["range"] == span(7, 10, 36)


def test_utf16_columns_after_an_emoji(client: Client, folder: Path) -> None:
    line = '  - {id: launch, description: "🚀 go", type: io.kestra.plugin.jdbc.postgresql.Query, version: "9.9"}'
    _, published = open_document(client, folder, "emoji.yml", FLOW + line + "\n")
    last = max(by_code(published)["FL102"], key=lambda d: d["range"]["start"]["line"])
    start = line.index('"9.9"') + 1  # the rocket is two UTF-16 code units
    assert last["range"] == span(10, start, start + 5)


def test_files_that_are_not_flows_stay_silent(client: Client, folder: Path) -> None:
    _, published = open_document(client, folder, "other.yml", "jobs: [unclosed\n")
    assert published["diagnostics"] == []


def test_manifest_change_is_picked_up(client: Client, folder: Path) -> None:
    text = FLOW.replace("0.20", '"0.20"')
    uri, published = open_document(client, folder, "reload.yml", text)
    assert list(by_code(published)) == ["FL102"]
    data = json.loads(json.dumps(STANDARD_MANIFEST))
    postgres = next(p for p in data["plugins"] if p["artifactId"] == "plugin-jdbc-postgres")
    postgres["versions"].append({"version": "1.2.0", "tasks": ["io.kestra.plugin.jdbc.postgresql.Query"]})
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps(data, indent=1), "utf-8")
    try:
        client.diagnostics(uri, until=lambda p: "FL102" not in by_code(p))  # 1.2.0 is installed now
    finally:
        manifest.write_text(json.dumps(STANDARD_MANIFEST), "utf-8")


def test_a_config_error_is_shown_until_it_is_fixed(client: Client, folder: Path) -> None:
    broken = folder / "broken"
    broken.mkdir()
    (broken / ".flowlint.yaml").write_text("manifest: plugins.json\n", "utf-8")
    uri, published = open_document(client, broken, "flow.yml", FLOW)
    [problem] = published["diagnostics"]
    assert problem["range"] == span(0, 0, 0) and problem["severity"] == 1
    assert problem["message"].startswith("flowlint cannot check this file:") and "plugins.json" in problem["message"]
    (broken / "plugins.json").write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    client.diagnostics(uri, until=lambda p: sorted(by_code(p)) == ["FL102", "FL107"])


def test_close_clears_and_shutdown_exits_cleanly(client: Client, folder: Path) -> None:
    uri, _ = open_document(client, folder, "close.yml", FLOW)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    client.diagnostics(uri, until=lambda p: p["diagnostics"] == [] and p.get("version") is None)
    assert client.request("shutdown", None) is None
    client.notify("exit", None)
    assert client.process.wait(timeout=TIMEOUT) == 0


def test_without_the_extra_it_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from flowlint.cli import main

    monkeypatch.setitem(sys.modules, "pygls", None)
    result = CliRunner().invoke(main, ["lsp"])
    assert result.exit_code == 2
    assert "flowlint lsp needs the [lsp] extra: pip install 'kestra-flowlint[lsp]'" in result.output


def test_positions_count_utf16_units_and_yaml_line_breaks() -> None:
    from lsprotocol import types

    from flowlint.diagnostics import Span
    from flowlint.lsp.positions import LineIndex

    text = "a: 1\r\nb: \U0001f680x\x85c: 2\n"  # YAML breaks lines at NEL, LSP does not
    index = LineIndex(text)
    assert str(index.range(Span(2, 4, 2, 6))) == "1:3-1:6"  # the rocket, then x
    assert str(index.range(Span(3, 1, 3, 2))) == "1:7-1:8"  # c, after the NEL, is on LSP line 1
    assert str(LineIndex(text, "utf-8").range(Span(2, 4, 2, 6))) == "1:3-1:8"
    assert str(LineIndex(text, "utf-32").range(Span(2, 4, 2, 6))) == "1:3-1:5"
    assert text[index.offset_at(types.Position(1, 5))] == "x"
