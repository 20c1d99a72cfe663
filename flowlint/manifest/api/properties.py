"""The ``properties`` sections of manifests made from Kestra's API: from schema answers per type and version
(``manifest pull``), from saved answers and schema bundles that say nothing about versions (``manifest
import``), and from an earlier manifest for versions that did not change (``manifest pull --update``).

A plugin type's own properties are kept; those its base set (task, trigger, condition, taskRunner: the
bundled data) declares at the Kestra version the source describes (the manifest's, else the default
target) are left to the base set, as Kestra's plugin documentation leaves out what the base class
declares. A name the base set had only at other Kestra versions is the type's own (plugin-sentry's
``errors``; the task base set had one up to Kestra 0.1.16). The core plugin is left to the bundled data (it
follows the target Kestra version, with the base sets).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from flowlint.manifest.api.convert import UNKNOWN_VERSION
from flowlint.manifest.api.schema import SchemaReader, markdown_type
from flowlint.manifest.model import KIND_OF_KEY, KINDS, Manifest
from flowlint.manifest.property_sections import FLAGS, ClassProps, Entry, properties_section, versionless_section
from flowlint.properties.model import field_at, holds, point, target_points
from flowlint.versions import parse_version

ROOTS = {"task", "trigger", "condition", "taskRunner"}


@cache
def base_names(root: str | None, kestra: str | None) -> frozenset[str]:
    """The names the bundled base set of ``root`` declares at the data points of Kestra ``kestra`` (the
    default target when None or not a version)."""
    if root not in ROOTS:
        return frozenset()
    from flowlint.config import DEFAULT_TARGET
    from flowlint.properties.store import bundled_store

    store = bundled_store()
    target = (parse_version(kestra) if kestra else None) or parse_version(DEFAULT_TARGET)
    points = target_points(store.kestra_versions, target)[0] if target is not None else ()
    record = store.base_record(root)
    return frozenset(
        e["name"]
        for e in (record.get("props", ()) if record else ())
        if isinstance(e, Mapping) and isinstance(e.get("name"), str) and any(holds(e, p) for p in points)
    )


def root_of(kind: str) -> str | None:
    """The base set a plugin kind inherits (None for ``other``)."""
    return kind if kind in ROOTS else None


def plugin_kinds(data: Mapping[str, Any]) -> dict[str, str]:
    """Every plugin type of manifest ``data`` -> its kind (task, trigger, condition, taskRunner, other)."""
    return {
        type_name: KIND_OF_KEY[key]
        for plugin in data["plugins"]
        for version in plugin["versions"]
        for key in KINDS
        for type_name in version.get(key, ())
    }


@dataclass
class Described:
    """What a source said of one type: the type and the nested classes it references."""

    type_props: ClassProps
    defs: dict[str, ClassProps] = field(default_factory=dict)


class NotASchema(Exception):
    """The answer is not a plugin documentation with a schema."""


def read_documentation(
    answer: Any, type_name: str, kind: str, kinds: Mapping[str, str], kestra: str | None = None
) -> Described:
    """A ``GET /api/v1/plugins/{cls}[/versions/{v}]`` answer (``{markdown, schema: {properties, outputs,
    definitions}}``) of ``type_name`` served by Kestra ``kestra``; NotASchema when it is not one."""
    schema = answer.get("schema") if isinstance(answer, Mapping) else None
    if not isinstance(schema, Mapping) or not isinstance(schema.get("properties"), Mapping):
        raise NotASchema
    properties = schema["properties"]
    definitions = schema.get("definitions") or schema.get("$defs") or {}
    reader = SchemaReader(definitions if isinstance(definitions, Mapping) else {}, kinds)
    root = root_of(kind)
    props = reader.plugin_type(properties, kind, root, base_names(root, kestra))
    return Described(props, reader.defs)


def documentation_type(answer: Any) -> str | None:
    """The type a saved plugin documentation is about (None: not a documentation answer)."""
    if not isinstance(answer, Mapping) or not isinstance(answer.get("schema"), Mapping):
        return None
    return markdown_type(answer.get("markdown"))


def read_definitions(
    definitions: Mapping[str, Any], wanted: Mapping[str, str], kinds: Mapping[str, str], kestra: str | None = None
) -> dict[str, Described]:
    """The types of ``wanted`` (type -> kind) that the ``definitions`` of an editor schema of Kestra
    ``kestra`` describe."""
    found: dict[str, Described] = {}
    for type_name, kind in sorted(wanted.items()):
        node = definitions.get(type_name)
        if not isinstance(node, Mapping) or not isinstance(node.get("properties"), Mapping):
            continue
        reader = SchemaReader(definitions, kinds)
        root = root_of(kind)
        found[type_name] = Described(reader.plugin_type(node, kind, root, base_names(root, kestra)), reader.defs)
    return found


def with_hidden(described: Described, coordinates: str, type_name: str, version: str | None = None) -> Described:
    """``described`` with the properties the bundled data marks hidden for the type (at ``version`` when
    the data describes it, else at any), which Kestra's schema leaves out and Kestra still accepts."""
    from flowlint.properties.store import bundled_store

    store = bundled_store()
    record = store.type_record(coordinates, type_name)
    if record is None:
        return described
    at = point(version) if version is not None else None
    described_at = {point(v) for v in store.artifact_versions(coordinates) or ()}
    known = {e["name"] for e in described.type_props.props}
    added: list[Entry] = []
    for entry in record.get("props", ()):
        if not entry.get("hidden") or entry.get("name") in known:
            continue
        if at is not None and at in described_at and not holds(entry, at):
            continue
        known.add(entry["name"])
        added.append({k: v for k, v in entry.items() if k not in ("since", "until", "hidden")})
    if not added:
        return described
    return Described(replace(described.type_props, props=[*described.type_props.props, *added]), described.defs)


def pulled_section(
    versions: Sequence[str], described: Mapping[str, Mapping[str, Described]], source: str
) -> dict[str, Any]:
    """A plugin's section from what was read per version (version -> type -> Described)."""
    types = {v: {t: d.type_props for t, d in by_type.items()} for v, by_type in described.items()}
    defs: dict[str, dict[str, ClassProps]] = {}
    for version, by_type in described.items():
        for item in by_type.values():
            defs.setdefault(version, {}).update(item.defs)
    return properties_section(versions, types, defs, source)


def unversioned_section(described: Mapping[str, Described], source: str) -> dict[str, Any]:
    """A plugin's section from a source that says nothing about versions."""
    defs: dict[str, ClassProps] = {}
    for item in described.values():
        defs.update(item.defs)
    return versionless_section({t: d.type_props for t, d in described.items()}, defs, source)


def add_sections(data: dict[str, Any], sections: Mapping[str, dict[str, Any]]) -> None:
    """Put each plugin's section (by ``group:artifact``) into manifest ``data``."""
    for plugin in data["plugins"]:
        section = sections.get(f"{plugin['groupId']}:{plugin['artifactId']}")
        if section is not None:
            plugin["properties"] = section


def reusable(old: Manifest, coordinates: str, version: str, types: Iterable[str]) -> dict[str, Described] | None:
    """What ``old`` says of ``types`` at ``version`` of a plugin, when ``version`` is a release (not the
    placeholder of a plugin that gives no version, nor a ``-SNAPSHOT``: their classes change under the same
    text) and ``old`` lists it with exactly those types and describes each of them fully there (None
    otherwise)."""
    if version == UNKNOWN_VERSION or version.upper().endswith("-SNAPSHOT"):
        return None
    plugin = next((p for p in old.plugins if p.coordinates == coordinates), None)
    listed = next((v for v in plugin.versions if v.text.lower() == version.lower()), None) if plugin else None
    found = old.property_sections.get(coordinates)
    at = point(version)
    if listed is None or found is None or at is None or set(listed.types) != set(types):
        return None
    section = found[1]
    records, nested = section.get("types", {}), section.get("defs", {})
    defs = {name: c for name, r in nested.items() if (c := _at(r, at, typed=False)) is not None}
    result: dict[str, Described] = {}
    for type_name in types:
        record = records.get(type_name)
        described = _at(record, at, typed=True) if isinstance(record, Mapping) else None
        if described is None or described.flags.get("partial"):
            return None
        result[type_name] = Described(described, defs)
    return result


def _at(record: Mapping[str, Any], at: tuple[int, ...], typed: bool) -> ClassProps | None:
    """A record of a section as it holds at one version (None when it does not hold there)."""
    if not holds(record, at):
        return None
    props: list[Entry] = [
        {k: v for k, v in e.items() if k not in ("since", "until")}
        for e in record.get("props", ())
        if isinstance(e, Mapping) and holds(e, at)
    ]
    flags = {flag: True for flag in FLAGS if field_at(record, flag, at)}
    subtypes = {
        s["name"]: s["ref"]
        for s in record.get("subtypes", ())
        if isinstance(s, Mapping) and isinstance(s.get("name"), str) and isinstance(s.get("ref"), str)
    }
    kind = record.get("kind") if typed else None
    root = field_at(record, "root", at) if typed else None
    return ClassProps(props, kind=kind, root=root, flags=flags, subtypes=subtypes)
