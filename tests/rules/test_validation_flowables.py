"""Flowable rules FL603 invalid-dag, FL604 invalid-flowable and FL606 recursive-subflow: exact positions and
messages, the Kestra versions each check applies from, and Kestra's own invalid test flows
(../shared/corpus/flows-invalid, skipped when absent)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from flowlint.diagnostics import Diagnostic, Severity
from tests.conftest import CORPUS, lint, only, run_cli, settings, where

HEAD = "id: nightly\nnamespace: company.team\n"
CODES = ["FL603", "FL604", "FL606"]


def check(body: str, target: str = "1.3") -> list[Diagnostic]:
    """Lint ``HEAD + body`` (dedented) with only this family's rules on, for Kestra ``target``."""
    return lint(HEAD + textwrap.dedent(body), select=CODES, config=settings(target=target), dedent=False)


def found(diagnostics: list[Diagnostic]) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.span.line, d.span.column, d.message) for d in diagnostics]


def dag(*items: tuple[str, list[str]], type_name: str = "io.kestra.plugin.core.flow.Dag") -> str:
    """A flow whose one task is a Dag of Log tasks, each (id, dependsOn)."""
    body = f"tasks:\n  - id: dag\n    type: {type_name}\n    tasks:\n"
    for task_id, depends in items:
        body += f"      - task:\n          id: {task_id}\n          type: io.kestra.plugin.core.log.Log\n"
        body += f"          message: {task_id}\n"
        if depends:
            body += "        dependsOn:\n" + "".join(f"          - {name}\n" for name in depends)
    return body


# FL603 invalid-dag ------------------------------------------------------------------------------------


def test_fl603_depends_on_an_unknown_task_at_the_entry_with_the_closest_sibling() -> None:
    d = only(check(dag(("extract", []), ("load", ["extrct"]))), "FL603")
    assert where(d) == (16, 13, 16, 19)
    assert d.message == (
        "Dag 'dag' has no task 'extrct': `dependsOn` names tasks of the same Dag"
        " (Kestra: `Not existing task id in dependency: extrct`)"
    )
    assert d.help == "did you mean 'extract'?"
    assert d.severity is Severity.ERROR
    assert d.yaml_path == "tasks[0].tasks[1].dependsOn[0]"


def test_fl603_every_unknown_task_is_reported_with_kestras_whole_list() -> None:
    diagnostics = check(dag(("a", ["x"]), ("b", ["a", "zzz"]), type_name="io.kestra.core.tasks.flows.Dag"))
    kestra = "(Kestra: `Not existing task id in dependency: x, zzz`)"
    assert found(diagnostics) == [
        ("FL603", 12, 13, f"Dag 'dag' has no task 'x': `dependsOn` names tasks of the same Dag {kestra}"),
        ("FL603", 19, 13, f"Dag 'dag' has no task 'zzz': `dependsOn` names tasks of the same Dag {kestra}"),
    ]
    assert [d.help for d in diagnostics] == [None, None]


def test_fl603_a_task_outside_the_dag_is_no_sibling() -> None:
    body = (
        dag(("a", ["before"]), ("b", ["a"]))
        + "  - id: before\n    type: io.kestra.plugin.core.log.Log\n    message: x\n"
    )
    d = only(check(body), "FL603")
    assert where(d)[:2] == (12, 13)
    assert d.help == "'before' is a task of the flow but not of this Dag: a Dag task can depend only on its siblings"


def test_fl603_a_cycle_is_named_in_order_at_its_first_tasks_entry() -> None:
    # a -> c -> b -> a; d depends on the cycle without being on it
    diagnostics = check(dag(("a", ["c"]), ("b", ["a"]), ("c", ["b"]), ("d", ["b"])))
    d = only(diagnostics, "FL603")
    assert where(d) == (12, 13, 12, 14)
    assert d.message == (
        "the tasks of Dag 'dag' depend on each other in a cycle, a → c → b → a: none of them can start"
        " (Kestra: `Cyclic dependency detected: a, b, c`)"
    )
    assert d.help == "remove one of these dependencies"
    assert d.yaml_path == "tasks[0].tasks[0].dependsOn[0]"
    assert [(r.span.line, r.span.column, r.message) for r in d.related] == [
        (24, 13, "'c' depends on 'b' here"),
        (18, 13, "'b' depends on 'a' here"),
    ]


def test_fl603_each_cycle_once_and_a_task_that_depends_on_itself() -> None:
    diagnostics = check(dag(("a", ["b"]), ("b", ["a"]), ("c", ["c"]), ("d", ["a", "c"])))
    message = "the tasks of Dag 'dag' depend on each other in a cycle, {}: none of them can start (Kestra: `{}`)"
    kestra = "Cyclic dependency detected: a, b, c"
    assert found(diagnostics) == [
        ("FL603", 12, 13, message.format("a → b → a", kestra)),
        ("FL603", 24, 13, message.format("c → c", kestra)),
    ]


def test_fl603_a_dag_whose_dependencies_are_siblings_without_cycle_is_fine() -> None:
    assert check(dag(("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"]))) == []
    assert [d.code for d in check(dag(("a", ["d"]), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])))] == ["FL603"]


# FL604 invalid-flowable -------------------------------------------------------------------------------

SWITCH = """\
tasks:
  - id: route
    type: io.kestra.plugin.core.flow.Switch
    value: "{{ trigger.date }}"
"""
LOG_CASE = "      - id: log\n        type: io.kestra.plugin.core.log.Log\n        message: hi\n"
NO_TASK = "(Kestra: `No task defined, neither cases or default have any tasks`)"


def test_fl604_switch_without_cases_or_defaults_at_cases_else_at_its_type() -> None:
    d = only(check(SWITCH + "    cases: {}\n    defaults: null\n"), "FL604")
    assert (where(d)[:2], d.yaml_path) == ((7, 12), "tasks[0].cases")
    assert d.message == f"Switch 'route' has no tasks: neither `cases` nor `defaults` holds any {NO_TASK}"
    d = only(check(SWITCH + "    defaults: []\n"), "FL604")
    assert (where(d)[:2], d.yaml_path) == ((7, 15), "tasks[0].defaults")
    d = only(check(SWITCH), "FL604")
    assert (where(d)[:2], d.yaml_path) == ((5, 11), "tasks[0].type")


def test_fl604_switch_with_only_defaults_or_only_cases_is_fine() -> None:
    assert [d.code for d in check(SWITCH + "    cases:\n    defaults:\n")] == ["FL604"]
    assert check(SWITCH + "    defaults:\n" + LOG_CASE) == []
    assert check(SWITCH + "    cases:\n      A:\n" + LOG_CASE.replace("      ", "        ")) == []


def test_fl604_empty_switch_case_and_defaults_are_refused_from_kestra_2() -> None:
    body = SWITCH + "    cases:\n      A: []\n      B:\n      C:\n" + LOG_CASE.replace("      ", "        ")
    body += "    defaults: []\n"
    assert check(body, target="1.3") == []
    case = "case '{0}' of Switch 'route' has no tasks (Kestra 2.0: `The case '{0}' must define at least one task.`)"
    assert found(check(body, target="2.0")) == [
        ("FL604", 8, 7, case.format("A")),
        ("FL604", 9, 7, case.format("B")),
        (
            "FL604",
            14,
            15,
            "`defaults` of Switch 'route' is an empty list (Kestra 2.0: `The 'defaults' property cannot be empty.`)",
        ),
    ]


WORKDIR = "tasks:\n  - id: workdir\n    type: io.kestra.plugin.core.flow.WorkingDirectory\n"


def test_fl604_working_directory_without_tasks_from_kestra_0_11() -> None:
    assert check(WORKDIR, target="0.10") == []
    d = only(check(WORKDIR, target="0.11"), "FL604")
    assert (where(d), d.yaml_path) == ((5, 11, 5, 54), "tasks[0].type")
    assert d.message == "WorkingDirectory 'workdir' has no tasks (Kestra: `The 'tasks' property cannot be empty`)"
    d = only(check(WORKDIR + "    tasks: []\n"), "FL604")
    assert (where(d)[:2], d.yaml_path) == ((6, 12), "tasks[0].tasks")
    d = only(
        check(WORKDIR.replace("plugin.core.flow.WorkingDirectory", "core.tasks.flows.Worker") + "    tasks:\n"), "FL604"
    )
    assert (where(d)[:2], d.yaml_path) == ((6, 5), "tasks[0].tasks")


RUNNABLE_MESSAGE = (
    "{} is not a runnable task: a WorkingDirectory runs only runnable tasks, no flowable or subflow"
    " (Kestra: `Only runnable tasks are allowed as children of a WorkingDirectory task`)"
)


def test_fl604_working_directory_child_that_is_not_runnable_at_its_type() -> None:
    body = WORKDIR + "    tasks:\n" + LOG_CASE
    body += "      - id: approve\n        type: io.kestra.plugin.core.flow.Pause\n"
    body += "      - id: tag\n        type: io.kestra.core.tasks.executions.Labels\n        labels: {a: b}\n"
    body += "      - id: child\n        type: io.kestra.plugin.core.flow.Subflow\n"
    body += "        namespace: company.team\n        flowId: other\n"
    diagnostics = check(body)
    assert found(diagnostics) == [
        ("FL604", 11, 15, RUNNABLE_MESSAGE.format("'approve' (io.kestra.plugin.core.flow.Pause)")),
        ("FL604", 13, 15, RUNNABLE_MESSAGE.format("'tag' (io.kestra.core.tasks.executions.Labels)")),
        ("FL604", 16, 15, RUNNABLE_MESSAGE.format("'child' (io.kestra.plugin.core.flow.Subflow)")),
    ]
    assert diagnostics[0].yaml_path == "tasks[0].tasks[1].type"
    assert diagnostics[0].help == "move 'approve' out of WorkingDirectory 'workdir'"


def test_fl604_a_subflow_in_a_working_directory_is_runnable_before_kestra_0_13() -> None:
    body = WORKDIR.replace("plugin.core.flow", "core.tasks.flows") + "    tasks:\n"
    body += "      - id: child\n        type: io.kestra.core.tasks.flows.Flow\n"
    body += "        namespace: company.team\n        flowId: other\n"
    assert check(body, target="0.12") == []
    assert found(check(body, target="0.13")) == [
        ("FL604", 8, 15, RUNNABLE_MESSAGE.format("'child' (io.kestra.core.tasks.flows.Flow)"))
    ]


def test_fl604_working_directory_child_with_a_worker_group_from_kestra_0_13() -> None:
    body = WORKDIR + "    workerGroup:\n      key: gpu\n    tasks:\n" + LOG_CASE + "        workerGroup:\n"
    body += "          key: gpu\n      - id: other\n        type: io.kestra.plugin.core.log.Log\n"
    body += "        message: hi\n        workerGroup: null\n"
    assert check(body, target="0.12") == []
    d = only(check(body, target="0.13"), "FL604")
    assert (where(d), d.yaml_path) == ((12, 9, 12, 20), "tasks[0].tasks[0].workerGroup")
    assert d.message == (
        "'log' sets `workerGroup` inside WorkingDirectory 'workdir' (Kestra: `Cannot set a Worker Group in any"
        " WorkingDirectory sub-tasks, it is only supported at the WorkingDirectory level`)"
    )
    assert d.help == "set `workerGroup` on WorkingDirectory 'workdir' instead"


def test_fl604_task_lists_written_empty_and_not_the_missing_ones() -> None:
    body = """\
        tasks:
          - id: fan_out
            type: io.kestra.plugin.core.flow.Parallel
            tasks: []
          - id: check
            type: io.kestra.core.tasks.flows.If
            condition: "{{ true }}"
            then: []
          - id: dag
            type: io.kestra.plugin.core.flow.Dag
            tasks: []
          - id: missing
            type: io.kestra.plugin.core.flow.Parallel
          - id: sequence
            type: io.kestra.plugin.core.flow.Sequential
            tasks: []
        """
    diagnostics = check(body)
    message = "`{}` of {} is an empty list: it needs at least one task (Kestra: `{}`)"
    assert found(diagnostics) == [
        ("FL604", 6, 12, message.format("tasks", "Parallel 'fan_out'", "fan_out.tasks: must not be empty")),
        ("FL604", 10, 11, message.format("then", "If 'check'", "check.then: must not be empty")),
        ("FL604", 13, 12, message.format("tasks", "Dag 'dag'", "No task defined")),
    ]
    assert [d.yaml_path for d in diagnostics] == ["tasks[0].tasks", "tasks[1].then", "tasks[2].tasks"]


def test_fl604_an_empty_sequential_is_refused_up_to_kestra_0_16() -> None:
    body = "tasks:\n  - id: steps\n    type: io.kestra.core.tasks.flows.EachSequential\n    value: [1]\n    tasks: []\n"
    message = (
        "`tasks` of EachSequential 'steps' is an empty list: it needs at least one task"
        " (Kestra: `steps.tasks: must not be empty`)"
    )
    assert found(check(body, target="0.16")) == [("FL604", 7, 12, message)]
    assert check(body, target="0.17") == []


IF_TASK = """\
    tasks:
      - id: check
        type: {type}
    {condition}    then:
          - id: hello
            type: io.kestra.plugin.core.log.Log
            message: hi
    """


def test_fl604_an_if_without_condition_is_refused_from_kestra_2_at_its_type() -> None:
    body = IF_TASK.format(type="io.kestra.plugin.core.flow.If", condition="")
    assert check(body, target="1.3") == []
    d = only(check(body, target="2.0"), "FL604")
    assert where(d) == (5, 11, 5, 40)
    assert d.message == "If 'check' has no `condition` (Kestra 2.0: `check.condition: must not be null`)"
    assert d.yaml_path == "tasks[0].type"
    assert d.severity is Severity.ERROR


def test_fl604_an_if_with_a_null_condition_at_the_key_and_an_old_name_too() -> None:
    body = IF_TASK.format(type="io.kestra.core.tasks.flows.If", condition="    condition:\n")
    d = only(check(body, target="2.0"), "FL604")
    assert (where(d), d.yaml_path) == ((6, 5, 6, 14), "tasks[0].condition")
    for condition in ('    condition: "{{ inputs.ready }}"\n', '    condition: ""\n', "    condition: false\n"):
        body = IF_TASK.format(type="io.kestra.plugin.core.flow.If", condition=condition)
        assert check(body, target="2.0") == [], condition


def test_fl604_for_each_concurrency_limit_below_zero() -> None:
    body = "tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: [a]\n"
    body += "    concurrencyLimit: {}\n    tasks:\n" + LOG_CASE
    d = only(check(body.format(-2)), "FL604")
    assert (where(d), d.yaml_path) == ((7, 23, 7, 25), "tasks[0].concurrencyLimit")
    assert d.message == (
        "`concurrencyLimit` of ForEach 'each' is -2: it must be 0 (no limit) or more"
        " (Kestra: `each.concurrencyLimit: must be greater than or equal to 0`)"
    )
    assert check(body.format(0)) == []
    assert check(body.format('"{{ 1 }}"')) == []


# FL606 recursive-subflow ------------------------------------------------------------------------------

SUBFLOW = """\
tasks:
  - id: again
    type: {type}
    namespace: {namespace}
    flowId: {flow_id}
"""


def test_fl606_a_subflow_of_its_own_flow_at_the_flow_id() -> None:
    body = SUBFLOW.format(type="io.kestra.plugin.core.flow.Subflow", namespace="company.team", flow_id="nightly")
    d = only(check(body), "FL606")
    assert (where(d), d.yaml_path) == ((7, 13, 7, 20), "tasks[0].flowId")
    assert d.message == (
        "task 'again' starts its own flow, company.team.nightly: Kestra refuses a flow that calls itself"
        " (Kestra: `Recursive call to flow [company.team.nightly]`)"
    )
    assert d.severity is Severity.ERROR


def test_fl606_for_each_item_and_the_old_name_with_kestras_message_of_the_time() -> None:
    body = SUBFLOW.format(type="io.kestra.plugin.core.flow.ForEachItem", namespace="company.team", flow_id="nightly")
    body += '    items: "{{ outputs.extract.uri }}"\n'
    assert [d.span.line for d in check(body)] == [7]
    body = SUBFLOW.format(type="io.kestra.core.tasks.flows.Flow", namespace="company.team", flow_id="nightly")
    d = only(check(body, target="0.12"), "FL606")
    assert d.message.endswith("(Kestra: `Recursive call to flow [nightly]`)")


def test_fl606_another_flow_or_an_expression_is_not_recursion() -> None:
    body = SUBFLOW.format(type="io.kestra.plugin.core.flow.Subflow", namespace="company.team", flow_id='"nightly"')
    assert [d.code for d in check(body)] == ["FL606"]
    for namespace, flow_id in (
        ("company.other", "nightly"),
        ("company.team", "nightly_child"),
        ("company.team", '"{{ flow.id }}"'),
        ('"{{ flow.namespace }}"', "nightly"),
    ):
        body = SUBFLOW.format(type="io.kestra.plugin.core.flow.Subflow", namespace=namespace, flow_id=flow_id)
        assert check(body) == [], (namespace, flow_id)


# Kestra's own invalid test flows ----------------------------------------------------------------------

KESTRA = CORPUS / "flows-invalid" / "kestra-io+kestra"
PREFIX = "core__src__test__resources__flows__invalids__"
REJECTED = {
    "dag-cyclicdependency": ("FL603", 13, 13),
    "dag-notexist-task": ("FL603", 17, 13),
    "invalid-parallel": ("FL604", 18, 12),
    "recursive-flow": ("FL606", 7, 13),
    "switch-invalid": ("FL604", 12, 12),
    "workingdirectory-invalid": ("FL604", 12, 15),
    "workingdirectory-no-tasks": ("FL604", 6, 11),
}
"""KESTRA-VALIDATION §4: the files one of these rules rejects in every version, and where."""
FROM_2_0 = {
    "if-without-condition": ("FL604", 6, 11),
    "switch-empty-case-invalid": ("FL604", 9, 7),
    "switch-empty-defaults-invalid": ("FL604", 13, 15),
}
"""The ones Kestra rejects from 2.0 (accepted by 0.21 and 1.x)."""
RUNTIME_ONLY = ("foreach-switch-failed", "loop-switch-failed", "worker-trigger-failure")
"""Valid flows that fail when they run: no error at save time."""


@pytest.mark.skipif(not KESTRA.is_dir(), reason="Kestra's invalid flows absent")
@pytest.mark.parametrize(("target", "expected"), [("1.3", REJECTED), ("2.0", REJECTED | FROM_2_0)])
def test_kestras_invalid_flows_get_the_finding_at_the_line_kestra_rejects(
    target: str, expected: dict[str, tuple[str, int, int]], tmp_path: Path
) -> None:
    names = [*REJECTED, *FROM_2_0, *RUNTIME_ONLY]
    paths = [str(KESTRA / f"{PREFIX}{name}.yml") for name in names]
    args = ["check", "--no-cache", "--format", "json", "--select", ",".join(CODES), "--target-kestra-version", target]
    done = run_cli([*args, *paths], tmp_path)
    assert done.returncode == 1, done.stderr
    reported = {
        Path(d["path"]).stem.removeprefix(PREFIX): (d["code"], d["line"], d["column"])
        for d in json.loads(done.stdout)["diagnostics"]
    }
    assert reported == expected
