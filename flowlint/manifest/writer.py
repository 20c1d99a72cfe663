"""Manifests out: the model as native manifest data, and that data as YAML or JSON text."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from flowlint.atomic import write_atomically
from flowlint.manifest.model import KIND_OF_KEY, KINDS, Manifest
from flowlint.versions import parse_version


@dataclass(frozen=True)
class BuildResult:
    """A manifest made from some source (JARs, API answers), with what the user should know about it."""

    data: dict[str, Any]
    """Native manifest data, valid against ``schemas/manifest.schema.json``."""
    warnings: list[str] = field(default_factory=list)


def manifest_to_data(manifest: Manifest) -> dict[str, Any]:
    """``manifest`` in the native format (versions oldest first, types sorted)."""
    plugins = []
    for plugin in manifest.plugins:
        versions = []
        for version in sorted(plugin.versions, key=lambda v: v.version.sort_key):
            entry: dict[str, Any] = {"version": version.text}
            for key in KINDS:
                kind = KIND_OF_KEY[key]
                names = sorted(t for t, k in version.types.items() if k == kind)
                if names:
                    entry[key] = names
            if version.aliases:
                entry["aliases"] = dict(sorted(version.aliases.items()))
            versions.append(entry)
        plugins.append(plugin_data(plugin.group_id, plugin.artifact_id, versions, plugin.title, plugin.core))
    data: dict[str, Any] = {"manifestVersion": 1, "source": manifest.source}
    if manifest.kestra_version:
        data["kestraVersion"] = manifest.kestra_version
    data["plugins"] = plugins
    return data


def plugin_data(
    group_id: str, artifact_id: str, versions: list[dict[str, Any]], title: str | None = None, core: bool = False
) -> dict[str, Any]:
    """One plugin entry of native manifest data (``title`` and ``core`` only when set)."""
    item: dict[str, Any] = {"groupId": group_id, "artifactId": artifact_id}
    if title:
        item["title"] = title
    if core:
        item["core"] = True
    item["versions"] = versions
    return item


def new_manifest_data(
    source: str,
    plugins: Sequence[Mapping[str, Any]],
    kestra_version: str | None = None,
    generated_at: str | None = None,
) -> dict[str, Any]:
    """Native manifest data with plugins sorted by coordinates and versions oldest first."""
    ordered = []
    for plugin in sorted(plugins, key=lambda p: (p["groupId"], p["artifactId"])):
        versions = sorted(plugin["versions"], key=lambda v: _order(v["version"]))
        ordered.append({**plugin, "versions": versions})
    data: dict[str, Any] = {"manifestVersion": 1, "source": source}
    if generated_at:
        data["generatedAt"] = generated_at
    if kestra_version:
        data["kestraVersion"] = kestra_version
    data["plugins"] = ordered
    return data


def _order(text: str) -> tuple[int, ...]:
    parsed = parse_version(text)
    return parsed.sort_key if parsed is not None else (-1,)


def dump(data: Mapping[str, Any], fmt: str) -> str:
    """Manifest data as ``yaml`` or ``json`` text."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    buffer = StringIO()
    yaml.dump(dict(data), buffer)
    return buffer.getvalue()


def write(data: Mapping[str, Any], output: Path | None, fmt: str | None) -> str | None:
    """Write ``data`` to ``output`` (format from ``fmt``, else its suffix), or return the text for stdout."""
    chosen = fmt or ("json" if output is not None and output.suffix == ".json" else "yaml")
    text = dump(data, chosen)
    if output is None:
        return text
    write_atomically(output, text.encode("utf-8"))
    return None
