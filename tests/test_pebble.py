"""The Pebble reader: blocks, output references and their exact offsets in the string read."""

from __future__ import annotations

import pytest

from flowlint.pebble import OutputRef, expressions, output_refs


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
def test_is_defined_not_null_empty_and_default_guard_a_reference(text: str) -> None:
    assert only_ref(text).guarded


@pytest.mark.parametrize(
    "text",
    ["{{ outputs.q.rows }}", "{{ outputs.q.rows | length }}", "{{ outputs.q.rows is iterable }}"],
)
def test_plain_reads_length_and_is_iterable_do_not_guard_a_reference(text: str) -> None:
    assert not only_ref(text).guarded


def test_hyphenated_dotted_id_is_a_subtraction() -> None:
    text = "{{ outputs.my-task-2.value }}"
    ref = only_ref(text)
    assert ref.task_id == "my"
    assert ref.dashed == "my-task-2"
    assert text[ref.segments[0].start : ref.dashed_end] == "my-task-2"
    assert only_ref("{{ outputs.a - b }}").dashed is None
    assert only_ref("{{ outputs['my-task'].value }}").dashed is None
