"""What Kestra's plugin endpoints answer, read into plugins and their versions (any mix, any order).

The answers read, with the shapes of Kestra's public source and of its generated API clients:

``GET /api/v1[/{tenant}]/plugins``
    A list of ``io.kestra.core.docs.Plugin``: ``name`` (``X-Kestra-Name``: the Maven artifactId; ``core``
    for the bundled plugin), ``title``, ``group`` (``X-Kestra-Group``: a Java package, not the Maven
    groupId), ``version`` (null for the core plugin), ``aliases`` (the alias *names* only), and one list per
    class category: ``tasks``, ``triggers``, ``conditions``, ``taskRunners`` and ``controllers``,
    ``storages``, ``secrets``, ``apps``, ``appBlocks``, ``charts``, ``dataFilters``, ``dataFiltersKPI``,
    ``logExporters``, ``additionalPlugins`` (those go to ``others``). Entries are class names (older
    Kestra) or ``PluginElementMetadata`` objects ``{cls, deprecated, title, description}`` (1.x).
``GET /api/v1/plugins/{cls}/versions``
    ``ApiPluginVersions``: ``{type, versions: [..]}``; it names no plugin, so its versions are added to the
    plugin that other answers say provides ``type``.
EE ``GET /api/v1[/{tenant}]/instance/versioned-plugins?page=&size=`` (older: ``…/cluster/versioned-plugins``)
    ``PagedResults``: ``{total, results: [{groupId, artifactId, title, icon, versions: [..]}]}``. Versions
    only: the types of each come from its details.
EE ``GET …/versioned-plugins/{groupId}/{artifactId}/{version}``
    ``{groupId, artifactId, version, title, description, icon, classes: [{type, classes: [{name, icon}]}]}``;
    ``type`` is a class category (``TASK``, ``TRIGGER``, ``CONDITION``, ``TASK_RUNNER``, ``tasks``,
    ``task-runners``…: matched ignoring case, ``_``/``-`` and a plural ``s``); any other goes to ``others``.
``GET /api/v1/configs``
    ``{version, commitId, …}``: the Kestra version (optional).

Maven coordinates for ``/api/v1/plugins``, which has no groupId: the core plugin (``name`` ``core``,
``group`` ``io.kestra.plugin.core``) is ``io.kestra:core`` with ``core: true``, at the Kestra version when
one is known; the artifactId is ``name``; the groupId is ``io.kestra.storage`` for a ``group`` under
``io.kestra.storage``, ``io.kestra.secret`` under ``io.kestra.secret``, ``io.kestra.plugin`` for any
other ``io.kestra.*`` group (Kestra's official plugins), and the ``group`` itself for anyone else's. When
a versioned-plugins answer names the same artifactId, its real groupId wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from flowlint.manifest.model import in_package
from flowlint.versions import parse_version

CORE_GROUP_ID, CORE_ARTIFACT_ID = "io.kestra", "core"
"""The core plugin's coordinates, as in flowlint's bundled catalog."""

_TYPE_RE = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)+$")
_KINDS = {"tasks": "tasks", "triggers": "triggers", "conditions": "conditions", "taskRunners": "taskRunners"}
_OTHER_KEYS = (
    "controllers",
    "storages",
    "secrets",
    "apps",
    "appBlocks",
    "charts",
    "dataFilters",
    "dataFiltersKPI",
    "logExporters",
    "additionalPlugins",
)
_DETAIL_KINDS = {"task": "tasks", "trigger": "triggers", "condition": "conditions", "taskrunner": "taskRunners"}
_CONFIG_KEYS = ("commitId", "commitDate", "uuid", "isTaskRunEnabled", "systemNamespace", "edition")


@dataclass
class CollectedVersion:
    """One version of a plugin, as the answers read so far describe it."""

    text: str
    types: dict[str, str] = field(default_factory=dict)
    """type -> manifest key (tasks, triggers, conditions, taskRunners, others)."""
    alias_names: set[str] = field(default_factory=set)
    described: bool = False
    """Whether some answer listed the classes of this version."""


@dataclass
class CollectedPlugin:
    """One plugin (Maven coordinates) and its versions, as the answers read so far describe them."""

    group_id: str
    artifact_id: str
    title: str | None = None
    core: bool = False
    derived_group: bool = False
    """The groupId was guessed from the Java group of ``/api/v1/plugins``."""
    versions: dict[str, CollectedVersion] = field(default_factory=dict)
    """Keyed by the lowercased version; ``""`` for an answer that gave no version."""

    @property
    def coordinates(self) -> str:
        """``groupId:artifactId``."""
        return f"{self.group_id}:{self.artifact_id}"

    def version(self, text: str | None) -> CollectedVersion:
        """The version ``text`` (any case; None for an answer that gave none), added when new."""
        key = (text or "").lower()
        if key not in self.versions:
            self.versions[key] = CollectedVersion(text or "")
        return self.versions[key]


class UnknownShape(Exception):
    """The JSON is not an answer this module knows."""


class Collector:
    """Merges API answers (plugins lists, versioned lists, version details) into plugins and versions."""

    def __init__(self) -> None:
        self.plugins: dict[tuple[str, str], CollectedPlugin] = {}
        self.kestra_version: str | None = None
        self.warnings: list[str] = []
        self.type_versions: list[tuple[str, list[str], str]] = []
        """(type, versions, origin) of each ``GET /api/v1/plugins/{cls}/versions`` answer."""
        self.skipped: dict[str, list[str]] = {}
        """origin -> the class names left out of it (not Java class names)."""

    # ---- dispatch

    def add(self, data: Any, origin: str) -> None:
        """Add one answer; raises UnknownShape when it is none flowlint knows."""
        if isinstance(data, list):
            if not data:
                self.warnings.append(f"{origin} lists no plugins")
                return
            handlers = [self._handler(item) for item in data]
            if any(h is None for h in handlers):
                raise UnknownShape
            for handler, item in zip(handlers, data, strict=True):
                assert handler is not None
                handler(item, origin)
            return
        if isinstance(data, dict):
            if isinstance(data.get("results"), list) and all(_is_artifact(r) for r in data["results"]):
                for item in data["results"]:
                    self.add_artifact(item, origin)
                if not data["results"]:
                    self.warnings.append(f"{origin} lists no versioned plugins")
                return
            handler = self._handler(data)
            if handler is not None:
                handler(data, origin)
                return
            if isinstance(data.get("type"), str) and _is_str_list(data.get("versions")):
                self.type_versions.append((data["type"], list(data["versions"]), origin))
                return
            if isinstance(data.get("version"), str) and any(k in data for k in _CONFIG_KEYS):
                self.kestra_version = self.kestra_version or data["version"]
                return
        raise UnknownShape

    def _handler(self, item: Any) -> Callable[[Any, str], None] | None:
        if not isinstance(item, dict):
            return None
        if _is_detail(item):
            return self.add_detail
        if _is_artifact(item):
            return self.add_artifact
        if _is_plugin_entry(item):
            return self.add_plugin_entry
        return None

    # ---- shapes

    def add_plugin_entry(self, entry: dict[str, Any], origin: str) -> None:
        """One item of ``GET /api/v1/plugins``."""
        name, group, title = _text(entry.get("name")), _text(entry.get("group")), _text(entry.get("title"))
        classes: dict[str, str] = {}
        for key, value in entry.items():
            if key in _KINDS:
                manifest_key = _KINDS[key]
            elif key in _OTHER_KEYS or (
                isinstance(value, list) and value and all(isinstance(v, dict) and "cls" in v for v in value)
            ):
                manifest_key = "others"
            else:
                continue
            for item in value if isinstance(value, list) else ():
                type_name = item.get("cls") if isinstance(item, dict) else item
                if self._valid_type(type_name, origin):
                    classes.setdefault(type_name, manifest_key)
        if _is_core(name, group, title):
            plugin = self._plugin(CORE_GROUP_ID, CORE_ARTIFACT_ID)
            plugin.core = True
            title = None
        else:
            artifact = name if name and name != "core" else (title or group or "unknown")
            group_id = _maven_group(group, classes)
            plugin = self._plugin(group_id, artifact, derived=True)
        plugin.title = plugin.title or title
        text = _text(entry.get("version"))
        if text is not None and not self.valid_version(text, plugin, origin):
            return
        version = plugin.version(text)
        version.types.update(classes)
        version.described = True
        aliases = entry.get("aliases")
        version.alias_names.update(a for a in aliases or () if isinstance(a, str) and self._valid_type(a, origin))

    def add_artifact(self, item: dict[str, Any], origin: str) -> None:
        """One result of the versioned-plugins list: coordinates and versions, no types."""
        plugin = self._plugin(item["groupId"], item["artifactId"])
        plugin.title = plugin.title or _text(item.get("title"))
        for entry in item["versions"]:
            text = entry.get("version") if isinstance(entry, dict) else entry
            if isinstance(text, str) and self.valid_version(text, plugin, origin):
                plugin.version(text)

    def add_detail(self, item: dict[str, Any], origin: str) -> None:
        """The details of one version of a versioned plugin: its classes by category."""
        plugin = self._plugin(item["groupId"], item["artifactId"])
        plugin.title = plugin.title or _text(item.get("title"))
        if not self.valid_version(item["version"], plugin, origin):
            return
        version = plugin.version(item["version"])
        version.described = True
        for group in item.get("classes") or ():
            if not isinstance(group, dict):
                continue
            manifest_key = _detail_kind(group.get("type"))
            for entry in group.get("classes") or ():
                type_name = entry.get("name") if isinstance(entry, dict) else entry
                if self._valid_type(type_name, origin):
                    version.types.setdefault(type_name, manifest_key)

    # ---- helpers

    def _plugin(self, group_id: str, artifact_id: str, derived: bool = False) -> CollectedPlugin:
        key = (group_id, artifact_id)
        if key not in self.plugins:
            self.plugins[key] = CollectedPlugin(group_id, artifact_id, derived_group=derived)
        elif not derived:
            self.plugins[key].derived_group = False
        return self.plugins[key]

    def _valid_type(self, type_name: Any, origin: str) -> TypeGuard[str]:
        if isinstance(type_name, str) and _TYPE_RE.match(type_name):
            return True
        self.skipped.setdefault(origin, []).append(repr(type_name))
        return False

    def valid_version(self, text: str, plugin: CollectedPlugin, origin: str) -> bool:
        """Whether ``text`` is a Kestra version; else a warning naming ``origin`` and the plugin."""
        if parse_version(text) is not None:
            return True
        self.warnings.append(f"{origin}: left out version {text!r} of {plugin.coordinates}: not a Kestra version")
        return False


def _is_detail(item: dict[str, Any]) -> bool:
    return (
        isinstance(item.get("groupId"), str)
        and isinstance(item.get("artifactId"), str)
        and bool(item["groupId"])
        and bool(item["artifactId"])
        and isinstance(item.get("version"), str)
        and isinstance(item.get("classes"), list)
    )


def _is_artifact(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("groupId"), str)
        and isinstance(item.get("artifactId"), str)
        and bool(item["groupId"])
        and bool(item["artifactId"])
        and isinstance(item.get("versions"), list)
    )


def _is_plugin_entry(item: dict[str, Any]) -> bool:
    named = isinstance(item.get("name"), str) or isinstance(item.get("group"), str)
    return named and any(isinstance(item.get(k), list) for k in (*_KINDS, *_OTHER_KEYS))


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_core(name: str | None, group: str | None, title: str | None) -> bool:
    if group in ("io.kestra.plugin.core", "io.kestra.core"):
        return True
    return name in (None, "core") and group is None and (title or "core").lower() == "core"


def _maven_group(group: str | None, classes: Iterable[str]) -> str:
    """The Maven groupId of a plugin of ``/api/v1/plugins`` (see the module docstring for the rule)."""
    if group is None:
        packages = [name.rsplit(".", 1)[0].split(".") for name in classes]
        common: list[str] = []
        for parts in zip(*packages, strict=False):
            if len(set(parts)) != 1:
                break
            common.append(parts[0])
        group = ".".join(common) or "unknown"
    for prefix in ("io.kestra.storage", "io.kestra.secret"):
        if in_package(group, prefix):
            return prefix
    if group.startswith("io.kestra."):
        return "io.kestra.plugin"
    return group


def _detail_kind(value: Any) -> str:
    normal = re.sub(r"[^a-z]", "", value.lower()) if isinstance(value, str) else ""
    return _DETAIL_KINDS.get(normal.removesuffix("s"), "others")
