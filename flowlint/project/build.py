"""Making the project index: a flow's entry from its parsed document.

:func:`flow_entry` reads what other files need of one flow (its namespace, id, inputs, outputs, the
flows it calls and listens to, the subflow outputs it reads) from the flow's nodes: the lint pass
calls it on the flows it already parsed, so a cold run parses each file once.
:func:`build_index` gathers the entries of every file of the project: those of the files this run
checked, the others from the persistent cache (:mod:`flowlint.project.store`), or, when the cache does
not have them (absent, damaged, the file changed), by reading the files again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.flow import Flow, PluginUse, Slots
from flowlint.nodes import BOOL_TAG, FLOAT_TAG, INT_TAG, NULL_TAG, get, is_null, is_str, kestra_text, span_of, tag_of
from flowlint.project.call_defaults import flow_default_inputs
from flowlint.project.entries import Call, FlowEntry, InputDecl, Listen, OutputDecl, OutputRead, PassedInput
from flowlint.rules.outputs_walk import expression_strings, task_index
from flowlint.rules.validation_flowables import CORE_TYPES
from flowlint.rules.validation_io import NUMERIC_TYPES, is_expression, literal_problem
from flowlint.rules.validation_preconditions import FLOW_TRIGGERS
from flowlint.scalar_text import Locator
from flowlint.source import Source

CALLING = frozenset({"Subflow", "ForEachItem"})
"""The core tasks that start another flow (:data:`CORE_TYPES` maps every alias to these names)."""
FLOW_CONDITIONS = frozenset(
    {
        "io.kestra.plugin.core.condition.ExecutionFlow",
        "io.kestra.plugin.core.condition.ExecutionFlowCondition",
        "io.kestra.core.models.conditions.types.ExecutionFlowCondition",
        "org.kestra.core.models.conditions.types.ExecutionFlowCondition",
    }
)
"""The condition that names the flow a Flow trigger listens to (current name and aliases)."""
ALL_FLOW_TRIGGERS = FLOW_TRIGGERS | {"org.kestra.core.models.triggers.types.Flow"}
_NOT_STRINGS = frozenset({INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG})


def flow_entry(source: Source, flow: Flow) -> FlowEntry | None:
    """What the project needs of ``flow`` (a document of ``source``); None when its namespace or id is not a
    literal string (an expression, a number, missing): no other flow can be judged against it."""
    namespace = _literal(flow.top("namespace"))
    flow_id = _literal(flow.top("id"))
    if namespace is None or flow_id is None:
        return None
    calls = tuple(_calls(flow))
    return FlowEntry(
        path=source.path,
        document=flow.document_index,
        namespace=namespace[0],
        id=flow_id[0],
        namespace_span=span_of(namespace[1]),
        id_span=span_of(flow_id[1]),
        inputs=_inputs(flow),
        outputs=_outputs(flow),
        calls=calls,
        listens=tuple(_listens(flow)),
        output_reads=tuple(_output_reads(source, flow, calls)) if calls else (),
    )


def file_entries(source: Source, flows: Iterable[Flow]) -> tuple[FlowEntry, ...]:
    """The entries of the flows of one file (those :func:`flow_entry` can make)."""
    return tuple(entry for flow in flows if (entry := flow_entry(source, flow)) is not None)


def source_entries(source: Source, slots: Slots | None = None) -> tuple[FlowEntry, ...]:
    """The entries of a parsed file, its flows read here (``slots``: the manifest's slot table)."""
    from flowlint.flow import flows_of

    return file_entries(source, flows_of(source.documents, slots=slots))


# reading a flow ------------------------------------------------------------------------------------------


def _literal(entry: tuple[ScalarNode, Node] | None) -> tuple[str, Node] | None:
    """The value of a key when it is a string without an expression, with its node."""
    if entry is None or not is_str(entry[1]):
        return None
    text = entry[1].value
    return None if not text or is_expression(text) else (text, entry[1])


def _value(node: Node | None, key: str) -> Node | None:
    found = get(node, key)
    return found[1] if found else None


def _inputs(flow: Flow) -> tuple[InputDecl, ...] | None:
    found = flow.top("inputs")
    if found is None or is_null(found[1]):
        return ()
    if not isinstance(found[1], SequenceNode):
        return None
    inputs = []
    for item in found[1].value:
        read = _input(item)
        if read is None:
            return None
        inputs.append(read)
    return tuple(inputs)


def _input(item: Node) -> InputDecl | None:
    if not isinstance(item, MappingNode):
        return None
    entry = get(item, "id") or get(item, "name")
    input_id = _literal(entry)
    kind = kestra_text(_value(item, "type"))
    required = get(item, "required")
    required_text = (kestra_text(required[1]) or "") if required else "true"
    if input_id is None or kind == "FORM" or required_text.lower() not in ("true", "false"):
        return None
    defaults = get(item, "defaults")
    has_defaults = defaults is not None and not is_null(defaults[1])
    literal = kestra_text(defaults[1]) if defaults is not None else None
    required_value = required_text.lower() == "true"
    conditional = _value(_value(item, "dependsOn"), "condition") is not None
    return InputDecl(input_id[0], kind, required_value, has_defaults, literal, span_of(input_id[1]), conditional)


def _outputs(flow: Flow) -> tuple[OutputDecl, ...] | None:
    found = flow.top("outputs")
    if found is None or is_null(found[1]):
        return ()
    if not isinstance(found[1], SequenceNode):
        return None
    outputs = []
    for item in found[1].value:
        output_id = _literal(get(item, "id"))
        if output_id is None:
            return None
        outputs.append(OutputDecl(output_id[0], span_of(output_id[1])))
    return tuple(outputs)


def _calls(flow: Flow) -> Iterator[Call]:
    for use in flow.uses:
        kind = CORE_TYPES.get(use.type_name) if use.kind == "task" else None
        if kind not in CALLING:
            continue
        namespace = _literal(get(use.node, "namespace"))
        flow_id = _literal(get(use.node, "flowId"))
        if namespace is None or flow_id is None:
            continue
        inputs_entry = get(use.node, "inputs")
        wait = kestra_text(_value(use.node, "wait"))
        yield Call(
            task_id=use.id,
            kind=kind or "",
            namespace=namespace[0],
            flow_id=flow_id[0],
            namespace_span=span_of(namespace[1]),
            flow_id_span=span_of(flow_id[1]),
            yaml_path=use.yaml_path,
            inputs=_passed(inputs_entry[1] if inputs_entry else None),
            inputs_span=span_of(inputs_entry[0]) if inputs_entry else None,
            own_outputs=get(use.node, "outputs") is not None or (wait is not None and wait.lower() == "false"),
            default_inputs=flow_default_inputs(flow, use, kind or ""),
            pinned=get(use.node, "revision") is not None,
        )


def _passed(node: Node | None) -> tuple[PassedInput, ...] | None:
    if node is None or is_null(node):
        return ()
    if not isinstance(node, MappingNode):
        return None
    passed = []
    for key, value in node.value:
        if not is_str(key) or is_expression(key.value):
            return None
        literal = None
        if isinstance(value, ScalarNode) and tag_of(value) not in _NOT_STRINGS:
            text = kestra_text(value)
            literal = None if text is None or is_expression(text) else text
        misfits = tuple((kind, reason) for kind in NUMERIC_TYPES if (reason := literal_problem(kind, value)))
        passed.append(PassedInput(key.value, span_of(key), literal, span_of(value), tuple(sorted(misfits))))
    return tuple(passed)


def _listens(flow: Flow) -> Iterator[Listen]:
    triggers = [use for use in flow.uses if use.kind == "trigger" and use.type_name in ALL_FLOW_TRIGGERS]
    for trigger in triggers:
        for use in flow.uses:
            if use.type_name in FLOW_CONDITIONS and _inside(use.yaml_path, trigger.yaml_path):
                listen = _listen(trigger, use.node, use.yaml_path)
                if listen is not None:
                    yield listen
        flows = _value(_value(trigger.node, "preconditions"), "flows")
        if isinstance(flows, SequenceNode):
            base = f"{trigger.yaml_path}.preconditions.flows"
            for index, item in enumerate(flows.value):
                listen = _listen(trigger, item, f"{base}[{index}]")
                if listen is not None:
                    yield listen


def _listen(trigger: PluginUse, node: Node, yaml_path: str) -> Listen | None:
    namespace = _literal(get(node, "namespace"))
    flow_id = _literal(get(node, "flowId"))
    if namespace is None or flow_id is None:
        return None
    return Listen(trigger.id, namespace[0], flow_id[0], span_of(flow_id[1]), yaml_path)


def _inside(path: str, ancestor: str) -> bool:
    return len(path) > len(ancestor) and path.startswith(ancestor) and path[len(ancestor)] in ".["


def _output_reads(source: Source, flow: Flow, calls: Sequence[Call]) -> Iterator[OutputRead]:
    """``outputs.<call>.outputs.<name>`` read in the flow, for the Subflow calls that wait for the subflow
    and set no ``outputs`` of their own; guarded reads (``?? x``, ``is defined``) are not recorded."""
    judged = {c.task_id for c in calls if c.kind == "Subflow" and not c.own_outputs and c.task_id is not None}
    if not judged:
        return
    tasks = task_index(flow)
    locator: Locator | None = None
    for string in expression_strings(flow, source.text):
        text, yaml_path = string.text, string.yaml_path
        for ref in string.outputs:
            task = tasks.get(ref.task_id or "")
            if task is None or task.id not in judged or ref.guarded:
                continue
            segments = ref.segments[1 + task.loop_depth :]
            if any(not s.bracket for s in ref.segments[1 : 1 + task.loop_depth]):
                continue
            if len(segments) < 2 or segments[0].name != "outputs" or segments[1].name is None:
                continue
            locator = locator or Locator(source.text)
            start, end = text.source_range(segments[1].start, segments[1].end)
            yield OutputRead(task.id, segments[1].name, locator.span(start, end), yaml_path)


# reading files the run did not check ---------------------------------------------------------------------


def read_entries(path: str | Path, display: str, slots: Slots | None) -> tuple[FlowEntry, ...]:
    """The entries of the file at ``path`` (none when it cannot be read, decoded or parsed)."""
    from flowlint.source import decode, parse

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return ()
    text = decode(data)
    if not isinstance(text, str):
        return ()
    return source_entries(parse(display, text), slots)
