"""Structure rules FL001-FL008 (SEMANTICS §5).

Each rule has bad flows asserting code, position and the exact message, and good flows asserting the
rule stays silent. (The rule catalogue is tests/rules/test_registry.py's.)
"""

from __future__ import annotations

import textwrap

import pytest

from flowlint.config import Settings
from flowlint.diagnostics import Severity
from flowlint.lint import Linter
from flowlint.rules import enabled_codes
from tests.conftest import codes, lint, manifest, of, only, settings, where

HEAD = "id: hello\nnamespace: company.team\n"
LOG_TASKS = "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"


# FL001 yaml-syntax -------------------------------------------------------------------------------


def test_fl001_unclosed_flow_sequence_is_reported_at_the_parser_mark() -> None:
    found = lint(HEAD + "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: [unclosed\n")
    d = only(found, "FL001")
    assert (d.span.line, d.span.column) == (7, 1)
    assert d.severity is Severity.ERROR
    assert d.message == "did not find expected ',' or ']' (while parsing a flow sequence at line 6)"
    assert codes(found) == ["FL001"]


def test_fl001_tab_in_indentation_is_reported_at_the_tab() -> None:
    found = lint(HEAD + "tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n\tmessage: hi\n")
    d = only(found, "FL001")
    assert where(d) == (6, 1, 6, 2)
    assert d.message == "found a tab character that violates indentation (while scanning a plain scalar at line 5)"


def test_fl001_bytes_that_are_not_utf8() -> None:
    linter = Linter(settings(), manifest(), enabled_codes())
    result = linter.lint_bytes(b"id: a\xff\nnamespace: b\n", "bin.yml")
    d = only(result.diagnostics, "FL001")
    assert (d.span.line, d.span.column) == (1, 6)
    assert d.message == "invalid UTF-8 text: byte 0xff at line 1, column 6"
    assert d.path == "bin.yml"


def test_fl001_good_flow_parses() -> None:
    assert lint(HEAD + 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "[closed]"\n') == []


# FL002 duplicate-key ------------------------------------------------------------------------------


def test_fl002_top_level_key_repeated_is_reported_at_the_repeat() -> None:
    found = lint("id: hello\nnamespace: company.team\nid: hello2\n" + LOG_TASKS)
    d = only(found, "FL002")
    assert where(d) == (3, 1, 3, 3)
    assert d.message == "duplicate key 'id' (first at line 1)"
    assert d.yaml_path == "id"
    assert len(d.related) == 1
    assert (d.related[0].span.line, d.related[0].span.column) == (1, 1)
    assert d.related[0].message == "first written here"


def test_fl002_key_repeated_inside_a_task() -> None:
    found = lint(
        HEAD + "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: a\n    message: b\n"
    )
    d = only(found, "FL002")
    assert where(d) == (7, 5, 7, 12)
    assert d.message == "duplicate key 'message' (first at line 6)"
    assert d.yaml_path == "tasks[0].message"
    assert (d.related[0].span.line, d.related[0].span.column) == (6, 5)


def test_fl002_same_key_in_different_mappings_is_fine() -> None:
    text = HEAD + (
        "tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: a\n"
        "  - id: b\n    type: io.kestra.plugin.core.log.Log\n    message: b\n"
    )
    assert lint(text) == []


# FL003 missing-required ---------------------------------------------------------------------------


def test_fl003_flow_without_id_is_reported_at_its_first_key() -> None:
    found = lint("namespace: company.team\n" + LOG_TASKS)
    d = only(found, "FL003")
    assert where(d) == (1, 1, 1, 10)
    assert d.message == "the flow has no `id`"


def test_fl003_flow_without_tasks() -> None:
    d = only(lint(HEAD), "FL003")
    assert (d.span.line, d.span.column) == (1, 1)
    assert d.message == "the flow has no `tasks`: a flow needs at least one task"


def test_fl003_empty_and_null_tasks() -> None:
    d = only(lint(HEAD + "tasks: []\n"), "FL003")
    assert (d.span.line, d.span.column) == (3, 8)
    assert d.message == "`tasks` is empty: a flow needs at least one task"
    assert d.yaml_path == "tasks"
    d = only(lint(HEAD + "tasks: ~\n"), "FL003")
    assert (d.span.line, d.span.column) == (3, 1)
    assert d.message == "`tasks` is empty: a flow needs at least one task"


def test_fl003_task_without_id_or_type() -> None:
    found = lint(
        HEAD
        + "tasks:\n  - type: io.kestra.plugin.core.log.Log\n  - id: x\n  - message: neither\n"
        + "triggers:\n  - type: io.kestra.plugin.core.trigger.Schedule\n"
    )
    assert [(d.span.line, d.span.column, d.message, d.yaml_path) for d in of(found, "FL003")] == [
        (4, 5, "this task has no `id`", "tasks[0]"),
        (5, 5, "this task has no `type`", "tasks[1]"),
        (6, 5, "this task has no `id` and no `type`", "tasks[2]"),
        (8, 5, "this trigger has no `id`", "triggers[0]"),
    ]


def test_fl003_complete_flow_is_fine() -> None:
    assert of(lint(HEAD + LOG_TASKS), "FL003") == []


AZURE_BATCH = HEAD + textwrap.dedent("""\
    tasks:
      - id: batch
        type: io.kestra.plugin.azure.batch.job.Create
        endpoint: https://example.batch.azure.com
        poolId: pool
        job:
          id: job
        tasks:
          - id: env
            commands:
              - echo hello
          - commands: ["echo no id either"]
      - id: par
        type: io.kestra.plugin.core.flow.Parallel
        tasks:
          - id: step
            commands:
              - echo not a task
        errors:
          - message: no id and no type
    """)


def test_fl003_items_of_a_non_flowable_plugins_tasks_are_data_not_tasks() -> None:
    # Azure Batch `tasks` are Batch task specs; only a flowable's (core flow) `tasks` hold Kestra tasks
    assert [(d.span.line, d.span.column, d.message, d.yaml_path) for d in of(lint(AZURE_BATCH), "FL003")] == [
        (18, 9, "this task has no `type`", "tasks[1].tasks[0]"),
        (22, 9, "this task has no `id` and no `type`", "tasks[1].errors[0]"),
    ]


# FL004 invalid-id ---------------------------------------------------------------------------------


def test_fl004_patterns_of_flow_id_namespace_and_task_id() -> None:
    found = lint(
        "id: my flow\nnamespace: Company.Team\ntasks:\n  - id: step.one\n    type: io.kestra.plugin.core.log.Log\n"
        "triggers:\n  - id: -nightly\n    type: io.kestra.plugin.core.trigger.Schedule\n"
    )
    assert [(where(d), d.message, d.yaml_path) for d in of(found, "FL004")] == [
        ((1, 5, 1, 12), "flow id 'my flow' does not match [a-zA-Z0-9][a-zA-Z0-9._-]*", "id"),
        ((2, 12, 2, 24), "namespace 'Company.Team' does not match [a-z0-9][a-z0-9._-]*", "namespace"),
        ((4, 9, 4, 17), "task id 'step.one' does not match [a-zA-Z0-9][a-zA-Z0-9_-]*", "tasks[0].id"),
        ((7, 9, 7, 17), "trigger id '-nightly' does not match [a-zA-Z0-9][a-zA-Z0-9_-]*", "triggers[0].id"),
    ]


def test_fl004_ids_and_namespaces_over_their_length_limit() -> None:
    text = (
        f"id: {'a' * 101}\nnamespace: {'b' * 151}\ntasks:\n  - id: {'c' * 257}\n"
        "    type: io.kestra.plugin.core.log.Log\n"
    )
    assert [(where(d), d.message) for d in of(lint(text), "FL004")] == [
        ((1, 5, 1, 106), "flow id is 101 characters long; at most 100"),
        ((2, 12, 2, 163), "namespace is 151 characters long; at most 150"),
        ((4, 9, 4, 266), "task id is 257 characters long; at most 256"),
    ]


def test_fl004_lengths_at_the_limits_are_fine() -> None:
    text = (
        f"id: {'a' * 100}\nnamespace: {'b' * 150}\ntasks:\n  - id: {'c' * 256}\n"
        "    type: io.kestra.plugin.core.log.Log\n"
    )
    assert lint(text) == []


@pytest.mark.parametrize(
    "flow_id",
    ["pause", "resume", "force-run", "change-status", "kill", "executions", "search", "source", "disable", "enable"],
)
def test_fl004_reserved_flow_ids(flow_id: str) -> None:
    d = only(lint(f"id: {flow_id}\nnamespace: company.team\n" + LOG_TASKS), "FL004")
    assert where(d) == (1, 5, 1, 5 + len(flow_id))
    assert d.message == f"flow id '{flow_id}' is reserved since Kestra 1.0"


def test_fl004_reserved_ids_are_allowed_before_kestra_1() -> None:
    assert lint("id: pause\nnamespace: company.team\n" + LOG_TASKS, config=settings(target="0.24")) == []


def test_fl004_valid_ids_are_fine() -> None:
    text = (
        "id: My.Flow-1_x\nnamespace: company.team-a_b.c1\ntasks:\n  - id: Step_1-a\n"
        "    type: io.kestra.plugin.core.log.Log\n"
        "triggers:\n  - id: pauseTrigger\n    type: io.kestra.plugin.core.trigger.Schedule\n"
    )
    assert lint(text) == []


# FL005 duplicate-id -------------------------------------------------------------------------------

DUPLICATES = HEAD + textwrap.dedent(
    """\
    tasks:
      - id: step
        type: io.kestra.plugin.core.log.Log
      - id: group
        type: io.kestra.plugin.core.flow.Parallel
        tasks:
          - id: step
            type: io.kestra.plugin.core.log.Log
        errors:
          - id: step
            type: io.kestra.plugin.core.log.Log
    finally:
      - id: step
        type: io.kestra.plugin.core.log.Log
    triggers:
      - id: nightly
        type: io.kestra.plugin.core.trigger.Schedule
      - id: nightly
        type: io.kestra.plugin.core.trigger.Schedule
      - id: step
        type: io.kestra.plugin.core.trigger.Schedule
    """
)


def test_fl005_each_later_duplicate_is_reported_with_the_first_as_related() -> None:
    found = of(lint(DUPLICATES), "FL005")
    assert [(where(d), d.message, d.yaml_path) for d in found] == [
        ((9, 13, 9, 17), "duplicate task id 'step' (first used at line 4)", "tasks[1].tasks[0].id"),
        ((12, 13, 12, 17), "duplicate task id 'step' (first used at line 4)", "tasks[1].errors[0].id"),
        ((15, 9, 15, 13), "duplicate task id 'step' (first used at line 4)", "finally[0].id"),
        ((20, 9, 20, 16), "duplicate trigger id 'nightly' (first used at line 18)", "triggers[1].id"),
    ]
    for d in found[:3]:
        assert [(r.span.line, r.span.column, r.message) for r in d.related] == [(4, 9, "first task with this id")]
    assert [(r.span.line, r.span.column, r.message) for r in found[3].related] == [
        (18, 9, "first trigger with this id")
    ]


def test_fl005_a_trigger_may_share_a_task_id_and_unique_ids_are_fine() -> None:
    text = HEAD + (
        "tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n"
        "  - id: b\n    type: io.kestra.plugin.core.log.Log\n"
        "triggers:\n  - id: a\n    type: io.kestra.plugin.core.trigger.Schedule\n"
    )
    assert lint(text) == []


# FL006 unknown-flow-key ---------------------------------------------------------------------------


def test_fl006_typo_gets_a_did_you_mean() -> None:
    found = lint(HEAD + "task:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n")
    d = only(found, "FL006")
    assert where(d) == (3, 1, 3, 5)
    assert d.message == "unknown top-level key 'task': Kestra's Flow has no such property"
    assert d.help == "did you mean 'tasks'?"
    assert d.yaml_path == "task"
    assert codes(found) == ["FL003", "FL006"]  # and so the flow has no tasks


def test_fl006_without_a_close_key_there_is_no_help() -> None:
    d = only(lint(HEAD + LOG_TASKS + "owner: data-team\n"), "FL006")
    assert (d.span.line, d.span.column) == (7, 1)
    assert d.message == "unknown top-level key 'owner': Kestra's Flow has no such property"
    assert d.help is None


def test_fl006_every_flow_property_is_known() -> None:
    text = (
        HEAD
        + LOG_TASKS
        + textwrap.dedent(
            """\
        revision: 3
        description: all the keys
        labels: {team: data}
        inputs: []
        outputs: []
        variables: {a: 1}
        errors: []
        finally: []
        afterExecution: []
        triggers: []
        pluginDefaults: []
        concurrency: {limit: 1}
        retry: {type: constant, interval: PT1M, maxAttempts: 2}
        sla: []
        checks: []
        disabled: false
        deleted: false
        tenantId: main
        workerSelector: {}
        """
        )
    )
    assert of(lint(text), "FL006") == []


# FL007 wrong-shape --------------------------------------------------------------------------------


def test_fl007_tasks_not_a_list() -> None:
    d = only(lint(HEAD + "tasks:\n  id: log\n  type: io.kestra.plugin.core.log.Log\n"), "FL007")
    assert (d.span.line, d.span.column) == (4, 3)
    assert d.message == "`tasks` must be a list of tasks, not a mapping"
    assert d.yaml_path == "tasks"


def test_fl007_task_not_a_mapping_type_and_ids_not_strings() -> None:
    found = lint(
        "id: [a]\nnamespace: {a: 1}\ntasks:\n  - just a string\n  - id: a\n    type: [x]\n"
        "  - id: [x]\n    type: io.kestra.plugin.core.log.Log\n"
    )
    assert [(where(d), d.message, d.yaml_path) for d in of(found, "FL007")] == [
        ((1, 5, 1, 8), "`id` must be a string, not a list", "id"),
        ((2, 12, 2, 18), "`namespace` must be a string, not a mapping", "namespace"),
        ((4, 5, 4, 18), "a task must be a mapping, not a string", "tasks[0]"),
        ((6, 11, 6, 14), "`type` must be a string, not a list", "tasks[1].type"),
        ((7, 9, 7, 12), "`id` must be a string, not a list", "tasks[2].id"),
    ]


def test_fl007_plugin_defaults_not_a_list() -> None:
    d = only(lint(HEAD + "pluginDefaults: {type: io.kestra.plugin.core}\n" + LOG_TASKS), "FL007")
    assert (d.span.line, d.span.column) == (3, 17)
    assert d.message == "`pluginDefaults` must be a list of defaults, not a mapping"


def test_fl007_well_shaped_flow_is_fine() -> None:
    assert of(lint(HEAD + LOG_TASKS + "pluginDefaults: []\n"), "FL007") == []


# FL008 removed-feature ----------------------------------------------------------------------------

LEGACY = HEAD + textwrap.dedent(
    """\
    taskDefaults:
      - type: io.kestra.plugin.core.log.Log
        values:
          level: INFO
    listeners:
      - tasks:
          - id: notify
            type: io.kestra.plugin.core.log.Log
    tasks:
      - id: a
        type: io.kestra.plugin.core.log.Log
    """
)


def test_fl008_task_defaults_and_listeners_warn_on_a_1x_target() -> None:
    found = of(lint(LEGACY), "FL008")
    assert [(where(d), d.severity, d.message) for d in found] == [
        ((3, 1, 3, 13), Severity.WARNING, "`taskDefaults` is deprecated since Kestra 0.17: rename it `pluginDefaults`"),
        ((7, 1, 7, 10), Severity.WARNING, "`listeners` are deprecated since Kestra 0.12: use a flow trigger instead"),
    ]


def test_fl008_task_defaults_and_listeners_are_errors_on_a_2_0_target() -> None:
    found = of(lint(LEGACY, config=settings(target="2.0")), "FL008")
    assert [(d.span.line, d.span.column, d.severity, d.message) for d in found] == [
        (3, 1, Severity.ERROR, "`taskDefaults` is removed in Kestra 2.0"),
        (7, 1, Severity.ERROR, "`listeners` are removed in Kestra 2.0"),
    ]


FLOW_DEFAULTS = HEAD + (
    'pluginDefaults:\n  - type: io.kestra.plugin.scripts\n    values:\n      version: "0.21.0"\n'
    "tasks:\n  - id: a\n    type: io.kestra.plugin.scripts.shell.Script\n"
)


def test_fl008_flow_plugin_defaults_are_an_error_on_a_2_0_target() -> None:
    d = only(lint(FLOW_DEFAULTS, config=settings(target="2.0")), "FL008")
    assert where(d) == (3, 1, 3, 15)
    assert d.severity is Severity.ERROR
    assert d.message == "flow-level `pluginDefaults` are removed in Kestra 2.0: a flow containing them does not parse"
    assert d.help == "set the version on each plugin, or move the defaults to namespace-level policies"


def test_fl008_flow_plugin_defaults_are_fine_on_a_1x_target() -> None:
    assert lint(FLOW_DEFAULTS) == []


def test_fl008_severity_override_from_config_applies() -> None:
    config = Settings(target=settings().target, severity={"FL008": Severity.INFO})
    assert {d.severity for d in of(lint(LEGACY, config=config), "FL008")} == {Severity.INFO}
