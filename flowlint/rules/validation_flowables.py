"""Flowable rules FL603, FL604, FL606: what Kestra's validators refuse in Dag, Switch, WorkingDirectory and
the other flowable tasks, and a subflow that calls its own flow (KESTRA-VALIDATION §2.2, §3.1, §3.2).

The core task types are known by name (their current and old names). A check applies from the Kestra
version that introduced it (``ctx.settings.target``), read from Kestra's source at its release tags:
Dag, Switch and the runnable children of a WorkingDirectory are checked in every version; a WorkingDirectory
without tasks from 0.11; a child's ``workerGroup`` from 0.13; an empty Switch case or ``defaults: []``, and
an If without ``condition``, from 2.0. A task list that is missing or null is FL502's (a required property);
FL604 reports one written empty. The Dag checks (FL603) are in :mod:`flowlint.rules.validation_dag`.
"""

from __future__ import annotations

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Severity
from flowlint.flow import PluginUse, path_join
from flowlint.nodes import INT_TAG, get, is_null, kestra_text, tag_of
from flowlint.rules.base import CheckContext, Rule, applies_from
from flowlint.rules.validation_dag import check_dag, task_name

_CURRENT = "io.kestra.plugin.core.flow."
_OLD = "io.kestra.core.tasks.flows."
_FLOWABLES = (
    "AllowFailure",
    "Dag",
    "EachParallel",
    "EachSequential",
    "ForEach",
    "ForEachItem",
    "If",
    "Parallel",
    "Pause",
    "Sequential",
    "Subflow",
    "Switch",
    "Template",
    "WaitFor",
    "WorkingDirectory",
)
CORE_TYPES: dict[str, str] = {
    **{_CURRENT + name: name for name in _FLOWABLES},
    **{_OLD + name: name for name in _FLOWABLES},
    _OLD + "Flow": "Subflow",
    _OLD + "Worker": "WorkingDirectory",
    "io.kestra.plugin.core.execution.Labels": "Labels",
    "io.kestra.core.tasks.executions.Labels": "Labels",
}
"""Type name (current or old) -> the core task it is (the aliases of Kestra's core plugin)."""

NOT_RUNNABLE = frozenset(_FLOWABLES) - {"Subflow", "ForEachItem"} | {"Labels"}
"""Core tasks that are no RunnableTask in any version: the flowables and Labels (an execution update)."""
EXECUTABLE_SINCE = (0, 13, 0)
"""Subflow (then ``io.kestra.core.tasks.flows.Flow``) and ForEachItem are no RunnableTask from 0.13."""
NON_EMPTY_LISTS: dict[str, tuple[str, tuple[int, int] | None]] = {
    "Parallel": ("tasks", None),
    "EachParallel": ("tasks", None),
    "If": ("then", None),
    "Dag": ("tasks", None),
    "Sequential": ("tasks", (0, 16)),
    "EachSequential": ("tasks", (0, 16)),
    "AllowFailure": ("tasks", (0, 16)),
}
"""Task -> the list Kestra requires non-empty (``@NotEmpty``) and the last version that does (None: all)."""
WORKING_DIRECTORY_TASKS_SINCE = (0, 11, 0)
WORKER_GROUP_CHILD_SINCE = (0, 13, 0)
SWITCH_EMPTY_BRANCH_SINCE = (2, 0, 0)
IF_CONDITION_SINCE = (2, 0, 0)
"""If's ``condition`` is ``@NotNull`` from 2.0 (PR #15150, 2026-03, develop at 1.4.0-SNAPSHOT, renamed 2.0.0;
the 1.3.25 sources do not have it)."""
FOR_EACH_SINCE = (0, 18, 0)
RECURSION_MESSAGE_NAMESPACE_SINCE = (0, 13, 0)
"""Kestra's recursion message names the flow as ``namespace.id`` from 0.13 (its id alone before)."""

NOT_EMPTY = "must not be empty"
MUST_NOT_BE_NULL = "must not be null"


def check(ctx: CheckContext) -> None:
    """Report FL603, FL604 and FL606 for one flow."""
    if not (ctx.on("FL603") or ctx.on("FL604") or ctx.on("FL606")):
        return
    own = (kestra_text(_value(ctx.flow.root, "namespace")), kestra_text(_value(ctx.flow.root, "id")))
    for use in ctx.flow.uses:
        core = CORE_TYPES.get(use.type_name) if use.kind == "task" else None
        if core is None:
            continue
        if core == "Dag":
            check_dag(ctx, use)
        if core in ("Subflow", "ForEachItem"):
            _check_recursion(ctx, use, own)
        if core == "If":
            _check_if_condition(ctx, use)
        if core == "Switch":
            _check_switch(ctx, use)
        elif core == "WorkingDirectory":
            _check_working_directory(ctx, use)
        elif core == "ForEach":
            _check_for_each(ctx, use)
        elif core in NON_EMPTY_LISTS:
            _check_non_empty(ctx, use, core)


def _value(node: Node, key: str) -> Node | None:
    found = get(node, key)
    return found[1] if found else None


def _where(entry: tuple[ScalarNode, Node]) -> Node:
    """Where to report a key's value: the value, or the key when the value is null (nothing to point at)."""
    return entry[0] if is_null(entry[1]) else entry[1]


# FL606 ------------------------------------------------------------------------------------------------


def _check_recursion(ctx: CheckContext, use: PluginUse, own: tuple[str | None, str | None]) -> None:
    flow_id = _value(use.node, "flowId")
    called = (kestra_text(_value(use.node, "namespace")), kestra_text(flow_id))
    if not ctx.on("FL606") or flow_id is None or None in own or called != own:
        return
    namespace, identifier = own
    shown = f"{namespace}.{identifier}" if applies_from(ctx, RECURSION_MESSAGE_NAMESPACE_SINCE) else identifier
    ctx.report(
        "FL606",
        flow_id,
        f"task {task_name(use)} starts its own flow, {namespace}.{identifier}: Kestra refuses a flow that calls"
        f" itself (Kestra: `Recursive call to flow [{shown}]`)",
        yaml_path=f"{use.yaml_path}.flowId",
        help="call another flow, or repeat work inside this one with a loop (ForEach)",
    )


# FL604 ------------------------------------------------------------------------------------------------


def _check_switch(ctx: CheckContext, use: PluginUse) -> None:
    if not ctx.on("FL604"):
        return
    cases_entry, defaults_entry = get(use.node, "cases"), get(use.node, "defaults")
    cases = cases_entry[1] if cases_entry else None
    defaults = defaults_entry[1] if defaults_entry else None
    if not (cases is None or is_null(cases) or isinstance(cases, MappingNode)):
        return  # not a map of cases: Kestra's parser refuses it first
    if not (defaults is None or is_null(defaults) or isinstance(defaults, SequenceNode)):
        return
    has_cases = isinstance(cases, MappingNode) and bool(cases.value)
    has_defaults = isinstance(defaults, SequenceNode) and bool(defaults.value)
    if not has_cases and not has_defaults:
        at = _where(cases_entry) if cases_entry else _where(defaults_entry) if defaults_entry else use.type_node
        key = "cases" if cases_entry else "defaults" if defaults_entry else "type"
        ctx.report(
            "FL604",
            at,
            f"Switch {task_name(use)} has no tasks: neither `cases` nor `defaults` holds any (Kestra: `No task"
            " defined, neither cases or default have any tasks`)",
            yaml_path=f"{use.yaml_path}.{key}",
            help="give it a case with tasks, or `defaults`",
        )
        return
    if not applies_from(ctx, SWITCH_EMPTY_BRANCH_SINCE):
        return
    for key, tasks in cases.value if isinstance(cases, MappingNode) else []:
        label = kestra_text(key)
        if label is not None and (is_null(tasks) or (isinstance(tasks, SequenceNode) and not tasks.value)):
            ctx.report(
                "FL604",
                key,
                f"case '{label}' of Switch {task_name(use)} has no tasks (Kestra {ctx.settings.target_text}:"
                f" `The case '{label}' must define at least one task.`)",
                yaml_path=path_join(f"{use.yaml_path}.cases", key),
                help="give the case a task, or remove it",
            )
    if isinstance(defaults, SequenceNode) and not defaults.value:
        ctx.report(
            "FL604",
            defaults,
            f"`defaults` of Switch {task_name(use)} is an empty list (Kestra {ctx.settings.target_text}:"
            " `The 'defaults' property cannot be empty.`)",
            yaml_path=f"{use.yaml_path}.defaults",
            help="give `defaults` a task, or remove it",
        )


def _check_if_condition(ctx: CheckContext, use: PluginUse) -> None:
    if not ctx.on("FL604") or not applies_from(ctx, IF_CONDITION_SINCE):
        return
    entry = get(use.node, "condition")
    if entry is not None and not is_null(entry[1]):
        return
    ctx.report(
        "FL604",
        entry[0] if entry else use.type_node,
        f"If {task_name(use)} has no `condition` (Kestra {ctx.settings.target_text}: `{use.id or 'If'}.condition:"
        f" {MUST_NOT_BE_NULL}`)",
        yaml_path=f"{use.yaml_path}.{'condition' if entry else 'type'}",
        help='give it the expression that chooses the branch, e.g. `condition: "{{ inputs.ready }}"`',
    )


def _check_working_directory(ctx: CheckContext, use: PluginUse) -> None:
    if not ctx.on("FL604"):
        return
    entry = get(use.node, "tasks")
    tasks = entry[1] if entry else None
    if tasks is not None and not is_null(tasks) and not isinstance(tasks, SequenceNode):
        return  # not a list: Kestra's parser refuses it first
    if not (isinstance(tasks, SequenceNode) and tasks.value):
        if applies_from(ctx, WORKING_DIRECTORY_TASKS_SINCE):
            ctx.report(
                "FL604",
                _where(entry) if entry else use.type_node,
                f"WorkingDirectory {task_name(use)} has no tasks (Kestra: `The 'tasks' property cannot be empty`)",
                yaml_path=f"{use.yaml_path}.{'tasks' if entry else 'type'}",
                help="give it the tasks that share its working directory",
            )
        return
    for index, child in enumerate(tasks.value):
        if isinstance(child, MappingNode):
            _check_child(ctx, use, child, f"{use.yaml_path}.tasks[{index}]")


def _check_child(ctx: CheckContext, use: PluginUse, child: MappingNode, path: str) -> None:
    type_node = _value(child, "type")
    core = CORE_TYPES.get(type_node.value) if isinstance(type_node, ScalarNode) else None
    child_id = kestra_text(_value(child, "id"))
    named = f"'{child_id}'" if child_id is not None else "a child"
    runnable = core not in NOT_RUNNABLE and not (
        core in ("Subflow", "ForEachItem") and applies_from(ctx, EXECUTABLE_SINCE)
    )
    if type_node is not None and not runnable:
        ctx.report(
            "FL604",
            type_node,
            f"{named} ({type_node.value}) is not a runnable task: a WorkingDirectory runs only runnable tasks, no"
            " flowable or subflow (Kestra: `Only runnable tasks are allowed as children of a WorkingDirectory"
            " task`)",
            yaml_path=f"{path}.type",
            help=f"move {named} out of WorkingDirectory {task_name(use)}",
        )
    group = get(child, "workerGroup")
    if group is not None and not is_null(group[1]) and applies_from(ctx, WORKER_GROUP_CHILD_SINCE):
        ctx.report(
            "FL604",
            group[0],
            f"{named} sets `workerGroup` inside WorkingDirectory {task_name(use)} (Kestra: `Cannot set a Worker"
            " Group in any WorkingDirectory sub-tasks, it is only supported at the WorkingDirectory level`)",
            yaml_path=f"{path}.workerGroup",
            help=f"set `workerGroup` on WorkingDirectory {task_name(use)} instead",
        )


def _check_non_empty(ctx: CheckContext, use: PluginUse, core: str) -> None:
    key, until = NON_EMPTY_LISTS[core]
    target = ctx.settings.target
    if not ctx.on("FL604") or (until is not None and (target.major, target.minor) > until):
        return
    found = get(use.node, key)
    if found is None or not isinstance(found[1], SequenceNode) or found[1].value:
        return
    kestra = "No task defined" if core == "Dag" else f"{use.id or core}.{key}: {NOT_EMPTY}"
    ctx.report(
        "FL604",
        found[1],
        f"`{key}` of {core} {task_name(use)} is an empty list: it needs at least one task (Kestra: `{kestra}`)",
        yaml_path=f"{use.yaml_path}.{key}",
        help=f"give `{key}` a task, or remove the {core}",
    )


def _check_for_each(ctx: CheckContext, use: PluginUse) -> None:
    limit = _value(use.node, "concurrencyLimit")
    if not ctx.on("FL604") or not isinstance(limit, ScalarNode) or tag_of(limit) != INT_TAG:
        return
    text = kestra_text(limit)
    if text is None or not text.startswith("-") or not text[1:].isdigit() or not applies_from(ctx, FOR_EACH_SINCE):
        return
    ctx.report(
        "FL604",
        limit,
        f"`concurrencyLimit` of ForEach {task_name(use)} is {text}: it must be 0 (no limit) or more"
        f" (Kestra: `{use.id or 'ForEach'}.concurrencyLimit: must be greater than or equal to 0`)",
        yaml_path=f"{use.yaml_path}.concurrencyLimit",
        help="use 0 to run every value at once, 1 to run them one after the other",
    )


RULES = [
    Rule(
        "FL603", "invalid-dag", Severity.ERROR,
        "A Dag task depends on a task that is not in the Dag, or its tasks depend on each other in a cycle.",
        "Each task of a Dag (`io.kestra.plugin.core.flow.Dag`) lists in `dependsOn` the ids of the tasks of "
        "the same Dag that must succeed before it starts. Kestra refuses to save a flow whose Dag names an id "
        "that is not one of its own tasks (`Not existing task id in dependency: taskX`; a task elsewhere in "
        "the flow does not count) or whose tasks depend on each other in a cycle (`Cyclic dependency "
        "detected: task1, task2`): no task of a cycle could ever start. flowlint reports an unknown id at the "
        "`dependsOn` entry, with the closest id of the Dag, and each cycle once, at the `dependsOn` entry of "
        "its first task, naming the tasks in order.",
        "tasks:\n  - id: dag\n    type: io.kestra.plugin.core.flow.Dag\n    tasks:\n      - task:\n"
        "          id: extract\n          type: io.kestra.plugin.core.log.Log\n          message: extract\n"
        "      - task:\n          id: load\n          type: io.kestra.plugin.core.log.Log\n"
        "          message: load\n        dependsOn:\n          - extrct\n",
        "tasks:\n  - id: dag\n    type: io.kestra.plugin.core.flow.Dag\n    tasks:\n      - task:\n"
        "          id: extract\n          type: io.kestra.plugin.core.log.Log\n          message: extract\n"
        "      - task:\n          id: load\n          type: io.kestra.plugin.core.log.Log\n"
        "          message: load\n        dependsOn:\n          - extract\n",
        check=check,
    ),
    Rule(
        "FL604", "invalid-flowable", Severity.ERROR,
        "A flowable task Kestra refuses to save: a Switch without tasks, a WorkingDirectory without tasks or "
        "with a child it cannot run, an empty task list.",
        "Kestra's validators check the flowable tasks when a flow is saved. A Switch needs tasks in `cases` "
        "or `defaults` (`No task defined, neither cases or default have any tasks`); from Kestra 2.0 every "
        "case needs a task (`The case 'A' must define at least one task.`) and `defaults: []` is refused "
        "(`The 'defaults' property cannot be empty.`). A WorkingDirectory needs tasks (`The 'tasks' property "
        "cannot be empty`, from 0.11), runs only runnable tasks — no flowable such as Pause, If or "
        "Sequential, no Subflow (`Only runnable tasks are allowed as children of a WorkingDirectory task`) — "
        "and its children cannot set `workerGroup` (from 0.13). A Parallel's or Dag's `tasks` and an If's "
        "`then` written as an empty list are refused (`must not be empty`; a Sequential's `tasks` too, up to "
        "0.16); a missing one is FL502. A ForEach `concurrencyLimit` below 0 is refused (`must be greater "
        "than or equal to 0`). From 2.0 an If needs a `condition` (`if.condition: must not be null`). "
        "Each check applies from the Kestra version that introduced it "
        "(`targetKestraVersion`).",
        "tasks:\n  - id: workdir\n    type: io.kestra.plugin.core.flow.WorkingDirectory\n    tasks:\n"
        "      - id: approve\n        type: io.kestra.plugin.core.flow.Pause\n",
        "tasks:\n  - id: approve\n    type: io.kestra.plugin.core.flow.Pause\n"
        "  - id: workdir\n    type: io.kestra.plugin.core.flow.WorkingDirectory\n    tasks:\n"
        "      - id: log\n        type: io.kestra.plugin.core.log.Log\n        message: hi\n",
        check=check,
    ),
    Rule(
        "FL606", "recursive-subflow", Severity.ERROR,
        "A Subflow or ForEachItem task starts the flow it belongs to.",
        "A Subflow (`io.kestra.plugin.core.flow.Subflow`, formerly `io.kestra.core.tasks.flows.Flow`) or a "
        "ForEachItem whose `namespace` and `flowId` are the flow's own starts the same flow again, without "
        "end. Kestra refuses to save it (`Recursive call to flow [company.team.hello]`). It compares the "
        "text as written: a `namespace` or `flowId` with an expression is not checked, by Kestra or flowlint.",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: again\n    type: io.kestra.plugin.core.flow.Subflow\n"
        "    namespace: company.team\n    flowId: hello\n",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: child\n    type: io.kestra.plugin.core.flow.Subflow\n"
        "    namespace: company.team\n    flowId: hello_child\n",
        check=check,
    ),
]  # fmt: skip
