"""``flowlint lsp`` navigation over real stdio: go to definition (``outputs.X``, ``inputs.x``, a Subflow's
``flowId``), find references of a flow (its callers and listeners in other files), completion of ``flowId``
values and of the target's inputs, with the project index kept current (editor text, files on disk)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.lsp_client import Client, change, open_document, span, start_server, stop_server
from tests.conftest import STANDARD_MANIFEST

pytest.importorskip("pygls")

PARENT = """\
id: parent
namespace: company.team
inputs:
  - id: day
    type: DATE
tasks:
  - id: extract
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.day }}"
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: child
    inputs:
      day: "{{ outputs.extract.value }}"
  - id: report
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.call.outputs.total }}"
"""
CHILD = """\
id: child
namespace: company.team
inputs:
  - id: day
    type: DATE
  - id: region
    type: STRING
    defaults: eu
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.region }}"
outputs:
  - id: total
    type: INT
    value: 3
"""
LISTENER = """\
id: listener
namespace: company.ops
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: done
triggers:
  - id: after_child
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.team
        flowId: child
"""
BATCH = """\
id: batch
namespace: company.ops
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: kestra:///file.csv
    namespace: company.team
    flowId: child
    inputs:
      day: "{{ taskrun.items }}"
"""
DRAFT = """\
id: draft
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: ch
"""
DRAFT_INPUTS = DRAFT.replace("flowId: ch\n", "flowId: child\n    inputs:\n      \n")
"""A Subflow call of ``child`` with the cursor on an empty key line under ``inputs`` (line 8, column 6)."""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A project of four flows in three folders, one config at the top."""
    (tmp_path / "manifest.json").write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    (tmp_path / ".flowlint.yaml").write_text("manifest: manifest.json\n", "utf-8")
    for name, text in {
        "flows/parent.yml": PARENT,
        "flows/sub/child.yml": CHILD,
        "other/listener.yml": LISTENER,
        "other/batch.yml": BATCH,
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, "utf-8")
    return tmp_path


def _serve(repo: Path, capabilities: dict[str, Any]) -> Client:
    lsp = start_server(repo)
    result = lsp.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": repo.as_uri(),
            "capabilities": capabilities,
            "initializationOptions": {"debounceMs": 0, "reloadIntervalSeconds": 0},
        },
    )
    assert result["capabilities"]["definitionProvider"] and result["capabilities"]["referencesProvider"]
    lsp.notify("initialized", {})
    return lsp


@pytest.fixture
def client(repo: Path) -> Iterator[Client]:
    """A server for a client that reports no file changes."""
    lsp = _serve(repo, {})
    yield lsp
    stop_server(lsp)


@pytest.fixture
def watching(repo: Path) -> Iterator[Client]:
    """A server for a client that reports file changes (``workspace/didChangeWatchedFiles``)."""
    lsp = _serve(repo, {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}})
    yield lsp
    stop_server(lsp)


def _at(uri: str, line: int, character: int, **more: Any) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}, **more}


def _locations(found: list[dict[str, Any]] | None) -> list[tuple[str, dict[str, Any]]]:
    return [(location["uri"], location["range"]) for location in found or []]


def _labels(found: dict[str, Any] | None) -> list[str]:
    assert found is not None
    return [item["label"] for item in found["items"]]


def test_definition_of_an_output_reference_is_the_task_and_of_an_input_reference_the_input(
    client: Client, repo: Path
) -> None:
    uri, _ = open_document(client, repo, "flows/parent.yml", PARENT)
    to_task = client.request("textDocument/definition", _at(uri, 14, 25))  # on `extract` of outputs.extract
    assert _locations(to_task) == [(uri, span(6, 8, 15))]
    on_root_word = client.request("textDocument/definition", _at(uri, 14, 16))  # on `outputs`
    assert _locations(on_root_word) == [(uri, span(6, 8, 15))]
    to_input = client.request("textDocument/definition", _at(uri, 8, 25))  # on `day` of inputs.day
    assert _locations(to_input) == [(uri, span(3, 8, 11))]
    assert client.request("textDocument/definition", _at(uri, 8, 5)) is None  # on the key `message`


def test_definition_of_a_flow_id_is_the_flow_in_another_file(client: Client, repo: Path) -> None:
    uri, _ = open_document(client, repo, "flows/parent.yml", PARENT)
    found = client.request("textDocument/definition", _at(uri, 12, 14))  # on `child`
    assert _locations(found) == [((repo / "flows/sub/child.yml").as_uri(), span(0, 4, 9))]
    output = client.request("textDocument/definition", _at(uri, 17, 40))  # on `total` of outputs.call.outputs
    assert _locations(output) == [((repo / "flows/sub/child.yml").as_uri(), span(13, 8, 13))]


def test_references_of_a_flow_are_its_callers_and_listeners_in_other_files(client: Client, repo: Path) -> None:
    uri, _ = open_document(client, repo, "flows/sub/child.yml", CHILD)
    callers = [
        ((repo / "flows/parent.yml").as_uri(), span(12, 12, 17)),
        ((repo / "other/batch.yml").as_uri(), span(7, 12, 17)),
        ((repo / "other/listener.yml").as_uri(), span(12, 16, 21)),
    ]
    found = client.request("textDocument/references", _at(uri, 0, 6, context={"includeDeclaration": False}))
    assert _locations(found) == callers
    declared = client.request("textDocument/references", _at(uri, 0, 6, context={"includeDeclaration": True}))
    assert _locations(declared) == [(uri, span(0, 4, 9)), *callers]
    parent_uri, _ = open_document(client, repo, "flows/parent.yml", PARENT)
    from_a_caller = client.request(
        "textDocument/references", _at(parent_uri, 12, 14, context={"includeDeclaration": False})
    )
    assert _locations(from_a_caller) == callers


def test_references_of_a_task_or_an_input_are_its_reads_in_the_flow(client: Client, repo: Path) -> None:
    uri, _ = open_document(client, repo, "flows/parent.yml", PARENT)
    task = client.request("textDocument/references", _at(uri, 6, 10, context={"includeDeclaration": True}))
    assert _locations(task) == [(uri, span(6, 8, 15)), (uri, span(14, 23, 30))]
    read_input = client.request("textDocument/references", _at(uri, 3, 9, context={"includeDeclaration": False}))
    assert _locations(read_input) == [(uri, span(8, 24, 27))]


def test_flow_id_completion_offers_the_flows_of_the_namespace_given(client: Client, repo: Path) -> None:
    uri, _ = open_document(client, repo, "flows/draft.yml", DRAFT)  # not on disk: the editor's text counts
    found = client.request("textDocument/completion", _at(uri, 6, 14))
    assert _labels(found) == ["child", "parent"]  # not draft itself: a flow cannot call itself
    child = found["items"][0]
    assert child["detail"] == "company.team.child"
    assert child["textEdit"] == {"range": span(6, 12, 14), "newText": "child"}
    ops = DRAFT.replace("    namespace: company.team\n    flowId", "    namespace: company.ops\n    flowId")
    change(client, uri, 2, ops)
    assert _labels(client.request("textDocument/completion", _at(uri, 6, 14))) == ["batch", "listener"]


def test_input_completion_offers_the_target_inputs_not_passed_yet_required_first(client: Client, repo: Path) -> None:
    uri, _ = open_document(client, repo, "flows/draft.yml", DRAFT_INPUTS)
    found = client.request("textDocument/completion", _at(uri, 8, 6))
    assert found is not None
    assert [(i["label"], i["detail"], i["sortText"]) for i in found["items"]] == [
        ("day", "DATE · required", "0day"),
        ("region", "STRING", "1region"),
    ]
    assert found["items"][0]["textEdit"] == {"range": span(8, 6, 6), "newText": "day: "}
    change(client, uri, 2, DRAFT_INPUTS.replace("    inputs:\n", "    inputs:\n      day: 2024-01-01\n"))
    assert _labels(client.request("textDocument/completion", _at(uri, 9, 6))) == ["region"]


def test_the_editor_text_of_an_open_flow_wins_over_the_file(client: Client, repo: Path) -> None:
    uri, _ = open_document(client, repo, "flows/draft.yml", DRAFT_INPUTS)
    child_uri, _ = open_document(client, repo, "flows/sub/child.yml", CHILD)
    change(client, child_uri, 2, CHILD.replace("inputs:\n", "inputs:\n  - id: zone\n    type: STRING\n"))
    assert _labels(client.request("textDocument/completion", _at(uri, 8, 6))) == ["zone", "day", "region"]
    client.notify("textDocument/didClose", {"textDocument": {"uri": child_uri}})  # never saved: the file counts
    assert _labels(client.request("textDocument/completion", _at(uri, 8, 6))) == ["day", "region"]


def test_a_flow_written_or_removed_on_disk_is_seen_by_a_client_that_reports_no_changes(
    client: Client, repo: Path
) -> None:
    uri, _ = open_document(client, repo, "flows/draft.yml", DRAFT)
    assert _labels(client.request("textDocument/completion", _at(uri, 6, 14))) == ["child", "parent"]
    fresh = repo / "other" / "fresh.yml"
    fresh.write_text(CHILD.replace("id: child", "id: chores"), "utf-8")
    time.sleep(0.5)  # the files are looked at again once ten times the last look's duration has passed
    assert _labels(client.request("textDocument/completion", _at(uri, 6, 14))) == ["child", "chores", "parent"]
    fresh.unlink()
    time.sleep(0.5)
    assert _labels(client.request("textDocument/completion", _at(uri, 6, 14))) == ["child", "parent"]


def test_a_reported_change_on_disk_is_read_again(watching: Client, repo: Path) -> None:
    uri, _ = open_document(watching, repo, "flows/draft.yml", DRAFT_INPUTS)
    assert _labels(watching.request("textDocument/completion", _at(uri, 8, 6))) == ["day", "region"]
    child = repo / "flows" / "sub" / "child.yml"
    child.write_text(CHILD.replace("inputs:\n", "inputs:\n  - id: zone\n    type: STRING\n"), "utf-8")
    watching.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": child.as_uri(), "type": 2}]})
    assert _labels(watching.request("textDocument/completion", _at(uri, 8, 6))) == ["zone", "day", "region"]
    moved = repo / "other" / "child.yml"
    child.rename(moved)
    watching.notify(
        "workspace/didChangeWatchedFiles",
        {"changes": [{"uri": child.as_uri(), "type": 3}, {"uri": moved.as_uri(), "type": 1}]},
    )
    found = watching.request("textDocument/definition", _at(uri, 6, 14))
    assert _locations(found) == [(moved.as_uri(), span(0, 4, 9))]
