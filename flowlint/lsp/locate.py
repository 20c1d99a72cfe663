"""What stands at an offset of a document: the flows that hold it, the plugin use whose ``type`` or
``version`` holds it, the innermost plugin use that holds it (for hover and completion)."""

from __future__ import annotations

from collections.abc import Iterator

from ruamel.yaml.nodes import Node

from flowlint.flow import Flow, PluginUse, Slots, flows_of
from flowlint.nodes import get
from flowlint.source import Source


def flows_at(source: Source, offset: int, slots: Slots | None = None) -> Iterator[Flow]:
    """The flow documents of ``source`` that hold ``offset`` (read when reached; ``slots``: the manifest's
    slot table)."""
    yield from flows_of(source.documents, lambda document: inside(document, offset), slots)


def use_at(source: Source, offset: int, slots: Slots | None = None) -> tuple[Flow, PluginUse, Node] | None:
    """The plugin use whose ``type`` or ``version`` (key or value) holds ``offset``, and that node."""
    for flow in flows_at(source, offset, slots):
        for use in flow.uses:
            type_entry = get(use.node, "type")
            if inside(use.type_node, offset) or (type_entry is not None and inside(type_entry[0], offset)):
                return flow, use, use.type_node
            if use.version_node is not None and (
                inside(use.version_node, offset) or (use.version_key is not None and inside(use.version_key, offset))
            ):
                return flow, use, use.version_node
    return None


def innermost_use(flow: Flow, offset: int) -> PluginUse | None:
    """The plugin use of ``flow`` whose mapping holds ``offset`` and starts last (a nested plugin before
    the one that holds it)."""
    holding = [use for use in flow.uses if inside(use.node, offset)]
    return max(holding, key=lambda use: use.node.start_mark.index, default=None)


def inside(node: Node, offset: int) -> bool:
    """Whether ``offset`` lies within ``node`` (its end included)."""
    return bool(node.start_mark.index <= offset <= node.end_mark.index)
