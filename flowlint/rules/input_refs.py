"""Input rule FL704: does every ``{{ inputs.x }}`` of a flow name an input the flow declares?

Kestra gives an execution the inputs its flow declares, and only those (a value passed for another name
is dropped); Pebble's strict variables then fail the execution that reads any other. The strings read
are those the output rules read (:func:`~flowlint.rules.outputs_walk.strings_with_expressions`): not the
flow's ``triggers`` (a Flow trigger's ``inputs`` are rendered against the execution that triggers it),
nor documentation, nor the ``outputs`` of a Subflow (rendered in the child execution), nor a plugin
default that applies to none of the flow's tasks (never rendered). Not judged: a
computed name (``inputs[name]``), the whole object (``{{ inputs }}``), a read that tolerates absence
(``?? fallback``, ``is defined``, ``| default``), a string whose Pebble tags name a variable ``inputs``
of their own (``{% set inputs = ... %}``, a loop or macro parameter), a flow whose ``inputs`` are not a
list of literal ids, and ``inputs.a-b`` where Kestra's own dashed-id check refuses the flow (FL610 says so).
"""

from __future__ import annotations

import re

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from flowlint.diagnostics import Severity
from flowlint.flow import Flow
from flowlint.nodes import get, is_null, is_str
from flowlint.pebble import OutputRef
from flowlint.rules.base import CheckContext, Rule
from flowlint.rules.outputs_walk import expression_strings
from flowlint.scalar_text import Locator, ScalarText


def declared_inputs(flow: Flow) -> dict[str, Node] | None:
    """The input ids ``flow`` declares, each with its ``id`` (or legacy ``name``) node; None when they
    cannot be known (``inputs`` is no list, or an item has no literal id)."""
    found = flow.top("inputs")
    if found is None or is_null(found[1]):
        return {}
    if not isinstance(found[1], SequenceNode):
        return None
    ids: dict[str, Node] = {}
    for item in found[1].value:
        entry = (get(item, "id") or get(item, "name")) if isinstance(item, MappingNode) else None
        if entry is None or not is_str(entry[1]):
            return None
        ids.setdefault(entry[1].value, entry[1])
    return ids


def readable_inputs(flow: Flow) -> dict[str, Node] | None:
    """The names ``inputs.<name>`` reads in ``flow``, each with the node that declares it: the input ids,
    and the first part of a dotted id (Kestra nests ``request.name`` as ``inputs.request.name``)."""
    declared = declared_inputs(flow)
    if declared is None:
        return None
    readable = dict(declared)
    for name, node in declared.items():
        readable.setdefault(name.split(".", 1)[0], node)
    return readable


def check(ctx: CheckContext) -> None:
    """Report FL704 for one flow."""
    if not ctx.on("FL704"):
        return
    root = ctx.flow.root
    if ctx.source.text.find("inputs", root.start_mark.index, root.end_mark.index) < 0:
        return
    declared: dict[str, Node] | None = None
    refs: list[tuple[ScalarText, str, OutputRef]] = []
    unapplied = _unapplied_defaults(ctx.flow)
    for string in expression_strings(ctx.flow, ctx.source.text):
        text, yaml_path = string.text, string.yaml_path
        found = [ref for ref in string.inputs if ref.task_id is not None]
        if found and unapplied and any(_under(yaml_path, path) for path in unapplied):
            continue
        if not found or _BINDS_INPUTS.search(text.text):
            continue
        if declared is None:
            declared = readable_inputs(ctx.flow)
            if declared is None:
                return
        refs.extend((text, yaml_path, ref) for ref in found if ref.task_id not in declared)
    if not refs or declared is None:
        return
    guarded = {ref.task_id for _, _, ref in refs if ref.guarded}
    hints = _Hints(ctx, declared)
    locator = Locator(ctx.source.text)
    for text, yaml_path, ref in refs:
        if ref.task_id not in guarded:
            _report(ctx, text, yaml_path, ref, hints, locator)


_BINDS_INPUTS = re.compile(
    r"\{%-?\s*(?:set\s+inputs\s*=|for\s+(?:\w+\s*,\s*)?inputs\s*(?:,|in\b)|macro\s+\w+\s*\([^)]*\binputs\b)"
)
"""A Pebble tag that names a variable ``inputs`` of its own (``set``, a ``for`` loop, a macro's parameter):
the string's ``inputs.x`` may be that variable, not the execution's inputs."""


def _unapplied_defaults(flow: Flow) -> list[str]:
    """The YAML paths of the flow's plugin defaults that apply to none of its tasks (never rendered), or
    whose type is not literal (cannot be known)."""
    tasks = [use.type_name for use in flow.uses if use.kind == "task"]
    return [
        default.yaml_path
        for default in flow.defaults
        if default.type_name is None or not any(task.startswith(default.type_name) for task in tasks)
    ]


def _under(path: str, ancestor: str) -> bool:
    return path.startswith(ancestor) and (len(path) == len(ancestor) or path[len(ancestor)] in ".[")


def _report(
    ctx: CheckContext, text: ScalarText, yaml_path: str, ref: OutputRef, hints: _Hints, locator: Locator
) -> None:
    segment = ref.segments[0]
    name = segment.name
    assert name is not None
    end = segment.end
    if ref.dashed is not None and ref.dashed in hints.declared:
        if text.starts[segment.start] in hints.refused_on_save:
            return  # Kestra's own dashed-id check refuses it on save: FL610 says so
        start, end = text.source_range(segment.start, ref.dashed_end)
        ctx.report(
            "FL704",
            locator.span(start, end),
            f"`inputs.{ref.dashed}` is read by Pebble as `inputs.{name}` minus `{ref.dashed[len(name) + 1 :]}`:"
            f" the flow declares no input '{name}'",
            yaml_path=yaml_path,
            help=f"write `inputs['{ref.dashed}']` for an input id with a hyphen",
            related=[(hints.declared[ref.dashed], f"input '{ref.dashed}'")],
        )
        return
    start, end = text.source_range(segment.start, end)
    close = hints.suggest(name)
    help_text = f"did you mean '{close}'?" if close is not None else None
    if name in hints.task_ids:
        help_text = f"'{name}' is a task: read its results as `outputs.{name}`"
    elif name in hints.variables:
        help_text = f"'{name}' is a variable of the flow: read it as `vars.{name}`"
    message = (
        f"the flow declares no input '{name}' (read as `inputs.{name}`)"
        if hints.declared
        else f"the flow declares no inputs (read as `inputs.{name}`)"
    )
    related = [(hints.declared[close], f"input '{close}'")] if close is not None else []
    ctx.report("FL704", locator.span(start, end), message, yaml_path=yaml_path, help=help_text, related=related)


class _Hints:
    """What FL704 says of the unknown input names of one flow: the declared ids and their did-you-mean,
    the task ids and variables a name may have meant, the dashed references FL610 reports."""

    def __init__(self, ctx: CheckContext, declared: dict[str, Node]) -> None:
        from flowlint.rules.closest import Closest  # only for a flow that reads an unknown input
        from flowlint.rules.dashed_refs import dashed_references

        self.declared = declared
        self.refused_on_save = {ref.id_offset for ref in dashed_references(ctx) if ref.root == "inputs"}
        """Where a dashed input id starts that FL610 reports (Kestra refuses the flow on save)."""
        self.task_ids = {use.id for use in ctx.flow.uses if use.kind == "task" and use.id is not None}
        variables = ctx.flow.top("variables")
        self.variables = (
            {key.value for key, _ in variables[1].value if is_str(key)}
            if variables is not None and isinstance(variables[1], MappingNode)
            else set()
        )
        self._closest = Closest(declared)
        self._squashed = {_squash(name): name for name in reversed(list(declared))}

    def suggest(self, name: str) -> str | None:
        """The declared id closest to ``name``: the same but for case, ``_`` and ``-``, else the closest
        spelling (None: none is close)."""
        return self._squashed.get(_squash(name)) or self._closest.closest(name)


def _squash(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


RULES = [
    Rule(
        "FL704", "unknown-input-ref", Severity.ERROR,
        "`inputs.x` names no input the flow declares.",
        "An execution gets the inputs its flow declares under `inputs`, and only those: Kestra drops a "
        "value passed for any other name. Reading `inputs.x` (or `inputs['x']`) where the flow declares no "
        "input `x` — a typo, a renamed input, a flow without `inputs` — fails the execution when the "
        "expression is rendered. An input id with dots (`request.name`) is read as a nested object "
        "(`inputs.request.name`). Not checked: a computed name (`inputs[name]`), the whole `inputs` object, "
        "reads that tolerate absence (`?? fallback`, `is defined`, `| default`), a plugin default that applies "
        "to none of the flow's tasks, the flow's `triggers` (a "
        "Flow trigger renders its `inputs` against the execution that triggers it), the `outputs` of a "
        "Subflow task (rendered in the child execution), documentation (`description`), and a flow whose "
        "`inputs` are not a list of literal ids. Note that `inputs.my-input` is `inputs.my` minus `input` "
        "for Pebble: write `inputs['my-input']`.",
        "id: hello\nnamespace: company.team\ninputs:\n  - id: region\n    type: STRING\n"
        "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"{{ inputs.regoin }}\"\n",
        "id: hello\nnamespace: company.team\ninputs:\n  - id: region\n    type: STRING\n"
        "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"{{ inputs.region }}\"\n",
        check=check,
    ),
]  # fmt: skip
