"""FL603 invalid-dag, for :mod:`flowlint.rules.validation_flowables`: a Dag's ``dependsOn`` that names no task
of the Dag, and its tasks that depend on each other in a cycle (Kestra's ``DagTaskValidator``)."""

from __future__ import annotations

from itertools import pairwise
from typing import NamedTuple

from ruamel.yaml.nodes import Node, SequenceNode

from flowlint.diagnostics import Span
from flowlint.flow import PluginUse
from flowlint.nodes import get, kestra_text
from flowlint.rules.base import CheckContext


class _Dependency(NamedTuple):
    """One ``dependsOn`` entry of a Dag task: the id it names, its node and its YAML path."""

    name: str
    node: Node
    yaml_path: str


class _DagTask(NamedTuple):
    """One item of a Dag's ``tasks``: its task id and its ``dependsOn`` entries."""

    id: str | None
    depends: list[_Dependency]


def task_name(use: PluginUse) -> str:
    """How a message names a task: its id, else its type."""
    return f"'{use.id}'" if use.id is not None else use.type_name


def _value(node: Node | None, key: str) -> Node | None:
    found = get(node, key)
    return found[1] if found else None


def _dag_tasks(use: PluginUse) -> list[_DagTask]:
    items = _value(use.node, "tasks")
    if not isinstance(items, SequenceNode):
        return []
    found = []
    for index, item in enumerate(items.value):
        task = _value(item, "task")
        id_node = _value(task if task is not None else item, "id")  # a task written without its wrapper
        depends = _value(item, "dependsOn")
        entries = depends.value if isinstance(depends, SequenceNode) else []
        path = f"{use.yaml_path}.tasks[{index}].dependsOn"
        named = [(entry, kestra_text(entry), f"{path}[{at}]") for at, entry in enumerate(entries)]
        dependencies = [_Dependency(name, node, where) for node, name, where in named if name is not None]
        found.append(_DagTask(kestra_text(id_node), dependencies))
    return found


def check_dag(ctx: CheckContext, use: PluginUse) -> None:
    """Report FL603 for one Dag task."""
    if not ctx.on("FL603"):
        return
    tasks = _dag_tasks(use)
    ids = {task.id for task in tasks if task.id is not None}
    unknown = [dependency for task in tasks for dependency in task.depends if dependency.name not in ids]
    if unknown:
        kestra = "Not existing task id in dependency: " + ", ".join(dependency.name for dependency in unknown)
        for name, node, yaml_path in unknown:
            ctx.report(
                "FL603",
                node,
                f"Dag {task_name(use)} has no task '{name}': `dependsOn` names tasks of the same Dag"
                f" (Kestra: `{kestra}`)",
                yaml_path=yaml_path,
                help=_unknown_help(ctx, name, sorted(ids)),
            )
    _report_cycles(ctx, use, tasks)


def _unknown_help(ctx: CheckContext, name: str, ids: list[str]) -> str | None:
    from flowlint.rules.closest import Closest  # only for a Dag that names an unknown task

    if any(other.id == name for other in ctx.flow.uses if other.kind == "task"):
        return f"'{name}' is a task of the flow but not of this Dag: a Dag task can depend only on its siblings"
    close = Closest(ids).closest(name)
    return f"did you mean '{close}'?" if close is not None else None


def _report_cycles(ctx: CheckContext, use: PluginUse, tasks: list[_DagTask]) -> None:
    """One finding per group of tasks that depend on each other, at the first task's ``dependsOn`` entry
    that leads round; Kestra lists every task on a cycle, in declaration order."""
    first: dict[str, _DagTask] = {}
    for task in tasks:
        if task.id is not None:
            first.setdefault(task.id, task)
    edges = {name: [dep.name for dep in task.depends if dep.name in first] for name, task in first.items()}
    groups = _groups(edges)
    members: dict[int, list[str]] = {}
    for name in first:  # declaration order
        members.setdefault(groups[name], []).append(name)
    on_cycle = {name for group in members.values() for name in group if len(group) > 1 or name in edges[name]}
    cyclic = [task.id for task in tasks if task.id in on_cycle and task.depends]
    if not cyclic:
        return
    kestra = "Cyclic dependency detected: " + ", ".join(name for name in cyclic if name is not None)
    for group in members.values():
        if group[0] not in on_cycle:
            continue
        path = _shortest_cycle(group[0], edges, set(group))
        steps = list(pairwise(path))
        at = _entry(first[group[0]], steps[0][1])
        related: list[tuple[Node | Span, str]] = [
            (_entry(first[source], target).node, f"'{source}' depends on '{target}' here")
            for source, target in steps[1:]
        ]
        ctx.report(
            "FL603",
            at.node,
            f"the tasks of Dag {task_name(use)} depend on each other in a cycle, {' → '.join(path)}: none of them"
            f" can start (Kestra: `{kestra}`)",
            yaml_path=at.yaml_path,
            help="remove one of these dependencies",
            related=related,
        )


def _groups(edges: dict[str, list[str]]) -> dict[str, int]:
    """Each task's group of tasks that depend on each other, directly or not (Tarjan's strongly connected
    components, without recursion): task -> the number of its group."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    group: dict[str, int] = {}
    stack: list[str] = []
    for root in edges:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        work = [(root, iter(edges[root]))]
        while work:
            name, deps = work[-1]
            for dep in deps:
                if dep not in index:
                    index[dep] = low[dep] = len(index)
                    stack.append(dep)
                    work.append((dep, iter(edges[dep])))
                    break
                if dep not in group:  # still on the stack
                    low[name] = min(low[name], index[dep])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[name])
                if low[name] == index[name]:
                    while True:
                        member = stack.pop()
                        group[member] = index[name]
                        if member == name:
                            break
    return group


def _shortest_cycle(start: str, edges: dict[str, list[str]], group: set[str]) -> list[str]:
    """The shortest path of dependencies from ``start`` back to it within its group, both ends included."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for name in frontier:
            for dep in edges[name]:
                if dep == start:
                    path = [start]
                    while name != start:
                        path.append(name)
                        name = previous[name]
                    return [start, *reversed(path[1:]), start]
                if dep in group and dep not in previous:
                    previous[dep] = name
                    following.append(dep)
        frontier = following
    raise AssertionError(f"{start} is on no cycle")


def _entry(task: _DagTask, target: str) -> _Dependency:
    return next(dependency for dependency in task.depends if dependency.name == target)
