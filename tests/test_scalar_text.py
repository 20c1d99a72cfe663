"""The way back from a YAML scalar's value (as Pebble reads it) to the lines and columns of the file."""

from __future__ import annotations

from ruamel.yaml.nodes import MappingNode, ScalarNode

from flowlint.pebble import output_refs
from flowlint.scalar_text import Locator, scalar_text
from flowlint.source import parse


def refs(text: str) -> list[tuple[str | None, ...]]:
    """Each reference as (task id, accessor names...)."""
    return [tuple(segment.name for segment in ref.segments) for ref in output_refs(text)]


def _value(text: str, key: str = "k") -> tuple[str, ScalarNode]:
    source = parse("f.yml", text)
    root = source.documents[0]
    assert isinstance(root, MappingNode)
    for key_node, value in root.value:
        if key_node.value == key:
            assert isinstance(value, ScalarNode)
            return source.text, value
    raise AssertionError(key)


def _located(text: str, key: str = "k") -> list[tuple[str, int, int, int, int]]:
    """(id, line, column, end line, end column) of each task id referenced in the value of ``key``."""
    source, node = _value(text, key)
    value = scalar_text(source, node)
    locator = Locator(source)
    found = []
    for ref in output_refs(value.text):
        segment = ref.segments[0]
        start, end = value.source_range(segment.start, segment.end)
        assert source[start:end] == segment.name  # the source text really is the id
        span = locator.span(start, end)
        found.append((segment.name or "", span.line, span.column, span.end_line, span.end_column))
    return found


def test_plain_scalar() -> None:
    assert _located("a: 1\nk: x {{ outputs.t.uri }}\n") == [("t", 2, 17, 2, 18)]


def test_double_quoted_with_escapes_before_the_reference() -> None:
    text = 'k: "\\"\\u00e9\\\\ {{ outputs[\\"t\\"].uri }}"\n'
    source, node = _value(text)
    assert scalar_text(source, node).text.startswith('"é\\ {{ outputs["t"]')
    assert _located(text) == [("t", 1, 29, 1, 30)]


def test_single_quoted_with_doubled_quotes() -> None:
    text = "k: 'it''s {{ outputs[''t''].uri }} {{ outputs.u.uri }}'\n"
    assert _located(text) == [("t", 1, 24, 1, 25), ("u", 1, 47, 1, 48)]


def test_literal_block_scalar_lines_and_columns() -> None:
    text = "k: |  # {{ outputs.not_me }}\n  first\n    {{ outputs.t.uri }}\n  {% if outputs.u.rows %}\n"
    assert _located(text) == [("t", 3, 16, 3, 17), ("u", 4, 17, 4, 18)]


def test_folded_block_scalar() -> None:
    text = "k: >-\n  a\n  b {{ outputs.t.uri }}\nz: 1\n"
    assert _located(text) == [("t", 3, 16, 3, 17)]


def test_multi_line_quoted_and_plain_scalars() -> None:
    quoted = 'k: "line one\n  {{ outputs.t.uri }}\n  and {{\n    outputs.u.rows }}"\n'
    assert _located(quoted) == [("t", 2, 14, 2, 15), ("u", 4, 13, 4, 14)]
    plain = "k: first {{ x }}\n  then {{ outputs.t.uri }}\n"
    assert _located(plain) == [("t", 2, 19, 2, 20)]


def test_escaped_line_break_in_double_quotes() -> None:
    text = 'k: "{{ outputs.\\\n  t.uri }}"\n'
    source, node = _value(text)
    value = scalar_text(source, node)
    assert refs(value.text) == [("t", "uri")]
    assert _located(text) == [("t", 2, 3, 2, 4)]


def test_wide_characters_count_as_one_column() -> None:
    assert _located("k: '😀é {{ outputs.t.uri }}'\n") == [("t", 1, 19, 1, 20)]


def test_crlf_line_breaks() -> None:
    assert _located("a: 1\r\nk: |\r\n  {{ outputs.t.uri }}\r\n") == [("t", 3, 14, 3, 15)]
