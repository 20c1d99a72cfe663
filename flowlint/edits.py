"""Text edits over character ranges taken from node marks: building them (a scalar replaced, a
``version`` key inserted into a plugin) and applying them.

An edit replaces the characters ``start_offset:end_offset`` of the decoded text, so nothing outside it
moves: comments, quoting, indentation, key order, line endings and trailing whitespace all survive.
The rules build their fixes here; :mod:`flowlint.fix` selects, applies and proves them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Edit, Span
from flowlint.flow import PluginUse
from flowlint.nodes import get, is_str, span_of, tag_of
from flowlint.source import LINE_BREAK


def quoted(value: str, like: Node | None = None) -> str:
    """``value`` as a double-quoted YAML scalar (single-quoted when ``like`` was single-quoted)."""
    if isinstance(like, ScalarNode) and like.style == "'":
        return "'" + value.replace("'", "''") + "'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def styled(node: ScalarNode, text: str) -> str:
    """``text`` written in the style of the scalar ``node``: plain, or within the same quotes (for a name or a
    constant, which needs no escaping)."""
    quote = node.style if node.style in ('"', "'") else ""
    return f"{quote}{text}{quote}"


def replace_edit(node: Node, value: str) -> Edit:
    """Replace the scalar ``node`` by the string ``value``, quoted (keeping single quotes)."""
    return Edit(span_of(node), quoted(value, node))


def _line_break_after(text: str, position: int) -> tuple[int, str]:
    """Where the line holding ``position`` ends, and the break it ends with (the file's first break, else
    ``\\n``, for a last line without one)."""
    found = LINE_BREAK.search(text, position)
    if found is not None:
        return found.start(), found.group()
    first = LINE_BREAK.search(text)
    return len(text), first.group() if first is not None else "\n"


_MERGE_TAG = "tag:yaml.org,2002:merge"


def pin_offset(text: str, node: MappingNode) -> int | None:
    """Where :func:`pin_edit` inserts a key into the plugin mapping ``node`` (None: it cannot, or it would
    override a ``version`` that the mapping merges with ``<<``)."""
    if _merges_a_version(node):
        return None
    if node.flow_style:
        if not node.value:
            return None
        at = _pair_end(text, *node.value[-1])
        rest = text[at : node.end_mark.index - 1]
        if rest.lstrip().startswith(","):
            at += rest.index(",") + 1
        return at
    found = get(node, "type")
    if found is None:
        return None
    end = _pair_end(text, *found)
    last = max(found[0].end_mark.index, end - 1)
    return _line_break_after(text, last)[0]


def _merges_a_version(node: MappingNode) -> bool:
    """Whether ``node`` merges (``<<``) a mapping that has a ``version`` key, or one that merges again."""
    for key, value in node.value:
        if tag_of(key) != _MERGE_TAG:
            continue
        for merged in value.value if isinstance(value, SequenceNode) else [value]:
            if not isinstance(merged, MappingNode):
                return True
            if any(tag_of(k) == _MERGE_TAG or (is_str(k) and k.value == "version") for k, _ in merged.value):
                return True
    return False


_ALIAS_VALUE = re.compile(r"[ \t]*:[ \t]*\*[^\s,\[\]{}]+")


def _pair_end(text: str, key: Node, value: Node) -> int:
    """Where a key/value pair ends in the text: at its value, unless the value is an alias (whose marks are
    those of its anchor, elsewhere): then after the ``: *name`` that follows the key."""
    if value.start_mark.index > key.start_mark.index:
        end: int = value.end_mark.index
        return end
    alias = _ALIAS_VALUE.match(text, key.end_mark.index)
    return alias.end() if alias is not None else int(key.end_mark.index)


def pin_edit(text: str, use: PluginUse, version: str) -> Edit | None:
    """Insert ``version: "VERSION"`` into the plugin mapping of ``use``: in a block mapping on its own line
    after the ``type`` line, at the mapping's indentation, with the line's own line break; in a flow
    mapping (``{id: a, type: X}``) as a last pair before the ``}``. None when there is no safe place."""
    node = use.node
    at = pin_offset(text, node)
    if at is None or get(node, "version") is not None:
        return None
    pair = f"version: {quoted(version)}"
    if node.flow_style:
        trailing_comma = text[at - 1] == ","
        replacement = f" {pair}," if trailing_comma else f", {pair}"
        return Edit(_point(text, at, node), replacement)
    found = get(node, "type")
    assert found is not None
    _, newline = _line_break_after(text, at)
    replacement = f"{newline}{' ' * _key_column(text, found[0])}{pair}"
    return Edit(_point(text, at, found[0]), replacement)


_EXPLICIT_KEY = re.compile(r"\?[ \t]+\Z")


def _key_column(text: str, key: Node) -> int:
    """The column of the keys of the block mapping that holds ``key``: the key's own, or that of the ``?``
    before it when it is an explicit key (``? type``)."""
    column: int = key.start_mark.column
    start = key.start_mark.index
    explicit = _EXPLICIT_KEY.search(text, max(start - column, 0), start)
    return column - len(explicit.group()) if explicit is not None else column


def _point(text: str, offset: int, node: Node) -> Span:
    """An empty span at character ``offset``, at or after the start of ``node`` (counted from its mark, so
    the cost is the distance between them, not the offset)."""
    mark = node.start_mark
    breaks = [found.end() for found in LINE_BREAK.finditer(text, mark.index, offset)]
    if breaks:
        line, column = mark.line + 1 + len(breaks), offset - breaks[-1] + 1
    else:
        line, column = mark.line + 1, mark.column + 1 + offset - mark.index
    return Span(line, column, line, column, offset, offset)


NODE_PROPERTIES = re.compile(r"(?:[&!]\S*[ \t]+)+")
"""The anchor and tag a node's span starts with (``&v !!str``), with the blanks after them."""


def keep_properties(text: str, edit: Edit) -> Edit:
    """A replacement of a node whose span starts with its anchor or tag (``&v 0.20``) keeps them: the
    edit starts after them."""
    start, end = edit.span.start_offset, edit.span.end_offset
    found = NODE_PROPERTIES.match(text, start, end) if start < end and text[start] in "&!" else None
    if found is None or edit.replacement.startswith(("&", "!")):
        return edit
    moved = found.end() - start
    span = edit.span._replace(column=edit.span.column + moved, start_offset=found.end())
    return Edit(span, edit.replacement)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (an insertion before a replacement at the same place)."""
    parts: list[str] = []
    done = 0
    for edit in sorted(edits, key=lambda e: (e.span.start_offset, e.span.end_offset)):
        parts.append(text[done : edit.span.start_offset])
        parts.append(edit.replacement)
        done = edit.span.end_offset
    parts.append(text[done:])
    return "".join(parts)
