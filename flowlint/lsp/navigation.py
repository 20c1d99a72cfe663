"""Go to definition and find references.

In one file: from ``outputs.X`` (in an expression) to task X's ``id``, from ``inputs.x`` to the input's
``id`` (``inputs.request`` to the first input ``request.…`` when the ids are dotted). Across the project
(:class:`~flowlint.lsp.flows.ProjectFlows`): from a ``flowId`` (a Subflow or ForEachItem task, a Flow
trigger's condition or precondition) to the ``id`` of every flow that defines it, from ``x`` in
``outputs.<call>.outputs.x`` to the output the called flow declares. The references of a task or an input
are its reads in the flow; those of a flow, from its ``id`` or from any ``flowId`` naming it, are the
``flowId`` of its callers and listeners.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from ruamel.yaml.nodes import Node

from flowlint.diagnostics import Span
from flowlint.flow import Flow
from flowlint.lsp.findings import Snapshot
from flowlint.lsp.flows import ProjectFlows
from flowlint.lsp.locate import flows_at, inside
from flowlint.lsp.positions import LineIndex
from flowlint.pebble import root_refs
from flowlint.project.build import flow_entry
from flowlint.project.entries import FlowEntry, FlowKey
from flowlint.rules.input_refs import declared_inputs, readable_inputs
from flowlint.rules.outputs_walk import strings_with_expressions, task_index
from flowlint.scalar_text import scalar_text
from flowlint.source import Source, parse


def definition(snapshot: Snapshot, position: types.Position, flows: ProjectFlows | None) -> list[types.Location]:
    """Where what stands at ``position`` is defined (none: nothing known stands there)."""
    offset = snapshot.index.offset_at(position)
    source = parse(snapshot.display, snapshot.text)
    for flow in flows_at(source, offset, snapshot.linter.slots):
        node = _expression_target(source, flow, offset)
        if node is not None:
            return [types.Location(snapshot.uri, snapshot.index.node_range(node.start_mark.index, node.end_mark.index))]
        if flows is not None:
            places = _flow_places(source, flow, offset, flows)
            found = (_location(flows, path, span, snapshot.index.encoding) for path, span in places)
            return [location for location in found if location is not None]
    return []


def _flow_places(source: Source, flow: Flow, offset: int, flows: ProjectFlows) -> list[tuple[str, Span]]:
    """The flows a ``flowId`` at ``offset`` names (their ``id``), or the output of the called flow that
    ``outputs.<call>.outputs.x`` reads there."""
    entry = flow_entry(source, flow)
    target = _flow_reference(source, flow, offset)
    if target is not None:
        return [(e.path, e.id_span) for e in flows.index().definitions(*target)]
    read = next((r for r in entry.output_reads if _within(r.span, offset)), None) if entry is not None else None
    call = next((c for c in entry.calls if c.task_id == read.task_id), None) if entry and read else None
    called = flows.index().flow(*call.target) if call is not None else None
    if read is None or called is None:
        return []
    return [(called.path, o.span) for o in called.outputs or () if o.id == read.output]


def references(
    snapshot: Snapshot, position: types.Position, flows: ProjectFlows | None, *, declaration: bool
) -> list[types.Location]:
    """On a task's or an input's ``id``: its ``outputs.X`` or ``inputs.x`` reads in the flow. On a flow's
    ``id`` (or a ``flowId`` naming a flow): the ``flowId`` of every task and Flow trigger that names it.
    With ``declaration``, the ``id`` (or the flow's definitions) first."""
    offset = snapshot.index.offset_at(position)
    source = parse(snapshot.display, snapshot.text)
    for flow in flows_at(source, offset, snapshot.linter.slots):
        local = _reads(source, flow, offset, declaration=declaration)
        if local is not None:
            return [types.Location(snapshot.uri, snapshot.index.node_range(start, end)) for start, end in local]
        if flows is None:
            continue
        entry = flow_entry(source, flow)
        target = _flow_reference(source, flow, offset)
        if target is None and entry is not None and _within(entry.id_span, offset):
            target = entry.key
        if target is None:
            continue
        index = flows.index()
        places = [(e.path, e.id_span) for e in index.definitions(*target)] if declaration else []
        places += [(caller.path, call.flow_id_span) for caller, call in index.callers(*target)]
        places += [(listener.path, listen.flow_id_span) for listener, listen in index.listeners(*target)]
        found = (_location(flows, path, span, snapshot.index.encoding) for path, span in places)
        return [location for location in found if location is not None]
    return []


def _reads(source: Source, flow: Flow, offset: int, *, declaration: bool) -> list[tuple[int, int]] | None:
    """Where the task or input whose ``id`` holds ``offset`` is read (source offsets, in order; an input
    ``a.b`` as ``inputs.a.b``), its ``id`` first with ``declaration``; None when no such ``id`` is there."""
    found = _declared_at(flow, offset)
    if found is None:
        return None
    word, name, node = found
    parts = name.split(".") if word == "inputs" else [name]
    places = [(node.start_mark.index, node.end_mark.index)] if declaration else []
    for scalar, _ in strings_with_expressions(flow, source.text, word):
        text = scalar_text(source.text, scalar)
        for ref in root_refs(text.text, word):
            if [segment.name for segment in ref.segments[: len(parts)]] == parts:
                places.append(text.source_range(ref.segments[0].start, ref.segments[len(parts) - 1].end))
    return sorted(places)


def _declared_at(flow: Flow, offset: int) -> tuple[str, str, Node] | None:
    """``("outputs", id, node)`` for the task whose ``id`` holds ``offset``, ``("inputs", id, node)`` for
    the input."""
    for use in flow.uses:
        if use.kind == "task" and use.id is not None and use.id_node is not None and inside(use.id_node, offset):
            return "outputs", use.id, use.id_node
    for name, node in (declared_inputs(flow) or {}).items():
        if inside(node, offset):
            return "inputs", name, node
    return None


def _expression_target(source: Source, flow: Flow, offset: int) -> Node | None:
    """The ``id`` node of the task (``outputs.X``) or input (``inputs.x``) whose reference holds ``offset``."""
    for word in ("outputs", "inputs"):
        for node, _ in strings_with_expressions(flow, source.text, word):
            if not inside(node, offset):
                continue
            text = scalar_text(source.text, node)
            for ref in root_refs(text.text, word):
                name = ref.task_id
                if name is None:
                    continue
                start, end = text.source_range(ref.start, ref.segments[0].end)
                if start <= offset <= end:
                    return _declaration(flow, word, name)
    return None


def _declaration(flow: Flow, word: str, name: str) -> Node | None:
    if word == "inputs":
        return (readable_inputs(flow) or {}).get(name)
    task = task_index(flow).get(name)
    return task.use.id_node if task is not None and task.use is not None else None


def _flow_reference(source: Source, flow: Flow, offset: int) -> FlowKey | None:
    """The flow a literal ``flowId`` at ``offset`` names (a call or a Flow trigger's)."""
    entry: FlowEntry | None = flow_entry(source, flow)
    if entry is None:
        return None
    for call in entry.calls:
        if _within(call.flow_id_span, offset):
            return call.target
    for listen in entry.listens:
        if _within(listen.flow_id_span, offset):
            return listen.target
    return None


def _within(span: Span, offset: int) -> bool:
    return span.start_offset <= offset <= span.end_offset


def _location(flows: ProjectFlows, path: str, span: Span, encoding: str) -> types.Location | None:
    """The LSP location of ``span`` in the file ``path`` (as the index read it); None when it cannot be read."""
    text = flows.text(Path(path))
    if text is None:
        return None
    return types.Location(Path(path).as_uri(), LineIndex(text, encoding).node_range(span.start_offset, span.end_offset))
