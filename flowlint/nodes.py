"""What flowlint asks of a composed YAML node (flowlint.source): its span, its resolved tag, a mapping's
value for a key, a human name for its type, and the string Kestra makes of a scalar."""

from __future__ import annotations

import math
import re
from typing import TypeGuard

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Span
from flowlint.source import RESOLVED_STR, split_lines
from flowlint.versions import java_number_text

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"


def span_of(node: Node) -> Span:
    """The span from a node's start mark to its end mark."""
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1, start.index, end.index)


_PROPERTIES = re.compile(r"(?:[&!][^\s]*\s+)+")
"""Anchors (``&a``) and tags (``!!str``) before a node's value, with the space after them."""


def value_span(node: Node, text: str) -> Span:
    """The span of a node's value alone, without the anchor or tag that may precede it."""
    span = span_of(node)
    start, end = node.start_mark.index, node.end_mark.index
    match = _PROPERTIES.match(text, start, end)
    if match is None:
        return span
    skipped = text[start : match.end()]
    lines = split_lines(skipped)
    line = span.line + len(lines) - 1
    column = (span.column + len(skipped)) if len(lines) == 1 else len(lines[-1]) + 1
    return Span(line, column, span.end_line, span.end_column, match.end(), span.end_offset)


def tag_of(node: Node) -> str | None:
    """The resolved tag of ``node`` (what ``tag_of(node)`` gives, without a new string each time)."""
    tag = node.ctag
    return None if tag is None else tag.trval


def is_str(node: Node | None) -> TypeGuard[ScalarNode]:
    """Whether ``node`` is a scalar YAML reads as a string."""
    return isinstance(node, ScalarNode) and (node.ctag is RESOLVED_STR or tag_of(node) == STR_TAG)


def is_null(node: Node | None) -> bool:
    """Whether ``node`` is a YAML null (``~``, ``null`` or nothing)."""
    return isinstance(node, ScalarNode) and tag_of(node) == NULL_TAG


def get(node: Node | None, key: str) -> tuple[ScalarNode, Node] | None:
    """The last (key node, value node) of ``key`` in a mapping, None when absent or not a mapping."""
    if not isinstance(node, MappingNode):
        return None
    found: tuple[ScalarNode, Node] | None = None
    for key_node, value_node in node.value:
        if key_node.value == key and isinstance(key_node, ScalarNode):  # a collection's value is a list
            found = (key_node, value_node)
    return found


def kind_name(node: Node | None) -> str:
    """A human name for the YAML type of ``node`` ("a list", "a string", "null", ...)."""
    if node is None:
        return "nothing"
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return {
        STR_TAG: "a string",
        INT_TAG: "an integer",
        FLOAT_TAG: "a number",
        BOOL_TAG: "a boolean",
        NULL_TAG: "null",
    }.get(tag_of(node) or "", "a scalar")


def kestra_text(node: Node | None) -> str | None:
    """A scalar as the string Kestra's Jackson makes of it (numbers and booleans coerced); None for
    null and collections."""
    if not isinstance(node, ScalarNode):
        return None
    if node.ctag is RESOLVED_STR:
        return str(node.value)
    tag = tag_of(node)
    if tag == NULL_TAG:
        return None
    if tag == BOOL_TAG:
        return "true" if node.value.lower() in ("true", "yes", "on") else "false"
    if tag is not None and tag in (INT_TAG, FLOAT_TAG):
        return _number_text(node.value, tag)
    return str(node.value)


def _number_text(written: str, tag: str) -> str:
    lowered = written.replace("_", "").lower()
    try:
        if tag == INT_TAG:
            sign = -1 if lowered.startswith("-") else 1
            digits = lowered.lstrip("+-")
            base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2], 10)
            return java_number_text(sign * int(digits[2:] if base != 10 else digits, base))
        if lowered.lstrip("+-") == ".inf":
            return java_number_text(-math.inf if lowered.startswith("-") else math.inf)
        if lowered == ".nan":
            return java_number_text(math.nan)
        return java_number_text(float(lowered))
    except ValueError:
        return written
