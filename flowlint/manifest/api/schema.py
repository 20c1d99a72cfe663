"""Kestra's JSON Schema of plugin classes read into property entries (the manifest's property model).

Two generators of Kestra's ``JsonSchemaGenerator`` (victools) write what is read here:

* the plugin documentation (``GET /api/v1/plugins/{cls}`` and ``…/versions/{version}``): Draft 2019-09,
  ``{markdown, schema: {properties: {properties, required, …}, outputs, definitions}}``; the fields the
  base class (``Task``, ``AbstractTrigger``…) declares are left out, and ``$ref`` names ``#/$defs/KEY``
  with a nested class's key written ``Outer-Inner``;
* the editor schemas (``GET /api/v1/plugins/schemas/flow``, ``kestra plugins-schema``): Draft 7, every
  class under ``definitions`` with all its properties, ``$ref`` ``#/definitions/KEY``, and properties that
  hold plugins written as an ``anyOf``/``oneOf`` of the plugin classes.

What each construct becomes (README, "Properties from Kestra's schemas"): ``type`` string, integer,
number, boolean, array (``list``, ``of`` its ``items``) and object with ``additionalProperties`` (``map``);
``format: duration`` a duration; ``enum``/``const`` an enum; ``$ref`` to a class with properties an
``object`` whose class goes to ``defs``; a ``$ref`` to a plugin base class, or an ``anyOf`` of plugin
classes, a ``plugin`` (its kind when it can be told, else ``any``); ``Property<T>`` (``anyOf [T, string]``
flagged ``$dynamic``, or ``oneOf [T, string with a {{ }} pattern]``) T and dynamic, while an ``anyOf [T,
string]`` not flagged dynamic (``@Schema(anyOf = {T, String})``) takes any string and is not judged;
``$dynamic``, ``$deprecated``, ``default``; ``required`` only without a default (Kestra's newer generators
drop a property with a default from ``required`` themselves). Anything else, a malformed node included, is
``kindUnknown``: its values are not judged. A definition is read once (a ``$ref`` cycle is ``kindUnknown``
where it closes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flowlint.manifest.property_sections import ClassProps, Entry

PLUGIN_BASES = {
    "io.kestra.core.models.tasks.Task": "task",
    "io.kestra.core.models.triggers.AbstractTrigger": "trigger",
    "io.kestra.core.models.conditions.Condition": "condition",
    "io.kestra.core.models.conditions.ScheduleCondition": "condition",
    "io.kestra.core.models.tasks.runners.TaskRunner": "taskRunner",
}
"""Kestra's classes a property that holds a plugin is declared with, and the plugin kind each holds."""

UNKNOWN: Entry = {"kind": "any", "kindUnknown": True}
_SCALARS = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
_GENERIC_TAIL = re.compile(r"[(<_].*$")
_NESTED_DASH = re.compile(r"-(?=[A-Za-z_$])")
_MAX_DEPTH = 12


def ref_key(ref: Any) -> str | None:
    """The definition key a ``$ref`` names (``#/$defs/KEY`` or ``#/definitions/KEY``)."""
    if not isinstance(ref, str) or "/" not in ref:
        return None
    return ref.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")


def class_name(key: str) -> str:
    """The class a definition key names, as the manifest writes nested classes (``Outer.Inner``)."""
    return _NESTED_DASH.sub(".", key)


def plugin_base_kind(key: str) -> str | None:
    """The plugin kind of a plugin base class key (generics such as ``TaskRunner(…)`` ignored)."""
    return PLUGIN_BASES.get(key) or PLUGIN_BASES.get(_GENERIC_TAIL.sub("", key.split("-", 1)[0]))


class SchemaReader:
    """Reads classes of one schema document; the nested classes their properties reference are gathered
    in ``defs`` (by the manifest's class name)."""

    def __init__(self, definitions: Mapping[str, Any], plugin_kinds: Mapping[str, str]) -> None:
        self.definitions = definitions
        self.plugin_kinds = plugin_kinds
        """Plugin types the rest of the manifest knows -> their kind (task, trigger, condition, taskRunner)."""
        self.defs: dict[str, ClassProps] = {}
        self._pending: list[tuple[str, Mapping[str, Any]]] = []
        self._ref_shapes: dict[str, Entry] = {}
        """The shape of each definition key read (UNKNOWN while it is read: a cycle ends there)."""

    def plugin_type(
        self, node: Mapping[str, Any], kind: str, root: str | None, inherited: Iterable[str] = ()
    ) -> ClassProps:
        """A plugin type's own properties (``type`` and the names of ``inherited`` left out: the base set
        of its root supplies them), then the nested classes they reference."""
        props = self._props(node, skip={"type", *inherited})
        described = ClassProps(props, kind=kind, root=root, flags=_class_flags(node))
        self._drain()
        return described

    def _drain(self) -> None:
        while self._pending:
            name, node = self._pending.pop()
            if name not in self.defs:
                self.defs[name] = ClassProps([])  # a class that holds itself is read once
                self.defs[name] = self._nested(node)

    def _nested(self, node: Mapping[str, Any]) -> ClassProps:
        subtypes = self._subtypes(node)
        if subtypes is not None:
            return ClassProps([], flags={"abstract": True}, subtypes=subtypes)
        return ClassProps(self._props(node), flags=_class_flags(node))

    def _props(self, node: Mapping[str, Any], skip: Iterable[str] = ()) -> list[Entry]:
        properties = node.get("properties")
        if not isinstance(properties, Mapping):
            return []
        required = node.get("required")
        names = {r for r in required if isinstance(r, str)} if isinstance(required, list) else set()
        entries = []
        for name, value in properties.items():
            if not isinstance(name, str) or not name or not isinstance(value, Mapping) or name in skip:
                continue
            if "." in name and name.split(".", 1)[0] in properties:
                continue  # the documentation's flattened copy of a nested property
            entries.append(self._entry(name, value, name in names or value.get("$required") is True))
        return entries

    def _entry(self, name: str, node: Mapping[str, Any], required: bool) -> Entry:
        node = _flat(node)
        entry: Entry = {"name": name, **self.shape(node)}
        alternatives = _alternatives(node)
        flags = [node, *alternatives]
        if any(n.get("$dynamic") is True for n in flags) or _property_value(node) is not None:
            entry["dyn"] = True
        if any(n.get("$deprecated") in (True, "true") for n in flags):
            entry["dep"] = True
        default = next((n["default"] for n in flags if "default" in n), None)
        has_default = any("default" in n for n in flags)
        if required and not has_default:
            entry["req"] = True
        if isinstance(default, str | int | float | bool):
            entry["def"] = default
        return entry

    def shape(self, node: Mapping[str, Any], depth: int = 0) -> Entry:
        """``{kind, enum?, of?, ref?, kindUnknown?}`` of a schema node."""
        if depth > _MAX_DEPTH:
            return dict(UNKNOWN)
        node = _flat(node)
        if "$ref" in node:
            return self._ref_shape(ref_key(node["$ref"]), depth)
        alternatives = _alternatives(node)
        if alternatives:
            return self._alternatives_shape(node, alternatives, depth)
        if isinstance(node.get("enum"), list) and node["enum"]:
            return {"kind": "enum", "enum": [str(v) for v in node["enum"] if v is not None]}
        if "const" in node and node["const"] is not None:
            return {"kind": "enum", "enum": [str(node["const"])]}
        kind = node.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            kind = kinds[0] if len(kinds) == 1 else None if kinds else "null"
        if kind is None and not any(k in node for k in ("type", "properties", "items", "additionalProperties")):
            return {"kind": "any"}
        if not isinstance(kind, str):
            return dict(UNKNOWN)  # a type that is not a name (an object, a list in a list): malformed
        if kind == "string":
            return {"kind": "duration" if node.get("format") == "duration" else "string"}
        if kind in _SCALARS:
            return {"kind": _SCALARS[kind]}
        if kind == "array":
            items = node.get("items")
            return {"kind": "list", "of": self._item(items, depth)} if isinstance(items, Mapping) else {"kind": "list"}
        if kind == "object" and not isinstance(node.get("properties"), Mapping):
            extra = node.get("additionalProperties")
            if isinstance(extra, Mapping) and extra:
                return {"kind": "map", "of": self._item(extra, depth)}
            if extra is False:
                return dict(UNKNOWN)
            return {"kind": "map"}
        return dict(UNKNOWN)

    def _item(self, node: Mapping[str, Any], depth: int) -> Entry:
        shape = self.shape(node, depth + 1)
        if _property_value(_flat(node)) is not None and shape.get("kind") not in ("string", "any"):
            return dict(UNKNOWN)  # an item that may be an expression: not judged
        return shape

    def _ref_shape(self, key: str | None, depth: int) -> Entry:
        if key is None:
            return dict(UNKNOWN)
        base = plugin_base_kind(key)
        if base is not None:
            return {"kind": "plugin", "of": base}
        if key in self.plugin_kinds:
            return {"kind": "plugin", "of": self.plugin_kinds[key]}
        node = self.definitions.get(key)
        if not isinstance(node, Mapping):
            return dict(UNKNOWN)
        plugin = _plugin_const(node)
        if plugin is not None:
            return _plugin_shape([self.plugin_kinds.get(plugin)])
        if isinstance(node.get("properties"), Mapping) or self._subtypes(node) is not None:
            name = class_name(key)
            if name not in self.defs:
                self._pending.append((name, node))
            return {"kind": "object", "ref": name}
        known = self._ref_shapes.get(key)
        if known is None:
            self._ref_shapes[key] = dict(UNKNOWN)
            known = self._ref_shapes[key] = self.shape(node, depth + 1)
        return dict(known)

    def _alternatives_shape(self, node: Mapping[str, Any], alternatives: list[Mapping[str, Any]], depth: int) -> Entry:
        plugins = [self._plugin_of(a) for a in alternatives]
        if all(p is not None for p in plugins):
            return _plugin_shape([None if p == "?" else p for p in plugins])
        value = _property_value(node)
        if value is not None:
            return self.shape(value, depth + 1)
        shapes = [self.shape(a, depth + 1) for a in alternatives]
        if all(s == shapes[0] for s in shapes) and shapes:
            return shapes[0]
        return dict(UNKNOWN)

    def _plugin_of(self, node: Mapping[str, Any]) -> str | None:
        """The plugin kind an alternative holds (``?`` when it holds a plugin of a kind not known), else None."""
        key = ref_key(node.get("$ref"))
        if key is None:
            return None
        base = plugin_base_kind(key)
        if base is not None:
            return base
        if key in self.plugin_kinds:
            return self.plugin_kinds[key]
        target = self.definitions.get(key)
        plugin = _plugin_const(target) if isinstance(target, Mapping) else None
        return None if plugin is None else self.plugin_kinds.get(plugin, "?")

    def _subtypes(self, node: Mapping[str, Any]) -> dict[str, str] | None:
        """An abstract class written as the alternatives of its concrete classes, each selected by a
        ``type`` constant: the constant -> the concrete class (None when ``node`` is not one)."""
        alternatives = _alternatives(node)
        if not alternatives or "properties" in node:
            return None
        found: dict[str, str] = {}
        for alternative in alternatives:
            key = ref_key(alternative.get("$ref"))
            target = self.definitions.get(key) if key is not None else None
            if not isinstance(target, Mapping) or key is None:
                return None
            constant = _type_const(target)
            if constant is None or "." in constant:
                return None
            name = class_name(key)
            found[constant] = name
            if name not in self.defs:
                self._pending.append((name, target))
        return found


def _flat(node: Mapping[str, Any]) -> Mapping[str, Any]:
    """A node whose ``allOf`` (a ``$ref`` with its own attributes beside it) is merged into it."""
    parts = node.get("allOf")
    if not isinstance(parts, list):
        return node
    merged: dict[str, Any] = {}
    for part in parts:
        if isinstance(part, Mapping):
            merged.update(part)
    merged.update((k, v) for k, v in node.items() if k != "allOf")
    return merged


def _alternatives(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    for key in ("anyOf", "oneOf"):
        value = node.get(key)
        if isinstance(value, list) and value:
            return [v for v in value if isinstance(v, Mapping)]
    return []


def _is_dynamic_string(node: Mapping[str, Any]) -> bool:
    """The string alternative Kestra adds for a ``Property<T>`` (a pattern with ``{{`` in older versions)."""
    if node.get("type") != "string" or any(k in node for k in ("enum", "const", "format", "$ref")):
        return False
    pattern = node.get("pattern")
    return pattern is None or (isinstance(pattern, str) and "{{" in pattern)


def _property_value(node: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The T of a ``Property<T>`` node (None when ``node`` is not one): ``[T, string]`` alternatives where
    the string has a ``{{`` pattern (older generators) or the node is flagged ``$dynamic``."""
    alternatives = _alternatives(node)
    strings = [a for a in alternatives if _is_dynamic_string(a)]
    if len(alternatives) != 2 or len(strings) != 1:
        return None
    marked = isinstance(strings[0].get("pattern"), str) or node.get("$dynamic") is True
    return next(a for a in alternatives if a is not strings[0]) if marked else None


def _type_const(node: Mapping[str, Any]) -> str | None:
    properties = node.get("properties")
    declared = properties.get("type") if isinstance(properties, Mapping) else None
    if not isinstance(declared, Mapping):
        return None
    constant = declared.get("const")
    if constant is None and isinstance(declared.get("enum"), list) and len(declared["enum"]) == 1:
        constant = declared["enum"][0]
    return constant if isinstance(constant, str) else None


def _plugin_const(node: Mapping[str, Any]) -> str | None:
    """The type of a plugin class definition (its ``type`` constant is a Java class name)."""
    constant = _type_const(node)
    return constant if constant is not None and "." in constant else None


def _plugin_shape(kinds: list[str | None]) -> Entry:
    known = {k for k in kinds if k is not None}
    if len(known) == 1 and None not in kinds and kinds:
        return {"kind": "plugin", "of": known.pop()}
    return {"kind": "any"}


def _class_flags(node: Mapping[str, Any]) -> dict[str, bool]:
    extra = node.get("additionalProperties")
    open_ = extra is True or isinstance(extra, Mapping)
    return {"additionalProperties": True} if open_ else {}


def markdown_type(markdown: Any) -> str | None:
    """The class a plugin documentation's markdown is about (its ``type: "…"`` block)."""
    if not isinstance(markdown, str):
        return None
    found = re.search(r'```yaml\s*\ntype:\s*"([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+)"', markdown)
    return found.group(1) if found else None
