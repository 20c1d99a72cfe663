"""``manifest import``: saved answers of Kestra's plugin endpoints, any mix, in any order, and the property
schemas Kestra writes: saved plugin documentation (``GET /api/v1/plugins/{cls}``), the editor schema
(``GET /api/v1/plugins/schemas/flow``) and the bundle of ``kestra plugins-schema -o plugins-schema.json``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flowlint.datafile import parse_json, read_bytes
from flowlint.errors import UsageError
from flowlint.manifest.api.answers import Collector, UnknownShape
from flowlint.manifest.api.convert import build_manifest, generated_at_now
from flowlint.manifest.api.properties import (
    Described,
    NotASchema,
    add_sections,
    documentation_type,
    plugin_kinds,
    read_definitions,
    read_documentation,
    unversioned_section,
    with_hidden,
)
from flowlint.manifest.model import KIND_OF_KEY, KINDS
from flowlint.manifest.writer import BuildResult

_DETAILS_HINT = (
    "save each version's details (GET /api/v1/instance/versioned-plugins/{groupId}/{artifactId}/{version}) "
    "and import them too, or use `flowlint manifest pull`"
)


def import_responses(files: Sequence[Path], source: str | None) -> BuildResult:
    """Merge saved answers of Kestra's plugin endpoints (any mix, any order) into one manifest, with the
    properties of the schema files among them."""
    collector = Collector()
    documentation: list[tuple[str, str, Any]] = []
    bundles: list[tuple[str, Mapping[str, Any]]] = []
    for path in files:
        data = _read_json(path)
        type_name = documentation_type(data)
        if type_name is not None:
            documentation.append((str(path), type_name, data))
            continue
        if isinstance(data, dict) and isinstance(data.get("definitions"), dict):
            if isinstance(data.get("roots"), dict):
                bundles.append((f"from {path.name}", data["definitions"]))
                continue
            if isinstance(data.get("$ref"), str):
                bundles.append((f"from flow schema {path}", data["definitions"]))
                continue
        try:
            collector.add(data, str(path))
        except UnknownShape:
            raise UsageError(
                f"{path}: not a saved Kestra API answer flowlint knows (GET /api/v1/plugins, "
                "/api/v1/plugins/{type}/versions, /api/v1/instance/versioned-plugins or one version's details, "
                "/api/v1/configs, /api/v1/plugins/{type}, /api/v1/plugins/schemas/flow) nor a plugins-schema.json"
            ) from None
    generated_at = generated_at_now()
    if source is None:
        names = [str(p) for p in files]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        source = f"imported from {shown} on {generated_at[:10]}"
    result = build_manifest(collector, source, generated_at, _DETAILS_HINT)
    if documentation or bundles:
        _add_properties(result, documentation, bundles)
    return result


def _add_properties(
    result: BuildResult, documentation: list[tuple[str, str, Any]], bundles: list[tuple[str, Mapping[str, Any]]]
) -> None:
    """Versionless sections for the non-core plugins whose types the schema files describe."""
    kinds = plugin_kinds(result.data)
    kestra = result.data.get("kestraVersion")
    listed = set(kinds)
    from_docs: dict[str, tuple[str, Described]] = {}
    differing: set[str] = set()
    for origin, type_name, data in documentation:
        if type_name not in listed:
            result.warnings.append(f"{origin}: left out the properties of {type_name}: no other file lists the type")
            continue
        try:
            described = read_documentation(data, type_name, kinds[type_name], kinds, kestra)
        except NotASchema:
            result.warnings.append(f"{origin}: left out: its schema of {type_name} has no properties")
            continue
        known = from_docs.get(type_name)
        if known is not None and known[1] != described:
            differing.add(type_name)
        from_docs.setdefault(type_name, ("from saved plugin documentation", described))
    for type_name in sorted(differing):
        del from_docs[type_name]
        result.warnings.append(
            f"the saved documentation of {type_name} differs from file to file and says nothing about versions: "
            "left out its properties; use `flowlint manifest pull` for each version's"
        )
    sections = {}
    undescribed: list[str] = []
    for plugin in result.data["plugins"]:
        if plugin.get("core"):
            continue
        wanted = {t: KIND_OF_KEY[k] for v in plugin["versions"] for k in KINDS for t in v.get(k, ())}
        found: dict[str, Described] = {}
        sources: list[str] = []
        for type_name in sorted(wanted):
            if type_name in from_docs:
                found[type_name] = from_docs[type_name][1]
                sources.append(from_docs[type_name][0])
        for origin, definitions in bundles:
            read = read_definitions(definitions, {t: k for t, k in wanted.items() if t not in found}, kinds, kestra)
            found.update(read)
            sources += [origin] if read else []
        undescribed += sorted(set(wanted) - set(found)) if bundles else []
        if found:
            coordinates = f"{plugin['groupId']}:{plugin['artifactId']}"
            found = {t: with_hidden(d, coordinates, t) for t, d in found.items()}
            sections[coordinates] = unversioned_section(found, ", ".join(dict.fromkeys(sources)))
    add_sections(result.data, sections)
    if undescribed:
        undescribed.sort()
        shown = ", ".join(undescribed[:5]) + (f" and {len(undescribed) - 5} more" if len(undescribed) > 5 else "")
        result.warnings.append(
            f"the schema files do not describe {len(undescribed)} type{'s' if len(undescribed) != 1 else ''} "
            f"the other files list ({shown}): the manifest gives no properties for "
            f"{'it' if len(undescribed) == 1 else 'them'}"
        )


def _read_json(path: Path) -> Any:
    return parse_json(read_bytes(path, ""), path, "")
