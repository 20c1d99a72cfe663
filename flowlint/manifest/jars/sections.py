"""A plugin's ``properties`` section from the class files of its versions (``source: from class files``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flowlint.manifest.jars.properties import Reader
from flowlint.manifest.property_sections import ClassProps, properties_section

TypeClasses = dict[str, tuple[str, str, Path]]
"""A plugin version's types -> (the internal name of the type's class, its manifest key, its JAR)."""


def plugin_section(reader: Reader, versions: list[tuple[str, TypeClasses]]) -> dict[str, Any] | None:
    """The ``properties`` section of one plugin, whose ``versions`` (oldest first) hold those classes; None
    when no type could be read."""
    types: dict[str, dict[str, ClassProps]] = {}
    defs: dict[str, dict[str, ClassProps]] = {}
    kestra: dict[str, dict[str, set[str]]] = {}
    for version, classes in versions:
        for type_name, (internal_name, key, home) in sorted(classes.items()):
            read = reader.type_props(internal_name, key, home)
            if read is None:
                continue
            described, nested = read
            types.setdefault(version, {})[type_name] = described.props
            defs.setdefault(version, {}).update(nested)
            if described.kestra_classes:
                kestra.setdefault(type_name, {})[version] = described.kestra_classes
    if not types:
        return None
    order = [version for version, _ in versions]
    section = properties_section(order, types, defs, source="from class files")
    for type_name, by_version in kestra.items():
        section["types"][type_name]["kestraClasses"] = _class_runs(order, by_version)
    return section


def _class_runs(order: list[str], by_version: dict[str, set[str]]) -> list[dict[str, str]]:
    """Each Kestra class once per run of consecutive versions that inherit from it."""
    runs: list[dict[str, str]] = []
    for name in sorted({n for names in by_version.values() for n in names}):
        previous: int | None = None
        for index, version in enumerate(order):
            if name not in by_version.get(version, ()):
                continue
            if previous is not None and previous == index - 1:
                runs[-1]["until"] = version
            else:
                runs.append({"class": name, "since": version, "until": version})
            previous = index
    return runs
