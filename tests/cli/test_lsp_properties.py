"""``flowlint lsp`` on plugin properties: key and enum completion, hover on a key, for the version each
plugin resolves to (a real server over stdio, against a hand-written manifest with property definitions)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cli.lsp_client import Client, open_document, span, start_server, stop_server
from tests.conftest import STANDARD_MANIFEST

pytest.importorskip("pygls")


def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(STANDARD_MANIFEST))
    core = data["plugins"][0]
    log = [
        {"name": "message", "kind": "any", "dyn": True, "req": True},
        {"name": "level", "kind": "enum", "enum": ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"], "def": "INFO"},
    ]
    core["properties"] = {"types": {"io.kestra.plugin.core.log.Log": {"kind": "task", "root": "task", "props": log}}}
    postgres = next(p for p in data["plugins"] if p["artifactId"] == "plugin-jdbc-postgres")
    query = [
        {"name": "url", "kind": "string", "dyn": True, "req": True},
        {"name": "sql", "kind": "string", "dyn": True, "req": True},
        {"name": "fetchType", "kind": "enum", "enum": ["FETCH", "FETCH_ONE", "NONE"], "def": "NONE", "since": "1.2.1"},
        {"name": "fetchOne", "kind": "boolean", "dep": True, "def": False},
        {"name": "options", "kind": "object", "ref": "io.kestra.plugin.jdbc.Options"},
    ]
    options = [
        {"name": "mode", "kind": "enum", "enum": ["FAST", "SAFE"], "req": True},
        {"name": "limit", "kind": "integer"},
    ]
    postgres["properties"] = {
        "types": {"io.kestra.plugin.jdbc.postgresql.Query": {"kind": "task", "root": "task", "props": query}},
        "defs": {"io.kestra.plugin.jdbc.Options": {"props": options}},
    }
    task = [
        {"name": "id", "kind": "string", "req": True},
        {"name": "description", "kind": "string"},
        {"name": "timeout", "kind": "duration", "dyn": True},
    ]
    data["kestra"] = {"versions": ["1.3.0"], "sets": {"task": {"props": task}}}
    return data


FLOW = """\
id: hello
namespace: company.team
tasks:
  - id: query
    type: io.kestra.plugin.jdbc.postgresql.Query
    version: "1.2.3"
    sql: SELECT 1
    fetchType: NONE
    options:
      mode: FAST
{blank}
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
    level: W
""".format(blank=" " * 6)  # a blank line as an editor leaves it after Enter in `options`


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, str]]:
    folder = tmp_path_factory.mktemp("lsp-properties")
    (folder / "manifest.json").write_text(json.dumps(_manifest()), "utf-8")
    (folder / ".flowlint.yaml").write_text('manifest: manifest.json\ntargetKestraVersion: "1.3"\n', "utf-8")
    client = start_server(folder)
    client.initialize(folder, {"debounceMs": 0, "reloadIntervalSeconds": 0})
    uri, _ = open_document(client, folder, "flow.yml", FLOW)
    yield client, uri
    stop_server(client)


def _at(client: Client, uri: str, method: str, line: int, character: int) -> Any:
    return client.request(method, {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})


def _sorted(result: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(result["items"], key=lambda item: item["sortText"])


def test_key_completion_offers_the_missing_keys_required_first(session: tuple[Client, str]) -> None:
    client, uri = session
    offered = _sorted(_at(client, uri, "textDocument/completion", 10, 4))  # the blank line in the Query
    assert [(item["label"], item["detail"]) for item in offered] == [
        ("url", "string · required"),
        ("description", "string"),
        ("timeout", "duration"),
        ("fetchOne", "boolean · deprecated"),
    ]
    url, fetch_one = offered[0], offered[-1]
    assert url["textEdit"] == {"range": span(10, 4, 4), "newText": "url: "}
    assert url["documentation"]["value"] == "Dynamic: Pebble expressions are rendered when it runs."
    assert fetch_one["tags"] == [1]
    assert fetch_one["documentation"]["value"] == (
        "Default: `false`.\n\nNot dynamic: Kestra reads the value as written, when the flow is saved."
    )
    nested = _sorted(_at(client, uri, "textDocument/completion", 10, 6))  # inside `options`
    assert [(item["label"], item["detail"]) for item in nested] == [("limit", "integer")]


def test_enum_completion_offers_the_constants(session: tuple[Client, str]) -> None:
    client, uri = session
    offered = _sorted(_at(client, uri, "textDocument/completion", 14, 12))
    assert [(item["label"], item["detail"]) for item in offered] == [
        ("TRACE", "level"),
        ("DEBUG", "level"),
        ("INFO", "level · default"),
        ("WARN", "level"),
        ("ERROR", "level"),
        ("OFF", "level"),
    ]
    assert offered[3]["textEdit"] == {"range": span(14, 11, 12), "newText": "WARN"}
    assert offered[5]["textEdit"]["newText"] == '"OFF"'  # plain OFF is false to a YAML 1.1 reader
    nested = _at(client, uri, "textDocument/completion", 9, 12)
    assert [item["label"] for item in _sorted(nested)] == ["FAST", "SAFE"]


def test_hover_on_a_key_describes_the_property(session: tuple[Client, str]) -> None:
    client, uri = session
    shown = _at(client, uri, "textDocument/hover", 7, 6)
    assert shown["range"] == span(7, 4, 13)
    assert shown["contents"]["value"] == (
        "**`fetchType`** (enum) of `io.kestra.plugin.jdbc.postgresql.Query 1.2.3 (plugin-jdbc-postgres)`\n\n"
        "Optional.\n\n"
        "One of `FETCH`, `FETCH_ONE`, `NONE`.\n\n"
        "Default: `NONE`.\n\n"
        "Not dynamic: Kestra reads the value as written, when the flow is saved.\n\n"
        "Installed versions with it: 1.2.3, 1.2.1 (exists from 1.2.1)\n"
    )
    core = _at(client, uri, "textDocument/hover", 13, 5)["contents"]["value"]
    assert core == (
        "**`message`** (any) of `io.kestra.plugin.core.log.Log (Kestra 1.3)`\n\n"
        "Required.\n\n"
        "Dynamic: Pebble expressions are rendered when it runs.\n\n"
        "A core type: its properties follow the Kestra version (Kestra 1.3 here).\n"
    )
    inherited = _at(client, uri, "textDocument/hover", 3, 5)["contents"]["value"]
    assert inherited.endswith(
        "Inherited from Kestra's classes: it follows the Kestra version (Kestra 1.3 here), not the plugin's.\n"
    )
    assert _at(client, uri, "textDocument/hover", 9, 7)["contents"]["value"].startswith(
        "**`mode`** (enum) of `Options (in io.kestra.plugin.jdbc.postgresql.Query 1.2.3 (plugin-jdbc-postgres))`\n\n"
        "Required.\n\n"
    )
