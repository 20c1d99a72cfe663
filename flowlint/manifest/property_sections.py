"""A plugin's ``properties`` section of a native manifest, made from what a source says per version.

The routes that read an instance (``manifest pull``, ``manifest import``, ``manifest build``) learn the
properties of each type at each plugin version. The section keeps each definition once, with the range of
versions where it holds (the entry format of ../shared/data/kestra-plugin-properties.json): an entry the
same in consecutive versions is one entry with ``since``/``until``. A version of the plugin whose type the
source did not describe is marked ``partial`` there (no key is then reported unknown: no false alarm).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Entry = dict[str, Any]
"""One property in the entry format, without ``since``/``until``."""

FLAGS = ("additionalProperties", "abstract", "partial")
"""Class flags that may change from version to version (written ``<flag>ByVersion`` when they do)."""


@dataclass
class ClassProps:
    """What a source says of one class (a plugin type or a nested class) at one version."""

    props: list[Entry]
    kind: str | None = None
    """task, trigger, condition, taskRunner or other: for a plugin type; None for a nested class."""
    root: str | None = None
    """The base set the type inherits (task, trigger, condition, taskRunner), if any."""
    flags: dict[str, bool] = field(default_factory=dict)
    subtypes: dict[str, str] = field(default_factory=dict)
    """For an abstract class: the ``type`` value -> the concrete class it selects."""


Described = Mapping[str, Mapping[str, ClassProps]]
"""Version -> class name -> what the source says of it there."""


def properties_section(
    versions: Sequence[str],
    types: Described,
    defs: Described | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """The ``properties`` section of a plugin whose ``versions`` (oldest first) the source described as
    ``types`` (and the nested classes they reference as ``defs``)."""
    section: dict[str, Any] = {"types": _records(versions, types, typed=True)}
    nested = _records(versions, defs or {}, typed=False)
    if nested:
        section["defs"] = nested
    if source:
        section["source"] = source
    return section


def versionless_section(
    types: Mapping[str, ClassProps], defs: Mapping[str, ClassProps] | None = None, source: str | None = None
) -> dict[str, Any]:
    """A section from a source that says nothing about versions: its definitions apply to every version
    the manifest lists for their types (``anyVersion``)."""
    section: dict[str, Any] = {"types": {name: _record(c, typed=True) for name, c in sorted(types.items())}}
    if defs:
        section["defs"] = {name: _record(c, typed=False) for name, c in sorted(defs.items())}
    if source:
        section["source"] = source
    section["anyVersion"] = True
    return section


def _record(described: ClassProps, typed: bool) -> dict[str, Any]:
    record: dict[str, Any] = {}
    if typed:
        record["kind"] = described.kind or "other"
        record["root"] = described.root
    record.update({flag: True for flag in FLAGS if described.flags.get(flag)})
    if described.subtypes:
        record["subtypes"] = [{"name": n, "ref": r} for n, r in sorted(described.subtypes.items())]
    record["props"] = sorted((dict(p) for p in described.props), key=lambda e: str(e.get("name")))
    return record


def _records(versions: Sequence[str], described: Described, typed: bool) -> dict[str, Any]:
    names = sorted({name for by_name in described.values() for name in by_name})
    return {name: _versioned_record(versions, described, name, typed) for name in names}


def _versioned_record(versions: Sequence[str], described: Described, name: str, typed: bool) -> dict[str, Any]:
    at = [described.get(v, {}).get(name) for v in versions]
    present = [i for i, c in enumerate(at) if c is not None]
    first, last = present[0], present[-1]
    record: dict[str, Any] = {"since": versions[first], "until": versions[last]}
    span = range(first, last + 1)
    if typed:
        record["kind"] = next(c.kind for c in at if c is not None) or "other"
        _field(record, "root", [(versions[i], _root(at[i])) for i in span])
    for flag in FLAGS:
        values = [(versions[i], _flag(at[i], flag)) for i in span]
        _field(record, flag, values, default=False)
    subtypes = {n: r for c in at if c is not None for n, r in c.subtypes.items()}
    if subtypes:
        record["subtypes"] = [{"name": n, "ref": r} for n, r in sorted(subtypes.items())]
    record["props"] = _entries(versions, at, span)
    return record


def _flag(described: ClassProps | None, flag: str) -> bool:
    """A class flag at one version; a version the source did not describe is ``partial``."""
    return bool(described.flags.get(flag)) if described is not None else flag == "partial"


def _root(described: ClassProps | None) -> str | None:
    return described.root if described is not None else None


def _field(record: dict[str, Any], name: str, values: list[tuple[str, Any]], default: Any = None) -> None:
    """``name`` as one value when it never changes, else ``<name>ByVersion`` runs (the default left out)."""
    distinct = {json.dumps(v) for _, v in values}
    if len(distinct) == 1:
        if values[0][1] != default:
            record[name] = values[0][1]
        return
    runs = [
        {"since": since, "until": until, "value": value} for since, until, value in _runs(values) if value != default
    ]
    record[f"{name}ByVersion"] = runs


def _runs(values: list[tuple[str, Any]]) -> list[tuple[str, str, Any]]:
    """Consecutive equal values as (first version, last version, value)."""
    runs: list[tuple[str, str, Any]] = []
    for version, value in values:
        if runs and runs[-1][2] == value:
            runs[-1] = (runs[-1][0], version, value)
        else:
            runs.append((version, version, value))
    return runs


def _entries(versions: Sequence[str], at: Sequence[ClassProps | None], span: range) -> list[Entry]:
    """Each distinct entry once per run of consecutive versions that have it."""
    holding: dict[str, list[int]] = {}
    for index in span:
        described = at[index]
        for entry in described.props if described is not None else ():
            holding.setdefault(json.dumps(entry, sort_keys=True), []).append(index)
    entries: list[Entry] = []
    for text, indexes in holding.items():
        runs: list[list[int]] = []
        for index in indexes:
            if runs and index == runs[-1][-1] + 1:
                runs[-1].append(index)
            else:
                runs.append([index])
        entries.extend({**json.loads(text), "since": versions[r[0]], "until": versions[r[-1]]} for r in runs)
    return sorted(entries, key=lambda e: (str(e.get("name")), versions.index(e["since"])))
