"""Manifests from Kestra's REST API: saved answers (``manifest import``) and a live instance (``manifest pull``).

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
a versioned-plugins answer names the same artifactId, its real groupId wins. Aliases are matched to the
class of the same version with the same simple name (or that name without a ``Condition`` suffix, or a
few renames of Kestra's core); others are left out with a warning.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeGuard

from flowlint import __version__
from flowlint.datafile import parse_json, read_bytes
from flowlint.errors import UsageError
from flowlint.manifest.model import in_package
from flowlint.manifest.writer import BuildResult, new_manifest_data, plugin_data
from flowlint.versions import parse_version

CORE_GROUP_ID, CORE_ARTIFACT_ID = "io.kestra", "core"
"""The core plugin's coordinates, as in flowlint's bundled catalog."""

UNKNOWN_VERSION = "0.0.0"
"""The version recorded for a plugin whose answer gives none (and, with no Kestra version, for core)."""

PAGE_SIZE = 100
PROGRESS_INTERVAL = 1.0
"""Seconds between two progress lines at least (and one line per 10 % at most)."""
WORKERS = 8

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
# Aliases of Kestra's core whose class has another simple name (from the @Plugin(aliases) of its source).
_CORE_RENAMES = {
    "io.kestra.core.tasks.executions.Counts": "io.kestra.plugin.core.execution.Count",
    "io.kestra.core.tasks.flows.Flow": "io.kestra.plugin.core.flow.Subflow",
    "io.kestra.core.tasks.flows.Worker": "io.kestra.plugin.core.flow.WorkingDirectory",
    "io.kestra.core.tasks.storages.Purge": "io.kestra.plugin.core.execution.PurgeExecutions",
    "io.kestra.core.tasks.storages.PurgeExecution": "io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles",
    "io.kestra.plugin.core.storage.Purge": "io.kestra.plugin.core.execution.PurgeExecutions",
    "io.kestra.plugin.core.storage.PurgeExecution": "io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles",
    "io.kestra.core.models.conditions.types.VariableCondition": "io.kestra.plugin.core.condition.Expression",
}
_PLUGINS_PATH = "plugins"
_VERSIONED_PATHS = ("instance/versioned-plugins", "cluster/versioned-plugins")
_DETAILS_HINT = (
    "save each version's details (GET /api/v1/instance/versioned-plugins/{groupId}/{artifactId}/{version}) "
    "and import them too, or use `flowlint manifest pull`"
)


# --------------------------------------------------------------------------------------------------
# Collecting answers into one manifest


@dataclass
class _Version:
    text: str
    types: dict[str, str] = field(default_factory=dict)
    """type -> manifest key (tasks, triggers, conditions, taskRunners, others)."""
    alias_names: set[str] = field(default_factory=set)
    described: bool = False
    """Whether some answer listed the classes of this version."""


@dataclass
class _Plugin:
    group_id: str
    artifact_id: str
    title: str | None = None
    core: bool = False
    derived_group: bool = False
    """The groupId was guessed from the Java group of ``/api/v1/plugins``."""
    versions: dict[str, _Version] = field(default_factory=dict)
    """Keyed by the lowercased version; ``""`` for an answer that gave no version."""

    @property
    def coordinates(self) -> str:
        return f"{self.group_id}:{self.artifact_id}"

    def version(self, text: str | None) -> _Version:
        key = (text or "").lower()
        if key not in self.versions:
            self.versions[key] = _Version(text or "")
        return self.versions[key]


class _UnknownShape(Exception):
    """The JSON is not an answer this module knows."""


class _Collector:
    """Merges API answers (plugins lists, versioned lists, version details) into one manifest."""

    def __init__(self) -> None:
        self.plugins: dict[tuple[str, str], _Plugin] = {}
        self.kestra_version: str | None = None
        self.warnings: list[str] = []
        self._type_versions: list[tuple[str, list[str], str]] = []
        self._skipped: dict[str, list[str]] = {}

    # ---- dispatch

    def add(self, data: Any, origin: str) -> None:
        """Add one answer; raises _UnknownShape when it is none flowlint knows."""
        if isinstance(data, list):
            if not data:
                self.warnings.append(f"{origin} lists no plugins")
                return
            handlers = [self._handler(item) for item in data]
            if any(h is None for h in handlers):
                raise _UnknownShape
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
                self._type_versions.append((data["type"], list(data["versions"]), origin))
                return
            if isinstance(data.get("version"), str) and any(k in data for k in _CONFIG_KEYS):
                self.kestra_version = self.kestra_version or data["version"]
                return
        raise _UnknownShape

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
        if text is not None and not self._valid_version(text, plugin, origin):
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
            if isinstance(text, str) and self._valid_version(text, plugin, origin):
                plugin.version(text)

    def add_detail(self, item: dict[str, Any], origin: str) -> None:
        """The details of one version of a versioned plugin: its classes by category."""
        plugin = self._plugin(item["groupId"], item["artifactId"])
        plugin.title = plugin.title or _text(item.get("title"))
        if not self._valid_version(item["version"], plugin, origin):
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

    def _plugin(self, group_id: str, artifact_id: str, derived: bool = False) -> _Plugin:
        key = (group_id, artifact_id)
        if key not in self.plugins:
            self.plugins[key] = _Plugin(group_id, artifact_id, derived_group=derived)
        elif not derived:
            self.plugins[key].derived_group = False
        return self.plugins[key]

    def _valid_type(self, type_name: Any, origin: str) -> TypeGuard[str]:
        if isinstance(type_name, str) and _TYPE_RE.match(type_name):
            return True
        self._skipped.setdefault(origin, []).append(repr(type_name))
        return False

    def _valid_version(self, text: str, plugin: _Plugin, origin: str) -> bool:
        if parse_version(text) is not None:
            return True
        self.warnings.append(f"{origin}: left out version {text!r} of {plugin.coordinates}: not a Kestra version")
        return False

    # ---- the manifest

    def build(self, source: str, generated_at: str | None, details_hint: str) -> BuildResult:
        """The merged manifest, with warnings about what the answers could not tell."""
        self._adopt_real_group_ids()
        self._fill_unknown_versions()
        self._add_type_versions()
        for origin, names in self._skipped.items():
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            self.warnings.append(f"{origin}: left out {len(names)} class names that are not Java class names: {shown}")
        plugins = []
        undescribed: list[str] = []
        for plugin in self.plugins.values():
            versions = []
            for version in plugin.versions.values():
                if not version.described:
                    undescribed.append(f"{plugin.coordinates} {version.text}")
                versions.append(self._version_data(plugin, version))
            plugins.append(plugin_data(plugin.group_id, plugin.artifact_id, versions, plugin.title, plugin.core))
        if undescribed:
            shown = ", ".join(sorted(undescribed)[:5]) + (
                f" and {len(undescribed) - 5} more" if len(undescribed) > 5 else ""
            )
            count = len(undescribed)
            self.warnings.append(
                f"types are unknown for {count} plugin version{'s' if count != 1 else ''} ({shown}): "
                f"the manifest lists {'it' if count == 1 else 'them'} without types; {details_hint}"
            )
        data = new_manifest_data(source, plugins, self.kestra_version, generated_at)
        return BuildResult(data, self.warnings)

    def _adopt_real_group_ids(self) -> None:
        real: dict[str, list[_Plugin]] = {}
        for plugin in self.plugins.values():
            if not plugin.derived_group and not plugin.core:
                real.setdefault(plugin.artifact_id, []).append(plugin)
        for key, plugin in list(self.plugins.items()):
            targets = real.get(plugin.artifact_id, [])
            if not plugin.derived_group or len(targets) != 1 or targets[0] is plugin:
                continue
            target = targets[0]
            del self.plugins[key]
            target.title = target.title or plugin.title
            for version in plugin.versions.values():
                merged = target.version(version.text)
                merged.types.update(version.types)
                merged.alias_names |= version.alias_names
                merged.described = merged.described or version.described

    def _fill_unknown_versions(self) -> None:
        for plugin in self.plugins.values():
            unknown = plugin.versions.pop("", None)
            if unknown is None:
                continue
            if plugin.core:
                text = self.kestra_version if self.kestra_version and parse_version(self.kestra_version) else None
                text = text or UNKNOWN_VERSION
            else:
                text = UNKNOWN_VERSION
                self.warnings.append(f"{plugin.coordinates} gives no version: recorded as {UNKNOWN_VERSION}")
            merged = plugin.version(text)
            merged.types.update(unknown.types)
            merged.alias_names |= unknown.alias_names
            merged.described = merged.described or unknown.described

    def _add_type_versions(self) -> None:
        for type_name, texts, origin in self._type_versions:
            owners = [p for p in self.plugins.values() if any(type_name in v.types for v in p.versions.values())]
            if len(owners) != 1:
                self.warnings.append(
                    f"{origin}: left out the versions of {type_name}: "
                    + (
                        "no other answer says which plugin provides it; import GET /api/v1/plugins too"
                        if not owners
                        else "several plugins provide it: " + ", ".join(p.coordinates for p in owners)
                    )
                )
                continue
            plugin = owners[0]
            kind = next(v.types[type_name] for v in plugin.versions.values() if type_name in v.types)
            for text in texts:
                if self._valid_version(text, plugin, origin):
                    version = plugin.version(text)
                    version.types.setdefault(type_name, kind)
                    version.described = True  # as far as the user asked: this type is in it

    def _version_data(self, plugin: _Plugin, version: _Version) -> dict[str, Any]:
        entry: dict[str, Any] = {"version": version.text}
        for key in ("tasks", "triggers", "conditions", "taskRunners", "others"):
            names = sorted(t for t, k in version.types.items() if k == key)
            if names:
                entry[key] = names
        aliases: dict[str, str] = {}
        unresolved: list[str] = []
        for alias in sorted(version.alias_names - set(version.types)):
            target = _alias_target(alias, version.types)
            if target is None:
                unresolved.append(alias)
            else:
                aliases[alias] = target
        if aliases:
            entry["aliases"] = aliases
        if unresolved:
            self.warnings.append(
                f"{plugin.coordinates} {version.text}: left out {len(unresolved)} alias"
                f"{'es' if len(unresolved) != 1 else ''} whose class the API does not give ({', '.join(unresolved)}); "
                f"add {'it' if len(unresolved) == 1 else 'them'} to the manifest's `aliases` by hand if flows use "
                f"{'it' if len(unresolved) == 1 else 'them'}"
            )
        return entry


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


def _alias_target(alias: str, types: dict[str, str]) -> str | None:
    renamed = _CORE_RENAMES.get(alias)
    if renamed in types:
        return renamed
    simple = alias.rsplit(".", 1)[-1]
    for wanted in (simple, simple.removesuffix("Condition")):
        found = [t for t in types if t.rsplit(".", 1)[-1] == wanted]
        if len(found) == 1:
            return found[0]
    return None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------------------
# manifest import


def import_responses(files: Sequence[Path], source: str | None) -> BuildResult:
    """Merge saved answers of Kestra's plugin endpoints (any mix, any order) into one manifest."""
    collector = _Collector()
    for path in files:
        data = _read_json(path)
        try:
            collector.add(data, str(path))
        except _UnknownShape:
            raise UsageError(
                f"{path}: not a saved Kestra API answer flowlint knows (GET /api/v1/plugins, "
                "/api/v1/plugins/{type}/versions, /api/v1/instance/versioned-plugins or one version's details, "
                "/api/v1/configs)"
            ) from None
    generated_at = _now()
    if source is None:
        names = [str(p) for p in files]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        source = f"imported from {shown} on {generated_at[:10]}"
    return collector.build(source, generated_at, _DETAILS_HINT)


def _read_json(path: Path) -> Any:
    return parse_json(read_bytes(path, ""), path, "")


# --------------------------------------------------------------------------------------------------
# manifest pull


class _NotFound(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@dataclass(frozen=True)
class _Auth:
    headers: dict[str, str]
    missing: str | None
    """Why no credential was sent (for a 401), or None when one was."""
    rejected: str | None
    """Which credential was sent (for a 401)."""


def _auth_from_env() -> _Auth:
    token = os.environ.get("KESTRA_API_TOKEN", "")
    if token:
        return _Auth({"Authorization": f"Bearer {token}"}, None, "the token in KESTRA_API_TOKEN was rejected")
    user, password = os.environ.get("KESTRA_USERNAME", ""), os.environ.get("KESTRA_PASSWORD", "")
    if user and password:
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return _Auth({"Authorization": f"Basic {pair}"}, None, "KESTRA_USERNAME and KESTRA_PASSWORD were rejected")
    if user:
        return _Auth({}, "KESTRA_USERNAME is set but KESTRA_PASSWORD is not", None)
    if password:
        return _Auth({}, "KESTRA_PASSWORD is set but KESTRA_USERNAME is not", None)
    return _Auth({}, "set KESTRA_API_TOKEN (or KESTRA_USERNAME and KESTRA_PASSWORD)", None)


def _base_url(url: str) -> str:
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise UsageError(f"invalid URL {url!r}: expected http(s)://HOST[:PORT] of a Kestra server")
    try:
        parsed.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise UsageError(f"invalid URL {url!r}: bad port") from None
    path = parsed.path
    cut = path.find("/api/v1")
    if cut >= 0:
        path = path[:cut]
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, path.rstrip("/"), "", ""))


class _Client:
    """GET JSON from one Kestra server; every failure but 404 becomes a one-line UsageError."""

    def __init__(self, base: str, timeout: float, auth: _Auth) -> None:
        self.base = base
        self.timeout = timeout
        self.auth = auth
        parsed = urllib.parse.urlsplit(base)
        self.origin = f"{parsed.scheme}://{parsed.netloc}"
        self.headers = {"Accept": "application/json", "User-Agent": f"flowlint/{__version__}", **auth.headers}

    def get(self, path: str, query: dict[str, str | int] | None = None) -> Any:
        url = f"{self.base}/api/v1/{path}"
        full = f"{url}?{urllib.parse.urlencode(query)}" if query else url
        request = urllib.request.Request(full, headers=self.headers, method="GET")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
                content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else None
        except urllib.error.HTTPError as error:
            error.close()
            raise self._status_error(error.code, str(error.reason or ""), url) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise self._timeout(url) from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise UsageError(f"cannot connect to {self.origin}: {text}") from None
        except TimeoutError:
            raise self._timeout(url) from None
        except OSError as error:
            raise UsageError(f"cannot connect to {self.origin}: {error.strerror or error}") from None
        except http.client.HTTPException as error:
            raise UsageError(f"{url} did not answer in HTTP: {type(error).__name__}") from None
        try:
            return json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            what = content_type or "no content type"
            raise UsageError(f"{url} answered with something that is not JSON ({what})") from None
        except RecursionError:
            raise UsageError(f"{url} answered with JSON nested too deeply to read") from None
        except ValueError as error:  # an integer of thousands of digits
            raise UsageError(f"{url} answered with JSON flowlint cannot read: {error}") from None

    def _timeout(self, url: str) -> UsageError:
        return UsageError(f"no answer from {url} within {self.timeout:g} s")

    def _status_error(self, code: int, reason: str, url: str) -> Exception:
        if code == 404:
            return _NotFound(url)
        if code == 401:
            why = self.auth.missing or self.auth.rejected
            return UsageError(f"401 Unauthorized from {url}: {why}")
        if code == 403:
            need = (
                "versioned plugins need a superadmin"
                if "versioned-plugins" in url
                else "the user needs permission to read plugins"
            )
            return UsageError(f"403 Forbidden from {url}: the credentials were accepted but lack permission: {need}")
        return UsageError(f"{code} {reason or 'error'} from {url}".rstrip())


class _Progress:
    """At most one line a second and one per 10 %."""

    def __init__(self, report: Callable[[str], None], total: int, what: str) -> None:
        self.report, self.total, self.what = report, total, what
        self.last = time.monotonic()
        self.decile = 0

    def step(self, done: int) -> None:
        now = time.monotonic()
        decile = done * 10 // self.total
        if done < self.total and decile > self.decile and now - self.last >= PROGRESS_INTERVAL:
            self.report(f"flowlint: fetching {done}/{self.total} {self.what}...")
            self.last, self.decile = now, decile


def pull(url: str, *, tenant: str | None, timeout: float, progress: Callable[[str], None]) -> BuildResult:
    """Read the installed plugins of the Kestra at ``url``: the EE versioned plugins with each version's
    classes, else (not EE) ``/api/v1/plugins``. Credentials come from the environment only."""
    if timeout <= 0:
        raise UsageError(f"--timeout must be more than 0 (got {timeout:g})")
    base = _base_url(url)
    client = _Client(base, timeout, _auth_from_env())
    prefix = f"{urllib.parse.quote(tenant, safe='')}/" if tenant else ""
    collector = _Collector()
    pulled_at = _now()

    listing = None
    for path in _VERSIONED_PATHS:
        try:
            listing = (prefix + path, _get_all_pages(client, prefix + path))
            break
        except _NotFound:
            continue
    plugins_path = prefix + _PLUGINS_PATH
    if listing is None:
        try:
            answer = client.get(plugins_path)
        except _NotFound as error:
            raise UsageError(
                f"404 Not Found from {error.url} (and from the versioned-plugins API): "
                f"is {base} a Kestra server{' with tenant ' + tenant if tenant else ''}?"
            ) from None
        _add(collector, answer, f"{base}/api/v1/{plugins_path}")
        collector.warnings.append(
            f"{base} has no versioned-plugins API (not Kestra Enterprise, or plugin management is off): "
            f"read {base}/api/v1/{plugins_path} instead, which gives each plugin's loaded version only"
        )
    else:
        list_path, results = listing
        _add(collector, {"total": len(results), "results": results}, f"{base}/api/v1/{list_path}")
        wanted = [
            (plugin.group_id, plugin.artifact_id, version.text)
            for plugin in collector.plugins.values()
            for version in plugin.versions.values()
        ]
        for origin, detail in _get_details(client, list_path, wanted, progress):
            _add(collector, detail, origin)
        # The core plugin and the aliases are only in /api/v1/plugins; not fatal when it fails.
        try:
            _add(collector, client.get(plugins_path), f"{base}/api/v1/{plugins_path}")
        except (_NotFound, UsageError) as error:
            reason = f"404 Not Found from {error.url}" if isinstance(error, _NotFound) else str(error)
            collector.warnings.append(f"the core plugin and aliases are missing: {reason}")

    try:
        config = client.get("configs")
        if isinstance(config, dict) and isinstance(config.get("version"), str):
            collector.kestra_version = config["version"]
    except (_NotFound, UsageError):
        pass
    source = f"Kestra at {base}{', tenant ' + tenant if tenant else ''}, pulled {pulled_at}"
    hint = "their details could not be read; pull again, or add their types by hand"
    return collector.build(source, pulled_at, hint)


def _add(collector: _Collector, data: Any, origin: str) -> None:
    try:
        collector.add(data, origin)
    except _UnknownShape:
        raise UsageError(f"{origin} answered with JSON that is not the Kestra answer expected") from None


def _get_all_pages(client: _Client, path: str) -> list[Any]:
    results: list[Any] = []
    for page in range(1, 10_000):
        answer = client.get(path, {"page": page, "size": PAGE_SIZE})
        if not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
            raise UsageError(f"{client.base}/api/v1/{path} answered with JSON that is not a list of versioned plugins")
        results.extend(answer["results"])
        total = answer.get("total")
        if not answer["results"] or not isinstance(total, int) or len(results) >= total:
            break
    return results


def _get_details(
    client: _Client, list_path: str, wanted: Sequence[tuple[str, str, str]], progress: Callable[[str], None]
) -> list[tuple[str, Any]]:
    """The details of every (groupId, artifactId, version), fetched a few at a time, in ``wanted`` order."""
    if not wanted:
        return []

    def fetch(item: tuple[str, str, str]) -> Any:
        path = "/".join([list_path, *(urllib.parse.quote(part, safe="") for part in item)])
        try:
            return client.get(path)
        except _NotFound:
            return None

    meter = _Progress(progress, len(wanted), "plugin versions")
    found: dict[int, Any] = {}
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(wanted))) as pool:
        futures: dict[Future[Any], int] = {pool.submit(fetch, item): i for i, item in enumerate(wanted)}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                error = future.exception()
                if error is not None:
                    for other in pending:
                        other.cancel()
                    raise error
                found[futures[future]] = future.result()
            meter.step(len(found))
    details = []
    for index, item in enumerate(wanted):
        origin = f"{client.base}/api/v1/{list_path}/{'/'.join(item)}"
        if found[index] is None:
            continue  # gone since the list: the version stays, without types (warned about by build)
        details.append((origin, found[index]))
    return details
