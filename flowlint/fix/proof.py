"""The proof a fixed text must pass before it is written: composed again by the parser ``check`` uses,
its node trees are the original ones with exactly the intended changes (a scalar value or key replaced,
or a ``version`` key added to a plugin) and nothing else: the same tags, values, structure and aliases.

One iterative walk visits each node once, so deep nesting or an alias bomb costs what its text does.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Edit
from flowlint.edits import NODE_PROPERTIES, pin_offset
from flowlint.flow import flows_of
from flowlint.limits import MAX_COLLECTION_ALIASES
from flowlint.nodes import get, tag_of
from flowlint.source import Source, parse


class FixRefused(Exception):
    """A fix whose result is not the original document plus the edits: nothing is written."""


class _Scalar(NamedTuple):
    """What a scalar reads as: its resolved tag and its text."""

    tag: str | None
    value: str


def _scalar(node: ScalarNode) -> _Scalar:
    return _Scalar(tag_of(node), node.value)


def verify(original: Source, fixed_text: str, edits: Sequence[Edit]) -> Source:
    """``fixed_text`` composed, when its node trees are those of ``original`` with exactly the intended
    change of each edit: a replaced scalar reads as the replacement does alone, an inserted pair adds that
    key to the plugin mapping it was inserted into, and nothing else differs (tags, values, structure, and
    which nodes are aliases of which); raises FixRefused otherwise.

    Both texts are composed by the parser ``check`` uses, with its limits, and the trees are walked
    together with an explicit stack, each node once: an alias is only checked to stand for the node that
    pairs with its anchor, so deep nesting or an alias bomb costs what its text does."""
    fixed = parse(original.path, fixed_text)
    if fixed.error is not None:
        raise FixRefused(f"the fixed text does not parse: {fixed.error.message} (line {fixed.error.span.line})")
    if len(fixed.documents) != len(original.documents):
        raise FixRefused("the fixed text holds another number of YAML documents")
    _Proof(original, edits).walk(fixed.documents)
    return fixed


class _Proof:
    """The edits of one pass by place, and the walk that checks the fixed trees against them."""

    def __init__(self, original: Source, edits: Sequence[Edit]) -> None:
        self.original = original
        self.replaced: dict[tuple[int, int], tuple[Edit, _Scalar]] = {}
        self.inserted: dict[int, tuple[Edit, _Scalar, _Scalar]] = {}
        for edit in edits:
            start, end = edit.span.start_offset, edit.span.end_offset
            if start < end:
                self.replaced[start, end] = (edit, _replacement(edit))
            else:
                self.inserted[start] = (edit, *_inserted_pair(edit))
        self.done: set[tuple[int, int]] = set()
        """The (start, end) of the edits found in place."""
        ordered = sorted(edits, key=lambda e: (e.span.start_offset, e.span.end_offset))
        self.starts = [edit.span.start_offset for edit in ordered]
        self.shifts = [0]
        """How far the edits before each one (by start) moved the text after them."""
        for edit in ordered:
            replaced = edit.span.end_offset - edit.span.start_offset
            self.shifts.append(self.shifts[-1] + len(edit.replacement) - replaced)
        self.pairs: dict[int, Node] = {}
        """id(original node) -> the fixed node it became."""
        self.sources: dict[int, Node] = {}
        """id(fixed node) -> the original node it comes from."""

    def walk(self, fixed: Sequence[Node]) -> None:
        """Compare the original documents with ``fixed``; every edit must have been found in place."""
        stack: list[tuple[Node, Node]] = list(zip(reversed(self.original.documents), reversed(fixed), strict=True))
        while stack:
            a, b = stack.pop()
            if isinstance(a, ScalarNode):
                self._found(a)
            known = self.pairs.get(id(a))
            if known is not None:
                if known is not b:
                    raise _differs(b, "an alias names another node")
                continue
            if self.sources.setdefault(id(b), a) is not a:
                raise _differs(a, "two nodes became one")
            self.pairs[id(a)] = b
            stack.extend(self._children(a, b))
        for place, (edit, _) in self.replaced.items():
            if place not in self.done:
                raise FixRefused(f"the edit at line {edit.span.line} does not replace one value")
        for at, (edit, _, _) in self.inserted.items():
            if (at, at) not in self.done:
                raise FixRefused(f"the insertion at line {edit.span.line} is not in a plugin")

    def _replacement_of(self, node: ScalarNode) -> tuple[Edit, _Scalar] | None:
        """The edit that replaces ``node`` (its whole span, or its value after its anchor or tag)."""
        start, end = node.start_mark.index, node.end_mark.index
        found = self.replaced.get((start, end))
        text = self.original.text
        if found is None and text[start : start + 1] in ("&", "!"):
            properties = NODE_PROPERTIES.match(text, start, end)
            if properties is not None:
                found = self.replaced.get((properties.end(), end))
        return found

    def _found(self, node: ScalarNode) -> None:
        found = self._replacement_of(node)
        if found is not None:
            self.done.add((found[0].span.start_offset, found[0].span.end_offset))

    def _children(self, a: Node, b: Node) -> list[tuple[Node, Node]]:
        """The pairs of nodes under ``a`` and ``b``, once ``a`` and ``b`` themselves are the same (but for
        the edits)."""
        if isinstance(a, ScalarNode) and isinstance(b, ScalarNode):
            replaced = self._replacement_of(a)
            expected = replaced[1] if replaced is not None else _scalar(a)
            if _scalar(b) != expected:
                raise _differs(a, "another value")
            return []
        if type(a) is not type(b) or tag_of(a) != tag_of(b):
            raise _differs(a, "another kind of node or tag")
        if isinstance(a, SequenceNode):
            if len(a.value) != len(b.value):
                raise _differs(a, "another number of items")
            return list(zip(reversed(a.value), reversed(b.value), strict=True))
        assert isinstance(a, MappingNode)
        b_pairs = self._without_insertion(a, b.value) if self.inserted else list(b.value)
        if len(a.value) != len(b_pairs):
            raise _differs(a, "another number of keys")
        children: list[tuple[Node, Node]] = []
        for (key_a, value_a), (key_b, value_b) in zip(reversed(a.value), reversed(b_pairs), strict=True):
            children += [(value_a, value_b), (key_a, key_b)]
        return children

    def _without_insertion(self, a: MappingNode, pairs: list[tuple[Node, Node]]) -> list[tuple[Node, Node]]:
        """The pairs of the fixed mapping but the one inserted into ``a``, when an insertion is there."""
        at = pin_offset(self.original.text, a) if get(a, "type") is not None else None
        found = self.inserted.get(at) if at is not None else None
        if at is None or found is None:
            return list(pairs)
        edit, key, value = found
        if any(isinstance(k, ScalarNode) and _scalar(k) == key for k, _ in a.value):
            raise FixRefused(f"the insertion at line {edit.span.line} would replace a key")
        replacement = edit.replacement
        key_at = self._moved(at) + len(replacement) - len(replacement.lstrip(" \t,\r\n\x85\u2028\u2029"))
        for index, (key_b, value_b) in enumerate(pairs):
            if key_b.start_mark.index == key_at:
                if not isinstance(key_b, ScalarNode) or not isinstance(value_b, ScalarNode):
                    break
                if (_scalar(key_b), _scalar(value_b)) != (key, value):
                    break
                self.done.add((at, at))
                return pairs[:index] + pairs[index + 1 :]
        raise FixRefused(f"the insertion at line {edit.span.line} does not read as the key it inserts")

    def _moved(self, offset: int) -> int:
        """Where the original character ``offset`` is in the fixed text (after the edits that start before it)."""
        return offset + self.shifts[bisect.bisect_left(self.starts, offset)]


def _differs(node: Node, what: str) -> FixRefused:
    """The refusal of a fixed text that differs at ``node`` (of either text; no value shown: it may be secret)."""
    where = f"line {node.start_mark.line + 1}: {what}"
    return FixRefused(f"the fixed text reads as other data than the original plus the edits ({where})")


def _replacement(edit: Edit) -> _Scalar:
    """What the replacement text of ``edit`` reads as alone: one scalar, or FixRefused."""
    alone = parse("replacement", edit.replacement)
    if alone.error is not None:
        raise FixRefused(f"the replacement text does not parse: {alone.error.message}")
    if len(alone.documents) != 1 or not isinstance(alone.documents[0], ScalarNode):
        raise FixRefused(f"the replacement at line {edit.span.line} is not one scalar")
    return _scalar(alone.documents[0])


def _inserted_pair(edit: Edit) -> tuple[_Scalar, _Scalar]:
    """The key and value the inserted text of ``edit`` reads as alone (one pair of scalars), or FixRefused."""
    alone = parse("insertion", edit.replacement.strip().strip(",").strip())
    if alone.error is not None:
        raise FixRefused(f"the inserted text does not parse: {alone.error.message}")
    documents = alone.documents
    if len(documents) == 1 and isinstance(documents[0], MappingNode) and len(documents[0].value) == 1:
        key, value = documents[0].value[0]
        if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
            return _scalar(key), _scalar(value)
    raise FixRefused(f"the insertion at line {edit.span.line} is not one key")


def not_accepted(source: Source) -> tuple[int, str] | None:
    """The line and reason of the FL001 that Kestra's parser gives ``source`` (None when it reads it): a
    syntax error, too deep a nesting, or too many aliases to collections in a flow."""
    if source.error is not None:
        return source.error.span.line, source.error.message
    for flow in flows_of(source.documents):
        overflow = flow.alias_overflow
        if overflow is not None:
            return overflow.start_mark.line + 1, f"more than {MAX_COLLECTION_ALIASES} aliases to collections"
    return None
