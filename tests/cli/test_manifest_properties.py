"""`flowlint manifest show --type T`: the properties of T per run of versions that have the same ones,
`--version V` for one version, on the bundled catalog and on a hand-written manifest with `properties`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

QUERY = "io.kestra.plugin.jdbc.postgresql.Query"
LOG = "io.kestra.plugin.core.log.Log"
# the base properties of every task at a target of Kestra 1.3 (its 0.20.7 and 1.3.25 data points)
TASK_BASE_1_3 = {
    "allowFailure": "boolean, default false",
    "allowWarning": "boolean, default false",
    "assets": "object AssetsDeclaration",
    "description": "string",
    "disabled": "boolean, default false",
    "id": "string, required",
    "logLevel": "enum (ERROR, WARN, INFO, DEBUG, TRACE)",
    "logToFile": "boolean, default false",
    "pluginDefaultsRef": "string",
    "retry": "object AbstractRetry",
    "runIf": 'string, default "true"',
    "taskCache": "object Cache",
    "timeout": "duration, dynamic",
    "type": "string, required",
    "version": "string",
    "workerGroup": "object WorkerGroup",
}


def _listing(props: dict[str, str], indent: str) -> list[str]:
    width = max(len(name) for name in props)
    return [f"{indent}{name.ljust(width)}  {props[name]}" for name in sorted(props)]


def _block(stdout: str, header: str) -> list[str]:
    """The property lines under a version header (``      1.2.0:``) of `manifest show --type`."""
    lines = stdout.splitlines()
    start = lines.index(f"      {header}:") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("        ")), len(lines))
    return lines[start:end]


def test_one_version_of_a_catalog_type(tmp_path: Path) -> None:
    done = run_cli(["manifest", "show", "--type", QUERY, "--version", "1.3.0"], tmp_path)
    assert done.returncode == 0, done.stderr
    own = {
        "afterSQL": "string, dynamic",
        "fetch": "boolean, deprecated, default false",
        "fetchOne": "boolean, deprecated, default false",
        "fetchSize": "integer, dynamic, default 10000",
        "fetchType": 'enum (STORE, FETCH, FETCH_ONE, NONE), dynamic, default "NONE"',
        "parameters": "map of any, dynamic",
        "password": "string, dynamic",
        "sql": "string, required, dynamic",
        "ssl": "boolean, dynamic, default false",
        "sslCert": "string, dynamic",
        "sslKey": "string, dynamic",
        "sslKeyPassword": "string, dynamic",
        "sslMode": "enum (DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL), dynamic",
        "sslRootCert": "string, dynamic",
        "store": "boolean, deprecated, default false",
        "timeZoneId": "string, dynamic",
        "url": "string, required, dynamic",
        "username": "string, dynamic",
    }
    assert done.stdout.splitlines() == [
        f"{QUERY}:",
        "  io.kestra.plugin:plugin-jdbc-postgres, task",
        "    in 1 version: 1.3.0",
        "    properties (target Kestra 1.3):",
        "      1.3.0:",
        *_listing(TASK_BASE_1_3 | own, "        "),
    ]


def test_every_version_of_a_catalog_type_in_runs_with_the_same_properties(tmp_path: Path) -> None:
    done = run_cli(["manifest", "show", "--type", QUERY], tmp_path)
    assert done.returncode == 0, done.stderr
    headers = [line.strip() for line in done.stdout.splitlines() if line.startswith("      ") and line.endswith(":")]
    assert headers == [
        "in every version described (101):",
        "0.2.0:",
        "0.2.1 - 0.2.2 (2 versions):",
        "0.2.3:",
        "0.2.4 - 0.4.2 (12 versions):",
        "0.5.0 - 0.6.0 (4 versions):",
        "0.6.1 - 0.18.2 (15 versions):",
        "0.19.0 - 0.19.2 (3 versions):",
        "0.20.0:",
        "0.20.1 - 0.20.3 (3 versions):",
        "0.21.0 - 0.21.7 (8 versions):",
        "0.22.0 - 0.22.3 (4 versions):",
        "0.23.0 - 1.1.1 (12 versions):",
        "1.2.0:",
        "1.3.0 - 1.11.1 (21 versions):",
        "1.12.0 - 1.14.2 (7 versions):",
        "1.15.0 - 1.15.5 (6 versions):",
    ]
    # what every version has is listed once: the base properties and the ones that never changed
    shared = TASK_BASE_1_3 | {"password": "string, dynamic", "username": "string, dynamic"}
    assert _block(done.stdout, "in every version described (101)") == _listing(shared, "        ")
    # `sql` is required from 1.3.0 on; 0.20.0 is the one release whose fetchType defaults to STORE
    assert "        sql             string, dynamic" in _block(done.stdout, "1.2.0")
    assert "        sql             string, required, dynamic" in _block(done.stdout, "1.3.0 - 1.11.1 (21 versions)")
    assert '        fetchType       enum (STORE, FETCH, FETCH_ONE, NONE), default "STORE"' in _block(
        done.stdout, "0.20.0"
    )


def test_a_core_type_follows_the_target_kestra_version(tmp_path: Path) -> None:
    done = run_cli(["manifest", "show", "--type", LOG, "--target-kestra-version", "0.20.7"], tmp_path)
    assert done.returncode == 0, done.stderr
    at_0_20 = {
        "allowFailure": "boolean, default false",
        "allowWarning": "boolean, default false",
        "description": "string",
        "disabled": "boolean, default false",
        "id": "string, required",
        "level": 'enum (ERROR, WARN, INFO, DEBUG, TRACE), default "INFO"',
        "logLevel": "enum (ERROR, WARN, INFO, DEBUG, TRACE)",
        "logToFile": "boolean, default false",
        "message": "any, required, dynamic",
        "retry": "object AbstractRetry",
        "runIf": 'string, default "true"',
        "timeout": "duration, dynamic",
        "type": "string, required",
        "version": "any",
        "workerGroup": "object WorkerGroup",
    }
    assert done.stdout.splitlines() == [
        f"{LOG}:",
        "  io.kestra:core (core: never versioned), task",
        "    in 64 versions: 0.17.0, 0.17.1, 0.17.2 ... 0.20.5, 0.20.6, 0.20.7",
        "    properties at Kestra 0.20.7 (core types follow the Kestra version):",
        *_listing(at_0_20, "      "),
    ]
    newer = run_cli(["manifest", "show", "--type", LOG], tmp_path)  # the default target, 1.3: level is dynamic
    assert '      level              enum (ERROR, WARN, INFO, DEBUG, TRACE), dynamic, default "INFO"' in (
        newer.stdout.splitlines()
    )


def test_versions_the_data_does_not_describe_are_named(tmp_path: Path, manifest_file: Path) -> None:
    query = run_cli(["manifest", "show", str(manifest_file), "--type", QUERY], tmp_path)
    assert query.returncode == 0, query.stderr
    lines = query.stdout.splitlines()
    assert lines[3:5] == ["    properties (target Kestra 1.3):", "      0.19.0:"]
    assert lines[-1] == "      not described by flowlint's property data: 1.2.1, 1.2.3"
    copy_in = run_cli(
        ["manifest", "show", str(manifest_file), "--type", "io.kestra.plugin.jdbc.postgresql.CopyIn"], tmp_path
    )
    assert (copy_in.returncode, copy_in.stdout) == (
        0,
        "io.kestra.plugin.jdbc.postgresql.CopyIn:\n"
        "  io.kestra.plugin:plugin-jdbc-postgres, task\n"
        "    in 2 versions: 1.2.1, 1.2.3\n"
        "    properties: not known (flowlint's property data does not describe it in these versions)\n",
    )


def _prop(name: str, kind: str, since: str = "1.0.0", until: str = "2.0.0", **more: Any) -> dict[str, Any]:
    return {"name": name, "kind": kind, "since": since, "until": until, **more}


ACME: dict[str, Any] = {
    "manifestVersion": 1,
    "source": "acme instance",
    "kestra": {  # a base set of its own: three properties every task has
        "versions": ["1.3.0"],
        "sets": {
            "task": {
                "props": [
                    {"name": "id", "kind": "string", "req": True},
                    {"name": "type", "kind": "string", "req": True},
                    {"name": "description", "kind": "string"},
                ]
            }
        },
    },
    "plugins": [
        {
            "groupId": "com.acme",
            "artifactId": "plugin-acme",
            "versions": [{"version": v, "tasks": ["com.acme.Task"]} for v in ("1.0.0", "1.1.0", "2.0.0", "3.0.0")],
            "properties": {
                "types": {
                    "com.acme.Task": {
                        "kind": "task",
                        "root": "task",
                        "since": "1.0.0",
                        "until": "2.0.0",
                        "additionalPropertiesByVersion": [{"since": "2.0.0", "until": "2.0.0", "value": True}],
                        "props": [
                            _prop("endpoint", "string", until="1.1.0", dyn=True),
                            _prop("endpoint", "string", since="2.0.0", dyn=True, req=True, aliases=["url"]),
                            _prop("legacy", "boolean", until="1.1.0", dep=True, **{"def": False}),
                            _prop("mode", "enum", enum=["FAST", "SLOW"], **{"def": "FAST"}),
                            _prop("headers", "map", of={"kind": "string"}, dyn=True),
                            _prop("then", "list", of={"kind": "plugin", "of": "task"}),
                            _prop("options", "object", ref="com.acme.Task$Options"),
                            _prop("wait", "duration", since="2.0.0", kindUnknown=True),
                        ],
                    }
                }
            },
        }
    ],
}


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    (tmp_path / "acme.json").write_text(json.dumps(ACME), "utf-8")
    return tmp_path


def test_a_hand_written_manifest_with_properties(acme: Path) -> None:
    done = run_cli(["manifest", "show", "acme.json", "--type", "com.acme.Task"], acme)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "com.acme.Task:\n"
        "  com.acme:plugin-acme, task\n"
        "    in 4 versions: 1.0.0, 1.1.0, 2.0.0, 3.0.0\n"
        "    properties (target Kestra 1.3):\n"
        "      in every version described (3):\n"
        "        description  string\n"
        "        headers      map of string, dynamic\n"
        "        id           string, required\n"
        '        mode         enum (FAST, SLOW), default "FAST"\n'
        "        options      object Task.Options\n"
        "        then         list of task plugin\n"
        "        type         string, required\n"
        "        version      any\n"
        "      1.0.0 - 1.1.0 (2 versions):\n"
        "        endpoint  string, dynamic\n"
        "        legacy    boolean, deprecated, default false\n"
        "      2.0.0:\n"
        "        endpoint  string, required, dynamic, also url\n"
        "        wait      duration, shape not known\n"
        "        (takes any other key too)\n"
        "      not described by flowlint's property data: 3.0.0\n"
    )
    one = run_cli(["manifest", "show", "acme.json", "--type", "com.acme.Task", "--version", "1.1.0"], acme)
    assert (one.returncode, one.stdout.splitlines()[2:]) == (
        0,
        [
            "    in 1 version: 1.1.0",
            "    properties (target Kestra 1.3):",
            "      1.1.0:",
            "        description  string",
            "        endpoint     string, dynamic",
            "        headers      map of string, dynamic",
            "        id           string, required",
            "        legacy       boolean, deprecated, default false",
            '        mode         enum (FAST, SLOW), default "FAST"',
            "        options      object Task.Options",
            "        then         list of task plugin",
            "        type         string, required",
            "        version      any",
        ],
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["--type", "com.acme.task"],
            "no plugin in acme instance provides com.acme.task (did you mean com.acme.Task?)",
        ),
        (["--type", "com.acme.Tsk"], "no plugin in acme instance provides com.acme.Tsk (did you mean com.acme.Task?)"),
        (["--type", "com.other.Thing"], "no plugin in acme instance provides com.other.Thing"),
        (
            ["--type", "com.acme.Task", "--version", "1.2.0"],
            "no version 1.2.0 provides com.acme.Task (versions: 1.0.0, 1.1.0, 2.0.0, 3.0.0)",
        ),
        (["--type", "com.acme.Task", "--version", "one"], "--version: 'one' is not a version"),
        (["--version", "1.0.0"], "--version needs --type"),
    ],
)
def test_what_cannot_be_shown_is_exit_2(acme: Path, args: list[str], error: str) -> None:
    done = run_cli(["manifest", "show", "acme.json", *args], acme)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"flowlint: error: {error}\n")


def _acme_at(versions: list[str], **changes: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(ACME))
    plugin = data["plugins"][0]
    plugin["versions"] = [v for v in plugin["versions"] if v["version"] in versions]
    plugin["properties"].update(changes)
    return data


def test_manifest_diff_lists_the_property_changes_of_an_upgrade(tmp_path: Path) -> None:
    # 1.1.0 -> 2.0.0: `endpoint` becomes required, `legacy` goes, `wait` comes, `mode` trades SLOW for TURBO
    old = _acme_at(["1.0.0", "1.1.0"])
    new = _acme_at(["1.0.0", "1.1.0", "2.0.0"], source="from class files")
    props = new["plugins"][0]["properties"]["types"]["com.acme.Task"]["props"]
    mode = next(p for p in props if p["name"] == "mode")
    mode["until"] = "1.1.0"
    props.append(_prop("mode", "enum", since="2.0.0", enum=["FAST", "TURBO"]))
    new["source"] = "acme next"
    (tmp_path / "old.json").write_text(json.dumps(old), "utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new), "utf-8")
    done = run_cli(["manifest", "diff", "old.json", "new.json"], tmp_path)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == (
        "--- acme instance\n+++ acme next\n"
        "  com.acme:plugin-acme\n"
        "    + version 2.0.0\n"
        "    ~ com.acme.Task 1.1.0 -> 2.0.0\n"
        "        ! property endpoint is now required\n"
        "        - property legacy\n"
        "        ~ property mode constants: +TURBO, -SLOW\n"
        "        + property wait (duration, shape not known)\n"
    )
    same = run_cli(["manifest", "diff", "new.json", "new.json"], tmp_path)
    assert (same.returncode, same.stdout.splitlines()[-1]) == (0, "no differences")


def test_manifest_diff_of_official_plugins_uses_the_bundled_property_data(tmp_path: Path) -> None:
    def one(source: str, version: str) -> dict[str, Any]:
        versions = [{"version": version, "tasks": [QUERY]}]
        plugin = {"groupId": "io.kestra.plugin", "artifactId": "plugin-jdbc-postgres", "versions": versions}
        return {"manifestVersion": 1, "source": source, "plugins": [plugin]}

    (tmp_path / "old.json").write_text(json.dumps(one("prod", "0.18.2")), "utf-8")
    (tmp_path / "new.json").write_text(json.dumps(one("next", "0.19.0")), "utf-8")
    done = run_cli(["manifest", "diff", "old.json", "new.json"], tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-2:] == [
        f"    ~ {QUERY} 0.18.2 -> 0.19.0",
        '        + property fetchType (enum (STORE, FETCH, FETCH_ONE, NONE), default "NONE")',
    ]


def test_manifest_show_says_where_properties_come_from_and_when_they_ignore_versions(tmp_path: Path) -> None:
    data = _acme_at(["1.0.0", "1.1.0"], source="from plugins-schema.json", anyVersion=True)
    record = data["plugins"][0]["properties"]["types"]["com.acme.Task"]
    del record["since"], record["until"], record["additionalPropertiesByVersion"]
    record["props"] = [{"name": "endpoint", "kind": "string"}]
    (tmp_path / "acme.json").write_text(json.dumps(data), "utf-8")
    done = run_cli(["manifest", "show", "acme.json", "--type", "com.acme.Task"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2:6] == [
        "    in 2 versions: 1.0.0, 1.1.0",
        "    properties from plugins-schema.json",
        "    (the source says nothing about versions: its properties apply to every version listed)",
        "    properties (target Kestra 1.3):",
    ]


def test_manifest_diff_says_a_renamed_property_is_still_taken_and_what_it_cannot_compare(tmp_path: Path) -> None:
    # 3.0.0 renames `endpoint` to `url` (keeping `endpoint` as an alias); 4.0.0 has no property data
    old = _acme_at(["1.0.0", "1.1.0", "2.0.0"])
    new = _acme_at(["1.0.0", "1.1.0", "2.0.0", "3.0.0"])
    record = new["plugins"][0]["properties"]["types"]["com.acme.Task"]
    record["until"] = "3.0.0"
    record["additionalPropertiesByVersion"] = [{"since": "2.0.0", "until": "3.0.0", "value": True}]
    for prop in record["props"]:
        if prop["until"] == "2.0.0":
            prop["until"] = "3.0.0"
        if prop["name"] == "endpoint" and prop["since"] == "2.0.0":
            prop["until"] = "2.0.0"
    record["props"].append(
        _prop("url", "string", since="3.0.0", until="3.0.0", dyn=True, req=True, aliases=["endpoint"])
    )
    later = json.loads(json.dumps(new))
    later["plugins"][0]["versions"].append({"version": "4.0.0", "tasks": ["com.acme.Task"]})
    for name, data in (("old", old), ("new", new), ("later", later)):
        (tmp_path / f"{name}.json").write_text(json.dumps(data), "utf-8")
    done = run_cli(["manifest", "diff", "old.json", "new.json"], tmp_path)
    assert done.stdout.splitlines()[2:] == [
        "  com.acme:plugin-acme",
        "    + version 3.0.0",
        "    ~ com.acme.Task 2.0.0 -> 3.0.0",
        "        ~ property endpoint is now an alias of url",
        "        + property url (string, required, dynamic, also endpoint)",
    ]
    unknown = run_cli(["manifest", "diff", "new.json", "later.json"], tmp_path)
    assert unknown.stdout.splitlines()[2:] == [
        "  com.acme:plugin-acme",
        "    + version 4.0.0",
        "    ? com.acme.Task 3.0.0 -> 4.0.0: properties not known in 4.0.0 (no property data)",
    ]
