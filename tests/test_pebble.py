"""The Pebble reader: blocks, output references and their exact offsets, and the way back from a YAML
scalar's value to the columns of the file."""

from __future__ import annotations

import pytest
from ruamel.yaml.nodes import MappingNode, ScalarNode

from flowlint.pebble import Locator, OutputRef, expressions, output_refs, scalar_text
from flowlint.source import parse


def refs(text: str) -> list[tuple[str | None, ...]]:
    """Each reference as (task id, accessor names...)."""
    return [tuple(segment.name for segment in ref.segments) for ref in output_refs(text)]


def only_ref(text: str) -> OutputRef:
    found = output_refs(text)
    assert len(found) == 1, found
    return found[0]


# --- blocks ----------------------------------------------------------------------------------------


def test_print_and_tag_blocks_with_their_bodies() -> None:
    text = "a {{ x }} b {% if y %}c{% endif %}"
    found = expressions(text)
    assert [(e.kind, text[e.start : e.end], text[e.body_start : e.body_end]) for e in found] == [
        ("print", "{{ x }}", " x "),
        ("tag", "{% if y %}", " if y "),
        ("tag", "{% endif %}", " endif "),
    ]


def test_comments_are_skipped() -> None:
    assert refs("{# {{ outputs.a.uri }} #}{{ outputs.b.uri }}") == [("b", "uri")]


@pytest.mark.parametrize("tag", ["raw", "verbatim"])
def test_raw_and_verbatim_sections_are_text(tag: str) -> None:
    text = f"{{% {tag} %}}{{{{ outputs.a.uri }}}}{{% end{tag} %}} {{{{ outputs.b.uri }}}}"
    assert refs(text) == [("b", "uri")]


def test_a_closing_delimiter_inside_a_string_does_not_close() -> None:
    assert refs("{{ '}}' ~ outputs.a.uri }}") == [("a", "uri")]


def test_an_unclosed_block_runs_to_the_end() -> None:
    assert refs("{{ outputs.a.uri") == [("a", "uri")]


def test_whitespace_control_markers() -> None:
    assert refs("{{- outputs.a.uri -}}{%- if outputs.b.rows -%}{%- endif -%}") == [("a", "uri"), ("b", "rows")]


def test_text_outside_blocks_is_not_read() -> None:
    assert refs("outputs.a.uri and ${outputs.b} {{ 1 }}") == []


# --- references ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ outputs.task.value }}", [("task", "value")]),
        ("{{ outputs['task-id'].uri }}", [("task-id", "uri")]),
        ('{{ outputs["x"] }}', [("x",)]),
        ("{{ outputs.task.values.k }}", [("task", "values", "k")]),
        ("{{ outputs.x['uri'] }}", [("x", "uri")]),
        ("{{ outputs.q.rows[0].name }}", [("q", "rows", "0", "name")]),
        ("{{ outputs . q . rows }}", [("q", "rows")]),
        ("{{ outputs }}", [()]),
        ("{{ outputs | keys }}", [()]),
    ],
)
def test_reference_forms(text: str, expected: list[tuple[str | None, ...]]) -> None:
    assert refs(text) == expected


@pytest.mark.parametrize("digit", ["\u00b2", "\u0663", "\uff11"])  # superscript two, Arabic-Indic three, fullwidth one
def test_a_digit_that_is_not_ascii_is_an_operator_not_a_crash(digit: str) -> None:
    # str.isdigit() holds for these but no number pattern reads them: the lexer used to assert
    assert refs(f"{{{{ outputs.q.rows {digit} outputs.r.uri }}}}") == [("q", "rows"), ("r", "uri")]


def test_computed_subscripts_have_no_name() -> None:
    assert refs("{{ outputs.x[taskrun.value].value }}") == [("x", None, "value")]
    assert refs("{{ outputs[taskrun.value].uri }}") == [(None, "uri")]
    nested = "{{ outputs['1-1'][parents[1].taskrun.value][parents[0].taskrun.value][taskrun.value].value }}"
    assert refs(nested) == [("1-1", None, None, None, "value")]


@pytest.mark.parametrize(
    "text",
    [
        "{{ trigger.outputs.x.uri }}",
        "{{ execution.outputs.x }}",
        "{{ parents[0].outputs.x }}",
        "{{ parent.outputs.x.script }}",
        "{{ outputs_of.x }}",
        "{{ my_outputs.x }}",
        "{{ 'outputs.x.uri' }}",
        '{{ "see outputs.x" }}',
    ],
)
def test_not_a_reference_to_this_flows_tasks(text: str) -> None:
    assert refs(text) == []


def test_several_references_in_one_expression_and_in_tags() -> None:
    text = "{% for row in outputs.q.rows %}{{ row.id }} {{ outputs.a.uri ~ outputs['b'].uri }}{% endfor %}"
    assert refs(text) == [("q", "rows"), ("a", "uri"), ("b", "uri")]


def test_reference_inside_a_function_call_stops_at_the_parenthesis() -> None:
    assert refs("{{ currentEachOutput(outputs['2-1_output']).value }}") == [("2-1_output",)]
    assert refs("{{ read(outputs.dl.uri) }}") == [("dl", "uri")]


def test_offsets_point_at_the_names() -> None:
    text = "x {{ outputs.task.uri }} {{ outputs['my-task'][\"rows\"] }}"
    first, second = output_refs(text)
    assert [text[s.start : s.end] for s in first.segments] == ["task", "uri"]
    assert text[first.start : first.end] == "outputs.task.uri"
    assert [text[s.start : s.end] for s in second.segments] == ["my-task", "rows"]
    assert text[second.start : second.end] == "outputs['my-task'][\"rows\"]"
    computed = only_ref("{{ outputs.x[taskrun.value].uri }}")
    assert computed.segments[1].name is None


@pytest.mark.parametrize(
    "text",
    [
        "{{ outputs.q.rows ?? [] }}",
        "{{ [] ?? outputs.q.rows }}",
        "{% if outputs.q.rows is defined %}{% endif %}",
        "{% if outputs.q.rows is not null %}{% endif %}",
        "{% if outputs.q.rows is empty %}{% endif %}",
        "{{ outputs.q.rows | default([]) }}",
    ],
)
def test_guards(text: str) -> None:
    assert only_ref(text).guarded


@pytest.mark.parametrize(
    "text",
    ["{{ outputs.q.rows }}", "{{ outputs.q.rows | length }}", "{{ outputs.q.rows is iterable }}"],
)
def test_not_guards(text: str) -> None:
    assert not only_ref(text).guarded


def test_hyphenated_dotted_id_is_a_subtraction() -> None:
    text = "{{ outputs.my-task-2.value }}"
    ref = only_ref(text)
    assert ref.task_id == "my"
    assert ref.dashed == "my-task-2"
    assert text[ref.segments[0].start : ref.dashed_end] == "my-task-2"
    assert only_ref("{{ outputs.a - b }}").dashed is None
    assert only_ref("{{ outputs['my-task'].value }}").dashed is None


# --- YAML scalars back to the file -----------------------------------------------------------------


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
