"""The bundled catalog of Kestra's official plugins (``flowlint/data/catalog.json``).

A compact form read once: each plugin lists its versions oldest first and each type once with the range
of versions that have it. Nothing more is built up front: a plugin's objects are made when a looked-up
type (or a command that lists plugins) first needs them, a version's type map when it is first read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any, overload

from flowlint.errors import UsageError
from flowlint.manifest.model import Manifest, Plugin, PluginVersion, TypeEntry
from flowlint.versions import Version, parse_version
from flowlint.wording import count

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

    def get(self, key: str, default: Any = None) -> Any:
        """``self[key]``, else ``default`` (without Mapping's exception on a miss)."""
        return self._get().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def _types_at(ranges: Sequence[TypeRange], position: int) -> dict[str, str]:
    """The types of the catalog version at ``position``."""
    return {t: kind for t, kind, first, last in ranges if first <= position <= last}


def _aliases_of(aliases: Sequence[Sequence[str]], types: Mapping[str, str]) -> dict[str, str]:
    """The aliases of one catalog version: those whose canonical type that version has."""
    return {a: c for a, c in aliases if c in types}


def _plugin_from(item: Mapping[str, Any], parsed_versions: dict[str, Version]) -> Plugin:
    """One plugin's model from its compact data; ``parsed_versions`` shares Version objects between
    plugins (most version numbers are released by many)."""
    ranges: Sequence[TypeRange] = item["t"]
    versions = []
    for position, text in enumerate(item["v"]):
        parsed = parsed_versions.get(text) or parse_version(text)
        assert parsed is not None, text
        parsed_versions[text] = parsed
        version_types = _LazyMapping(_types_at, ranges, position)
        versions.append(PluginVersion(parsed, version_types, _LazyMapping(_aliases_of, item["al"], version_types)))
    return Plugin(item["g"], item["a"], tuple(versions), core=bool(item["c"]))


class _Plugins(Sequence[Plugin]):
    """The catalog's plugins, each built from its compact data the first time it is read."""

    __slots__ = ("_built", "_items", "_versions")

    def __init__(self, items: Sequence[Mapping[str, Any]]) -> None:
        self._items = items
        self._built: list[Plugin | None] = [None] * len(items)
        self._versions: dict[str, Version] = {}

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Plugin: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Plugin]: ...

    def __getitem__(self, index: int | slice) -> Plugin | Sequence[Plugin]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        plugin = self._built[index]
        if plugin is None:
            plugin = self._built[index] = _plugin_from(self._items[index], self._versions)
        return plugin


def _spans(item: Mapping[str, Any]) -> dict[str, tuple[str, list[tuple[int, int]]]]:
    """Type or alias -> (kind, ranges of the positions of the versions that have it) in one plugin."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    for type_name, kind, first, last in item["t"]:
        spans.setdefault(type_name, (kind, []))[1].append((first, last))
    for alias, canonical in item["al"]:
        if canonical in spans:
            kind, ranges = spans[canonical]
            spans.setdefault(alias, (kind, []))[1].extend(ranges)
    return spans


class _TypeIndex(Mapping[str, list[TypeEntry]]):
    """Type or alias -> the catalog plugins that have it; names known up front, entries made on lookup."""

    __slots__ = ("_entries", "_items", "_plugins", "_positions", "_spans")

    def __init__(self, plugins: Sequence[Plugin], items: Sequence[Mapping[str, Any]]) -> None:
        self._plugins = plugins
        self._items = items
        self._positions: dict[str, list[int]] = {}
        """name -> positions of the plugins that have it as a type or an alias (in catalog order)."""
        for position, item in enumerate(items):
            names = {row[0]: None for row in item["t"]}
            for alias, canonical in item["al"]:
                if canonical in names:
                    names[alias] = None
            for name in names:
                self._positions.setdefault(name, []).append(position)
        self._entries: dict[str, list[TypeEntry]] = {}
        self._spans: dict[int, dict[str, tuple[str, list[tuple[int, int]]]]] = {}

    def __getitem__(self, name: str) -> list[TypeEntry]:
        entries = self._entries.get(name)
        if entries is None:
            entries = self._entries[name] = [self._entry(name, p) for p in self._positions[name]]
        return entries

    def get(self, name: str, default: Any = None) -> Any:
        """``self[name]``, else ``default`` (without Mapping's exception on a miss)."""
        return self[name] if name in self._positions else default

    def _entry(self, name: str, position: int) -> TypeEntry:
        plugin = self._plugins[position]
        spans = self._spans.get(position)
        if spans is None:
            spans = self._spans[position] = _spans(self._items[position])
        kind, ranges = spans[name]
        positions = sorted({i for first, last in ranges for i in range(first, last + 1)})
        return TypeEntry(name, plugin, tuple(plugin.versions[i] for i in positions), kind)

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)

    def __contains__(self, name: object) -> bool:
        return name in self._positions


@dataclass(frozen=True)
class CatalogManifest(Manifest):
    """A Manifest read from the compact catalog: plugins and index entries are built on first use."""

    items: Sequence[Mapping[str, Any]] = ()
    """Each plugin's compact data (same order as ``plugins``)."""
    as_of: str = ""

    @cached_property
    def _index(self) -> Mapping[str, list[TypeEntry]]:
        return _TypeIndex(self.plugins, self.items)

    @property
    def has_core(self) -> bool:
        """Whether the catalog describes Kestra's core plugin."""
        return any(item["c"] for item in self.items)

    def core_plugins(self) -> list[Plugin]:
        """The plugins marked ``core``, built without building the others."""
        return [self.plugins[i] for i, item in enumerate(self.items) if item["c"]]

    def summary(self) -> str:
        """``N plugins, M versions`` for the run summary."""
        return f"{count(len(self.items), 'plugin')}, {count(sum(len(item['v']) for item in self.items), 'version')}"


def catalog_from_data(data: Mapping[str, Any]) -> CatalogManifest:
    """The catalog model from its compact data."""
    if data.get("format") != "flowlint-catalog" or data.get("formatVersion") != 1:
        raise UsageError("the bundled catalog is not in a format this flowlint reads")
    items: list[Mapping[str, Any]] = data["plugins"]
    as_of = str(data.get("asOf", "unknown date"))
    return CatalogManifest(
        plugins=_Plugins(items),
        source=f"bundled catalog of official plugins as of {as_of}",
        origin="bundled catalog",
        items=tuple(items),
        as_of=as_of,
    )


@cache
def load_catalog() -> CatalogManifest:
    """The bundled catalog (read once per process: every run and language-server project shares it)."""
    raw = resources.files("flowlint.data").joinpath(CATALOG_RESOURCE).read_bytes()
    return catalog_from_data(json.loads(raw))
