"""`flowlint inventory` and `flowlint impact` end to end through a real subprocess."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import STANDARD_MANIFEST, run_cli

QUERY = "io.kestra.plugin.jdbc.postgresql.Query"
SCRIPT = "io.kestra.plugin.scripts.shell.Script"
LOG = "io.kestra.plugin.core.log.Log"
POSTGRES = "io.kestra.plugin:plugin-jdbc-postgres"
SHELL = "io.kestra.plugin:plugin-script-shell"


def _manifest(postgres_versions: list[str]) -> dict[str, Any]:
    data = copy.deepcopy(STANDARD_MANIFEST)
    postgres = next(p for p in data["plugins"] if p["artifactId"] == "plugin-jdbc-postgres")
    postgres["versions"] = [{"version": v, "tasks": [QUERY]} for v in postgres_versions]
    return data


def _flow(flow_id: str, body: str, namespace: str = "company.team", head: str = "") -> str:
    return f"id: {flow_id}\nnamespace: {namespace}\n{head}tasks:\n{body}"


def _task(type_: str, version: str | None = None, task_id: str = "t", indent: str = "  ") -> str:
    text = f"{indent}- id: {task_id}\n{indent}  type: {type_}\n"
    return text + (f"{indent}  version: {version}\n" if version is not None else "")


# The scenario: postgres goes from {1.2.1, 1.2.3} to {1.2.3, 1.3.0} (three versions in all); ten flows.
FLOWS = {
    "f01.yml": _flow("f01", _task(QUERY, '"1.2.1"')),  # breaks: 1.2.1 removed
    "f02.yml": _flow("f02", _task(QUERY, '"1.2.3"')),  # stays
    "f03.yml": _flow("f03", _task(QUERY, '"1.2"')),  # stays on 1.2.3
    "f04.yml": _flow("f04", _task(QUERY, '"1"')),  # moves 1.2.3 -> 1.3.0
    "f05.yml": _flow("f05", _task(QUERY)),  # moves: the instance default LATEST
    "f06.yml": _flow("f06", _task(QUERY, "OLDEST")),  # moves 1.2.1 -> 1.2.3
    "f07.yml": _flow(  # breaks: the flow default pins 1.2.1
        "f07",
        _task(QUERY),
        head='pluginDefaults:\n  - type: io.kestra.plugin.jdbc\n    values:\n      version: "1.2.1"\n',
    ),
    "f08.yml": _flow("f08", _task(SCRIPT) + _task(LOG, task_id="log")),  # nothing changes
    "f09.yml": _flow("f09", _task(QUERY), namespace="legacy"),  # breaks: the namespace default pins 1.2.1
    "f10.yml": _flow(  # breaks (nested) and moves (LATEST)
        "f10",
        "  - id: p\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n"
        + _task(QUERY, '"1.2.1"', "inner", indent="      ")
        + _task(QUERY, "latest", "other"),
    ),
}
CONFIG = (
    "manifest: old.json\n"
    "namespaces:\n  legacy:\n    pluginDefaults:\n"
    f'      - type: {QUERY}\n        values: {{version: "1.2.1"}}\n'
)


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    (tmp_path / "old.json").write_text(json.dumps(_manifest(["1.2.1", "1.2.3"])), "utf-8")
    (tmp_path / "new.json").write_text(json.dumps(_manifest(["1.2.3", "1.3.0"])), "utf-8")
    (tmp_path / ".flowlint.yaml").write_text(CONFIG, "utf-8")
    (tmp_path / "flows").mkdir()
    for name, text in FLOWS.items():
        (tmp_path / "flows" / name).write_text(text, "utf-8")
    return tmp_path


def test_impact_lists_exactly_the_uses_that_break_and_move(scenario: Path) -> None:
    done = run_cli(["impact", "--to", "new.json", "flows", "--format", "json"], cwd=scenario)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert [group["plugin"] for group in report["breaks"]] == [POSTGRES]
    breaks = [(u["file"], u["line"], u["from"], u["finding"]["code"]) for u in report["breaks"][0]["uses"]]
    assert breaks == [
        ("flows/f01.yml", 5, "1.2.1", "FL102"),
        ("flows/f07.yml", 9, "1.2.1", "FL102"),
        ("flows/f09.yml", 5, "1.2.1", "FL102"),
        ("flows/f10.yml", 8, "1.2.1", "FL102"),
    ]
    messages = [u["finding"]["message"] for u in report["breaks"][0]["uses"]]
    assert messages[0] == f"version 1.2.1 of {POSTGRES} is not installed (installed: 1.2.3, 1.3.0)"
    assert messages[1].endswith("(for task 't' at tasks[0])")
    assert messages[2].endswith(
        f"; the version comes from the namespace legacy plugin default for {QUERY} ({scenario / '.flowlint.yaml'})"
    )
    moves = [(u["file"], u["line"], u["from"], u["to"], u["requestedFromAfter"]) for u in report["moves"][0]["uses"]]
    assert moves == [
        ("flows/f04.yml", 5, "1.2.3", "1.3.0", "plugin"),
        ("flows/f05.yml", 5, "1.2.3", "1.3.0", "instance"),
        ("flows/f06.yml", 5, "1.2.1", "1.2.3", "plugin"),
        ("flows/f10.yml", 11, "1.2.3", "1.3.0", "plugin"),
    ]
    assert report["fixes"] == []
    assert report["propertyBreaks"] == []  # the data describes none of the versions of the scenario
    assert report["summary"] == {
        "uses": 13,
        "flows": 10,
        "breaks": 4,
        "propertyBreaks": 0,
        "moves": 4,
        "fixes": 0,
        "unchanged": 5,
    }
    assert report["throughCalls"] == []  # no flow calls another


def test_impact_text_groups_by_plugin_and_exits_0_when_nothing_breaks(scenario: Path) -> None:
    done = run_cli(["impact", "--to", "new.json", "flows"], cwd=scenario)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == "impact of moving the installed plugins from test instance to test instance"
    assert lines[2:4] == ["would stop resolving: 4 uses", f"  {POSTGRES}"]
    assert lines[4] == (
        f"    flows/f01.yml:5:11  company.team/f01  task 't'  {QUERY}: 1.2.1 -> FL102 version 1.2.1 of {POSTGRES} "
        "is not installed (installed: 1.2.3, 1.3.0)"
    )
    assert (
        f"    flows/f05.yml:5:11  company.team/f05  task 't'  {QUERY}: 1.2.3 -> 1.3.0  (requested LATEST: the "
        "instance default version LATEST (Kestra's default))"
    ) in lines
    assert lines[-1] == (
        "13 plugin uses in 10 flows: 4 would stop resolving, 0 would break on their properties, 4 would change "
        "version, 0 would start resolving, 5 unchanged"
    )
    # the way back: the uses that broke start resolving again, nothing breaks
    (scenario / "back.yaml").write_text(CONFIG.replace("old.json", "new.json"), "utf-8")
    back = run_cli(["impact", "--config", "back.yaml", "--to", "old.json", "flows", "--format", "json"], cwd=scenario)
    assert back.returncode == 0, back.stdout + back.stderr
    summary = json.loads(back.stdout)["summary"]
    assert (summary["breaks"], summary["fixes"], summary["moves"]) == (0, 4, 4)


def test_impact_usage_errors(scenario: Path) -> None:
    missing = run_cli(["impact", "--to", "nowhere.json", "flows"], cwd=scenario)
    assert missing.returncode == 2 and "nowhere.json" in missing.stderr and "Traceback" not in missing.stderr
    no_to = run_cli(["impact", "flows"], cwd=scenario)
    assert no_to.returncode == 2 and "--to" in no_to.stderr


def test_inventory_table_csv_and_json(scenario: Path) -> None:
    table = run_cli(["inventory", "flows/f04.yml", "flows/f07.yml", "flows/f08.yml"], cwd=scenario)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines() == [
        "FILE:LINE        NAMESPACE     FLOW  TASK  TYPE" + " " * 36 + "REQUESTED  FROM      RESOLVED",
        f"flows/f04.yml:5  company.team  f04   t     {QUERY}  1          plugin    1.2.3",
        f"flows/f07.yml:9  company.team  f07   t     {QUERY}  1.2.1      flow      1.2.1",
        f"flows/f08.yml:5  company.team  f08   t     {SCRIPT}   LATEST     instance  0.21.0",
        f"flows/f08.yml:7  company.team  f08   log   {LOG}" + " " * 32 + "core",
        "4 plugin uses in 3 flows; 0 do not resolve",
    ]
    rows = list(csv.DictReader(io.StringIO(run_cli(["inventory", "flows", "--format", "csv"], cwd=scenario).stdout)))
    assert len(rows) == 13
    assert rows[0] == {
        "file": "flows/f01.yml",
        "line": "5",
        "column": "11",
        "namespace": "company.team",
        "flowId": "f01",
        "taskId": "t",
        "kind": "task",
        "type": QUERY,
        "plugin": POSTGRES,
        "requested": "1.2.1",
        "requestedFrom": "plugin",
        "resolved": "1.2.1",
        "status": "resolved",
        "yamlPath": "tasks[0]",
    }
    data = json.loads(run_cli(["inventory", "flows/f09.yml", "--format", "json"], cwd=scenario).stdout)
    assert [(u["requested"], u["requestedFrom"], u["resolved"]) for u in data["uses"]] == [
        ("1.2.1", "namespace", "1.2.1")
    ]


def test_inventory_by_plugin_answers_which_flows_run_a_version(scenario: Path) -> None:
    done = run_cli(["inventory", "flows", "--by", "plugin", "--format", "json", "--plugin", POSTGRES], cwd=scenario)
    assert done.returncode == 0, done.stderr
    groups = {(g["plugin"], g["version"]): g for g in json.loads(done.stdout)["plugins"]}
    assert sorted(groups) == [(POSTGRES, "1.2.1"), (POSTGRES, "1.2.3")]
    assert groups[(POSTGRES, "1.2.1")]["flows"] == [
        "company.team/f01",
        "company.team/f06",
        "company.team/f07",
        "company.team/f10",
        "legacy/f09",
    ]
    assert groups[(POSTGRES, "1.2.1")]["uses"] == 5
    text = run_cli(["inventory", "flows", "--by", "plugin", "--plugin", "io.kestra.plugin.scripts"], cwd=scenario)
    assert text.stdout.splitlines() == [
        f"{SHELL} 0.21.0: 1 use in 1 flow",
        f"  company.team/f08  t  {SCRIPT}  flows/f08.yml:5",
    ]


def test_inventory_lists_schedule_conditions_as_conditions_and_no_asset_declarations(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    body = _task(LOG, task_id="log") + (
        "    assets:\n      outputs:\n        - id: orders\n          type: io.kestra.plugin.ee.assets.Table\n"
        "triggers:\n  - id: daily\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: '@daily'\n"
        "    scheduleConditions:\n      - type: io.kestra.plugin.core.condition.Weekend\n"
    )
    (tmp_path / "f.yml").write_text(_flow("f", body), "utf-8")
    done = run_cli(["inventory", "f.yml", "--manifest", "m.json", "--format", "csv"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["line"], r["kind"], r["type"], r["yamlPath"], r["status"]) for r in rows] == [
        ("5", "task", LOG, "tasks[0]", "core"),
        ("12", "trigger", "io.kestra.plugin.core.trigger.Schedule", "triggers[0]", "core"),
        ("15", "condition", "io.kestra.plugin.core.condition.Weekend", "triggers[0].scheduleConditions[0]", "core"),
    ]


def test_impact_when_a_mapping_is_a_plugin_for_one_manifest_only(tmp_path: Path) -> None:
    """A ``type`` outside the plugin slots is a plugin only when the manifest knows it (kind "other")."""
    from flowlint.files import Candidate
    from flowlint.impact import compute
    from flowlint.rules import enabled_codes
    from tests.conftest import manifest, settings

    path = tmp_path / "flow.yml"
    body = _task(SCRIPT) + "    options:\n      type: io.example.Storage\n"
    path.write_text(_flow("f", body), "utf-8")
    new = copy.deepcopy(STANDARD_MANIFEST)
    new["plugins"].append(
        {
            "groupId": "io.example",
            "artifactId": "storage",
            "versions": [{"version": "1.0.0", "others": ["io.example.Storage"]}],
        }
    )
    result = compute([Candidate(path, "flow.yml")], settings(), manifest(), manifest(new), enabled_codes())
    assert (result.uses, result.breaking, len(result.moves)) == (2, False, 0)
    back = compute([Candidate(path, "flow.yml")], settings(), manifest(new), manifest(), enabled_codes())
    assert (back.uses, len(back.breaks)) == (2, 0)
