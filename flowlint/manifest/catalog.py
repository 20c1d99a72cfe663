"""The bundled catalog of Kestra's official plugins (``flowlint/data/catalog.json``).

A compact form read once: each plugin lists its versions oldest first and each type once with the range
of versions that have it. Versions' type maps and the type index are computed on first use.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
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


class _LazyMapping(Mapping[str, str]):
    """A mapping that ``build`` works out when it is first read (most catalog versions never are)."""

    __slots__ = ("_args", "_build", "_data")

    def __init__(self, build: Callable[..., dict[str, str]], *args: Any) -> None:
        self._build = build
        self._args = args
        self._data: dict[str, str] | None = None

    def _get(self) -> dict[str, str]:
        if self._data is None:
            self._data = self._build(*self._args)
        return self._data

    def __getitem__(self, key: str) -> str:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def _types_at(ranges: Sequence[TypeRange], position: int) -> dict[str, str]:
    """The types of the catalog version at ``position``."""
    return {t: kind for t, kind, first, last in ranges if first <= position <= last}


def _aliases_of(aliases: Sequence[tuple[str, str]], types: Mapping[str, str]) -> dict[str, str]:
    """The aliases of one catalog version: those whose canonical type that version has."""
    return {a: c for a, c in aliases if c in types}


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
            version_types = _LazyMapping(_types_at, types, position)
            versions.append(PluginVersion(parsed, version_types, _LazyMapping(_aliases_of, aliases, version_types)))
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
