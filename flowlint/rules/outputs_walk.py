"""What the output rules read of a flow: its tasks by id, and the strings that may hold an
``outputs`` expression rendered against this execution."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import NamedTuple, cast

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.flow import Flow, KeyChain, PluginUse, chain_path
from flowlint.nodes import get, is_str, kestra_text
from flowlint.pebble import OutputRef, roots_refs
from flowlint.scalar_text import ScalarText, scalar_text

LOOPS = frozenset({"ForEach", "EachSequential", "EachParallel", "LoopUntil"})
"""Flowable tasks that run their children once per value (or iteration): a child's outputs may be
indexed by that value first (``outputs.child[taskrun.value].uri``)."""
GENERATED_IDS: Mapping[str, tuple[str, ...]] = {"ForEachItem": ("_split", "_items", "_merge")}
"""Tasks that add tasks of their own to the execution, with these suffixes to their id."""
CHILD_CONTEXT = frozenset({"Flow", "Subflow"})
"""Tasks whose ``outputs`` property is rendered in the child execution (its task ids, not ours)."""
NOT_THIS_EXECUTION = frozenset({"description", "triggers", "extend"})
"""Top-level keys whose expressions are not rendered against this flow's task outputs (``extend`` is a
blueprint's metadata: title, description, tags)."""
RENDERED_DESCRIPTIONS = frozenset(
    {
        "io.kestra.plugin.ai.tool.A2AAgent",
        "io.kestra.plugin.ai.tool.A2AClient",
        "io.kestra.plugin.ai.tool.AIAgent",
        "io.kestra.plugin.ai.tool.KestraFlow",
        "io.kestra.plugin.gcp.bigquery.CreateDataset",
        "io.kestra.plugin.gcp.bigquery.CreateTable",
        "io.kestra.plugin.gcp.bigquery.DeleteTable",
        "io.kestra.plugin.gcp.bigquery.UpdateDataset",
        "io.kestra.plugin.gcp.bigquery.UpdateTable",
        "io.kestra.plugin.gcp.rcs.SendRichCard",
        "io.kestra.plugin.googleworkspace.calendar.InsertEvent",
        "io.kestra.plugin.googleworkspace.calendar.UpdateEvent",
        "io.kestra.plugin.googleworkspace.drive.Create",
        "io.kestra.plugin.googleworkspace.drive.Upload",
        "io.kestra.plugin.jira.issues.Create",
        "io.kestra.plugin.jira.issues.CreateComment",
        "io.kestra.plugin.jira.issues.UpdateFields",
        "io.kestra.plugin.nats.kv.CreateBucket",
        "org.kestra.task.gcp.bigquery.CreateDataset",
        "org.kestra.task.gcp.bigquery.UpdateDataset",
    }
)
"""Plugins whose own ``description`` property is rendered (a dataset's, an issue's, an event's), from the
plugin sources (``../shared/data/kestra-plugin-properties.json``). The ``description`` of every other
task, trigger or plugin, and of the flow's inputs and outputs, is documentation Kestra never renders."""
TEMPLATES = frozenset({"Template"})
"""Tasks that bring in tasks from elsewhere: with one of these, any id may exist."""


class TaskInfo(NamedTuple):
    """A task of the flow as the output rules see it."""

    id: str
    use: PluginUse | None
    loop_depth: int


@lru_cache(maxsize=8192)
def simple_name(type_name: str) -> str:
    """The class name without its package (memoised: a run meets few types, many times)."""
    return type_name.rsplit(".", 1)[-1]


def task_index(flow: Flow) -> dict[str, TaskInfo]:
    """Every task id of the flow (nested, errors, finally, generated), with what the rules need."""
    uses = [(task_id, use) for use in flow.uses if use.kind == "task" and (task_id := use.id) is not None]
    loop_paths = [use.yaml_path for _, use in uses if simple_name(use.type_name) in LOOPS]
    tasks: dict[str, TaskInfo] = {}
    for task_id, use in uses:
        depth = sum(1 for path in loop_paths if _inside(use.yaml_path, path)) if loop_paths else 0
        tasks.setdefault(task_id, TaskInfo(task_id, use, depth))
        for suffix in GENERATED_IDS.get(simple_name(use.type_name), ()):
            tasks.setdefault(task_id + suffix, TaskInfo(task_id + suffix, None, depth))
    recorded = {id(use.node) for _, use in uses}
    for item in flow.slot_items:
        if item.slot != "task" or id(item.node) in recorded:
            continue
        found = get(item.node, "id")
        text = kestra_text(found[1]) if found else None
        if text is not None:
            tasks.setdefault(text, TaskInfo(text, None, 0))
    return tasks


def _inside(path: str, ancestor: str) -> bool:
    return len(path) > len(ancestor) and path.startswith(ancestor) and path[len(ancestor)] in ".["


class ExpressionString(NamedTuple):
    """A string of the flow that reads ``outputs`` or ``inputs`` in an expression (see
    :func:`expression_strings`)."""

    node: ScalarNode
    yaml_path: str
    text: ScalarText
    outputs: list[OutputRef]
    """Every ``outputs…`` reference of its Pebble blocks, in order."""
    inputs: list[OutputRef]
    """Every ``inputs…`` reference of its Pebble blocks, in order."""


_READ_ROOTS = ("outputs", "inputs")


def expression_strings(flow: Flow, text: str) -> list[ExpressionString]:
    """The strings of ``flow`` (a document of the file ``text``) that :func:`strings_with_expressions` gives
    for ``outputs`` or for ``inputs``, with their references to each: one walk and one lexing of their
    Pebble blocks for FL301/FL302, FL704 and the project index, made on first need and kept on the flow."""
    known = flow.derived.get("expression_strings")
    if known is not None:
        return cast("list[ExpressionString]", known)
    found = []
    for node, yaml_path in strings_with_expressions(flow, text, "puts", _READ_ROOTS):
        scalar = scalar_text(text, node)
        outputs, inputs = roots_refs(scalar.text, _READ_ROOTS)
        if outputs or inputs:
            found.append(ExpressionString(node, yaml_path, scalar, outputs, inputs))
    flow.derived["expression_strings"] = found
    return found


def strings_with_expressions(
    flow: Flow, text: str, word: str = "outputs", words: tuple[str, ...] | None = None
) -> Iterator[tuple[ScalarNode, str]]:
    """Every string scalar of the flow that may hold an ``outputs`` (or other ``word``) expression, with
    its YAML path.

    Not read: the flow's ``description`` and a blueprint's ``extend`` metadata, the ``description`` of
    its tasks, plugins (but :data:`RENDERED_DESCRIPTIONS`), inputs and outputs (documentation, never
    rendered), its ``triggers`` (a Flow trigger renders ``outputs`` of the execution that triggers it,
    from another flow; other triggers run before any task) and the ``outputs`` of Subflow tasks
    (rendered in the child execution).
    Aliased nodes are read once. Paths are only spelt out for the scalars returned. A mapping or list
    whose source ``text`` has neither ``word`` nor a backslash (the only way a double-quoted scalar
    can hold a word its source does not spell) is not walked into. ``words``: the scalars returned hold
    one of these (``word`` then a part they all share), rather than ``word``.
    """
    wanted = words if words is not None else (word,)
    child_contexts = {
        id(use.node)
        for use in flow.uses
        if simple_name(use.type_name) in CHILD_CONTEXT and use.type_name.startswith("io.kestra.")
    }
    documented = _documented(flow)
    seen: set[int] = set()
    stack: list[tuple[Node, KeyChain]] = [
        (value, (None, key))
        for key, value in reversed(flow.root.value)
        if not (isinstance(key, ScalarNode) and key.value in NOT_THIS_EXECUTION)
    ]
    while stack:
        node, chain = stack.pop()
        if isinstance(node, ScalarNode):
            value = node.value
            if "{" in value and any(w in value for w in wanted) and is_str(node) and id(node) not in seen:
                seen.add(id(node))
                yield node, chain_path(chain)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        start, end = node.start_mark.index, node.end_mark.index
        if text.find(word, start, end) < 0 and text.find("\\", start, end) < 0:
            continue
        if isinstance(node, SequenceNode):
            stack.extend((item, (chain, index)) for index, item in reversed(list(enumerate(node.value))))
        elif isinstance(node, MappingNode):
            skipped = {"outputs"} if id(node) in child_contexts else set()
            if id(node) in documented:
                skipped.add("description")
            for child_key, child in reversed(node.value):
                if skipped and isinstance(child_key, ScalarNode) and child_key.value in skipped:
                    continue
                stack.append((child, (chain, child_key)))


def _documented(flow: Flow) -> set[int]:
    """The mappings whose ``description`` is documentation: plugins (but those that render their own),
    tasks and triggers, and the items of the flow's ``inputs`` and ``outputs``."""
    found = {id(use.node) for use in flow.uses}
    found.update(id(item.node) for item in flow.slot_items)
    found.difference_update(id(use.node) for use in flow.uses if use.type_name in RENDERED_DESCRIPTIONS)
    for key in ("inputs", "outputs"):
        entry = flow.top(key)
        if entry is not None and isinstance(entry[1], SequenceNode):
            found.update(id(item) for item in entry[1].value)
    return found
