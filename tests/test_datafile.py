"""flowlint.datafile: every data file (manifest, config, pyproject.toml, application.yml, saved API answer) is
read with the limits flows have: collections nested at most 1000 levels, at most 50 aliases to collections,
numbers of at most 1000 characters. Beyond them, and for values an explicit tag cannot read, a UsageError
names the file and the line and column where they are known (issue 12).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flowlint.datafile import parse_data, parse_json, validate
from flowlint.errors import UsageError

NESTED = "collections nested deeper than 1000 levels"
BOMB = "more than 50 aliases to collections (a YAML bomb?)"


def read(name: str, text: str) -> Any:
    return parse_data(text.encode(), Path(name), "config")


def refusal(name: str, text: str) -> str:
    with pytest.raises(UsageError) as caught:
        read(name, text)
    return str(caught.value)


def aliases(count: int) -> str:
    """A YAML mapping whose ``b`` holds ``count`` aliases to the list anchored at line 1, column 4, and whose
    ``c`` holds 500 aliases to a scalar (they do not count)."""
    return "a: &a [1, 2]\nb: [" + ", ".join(["*a"] * count) + "]\ns: &s x\nc: [" + ", ".join(["*s"] * 500) + "]\n"


def test_fifty_aliases_to_a_collection_share_its_data_and_the_fifty_first_is_refused() -> None:
    data = read("c.yaml", aliases(50))
    assert data["b"] == [[1, 2]] * 50 and all(item is data["a"] for item in data["b"])
    assert data["c"] == ["x"] * 500
    assert refusal("c.yaml", aliases(51)) == f"config c.yaml:1:4: {BOMB}"


def test_an_alias_inside_the_collection_it_names_is_refused() -> None:
    assert refusal("c.yaml", "x: 1\nloop: &l {again: *l}\n") == (
        "config c.yaml:2:7: an alias inside the collection it names (a recursive structure)"
    )


def depth(value: Any) -> int:
    """How many lists are nested in ``value``, each the only item of the one around it (no recursion)."""
    levels = 0
    while isinstance(value, list):
        levels += 1
        value = value[0] if value else None
    return levels


@pytest.mark.parametrize(
    ("name", "template", "column"),
    [
        pytest.param("c.yaml", "select: {}\n", 1008, id="yaml"),
        pytest.param("c.json", '{{"select": {}}}', 1011, id="json"),
    ],
)
def test_a_thousand_levels_are_read_and_one_more_is_refused_at_its_bracket(
    name: str, template: str, column: int
) -> None:
    assert depth(read(name, template.format("[" * 999 + "]" * 999))["select"]) == 999
    assert refusal(name, template.format("[" * 1000 + "]" * 1000)) == f"config {name}:1:{column}: {NESTED}"


def test_brackets_in_json_strings_neither_nest_nor_hide_nesting() -> None:
    assert read("c.json", '{"a": "' + "[" * 5000 + '\\" [", "b": ["]]]"]}') == {"a": "[" * 5000 + '" [', "b": ["]]]"]}
    hiding = '{"x": ' + '["]", ' * 1000 + "1" + "]" * 1000 + "}"
    assert refusal("c.json", hiding) == f"config c.json:1:{6 + 999 * 6 + 1}: {NESTED}"


@pytest.mark.parametrize(
    ("template", "read_at_the_limit", "refused_past_it", "message"),
    [
        pytest.param("x = {}\n", lambda n: "[" * (n - 1) + "]" * (n - 1), None, NESTED, id="arrays"),
        pytest.param("x = {}\n", lambda n: "{a = " * (n - 1) + "1" + "}" * (n - 1), None, NESTED, id="inline-tables"),
        pytest.param("{} = 1\n", lambda n: "a" + ".a" * (n - 1), None, NESTED, id="dotted-keys"),
        pytest.param("x = {}\n", lambda n: "9" * n, None, "a number of more than 1000 characters", id="integer-digits"),
        pytest.param(
            "x = {}\n", lambda n: "9" * n, "9" * 5000, "a number of more than 1000 characters", id="5000-digits"
        ),
        pytest.param(
            "x = {}\n", lambda n: "1." + "9" * (n - 2), None, "a number of 1001 characters (at most 1000)", id="float"
        ),
    ],
)
def test_toml_has_the_same_limits(
    template: str, read_at_the_limit: Callable[[int], str], refused_past_it: str | None, message: str
) -> None:
    assert read("pyproject.toml", template.format(read_at_the_limit(1000)))
    past = template.format(refused_past_it or read_at_the_limit(1001))
    assert refusal("pyproject.toml", past) == f"config pyproject.toml: {message}"


@pytest.mark.parametrize(
    ("name", "template", "number", "where"),
    [
        pytest.param("c.yaml", "a: 1\nb: {}\n", lambda n: "9" * n, "2:4", id="yaml-int"),
        pytest.param("c.yaml", "a: {}\n", lambda n: "-0x" + "f" * (n - 3), "1:4", id="yaml-hex"),
        pytest.param("c.yaml", "a: {}\n", lambda n: "1." + "5" * (n - 2), "1:4", id="yaml-float"),
        pytest.param("c.json", '{{"a": 1,\n "b": {}}}', lambda n: "9" * n, "2:7", id="json-int"),
        pytest.param("c.json", '{{"a": {}}}', lambda n: "-1.5e" + "0" * (n - 5), "1:7", id="json-float"),
    ],
)
def test_a_number_longer_than_1000_characters_is_refused_where_it_is(
    name: str, template: str, number: Callable[[int], str], where: str
) -> None:
    assert read(name, template.format(number(1000)))
    assert refusal(name, template.format(number(1001))) == (
        f"config {name}:{where}: a number of 1001 characters (at most 1000)"
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        pytest.param("!!int 1.5", "'1.5' is not an integer (tagged !!int)", id="int"),
        pytest.param("!!int 1:20", "'1:20' is not an integer (tagged !!int)", id="sexagesimal"),
        pytest.param("!!float abc", "'abc' is not a number (tagged !!float)", id="float"),
        pytest.param("!!bool maybe", "'maybe' is not a boolean (tagged !!bool)", id="bool"),
        pytest.param("!!set {a}", "unsupported tag !!set on a mapping", id="set"),
        pytest.param("!!map [1]", "unsupported tag !!map on a list", id="map-on-a-list"),
        pytest.param("!custom x", "unsupported tag !custom", id="local-tag"),
    ],
)
def test_a_value_its_explicit_tag_cannot_read_is_refused_at_the_tag(value: str, reason: str) -> None:
    assert refusal("c.yaml", f"ok: 1\nvalue: {value}\n") == f"config c.yaml:2:8: {reason}"


def test_explicit_tags_that_read_their_value_give_plain_data() -> None:
    text = "a: !!str 12\nb: !!int '0x1F'\nc: !!float 1\nd: !!bool yes\ne: !!null ''\nf: !!timestamp 2001-13-45\n"
    assert read("c.yaml", text) == {"a": "12", "b": 31, "c": 1.0, "d": True, "e": None, "f": "2001-13-45"}


def test_timestamps_and_a_plain_equals_sign_stay_text() -> None:
    text = "generatedAt: 2024-05-01T10:00:00Z\nday: 2024-05-01\nsign: =\n"
    assert read("c.yaml", text) == {"generatedAt": "2024-05-01T10:00:00Z", "day": "2024-05-01", "sign": "="}


def test_merge_keys_merge_and_a_duplicate_key_is_refused_naming_the_first() -> None:
    text = "base: &b {x: 1, y: 2}\nother: &o {y: 9, z: 3}\nc:\n  <<: [*b, *o]\n  y: 3\n"
    assert read("c.yaml", text)["c"] == {"x": 1, "y": 3, "z": 3}
    assert refusal("c.yaml", "select: [a]\nignore: []\nselect: [b]\n") == (
        "config c.yaml:3:1: duplicate key 'select' (first at line 1)"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("a: 1\n---\nb: 2\n", "3:1: a second YAML document: a data file holds one", id="two-documents"),
        pytest.param("? [a]\n: 1\n", "1:3: a list or mapping as a mapping key", id="list-as-key"),
        pytest.param("<<: 3\n", "1:5: `<<` merges a mapping or a list of mappings", id="merge-a-number"),
    ],
)
def test_yaml_a_data_file_cannot_hold_is_refused_where_it_is(text: str, reason: str) -> None:
    assert refusal("c.yaml", text) == f"config c.yaml:{reason}"


def test_a_saved_answer_is_read_as_json_whatever_its_name() -> None:
    deep = ("[" * 1001 + "]" * 1001).encode()
    with pytest.raises(UsageError) as caught:
        parse_json(deep, Path("answer.txt"), "")
    assert str(caught.value) == f"answer.txt:1:1001: {NESTED}"


def test_a_schema_error_about_a_value_1000_levels_deep_is_a_message_not_a_recursion_error() -> None:
    data = read("c.yaml", "select: " + "[" * 999 + "]" * 999 + "\n")
    with pytest.raises(UsageError) as caught:
        validate(data, "config", "config c.yaml")
    message = str(caught.value)
    assert message.startswith("config c.yaml: $.select[0]: [[[")
    assert message.endswith("]]] is not of type 'string'")
