"""``manifest build DIR``: every JAR under a folder, made one native manifest (the versions of an artifact
one plugin; the same version twice one entry)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flowlint.errors import UsageError
from flowlint.manifest.jars.jar import JarPlugin, read_jar
from flowlint.manifest.jars.kinds import KIND_ORDER
from flowlint.manifest.jars.sections import TypeClasses
from flowlint.manifest.writer import BuildResult, new_manifest_data, plugin_data
from flowlint.versions import parse_version


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


def build_from_jars(folder: Path, source: str | None, properties: bool = True) -> BuildResult:
    """A native manifest of the plugin JARs under ``folder``, with warnings about the JARs left out; with
    ``properties``, each plugin's ``properties`` section read from its class files."""
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
    classes: dict[tuple[str, str], dict[str, TypeClasses]] = {}
    class_path: list[tuple[Path, str, str | None]] = []
    skipped: list[str] = []
    for path in jars:
        label = path.relative_to(folder).as_posix()
        before = len(warnings)
        jar = read_jar(path, label, warnings)
        class_path.append((path, label, f"{jar.group_id}:{jar.artifact_id}" if jar is not None else None))
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
        held = classes.setdefault(coordinates, {}).setdefault(entry["version"], {})
        for type_name, internal_name in jar.classes.items():
            held.setdefault(type_name, (internal_name, jar.types[type_name], jar.path))
    if not plugins:
        shown = "; ".join(skipped[:5]) + (f"; and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        raise UsageError(f"no Kestra plugin in the {len(jars)} JAR file(s) of {folder}: {shown}")
    data_plugins = []
    for coordinates, versions in plugins.items():
        title = _newest_title(titles.get(coordinates, []))
        finished = [_finish(entry) for _, entry in versions.values()]
        data_plugins.append(plugin_data(coordinates[0], coordinates[1], finished, title))
    if properties:
        _add_properties(data_plugins, classes, class_path, warnings)
    text = source if source is not None else f"plugin JARs in {folder}, built {date.today().isoformat()}"
    generated = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return BuildResult(new_manifest_data(text, data_plugins, generated_at=generated), warnings)


def _add_properties(
    data_plugins: list[dict[str, Any]],
    classes: dict[tuple[str, str], dict[str, TypeClasses]],
    class_path: list[tuple[Path, str, str | None]],
    warnings: list[str],
) -> None:
    """Each plugin's ``properties`` section, read from the class files of the folder's JARs."""
    from flowlint.manifest.jars.classpath import ClassPath
    from flowlint.manifest.jars.properties import Reader
    from flowlint.manifest.jars.sections import plugin_section
    from flowlint.properties.store import bundled_store

    store = bundled_store()

    def kestra_described(name: str) -> bool:
        record = store.kestra_record(name)
        return bool(record and record.get("props"))

    with ClassPath(class_path) as found:
        reader = Reader(found, kestra_described, warnings)
        for item in data_plugins:
            held = classes[(item["groupId"], item["artifactId"])]
            versions = sorted(held.items(), key=lambda pair: _order(pair[0]))
            section = plugin_section(reader, versions)
            if section is not None:
                item["properties"] = section


def _order(version: str) -> tuple[int, ...]:
    parsed = parse_version(version)
    return parsed.sort_key if parsed is not None else (-1,)


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

    return max(titles, key=lambda item: _order(item[0]))[1]
