"""`manifest import` reads properties from Kestra's schema files: the editor schema (GET
/api/v1/plugins/schemas/flow), the bundle `kestra plugins-schema` writes, and saved plugin documentation
(GET /api/v1/plugins/{cls}). They say nothing about versions: the properties apply to every version the
other files list, and the manifest lints a flow like a hand-written one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import run_cli
from tests.manifest.fake_kestra import LOCAL, save
from tests.manifest.kestra_answers import (
    documentation,
    editor_definitions,
    flow_schema,
    plugins_answer,
    plugins_entry,
    plugins_schema_bundle,
    schema_answer,
    text,
)
from tests.manifest.test_api_properties_pull import COPY_IN, DOCKER, QUERY, SCRIPT, findings, hand_manifest

FLOW = """\
    id: latest
    namespace: company.team
    tasks:
      - id: query
        type: io.kestra.plugin.jdbc.postgresql.Query
        url: jdbc:postgresql://db/app
        fetchType: FETCHALL
        fetch: true
        afterSql: select 2
        retry:
          type: constant
          interval: PT1M
        ssl:
          mode: REQUIRE
          verify: true
      - id: copy
        type: io.kestra.plugin.jdbc.postgresql.CopyIn
        url: jdbc:postgresql://db/app
        table: events
        format: csv
      - id: script
        type: io.kestra.plugin.scripts.shell.Script
        script: echo hi
        outputFile: [out.txt]
        taskRunner:
          type: io.kestra.plugin.scripts.runner.docker.Docker
          pullPolicy: SOMETIMES
          memory:
            swap: 1GB
    """
Q = f"{QUERY} 1.2.3 (plugin-jdbc-postgres)"
EXPECTED = [
    ("FL502", 5, f"{Q} requires 'sql'"),
    ("FL503", 7, "'fetchType' takes one of STORE, FETCH, FETCH_ONE, NONE; not 'FETCHALL'; did you mean FETCH?"),
    ("FL504", 8, f"'fetch' is deprecated in {Q}"),
    ("FL501", 9, f"'afterSql' is not a property of {Q}"),
    ("FL501", 15, f"'verify' is not a property of Ssl (in {Q})"),
    ("FL502", 17, f"{COPY_IN} 1.2.3 (plugin-jdbc-postgres) requires 'from'"),
    ("FL503", 20, "'format' takes one of TEXT, CSV, BINARY; not 'csv' (constants are case-sensitive: CSV)"),
    ("FL501", 24, f"'outputFile' is not a property of {SCRIPT} 0.21.0 (plugin-script-shell)"),
    ("FL503", 27, "'pullPolicy' takes one of IF_NOT_PRESENT, ALWAYS, NEVER; not 'SOMETIMES'"),
    ("FL501", 29, f"'swap' is not a property of Memory (in {DOCKER} 1.1.0 (plugin-docker))"),
]


def import_(tmp_path: Path, *names: str) -> Any:
    done = run_cli(["manifest", "import", *names, "-o", "imported.json"], tmp_path, env=LOCAL)
    assert done.returncode == 0, done.stderr
    return done


def sections(tmp_path: Path) -> dict[str, Any]:
    data = json.loads((tmp_path / "imported.json").read_text("utf-8"))
    return {p["artifactId"]: p.get("properties") for p in data["plugins"]}


def test_import_of_the_flow_schema_lints_like_the_hand_written_manifest(tmp_path: Path) -> None:
    save(tmp_path, "plugins.json", plugins_answer())
    save(tmp_path, "flow-schema.json", flow_schema())
    done = import_(tmp_path, "plugins.json", "flow-schema.json")
    assert done.stderr == "flowlint: wrote imported.json\n"
    found = sections(tmp_path)
    assert found["core"] is None
    assert {s["source"] for s in found.values() if s} == {"from flow schema flow-schema.json"}
    assert all(s["anyVersion"] is True for s in found.values() if s)
    # what Kestra's Task declares (id, retry, timeout, ...) is the base set's, not the type's own
    assert sorted(p["name"] for p in found["plugin-script-shell"]["types"][SCRIPT]["props"]) == [
        "beforeCommands",
        "containerImage",
        "env",
        "interpreter",
        "outputFiles",
        "script",
        "taskRunner",
        "warningOnStdErr",
    ]
    assert findings(tmp_path, tmp_path / "imported.json", FLOW) == EXPECTED
    assert findings(tmp_path, hand_manifest(tmp_path), FLOW) == EXPECTED


def test_import_of_a_plugins_schema_bundle_lints_like_the_hand_written_manifest(tmp_path: Path) -> None:
    save(tmp_path, "plugins.json", plugins_answer())
    save(tmp_path, "plugins-schema.json", plugins_schema_bundle())
    done = import_(tmp_path, "plugins-schema.json", "plugins.json")
    assert done.stderr == "flowlint: wrote imported.json\n"
    assert {s["source"] for s in sections(tmp_path).values() if s} == {"from plugins-schema.json"}
    assert findings(tmp_path, tmp_path / "imported.json", FLOW) == EXPECTED


def test_import_of_saved_plugin_documentation_lints_like_the_hand_written_manifest(tmp_path: Path) -> None:
    save(tmp_path, "plugins.json", plugins_answer())
    names = []
    for type_name, version in ((QUERY, "1.2.3"), (COPY_IN, "1.2.3"), (SCRIPT, "0.21.0"), (DOCKER, "1.1.0")):
        names.append(save(tmp_path, f"{type_name}.json", schema_answer(type_name, version)).name)
    done = import_(tmp_path, "plugins.json", *names)
    assert done.stderr == "flowlint: wrote imported.json\n"
    assert {s["source"] for s in sections(tmp_path).values() if s} == {"from saved plugin documentation"}
    assert findings(tmp_path, tmp_path / "imported.json", FLOW) == EXPECTED


def test_documentation_that_differs_for_one_type_or_names_an_unlisted_type_is_left_out_with_a_warning(
    tmp_path: Path,
) -> None:
    save(tmp_path, "plugins.json", plugins_answer())
    save(tmp_path, "old.json", schema_answer(QUERY, "0.19.0"))
    save(tmp_path, "new.json", schema_answer(QUERY, "1.2.3"))
    stray = schema_answer(QUERY, "1.2.3")
    stray["markdown"] = stray["markdown"].replace(QUERY, "com.acme.Gone")
    save(tmp_path, "stray.json", stray)
    done = import_(tmp_path, "plugins.json", "old.json", "new.json", "stray.json")
    assert done.stderr == (
        "flowlint: warning: stray.json: left out the properties of com.acme.Gone: no other file lists the type\n"
        f"flowlint: warning: the saved documentation of {QUERY} differs from file to file and says nothing about "
        "versions: left out its properties; use `flowlint manifest pull` for each version's\n"
        "flowlint: wrote imported.json\n"
    )
    assert all(s is None for s in sections(tmp_path).values())


def test_types_the_schema_does_not_describe_are_a_warning_and_get_no_property_data(tmp_path: Path) -> None:
    definitions = editor_definitions()
    del definitions[COPY_IN], definitions[DOCKER]
    save(tmp_path, "plugins.json", plugins_answer())
    save(
        tmp_path,
        "flow-schema.json",
        {"$ref": "#/definitions/io.kestra.core.models.flows.Flow", "definitions": definitions},
    )
    done = import_(tmp_path, "plugins.json", "flow-schema.json")
    assert done.stderr == (
        f"flowlint: warning: the schema files do not describe 2 types the other files list ({COPY_IN}, {DOCKER}): "
        "the manifest gives no properties for them\n"
        "flowlint: wrote imported.json\n"
    )
    assert sections(tmp_path)["plugin-docker"] is None
    assert findings(tmp_path, tmp_path / "imported.json", FLOW) == [
        f for f in EXPECTED if COPY_IN not in f[2] and f[1] not in (20, 27, 29)
    ]


ACME = "com.acme.Upload"
ACME_PLUGIN = {"groupId": "com.acme", "artifactId": "plugin-acme", "versions": [{"version": "1.0.0", "tasks": [ACME]}]}
ACME_FLOW = f"""\
    id: acme
    namespace: company.team
    tasks:
      - id: up
        type: {ACME}
        odd: [1, 2]
        nested: {{a: b}}
        bucket: 5
        nope: 1
    """


def test_a_schema_whose_type_is_an_object_or_a_nested_list_is_read_as_unknown_kinds(tmp_path: Path) -> None:
    save(tmp_path, "plugins.json", [plugins_entry(ACME_PLUGIN, ACME_PLUGIN["versions"][0])])
    props = {"odd": {"type": {}}, "nested": {"type": [["string"]]}, "bucket": {"type": "string"}, "key": text()}
    save(tmp_path, "doc.json", documentation(ACME, props, ["key"], {}))
    done = import_(tmp_path, "plugins.json", "doc.json")
    assert done.stderr == "flowlint: wrote imported.json\n"
    read = {p["name"]: p for p in sections(tmp_path)["plugin-acme"]["types"][ACME]["props"]}
    assert [read["odd"], read["nested"]] == [{"name": n, "kind": "any", "kindUnknown": True} for n in ("odd", "nested")]
    assert findings(tmp_path, tmp_path / "imported.json", ACME_FLOW) == [
        ("FL502", 5, f"{ACME} 1.0.0 (plugin-acme) requires 'key'"),
        ("FL501", 9, f"'nope' is not a property of {ACME} 1.0.0 (plugin-acme)"),
    ]


SENTRY = "io.kestra.plugin.sentry.SentryExecution"
SENTRY_PLUGIN = {
    "groupId": "io.kestra.plugin",
    "artifactId": "plugin-sentry",
    "versions": [{"version": "1.0.0", "tasks": [SENTRY]}],
}
SENTRY_PROPS = {"dsn": text(), "errors": {"type": "object", "additionalProperties": {"type": "string"}}}
SENTRY_FLOW = f"""\
    id: alert
    namespace: company.team
    tasks:
      - id: ok
        type: {SENTRY}
        dsn: https://key@sentry.io/1
        errors:
          db: down
      - id: bad
        type: {SENTRY}
        dsn: https://key@sentry.io/1
        errors: [down]
        retry:
          type: constant
          interval: PT1M
        timeout: PT1H
    """
SENTRY_EXPECTED = [("FL503", 12, "'errors' takes a mapping, not a list")]


def test_a_types_own_property_named_like_a_base_property_of_old_kestra_versions_is_kept(tmp_path: Path) -> None:
    # the task base set had `errors` up to Kestra 0.1.16 only: SentryExecution's own `errors` is its own
    save(tmp_path, "plugins.json", [plugins_entry(SENTRY_PLUGIN, SENTRY_PLUGIN["versions"][0])])
    save(tmp_path, "doc.json", documentation(SENTRY, SENTRY_PROPS, ["dsn"], {}))
    done = import_(tmp_path, "plugins.json", "doc.json")
    assert done.stderr == "flowlint: wrote imported.json\n"
    assert findings(tmp_path, tmp_path / "imported.json", SENTRY_FLOW) == SENTRY_EXPECTED

    # the editor schema gives every class Task's fields too: those the base set has now are left to it
    definitions = {
        SENTRY: {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "type": {"const": SENTRY},
                "retry": {"$ref": "#/definitions/io.kestra.core.models.tasks.retrys.AbstractRetry"},
                "timeout": {"anyOf": [{"type": "string", "format": "duration"}, {"type": "string"}], "$dynamic": True},
                **SENTRY_PROPS,
            },
            "required": ["id", "type", "dsn"],
        }
    }
    save(
        tmp_path,
        "flow-schema.json",
        {"$ref": "#/definitions/io.kestra.core.models.flows.Flow", "definitions": definitions},
    )
    import_(tmp_path, "plugins.json", "flow-schema.json")
    # (templateUri: hidden in Kestra's schema, from the bundled data)
    props = sections(tmp_path)["plugin-sentry"]["types"][SENTRY]["props"]
    assert [p["name"] for p in props] == ["dsn", "errors", "templateUri"]
    assert findings(tmp_path, tmp_path / "imported.json", SENTRY_FLOW) == SENTRY_EXPECTED
