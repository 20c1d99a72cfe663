"""The references Kestra's dashed-id check refuses (FL610), found once per flow: FL301 leaves them to FL610.

Kestra's ``FlowValidator`` (from 1.0) looks, in the fields a task's own class declares and in the ``value``
of the flow's outputs, for ``{{ inputs.<id> }}`` (the whole expression) with an input id that has a dash, and
for an expression that starts with ``{{ outputs.<task-id>.`` with a task id that has a dash; it builds its
regular expressions from the ids as they are (a dot in an input id matches any character), and so does this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple
from weakref import WeakKeyDictionary

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.flow import path_join
from flowlint.nodes import get, is_str
from flowlint.rules.base import CheckContext, applies_from
from flowlint.scalar_text import ScalarText, scalar_text

DASHED_SINCE = (1, 0, 0)
"""The first release flowlint is sure has the check (it came after 0.22, PR #8379 of 2025-04; 1.3.25 has it)."""
CORE = "io.kestra.plugin.core."
INPUT_ID = re.compile(r"[a-zA-Z0-9][.a-zA-Z0-9_-]*")
TASK_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]*")


class Dashed(NamedTuple):
    """A reference Kestra's dashed-id check rejects: the scalar, where the dotted reference is in its text
    (``inputs.a-b``, ``outputs.t-x``), and the id."""

    node: ScalarNode
    yaml_path: str
    text: ScalarText
    start: int
    end: int
    root: str
    id: str

    @property
    def id_offset(self) -> int:
        """The source offset of the id's first character."""
        return self.text.starts[self.start + len(self.root) + 1]


_DASHED: WeakKeyDictionary[CheckContext, list[Dashed]] = WeakKeyDictionary()


def dashed_references(ctx: CheckContext) -> list[Dashed]:
    """The references FL610 reports in this flow (none when FL610 is off or the target predates the
    check), worked out once: FL301 leaves these to FL610."""
    found = _DASHED.get(ctx)
    if found is None:
        applies = ctx.on("FL610") and applies_from(ctx, DASHED_SINCE)
        found = _DASHED[ctx] = _find_dashed(ctx) if applies else []
    return found


def _find_dashed(ctx: CheckContext) -> list[Dashed]:
    flow = ctx.flow
    input_patterns = [
        (re.compile(r"\{\{\s*(inputs." + input_id + r")\s*\}\}"), "inputs", input_id)
        for input_id in _dashed_input_ids(ctx)
    ]
    task_ids = {use.id for use in flow.uses if use.kind == "task" and use.id and "-" in use.id}
    output_patterns = [
        (re.compile(r"\{\{\s*(outputs\." + task_id + r")\.[^}]+\s*\}\}"), "outputs", task_id)
        for task_id in sorted(task_ids)
        if TASK_ID.fullmatch(task_id)
    ]
    if not input_patterns and not output_patterns:
        return []
    found: list[Dashed] = []
    seen: set[tuple[int, int]] = set()
    for node, yaml_path, in_task in _read_strings(ctx):
        if "{{" not in node.value:
            continue
        text = scalar_text(ctx.source.text, node)
        for pattern, root, ref_id in (input_patterns if in_task else []) + output_patterns:
            for match in pattern.finditer(text.text):
                key = (id(node), match.start(1))
                if key not in seen:
                    seen.add(key)
                    found.append(Dashed(node, yaml_path, text, match.start(1), match.end(1), root, ref_id))
    found.sort(key=lambda ref: ref.text.starts[ref.start])
    return found


def _dashed_input_ids(ctx: CheckContext) -> list[str]:
    found = ctx.flow.top("inputs")
    items = found[1].value if found is not None and isinstance(found[1], SequenceNode) else []
    ids = []
    for item in items:
        entry = get(item, "id") or get(item, "name")
        if entry is not None and is_str(entry[1]) and "-" in entry[1].value and INPUT_ID.fullmatch(entry[1].value):
            ids.append(entry[1].value)
    return ids


def _read_strings(ctx: CheckContext) -> Iterator[tuple[ScalarNode, str, bool]]:
    """The strings Kestra's dashed-id check reads, with their path and whether they are a task's (inputs
    are only looked for there; outputs also in the flow's output values): the fields a core task's class
    declares (:mod:`flowlint.rules.declared_fields`), and the ``value`` of the flow's outputs."""
    from flowlint.rules.declared_fields import DECLARED_FIELDS  # only for a flow with a dashed id

    flow = ctx.flow
    plugins = {id(use.node) for use in flow.uses}
    for use in flow.uses:
        if use.kind != "task" or not use.type_name.startswith(CORE):
            continue
        declared = DECLARED_FIELDS.get(use.type_name[len(CORE) :], "").split()
        for key, value in use.node.value:
            if is_str(key) and key.value in declared:
                for node, path in _strings(value, path_join(use.yaml_path, key), plugins):
                    yield node, path, True
    outputs = flow.top("outputs")
    if outputs is not None and isinstance(outputs[1], SequenceNode):
        for index, item in enumerate(outputs[1].value):
            value = get(item, "value")
            if value is not None:
                for node, path in _strings(value[1], f"outputs[{index}].value", frozenset()):
                    yield node, path, False


def _strings(node: Node, yaml_path: str, plugins: set[int] | frozenset[int]) -> Iterator[tuple[ScalarNode, str]]:
    """The string scalars under ``node``, not entering another plugin (a nested task is read as itself)."""
    stack: list[tuple[Node, str]] = [(node, yaml_path)]
    while stack:
        current, path = stack.pop()
        if isinstance(current, ScalarNode):
            if is_str(current):
                yield current, path
        elif id(current) in plugins:
            continue
        elif isinstance(current, SequenceNode):
            stack.extend((item, f"{path}[{index}]") for index, item in reversed(list(enumerate(current.value))))
        elif isinstance(current, MappingNode):
            stack.extend((value, path_join(path, key)) for key, value in reversed(current.value))
