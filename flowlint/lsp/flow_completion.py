"""Completion from the project index: the ids of the flows of the namespace given on a ``flowId`` value
(a Subflow or ForEachItem task, a Flow trigger's condition or precondition: any mapping with a literal
``namespace``), and the inputs the target flow declares on a key of a Subflow or ForEachItem task's
``inputs`` (those not passed yet, the ones a caller must pass first)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.flow import Slots
from flowlint.lsp.flows import ProjectFlows
from flowlint.lsp.locate import flows_at
from flowlint.lsp.positions import LineIndex
from flowlint.nodes import get, is_str
from flowlint.project.build import CALLING
from flowlint.project.entries import InputDecl
from flowlint.rules.validation_flowables import CORE_TYPES
from flowlint.source import parse

_FLOW_ID_LINE = re.compile(
    r"(?P<lead>[ \t]*(?:-[ \t]+)*)flowId[ \t]*:(?P<gap>[ \t]*)(?P<quote>[\"']?)(?P<partial>[\w.-]*)"
)
_KEY_LINE = re.compile(r"(?P<lead>[ \t]*)(?P<partial>[\w.-]*)")
_KEY_REST = re.compile(r"(?P<word>[\w.-]*)(?P<rest>[ \t]*(?::.*|#.*)?)")
_PLACEHOLDER = "flowlint-completion"
"""What stands in for the word being typed, so that the document parses and the word has a place."""

Chain = list[tuple[MappingNode, ScalarNode]]
"""The mappings from a flow's root down to a key, each with the key followed."""


def flow_completion(
    text: str, index: LineIndex, position: types.Position, flows: ProjectFlows, slots: Slots | None
) -> types.CompletionList | None:
    """Flow ids on a ``flowId`` value, the target's inputs on a key under a call's ``inputs``; None
    when the position is neither."""
    if "flowId" not in text:
        return None
    line_start, line = index.lsp_line(position.line)
    line_end = line_start + len(line)
    cursor = index.offset_at(position)
    before = text[line_start:cursor]
    found = _FLOW_ID_LINE.fullmatch(before)
    if found is not None:
        key_offset = line_start + len(found["lead"])
        patched = text[:line_start] + found["lead"] + "flowId: " + _PLACEHOLDER + text[line_end:]
        chain = _chain_to(patched, key_offset, slots)
        return _flow_ids(text, index, found, chain, flows, cursor, line_end) if chain else None
    found = _KEY_LINE.fullmatch(before)
    rest = _KEY_REST.fullmatch(text[cursor:line_end])
    if found is None or rest is None:
        return None
    key_offset = line_start + len(found["lead"])
    colon = rest["rest"].lstrip().startswith(":")
    patched = text[:key_offset] + _PLACEHOLDER + ("" if colon else ":") + rest["rest"] + text[line_end:]
    chain = _chain_to(patched, key_offset, slots)
    if len(chain) < 2:
        return None
    edit_range = index.node_range(key_offset, cursor + len(rest["word"]))
    return _input_names(chain, flows, edit_range, colon=colon)


def _chain_to(text: str, key_offset: int, slots: Slots | None) -> Chain:
    """The mappings from the root of the flow holding ``key_offset`` down to the key that starts there."""
    source = parse("completion.yml", text)
    for flow in flows_at(source, key_offset, slots):
        chain = _search(flow.root, key_offset)
        if chain is not None:
            return chain
    return []


def _search(node: Node, offset: int) -> Chain | None:
    if not node.start_mark.index <= offset <= node.end_mark.index:
        return None
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.start_mark.index == offset:
                return [(node, key)]
            below = _search(value, offset)
            if below is not None and isinstance(key, ScalarNode):
                return [(node, key), *below]
    elif isinstance(node, SequenceNode):
        for item in node.value:
            below = _search(item, offset)
            if below is not None:
                return below
    return None


def _literal(mapping: MappingNode, key: str) -> str | None:
    found = get(mapping, key)
    if found is None or not is_str(found[1]) or "{" in found[1].value:
        return None
    return str(found[1].value) or None


def _flow_ids(
    text: str,
    index: LineIndex,
    found: re.Match[str],
    chain: Chain,
    flows: ProjectFlows,
    cursor: int,
    line_end: int,
) -> types.CompletionList | None:
    """The ids of the flows of the mapping's ``namespace`` (not the flow being edited: it cannot call itself)."""
    namespace = _literal(chain[-1][0], "namespace")
    if namespace is None:
        return None
    root = chain[0][0]
    own = (_literal(root, "namespace"), _literal(root, "id"))
    project = flows.index()
    quote, partial = found["quote"], found["partial"]
    closing = "" if not quote or text[cursor:line_end].startswith(quote) else quote
    lead = "" if found["gap"] or quote else " "
    edit_range = index.node_range(cursor - len(partial), cursor)
    items = []
    for flow_id in project.flow_ids(namespace):
        if (namespace, flow_id) == own:
            continue
        entry = project.flow(namespace, flow_id)
        items.append(
            types.CompletionItem(
                label=flow_id,
                kind=types.CompletionItemKind.Module,
                detail=f"{namespace}.{flow_id}",
                documentation=entry.path if entry is not None else None,
                filter_text=flow_id,
                text_edit=types.TextEdit(edit_range, lead + flow_id + closing),
            )
        )
    return types.CompletionList(is_incomplete=False, items=items)


def _input_names(
    chain: Chain, flows: ProjectFlows, edit_range: types.Range, *, colon: bool
) -> types.CompletionList | None:
    """The inputs the called flow declares and the task does not pass yet, those it must pass first."""
    (task, inputs_key), (passed, placeholder) = chain[-2], chain[-1]
    written = get(task, "inputs")
    if inputs_key.value != "inputs" or written is None or written[1] is not passed:
        return None
    if CORE_TYPES.get(_literal(task, "type") or "") not in CALLING:
        return None
    namespace, flow_id = _literal(task, "namespace"), _literal(task, "flowId")
    target = flows.index().flow(namespace, flow_id) if namespace and flow_id else None
    if target is None or target.inputs is None:
        return None
    present = {key.value for key, _ in passed.value if is_str(key) and key is not placeholder}
    items = [_input_item(declared, edit_range, colon=colon) for declared in target.inputs if declared.id not in present]
    return types.CompletionList(is_incomplete=False, items=items)


def _input_item(declared: InputDecl, edit_range: types.Range, *, colon: bool) -> types.CompletionItem:
    flags: Sequence[str] = [declared.type or "no literal type", *(["required"] if declared.needs_value else [])]
    return types.CompletionItem(
        label=declared.id,
        kind=types.CompletionItemKind.Field,
        detail=" · ".join(flags),
        sort_text=f"{0 if declared.needs_value else 1}{declared.id}",
        filter_text=declared.id,
        text_edit=types.TextEdit(edit_range, declared.id if colon else f"{declared.id}: "),
    )
