"""`flowlint impact` on plugin properties: the uses that still resolve after a change of plugins but would
get FL501 (a key the version they move to lacks) or FL502 (a property it requires that nothing gives
them), on the bundled property data and on a hand-written manifest with `properties` sections."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

QUERY = "io.kestra.plugin.jdbc.postgresql.Query"
POSTGRES = "io.kestra.plugin:plugin-jdbc-postgres"
LATEST = "(requested LATEST: the instance default version LATEST (Kestra's default))"


def _postgres(source: str, versions: list[str]) -> dict[str, Any]:
    """A manifest with plugin-jdbc-postgres at ``versions`` (its properties: the bundled data's)."""
    plugin = {
        "groupId": "io.kestra.plugin",
        "artifactId": "plugin-jdbc-postgres",
        "versions": [{"version": v, "tasks": [QUERY]} for v in versions],
    }
    return {"manifestVersion": 1, "source": source, "plugins": [plugin]}


def _query_flow(flow_id: str, body: str, namespace: str = "company.team", head: str = "") -> str:
    return f"id: {flow_id}\nnamespace: {namespace}\n{head}tasks:\n  - id: q\n    type: {QUERY}\n{body}"


URL = "    url: jdbc:postgresql://db/app\n"


@pytest.fixture
def sql_becomes_required(tmp_path: Path) -> Path:
    """plugin-jdbc-postgres goes from {1.2.0} to {1.2.0, 1.3.0}: Query's `sql` is required from 1.3.0."""
    (tmp_path / "old.json").write_text(json.dumps(_postgres("old", ["1.2.0"])), "utf-8")
    (tmp_path / "new.json").write_text(json.dumps(_postgres("new", ["1.2.0", "1.3.0"])), "utf-8")
    (tmp_path / ".flowlint.yaml").write_text(
        "manifest: old.json\nnamespaces:\n  legacy:\n    pluginDefaults:\n"
        f"      - type: {QUERY}\n        values: {{sql: SELECT 1}}\n",
        "utf-8",
    )
    flows = {
        "a.yml": _query_flow("a", URL),  # breaks: no sql
        "b.yml": _query_flow("b", URL + "    sql: SELECT 1\n"),  # moves
        "c.yml": _query_flow(  # moves: the flow default gives sql
            "c", URL, head="pluginDefaults:\n  - type: io.kestra.plugin.jdbc\n    values:\n      sql: SELECT 1\n"
        ),
        "d.yml": _query_flow("d", URL, namespace="legacy"),  # moves: the configured namespace default gives sql
        "e.yml": _query_flow("e", "    fetchSize: 10\n"),  # breaks on sql; url was required before already
        "f.yml": _query_flow("f", '    version: "1.2.0"\n' + URL),  # stays on 1.2.0
    }
    (tmp_path / "flows").mkdir()
    for name, text in flows.items():
        (tmp_path / "flows" / name).write_text(text, "utf-8")
    return tmp_path


def test_a_property_that_becomes_required_breaks_the_uses_no_default_gives_it(sql_becomes_required: Path) -> None:
    done = run_cli(["impact", "--to", "new.json", "flows"], cwd=sql_becomes_required)
    assert done.returncode == 1, done.stderr
    fl502 = f"FL502 {QUERY} 1.3.0 (plugin-jdbc-postgres) requires 'sql' (required since 1.3.0)"
    assert done.stdout == (
        "impact of moving the installed plugins from old to new\n"
        "\n"
        "would break on their properties: 2 uses\n"
        f"  {POSTGRES}\n"
        f"    flows/a.yml:5:11  company.team/a  task 'q'  {QUERY}: 1.2.0 -> 1.3.0  {LATEST}\n"
        f"      flows/a.yml:5:11  {fl502}\n"
        f"    flows/e.yml:5:11  company.team/e  task 'q'  {QUERY}: 1.2.0 -> 1.3.0  {LATEST}\n"
        f"      flows/e.yml:5:11  {fl502}\n"
        "\n"
        "would change version: 3 uses\n"
        f"  {POSTGRES}\n"
        f"    flows/b.yml:5:11  company.team/b  task 'q'  {QUERY}: 1.2.0 -> 1.3.0  {LATEST}\n"
        f"    flows/c.yml:9:11  company.team/c  task 'q'  {QUERY}: 1.2.0 -> 1.3.0  {LATEST}\n"
        f"    flows/d.yml:5:11  legacy/d  task 'q'  {QUERY}: 1.2.0 -> 1.3.0  {LATEST}\n"
        "\n"
        "6 plugin uses in 6 flows: 0 would stop resolving, 2 would break on their properties, 3 would change "
        "version, 0 would start resolving, 1 unchanged\n"
    )


def test_property_breaks_follow_the_selected_rules(sql_becomes_required: Path) -> None:
    config = sql_becomes_required / ".flowlint.yaml"
    config.write_text(config.read_text("utf-8") + "ignore: [FL502]\n", "utf-8")
    done = run_cli(["impact", "--to", "new.json", "flows", "--format", "json"], cwd=sql_becomes_required)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["propertyBreaks"] == []
    assert report["summary"] == {
        "uses": 6,
        "flows": 6,
        "breaks": 0,
        "propertyBreaks": 0,
        "moves": 5,
        "fixes": 0,
        "unchanged": 1,
    }


def test_moving_back_from_the_catalog_to_a_version_without_properties_a_flow_sets(tmp_path: Path) -> None:
    (tmp_path / "back.json").write_text(json.dumps(_postgres("older postgres", ["1.0.0", "1.1.1"])), "utf-8")
    body = URL + "    sql: SELECT 1\n    fetchType: FETCH_ONE\n    afterSQL: SELECT 2\n    outputFiles: [out.csv]\n"
    log = "  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
    (tmp_path / "f.yml").write_text(_query_flow("f", body) + log, "utf-8")
    done = run_cli(["impact", "--to", "back.json", "f.yml", "--format", "json"], cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["summary"] == {
        "uses": 2,
        "flows": 1,
        "breaks": 0,
        "propertyBreaks": 1,
        "moves": 0,
        "fixes": 0,
        "unchanged": 1,
    }
    ((group,),) = [report["propertyBreaks"]]
    (use,) = group["uses"]
    assert (group["plugin"], use["taskId"], use["from"], use["to"]) == (POSTGRES, "q", "1.15.5", "1.1.1")
    subject = f"{QUERY} 1.1.1 (plugin-jdbc-postgres)"
    assert use["findings"] == [
        {
            "code": "FL501",
            "severity": "error",
            "message": f"'afterSQL' is not a property of {subject}",  # from 1.2.0
            "line": 9,
            "column": 5,
            "yamlPath": "tasks[0].afterSQL",
            "help": None,
        },
        {
            "code": "FL501",
            "severity": "error",
            "message": f"'outputFiles' is not a property of {subject}",  # from 1.12.0
            "line": 10,
            "column": 5,
            "yamlPath": "tasks[0].outputFiles",
            "help": None,
        },
    ]


ACME_TASK = "com.acme.Task"


def _acme(source: str, versions: list[str], *, with_properties: bool = True, partial: bool = False) -> dict[str, Any]:
    """A hand-written manifest: com.acme.Task's ``endpoint`` becomes required in 2.0.0, ``legacy`` goes,
    ``retries`` comes, and its nested ``options`` lose ``wait`` (``partial``: 1.0.0 is described in part)."""

    def prop(name: str, kind: str, since: str = "1.0.0", until: str = "2.0.0", **more: Any) -> dict[str, Any]:
        return {"name": name, "kind": kind, "since": since, "until": until, **more}

    plugin: dict[str, Any] = {
        "groupId": "com.acme",
        "artifactId": "plugin-acme",
        "versions": [{"version": v, "tasks": [ACME_TASK]} for v in versions],
    }
    if with_properties:
        plugin["properties"] = {
            "types": {
                ACME_TASK: {
                    "kind": "task",
                    "root": "task",
                    "since": "1.0.0",
                    "until": "2.0.0",
                    "props": [
                        prop("endpoint", "string", until="1.0.0"),
                        prop("endpoint", "string", since="2.0.0", req=True),
                        prop("legacy", "string", until="1.0.0"),
                        prop("retries", "integer", since="2.0.0"),
                        prop("options", "object", ref="com.acme.Options"),
                    ],
                }
            },
            "defs": {
                "com.acme.Options": {
                    "since": "1.0.0",
                    "until": "2.0.0",
                    "props": [prop("wait", "duration", until="1.0.0"), prop("size", "integer")],
                }
            },
        }
        if partial:
            part = {"since": "1.0.0", "until": "1.0.0", "value": "com.acme.Base"}
            plugin["properties"]["types"][ACME_TASK]["partialByVersion"] = [part]
    return {"manifestVersion": 1, "source": source, "plugins": [plugin]}


def _acme_flow(flow_id: str, body: str) -> str:
    return f"id: {flow_id}\nnamespace: company.team\ntasks:\n  - id: t\n    type: {ACME_TASK}\n{body}"


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    for name, versions in (("one", ["1.0.0"]), ("both", ["1.0.0", "2.0.0"]), ("two", ["2.0.0"])):
        (tmp_path / f"{name}.json").write_text(json.dumps(_acme(f"acme {name}", versions)), "utf-8")
    (tmp_path / "flows").mkdir()
    return tmp_path


def test_hand_written_manifest_a_removed_key_a_removed_nested_key_and_a_new_required_one(acme: Path) -> None:
    body = "    legacy: x\n    options:\n      wait: PT1M\n      size: 3\n"
    (acme / "flows" / "up.yml").write_text(_acme_flow("up", body), "utf-8")
    (acme / "flows" / "pinned.yml").write_text(_acme_flow("pinned", '    version: "1.0.0"\n' + body), "utf-8")
    done = run_cli(["impact", "--manifest", "one.json", "--to", "both.json", "flows"], cwd=acme)
    assert done.returncode == 1, done.stderr
    subject = f"{ACME_TASK} 2.0.0 (plugin-acme)"
    assert done.stdout == (
        "impact of moving the installed plugins from acme one to acme both\n"
        "\n"
        "would break on their properties: 1 use\n"
        "  com.acme:plugin-acme\n"
        f"    flows/up.yml:5:11  company.team/up  task 't'  {ACME_TASK}: 1.0.0 -> 2.0.0  {LATEST}\n"
        f"      flows/up.yml:5:11  FL502 {subject} requires 'endpoint' (required since 2.0.0)\n"
        f"      flows/up.yml:6:5  FL501 'legacy' is not a property of {subject}\n"
        f"      flows/up.yml:8:7  FL501 'wait' is not a property of Options (in {subject})\n"
        "\n"
        "2 plugin uses in 2 flows: 0 would stop resolving, 1 would break on their properties, 0 would change "
        "version, 0 would start resolving, 1 unchanged\n"
    )


def test_hand_written_manifest_moving_back_before_a_key_existed(acme: Path) -> None:
    (acme / "flows" / "f.yml").write_text(
        _acme_flow("f", "    version: OLDEST\n    endpoint: e\n    retries: 3\n"), "utf-8"
    )
    done = run_cli(["impact", "--manifest", "two.json", "--to", "both.json", "flows", "--format", "json"], cwd=acme)
    assert done.returncode == 1, done.stderr
    ((use,),) = [group["uses"] for group in json.loads(done.stdout)["propertyBreaks"]]
    assert (use["from"], use["to"], use["requested"]) == ("2.0.0", "1.0.0", "OLDEST")
    assert use["findings"] == [
        {
            "code": "FL501",
            "severity": "error",
            "message": f"'retries' is not a property of {ACME_TASK} 1.0.0 (plugin-acme)",
            "line": 8,
            "column": 5,
            "yamlPath": "tasks[0].retries",
            "help": "'retries' exists from 2.0.0; this task resolves to 1.0.0",
        }
    ]


def test_no_property_break_is_claimed_where_the_old_version_has_no_property_data(acme: Path) -> None:
    (acme / "bare.json").write_text(json.dumps(_acme("acme bare", ["1.0.0"], with_properties=False)), "utf-8")
    (acme / "flows" / "f.yml").write_text(_acme_flow("f", "    legacy: x\n"), "utf-8")
    done = run_cli(["impact", "--manifest", "bare.json", "--to", "both.json", "flows"], cwd=acme)
    assert (done.returncode, done.stdout.splitlines()[2:]) == (
        0,
        [
            "would change version: 1 use",
            "  com.acme:plugin-acme",
            f"    flows/f.yml:5:11  company.team/f  task 't'  {ACME_TASK}: 1.0.0 -> 2.0.0  {LATEST}",
            "",
            "1 plugin use in 1 flow: 0 would stop resolving, 0 would break on their properties, 1 would change "
            "version, 0 would start resolving, 0 unchanged",
        ],
    )


def test_a_key_the_old_data_describes_in_part_is_not_claimed_to_break(acme: Path) -> None:
    (acme / "part.json").write_text(json.dumps(_acme("acme part", ["1.0.0"], partial=True)), "utf-8")
    (acme / "flows" / "f.yml").write_text(_acme_flow("f", "    inherited: x\n"), "utf-8")
    done = run_cli(["impact", "--manifest", "part.json", "--to", "both.json", "flows"], cwd=acme)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[5:7] == [
        f"      flows/f.yml:5:11  FL502 {ACME_TASK} 2.0.0 (plugin-acme) requires 'endpoint' (required since 2.0.0)",
        "",
    ]  # and no FL501 for 'inherited': 1.0.0 may have had it from the class the data lacks
