"""YAML data files as plain Python data: composed by the flows' parser (libyaml, depth checked before it
recurses, flowlint.source) and built here without recursion, as ruamel's safe loader builds them, within
Kestra's limits (flowlint.limits). Whatever breaks a limit or is not data is a UsageError naming the file
with the line and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.errors import UsageError
from flowlint.limits import MAX_COLLECTION_ALIASES, NESTED, NumberTooLong, bounded
from flowlint.source import compose, too_deep

if TYPE_CHECKING:
    from flowlint.diagnostics import Span

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_MERGE = _TAG + "merge"
_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False, "y": True, "n": False}
"""What ``!!bool`` accepts (ruamel's safe loader's table: YAML 1.1 words too)."""


def parse_yaml(text: str, name: str) -> Any:
    """YAML ``text`` of the file ``name`` as plain Python data: one document, within Kestra's limits."""
    span = too_deep(text)
    if span is not None:
        raise _at(name, span, NESTED)
    documents, error = compose(text)
    if error is not None:
        raise _at(name, error.span, f"invalid YAML: {error.message}")
    if len(documents) > 1:
        raise _node_error(name, documents[1], "a second YAML document: a data file holds one")
    return _Builder(name).build(documents[0]) if documents else None


def _at(name: str, span: Span, reason: str) -> UsageError:
    return UsageError(f"{name}:{span.line}:{span.column}: {reason}")


def _node_error(name: str, node: Node, reason: str) -> UsageError:
    mark = node.start_mark
    return UsageError(f"{name}:{mark.line + 1}:{mark.column + 1}: {reason}")


class _Builder:
    """Composed YAML nodes to plain data, as ruamel's safe loader builds it, without recursing.

    Collections are built after their children (an explicit stack); an alias shares the data of its
    anchor, and more than ``MAX_COLLECTION_ALIASES`` aliases to collections (a YAML bomb) or an alias
    inside its own anchor is an error. Timestamps stay text; tags beyond YAML's core schema are errors.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.built: dict[int, Any] = {}
        """id(collection node) -> its data, once built."""

    def build(self, root: Node) -> Any:
        """The data of the document ``root``."""
        if isinstance(root, ScalarNode):
            return self.scalar(root)
        opened: set[int] = set()
        aliases = 0
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, children_built = stack.pop()
            if children_built:
                self.built[id(node)] = self.mapping(node) if isinstance(node, MappingNode) else self.sequence(node)
                continue
            if id(node) in self.built:
                aliases += 1
                if aliases > MAX_COLLECTION_ALIASES:
                    reason = f"more than {MAX_COLLECTION_ALIASES} aliases to collections (a YAML bomb?)"
                    raise _node_error(self.name, node, reason)
                continue
            if id(node) in opened:
                raise _node_error(self.name, node, "an alias inside the collection it names (a recursive structure)")
            opened.add(id(node))
            stack.append((node, True))
            children = [v for pair in node.value for v in pair] if isinstance(node, MappingNode) else node.value
            stack.extend((child, False) for child in reversed(children) if not isinstance(child, ScalarNode))
        return self.built[id(root)]

    def value(self, node: Node) -> Any:
        return self.scalar(node) if isinstance(node, ScalarNode) else self.built[id(node)]

    def sequence(self, node: Node) -> list[Any]:
        self.check_tag(node, "seq")
        return [self.value(item) for item in node.value]

    def mapping(self, node: MappingNode) -> dict[Any, Any]:
        self.check_tag(node, "map")
        merged: dict[Any, Any] = {}
        own: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _node_error(self.name, key_node, "a list or mapping as a mapping key")
            if key_node.tag == _MERGE:
                for key, value in self.merge_sources(value_node):
                    merged.setdefault(key, value)
                continue
            key = self.scalar(key_node)
            if key in own:
                raise _node_error(self.name, key_node, f"duplicate key {key!r} (first at line {lines[key]})")
            own[key] = self.value(value_node)
            lines[key] = key_node.start_mark.line + 1
        return {**merged, **own} if merged else own

    def merge_sources(self, node: Node) -> Iterator[tuple[Any, Any]]:
        """The pairs ``<<: value`` brings in: a mapping's, or those of a list of mappings (first wins)."""
        for source in node.value if isinstance(node, SequenceNode) else [node]:
            if not isinstance(source, MappingNode):
                raise _node_error(self.name, source, "`<<` merges a mapping or a list of mappings")
            yield from self.built[id(source)].items()

    def check_tag(self, node: Node, kind: str) -> None:
        tag = node.tag
        if tag is not None and tag != _TAG + kind:
            shape = "a mapping" if kind == "map" else "a list"
            raise _node_error(self.name, node, f"unsupported tag {_short(tag)} on {shape}")

    def scalar(self, node: ScalarNode) -> Any:
        """The value of a scalar by its (resolved or explicit) tag."""
        tag = node.tag or ""
        text: str = node.value
        if tag == _STR:
            return text
        if not tag.startswith(_TAG):
            if tag in ("", "!"):
                return text
            raise _node_error(self.name, node, f"unsupported tag {tag}")
        kind = tag[len(_TAG) :]
        if kind in ("timestamp", "value", "merge"):
            return text
        if kind == "null":
            return None
        if kind == "bool":
            if text.lower() not in _BOOLEANS:
                raise _node_error(self.name, node, f"{text!r} is not a boolean (tagged !!bool)")
            return _BOOLEANS[text.lower()]
        if kind in ("int", "float"):
            return self.number(node, kind)
        raise _node_error(self.name, node, f"unsupported tag {_short(tag)}")

    def number(self, node: ScalarNode, kind: str) -> int | float:
        text: str = node.value
        try:
            written = bounded(text.replace("_", ""))
        except NumberTooLong as error:
            raise _node_error(self.name, node, str(error)) from None
        try:
            return _yaml_int(written) if kind == "int" else _yaml_float(written)
        except ValueError:
            what = "an integer" if kind == "int" else "a number"
            raise _node_error(self.name, node, f"{text!r} is not {what} (tagged !!{kind})") from None


def _yaml_int(written: str) -> int:
    """A YAML 1.2 integer: decimal, or ``0b``/``0o``/``0x`` with a sign before the prefix."""
    sign = -1 if written.startswith("-") else 1
    digits = written[1:] if written[:1] in ("-", "+") else written
    base = {"0b": 2, "0o": 8, "0x": 16}.get(digits[:2].lower(), 10)
    return sign * int(digits if base == 10 else digits[2:], base)


def _yaml_float(written: str) -> float:
    """A YAML 1.2 float, ``.inf`` and ``.nan`` included."""
    lowered = written.lower()
    if lowered.lstrip("+-") in (".inf", ".nan"):
        return float(lowered.replace(".", ""))
    return float(written)


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
