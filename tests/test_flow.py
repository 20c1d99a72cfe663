"""The generic plugin walk (SEMANTICS §1): every task, trigger, condition and task runner at any depth,
nothing from the subtrees and data that hold no plugins.

``read_flow`` is checked directly (kind, YAML path, type, line of each use), and through ``lint``
(an unknown type is FL101 exactly where the walk found a plugin, a wrong version FL102, ...).
"""

from __future__ import annotations

import copy
import textwrap
from typing import Any

import pytest

from flowlint.flow import Flow, read_flow
from flowlint.source import parse
from tests.conftest import STANDARD_MANIFEST, codes, lint


def walk(text: str) -> Flow:
    parsed = parse("flow.yml", textwrap.dedent(text))
    assert parsed.error is None
    return read_flow(parsed.documents[0], 0)


def uses(text: str) -> list[tuple[str, str, str, int]]:
    """(kind, yaml path, type, line) of every plugin use, in document order."""
    return [(u.kind, u.yaml_path, u.type_name, u.type_node.start_mark.line + 1) for u in walk(text).uses]


def located(text: str, **options: Any) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.span.line, d.span.column, d.yaml_path) for d in lint(text, **options)]


HEAD = "id: walk\nnamespace: company.team\n"


def at(text: str, needle: str) -> tuple[int, int]:
    """1-based (line, column) of the one occurrence of ``needle`` in ``text`` (the test's own input)."""
    assert text.count(needle) == 1, needle
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def line(text: str, needle: str) -> int:
    return at(text, needle)[0]


def test_parallel_if_then_else_at_any_depth() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: par
            type: io.kestra.plugin.core.flow.Parallel
            tasks:
              - id: branch
                type: io.kestra.plugin.core.flow.If
                condition: "{{ inputs.go }}"
                then:
                  - id: first
                    type: io.kestra.plugin.core.log.Log
                    message: one
                  - id: second
                    type: io.nope.Second
                else:
                  - id: other
                    type: io.nope.Other
        inputs:
          - id: go
            type: BOOLEAN
        """)
    assert uses(text) == [
        ("task", "tasks[0]", "io.kestra.plugin.core.flow.Parallel", 5),
        ("task", "tasks[0].tasks[0]", "io.kestra.plugin.core.flow.If", 8),
        ("task", "tasks[0].tasks[0].then[0]", "io.kestra.plugin.core.log.Log", 12),
        ("task", "tasks[0].tasks[0].then[1]", "io.nope.Second", 15),
        ("task", "tasks[0].tasks[0].else[0]", "io.nope.Other", 18),
    ]
    assert line(text, "type: io.nope.Second") == 15 and line(text, "type: io.nope.Other") == 18
    assert located(text) == [
        ("FL101", *at(text, "io.nope.Second"), "tasks[0].tasks[0].then[1].type"),
        ("FL101", *at(text, "io.nope.Other"), "tasks[0].tasks[0].else[0].type"),
    ]


def test_switch_cases_with_integer_boolean_and_quoted_keys_and_defaults() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: switch
            type: io.kestra.plugin.core.flow.Switch
            value: "{{ inputs.n }}"
            cases:
              1:
                - id: one
                  type: io.nope.One
              true:
                - id: yes_case
                  type: io.nope.Yes
              "two words":
                - id: words
                  type: io.nope.Words
            defaults:
              - id: fallback
                type: io.nope.Fallback
        inputs:
          - id: n
            type: STRING
        """)
    assert uses(text) == [
        ("task", "tasks[0]", "io.kestra.plugin.core.flow.Switch", 5),
        ("task", "tasks[0].cases.1[0]", "io.nope.One", line(text, "io.nope.One")),
        ("task", "tasks[0].cases.true[0]", "io.nope.Yes", line(text, "io.nope.Yes")),
        ("task", 'tasks[0].cases["two words"][0]', "io.nope.Words", line(text, "io.nope.Words")),
        ("task", "tasks[0].defaults[0]", "io.nope.Fallback", line(text, "io.nope.Fallback")),
    ]
    assert located(text) == [
        ("FL101", 10, 17, "tasks[0].cases.1[0].type"),
        ("FL101", 13, 17, "tasks[0].cases.true[0].type"),
        ("FL101", 16, 17, 'tasks[0].cases["two words"][0].type'),
        ("FL101", 19, 15, "tasks[0].defaults[0].type"),
    ]
    assert [at(text, t) for t in ("io.nope.One", "io.nope.Yes", "io.nope.Words", "io.nope.Fallback")] == [
        (10, 17),
        (13, 17),
        (16, 17),
        (19, 15),
    ]


def test_a_switch_case_that_is_not_a_list_is_wrong_shape() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: switch
            type: io.kestra.plugin.core.flow.Switch
            value: x
            cases:
              a:
                id: not_a_list
                type: io.kestra.plugin.core.log.Log
        """)
    diagnostics = lint(text)
    assert [(d.code, d.span.line, d.yaml_path) for d in diagnostics] == [("FL007", 9, "tasks[0].cases.a")]
    assert diagnostics[0].message == "`tasks[0].cases.a` must be a list of tasks, not a mapping"


def test_dag_items_wrap_tasks_and_are_not_tasks_themselves() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: dag
            type: io.kestra.plugin.core.flow.Dag
            tasks:
              - task:
                  id: extract
                  type: io.kestra.plugin.core.log.Log
                  message: e
              - task:
                  id: load
                  type: io.nope.Load
                dependsOn:
                  - extract
        """)
    assert uses(text) == [
        ("task", "tasks[0]", "io.kestra.plugin.core.flow.Dag", 5),
        ("task", "tasks[0].tasks[0].task", "io.kestra.plugin.core.log.Log", 9),
        ("task", "tasks[0].tasks[1].task", "io.nope.Load", 13),
    ]
    # no FL003 "task without id/type" for the wrappers: only the unknown type
    assert located(text) == [("FL101", 13, 17, "tasks[0].tasks[1].task.type")]
    assert at(text, "io.nope.Load") == (13, 17)
    assert {u.id for u in walk(text).uses} == {"dag", "extract", "load"}


def test_dag_inner_task_ids_count_for_duplicates() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: same
            type: io.kestra.plugin.core.log.Log
            message: a
          - id: dag
            type: io.kestra.plugin.core.flow.Dag
            tasks:
              - task:
                  id: same
                  type: io.kestra.plugin.core.log.Log
                  message: b
        """)
    assert codes(lint(text)) == ["FL005"]


def test_errors_finally_after_execution_inside_flowables_and_at_flow_level() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: seq
            type: io.kestra.plugin.core.flow.Parallel
            tasks:
              - id: inner
                type: io.kestra.plugin.core.log.Log
                message: i
            errors:
              - id: inner_errors
                type: io.nope.InnerErrors
            finally:
              - id: inner_finally
                type: io.nope.InnerFinally
            afterExecution:
              - id: inner_after
                type: io.nope.InnerAfter
        errors:
          - id: flow_errors
            type: io.nope.FlowErrors
        finally:
          - id: flow_finally
            type: io.nope.FlowFinally
        afterExecution:
          - id: flow_after
            type: io.nope.FlowAfter
        """)
    found = uses(text)
    assert [(kind, path) for kind, path, _, _ in found] == [
        ("task", "tasks[0]"),
        ("task", "tasks[0].tasks[0]"),
        ("task", "tasks[0].errors[0]"),
        ("task", "tasks[0].finally[0]"),
        ("task", "tasks[0].afterExecution[0]"),
        ("task", "errors[0]"),
        ("task", "finally[0]"),
        ("task", "afterExecution[0]"),
    ]
    assert located(text) == [
        ("FL101", 12, 15, "tasks[0].errors[0].type"),
        ("FL101", 15, 15, "tasks[0].finally[0].type"),
        ("FL101", 18, 15, "tasks[0].afterExecution[0].type"),
        ("FL101", 21, 11, "errors[0].type"),
        ("FL101", 24, 11, "finally[0].type"),
        ("FL101", 27, 11, "afterExecution[0].type"),
    ]
    names = ("InnerErrors", "InnerFinally", "InnerAfter", "FlowErrors", "FlowFinally", "FlowAfter")
    assert [at(text, f"io.nope.{name}") for name in names] == [
        (12, 15),
        (15, 15),
        (18, 15),
        (21, 11),
        (24, 11),
        (27, 11),
    ]


def test_trigger_conditions_as_a_list_with_or_and_not_nesting() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: hi
        triggers:
          - id: upstream
            type: io.kestra.plugin.core.trigger.Flow
            conditions:
              - type: io.kestra.plugin.core.condition.Or
                conditions:
                  - type: io.kestra.plugin.core.condition.Weekend
                  - type: io.nope.Nested
              - type: io.nope.Not
                conditions:
                  - type: io.kestra.plugin.core.condition.ExecutionStatus
                    version: "1.0.0"
        """)
    assert uses(text)[1:] == [
        ("trigger", "triggers[0]", "io.kestra.plugin.core.trigger.Flow", 9),
        ("condition", "triggers[0].conditions[0]", "io.kestra.plugin.core.condition.Or", 11),
        ("condition", "triggers[0].conditions[0].conditions[0]", "io.kestra.plugin.core.condition.Weekend", 13),
        ("condition", "triggers[0].conditions[0].conditions[1]", "io.nope.Nested", 14),
        ("condition", "triggers[0].conditions[1]", "io.nope.Not", 15),
        ("condition", "triggers[0].conditions[1].conditions[0]", "io.kestra.plugin.core.condition.ExecutionStatus", 17),
    ]
    assert located(text) == [
        ("FL101", 14, 19, "triggers[0].conditions[0].conditions[1].type"),
        ("FL101", 15, 15, "triggers[0].conditions[1].type"),
        ("FL109", 18, 22, "triggers[0].conditions[1].conditions[0].version"),
    ]
    assert [at(text, needle) for needle in ("io.nope.Nested", "io.nope.Not", '"1.0.0"')] == [
        (14, 19),
        (15, 15),
        (18, 22),
    ]


def test_trigger_conditions_as_a_mapping_multiple_condition_style() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: hi
        triggers:
          - id: both
            type: io.kestra.plugin.core.trigger.Flow
            conditions:
              weekend:
                type: io.kestra.plugin.core.condition.Weekend
                version: "1.3.0"
              success:
                type: io.nope.Success
        """)
    assert uses(text)[1:] == [
        ("trigger", "triggers[0]", "io.kestra.plugin.core.trigger.Flow", 9),
        ("condition", "triggers[0].conditions.weekend", "io.kestra.plugin.core.condition.Weekend", 12),
        ("condition", "triggers[0].conditions.success", "io.nope.Success", 15),
    ]
    assert located(text) == [
        ("FL109", 13, 18, "triggers[0].conditions.weekend.version"),
        ("FL101", 15, 15, "triggers[0].conditions.success.type"),
    ]
    assert [at(text, needle) for needle in ('"1.3.0"', "io.nope.Success")] == [(13, 18), (15, 15)]


def test_task_runner_is_a_plugin_with_its_own_version() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: script
            type: io.kestra.plugin.scripts.shell.Script
            version: "0.21.0"
            taskRunner:
              type: io.kestra.plugin.scripts.runner.docker.Docker
              version: "9.9.9"
        """)
    assert uses(text) == [
        ("task", "tasks[0]", "io.kestra.plugin.scripts.shell.Script", 5),
        ("taskRunner", "tasks[0].taskRunner", "io.kestra.plugin.scripts.runner.docker.Docker", 8),
    ]
    diagnostics = lint(text)
    assert [(d.code, d.span.line, d.span.column, d.span.end_column, d.yaml_path) for d in diagnostics] == [
        ("FL102", 9, 16, 23, "tasks[0].taskRunner.version")
    ]
    assert diagnostics[0].message == (
        "version 9.9.9 of io.kestra.plugin:plugin-docker is not installed (installed: 1.0.0, 1.1.0-rc1, 1.1.0)"
    )


def test_schedule_conditions_are_conditions() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: hi
        triggers:
          - id: daily
            type: io.kestra.plugin.core.trigger.Schedule
            cron: "0 9 * * *"
            scheduleConditions:
              - type: io.kestra.plugin.core.condition.Weekend
                version: "1.3.0"
        """)
    assert uses(text)[1:] == [
        ("trigger", "triggers[0]", "io.kestra.plugin.core.trigger.Schedule", 9),
        ("condition", "triggers[0].scheduleConditions[0]", "io.kestra.plugin.core.condition.Weekend", 12),
    ]
    assert located(text) == [("FL109", 13, 18, "triggers[0].scheduleConditions[0].version")]


def test_asset_declarations_are_not_plugins() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: load
            type: io.kestra.plugin.core.log.Log
            message: hi
            assets:
              inputs:
                - id: raw_orders
                  type: io.kestra.plugin.ee.assets.Table
              outputs:
                - id: orders_daily
                  namespace: company.team
                  type: io.kestra.plugin.ee.assets.Table
                  metadata:
                    owner: data
        triggers:
          - id: fresh
            type: io.kestra.plugin.core.trigger.Schedule
            cron: "@daily"
            assets:
              outputs:
                - id: vm
                  type: io.kestra.core.models.assets.Custom
        """)
    assert [(kind, path) for kind, path, _, _ in uses(text)] == [("task", "tasks[0]"), ("trigger", "triggers[0]")]
    assert lint(text) == []


def test_a_non_flowable_plugins_task_lists_hold_data_and_typed_tasks_stay_tasks() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: batch
            type: io.nope.batch.Create
            tasks:
              - id: spec
                commands: [echo]
              - id: real
                type: io.nope.Inner
            cases:
              a:
                - id: spec_b
            then:
              - just data
        """)
    found = walk(text)
    assert [(u.kind, u.yaml_path) for u in found.uses] == [("task", "tasks[0]"), ("task", "tasks[0].tasks[1]")]
    assert [item.yaml_path for item in found.slot_items] == ["tasks[0]"]
    assert found.shape_errors == []
    assert located(text) == [("FL101", 5, 11, "tasks[0].type"), ("FL101", 10, 15, "tasks[0].tasks[1].type")]


def test_legacy_listeners_hold_tasks_and_conditions() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: hi
        listeners:
          - conditions:
              - type: io.nope.ListenerCondition
            tasks:
              - id: notify
                type: io.nope.ListenerTask
        """)
    assert uses(text)[1:] == [
        ("condition", "listeners[0].conditions[0]", "io.nope.ListenerCondition", 9),
        ("task", "listeners[0].tasks[0]", "io.nope.ListenerTask", 12),
    ]
    assert located(text, select=["FL101"]) == [
        ("FL101", 9, 15, "listeners[0].conditions[0].type"),
        ("FL101", 12, 15, "listeners[0].tasks[0].type"),
    ]


def test_a_version_key_inside_plugin_properties_is_not_a_plugin_version() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: query
            type: io.kestra.plugin.jdbc.postgresql.Query
            version: "1.2.1"
            spec:
              version: "9.9.9"
            inputs:
              version: x
            options:
              version: 0.20
              nested:
                - version: [not, a, version]
        """)
    found = walk(text).uses
    assert len(found) == 1
    assert found[0].version_node is not None and found[0].version_node.value == "1.2.1"
    assert found[0].version_node.start_mark.line + 1 == 6
    assert lint(text) == []


def test_the_same_version_on_the_task_itself_is_checked() -> None:
    # the control for the test above: at the plugin's own level these values are findings
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: query
            type: io.kestra.plugin.jdbc.postgresql.Query
            version: "9.9.9"
        """)
    assert located(text) == [("FL102", 6, 14, "tasks[0].version")]


@pytest.mark.parametrize(
    "subtree",
    [
        "inputs:\n  - id: file\n    type: io.nope.InInputs\n",
        "outputs:\n  - id: out\n    type: io.nope.InOutputs\n    value: x\n",
        "variables:\n  plugin:\n    id: v\n    type: io.nope.InVariables\n",
        "labels:\n  type: io.nope.InLabels\n",
        "concurrency:\n  limit: 1\n  behavior: QUEUE\n  type: io.nope.InConcurrency\n",
        "retry:\n  type: io.nope.InRetry\n",
        "sla:\n  - id: sla\n    type: io.nope.InSla\n",
        "checks:\n  - id: check\n    type: io.nope.InChecks\n",
        "pluginDefaults:\n  - type: io.nope.InDefaults\n    values:\n      tasks:\n"
        "        - id: x\n          type: io.nope.Deeper\n",
    ],
)
def test_flow_level_subtrees_hold_no_plugins(subtree: str) -> None:
    text = HEAD + "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n" + subtree
    assert [path for _, path, _, _ in uses(text)] == ["tasks[0]"]
    assert [d for d in lint(text) if d.code in ("FL003", "FL005", "FL007", "FL101", "FL102")] == []


def test_non_plugin_type_values_are_ignored() -> None:
    text = HEAD + textwrap.dedent("""\
        inputs:
          - id: name
            type: STRING
          - id: upload
            type: FILE
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: hi
            retry:
              type: constant
              interval: PT1S
              maxAttempts: 2
          - id: purge
            type: io.kestra.plugin.core.log.Log
            message: "{{ x }}"
            spec:
              type: version
        sla:
          - id: slow
            type: MAX_DURATION
            duration: PT1H
        triggers:
          - id: upstream
            type: io.kestra.plugin.core.trigger.Flow
            preconditions:
              where:
                - id: filter
                  filters:
                    - field: NAMESPACE
                      type: EQUAL_TO
                      value: company
        """)
    assert [(kind, path) for kind, path, _, _ in uses(text)] == [
        ("task", "tasks[0]"),
        ("task", "tasks[1]"),
        ("trigger", "triggers[0]"),
    ]
    assert [d for d in lint(text) if d.code.startswith("FL1")] == []


MONGO_MANIFEST = copy.deepcopy(STANDARD_MANIFEST)
MONGO_MANIFEST["plugins"].append(
    {
        "groupId": "io.kestra.plugin",
        "artifactId": "plugin-mongodb",
        "versions": [{"version": "1.0.0", "tasks": ["io.kestra.plugin.mongodb.Aggregate"]}],
    }
)


def test_then_and_conditions_inside_plugin_data_are_not_plugin_lists() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: aggregate
            type: io.kestra.plugin.mongodb.Aggregate
            pipeline:
              - $project:
                  level:
                    $cond:
                      if: {$gte: ["$qty", 250]}
                      then: ["$high", "$higher"]
                      else: [{type: "io.kestra.plugin.core.log.Log"}]
              - $match:
                  conditions:
                    - "status"
                    - type: io.kestra.plugin.core.condition.Weekend
                      version: "1.0.0"
                  tasks: {id: 3, type: 7}
              - then:
                  - {kind: literal}
        """)
    found = walk(text)
    # in data, a class-like `type` is at most an "other" plugin, never a task or a condition
    assert [(u.kind, u.yaml_path) for u in found.uses] == [
        ("task", "tasks[0]"),
        ("other", "tasks[0].pipeline[0].$project.level.$cond.else[0]"),
        ("other", "tasks[0].pipeline[1].$match.conditions[1]"),
    ]
    assert found.slot_items == [found.slot_items[0]] and found.slot_items[0].yaml_path == "tasks[0]"
    assert found.shape_errors == []
    # no FL007 (a task that is a string), FL003 (a task without id), FL109 (a condition's version)
    assert lint(text, manifest_data=MONGO_MANIFEST) == []


def test_the_same_lists_under_a_flowable_are_checked() -> None:
    # the control for the test above: under an If, `then` items must be task mappings with an id
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: branch
            type: io.kestra.plugin.core.flow.If
            condition: "{{ true }}"
            then:
              - "$high"
              - type: io.kestra.plugin.core.log.Log
                message: no id
        """)
    assert [(d.code, d.span.line, d.yaml_path, d.message) for d in lint(text)] == [
        ("FL007", 8, "tasks[0].then[0]", "a task must be a mapping, not a string"),
        ("FL003", 9, "tasks[0].then[1]", "this task has no `id`"),
    ]


def test_a_mapping_with_a_class_type_in_an_unknown_slot_is_kind_other_or_task() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: wrapper
            type: io.kestra.plugin.core.flow.Parallel
            tasks:
              - id: a
                type: io.kestra.plugin.core.log.Log
                message: a
            onFailure:
              type: io.kestra.plugin.core.log.Log
            custom:
              id: b
              type: io.kestra.plugin.core.log.Log
        """)
    assert [(kind, path) for kind, path, _, _ in uses(text)] == [
        ("task", "tasks[0]"),
        ("task", "tasks[0].tasks[0]"),
        ("other", "tasks[0].onFailure"),
        ("task", "tasks[0].custom"),
    ]


def test_the_property_data_says_which_keys_of_a_described_plugin_hold_plugins() -> None:
    # KestraTask's `tasks` hold tasks though it is outside the flow package; Assert's `conditions` are
    # strings; a single plugin-typed key outside Kestra's slots (Pause's `onPause`) is not taken from the
    # data (it marks AzureBatchTaskRunner's storage spec `blobStorage` as a task): a typed mapping there is a
    # plugin, an untyped one is data
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: pause
            type: io.kestra.plugin.core.flow.Pause
            onPause:
              id: notify
              message: paused
          - id: agent
            type: io.kestra.plugin.ai.tool.KestraTask
            tasks:
              - id: step
          - id: check
            type: io.kestra.plugin.core.execution.Assert
            conditions:
              - "{{ outputs.pause is defined }}"
              - type: io.kestra.plugin.core.condition.Weekend
                version: "0.1.0"
          - id: runner
            type: io.kestra.plugin.scripts.shell.Commands
            commands: [echo]
            taskRunner:
              type: io.kestra.plugin.azure.runner.AzureBatchTaskRunner
              blobStorage:
                containerName: mycontainer
        """)
    found = walk(text)
    assert [(item.slot, item.yaml_path) for item in found.slot_items] == [
        ("task", "tasks[0]"),
        ("task", "tasks[1]"),
        ("task", "tasks[1].tasks[0]"),
        ("task", "tasks[2]"),
        ("task", "tasks[3]"),
        ("taskRunner", "tasks[3].taskRunner"),
    ]
    # a class-like `type` in Assert's strings is at most an "other" plugin, not a condition
    assert ("other", "tasks[2].conditions[1]") in [(u.kind, u.yaml_path) for u in found.uses]
    assert [(d.code, d.span.line, d.span.column, d.message) for d in lint(text) if d.code == "FL003"] == [
        ("FL003", 12, 9, "this task has no `type`"),
    ]


def test_a_manifests_own_property_data_says_which_keys_of_its_types_hold_plugins() -> None:
    # com.acme.Batch's `steps` hold tasks by the manifest's properties section: an untyped step is a task
    # without `type`; without the section, `steps` under a plugin outside the flow package are data
    versions = [{"version": "1.0.0", "tasks": ["com.acme.Batch"]}]
    plugin = {"groupId": "com.acme", "artifactId": "plugin-acme", "versions": versions}
    plain = {"manifestVersion": 1, "source": "acme", "plugins": [plugin]}
    steps = {"name": "steps", "kind": "list", "of": {"kind": "plugin", "of": "task"}}
    record = {"kind": "task", "root": "task", "props": [steps]}
    described = {**plain, "plugins": [{**plugin, "properties": {"types": {"com.acme.Batch": record}}}]}
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: batch
            type: com.acme.Batch
            version: "1.0.0"
            steps:
              - id: first
                message: no type
        """)
    assert [(d.code, d.span.line, d.message) for d in lint(text, manifest_data=described) if d.code == "FL003"] == [
        ("FL003", 8, "this task has no `type`"),
    ]
    assert [d.code for d in lint(text, manifest_data=plain) if d.code == "FL003"] == []


def test_a_key_the_data_does_not_describe_keeps_the_generic_walk() -> None:
    # a Dag's `tasks` are {task, dependsOn} objects (the data says objects, not plugins): its wrappers
    # still hold tasks; a custom plugin the data does not know keeps the generic rule
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: dag
            type: io.kestra.plugin.core.flow.Dag
            tasks:
              - task:
                  id: first
                  type: io.kestra.plugin.core.log.Log
                  message: one
          - id: mine
            type: com.example.flow.MyFlowable
            tasks:
              - id: data
        """)
    found = walk(text)
    assert [(u.kind, u.yaml_path) for u in found.uses] == [
        ("task", "tasks[0]"),
        ("task", "tasks[0].tasks[0].task"),
        ("task", "tasks[1]"),
    ]
    assert [item.yaml_path for item in found.slot_items] == ["tasks[0]", "tasks[0].tasks[0].task", "tasks[1]"]


def test_yaml_paths_escape_keys_that_are_not_identifiers() -> None:
    text = HEAD + textwrap.dedent("""\
        tasks:
          - id: switch
            type: io.kestra.plugin.core.flow.Switch
            value: x
            cases:
              'say "hi"':
                - id: quoted
                  type: io.nope.Quoted
        """)
    assert [path for _, path, _, _ in uses(text)] == ["tasks[0]", 'tasks[0].cases["say \\"hi\\""][0]']
