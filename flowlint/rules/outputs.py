"""Output rules FL301-FL302: do the flow's ``{{ outputs.… }}`` expressions read something that exists?

Every string scalar of the flow is read with :mod:`flowlint.pebble` (nothing is evaluated). FL301 checks
that ``outputs.<id>`` names a task of the flow; FL302 that a task whose result mode is known (by its
``fetchType``/``store`` property, a flow-level plugin default, or the family default) is read through
the attribute that mode fills.

:data:`~flowlint.rules.task_families.FAMILIES` is the one table of task families whose result mode
decides their outputs; :mod:`flowlint.rules.outputs_walk` finds the tasks and the strings to read. Kestra
leaves an unfilled attribute out of the task's outputs, so reading it fails the execution (Pebble's strict
variables).

A legacy boolean set to true wins over ``fetchType`` (as the plugins do); two of them at once, or any
value written as an expression, leave the mode unknown and nothing is reported. Defaults set at
namespace or instance level (Kestra's configuration) are not seen: flowlint reads the task and the
flow's ``pluginDefaults`` only, and says when it relied on the family default. ``Queries`` tasks (a
list of results under ``outputs``) are not checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Severity, Span
from flowlint.flow import Flow, PluginUse
from flowlint.nodes import BOOL_TAG, get, is_str, kestra_text, tag_of
from flowlint.pebble import OutputRef, Segment
from flowlint.rules.base import CheckContext, Rule
from flowlint.rules.outputs_walk import TEMPLATES, TaskInfo, expression_strings, simple_name, task_index
from flowlint.rules.task_families import (
    FETCH,
    FETCH_ONE,
    MODE_ACCESSORS,
    MODE_OUTPUT,
    NONE,
    STORE,
    Family,
    families_table,
    family_of,
)
from flowlint.scalar_text import Locator, ScalarText


class Mode(NamedTuple):
    """A task's result mode, and where it was decided: the node written (None for the family default),
    how messages say it, and the property that decided."""

    mode: str
    node: Node | None
    origin: str
    property: str


def check(ctx: CheckContext) -> None:
    """Report FL301 and FL302 for one flow."""
    if not (ctx.on("FL301") or ctx.on("FL302")):
        return
    flow = ctx.flow
    tasks: dict[str, TaskInfo] | None = None  # worked out for the first expression that reads outputs
    hints: _Hints | None = None  # worked out for the first unknown task id
    ids_complete = True
    locator = Locator(ctx.source.text)
    for string in expression_strings(flow, ctx.source.text):
        text, yaml_path = string.text, string.yaml_path
        refs = [ref for ref in string.outputs if ref.task_id is not None]
        if not refs:
            continue
        if tasks is None:
            tasks = task_index(flow)
            ids_complete = not any(
                simple_name(use.type_name) in TEMPLATES and use.type_name.startswith("io.kestra.") for use in flow.uses
            )
        guarded = {(ref.task_id, _attribute_name(ref, tasks)) for ref in refs if ref.guarded}
        for ref in refs:
            task_id = ref.task_id
            assert task_id is not None
            found = tasks.get(task_id)
            if found is None:
                if ids_complete and not ref.guarded:
                    if hints is None:
                        hints = _Hints(ctx, tasks)
                    _report_unknown(ctx, ref, yaml_path, hints, text, locator)
                continue
            if (task_id, _attribute_name(ref, tasks)) in guarded:
                continue  # `{% if outputs.q.rows is defined %}…{{ outputs.q.rows }}`: absence is handled
            _check_accessor(ctx, ref, found, yaml_path, text, locator)


def _span(text: ScalarText, locator: Locator, start: int, end: int) -> Span:
    """The file span of the characters ``start:end`` of a scalar's value."""
    source_start, source_end = text.source_range(start, end)
    return locator.span(source_start, source_end)


def _report_unknown(
    ctx: CheckContext,
    ref: OutputRef,
    yaml_path: str,
    hints: _Hints,
    text: ScalarText,
    locator: Locator,
) -> None:
    segment = ref.segments[0]
    task_id = segment.name
    assert task_id is not None
    tasks = hints.tasks
    if ref.dashed is not None and ref.dashed in tasks:
        if text.starts[segment.start] in hints.refused_on_save:
            return  # Kestra's own dashed-id check refuses it on save: FL610 says so
        ctx.report(
            "FL301",
            _span(text, locator, segment.start, ref.dashed_end),
            f"`outputs.{ref.dashed}` is read by Pebble as `outputs.{task_id}` minus `{ref.dashed[len(task_id) + 1 :]}`:"
            f" no task has the id '{task_id}'",
            yaml_path=yaml_path,
            help=f"write `outputs['{ref.dashed}']` for a task id with a hyphen",
        )
        return
    close = hints.suggest(task_id)
    related: list[tuple[Node | Span, str]] = []
    suggested = tasks[close].use if close is not None else None
    if suggested is not None:
        related.append((suggested.id_node or suggested.node, f"task '{close}'"))
    help_text = f"did you mean '{close}'?" if close is not None else None
    if task_id in hints.trigger_ids:
        help_text = f"'{task_id}' is a trigger: a trigger's outputs are read as `trigger.<attribute>`"
    elif task_id in hints.input_ids:
        help_text = f"'{task_id}' is an input: read it as `inputs.{task_id}`"
    ctx.report(
        "FL301",
        _span(text, locator, segment.start, segment.end),
        f"no task of this flow has the id '{task_id}' (read as `outputs.{task_id}`)",
        yaml_path=yaml_path,
        help=help_text,
        related=related,
    )


def _trigger_ids(ctx: CheckContext) -> set[str]:
    return {use.id for use in ctx.flow.uses if use.kind == "trigger" and use.id is not None}


def _input_ids(ctx: CheckContext) -> set[str]:
    found = ctx.flow.top("inputs")
    items = found[1].value if found is not None and isinstance(found[1], SequenceNode) else []
    entries = (get(item, "id") or get(item, "name") for item in items)
    return {entry[1].value for entry in entries if entry is not None and is_str(entry[1])}


class _Hints:
    """What FL301 says of the unknown task ids of one flow, each worked out once: the trigger and input
    ids, and the did-you-mean of every id."""

    def __init__(self, ctx: CheckContext, tasks: Mapping[str, TaskInfo]) -> None:
        from flowlint.rules.closest import Closest  # only for a flow that reads an unknown task id
        from flowlint.rules.dashed_refs import dashed_references

        self.tasks = tasks
        self.refused_on_save = {ref.id_offset for ref in dashed_references(ctx) if ref.root == "outputs"}
        """Where a dashed task id starts that FL610 reports (Kestra refuses the flow on save)."""
        self.trigger_ids = _trigger_ids(ctx)
        self.input_ids = _input_ids(ctx)
        known = [name for name, task in tasks.items() if task.use is not None]
        self._squashed = {_squash(name): name for name in reversed(known)}
        self._names = Closest(known)
        self._squashed_names = Closest(self._squashed)
        self._suggested: dict[str, str | None] = {}

    def suggest(self, task_id: str) -> str | None:
        """The task id closest to ``task_id``: the same but for case, ``_`` and ``-`` (``fetchAuthToken``
        for ``fetch_auth_token``), else the closest spelling (None: no task id is close)."""
        if task_id not in self._suggested:
            squashed = _squash(task_id)
            if squashed in self._squashed:
                found: str | None = self._squashed[squashed]
            else:
                found = self._names.closest(task_id)
                if found is None:
                    close = self._squashed_names.closest(squashed)
                    found = None if close is None else self._squashed[close]
            self._suggested[task_id] = found
        return self._suggested[task_id]


def _squash(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def _attribute_segment(ref: OutputRef, depth: int) -> Segment | None:
    """The accessor after the task id and its ``depth`` loop indexes (``outputs.x[taskrun.value].uri``)."""
    segments = ref.segments
    if len(segments) < depth + 2:
        return None
    if any(not segment.bracket for segment in segments[1 : depth + 1]):
        return None  # an attribute read where an index belongs: not ours to judge
    return segments[depth + 1]


def _attribute_name(ref: OutputRef, tasks: Mapping[str, TaskInfo]) -> str | None:
    found = tasks.get(ref.task_id or "")
    segment = _attribute_segment(ref, found.loop_depth if found else 0)
    return segment.name if segment else None


def _check_accessor(
    ctx: CheckContext,
    ref: OutputRef,
    task: TaskInfo,
    yaml_path: str,
    text: ScalarText,
    locator: Locator,
) -> None:
    use = task.use
    family = family_of(use.type_name) if use is not None else None
    if use is None or family is None:
        return
    segment = _attribute_segment(ref, task.loop_depth)
    if segment is None or segment.name not in MODE_ACCESSORS:
        return
    mode = result_mode(use, family, ctx.flow)
    filled = MODE_OUTPUT[mode.mode] if mode is not None else None
    if mode is None or segment.name == filled:
        return
    state = _mode_words(family, mode)
    if filled is None:
        message = f"task '{task.id}' {state}: it outputs no result, so `{segment.name}` does not exist"
        help_text = f"set `{family.property}` to FETCH (rows), FETCH_ONE (row) or STORE (uri)"
    else:
        message = f"task '{task.id}' {state}: it outputs `{filled}`, not `{segment.name}`"
        read = f"read `{filled}` instead" if task.loop_depth else f"read `outputs.{task.id}.{filled}`"
        help_text = f"{read}, or {'change' if mode.node is not None else 'set'} `{mode.property}`"
    related: list[tuple[Node | Span, str]] = []
    if mode.node is not None:
        related.append((mode.node, f"{mode.origin} here"))
    elif use.id_node is not None:
        related.append((use.id_node, f"task '{task.id}' ({simple_name(use.type_name)})"))
    ctx.report(
        "FL302",
        _span(text, locator, segment.start, segment.end),
        message,
        yaml_path=yaml_path,
        help=help_text,
        related=related,
    )


_DOES = {STORE: "stores its result", FETCH: "fetches its rows", FETCH_ONE: "fetches one row", NONE: ""}


def _mode_words(family: Family, mode: Mode) -> str:
    """How a message says what the task does with its result, and why flowlint thinks so."""
    does = _DOES[mode.mode]
    if mode.node is None:
        return (
            f"sets no `{family.property}`: flowlint assumes the default of {family.name}, "
            f"{family.property}: {family.default_text()}" + (f" (it {does})" if does else "")
        )
    return f"{does} ({mode.origin})" if does else f"has {mode.origin}"


def result_mode(use: PluginUse, family: Family, flow: Flow) -> Mode | None:
    """The result mode of a task of ``family``: from the task, else the flow's plugin defaults, else
    the family default. None when it cannot be known statically."""
    sources: list[tuple[Node, str]] = [(use.node, "")]
    sources.extend((values, " in a flow plugin default") for values in _flow_default_values(flow, use.type_name))
    for values, where in sources:
        legacy = _legacy_mode(values, family)
        if legacy is not _ABSENT:
            if not isinstance(legacy, Mode):
                return None
            return Mode(legacy.mode, legacy.node, legacy.origin + where, legacy.property)
        found = get(values, family.property)
        if found is not None:
            mode = _read_mode(found[1], family)
            if mode is None:
                return None
            return Mode(mode, found[1], f"{family.property}: {_written(found[1])}{where}", family.property)
    return Mode(family.default, None, "default", family.property)


_ABSENT = object()


def _legacy_mode(values: Node, family: Family) -> object:
    """The mode a legacy boolean set to true selects; None when several are; _ABSENT when none is."""
    chosen: list[Mode] = []
    for name, mode in family.legacy:
        found = get(values, name)
        if found is None:
            continue
        truth = _truth(found[1])
        if truth is None:
            return None
        if truth:
            chosen.append(Mode(mode, found[1], f"{name}: true", name))
    if not chosen:
        return _ABSENT
    return chosen[0] if len(chosen) == 1 else None


def _truth(node: Node) -> bool | None:
    text = kestra_text(node)
    if text is None:
        return None
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return None


def _read_mode(node: Node, family: Family) -> str | None:
    if family.kind == "boolean":
        truth = _truth(node)
        return None if truth is None else (STORE if truth else FETCH)
    text = kestra_text(node)
    if text is None or not isinstance(node, ScalarNode) or tag_of(node) == BOOL_TAG:
        return None
    normal = text.strip().upper().replace("_", "")
    mode = {"FETCH": FETCH, "FETCHONE": FETCH_ONE, "STORE": STORE, "NONE": NONE}.get(normal)
    if mode is None:
        return None
    return family.values.get(mode, mode) if family.values else mode


def _written(node: Node) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else "?"


def _flow_default_values(flow: Flow, type_name: str) -> list[Node]:
    """``values`` of the flow's plugin defaults that apply to ``type_name``, most specific first."""
    matching = [
        (len(default.type_name or ""), index, default.values_node)
        for index, default in enumerate(flow.defaults)
        if default.type_name
        and type_name.startswith(default.type_name)
        and isinstance(default.values_node, MappingNode)
    ]
    matching.sort(key=lambda item: (-item[0], -item[1]))
    return [values for _, _, values in matching if values is not None]


RULES = [
    Rule(
        "FL301", "unknown-output-ref", Severity.ERROR,
        "`outputs.X` names no task of the flow.",
        "Expressions read a task's results as `outputs.<task id>` (or `outputs['task-id']` for ids with "
        "a hyphen). An id that is no task of the flow — a typo, a renamed task, a trigger id — fails the "
        "execution when the expression is rendered. Tasks at any depth count (inside Parallel, ForEach, "
        "If, Switch, Dag, errors, finally), as do the `<id>_split`, `<id>_items` and `<id>_merge` tasks a "
        "ForEachItem adds. `trigger.outputs`, `execution.outputs` and `parents[0].outputs` are not task "
        "references. Not checked: expressions that tolerate absence (`?? fallback`, `is defined`, "
        "`| default`), the `outputs` of a Subflow task (rendered in the child execution), the flow's "
        "`triggers` (a Flow trigger reads the outputs of the execution that triggers it), text Kestra "
        "never renders (a blueprint's `extend` metadata, the `description` of the flow, its inputs, outputs "
        "and tasks, unless a plugin renders its own `description`, as Jira or BigQuery tasks do); a flow "
        "with a Template task, whose tasks come from elsewhere, is not checked. "
        "Note that `outputs.my-task` is `outputs.my` minus `task` for Pebble: write `outputs['my-task']`.",
        "tasks:\n  - id: extract\n    type: io.kestra.plugin.core.http.Download\n    uri: https://example.com/a.csv\n"
        "  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: \"{{ outputs.extrct.uri }}\"\n",
        "tasks:\n  - id: extract\n    type: io.kestra.plugin.core.http.Download\n    uri: https://example.com/a.csv\n"
        "  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: \"{{ outputs.extract.uri }}\"\n",
        check=check,
    ),
    Rule(
        "FL302", "wrong-output-accessor", Severity.ERROR,
        "Reading a result attribute (`uri`, `rows`, `row`, `value`) that the task's fetch mode does not fill.",
        "Query-like tasks fill one result attribute, chosen by `fetchType` (or `store`): FETCH fills "
        "`rows`, FETCH_ONE `row`, STORE `uri` (a file in internal storage), NONE nothing. Reading another "
        "one — `outputs.q.value` or `outputs.q.rows` from a task that stores, `outputs.q.uri` from one "
        "that fetches — raises an execution error. When the property is not set flowlint assumes the "
        "family's default and says so. Expressions that tolerate absence (`?? fallback`, `is defined`, "
        "`| default`) are not checked; neither are values set by namespace or instance plugin defaults, "
        "which flowlint does not see. The families flowlint knows (property, legacy booleans, default):\n"
        + families_table(),
        "tasks:\n  - id: query\n    type: io.kestra.plugin.jdbc.postgresql.Query\n    sql: SELECT * FROM orders\n"
        "    fetchType: STORE\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"{{ outputs.query.rows }}\"\n",
        "tasks:\n  - id: query\n    type: io.kestra.plugin.jdbc.postgresql.Query\n    sql: SELECT * FROM orders\n"
        "    fetchType: FETCH\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"{{ outputs.query.rows }}\"\n",
        check=check,
    ),
]  # fmt: skip
