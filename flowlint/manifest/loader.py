"""Reading flowlint's native manifest format (YAML or JSON), validated by its schema."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flowlint.datafile import parse_data, read_bytes, validate
from flowlint.errors import UsageError
from flowlint.manifest.model import KIND_OF_KEY, KINDS, Manifest, Plugin, PluginVersion, plugin_version
from flowlint.stamps import Stamps, digest


def manifest_from_data(
    data: Any,
    what: str = "manifest",
    origin: str | None = None,
    stamps: Stamps | None = None,
    content: bytes | None = None,
) -> Manifest:
    """Validate manifest data against ``schemas/manifest.schema.json`` and build the model."""
    validate(data, "manifest", what, stamps, content)
    plugins = []
    sections: dict[str, tuple[list[str], Any]] = {}
    for index, entry in enumerate(data["plugins"]):
        versions = []
        seen: set[str] = set()
        for vindex, item in enumerate(entry["versions"]):
            text = item["version"]
            if text.lower() in seen:
                raise UsageError(
                    f"{what}: $.plugins[{index}].versions[{vindex}].version: "
                    f"version {text} of {entry['groupId']}:{entry['artifactId']} is listed twice"
                )
            seen.add(text.lower())
            types = {t: KIND_OF_KEY[key] for key in KINDS for t in item.get(key, ())}
            try:
                versions.append(plugin_version(text, types, item.get("aliases")))
            except ValueError:  # the schema's pattern admits it: a number above a Java int, or non-ASCII digits
                raise UsageError(
                    f"{what}: $.plugins[{index}].versions[{vindex}].version: version {text} of "
                    f"{entry['groupId']}:{entry['artifactId']} is not one Kestra reads (its numbers, and the digits "
                    "of its qualifier, are Java ints: ASCII digits, at most 2147483647)"
                ) from None
        plugins.append(
            Plugin(
                group_id=entry["groupId"],
                artifact_id=entry["artifactId"],
                versions=tuple(versions),
                core=bool(entry.get("core", False)),
                title=entry.get("title"),
            )
        )
        if "properties" in entry:
            ordered = sorted(versions, key=lambda v: v.version.sort_key)
            sections[plugins[-1].coordinates] = ([v.text for v in ordered], entry["properties"])
    return Manifest(
        plugins=tuple(plugins),
        source=data.get("source") or (origin or "manifest"),
        kestra_version=data.get("kestraVersion"),
        origin=origin,
        generated_at=data.get("generatedAt"),
        property_sections=sections,
        kestra_properties=data.get("kestra"),
    )


def load_manifests(paths: Sequence[Path], stamps: Stamps | None = None) -> Manifest:
    """Load and merge the manifests at ``paths``; later files add versions to earlier plugins."""

    if not paths:
        raise UsageError("no manifest given")
    manifests = []
    for path in paths:
        raw = read_bytes(path, "manifest")
        manifest = manifest_from_data(parse_data(raw, path, "manifest"), f"manifest {path}", str(path), stamps, raw)
        manifests.append(dataclasses.replace(manifest, fingerprint=digest(raw)))
    return manifests[0] if len(manifests) == 1 else merge(manifests)


def merge(manifests: Sequence[Manifest]) -> Manifest:
    """One manifest holding every plugin version of ``manifests`` (types of equal versions united)."""
    by_coordinates: dict[str, dict[str, PluginVersion]] = {}
    meta: dict[str, Plugin] = {}
    for manifest in manifests:
        for plugin in manifest.plugins:
            meta.setdefault(plugin.coordinates, plugin)
            versions = by_coordinates.setdefault(plugin.coordinates, {})
            for version in plugin.versions:
                key = version.text.lower()
                if key in versions:
                    known = versions[key]
                    versions[key] = PluginVersion(
                        known.version,
                        {**known.types, **version.types},
                        {**known.aliases, **version.aliases},
                    )
                else:
                    versions[key] = version
    plugins = tuple(
        Plugin(p.group_id, p.artifact_id, tuple(by_coordinates[c].values()), p.core, p.title) for c, p in meta.items()
    )
    return Manifest(
        plugins=plugins,
        source=" + ".join(m.source for m in manifests),
        kestra_version=next((m.kestra_version for m in manifests if m.kestra_version), None),
        origin=", ".join(m.origin or "" for m in manifests),
        fingerprint=" ".join(m.fingerprint for m in manifests),
        property_sections={k: v for m in reversed(manifests) for k, v in m.property_sections.items()},
        kestra_properties=next((m.kestra_properties for m in manifests if m.kestra_properties is not None), None),
    )
