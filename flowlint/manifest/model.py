"""The installed-plugins model: plugins, their versions, the types each version provides.

The type index (type or alias -> plugin -> versions that contain it) is built lazily, once, on first
use, so loading a manifest that a run does not query costs nothing more than reading it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from flowlint.versions import Version, parse_version
from flowlint.wording import count

if TYPE_CHECKING:
    from flowlint.properties.store import Store

CORE_PREFIXES = ("io.kestra.plugin.core.", "io.kestra.core.")
"""Packages of Kestra's core plugin, bundled with Kestra and never versioned."""

KINDS = ("tasks", "triggers", "conditions", "taskRunners", "others")
"""The manifest keys that list types, in the order they are reported."""

KIND_OF_KEY = {
    "tasks": "task",
    "triggers": "trigger",
    "conditions": "condition",
    "taskRunners": "taskRunner",
    "others": "other",
}


def in_package(name: str, package: str) -> bool:
    """Whether the dotted ``name`` is ``package`` or lies below it (a trailing dot on ``package`` is
    ignored): ``io.kestra.plugin.aws`` holds ``io.kestra.plugin.aws.s3.Upload``, not ``…awsx.Y``."""
    package = package.rstrip(".")
    return name == package or name.startswith(package + ".")


_NO_ENTRIES: Mapping[str, str] = MappingProxyType({})


class PluginVersion(NamedTuple):
    """One installed version of one plugin, with the types it provides."""

    version: Version
    types: Mapping[str, str]
    """type -> kind (task, trigger, condition, taskRunner, other)."""
    aliases: Mapping[str, str] = _NO_ENTRIES
    """alias -> canonical type."""

    @property
    def text(self) -> str:
        """The version as written in the manifest."""
        return self.version.text


class Plugin(NamedTuple):
    """A plugin artifact, identified by its Maven coordinates, with its installed versions."""

    group_id: str
    artifact_id: str
    versions: tuple[PluginVersion, ...]
    core: bool = False
    title: str | None = None

    @property
    def coordinates(self) -> str:
        """``groupId:artifactId``."""
        return f"{self.group_id}:{self.artifact_id}"


class TypeEntry(NamedTuple):
    """What the index knows of one type name in one plugin."""

    name: str
    plugin: Plugin
    versions: tuple[PluginVersion, ...]
    """The versions of ``plugin`` that have the name, as a class or as an alias, oldest first (sorted)."""
    kind: str

    def canonical_in(self, version: PluginVersion) -> str | None:
        """The canonical type when the name is an alias in ``version``, else None (a name declared as its own
        alias, as plugin-serdes declares InferAvroSchemaFromIon, is no alias)."""
        canonical = version.aliases.get(self.name)
        return canonical if canonical != self.name else None

    @property
    def canonical(self) -> str | None:
        """The canonical type when the name is an alias in the newest version that has it."""
        return self.canonical_in(self.versions[-1]) if self.versions else None


@dataclass(frozen=True)
class Manifest:
    """The plugins of one Kestra instance (or of the bundled catalog)."""

    plugins: Sequence[Plugin]
    source: str = "manifest"
    kestra_version: str | None = None
    origin: str | None = None
    """The file it was read from, when it was read from one."""
    generated_at: str | None = None
    """When it was made (``generatedAt``), as written."""
    fingerprint: str = ""
    """A hash of the file(s) it was read from ('' for the bundled catalog, which flowlint's version names)."""
    core_note: str | None = None
    """Where its core types come from when they are not its own (the bundled catalog's, for a target)."""
    borrowed_plugins: int = 0
    """How many of ``plugins`` (the last ones) were added for ``core_note``."""
    property_sections: Mapping[str, tuple[Sequence[str], Mapping[str, Any]]] = field(default_factory=dict)
    """``group:artifact`` -> (its versions, its ``properties`` section) for the plugins whose property
    definitions the manifest gives."""
    kestra_properties: Mapping[str, Any] | None = None
    """The manifest's ``kestra`` section: the base property sets and Kestra's classes per Kestra version."""

    @cached_property
    def property_store(self) -> Store:
        """Where property definitions come from: the manifest's sections, else the bundled data (which
        describes the official plugins' released versions)."""
        from flowlint.properties.store import ManifestStore, bundled_store

        if not self.property_sections and self.kestra_properties is None:
            return bundled_store()
        return ManifestStore(self.property_sections, self.kestra_properties, bundled_store())

    @cached_property
    def property_lookups(self) -> dict[str, Any]:
        """Property lookups of this manifest by target Kestra version (see flowlint.properties.lookup)."""
        return {}

    @cached_property
    def _index(self) -> Mapping[str, list[TypeEntry]]:
        index: dict[str, list[TypeEntry]] = {}
        for plugin in self.plugins:
            per_type: dict[str, list[PluginVersion]] = {}
            kinds: dict[str, str] = {}
            for version in sorted(plugin.versions, key=lambda v: v.version.sort_key):
                for type_name, kind in version.types.items():
                    per_type.setdefault(type_name, []).append(version)
                    kinds.setdefault(type_name, kind)
                for alias, target in version.aliases.items():
                    per_type.setdefault(alias, []).append(version)
                    kinds.setdefault(alias, version.types.get(target, "other"))
            for type_name, versions in per_type.items():
                index.setdefault(type_name, []).append(
                    TypeEntry(type_name, plugin, tuple({id(v): v for v in versions}.values()), kinds[type_name])
                )
        return index

    @cached_property
    def _lowercase(self) -> dict[str, str]:
        return {name.lower(): name for name in self._index}

    def lookup(self, type_name: str) -> list[TypeEntry]:
        """Every plugin that provides ``type_name`` (exactly, case-sensitively) or declares it as alias."""
        return self._index.get(type_name, [])

    @cached_property
    def _suggestions(self) -> dict[str, list[str]]:
        return {}

    @cached_property
    def outcomes(self) -> dict[tuple[Any, ...], Any]:
        """The resolver's memo: what (type, version request, matching rules) selects in this manifest."""
        return {}

    def suggest(self, type_name: str) -> list[str]:
        """Up to three known types close to ``type_name``: looked for in its package, else in the
        nearest package that exists, else among types of the same class name (memoised)."""
        memo = self._suggestions
        if type_name not in memo:
            import difflib

            parts = type_name.split(".")
            pool: list[str] = []
            for depth in range(len(parts) - 1, 0, -1):
                package = ".".join(parts[:depth]) + "."
                pool = [name for name in self._index if name.startswith(package)]
                if pool:
                    break
            if len(pool) > 400:
                pool = []
            simple = parts[-1]
            pool = [*pool, *(n for n in self._index if n.rsplit(".", 1)[-1] == simple and n not in pool)]
            memo[type_name] = difflib.get_close_matches(type_name, pool, n=3, cutoff=0.75)
        return memo[type_name]

    def case_insensitive(self, type_name: str) -> str | None:
        """The known type that equals ``type_name`` but for case, if there is one."""
        found = self._lowercase.get(type_name.lower())
        return found if found != type_name else None

    @property
    def type_names(self) -> list[str]:
        """Every known type and alias."""
        return list(self._index)

    @property
    def has_core(self) -> bool:
        """Whether the manifest describes Kestra's core plugin (so core types can be checked)."""
        return any(plugin.core for plugin in self.plugins)

    @property
    def own_plugins(self) -> int:
        """How many plugins the manifest itself lists (not those borrowed for ``core_note``)."""
        return len(self.plugins) - self.borrowed_plugins

    def core_plugins(self) -> list[Plugin]:
        """The plugins marked ``core`` (bundled with Kestra)."""
        return [plugin for plugin in self.plugins if plugin.core]

    def summary(self) -> str:
        """``N plugins, M versions`` for the run summary (and where core types come from when borrowed)."""
        own = self.plugins[: self.own_plugins]
        versions = sum(len(p.versions) for p in own)
        text = f"{count(len(own), 'plugin')}, {count(versions, 'version')}"
        return f"{text}; {self.core_note}" if self.core_note else text


def plugin_version(text: str, types: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> PluginVersion:
    """Build a PluginVersion from its manifest text; raises ValueError for an invalid version."""
    parsed = parse_version(text)
    if parsed is None:
        raise ValueError(f"invalid version {text!r}")
    return PluginVersion(parsed, dict(types), dict(aliases or {}))
