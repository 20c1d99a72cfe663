"""``manifest build DIR``: a manifest from a folder of Kestra plugin JARs, read with ``zipfile`` (no JVM).

What Kestra reads, and so what is read here (SEMANTICS §6):

- Every ``*.jar`` under the folder, recursively (Kestra's plugin path is scanned the same way).
- The main section of ``META-INF/MANIFEST.MF``: ``X-Kestra-Name`` (the Maven artifactId),
  ``X-Kestra-Title``, ``X-Kestra-Group`` (the Java package group, e.g. ``io.kestra.plugin.scripts.shell``,
  *not* the Maven groupId) and ``X-Kestra-Version``. Lines are at most 72 bytes; a line that starts with
  one space continues the previous one (joined as bytes, since a split may fall inside a UTF-8 character).
- ``META-INF/services/io.kestra.core.models.Plugin``: one binary class name a line, ``#`` comments.
  Kestra's ``ServiceLoader`` instantiates exactly these. Types are their canonical names (``$`` → ``.``),
  as ``Plugin.getType()`` gives them. Only when the file is absent are the class entries under the
  ``X-Kestra-Group`` package taken instead, with a warning naming the JAR: never inner classes (``$``);
  public concrete classes that reach a Kestra plugin base (or an unknown ``io.kestra`` class and have a
  plugin-like name); class files that cannot be read when their names do not look like helpers (no
  ``Abstract`` prefix, no ``Exception``/``Utils``/``Output``/... suffix, not in ``internal``/``utils``/
  ``models``/... packages). Without ``X-Kestra-Group`` the whole JAR is searched, and only class files
  that reach a Kestra plugin base count.

Coordinates and version:

- A versioned plugin repository file name, ``<groupId, . as _>__<artifactId>[__<classifier>]__<version,
  . as _>.jar`` (``PluginArtifact.fromFileName``; qualifiers such as ``1_2_0-SNAPSHOT`` or ``1_2_0-rc1`` are
  accepted too), gives groupId, artifactId and version; when ``X-Kestra-Version`` (or ``X-Kestra-Name``)
  says otherwise, the file name wins — Kestra's versioned registry goes by it — with a warning.
- Any other file name: artifactId from ``X-Kestra-Name``, version from ``X-Kestra-Version`` (what
  ``RegisteredPlugin.version()`` reports), groupId from ``META-INF/maven/<groupId>/<artifactId>/pom.properties``
  when the JAR has one for that artifact, else ``io.kestra.plugin``. Without ``X-Kestra-Version`` the
  version comes from that ``pom.properties``, else from a name ``<artifactId>-<version>.jar``.

Kinds. A JAR does not say which class is a task, a trigger, a condition or a task runner: Kestra finds out
by ``instanceof`` once the class is loaded. Without a JVM, the class files themselves are read: the super
class and interfaces in each class file are followed through the JAR until a Kestra base type is met —
``io.kestra.core.models.tasks.Task`` (or ``RunnableTask``/``FlowableTask``) → tasks,
``io.kestra.core.models.triggers.AbstractTrigger`` (or the polling/realtime/webhook trigger interfaces) →
triggers, ``io.kestra.core.models.conditions.Condition``/``ScheduleCondition`` → conditions,
``io.kestra.core.models.tasks.runners.TaskRunner`` → taskRunners, and storages, secrets, apps, app blocks,
charts, data filters and log exporters → others; when several are met, the first in that order wins, as in
``PluginScanner``'s ``switch``. The same class files give what Kestra reads from annotations: a class
annotated ``@io.swagger.v3.oas.annotations.Hidden`` is skipped (``PluginScanner`` skips it), as is one
marked ``@Plugin(internal = true)`` (it cannot be referenced from a flow), and ``@Plugin(aliases = ...)``
become the version's ``aliases``.

When a class file is missing, unreadable or leads nowhere known, the name decides:
a simple name ending in ``Trigger`` → triggers, in ``Condition`` → conditions, in ``TaskRunner`` or
``Runner`` → taskRunners; otherwise the innermost package segment among ``trigger(s)``, ``condition(s)``,
``runner(s)``/``taskrunner(s)`` decides the same way; classes under ``io.kestra.storage.`` or
``io.kestra.secret.`` → others; everything else → tasks. (The name alone is wrong for, e.g.,
``io.kestra.plugin.core.trigger.Toggle``, a task: reading the class file gets it right.)

JARs that cannot be used are warnings naming the file, never failures: not a zip, unreadable, no Kestra
attributes and no services file (a library), no version, no plugin class. Several versions of one artifact
become one plugin with several versions; the same version twice is one entry holding the union of both,
with a warning. A folder with no JAR, or no plugin in any JAR, is a UsageError (exit 2).
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flowlint.errors import UsageError
from flowlint.manifest.writer import BuildResult, new_manifest_data, plugin_data
from flowlint.versions import parse_version

SERVICES_FILE = "META-INF/services/io.kestra.core.models.Plugin"
MANIFEST_FILE = "META-INF/MANIFEST.MF"
DEFAULT_GROUP_ID = "io.kestra.plugin"

KIND_ORDER = ("tasks", "triggers", "conditions", "taskRunners", "others")
"""Manifest keys, in the order ``PluginScanner`` tests a plugin's class (storages and the like are others)."""

KESTRA_BASES: dict[str, str] = {
    "io/kestra/core/models/tasks/Task": "tasks",
    "io/kestra/core/models/tasks/RunnableTask": "tasks",
    "io/kestra/core/models/tasks/FlowableTask": "tasks",
    "io/kestra/core/tasks/scripts/AbstractBash": "tasks",
    "io/kestra/plugin/scripts/exec/AbstractExecScript": "tasks",
    "io/kestra/core/models/triggers/AbstractTrigger": "triggers",
    "io/kestra/core/models/triggers/PollingTriggerInterface": "triggers",
    "io/kestra/core/models/triggers/RealtimeTriggerInterface": "triggers",
    "io/kestra/core/models/triggers/WebhookTriggerInterface": "triggers",
    "io/kestra/core/models/conditions/Condition": "conditions",
    "io/kestra/core/models/conditions/ScheduleCondition": "conditions",
    "io/kestra/core/models/tasks/runners/TaskRunner": "taskRunners",
    "io/kestra/core/storages/StorageInterface": "others",
    "io/kestra/core/secret/SecretPluginInterface": "others",
    "io/kestra/core/app/AppPluginInterface": "others",
    "io/kestra/core/app/AppBlockInterface": "others",
    "io/kestra/core/models/dashboards/charts/Chart": "others",
    "io/kestra/core/models/dashboards/DataFilter": "others",
    "io/kestra/core/models/tasks/logs/LogExporter": "others",
}
"""Kestra's plugin base types (JVM internal names) and the manifest key of the classes that extend them."""

HIDDEN_ANNOTATION = "Lio/swagger/v3/oas/annotations/Hidden;"
PLUGIN_ANNOTATION = "Lio/kestra/core/models/annotations/Plugin;"

_TYPE_RE = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+")
_FILE_VERSION_RE = re.compile(r"\d+(?:_\d+)*(?:-[0-9A-Za-z][0-9A-Za-z._-]*)?")
_COORDINATE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

_NON_PLUGIN_SUFFIXES = (
    "Exception",
    "Error",
    "Utils",
    "Util",
    "Helper",
    "Helpers",
    "Service",
    "Interface",
    "Output",
    "Outputs",
    "Config",
    "Configuration",
    "Factory",
    "Builder",
    "Constants",
    "Serializer",
    "Deserializer",
    "Test",
    "Tests",
)
_NON_PLUGIN_PACKAGES = frozenset({"internal", "utils", "util", "services", "service", "models", "model", "serdes"})

_ACC_PUBLIC, _ACC_INTERFACE, _ACC_ABSTRACT, _ACC_ANNOTATION, _ACC_ENUM = 0x0001, 0x0200, 0x0400, 0x2000, 0x4000
_MAX_WALK = 500


# --- MANIFEST.MF -----------------------------------------------------------------------------------------


def parse_manifest_mf(raw: bytes) -> dict[str, str]:
    """The main attributes of a JAR manifest, keyed by lower-cased name (names are case-insensitive)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    logical: list[bytes] = []
    for line in re.split(rb"\r\n|\r|\n", raw):
        if not line:
            break  # the main section ends at the first empty line
        if line.startswith(b" ") and logical:
            logical[-1] += line[1:]
        else:
            logical.append(line)
    attributes: dict[str, str] = {}
    for line in logical:
        name, sep, value = line.partition(b":")
        if not sep:
            continue
        text = value[1:] if value.startswith(b" ") else value
        key = name.decode("utf-8", "replace").strip().lower()
        attributes.setdefault(key, text.decode("utf-8", "replace").strip())
    return attributes


def parse_services(raw: bytes) -> list[str]:
    """The class names of a ``META-INF/services`` file, in order, without comments and blanks."""
    names: list[str] = []
    for line in raw.decode("utf-8", "replace").splitlines():
        name = line.split("#", 1)[0].strip()
        if name and name not in names:
            names.append(name)
    return names


def parse_pom_properties(raw: bytes) -> dict[str, str]:
    """``key=value`` lines of a Maven ``pom.properties`` (``#`` comments)."""
    values: dict[str, str] = {}
    for line in raw.decode("utf-8", "replace").splitlines():
        stripped = line.strip()
        if not stripped or stripped[0] in "#!":
            continue
        key, sep, value = stripped.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    return values


# --- file names ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArtifactName:
    """What a versioned plugin repository file name says."""

    group_id: str
    artifact_id: str
    classifier: str | None
    version: str


def parse_versioned_name(name: str) -> ArtifactName | None:
    """``io_kestra_plugin__plugin-x[__classifier]__1_2_0[-qualifier].jar`` → coordinates; None otherwise."""
    if not name.lower().endswith(".jar"):
        return None
    parts = name[:-4].split("__")
    if len(parts) not in (3, 4) or not _FILE_VERSION_RE.fullmatch(parts[-1]):
        return None
    if not all(_COORDINATE_RE.fullmatch(part) for part in parts[:-1]):
        return None
    classifier = parts[2] if len(parts) == 4 else None
    return ArtifactName(parts[0].replace("_", "."), parts[1], classifier, parts[-1].replace("_", "."))


# --- class files -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassInfo:
    """What flowlint needs of one class file."""

    access: int
    super_name: str | None
    interfaces: tuple[str, ...]
    hidden: bool = False
    internal: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def concrete_public(self) -> bool:
        """A public class that can be instantiated (not an interface, abstract class, enum, annotation)."""
        excluded = _ACC_INTERFACE | _ACC_ABSTRACT | _ACC_ANNOTATION | _ACC_ENUM
        return bool(self.access & _ACC_PUBLIC) and not self.access & excluded


class _ClassReader:
    """A minimal reader of the JVM class file format: constant pool, hierarchy, class annotations."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.utf8: dict[int, str] = {}
        self.classes: dict[int, int] = {}
        self.integers: dict[int, int] = {}

    def u1(self) -> int:
        value = self.data[self.pos]
        self.pos += 1
        return value

    def u2(self) -> int:
        (value,) = struct.unpack_from(">H", self.data, self.pos)
        self.pos += 2
        return int(value)

    def u4(self) -> int:
        (value,) = struct.unpack_from(">I", self.data, self.pos)
        self.pos += 4
        return int(value)

    def skip(self, count: int) -> None:
        if self.pos + count > len(self.data):
            raise ValueError("truncated class file")
        self.pos += count

    def class_name(self, index: int) -> str:
        return self.utf8[self.classes[index]]

    def read(self) -> ClassInfo:
        if self.u4() != 0xCAFEBABE:
            raise ValueError("not a class file")
        self.skip(4)  # minor, major
        self._constant_pool()
        access = self.u2()
        self.u2()  # this_class
        super_index = self.u2()
        interfaces = tuple(self.class_name(self.u2()) for _ in range(self.u2()))
        for _ in range(2):  # fields, then methods
            for _ in range(self.u2()):
                self.skip(6)
                for _ in range(self.u2()):
                    self.skip(2)
                    self.skip(self.u4())
        hidden, internal = False, False
        aliases: tuple[str, ...] = ()
        for _ in range(self.u2()):
            name = self.utf8.get(self.u2(), "")
            length = self.u4()
            end = self.pos + length
            if name == "RuntimeVisibleAnnotations":
                for _ in range(self.u2()):
                    descriptor, values = self._annotation()
                    if descriptor == HIDDEN_ANNOTATION:
                        hidden = True
                    elif descriptor == PLUGIN_ANNOTATION:
                        internal = bool(values.get("internal"))
                        found = values.get("aliases")
                        if isinstance(found, list):
                            aliases = tuple(a for a in found if isinstance(a, str))
            self.pos = end
        super_name = self.class_name(super_index) if super_index else None
        return ClassInfo(access, super_name, interfaces, hidden, internal, aliases)

    def _constant_pool(self) -> None:
        count = self.u2()
        index = 1
        while index < count:
            tag = self.u1()
            if tag == 1:
                length = self.u2()
                self.skip(length)
                self.utf8[index] = self.data[self.pos - length : self.pos].decode("utf-8", "replace")
            elif tag == 3:
                self.integers[index] = self.u4()
            elif tag == 7:
                self.classes[index] = self.u2()
            elif tag in (5, 6):
                self.skip(8)
                index += 1  # longs and doubles take two slots
            elif tag in (4, 9, 10, 11, 12, 17, 18):
                self.skip(4)
            elif tag == 15:
                self.skip(3)
            elif tag in (8, 16, 19, 20):
                self.skip(2)
            else:
                raise ValueError(f"unknown constant pool tag {tag}")
            index += 1

    def _annotation(self) -> tuple[str, dict[str, Any]]:
        descriptor = self.utf8.get(self.u2(), "")
        values: dict[str, Any] = {}
        for _ in range(self.u2()):
            name = self.utf8.get(self.u2(), "")
            values[name] = self._element_value()
        return descriptor, values

    def _element_value(self) -> Any:
        tag = chr(self.u1())
        if tag == "s":
            return self.utf8.get(self.u2())
        if tag in "BCIJSZDF":
            return self.integers.get(self.u2())
        if tag == "e":
            self.skip(4)
            return None
        if tag == "c":
            self.skip(2)
            return None
        if tag == "@":
            self._annotation()
            return None
        if tag == "[":
            return [self._element_value() for _ in range(self.u2())]
        raise ValueError(f"unknown element value tag {tag!r}")


def parse_class(data: bytes) -> ClassInfo | None:
    """The hierarchy and annotations of a class file; None if it is not a readable class file."""
    try:
        return _ClassReader(data).read()
    except (struct.error, IndexError, KeyError, ValueError):
        return None


@dataclass
class _Walk:
    kinds: set[str] = field(default_factory=set)
    unknown_kestra: bool = False
    """The walk met a class under ``io/kestra/`` that is neither a known base nor in the JAR."""


def walk_hierarchy(internal_name: str, lookup: Callable[[str], ClassInfo | None]) -> _Walk:
    """Follow super classes and interfaces from ``internal_name`` and collect the Kestra bases met."""
    walk = _Walk()
    queue, seen = [internal_name], set[str]()
    while queue and len(seen) < _MAX_WALK:
        name = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in KESTRA_BASES:
            walk.kinds.add(KESTRA_BASES[name])
            continue
        info = lookup(name)
        if info is None:
            if name.startswith("io/kestra/") and name != internal_name:
                walk.unknown_kestra = True
            continue
        if info.super_name:
            queue.append(info.super_name)
        queue.extend(info.interfaces)
    return walk


def kind_by_name(type_name: str) -> str:
    """The manifest key a plugin class most likely belongs to, from its name alone."""
    package, _, simple = type_name.rpartition(".")
    if simple.endswith("Trigger"):
        return "triggers"
    if simple.endswith("Condition"):
        return "conditions"
    if simple.endswith("Runner"):  # TaskRunner too
        return "taskRunners"
    for segment in reversed(package.split(".")):
        lowered = segment.lower()
        if lowered in ("trigger", "triggers"):
            return "triggers"
        if lowered in ("condition", "conditions"):
            return "conditions"
        if lowered in ("runner", "runners", "taskrunner", "taskrunners"):
            return "taskRunners"
    if type_name.startswith(("io.kestra.storage.", "io.kestra.secret.")):
        return "others"
    return "tasks"


def looks_like_plugin_name(type_name: str) -> bool:
    """False for names that are obviously not plugins (inner classes, helpers, abstract bases, outputs)."""
    package, _, simple = type_name.rpartition(".")
    if "$" in type_name or simple in ("package-info", "module-info") or simple.startswith("Abstract"):
        return False
    if simple.endswith(_NON_PLUGIN_SUFFIXES):
        return False
    return not any(segment in _NON_PLUGIN_PACKAGES for segment in package.split("."))


# --- one JAR ---------------------------------------------------------------------------------------------


@dataclass
class JarPlugin:
    """One plugin JAR: its coordinates, version and the types it provides."""

    label: str
    group_id: str
    artifact_id: str
    version: str
    title: str | None
    types: dict[str, str]
    """canonical type → manifest key (tasks, triggers, ...)."""
    aliases: dict[str, str]


class _JarReader:
    """Reads one JAR; the problems it meets go to ``warnings``."""

    def __init__(self, archive: zipfile.ZipFile, label: str, warnings: list[str]) -> None:
        self.archive = archive
        self.label = label
        self.warnings = warnings
        self.entries = {info.filename for info in archive.infolist() if not info.is_dir()}
        self._classes: dict[str, ClassInfo | None] = {}

    def bytes_of(self, entry: str) -> bytes | None:
        if entry not in self.entries:
            return None
        return self.archive.read(entry)

    def class_info(self, internal_name: str) -> ClassInfo | None:
        if internal_name not in self._classes:
            raw = self.bytes_of(internal_name + ".class")
            self._classes[internal_name] = parse_class(raw) if raw is not None else None
        return self._classes[internal_name]

    def read(self, file_name: str) -> JarPlugin | None:
        raw_manifest = self.bytes_of(MANIFEST_FILE)
        attributes = parse_manifest_mf(raw_manifest) if raw_manifest is not None else {}
        kestra = {k: v for k, v in attributes.items() if k.startswith("x-kestra-") and v}
        services = self.bytes_of(SERVICES_FILE)
        if not kestra and services is None:
            self.warnings.append(
                f"{self.label}: not a Kestra plugin (no X-Kestra-* attributes in {MANIFEST_FILE} "
                f"and no {SERVICES_FILE}); skipped"
            )
            return None
        coordinates = self._coordinates(file_name, kestra)
        if coordinates is None:
            return None
        group_id, artifact_id, version = coordinates
        types, aliases = self._types(services, kestra.get("x-kestra-group"))
        if not types:
            self.warnings.append(f"{self.label}: no plugin class found; skipped")
            return None
        return JarPlugin(self.label, group_id, artifact_id, version, kestra.get("x-kestra-title"), types, aliases)

    # coordinates

    def _coordinates(self, file_name: str, kestra: dict[str, str]) -> tuple[str, str, str] | None:
        name_attr, version_attr = kestra.get("x-kestra-name"), kestra.get("x-kestra-version")
        versioned = parse_versioned_name(file_name)
        if versioned is not None:
            if name_attr and name_attr != versioned.artifact_id:
                self.warnings.append(
                    f"{self.label}: the file name says artifact {versioned.artifact_id}, X-Kestra-Name says "
                    f"{name_attr}; using {versioned.artifact_id}"
                )
            if version_attr and not _same_version(version_attr, versioned.version):
                self.warnings.append(
                    f"{self.label}: the file name says version {versioned.version}, X-Kestra-Version says "
                    f"{version_attr}; using {versioned.version}"
                )
            group_id, artifact_id, version = versioned.group_id, versioned.artifact_id, versioned.version
        else:
            pom = self._pom_properties(name_attr)
            artifact_id = name_attr or pom.get("artifactId", "")
            if not artifact_id:
                self.warnings.append(
                    f"{self.label}: no X-Kestra-Name in {MANIFEST_FILE} and not a versioned file name "
                    "(<groupId>__<artifactId>__<version>.jar); skipped"
                )
                return None
            group_id = pom.get("groupId") or DEFAULT_GROUP_ID
            version = version_attr or pom.get("version") or _version_from_plain_name(file_name, artifact_id) or ""
            if not version:
                self.warnings.append(
                    f"{self.label}: no version (no X-Kestra-Version in {MANIFEST_FILE}, not a versioned file "
                    "name); skipped"
                )
                return None
        version = version[1:] if version.startswith("v") else version
        if parse_version(version) is None:
            self.warnings.append(f"{self.label}: {version!r} is not a plugin version flowlint understands; skipped")
            return None
        return group_id, artifact_id, version

    def _pom_properties(self, artifact_id: str | None) -> dict[str, str]:
        found = sorted(e for e in self.entries if e.startswith("META-INF/maven/") and e.endswith("/pom.properties"))
        for entry in found:
            parts = entry.split("/")
            if len(parts) != 5:
                continue
            if artifact_id is None and len(found) > 1:
                return {}
            if artifact_id is None or parts[3] == artifact_id:
                raw = self.bytes_of(entry)
                values = parse_pom_properties(raw) if raw is not None else {}
                values.setdefault("groupId", parts[2])
                values.setdefault("artifactId", parts[3])
                return values
        return {}

    # types

    def _types(self, services: bytes | None, group: str | None) -> tuple[dict[str, str], dict[str, str]]:
        if services is not None:
            names = []
            for entry in parse_services(services):
                if _TYPE_RE.fullmatch(entry):
                    names.append(entry)
                else:
                    self.warnings.append(f"{self.label}: ignored {entry!r} in {SERVICES_FILE}: not a class name")
            candidates = [(name.replace(".", "/"), True) for name in names]
        else:
            where = f"the {group} package" if group else "the whole JAR"
            self.warnings.append(
                f"{self.label}: no {SERVICES_FILE}; plugin classes guessed from the class files under {where}"
            )
            candidates = [(name, False) for name in self._class_entries(group)]
        strict = services is None and not group
        types: dict[str, str] = {}
        aliases: dict[str, str] = {}
        for internal_name, listed in candidates:
            kind = self._kind(internal_name, listed, strict)
            if kind is None:
                continue
            type_name = internal_name.replace("/", ".").replace("$", ".")
            types.setdefault(type_name, kind)
            info = self.class_info(internal_name)
            for alias in info.aliases if info is not None else ():
                if _TYPE_RE.fullmatch(alias) and alias != type_name:
                    aliases.setdefault(alias, type_name)
        return types, aliases

    def _class_entries(self, group: str | None) -> Iterator[str]:
        prefix = group.replace(".", "/") + "/" if group else ""
        for entry in sorted(self.entries):
            if entry.endswith(".class") and entry.startswith(prefix) and not entry.startswith("META-INF/"):
                yield entry[: -len(".class")]

    def _kind(self, internal_name: str, listed: bool, strict: bool) -> str | None:
        """The manifest key of a candidate class; None when it is not a plugin Kestra would register.

        ``listed``: named by the services file. ``strict`` (guessing from a whole JAR, no package to keep
        to): only classes whose class files lead to a Kestra plugin base.
        """
        type_name = internal_name.replace("/", ".")
        info = self.class_info(internal_name)
        if info is not None and (info.hidden or info.internal):
            return None
        if not listed:
            if "$" in internal_name or (info is not None and not info.concrete_public):
                return None
            if info is None and (strict or not looks_like_plugin_name(type_name)):
                return None
        walk = walk_hierarchy(internal_name, self.class_info) if info is not None else _Walk()
        for key in KIND_ORDER:
            if key in walk.kinds:
                return key
        if (
            not listed
            and info is not None
            and (strict or not (walk.unknown_kestra and looks_like_plugin_name(type_name)))
        ):
            return None  # a readable class that leads to no Kestra plugin base
        return kind_by_name(type_name.replace("$", "."))


def _same_version(one: str, other: str) -> bool:
    first, second = parse_version(one), parse_version(other)
    if first is None or second is None:
        return one.lower() == other.lower()
    return first.same_release(second) and first.parts == second.parts


def _version_from_plain_name(file_name: str, artifact_id: str) -> str | None:
    stem = file_name[:-4] if file_name.lower().endswith(".jar") else file_name
    if stem.startswith(artifact_id + "-"):
        candidate = stem[len(artifact_id) + 1 :]
        if parse_version(candidate) is not None:
            return candidate
    return None


def read_jar(path: Path, label: str, warnings: list[str]) -> JarPlugin | None:
    """The plugin in the JAR at ``path``; None (and a warning naming ``label``) when there is none."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _JarReader(archive, label, warnings).read(path.name)
    except zipfile.BadZipFile:
        warnings.append(f"{label}: not a JAR (not a valid zip file); skipped")
    except OSError as error:
        warnings.append(f"{label}: cannot read: {error.strerror or error}; skipped")
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as error:
        warnings.append(f"{label}: damaged JAR ({error}); skipped")
    return None


# --- the folder ------------------------------------------------------------------------------------------


def find_jars(folder: Path, warnings: list[str]) -> list[Path]:
    """Every ``*.jar`` under ``folder``, recursively, in a stable order."""

    def unreadable(error: OSError) -> None:
        where = Path(error.filename) if error.filename else folder
        warnings.append(f"cannot read folder {where}: {error.strerror or error}")

    found = []
    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs.sort()
        for name in files:
            if name.lower().endswith(".jar"):
                found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def build_from_jars(folder: Path, source: str | None) -> BuildResult:
    """A native manifest of the plugin JARs under ``folder``, with warnings about the JARs left out."""
    if not folder.exists():
        raise UsageError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    warnings: list[str] = []
    jars = find_jars(folder, warnings)
    if not jars:
        raise UsageError(f"no plugin JARs (*.jar) in {folder}")
    plugins: dict[tuple[str, str], dict[str, tuple[JarPlugin, dict[str, Any]]]] = {}
    titles: dict[tuple[str, str], list[tuple[str, str]]] = {}
    skipped: list[str] = []
    for path in jars:
        label = path.relative_to(folder).as_posix()
        before = len(warnings)
        jar = read_jar(path, label, warnings)
        if jar is None:
            skipped.extend(warnings[before:])
            continue
        coordinates = (jar.group_id, jar.artifact_id)
        versions = plugins.setdefault(coordinates, {})
        key = jar.version.lower()
        if key in versions:
            first, entry = versions[key]
            warnings.append(
                f"{label}: {jar.group_id}:{jar.artifact_id} {jar.version} is also in {first.label}; "
                "their plugin classes are merged"
            )
            _add_types(entry, jar)
        else:
            entry = {"version": jar.version, **{k: [] for k in KIND_ORDER}, "aliases": {}}
            _add_types(entry, jar)
            versions[key] = (jar, entry)
        if jar.title:
            titles.setdefault(coordinates, []).append((jar.version, jar.title))
    if not plugins:
        shown = "; ".join(skipped[:5]) + (f"; and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        raise UsageError(f"no Kestra plugin in the {len(jars)} JAR file(s) of {folder}: {shown}")
    data_plugins = []
    for coordinates, versions in plugins.items():
        title = _newest_title(titles.get(coordinates, []))
        finished = [_finish(entry) for _, entry in versions.values()]
        data_plugins.append(plugin_data(coordinates[0], coordinates[1], finished, title))
    text = source if source is not None else f"plugin JARs in {folder}, built {date.today().isoformat()}"
    generated = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return BuildResult(new_manifest_data(text, data_plugins, generated_at=generated), warnings)


def _add_types(entry: dict[str, Any], jar: JarPlugin) -> None:
    known = {t for key in KIND_ORDER for t in entry[key]}
    for type_name, key in jar.types.items():
        if type_name not in known:
            entry[key].append(type_name)
            known.add(type_name)
    for alias, target in jar.aliases.items():
        entry["aliases"].setdefault(alias, target)


def _finish(entry: dict[str, Any]) -> dict[str, Any]:
    done: dict[str, Any] = {"version": entry["version"]}
    for key in KIND_ORDER:
        if entry[key] or key != "others":
            done[key] = sorted(entry[key])
    if entry["aliases"]:
        done["aliases"] = dict(sorted(entry["aliases"].items()))
    return done


def _newest_title(titles: list[tuple[str, str]]) -> str | None:
    if not titles:
        return None

    def order(item: tuple[str, str]) -> tuple[int, ...]:
        parsed = parse_version(item[0])
        return parsed.sort_key if parsed is not None else (-1,)

    return max(titles, key=order)[1]
