"""FL501-FL504 on the bundled catalog and on a hand-written manifest with property definitions: exact
positions and messages, the version-aware cases both ways, defaults that supply required properties,
free map keys, nested objects and plugin data that is not plugins."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from flowlint.config import Settings, ValueDefault
from flowlint.diagnostics import Diagnostic
from flowlint.lint import Linter
from flowlint.manifest.catalog import load_catalog
from flowlint.manifest.core import with_core
from flowlint.rules import enabled_codes
from flowlint.versions import parse_version
from tests.conftest import lint, run_cli

FL5 = ["FL501", "FL502", "FL503", "FL504"]


def catalog_lint(text: str, *, target: str = "1.3", value_defaults: tuple[ValueDefault, ...] = ()) -> list[Diagnostic]:
    """Lint ``text`` against the bundled catalog with only the FL5xx rules on."""
    parsed = parse_version(target)
    assert parsed is not None
    settings = Settings(target=parsed, value_defaults=value_defaults)
    linter = Linter(settings, with_core(load_catalog(), parsed), enabled_codes(FL5))
    return list(linter.lint_text(textwrap.dedent(text), "flow.yml").diagnostics)


def shown(diagnostics: list[Diagnostic]) -> list[tuple[str, int, int, str, str | None]]:
    return [(d.code, d.span.line, d.span.column, d.message, d.help) for d in diagnostics]


HEAD = "id: f\nnamespace: company.team\ntasks:\n"


def test_unknown_key_required_property_and_enum_case_on_the_catalog() -> None:
    found = catalog_lint(
        HEAD
        + """\
  - id: query
    type: io.kestra.plugin.jdbc.postgresql.Query
    version: "1.15.5"
    url: jdbc:postgresql://db/app
    sqll: SELECT 1
    fetchType: fetch_one
"""
    )
    assert shown(found) == [
        (
            "FL502",
            5,
            11,
            "io.kestra.plugin.jdbc.postgresql.Query 1.15.5 (plugin-jdbc-postgres) requires 'sql' "
            "(required since 1.3.0)",
            "set it here, or in a plugin default that applies to this type: the flow's `pluginDefaults`, or, when "
            "the instance sets it, declare that default in flowlint's config (`pluginDefaults`, "
            "`namespaces.<ns>.pluginDefaults`, or `kestraConfig`)",
        ),
        (
            "FL501",
            8,
            5,
            "'sqll' is not a property of io.kestra.plugin.jdbc.postgresql.Query 1.15.5 (plugin-jdbc-postgres)",
            "did you mean 'sql'?",
        ),
        (
            "FL503",
            9,
            16,
            "'fetchType' takes one of STORE, FETCH, FETCH_ONE, NONE; not 'fetch_one' (constants are case-sensitive: "
            "FETCH_ONE)",
            "the property is dynamic: Kestra saves the flow and the task fails when it runs",
        ),
    ]
    assert [d.severity.value for d in found] == ["error", "error", "warning"]
    assert found[2].fix is not None and found[2].fix.edits[0].replacement == "FETCH_ONE"


def test_the_issues_examples_comands_url_on_request_and_a_log_without_message() -> None:
    found = catalog_lint(
        HEAD
        + """\
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    version: "1.9.8"
    comands:
      - echo hi
  - id: req
    type: io.kestra.plugin.core.http.Request
    url: https://example.com
  - id: hello
    type: io.kestra.plugin.core.log.Log
"""
    )
    assert shown(found) == [
        (
            "FL502",
            5,
            11,
            "io.kestra.plugin.scripts.shell.Commands 1.9.8 (plugin-script-shell) requires 'commands'",
            found[0].help,
        ),
        (
            "FL501",
            7,
            5,
            "'comands' is not a property of io.kestra.plugin.scripts.shell.Commands 1.9.8 (plugin-script-shell)",
            "did you mean 'commands'?",
        ),
        ("FL502", 10, 11, "io.kestra.plugin.core.http.Request (Kestra 1.3) requires 'uri'", found[2].help),
        (
            "FL501",
            11,
            5,
            "'url' is not a property of io.kestra.plugin.core.http.Request (Kestra 1.3)",
            "did you mean 'uri'?",
        ),
        ("FL502", 13, 11, "io.kestra.plugin.core.log.Log (Kestra 1.3) requires 'message'", found[4].help),
    ]


def test_a_property_added_later_names_the_version_that_has_it() -> None:
    # fetchType came with plugin-jdbc 0.19.0; a task pinned to 0.18.2 cannot use it
    found = catalog_lint(
        HEAD
        + """\
  - id: query
    type: io.kestra.plugin.jdbc.postgresql.Query
    version: "0.18.2"
    url: jdbc:postgresql://db/app
    sql: SELECT 1
    fetchType: FETCH_ONE
"""
    )
    assert shown(found) == [
        (
            "FL501",
            9,
            5,
            "'fetchType' is not a property of io.kestra.plugin.jdbc.postgresql.Query 0.18.2 (plugin-jdbc-postgres)",
            "'fetchType' exists from 0.19.0; this task resolves to 0.18.2",
        )
    ]


def test_case_only_key_is_a_safe_rename_and_deprecated_property_is_a_warning() -> None:
    found = catalog_lint(
        HEAD
        + """\
  - id: query
    type: io.kestra.plugin.jdbc.postgresql.Query
    version: "1.15.5"
    url: jdbc:postgresql://db/app
    SQL: SELECT 1
    fetchOne: true
"""
    )
    by_code = {d.code: d for d in found}
    assert sorted(by_code) == ["FL501", "FL502", "FL504"]
    assert by_code["FL501"].help == "did you mean 'sql'? (property names are case-sensitive)"
    fix = by_code["FL501"].fix
    assert fix is not None and fix.safe and fix.edits[0].replacement == "sql"
    assert shown([by_code["FL504"]]) == [
        (
            "FL504",
            9,
            5,
            "'fetchOne' is deprecated in io.kestra.plugin.jdbc.postgresql.Query 1.15.5 (plugin-jdbc-postgres)",
            "see the plugin's documentation for what replaces it",
        )
    ]


def test_map_keys_are_free_and_nested_objects_are_checked() -> None:
    found = catalog_lint(
        HEAD
        + """\
  - id: req
    type: io.kestra.plugin.core.http.Request
    uri: https://example.com
    headers:
      X-Anything: yes
      whatever-key: "{{ secret('X') }}"
    retry:
      type: constant
      interval: PT1M
      maxAttemp: 3
    timeout: 5 minutes
"""
    )
    assert shown(found) == [
        (
            "FL501",
            13,
            7,
            "'maxAttemp' is not a property of Constant (in io.kestra.plugin.core.http.Request (Kestra 1.3))",
            "did you mean 'maxAttempt'?",
        ),
        (
            "FL503",
            14,
            14,
            "'timeout' takes an ISO-8601 duration such as PT5M (or a number of seconds), not '5 minutes'",
            "the property is dynamic: Kestra saves the flow and the task fails when it runs",
        ),
    ]


def test_required_property_supplied_by_a_flow_default_or_a_configured_default() -> None:
    flow = (
        HEAD
        + """\
  - id: query
    type: io.kestra.plugin.jdbc.postgresql.Query
    version: "1.15.5"
    sql: SELECT 1
"""
    )
    assert [d.code for d in catalog_lint(flow)] == ["FL502"]
    with_flow_default = flow + (
        "pluginDefaults:\n  - type: io.kestra.plugin.jdbc\n    values:\n      url: jdbc:postgresql://db/app\n"
    )
    assert catalog_lint(with_flow_default) == []
    namespace_default = ValueDefault("io.kestra.plugin.jdbc.postgresql.Query", frozenset({"url"}), "company", "cfg")
    assert catalog_lint(flow, value_defaults=(namespace_default,)) == []
    elsewhere = namespace_default._replace(scope="other")
    assert [d.code for d in catalog_lint(flow, value_defaults=(elsewhere,))] == ["FL502"]


def test_required_property_from_a_namespace_default_in_the_config_file(tmp_path: Path) -> None:
    (tmp_path / ".flowlint.yaml").write_text(
        "namespaces:\n  company:\n    pluginDefaults:\n      - type: io.kestra.plugin.core.log.Log\n"
        "        values:\n          message: from the instance\n",
        "utf-8",
    )
    (tmp_path / "flow.yml").write_text(HEAD + "  - id: hello\n    type: io.kestra.plugin.core.log.Log\n", "utf-8")
    (tmp_path / "other.yml").write_text(
        "id: g\nnamespace: elsewhere\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n", "utf-8"
    )
    done = run_cli(["check", "--no-cache", "--format", "concise", "-q", "."], cwd=tmp_path)
    assert (
        done.stdout == "other.yml:5:11: FL502 [error] io.kestra.plugin.core.log.Log (Kestra 1.3) requires 'message'\n"
    )
    assert done.returncode == 1


def test_azure_batch_tasks_are_batch_task_specs_checked_as_such_not_kestra_tasks() -> None:
    text = (
        HEAD
        + """\
  - id: batch
    type: io.kestra.plugin.azure.batch.job.Create
    version: "2.1.3"
    endpoint: https://acct.batch.azure.com
    account: acct
    accessKey: "{{ secret('AZURE_KEY') }}"
    poolId: pool
    job:
      id: job
    tasks:
      - id: step
        comands:
          - echo hi
"""
    )
    linter = Linter(Settings(), with_core(load_catalog(), Settings().target), enabled_codes())
    found = list(linter.lint_text(text, "flow.yml").diagnostics)
    subject = "Task (in io.kestra.plugin.azure.batch.job.Create 2.1.3 (plugin-azure))"
    # a missing `commands` is not reported: `tasks` has no @Valid, so Kestra does not check the specs' constraints
    assert [(d.code, d.span.line, d.span.column, d.message) for d in found] == [
        ("FL501", 15, 9, f"'comands' is not a property of {subject}"),
    ]


def test_a_target_newer_than_the_data_makes_unknown_keys_warnings() -> None:
    found = catalog_lint(
        HEAD + "  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    when: x\n", target="2.0"
    )
    assert shown(found) == [
        (
            "FL501",
            7,
            5,
            "'when' is not a property of io.kestra.plugin.core.log.Log (Kestra 2.0) as far as flowlint's data goes "
            "(it describes Kestra up to 1.3.25)",
            None,
        )
    ]
    assert found[0].severity.value == "warning"


ACME: dict[str, Any] = {
    "manifestVersion": 1,
    "plugins": [
        {
            "groupId": "com.acme",
            "artifactId": "plugin-acme",
            "versions": [
                {"version": "1.0.0", "tasks": ["com.acme.Task"]},
                {"version": "2.0.0", "tasks": ["com.acme.Task"]},
            ],
            "properties": {
                "types": {
                    "com.acme.Task": {
                        "kind": "task",
                        "root": "task",
                        "since": "1.0.0",
                        "until": "2.0.0",
                        "props": [
                            {"name": "endpoint", "kind": "string", "dyn": True, "since": "1.0.0", "until": "1.0.0"},
                            {
                                "name": "endpoint",
                                "kind": "string",
                                "dyn": True,
                                "req": True,
                                "since": "2.0.0",
                                "until": "2.0.0",
                            },
                            {"name": "legacy", "kind": "string", "since": "1.0.0", "until": "1.0.0"},
                            {"name": "retries", "kind": "integer", "since": "2.0.0", "until": "2.0.0"},
                            {
                                "name": "mode",
                                "kind": "enum",
                                "enum": ["FAST", "SLOW"],
                                "since": "1.0.0",
                                "until": "2.0.0",
                            },
                            {
                                "name": "labels",
                                "kind": "map",
                                "of": {"kind": "string"},
                                "since": "1.0.0",
                                "until": "2.0.0",
                            },
                            {
                                "name": "items",
                                "kind": "list",
                                "of": {"kind": "string"},
                                "since": "1.0.0",
                                "until": "2.0.0",
                            },
                            {
                                "name": "options",
                                "kind": "object",
                                "ref": "com.acme.Options",
                                "valid": True,
                                "since": "1.0.0",
                                "until": "2.0.0",
                            },
                            {"name": "old", "kind": "boolean", "dep": True, "since": "2.0.0", "until": "2.0.0"},
                        ],
                    }
                },
                "defs": {
                    "com.acme.Options": {
                        "since": "1.0.0",
                        "until": "2.0.0",
                        "props": [
                            {"name": "wait", "kind": "duration", "since": "1.0.0", "until": "2.0.0"},
                            {
                                "name": "level",
                                "kind": "enum",
                                "enum": ["LOW", "HIGH"],
                                "req": True,
                                "since": "1.0.0",
                                "until": "2.0.0",
                            },
                        ],
                    }
                },
            },
        }
    ],
}


def acme(body: str, version: str) -> list[Diagnostic]:
    text = HEAD + f'  - id: t\n    type: com.acme.Task\n    version: "{version}"\n' + textwrap.indent(body, "    ")
    return lint(text, manifest_data=ACME, select=FL5, dedent=False)


def test_hand_written_manifest_a_property_added_later_and_one_removed_later() -> None:
    older = acme("endpoint: e\nretries: 3\n", "1.0.0")
    assert shown(older) == [
        (
            "FL501",
            8,
            5,
            "'retries' is not a property of com.acme.Task 1.0.0 (plugin-acme)",
            "'retries' exists from 2.0.0; this task resolves to 1.0.0",
        )
    ]
    newer = acme("endpoint: e\nlegacy: x\n", "2.0.0")
    assert shown(newer) == [
        (
            "FL501",
            8,
            5,
            "'legacy' is not a property of com.acme.Task 2.0.0 (plugin-acme)",
            "'legacy' exists up to 1.0.0; this task resolves to 2.0.0",
        )
    ]


def test_hand_written_manifest_required_from_a_version_on() -> None:
    assert acme("mode: FAST\n", "1.0.0") == []
    found = acme("mode: FAST\n", "2.0.0")
    assert shown(found)[0][:4] == (
        "FL502",
        5,
        11,
        "com.acme.Task 2.0.0 (plugin-acme) requires 'endpoint' (required since 2.0.0)",
    )


def test_hand_written_manifest_shapes_and_nested_definitions() -> None:
    found = acme(
        "endpoint: e\nmode: fast\nlabels: [a]\nitems: one\nretries: many\nold: true\n"
        "options:\n  wait: soon\n  colour: red\n",
        "2.0.0",
    )
    assert shown(found) == [
        ("FL503", 8, 11, "'mode' takes one of FAST, SLOW; not 'fast' (constants are case-sensitive: FAST)", None),
        ("FL503", 9, 13, "'labels' takes a mapping, not a list", None),
        ("FL503", 10, 12, "'items' takes a list, not a string ('one')", None),
        ("FL503", 11, 14, "'retries' takes an integer, not 'many'", None),
        ("FL504", 12, 5, "'old' is deprecated in com.acme.Task 2.0.0 (plugin-acme)", found[4].help),
        ("FL502", 13, 5, "Options (in com.acme.Task 2.0.0 (plugin-acme)) requires 'level'", None),
        ("FL503", 14, 13, "'wait' takes an ISO-8601 duration such as PT5M (or a number of seconds), not 'soon'", None),
        (
            "FL501",
            15,
            7,
            "'colour' is not a property of Options (in com.acme.Task 2.0.0 (plugin-acme))",
            None,
        ),
    ]
    assert all(d.severity.value == "error" for d in found if d.code in ("FL501", "FL502", "FL503"))


def test_expressions_are_fine_in_dynamic_properties_and_wrong_in_plain_ones() -> None:
    assert acme('endpoint: "{{ vars.url }}"\n', "2.0.0") == []
    found = acme('endpoint: e\nmode: "{{ inputs.mode }}"\n', "2.0.0")
    message = "'mode' is not dynamic: Kestra cannot read an expression as one of FAST, SLOW"
    assert shown(found) == [("FL503", 8, 11, message, None)]


def test_a_type_without_property_data_gets_no_finding() -> None:
    data = json.loads(json.dumps(ACME))
    del data["plugins"][0]["properties"]
    assert acme_without(data) == []


def acme_without(data: dict[str, Any]) -> list[Diagnostic]:
    text = HEAD + '  - id: t\n    type: com.acme.Task\n    version: "2.0.0"\n    anything: 1\n'
    return lint(text, manifest_data=data, select=FL5, dedent=False)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"types": {"com.acme.Task": {"props": [{"kind": "string"}]}}}, "'name' is a required property"),
        ({"types": {"com.acme.Task": {"props": [{"name": "x", "kind": "text"}]}}}, "'text' is not one of"),
        ({"typs": {}}, "Additional properties are not allowed ('typs' was unexpected)"),
    ],
)
def test_a_malformed_properties_section_is_exit_2_with_its_location(
    tmp_path: Path, section: dict[str, Any], message: str
) -> None:
    data = json.loads(json.dumps(ACME))
    data["plugins"][0]["properties"] = section
    (tmp_path / "manifest.json").write_text(json.dumps(data), "utf-8")
    (tmp_path / "flow.yml").write_text(HEAD + "  - id: hello\n    type: io.kestra.plugin.core.log.Log\n", "utf-8")
    done = run_cli(["check", "--no-cache", "--manifest", "manifest.json", "flow.yml"], cwd=tmp_path)
    assert done.returncode == 2
    assert "manifest.json: $.plugins[0].properties" in done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_fix_renames_a_case_only_key_and_a_case_only_enum_constant_keeping_quotes(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yml"
    flow.write_text(
        HEAD
        + "  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    'Level': info\n"
        + '  - id: again\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    level: "warn"\n',
        "utf-8",
    )
    done = run_cli(["fix", "flow.yml"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert flow.read_text("utf-8") == (
        HEAD
        + "  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    'level': INFO\n"
        + '  - id: again\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    level: "WARN"\n'
    )  # the renamed key's value is then a known enum in lower case: fixed in the same run
    assert "fixed FL501: rename to level" in done.stdout


def test_a_case_only_key_whose_right_spelling_is_also_present_has_no_fix() -> None:
    found = catalog_lint(
        HEAD + "  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    MESSAGE: x\n"
    )
    assert [(d.code, d.help, d.fix) for d in found] == [
        ("FL501", "did you mean 'message'? (property names are case-sensitive)", None)
    ]


def test_an_expression_in_a_plain_string_is_not_judged() -> None:
    # Kestra renders `runIf` although the data does not mark it dynamic: a string takes any text
    found = catalog_lint(
        HEAD + '  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    runIf: "{{ inputs.go }}"\n'
    )
    assert found == []


def test_a_nested_class_shared_by_two_plugins_names_the_plugin_it_is_in() -> None:
    retry = "    retry: {type: constant, interval: PT1M, maxAttemp: 3}\n"
    found = catalog_lint(
        HEAD
        + "  - id: req\n    type: io.kestra.plugin.core.http.Request\n    uri: https://x\n"
        + retry
        + "  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
        + retry
    )
    assert [d.message for d in found] == [
        "'maxAttemp' is not a property of Constant (in io.kestra.plugin.core.http.Request (Kestra 1.3))",
        "'maxAttemp' is not a property of Constant (in io.kestra.plugin.core.log.Log (Kestra 1.3))",
    ]


def test_required_property_from_a_default_in_kestras_application_yml(tmp_path: Path) -> None:
    (tmp_path / "application.yml").write_text(
        "kestra:\n  plugins:\n    defaults:\n      - type: io.kestra.plugin.core.log\n"
        "        values:\n          message: from the instance\n",
        "utf-8",
    )
    (tmp_path / ".flowlint.yaml").write_text("kestraConfig: application.yml\n", "utf-8")
    (tmp_path / "flow.yml").write_text(HEAD + "  - id: hello\n    type: io.kestra.plugin.core.log.Log\n", "utf-8")
    done = run_cli(["check", "--no-cache", "--format", "concise", "-q", "flow.yml"], cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_a_required_key_given_once_counts_whatever_its_duplicates_or_tags_say() -> None:
    # `message` given a value once is given (the empty duplicate is FL002's); a tagged key is not `message`
    found = catalog_lint(
        HEAD
        + """\
  - id: twice
    type: io.kestra.plugin.core.log.Log
    message: hello
    message:
  - id: tagged
    type: io.kestra.plugin.core.log.Log
    !custom message: hello
"""
    )
    assert [(d.code, d.span.line, d.span.column, d.message) for d in found] == [
        ("FL502", 9, 11, "io.kestra.plugin.core.log.Log (Kestra 1.3) requires 'message'"),
    ]
