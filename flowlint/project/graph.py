"""The project's call graph (``flowlint graph``) and the flows a change reaches through it (``impact``).

Nodes are flows, by ``namespace.id``: those the project defines, and those it calls or listens to without
defining them (drawn dashed: they may live on the instance only). Edges go from a caller to the flow its
Subflow or ForEachItem task starts (labelled with the task id), and from a flow to the flow whose Flow
trigger listens to it (dotted, labelled with the trigger id): the direction in which executions follow one
another. ``--namespace`` keeps the flows of the namespace (a glob: ``company.**``) and their direct
neighbours, and the edges that touch a flow of the namespace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from flowlint.diagnostics import Span
from flowlint.files import Candidate
from flowlint.project.entries import FlowEntry, FlowKey
from flowlint.project.findings import index_store
from flowlint.project.gather import gather
from flowlint.project.index import ProjectIndex
from flowlint.project.namespaces import matches_namespace
from flowlint.properties.slots import manifest_slots
from flowlint.run import RunSetup


class Edge(NamedTuple):
    """One arrow of the graph: ``source`` runs, then ``target`` runs."""

    source: FlowKey
    target: FlowKey
    label: str
    """The task id (a call) or the trigger id (a Flow trigger)."""
    kind: str
    """``Subflow``, ``ForEachItem`` or ``Flow trigger``."""
    entry: FlowEntry
    """The flow that holds the task or the trigger."""
    at: Span
    """The ``flowId`` of the task or of the trigger's condition."""


def command_index(setup: RunSetup, found: Sequence[Candidate], jobs: int) -> ProjectIndex:
    """The index a command that reads flows works on: the project's files and the files ``found`` (what its
    paths name), through the index store of the cache folder."""
    slots = manifest_slots(setup.manifest)
    store = index_store(setup.cache_dir, slots)
    named = [(str(c.path), c.display) for c in found]
    index = gather(setup.settings, setup.cwd, store, {}, slots, jobs, named, [c.path for c in found])
    store.save()
    return index


def edges(index: ProjectIndex) -> list[Edge]:
    """Every call and every Flow-trigger listen of the project, in file order."""
    found: list[Edge] = []
    for entry in index.flows:
        found.extend(Edge(entry.key, c.target, c.task_id or "?", c.kind, entry, c.flow_id_span) for c in entry.calls)
        found.extend(
            Edge(t.target, entry.key, t.trigger_id or "?", "Flow trigger", entry, t.flow_id_span) for t in entry.listens
        )
    return found


def cut(index: ProjectIndex, namespace: str | None) -> tuple[list[FlowKey], list[Edge]]:
    """The nodes (sorted) and edges of the graph, cut to the flows of ``namespace`` (a glob) and their direct
    neighbours when it is given."""
    arrows = edges(index)
    if namespace is not None:
        arrows = [e for e in arrows if any(matches_namespace(namespace, key[0]) for key in (e.source, e.target))]
        inside = [key for key in index.flow_keys() if matches_namespace(namespace, key[0])]
    else:
        inside = list(index.flow_keys())
    nodes = sorted({*inside, *(e.source for e in arrows), *(e.target for e in arrows)})
    return nodes, arrows


def mermaid(index: ProjectIndex, namespace: str | None = None) -> str:
    """The graph as a Mermaid flowchart."""
    nodes, arrows = cut(index, namespace)
    ids = {key: f"f{number}" for number, key in enumerate(nodes)}
    lines = ["flowchart LR"]
    lines.extend(f'  {ids[key]}["{_escape(_text(key))}"]' for key in nodes)
    for edge in arrows:
        arrow = "-.->" if edge.kind == "Flow trigger" else "-->"
        lines.append(f'  {ids[edge.source]} {arrow}|"{_escape(_label(edge))}"| {ids[edge.target]}')
    missing = [ids[key] for key in nodes if index.flow(*key) is None]
    if missing:
        lines.append("  classDef outside stroke-dasharray: 5 5")
        lines.append(f"  class {','.join(missing)} outside")
    return "\n".join(lines) + "\n"


def dot(index: ProjectIndex, namespace: str | None = None) -> str:
    """The graph in Graphviz's DOT language."""
    nodes, arrows = cut(index, namespace)
    lines = ["digraph flows {", "  rankdir=LR;"]
    for key in nodes:
        style = "" if index.flow(*key) is not None else " [style=dashed]"
        lines.append(f'  "{_dot(_text(key))}"{style};')
    for edge in arrows:
        style = ", style=dashed" if edge.kind == "Flow trigger" else ""
        source, target = _dot(_text(edge.source)), _dot(_text(edge.target))
        lines.append(f'  "{source}" -> "{target}" [label="{_dot(_label(edge))}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _text(key: FlowKey) -> str:
    return f"{key[0]}.{key[1]}"


def _label(edge: Edge) -> str:
    return f"{edge.label} ({edge.kind})"


def _escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label (its own entity for a double quote)."""
    return text.replace('"', "#quot;")


def _dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


# impact -------------------------------------------------------------------------------------------------


class Reached(NamedTuple):
    """A flow a change reaches through calls: it calls (or listens to) ``via``, which the change reaches."""

    flow: FlowEntry
    via: FlowKey
    edge: Edge
    origin: FlowKey
    """The flow the change touches directly, at the end of the chain."""


def through_calls(index: ProjectIndex, changed: Iterable[FlowKey]) -> list[Reached]:
    """The flows that a change to the flows ``changed`` reaches through calls, transitively: the callers of
    a changed flow (its Subflow/ForEachItem tasks run it) and the flows whose Flow trigger listens to it,
    then theirs; each once, at its shortest chain, without the changed flows themselves."""
    by_target: dict[FlowKey, list[Edge]] = {}
    for edge in edges(index):
        upstream = edge.target if edge.kind != "Flow trigger" else edge.source
        by_target.setdefault(upstream, []).append(edge)
    start = sorted(set(changed))
    seen = set(start)
    reached: list[Reached] = []
    frontier = [(key, key) for key in start]
    while frontier:
        following = []
        for key, origin in frontier:
            for edge in by_target.get(key, ()):
                flow = edge.entry
                if flow.key in seen:
                    continue
                seen.add(flow.key)
                reached.append(Reached(flow, key, edge, origin))
                following.append((flow.key, origin))
        frontier = following
    return reached


def reached_text(reached: Sequence[Reached]) -> list[str]:
    """The lines ``impact`` prints for the flows reached through calls (none when there are none)."""
    if not reached:
        return []
    lines = ["", f"affected through calls: {len(reached)} {'flow' if len(reached) == 1 else 'flows'}"]
    for found in reached:
        flow, edge = found.flow, found.edge
        relation = f"calls {_text(found.via)}" if edge.kind != "Flow trigger" else f"is triggered by {_text(found.via)}"
        origin = "" if found.via == found.origin else f", which {_text(found.origin)} reaches"
        where = f"{flow.path}:{edge.at.line}:{edge.at.column}"
        lines.append(f"  {where}  {flow.name}  {relation} ({edge.kind} '{edge.label}'){origin}")
    return lines


def reached_rows(reached: Sequence[Reached]) -> list[dict[str, object]]:
    """The flows reached through calls as JSON rows."""
    return [
        {
            "flow": found.flow.name,
            "file": found.flow.path,
            "line": found.edge.at.line,
            "column": found.edge.at.column,
            "via": _text(found.via),
            "kind": found.edge.kind,
            "id": found.edge.label,
            "origin": _text(found.origin),
        }
        for found in reached
    ]
