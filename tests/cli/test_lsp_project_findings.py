"""``flowlint lsp`` over real stdio: the project rules' findings (FL7xx) of an open document, judged on the
project index with the editor's unsaved text counted, as ``flowlint check`` gives them; the other open
documents published again when a flow they call changes (in the editor, or on disk)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.lsp_client import Client, by_code, change, open_document, span, start_server, stop_server
from tests.conftest import STANDARD_MANIFEST, run_cli

pytest.importorskip("pygls")

CALLER = """\
id: caller
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: child
    inputs:
      day: 2024-01-01
      zone: eu
"""
CHILD = """\
id: child
namespace: company.team
inputs:
  - id: day
    type: DATE
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.day }}"
"""
CHILD_WITH_ZONE = CHILD.replace("tasks:\n", "  - id: zone\n    type: STRING\n    defaults: eu\ntasks:\n")
LONER = """\
id: loner
namespace: company.ops
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: alone
"""
ZONE_WARNING = (
    "company.team.child declares no input 'zone': Subflow task 'call' passes a value the subflow never gets"
    " (an execution gets the inputs its flow declares, and only those)"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A caller passing an input ``zone`` its child does not declare, in two folders under one config."""
    (tmp_path / "manifest.json").write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    (tmp_path / ".flowlint.yaml").write_text("manifest: manifest.json\n", "utf-8")
    for name, text in {"flows/caller.yml": CALLER, "flows/sub/child.yml": CHILD, "other/loner.yml": LONER}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, "utf-8")
    return tmp_path


def _serve(repo: Path, capabilities: dict[str, Any], reload_seconds: float = 0) -> Client:
    lsp = start_server(repo)
    lsp.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": repo.as_uri(),
            "capabilities": capabilities,
            "initializationOptions": {"debounceMs": 0, "reloadIntervalSeconds": reload_seconds},
        },
    )
    lsp.notify("initialized", {})
    return lsp


@pytest.fixture
def client(repo: Path) -> Iterator[Client]:
    lsp = _serve(repo, {})
    yield lsp
    stop_server(lsp)


@pytest.fixture
def watching(repo: Path) -> Iterator[Client]:
    """A server for a client that reports file changes (``workspace/didChangeWatchedFiles``)."""
    lsp = _serve(repo, {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}})
    yield lsp
    stop_server(lsp)


def _shown(published: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(d["code"], d["message"], d["range"]) for d in published["diagnostics"]]


def _checked(repo: Path, name: str) -> list[tuple[str, str, dict[str, Any]]]:
    """What ``flowlint check`` reports for the file, as the editor shows it (message, help, 0-based range)."""
    run = run_cli(["check", "--no-cache", "--format", "json", name], repo)
    found = json.loads(run.stdout)["diagnostics"]
    return [
        (
            d["code"],
            d["message"] + (f"\nhelp: {d['help']}" if d["help"] else ""),
            {
                "start": {"line": d["line"] - 1, "character": d["column"] - 1},
                "end": {"line": d["endLine"] - 1, "character": d["endColumn"] - 1},
            },
        )
        for d in found
    ]


def _sync(lsp: Client, uri: str) -> None:
    """Wait until the server has handled every message sent before (it answers in order)."""
    lsp.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})


def test_an_open_caller_shows_fl702_where_and_as_flowlint_check_does(client: Client, repo: Path) -> None:
    _, published = open_document(client, repo, "flows/caller.yml", CALLER)
    [zone] = by_code(published)["FL702"]
    assert zone["range"] == span(9, 6, 10)
    assert zone["message"] == ZONE_WARNING
    assert zone["severity"] == 2
    assert zone["relatedInformation"] == [
        {
            "location": {"uri": (repo / "flows/sub/child.yml").as_uri(), "range": span(0, 4, 9)},
            "message": "flow company.team.child",
        }
    ]
    assert _shown(published) == _checked(repo, "flows/caller.yml")


def test_the_unsaved_text_of_the_caller_is_judged(client: Client, repo: Path) -> None:
    uri, _ = open_document(client, repo, "flows/caller.yml", CALLER)
    change(client, uri, 2, CALLER.replace("      zone: eu\n", "      zone: eu\n      shift: night\n"))
    shift = [d for d in by_code(client.diagnostics(uri, 2))["FL702"] if "'shift'" in d["message"]]
    assert [d["range"] for d in shift] == [span(10, 6, 11)]


def test_editing_the_child_publishes_the_caller_again_and_only_it(client: Client, repo: Path) -> None:
    caller, _ = open_document(client, repo, "flows/caller.yml", CALLER)
    loner, _ = open_document(client, repo, "other/loner.yml", LONER)
    child, _ = open_document(client, repo, "flows/sub/child.yml", CHILD)
    change(client, child, 2, CHILD_WITH_ZONE)  # never saved: the editor's text counts
    again = client.diagnostics(caller, 1)
    assert "FL702" not in by_code(again)
    change(client, child, 3, CHILD_WITH_ZONE.replace("message: ", "message: at "))  # the caller's findings stay
    client.diagnostics(child, 3)
    _sync(client, loner)
    assert client.published(caller) == []
    assert client.published(loner) == []  # calls nothing, called by none: never linted again
    client.notify("textDocument/didClose", {"textDocument": {"uri": child}})  # the file on disk counts again
    back = client.diagnostics(caller, 1, until=lambda p: "FL702" in by_code(p))
    assert [d["range"] for d in by_code(back)["FL702"]] == [span(9, 6, 10)]


def test_a_child_written_on_disk_and_reported_publishes_the_caller_again(watching: Client, repo: Path) -> None:
    caller, published = open_document(watching, repo, "flows/caller.yml", CALLER)
    assert "FL702" in by_code(published)
    child = repo / "flows" / "sub" / "child.yml"
    child.write_text(CHILD_WITH_ZONE, "utf-8")
    watching.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": child.as_uri(), "type": 2}]})
    assert "FL702" not in by_code(watching.diagnostics(caller, 1))
    child.unlink()
    watching.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": child.as_uri(), "type": 3}]})
    unknown = [d for d in _shown(watching.diagnostics(caller, 1)) if d[0] == "FL701"]
    assert [d[2] for d in unknown] == [span(6, 12, 17)]
    assert unknown == [d for d in _checked(repo, "flows/caller.yml") if d[0] == "FL701"]


def test_an_ignore_comment_suppresses_fl702_in_the_editor_as_in_check(client: Client, repo: Path) -> None:
    ignored = CALLER.replace("      zone: eu\n", "      zone: eu  # flowlint: ignore[FL702] passed for later\n")
    (repo / "flows/caller.yml").write_text(ignored, "utf-8")
    uri, published = open_document(client, repo, "flows/caller.yml", ignored)
    assert "FL702" not in by_code(published)
    assert _shown(published) == _checked(repo, "flows/caller.yml")
    child, _ = open_document(client, repo, "flows/sub/child.yml", CHILD)
    change(client, child, 2, CHILD_WITH_ZONE)  # nothing left to suppress: the comment is reported unused
    unused = by_code(client.diagnostics(uri, 1, until=lambda p: "FL900" in by_code(p)))["FL900"]
    (repo / "flows/sub/child.yml").write_text(CHILD_WITH_ZONE, "utf-8")
    assert _shown({"diagnostics": unused}) == [d for d in _checked(repo, "flows/caller.yml") if d[0] == "FL900"]


def test_a_child_written_on_disk_is_seen_by_a_client_that_reports_no_changes(repo: Path) -> None:
    lsp = _serve(repo, {}, reload_seconds=0.1)  # every check of the config compares the flow files' stat
    try:
        caller, published = open_document(lsp, repo, "flows/caller.yml", CALLER)
        assert "FL702" in by_code(published)
        (repo / "flows" / "sub" / "child.yml").write_text(CHILD_WITH_ZONE, "utf-8")
        assert "FL702" not in by_code(lsp.diagnostics(caller, 1))
    finally:
        stop_server(lsp)


def test_a_duplicate_flow_points_to_the_other_file(client: Client, repo: Path) -> None:
    copy = repo / "other" / "copy.yml"
    copy.write_text(CHILD, "utf-8")
    _, published = open_document(client, repo, "flows/sub/child.yml", CHILD)
    [duplicate] = by_code(published)["FL703"]
    assert duplicate["range"] == span(0, 4, 9)
    assert duplicate["message"].startswith(f"flow company.team.child is also defined in {copy} (line 1): ")
    assert duplicate["relatedInformation"] == [
        {
            "location": {"uri": copy.as_uri(), "range": span(0, 4, 9)},
            "message": "flow company.team.child also defined here",
        }
    ]


def test_the_namespaces_the_config_owns_are_judged_as_check_judges_them(repo: Path) -> None:
    (repo / ".flowlint.yaml").write_text('manifest: manifest.json\nproject: {namespaces: ["company.**"]}\n', "utf-8")
    elsewhere = CALLER.replace("namespace: company.team\n    flowId", "namespace: company.finance\n    flowId")
    (repo / "flows" / "caller.yml").write_text(elsewhere, "utf-8")
    lsp = _serve(repo, {})
    try:
        _, published = open_document(lsp, repo, "flows/caller.yml", elsewhere)
    finally:
        stop_server(lsp)
    [unknown] = by_code(published)["FL701"]  # no flow of the project is in company.finance, but it owns it
    assert unknown["range"] == span(6, 12, 17)
    assert _shown(published) == _checked(repo, "flows/caller.yml")
