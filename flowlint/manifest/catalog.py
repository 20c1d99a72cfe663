"""The bundled catalog of Kestra's official plugins (``flowlint/data/catalog.json``).

A compact form read once: each plugin lists its versions oldest first and each type once with the range
of versions that have it. Versions' type maps and the type index are computed on first use.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

from flowlint.errors import UsageError
from flowlint.manifest.model import Manifest, Plugin, PluginVersion, TypeEntry
from flowlint.versions import parse_version

CATALOG_RESOURCE = "catalog.json"

TypeRange = tuple[str, str, int, int]
"""(type, kind, first version index, last version index)."""


class _RangeTypes(Mapping[str, str]):
    """The types of the catalog version at ``position``, worked out when first read."""

    def __init__(self, ranges: Sequence[TypeRange], position: int) -> None:
        self._ranges = ranges
        self._position = position
        self._types: dict[str, str] | None = None

    def _resolved(self) -> dict[str, str]:
        if self._types is None:
            position = self._position
            self._types = {t: kind for t, kind, first, last in self._ranges if first <= position <= last}
        return self._types

    def __getitem__(self, key: str) -> str:
        return self._resolved()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._resolved())

    def __len__(self) -> int:
        return len(self._resolved())


class _RangeAliases(Mapping[str, str]):
    """The aliases of one catalog version: those whose canonical type that version has."""

    def __init__(self, aliases: Sequence[tuple[str, str]], types: Mapping[str, str]) -> None:
        self._aliases = aliases
        self._types = types
        self._resolved: dict[str, str] | None = None

    def _get(self) -> dict[str, str]:
        if self._resolved is None:
            self._resolved = {a: c for a, c in self._aliases if c in self._types}
        return self._resolved

    def __getitem__(self, key: str) -> str:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


@dataclass(frozen=True)
class CatalogManifest(Manifest):
    """A Manifest whose index is built from type ranges instead of every version's type list."""

    ranges: tuple[tuple[tuple[TypeRange, ...], tuple[tuple[str, str], ...]], ...] = ()
    """Per plugin (same order as ``plugins``): its type ranges and its aliases."""
    as_of: str = ""

    @cached_property
    def _index(self) -> dict[str, list[TypeEntry]]:
        index: dict[str, list[TypeEntry]] = {}
        for plugin, (types, aliases) in zip(self.plugins, self.ranges, strict=True):
            spans: dict[str, tuple[str, set[int]]] = {}
            for type_name, kind, first, last in types:
                spans.setdefault(type_name, (kind, set()))[1].update(range(first, last + 1))
            for alias, canonical in aliases:
                if canonical in spans:
                    kind, positions = spans[canonical]
                    spans.setdefault(alias, (kind, set()))[1].update(positions)
            for type_name, (kind, positions) in spans.items():
                versions = tuple(plugin.versions[i] for i in sorted(positions))
                index.setdefault(type_name, []).append(TypeEntry(type_name, plugin, versions, kind))
        return index


def catalog_from_data(data: Mapping[str, Any]) -> CatalogManifest:
    """The catalog model from its compact data."""
    if data.get("format") != "flowlint-catalog" or data.get("formatVersion") != 1:
        raise UsageError("the bundled catalog is not in a format this flowlint reads")
    plugins = []
    ranges = []
    for item in data["plugins"]:
        types: tuple[TypeRange, ...] = tuple((t, k, a, b) for t, k, a, b in item["t"])
        aliases = tuple((a, c) for a, c in item["al"])
        versions = []
        for position, text in enumerate(item["v"]):
            parsed = parse_version(text)
            assert parsed is not None, text
            version_types = _RangeTypes(types, position)
            versions.append(PluginVersion(parsed, version_types, _RangeAliases(aliases, version_types)))
        plugins.append(Plugin(item["g"], item["a"], tuple(versions), core=bool(item["c"])))
        ranges.append((types, aliases))
    as_of = str(data.get("asOf", "unknown date"))
    return CatalogManifest(
        plugins=tuple(plugins),
        source=f"catalog of official plugins, {len(plugins)} artifacts, as of {as_of}",
        origin="bundled catalog",
        ranges=tuple(ranges),
        as_of=as_of,
    )


def load_catalog() -> CatalogManifest:
    """The bundled catalog."""
    raw = resources.files("flowlint.data").joinpath(CATALOG_RESOURCE).read_bytes()
    return catalog_from_data(json.loads(raw))
