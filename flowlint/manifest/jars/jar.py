"""One plugin JAR, read with ``zipfile``: its coordinates and version, and its plugin classes with their
kinds and aliases."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flowlint.manifest.jars.classfile import ClassInfo, parse_class
from flowlint.manifest.jars.kinds import KIND_ORDER, Walk, kind_by_name, looks_like_plugin_name, walk_hierarchy
from flowlint.manifest.jars.metainf import (
    MANIFEST_FILE,
    SERVICES_FILE,
    parse_manifest_mf,
    parse_pom_properties,
    parse_services,
)
from flowlint.manifest.jars.names import parse_versioned_name, version_from_plain_name
from flowlint.versions import parse_version

DEFAULT_GROUP_ID = "io.kestra.plugin"

_TYPE_RE = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+")


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
    classes: dict[str, str]
    """canonical type → the JVM internal name of its class."""
    path: Path


class _JarReader:
    """Reads one JAR; the problems it meets go to ``warnings``."""

    def __init__(self, archive: zipfile.ZipFile, path: Path, label: str, warnings: list[str]) -> None:
        self.archive = archive
        self.path = path
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
        types, aliases, classes = self._types(services, kestra.get("x-kestra-group"))
        if not types:
            self.warnings.append(f"{self.label}: no plugin class found; skipped")
            return None
        title = kestra.get("x-kestra-title")
        return JarPlugin(self.label, group_id, artifact_id, version, title, types, aliases, classes, self.path)

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
            version = version_attr or pom.get("version") or version_from_plain_name(file_name, artifact_id) or ""
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

    def _types(
        self, services: bytes | None, group: str | None
    ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
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
        classes: dict[str, str] = {}
        for internal_name, listed in candidates:
            kind = self._kind(internal_name, listed, strict)
            if kind is None:
                continue
            type_name = internal_name.replace("/", ".").replace("$", ".")
            types.setdefault(type_name, kind)
            classes.setdefault(type_name, internal_name)
            info = self.class_info(internal_name)
            for alias in info.aliases if info is not None else ():
                if _TYPE_RE.fullmatch(alias) and alias != type_name:
                    aliases.setdefault(alias, type_name)
        return types, aliases, classes

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
        walk = walk_hierarchy(internal_name, self.class_info) if info is not None else Walk()
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


def read_jar(path: Path, label: str, warnings: list[str]) -> JarPlugin | None:
    """The plugin in the JAR at ``path``; None (and a warning naming ``label``) when there is none."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _JarReader(archive, path, label, warnings).read(path.name)
    except zipfile.BadZipFile:
        warnings.append(f"{label}: not a JAR (not a valid zip file); skipped")
    except OSError as error:
        warnings.append(f"{label}: cannot read: {error.strerror or error}; skipped")
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as error:
        warnings.append(f"{label}: damaged JAR ({error}); skipped")
    return None
