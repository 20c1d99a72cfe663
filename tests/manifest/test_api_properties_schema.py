"""Kestra's JSON Schema constructs and the property entries they become (flowlint/manifest/api/schema.py;
the table in README, "Properties from Kestra's schemas")."""

from __future__ import annotations

import time
from typing import Any

import pytest

from flowlint.manifest.api.schema import SchemaReader
from flowlint.manifest.property_sections import ClassProps

RETRY = "io.kestra.core.models.tasks.retrys"
DEFINITIONS: dict[str, Any] = {
    "com.acme.Upload-Options": {
        "type": "object",
        "properties": {"wait": {"type": "string", "format": "duration"}, "wait.unit": {"type": "string"}},
        "required": ["wait"],
    },
    f"{RETRY}.AbstractRetry": {"anyOf": [{"$ref": f"#/definitions/{RETRY}.Constant"}]},
    f"{RETRY}.Constant": {
        "type": "object",
        "properties": {"type": {"const": "constant"}, "interval": {"type": "string", "format": "duration"}},
    },
    "com.acme.Log": {"type": "object", "properties": {"type": {"const": "com.acme.Log"}}},
    "com.acme.Echo": {"type": "object", "properties": {"type": {"const": "com.acme.Echo"}}},
    "com.acme.Mystery": {"type": "object", "properties": {"type": {"const": "com.acme.Mystery"}}},
}
KINDS = {"com.acme.Log": "task", "com.acme.Echo": "task"}
STRING_OLD = {"type": "string", "pattern": ".*{{.*}}.*"}


@pytest.mark.parametrize(
    ("node", "entry"),
    [
        ({"type": "string", "$dynamic": False}, {"kind": "string"}),
        ({"type": "string", "$dynamic": True}, {"kind": "string", "dyn": True}),
        ({"oneOf": [{"type": "integer"}, STRING_OLD], "$dynamic": True}, {"kind": "integer", "dyn": True}),
        ({"anyOf": [{"type": "number"}, {"type": "string"}], "$dynamic": True}, {"kind": "number", "dyn": True}),
        # @Schema(anyOf = {Integer.class, String.class}) on a field that is no Property: any string is taken
        ({"anyOf": [{"type": "integer"}, {"type": "string"}]}, {"kind": "any", "kindUnknown": True}),
        ({"anyOf": [{"type": "integer"}, {"type": "string"}], "$dynamic": False}, {"kind": "any", "kindUnknown": True}),
        ({"type": "string", "enum": ["A", "B"]}, {"kind": "enum", "enum": ["A", "B"]}),
        (
            {"anyOf": [{"type": "string", "format": "duration"}, {"type": "string"}], "$dynamic": True},
            {"kind": "duration", "dyn": True},
        ),
        ({"type": ["boolean", "null"]}, {"kind": "boolean"}),
        ({"type": "object", "additionalProperties": {"type": "string"}}, {"kind": "map", "of": {"kind": "string"}}),
        ({"type": "object"}, {"kind": "map"}),
        ({"type": "array", "items": {"type": "integer"}}, {"kind": "list", "of": {"kind": "integer"}}),
        (
            {"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "string"}], "$dynamic": True}},
            {"kind": "list", "of": {"kind": "any", "kindUnknown": True}},
        ),
        ({"$ref": "#/$defs/com.acme.Upload-Options"}, {"kind": "object", "ref": "com.acme.Upload.Options"}),
        (
            {"allOf": [{"$ref": "#/$defs/com.acme.Upload-Options"}, {"default": {}}]},
            {"kind": "object", "ref": "com.acme.Upload.Options"},
        ),
        ({"$ref": "#/$defs/io.kestra.core.models.tasks.Task"}, {"kind": "plugin", "of": "task"}),
        (
            {"type": "array", "items": {"$ref": "#/$defs/io.kestra.core.models.conditions.Condition"}},
            {"kind": "list", "of": {"kind": "plugin", "of": "condition"}},
        ),
        (
            {"$ref": "#/$defs/io.kestra.core.models.tasks.runners.TaskRunner-io.kestra.core.models.tasks.runners.X-"},
            {"kind": "plugin", "of": "taskRunner"},
        ),
        (
            {"anyOf": [{"$ref": "#/definitions/com.acme.Log"}, {"$ref": "#/definitions/com.acme.Echo"}]},
            {"kind": "plugin", "of": "task"},
        ),
        (
            {"anyOf": [{"$ref": "#/definitions/com.acme.Log"}, {"$ref": "#/definitions/com.acme.Mystery"}]},
            {"kind": "any"},
        ),
        ({"$ref": f"#/definitions/{RETRY}.AbstractRetry"}, {"kind": "object", "ref": f"{RETRY}.AbstractRetry"}),
        ({"$ref": "#/definitions/com.acme.Missing"}, {"kind": "any", "kindUnknown": True}),
        (
            {"oneOf": [{"type": "string"}, {"type": "array"}, {"$ref": "#/$defs/com.acme.Upload-Options"}]},
            {"kind": "any", "kindUnknown": True},
        ),
        ({"type": "object", "additionalProperties": False}, {"kind": "any", "kindUnknown": True}),
        ({"type": {}}, {"kind": "any", "kindUnknown": True}),
        ({"type": [["string"]]}, {"kind": "any", "kindUnknown": True}),
        ({"type": ["string", {"a": 1}]}, {"kind": "any", "kindUnknown": True}),
        ({"type": 5}, {"kind": "any", "kindUnknown": True}),
        ({}, {"kind": "any"}),
        ({"type": "boolean", "$deprecated": "true"}, {"kind": "boolean", "dep": True}),
        ({"type": "integer", "default": 10}, {"kind": "integer", "def": 10}),
        ({"type": "array", "items": {"type": "string"}, "default": ["a"]}, {"kind": "list", "of": {"kind": "string"}}),
    ],
)
def test_a_schema_construct_becomes_its_entry(node: dict[str, Any], entry: dict[str, Any]) -> None:
    reader = SchemaReader(DEFINITIONS, KINDS)
    described = reader.plugin_type({"properties": {"p": node}}, "task", "task")
    assert described.props == [{"name": "p", **entry}]


def test_required_holds_only_without_a_default_and_nested_classes_are_read_once() -> None:
    reader = SchemaReader(DEFINITIONS, KINDS)
    node = {
        "properties": {
            "bucket": {"type": "string"},
            "region": {"type": "string", "default": "eu"},
            "flagged": {"type": "string", "$required": True},
            "options": {"$ref": "#/$defs/com.acme.Upload-Options"},
            "more": {"$ref": "#/$defs/com.acme.Upload-Options"},
            "retry": {"$ref": f"#/definitions/{RETRY}.AbstractRetry"},
            "id": {"type": "string"},
            "type": {"const": "com.acme.Upload"},
        },
        "required": ["bucket", "region", "id", "type"],
        "additionalProperties": True,
    }
    described = reader.plugin_type(node, "task", "task", inherited=["id"])
    assert [(e["name"], bool(e.get("req"))) for e in described.props] == [
        ("bucket", True),
        ("region", False),
        ("flagged", True),
        ("options", False),
        ("more", False),
        ("retry", False),
    ]
    assert described.flags == {"additionalProperties": True}
    assert reader.defs == {
        "com.acme.Upload.Options": ClassProps([{"name": "wait", "kind": "duration", "req": True}]),
        f"{RETRY}.AbstractRetry": ClassProps([], flags={"abstract": True}, subtypes={"constant": f"{RETRY}.Constant"}),
        f"{RETRY}.Constant": ClassProps(
            [{"name": "type", "kind": "enum", "enum": ["constant"]}, {"name": "interval", "kind": "duration"}]
        ),
    }


def test_a_schema_of_odd_shapes_is_read_without_a_crash() -> None:
    reader = SchemaReader({"x": []}, KINDS)
    node = {
        "properties": {"p": {"type": "string"}, "q": 5, "r": {"$ref": 7}, "s": {"$ref": "#/definitions/x"}},
        "required": [{"p": 1}, "p", None],
    }
    assert reader.plugin_type(node, "task", "task").props == [
        {"name": "p", "kind": "string", "req": True},
        {"name": "r", "kind": "any", "kindUnknown": True},
        {"name": "s", "kind": "any", "kindUnknown": True},
    ]


def test_ref_cycles_through_alternatives_are_read_in_linear_time() -> None:
    # each definition is read once: 12 alternatives referencing their own definition took 20 s before
    definitions = {
        "A": {"anyOf": [{"$ref": "#/definitions/A"}] * 12},
        "B": {"anyOf": [{"$ref": "#/definitions/C"}, {"$ref": "#/definitions/B"}] * 6},
        "C": {"oneOf": [{"$ref": "#/definitions/B"}, {"type": "integer"}] * 6},
    }
    reader = SchemaReader(definitions, KINDS)
    node = {"properties": {"a": {"$ref": "#/definitions/A"}, "b": {"$ref": "#/definitions/B"}}}
    started = time.perf_counter()
    props = reader.plugin_type(node, "task", "task").props
    assert time.perf_counter() - started < 1.0
    assert props == [
        {"name": "a", "kind": "any", "kindUnknown": True},
        {"name": "b", "kind": "any", "kindUnknown": True},
    ]
