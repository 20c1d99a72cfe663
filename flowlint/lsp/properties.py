"""The property set around a key of a plugin mapping (for key and enum completion and for hover), and a
property's facts in words.

A key is placed as the FL5xx rules walk a use: the innermost plugin use that holds it is resolved and
looked up at its plugin version and the target Kestra version, then the nested objects the data describes
are followed down to the mapping that holds the key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.config import Settings
from flowlint.lsp.locate import flows_at, innermost_use, inside
from flowlint.manifest.model import Manifest
from flowlint.nodes import is_str
from flowlint.properties.lookup import PropertyLookup, lookup_for
from flowlint.properties.model import Prop, PropertySet
from flowlint.properties.slots import manifest_slots
from flowlint.properties.values import item_prop
from flowlint.resolve import Resolver
from flowlint.rules.properties import subject_of
from flowlint.rules.property_walk import Subject, object_set
from flowlint.source import Source


class Place(NamedTuple):
    """The mapping that holds a key, and the property set that describes it."""

    found: PropertySet
    mapping: MappingNode
    key: ScalarNode
    subject: Subject
    lookup: PropertyLookup
    top: bool
    """The plugin's own mapping (not a nested object)."""


def place_at(
    source: Source, offset: int, manifest: Manifest, settings: Settings, hit: Callable[[ScalarNode], bool]
) -> Place | None:
    """Where the key ``hit`` picks (near ``offset``) stands, when a plugin use the data describes holds it."""
    for flow in flows_at(source, offset, manifest_slots(manifest)):
        use = innermost_use(flow, offset)
        if use is None:
            continue
        subject = subject_of(Resolver(flow, settings, manifest).resolve(use))
        if subject is None:
            return None
        lookup = lookup_for(manifest, settings.target)
        found = lookup.of_type(subject.plugin, subject.version, subject.type_name)
        if found is None:
            return None
        held = _holding(lookup, found, use.node, offset, hit)
        if held is None:
            return None
        nested, mapping, key = held
        return Place(nested, mapping, key, subject, lookup, mapping is use.node)
    return None


def _holding(
    lookup: PropertyLookup, found: PropertySet, node: MappingNode, offset: int, hit: Callable[[ScalarNode], bool]
) -> tuple[PropertySet, MappingNode, ScalarNode] | None:
    """The set and mapping (``node`` or one nested in it) with the key ``hit`` picks."""
    for key, _ in node.value:
        if isinstance(key, ScalarNode) and hit(key):
            return found, node, key
    for key, value in node.value:
        if is_str(key) and inside(value, offset):
            prop = found.get(key.value)
            return _into(lookup, found, prop, value, offset, hit) if prop is not None else None
    return None


def _into(
    lookup: PropertyLookup,
    owner: PropertySet,
    prop: Prop,
    node: Node,
    offset: int,
    hit: Callable[[ScalarNode], bool],
) -> tuple[PropertySet, MappingNode, ScalarNode] | None:
    """Follow a value of ``prop`` (a property of ``owner``) towards ``offset``."""
    if prop.kind_unknown:
        return None
    if prop.kind == "object" and prop.ref and isinstance(node, MappingNode):
        nested = object_set(lookup, owner, prop, node)
        return _holding(lookup, nested, node, offset, hit) if nested is not None else None
    item = item_prop(prop) if prop.kind in ("list", "map") else None
    if item is None:
        return None
    children = node.value if isinstance(node, SequenceNode) and prop.kind == "list" else []
    if isinstance(node, MappingNode) and prop.kind == "map":
        children = [value for _, value in node.value]
    for child in children:
        if inside(child, offset):
            return _into(lookup, owner, item, child, offset, hit)
    return None


def kind_text(prop: Prop) -> str:
    """The kind of a property in words: ``string``, ``list of string``, ``object (Options)``, ``task plugin``."""
    if prop.kind == "object" and prop.ref:
        return f"object ({prop.ref.rsplit('.', 1)[-1].replace('$', '.')})"
    if prop.kind in ("list", "map"):
        plugin_kind = prop.item.get("of")
        if prop.item.get("kind") == "plugin" and isinstance(plugin_kind, str):
            return f"{prop.kind} of {plugin_kind} plugins"
        item = item_prop(prop)
        return f"{prop.kind} of {kind_text(item)}" if item is not None else prop.kind
    return prop.kind


def literal(value: object) -> str:
    """A default value as written in a flow."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def facts(prop: Prop) -> list[str]:
    """What the data says of a property beyond its kind and flags, one sentence each."""
    lines = []
    if prop.enum:
        lines.append(f"One of {_constants(prop.enum)}.")
    item = item_prop(prop) if prop.kind in ("list", "map") else None
    if item is not None and item.enum:
        lines.append(f"Each {'item' if prop.kind == 'list' else 'value'} one of {_constants(item.enum)}.")
    if prop.default is not None:
        lines.append(f"Default: `{literal(prop.default)}`.")
    if prop.dyn:
        lines.append("Dynamic: Pebble expressions are rendered when it runs.")
    else:
        lines.append("Not dynamic: Kestra reads the value as written, when the flow is saved.")
    if prop.aliases:
        lines.append("Also accepted as " + ", ".join(f"`{alias}`" for alias in prop.aliases) + ".")
    if prop.kind_unknown:
        lines.append("flowlint's data does not know the shape of its value: it is not checked.")
    return lines


def _constants(enum: tuple[str, ...]) -> str:
    return ", ".join(f"`{constant}`" for constant in enum)
