"""Plugin and version rules FL101-FL110 (SEMANTICS §2-4), against STANDARD_MANIFEST.

STANDARD_MANIFEST: core 1.3.0 (Log, Parallel, If, ..., alias io.kestra.core.tasks.log.Log), shell Script
0.20.0/0.21.0, postgres Query 0.19.0/1.2.1/1.2.3 (CopyIn from 1.2.1), docker runner 1.0.0/1.1.0-rc1/1.1.0.
"""

from __future__ import annotations

import copy
import textwrap
from typing import Any

from flowlint.diagnostics import Diagnostic, Severity
from tests.conftest import STANDARD_MANIFEST, codes, lint, of, only, settings, where

HEAD = "id: hello\nnamespace: company.team\n"
SCRIPT = "io.kestra.plugin.scripts.shell.Script"
QUERY = "io.kestra.plugin.jdbc.postgresql.Query"
COPY_IN = "io.kestra.plugin.jdbc.postgresql.CopyIn"
POSTGRES = "io.kestra.plugin:plugin-jdbc-postgres"
SHELL = "io.kestra.plugin:plugin-script-shell"


def task(type_: str, version: str | None = None, task_id: str = "a") -> str:
    """One task item (the version as written, quotes included)."""
    text = f"  - id: {task_id}\n    type: {type_}\n"
    return text + (f"    version: {version}\n" if version is not None else "")


def flow(*tasks: str) -> str:
    """A flow whose tasks are ``tasks``; task N's `type` is on line 5 + 2N (+ versions above it)."""
    return HEAD + "tasks:\n" + "".join(tasks)


def apply_fix(text: str, d: Diagnostic) -> str:
    """``text`` with the edits of ``d``'s fix applied (by character offsets)."""
    assert d.fix is not None
    for edit in sorted(d.fix.edits, key=lambda e: e.span.start_offset, reverse=True):
        text = text[: edit.span.start_offset] + edit.replacement + text[edit.span.end_offset :]
    return text


# FL101 unknown-type -------------------------------------------------------------------------------


def test_fl101_case_mismatch_gets_a_case_hint() -> None:
    d = only(lint(flow(task("io.kestra.plugin.scripts.shell.script"))), "FL101")
    assert where(d) == (5, 11, 5, 48)
    assert d.severity is Severity.ERROR
    assert d.message == "unknown plugin type io.kestra.plugin.scripts.shell.script: no installed plugin provides it"
    assert d.help == f"types are case-sensitive: did you mean {SCRIPT}?"
    assert d.yaml_path == "tasks[0].type"


def test_fl101_typo_gets_a_did_you_mean_and_a_far_type_none() -> None:
    found = lint(flow(task("io.kestra.plugin.scripts.shell.Scrpt"), task("io.kestra.plugin.nothing.Here", task_id="b")))
    first, second = of(found, "FL101")
    assert (first.span.line, first.span.column) == (5, 11)
    assert first.message == "unknown plugin type io.kestra.plugin.scripts.shell.Scrpt: no installed plugin provides it"
    assert first.help == f"did you mean {SCRIPT}?"
    assert (second.span.line, second.span.column) == (7, 11)
    assert second.help is None


def test_fl101_a_type_that_is_not_a_class_name() -> None:
    d = only(lint(flow(task("not-a-type"))), "FL101")
    assert where(d) == (5, 11, 5, 21)
    assert d.message == (
        "'not-a-type' is not a plugin type: it must be a Java class name such as io.kestra.plugin.core.log.Log"
    )


def test_fl101_known_types_and_non_plugin_types_are_fine() -> None:
    text = flow(task(SCRIPT), task("io.kestra.plugin.core.log.Log", task_id="b")) + textwrap.dedent(
        """\
        inputs:
          - id: name
            type: STRING
        retry:
          type: constant
          interval: PT1M
          maxAttempts: 2
        """
    )
    assert lint(text) == []


# FL102 version-not-installed ----------------------------------------------------------------------


def test_fl102_full_version_not_installed_is_reported_at_the_value() -> None:
    d = only(lint(flow(task(QUERY, '"1.2.0"'))), "FL102")
    assert where(d) == (6, 14, 6, 21)
    assert d.severity is Severity.ERROR
    assert d.message == f"version 1.2.0 of {POSTGRES} is not installed (installed: 0.19.0, 1.2.1, 1.2.3)"
    assert d.help == "did you mean 1.2.1?"
    assert d.yaml_path == "tasks[0].version"


def test_fl102_partial_version_matching_nothing() -> None:
    d = only(lint(flow(task(QUERY, '"1.3"'))), "FL102")
    assert where(d) == (6, 14, 6, 19)
    assert d.message == f"version 1.3 of {POSTGRES} matches no installed version (installed: 0.19.0, 1.2.1, 1.2.3)"
    assert d.help == "did you mean 1.2.3?"


def test_fl102_from_a_flow_default_is_reported_at_the_default_with_the_task_related() -> None:
    text = HEAD + (
        'pluginDefaults:\n  - type: io.kestra.plugin.jdbc.postgresql\n    values:\n      version: "1.5"\n'
        f"tasks:\n  - id: q\n    type: {QUERY}\n"
    )
    d = only(lint(text), "FL102")
    assert where(d) == (6, 16, 6, 21)
    assert d.message == (
        f"version 1.5 of {POSTGRES} matches no installed version (installed: 0.19.0, 1.2.1, 1.2.3) "
        "(for task 'q' at tasks[0])"
    )
    assert d.yaml_path == "pluginDefaults[0].values.version"
    assert [(r.span.line, r.span.column, r.message) for r in d.related] == [
        (9, 11, "task 'q' at tasks[0] takes its version from this default")
    ]


def test_fl102_from_a_configured_default_names_it() -> None:
    config = settings(global_defaults=[("io.kestra.plugin.scripts", "9.9.9", False)])
    d = only(lint(flow(task(SCRIPT)), config=config), "FL102")
    assert (d.span.line, d.span.column) == (5, 11)
    assert d.message == (
        f"version 9.9.9 of {SHELL} is not installed (installed: 0.20.0, 0.21.0); the version comes from "
        "the global plugin default for io.kestra.plugin.scripts (test config)"
    )


def test_fl102_task_runner_version() -> None:
    text = flow(task(SCRIPT, '"0.21.0"')) + (
        '    taskRunner:\n      type: io.kestra.plugin.scripts.runner.docker.Docker\n      version: "1.2"\n'
    )
    d = only(lint(text), "FL102")
    assert where(d) == (9, 16, 9, 21)
    assert d.message == (
        "version 1.2 of io.kestra.plugin:plugin-docker matches no installed version "
        "(installed: 1.0.0, 1.1.0-rc1, 1.1.0)"
    )
    assert d.yaml_path == "tasks[0].taskRunner.version"


def test_fl102_installed_full_partial_and_keyword_versions_are_fine() -> None:
    text = flow(
        task(QUERY, '"1.2.1"', "a"),
        task(QUERY, '"1.2"', "b"),
        task(QUERY, '"1"', "c"),
        task(QUERY, "LATEST", "d"),
        task(QUERY, "oldest", "e"),
        task(QUERY, '"v1.2.3"', "f"),
    )
    assert lint(text) == []


def test_fl102_before_kestra_1_1_a_full_version_matches_on_major_minor() -> None:
    assert lint(flow(task(QUERY, '"1.2.0"')), config=settings(target="1.0")) == []


# FL103 version-required ---------------------------------------------------------------------------


def test_fl103_instance_default_none() -> None:
    found = lint(
        flow(task(SCRIPT), task("io.kestra.plugin.core.log.Log", task_id="b")), config=settings(default_version="NONE")
    )
    d = only(found, "FL103")  # the core Log is exempt
    assert where(d) == (5, 11, 5, 48)
    assert d.message == (
        f"{SCRIPT} has no version: the instance default version is NONE (test config) and nothing more "
        "specific sets one"
    )
    assert d.help == 'pin a version on the plugin, e.g. version: "0.21.0"'
    assert d.yaml_path == "tasks[0].type"


def test_fl103_namespace_default_none_of_a_parent_namespace() -> None:
    config = settings(namespaces={"company": [("io.kestra.plugin.scripts", "NONE", False)]})
    d = only(lint(flow(task(SCRIPT)), config=config), "FL103")
    assert (d.span.line, d.span.column) == (5, 11)
    assert d.message == (
        f"{SCRIPT} has no version: the namespace company plugin default for io.kestra.plugin.scripts (test config) "
        "is NONE and nothing more specific sets one"
    )


def test_fl103_a_version_at_a_more_specific_level_satisfies_none() -> None:
    config = settings(default_version="NONE")
    assert lint(flow(task(SCRIPT, '"0.21.0"')), config=config) == []
    with_default = HEAD + (
        'pluginDefaults:\n  - type: io.kestra.plugin.scripts\n    values:\n      version: "0.20.0"\n'
        f"tasks:\n  - id: a\n    type: {SCRIPT}\n"
    )
    assert lint(with_default, config=config) == []


# FL104 invalid-version ----------------------------------------------------------------------------


def test_fl104_not_a_version_templated_and_wrong_yaml_types() -> None:
    found = lint(
        flow(
            task(SCRIPT, "1.x", "a"),
            task(SCRIPT, '"{{ vars.v }}"', "b"),
            task(SCRIPT, "[1]", "c"),
            task(SCRIPT, "true", "d"),
            task(SCRIPT, '">=0.20"', "e"),
        )
    )
    assert [(where(d), d.message, d.yaml_path) for d in of(found, "FL104")] == [
        (
            (6, 14, 6, 17),
            "invalid version: '1.x' is not a version (MAJOR[.MINOR[.PATCH]][-QUALIFIER]) nor LATEST, OLDEST or NONE",
            "tasks[0].version",
        ),
        (
            (9, 14, 9, 28),
            "invalid version: Pebble expressions are not rendered in `version`: write the version itself",
            "tasks[1].version",
        ),
        ((12, 14, 12, 17), "invalid version: a version must be a string, not a list", "tasks[2].version"),
        ((15, 14, 15, 18), "invalid version: a version must be a string, not a boolean", "tasks[3].version"),
        (
            (18, 14, 18, 22),
            "invalid version: '>=0.20' is not a version (MAJOR[.MINOR[.PATCH]][-QUALIFIER]) nor LATEST, OLDEST or NONE",
            "tasks[4].version",
        ),
    ]
    assert all(d.severity is Severity.ERROR for d in of(found, "FL104"))


def test_fl104_partial_versions_before_kestra_1_1() -> None:
    d = only(lint(flow(task(SCRIPT, '"0.21"')), config=settings(target="1.0")), "FL104")
    assert where(d) == (6, 14, 6, 20)
    assert d.message == (
        "invalid version: Kestra 1.0 accepts only MAJOR.MINOR.PATCH[-QUALIFIER] or a keyword as `version`, not '0.21'"
    )


def test_fl104_valid_forms_are_fine() -> None:
    text = flow(
        task(SCRIPT, "latest", "a"),
        task(SCRIPT, "Oldest", "b"),
        task(SCRIPT, "v0.21.0", "c"),
        task(SCRIPT, '"0.21"', "d"),
        task(SCRIPT, '"0"', "e"),
    )
    assert of(lint(text), "FL104") == []


# FL105 type-not-in-version ------------------------------------------------------------------------


def test_fl105_selected_version_lacks_the_type() -> None:
    d = only(lint(flow(task(COPY_IN, '"0.19.0"'))), "FL105")
    assert where(d) == (6, 14, 6, 22)
    assert d.message == f"{POSTGRES} 0.19.0 does not contain {COPY_IN} (1.2.1 to 1.2.3 have it)"
    assert d.help == 'use version "1.2.3"'
    assert d.yaml_path == "tasks[0].version"


def test_fl105_through_a_flow_default() -> None:
    text = HEAD + (
        'pluginDefaults:\n  - type: io.kestra.plugin.jdbc.postgresql\n    values:\n      version: "0.19"\n'
        f"tasks:\n  - id: copy\n    type: {COPY_IN}\n  - id: q\n    type: {QUERY}\n"
    )
    d = only(lint(text), "FL105")  # Query exists in 0.19.0: only CopyIn is reported
    assert where(d) == (6, 16, 6, 22)
    assert (
        d.message
        == f"{POSTGRES} 0.19.0 does not contain {COPY_IN} (1.2.1 to 1.2.3 have it) (for task 'copy' at tasks[0])"
    )
    assert [(r.span.line, r.span.column) for r in d.related] == [(9, 11)]


def test_fl105_a_version_with_the_type_is_fine() -> None:
    assert lint(flow(task(COPY_IN, '"1.2.1"'), task(COPY_IN, task_id="b"))) == []


# FL106 ambiguous-type -----------------------------------------------------------------------------

TWO_PROVIDERS: dict[str, Any] = copy.deepcopy(STANDARD_MANIFEST)
TWO_PROVIDERS["plugins"] += [
    {
        "groupId": "io.example",
        "artifactId": "plugin-a",
        "versions": [{"version": "1.0.0", "tasks": ["io.example.Task"]}],
    },
    {
        "groupId": "io.example",
        "artifactId": "plugin-b",
        "versions": [
            {"version": "1.0.0", "tasks": ["io.example.Task"]},
            {"version": "2.0.0", "tasks": ["io.example.Task"]},
        ],
    },
]


def test_fl106_two_plugins_provide_the_type() -> None:
    found = lint(flow(task("io.example.Task", '"1.0.0"')), manifest_data=TWO_PROVIDERS)
    d = only(found, "FL106")
    assert where(d) == (5, 11, 5, 26)
    assert d.severity is Severity.WARNING
    assert (
        d.message
        == "io.example.Task is provided by several plugins: io.example:plugin-a 1.0.0, io.example:plugin-b 1.0.0"
    )
    assert codes(found) == ["FL106"]


def test_fl106_a_version_only_one_plugin_has_is_fine() -> None:
    assert lint(flow(task("io.example.Task", '"2.0.0"')), manifest_data=TWO_PROVIDERS) == []


# plugin-jdbc-as400 shipped io.kestra.plugin.jdbc.db2.Query in its 0.16.0 only; plugin-jdbc-db2 has it since
DB2 = "io.kestra.plugin.jdbc.db2.Query"
ONE_OLD_RELEASE: dict[str, Any] = copy.deepcopy(STANDARD_MANIFEST)
ONE_OLD_RELEASE["plugins"] += [
    {
        "groupId": "io.kestra.plugin",
        "artifactId": "plugin-jdbc-as400",
        "versions": [{"version": "0.16.0", "tasks": [DB2]}],
    },
    {
        "groupId": "io.kestra.plugin",
        "artifactId": "plugin-jdbc-db2",
        "versions": [{"version": v, "tasks": [DB2]} for v in ("0.16.0", "1.15.0", "1.15.5")],
    },
]


def test_fl106_only_among_the_versions_the_use_resolves_to() -> None:
    # LATEST, `1`, `1.15`: the newest versions that have the type are plugin-jdbc-db2's alone
    body = task(DB2, task_id="a") + task(DB2, '"1"', "b") + task(DB2, '"1.15"', "c") + task(DB2, "OLDEST", "d")
    found = lint(flow(body), manifest_data=ONE_OLD_RELEASE)
    d = only(found, "FL106")  # OLDEST: 0.16.0, which both plugins released
    assert codes(found) == ["FL106"]
    assert (where(d), d.yaml_path) == ((13, 11, 13, 42), "tasks[3].type")
    assert d.message == (
        f"{DB2} is provided by several plugins: io.kestra.plugin:plugin-jdbc-as400 0.16.0, "
        "io.kestra.plugin:plugin-jdbc-db2 0.16.0"
    )


# FL107 unquoted-version ---------------------------------------------------------------------------


def test_fl107_unquoted_number_with_a_fix_quoting_the_text_as_written() -> None:
    text = flow(task(SCRIPT, "0.20"))
    found = lint(text)
    d = only(found, "FL107")
    assert where(d) == (6, 14, 6, 18)
    assert d.severity is Severity.WARNING
    assert d.message == (
        "version 0.20 is the number 0.2 for YAML: Kestra asks for version 0.2, which matches no installed version; "
        'quoted, "0.20" would run 0.20.0'
    )
    assert d.help == 'quote it: "0.20"'
    assert d.fix is not None and d.fix.safe
    assert d.fix.description == 'quote the version as written: "0.20"'
    assert [(e.span.line, e.span.column, e.span.end_column, e.replacement) for e in d.fix.edits] == [
        (6, 14, 18, '"0.20"')
    ]
    # Kestra really asks for 0.2, which matches nothing installed.
    assert only(found, "FL102").message == (
        f"version 0.2 of {SHELL} matches no installed version (installed: 0.20.0, 0.21.0)"
    )
    fixed = apply_fix(text, d)
    assert fixed == flow(task(SCRIPT, '"0.20"'))
    assert lint(fixed) == []


def test_fl107_one_point_ten_becomes_one_point_one() -> None:
    d = only(lint(flow(task(SCRIPT, "1.10"))), "FL107")
    assert d.message == (
        "version 1.10 is the number 1.1 for YAML: Kestra asks for version 1.1, which matches no installed version; "
        'quoted, "1.10" would match no installed version'
    )
    assert d.fix is not None and d.fix.safe  # neither reading runs anything: quoting breaks nothing


SHELL_1_1: dict[str, Any] = copy.deepcopy(STANDARD_MANIFEST)
SHELL_1_1["plugins"][1]["versions"] = [{"version": v, "tasks": [SCRIPT]} for v in ("1.0.5", "1.1.4", "1.9.0")]


def test_fl107_fix_that_changes_what_a_working_flow_runs_is_unsafe() -> None:
    text = flow(task(SCRIPT, "1.10"))
    found = lint(text, manifest_data=SHELL_1_1)
    d = only(found, "FL107")
    assert codes(found) == ["FL107"]  # 1.1 runs 1.1.4 today
    assert where(d) == (6, 14, 6, 18)
    assert d.message == (
        'version 1.10 is the number 1.1 for YAML: Kestra asks for version 1.1, which runs 1.1.4; quoted, "1.10" '
        "would match no installed version"
    )
    assert d.help == 'quote it as written ("1.10") to ask for 1.10, or write "1.1" to keep what runs today'
    assert d.fix is not None and not d.fix.safe
    # applied anyway (--unsafe-fixes), the flow no longer resolves
    assert codes(lint(apply_fix(text, d), manifest_data=SHELL_1_1)) == ["FL102"]


def test_fl107_fix_is_safe_when_both_readings_run_the_same_version() -> None:
    d = only(lint(flow(task(SCRIPT, "1.00")), manifest_data=SHELL_1_1), "FL107")
    assert d.message == (
        'version 1.00 is the number 1.0 for YAML: Kestra asks for version 1.0, which runs 1.0.5; quoted, "1.00" '
        "would run 1.0.5"
    )
    assert d.help == 'quote it: "1.00"'
    assert d.fix is not None and d.fix.safe


def test_fl102_did_you_mean_is_what_the_version_as_written_runs() -> None:
    data = copy.deepcopy(STANDARD_MANIFEST)
    data["plugins"][1]["versions"] = [{"version": v, "tasks": [SCRIPT]} for v in ("1.0.5", "1.10.2")]
    found = lint(flow(task(SCRIPT, "1.10")), manifest_data=data)
    assert codes(found) == ["FL102", "FL107"]
    missing = only(found, "FL102")
    assert where(missing) == (6, 14, 6, 18)
    assert missing.message == f"version 1.1 of {SHELL} matches no installed version (installed: 1.0.5, 1.10.2)"
    assert missing.help == "did you mean 1.10.2?"  # not the closest to 1.1 (1.0.5): what "1.10" runs
    assert only(found, "FL107").message == (
        "version 1.10 is the number 1.1 for YAML: Kestra asks for version 1.1, which matches no installed version; "
        'quoted, "1.10" would run 1.10.2'
    )


def test_fl107_in_a_flow_default_says_what_each_of_its_uses_runs() -> None:
    data = copy.deepcopy(SHELL_1_1)
    data["plugins"][1]["versions"][2]["tasks"].append("io.kestra.plugin.scripts.shell.Commands")  # 1.9.0 only
    text = HEAD + (
        "pluginDefaults:\n  - type: io.kestra.plugin.scripts\n    values:\n      version: 1.10\n"
        f"tasks:\n  - id: a\n    type: {SCRIPT}\n  - id: b\n    type: io.kestra.plugin.scripts.shell.Commands\n"
    )
    d = only(lint(text, manifest_data=data), "FL107")
    assert (where(d), d.yaml_path) == ((6, 16, 6, 20), "pluginDefaults[0].values.version")
    assert d.message == (
        "version 1.10 is the number 1.1 for YAML: Kestra asks for version 1.1, which runs 1.1.4 (Script) and "
        'selects 1.1.4 without the type (Commands); quoted, "1.10" would match no installed version'
    )
    assert d.fix is not None and not d.fix.safe  # Script runs 1.1.4 today


def test_fl107_in_a_flow_default() -> None:
    text = HEAD + (
        "pluginDefaults:\n  - type: io.kestra.plugin.scripts\n    values:\n      version: 0.20\n"
        f"tasks:\n  - id: a\n    type: {SCRIPT}\n"
    )
    d = only(lint(text), "FL107")
    assert where(d) == (6, 16, 6, 20)
    assert d.yaml_path == "pluginDefaults[0].values.version"


def test_fl107_quoted_or_unambiguous_numbers_are_fine() -> None:
    assert lint(flow(task(SCRIPT, '"0.20"', "a"), task(QUERY, "1.2", "b"), task(SCRIPT, "'0.21'", "c"))) == []


# FL108 deprecated-alias ---------------------------------------------------------------------------

ALIAS = "io.kestra.core.tasks.log.Log"
CANONICAL = "io.kestra.plugin.core.log.Log"


def test_fl108_alias_with_a_fix_to_the_canonical_type_keeping_quotes() -> None:
    text = flow(task(ALIAS, task_id="a"), task(f'"{ALIAS}"', task_id="b"), task(f"'{ALIAS}'", task_id="c"))
    found = of(lint(text), "FL108")
    assert [(where(d), d.severity, d.message, d.yaml_path) for d in found] == [
        ((5, 11, 5, 39), Severity.WARNING, f"{ALIAS} is a deprecated alias of {CANONICAL}", "tasks[0].type"),
        ((7, 11, 7, 41), Severity.WARNING, f"{ALIAS} is a deprecated alias of {CANONICAL}", "tasks[1].type"),
        ((9, 11, 9, 41), Severity.WARNING, f"{ALIAS} is a deprecated alias of {CANONICAL}", "tasks[2].type"),
    ]
    assert [d.fix.edits[0].replacement for d in found if d.fix] == [CANONICAL, f'"{CANONICAL}"', f"'{CANONICAL}'"]
    assert all(d.fix is not None and d.fix.description == f"replace with {CANONICAL}" for d in found)
    fixed = text
    for d in reversed(found):
        fixed = apply_fix(fixed, d)
    assert fixed == flow(
        task(CANONICAL, task_id="a"), task(f'"{CANONICAL}"', task_id="b"), task(f"'{CANONICAL}'", task_id="c")
    )
    assert lint(fixed) == []


def test_fl108_core_alias_is_an_error_on_a_2_0_target() -> None:
    d = only(lint(flow(task(ALIAS)), config=settings(target="2.0")), "FL108")
    assert d.severity is Severity.ERROR
    assert d.message == f"{ALIAS} is removed in Kestra 2.0: use {CANONICAL}"


def test_fl108_non_core_alias_stays_a_warning_on_a_2_0_target() -> None:
    data = copy.deepcopy(STANDARD_MANIFEST)
    data["plugins"][1]["versions"][1]["aliases"] = {"io.kestra.core.tasks.scripts.Bash": SCRIPT}
    d = only(
        lint(flow(task("io.kestra.core.tasks.scripts.Bash")), manifest_data=data, config=settings(target="2.0")),
        "FL108",
    )
    assert d.severity is Severity.WARNING
    assert d.message == f"io.kestra.core.tasks.scripts.Bash is a deprecated alias of {SCRIPT}"


def test_fl108_canonical_type_is_fine() -> None:
    assert lint(flow(task(CANONICAL))) == []


def test_fl108_a_type_declared_as_its_own_alias_is_no_alias() -> None:
    data = copy.deepcopy(STANDARD_MANIFEST)
    data["plugins"][1]["versions"][1]["aliases"] = {SCRIPT: SCRIPT}
    assert lint(flow(task(SCRIPT, '"0.21.0"')), manifest_data=data) == []


BASH = "io.kestra.core.tasks.scripts.Bash"
# Kestra's core had Bash up to 0.10.1; plugin-script-shell has it since 0.11.0
BASH_MOVED: dict[str, Any] = copy.deepcopy(STANDARD_MANIFEST)
BASH_MOVED["plugins"][0]["versions"].insert(0, {"version": "0.10.1", "tasks": [BASH]})
BASH_MOVED["plugins"][1]["versions"].append({"version": "0.11.0", "tasks": [BASH, SCRIPT]})


def test_a_type_that_left_kestras_core_resolves_to_the_plugin_that_has_it_now() -> None:
    text = flow(task(BASH, '"0.10.1"'))
    found = lint(text, manifest_data=BASH_MOVED)
    d = only(found, "FL102")  # not core (never versioned): plugin-script-shell, which has no 0.10.1
    assert codes(found) == ["FL102"]
    assert (where(d), d.yaml_path) == ((6, 14, 6, 22), "tasks[0].version")
    assert d.message == f"version 0.10.1 of {SHELL} is not installed (installed: 0.11.0, 0.20.0, 0.21.0)"
    assert lint(flow(task(BASH, '"0.11.0"')), manifest_data=BASH_MOVED) == []
    # a Kestra 0.10 target still has it in core: no version applies
    assert lint(text, manifest_data=BASH_MOVED, config=settings(target="0.10")) == []


# FL109 version-on-condition -----------------------------------------------------------------------

TRIGGER = (
    "triggers:\n  - id: t\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: '0 2 * * *'\n"
    "    conditions:\n      - type: io.kestra.plugin.core.condition.Weekend\n"
)


def test_fl109_version_on_a_condition() -> None:
    d = only(lint(flow(task(CANONICAL)) + TRIGGER + '        version: "1.3.0"\n'), "FL109")
    assert where(d) == (12, 18, 12, 25)
    assert d.severity is Severity.ERROR
    assert d.message == "conditions take no `version`: remove it from this Weekend condition"
    assert d.yaml_path == "triggers[0].conditions[0].version"


def test_fl109_version_on_a_schedule_condition() -> None:
    text = flow(task(CANONICAL)) + TRIGGER.replace("conditions:", "scheduleConditions:") + '        version: "1.3.0"\n'
    d = only(lint(text), "FL109")
    assert where(d) == (12, 18, 12, 25)
    assert d.message == "conditions take no `version`: remove it from this Weekend condition"
    assert d.yaml_path == "triggers[0].scheduleConditions[0].version"


def test_fl109_condition_without_version_is_fine() -> None:
    assert lint(flow(task(CANONICAL)) + TRIGGER) == []


# FL110 invalid-plugin-default ---------------------------------------------------------------------


def test_fl110_bad_flow_defaults() -> None:
    text = HEAD + textwrap.dedent(
        """\
        pluginDefaults:
          - type: io.kestra.plugin.scripts
            forced: true
            values:
              version: 1.x
          - values:
              a: 1
          - type: io.kestra.plugin.scripts
          - type: io.kestra.plugin.scripts
            values: [1]
          - just text
          - type: [io.kestra]
            values: {}
        tasks:
          - id: a
            type: io.kestra.plugin.core.log.Log
        """
    )
    found = of(lint(text), "FL110")
    assert [(d.span.line, d.span.column, d.severity, d.message, d.yaml_path) for d in found] == [
        (
            5,
            13,
            Severity.WARNING,
            "`forced` is ignored in a flow's pluginDefaults: only namespace and global defaults can force",
            "pluginDefaults[0].forced",
        ),
        (
            7,
            16,
            Severity.ERROR,
            "invalid version in plugin default: '1.x' is not a version (MAJOR[.MINOR[.PATCH]][-QUALIFIER]) "
            "nor LATEST, OLDEST or NONE",
            "pluginDefaults[0].values.version",
        ),
        (8, 5, Severity.ERROR, "this plugin default has no `type`", "pluginDefaults[1]"),
        (10, 5, Severity.ERROR, "this plugin default has no `values`", "pluginDefaults[2]"),
        (12, 13, Severity.ERROR, "`values` must be a mapping, not a list", "pluginDefaults[3].values"),
        (13, 5, Severity.ERROR, "a plugin default must be a mapping, not a string", "pluginDefaults[4]"),
        (14, 11, Severity.ERROR, "`type` of a plugin default must be a string, not a list", "pluginDefaults[5].type"),
    ]


def test_fl110_forced_is_an_error_on_a_2_0_target() -> None:
    text = HEAD + (
        'pluginDefaults:\n  - type: io.kestra.plugin.scripts\n    forced: true\n    values:\n      version: "0.21.0"\n'
        "tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n"
    )
    d = only(lint(text, config=settings(target="2.0")), "FL110")
    assert (d.span.line, d.span.column) == (5, 13)
    assert d.severity is Severity.ERROR
    assert d.message == "`forced` in a flow's pluginDefaults no longer parses in Kestra 2.0"


def test_fl110_good_defaults_are_fine() -> None:
    text = HEAD + (
        'pluginDefaults:\n  - type: io.kestra.plugin.scripts\n    values:\n      version: "0.21"\n'
        "  - type: io.kestra.plugin.core.log.Log\n    values:\n      level: INFO\n"
        f"tasks:\n  - id: a\n    type: {SCRIPT}\n"
    )
    assert lint(text) == []


def test_every_kind_of_plugin_is_resolved_in_nested_slots() -> None:
    """Uses inside If/then/else, errors, finally and triggers are all checked."""
    text = HEAD + textwrap.dedent(
        f"""\
        tasks:
          - id: branch
            type: io.kestra.plugin.core.flow.If
            condition: "{{{{ true }}}}"
            then:
              - id: t
                type: {QUERY}
                version: "1.2.0"
            else:
              - id: e
                type: {ALIAS}
        errors:
          - id: err
            type: {COPY_IN}
            version: "0.19.0"
        finally:
          - id: fin
            type: io.kestra.plugin.Nope
        """
    )
    found = lint(text)
    assert [(d.code, d.span.line, d.yaml_path) for d in found] == [
        ("FL102", 10, "tasks[0].then[0].version"),
        ("FL108", 13, "tasks[0].else[0].type"),
        ("FL105", 17, "errors[0].version"),
        ("FL101", 20, "finally[0].type"),
    ]


def test_fixes_keep_an_anchor_or_tag_before_the_value() -> None:
    found = lint(flow(task(SCRIPT, "&v 0.20")))
    fl107 = only(found, "FL107")
    assert fl107.fix is not None
    (edit,) = fl107.fix.edits
    assert (edit.span.line, edit.span.column, edit.span.end_column, edit.replacement) == (6, 17, 21, '"0.20"')
    found = lint(flow(task("!!str io.kestra.core.tasks.log.Log")))
    fl108 = only(found, "FL108")
    assert fl108.fix is not None
    (edit,) = fl108.fix.edits
    assert (edit.span.column, edit.replacement) == (17, "io.kestra.plugin.core.log.Log")
