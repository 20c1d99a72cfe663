"""What ``flowlint manifest show`` and ``manifest diff`` print."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from flowlint.errors import UsageError
from flowlint.manifest.model import KIND_OF_KEY, KINDS, Manifest, Plugin, PluginVersion, TypeEntry
from flowlint.properties.lookup import PropertyLookup, lookup_for
from flowlint.properties.model import Prop, PropertySet
from flowlint.versions import Version, parse_version, sort_versions
from flowlint.wording import count

_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def manifest_date(manifest: Manifest) -> datetime.date | None:
    """When the manifest was made: its ``generatedAt``, else the first ISO date in its ``source``."""
    for text in (manifest.generated_at, manifest.source):
        match = _DATE.search(text or "")
        if match:
            try:
                return datetime.date(*map(int, match.groups()))
            except ValueError:
                continue
    return None


def staleness_note(manifest: Manifest, max_age_days: int, today: datetime.date | None = None) -> str | None:
    """A note when the manifest is older than ``max_age_days`` (None when fresh or undated)."""
    made = manifest_date(manifest)
    if made is None:
        return None
    age = ((today or datetime.date.today()) - made).days
    if age <= max_age_days:
        return None
    return (
        f"the manifest is {age} days old ({manifest.source}): the instance may have other plugins by now; "
        "refresh it with `flowlint manifest pull` or `flowlint manifest build`"
    )


def _kind_counts(plugin: Plugin) -> str:
    counts = []
    for key in KINDS:
        kind = KIND_OF_KEY[key]
        names = {t for v in plugin.versions for t, k in v.types.items() if k == kind}
        if names:
            counts.append(count(len(names), kind))
    return ", ".join(counts) or "no types"


def show(manifest: Manifest) -> str:
    """Every plugin with its versions and type counts."""
    lines = [f"source: {manifest.source}"]
    if manifest.kestra_version:
        lines.append(f"Kestra: {manifest.kestra_version}")
    made = manifest_date(manifest)
    if made is not None:
        lines.append(f"date: {made.isoformat()}")
    lines.append(f"{manifest.summary()}")
    lines.append("")
    borrowed = {p.coordinates for p in manifest.plugins[manifest.own_plugins :]}
    for plugin in sorted(manifest.plugins, key=lambda p: p.coordinates):
        versions = sort_versions(v.version for v in plugin.versions)
        if len(versions) > 6:
            shown = f"{versions[0].text} ... {', '.join(v.text for v in versions[-3:])} ({len(versions)} versions)"
        else:
            shown = ", ".join(v.text for v in versions)
        core = "  [core: never versioned]" if plugin.core else ""
        if plugin.coordinates in borrowed:
            core = "  [core: never versioned; not in this manifest, taken from the bundled catalog]"
        lines.append(f"{plugin.coordinates}{core}")
        lines.append(f"    versions: {shown}")
        lines.append(f"    types: {_kind_counts(plugin)}")
    return "\n".join(lines) + "\n"


def show_type(manifest: Manifest, type_name: str, target: Version, version: str | None = None) -> str:
    """Which plugin versions provide ``type_name`` and the properties it has in each, at Kestra ``target``
    (``version``: in that plugin version only); raises UsageError when no plugin provides it (in ``version``)."""
    entries = manifest.lookup(type_name)
    if not entries:
        raise UsageError(f"no plugin in {manifest.source} provides {type_name}{_did_you_mean(manifest, type_name)}")
    if version is not None:
        entries = _in_version(entries, type_name, version)
    lookup = lookup_for(manifest, target)
    lines = [f"{type_name}:"]
    for entry in entries:
        core = " (core: never versioned)" if entry.plugin.core else ""
        lines.append(f"  {entry.plugin.coordinates}{core}, {entry.kind}")
        aliased = [v.text for v in entry.versions if entry.canonical_in(v)]
        direct = [v.text for v in entry.versions if not entry.canonical_in(v)]
        if direct:
            lines.append(f"    in {count(len(direct), 'version')}: {_span(direct)}")
        if aliased:
            lines.append(f"    as an alias of {entry.canonical} in {count(len(aliased), 'version')}: {_span(aliased)}")
        lines.extend(_section_notes(manifest, entry.plugin))
        lines.extend(_properties(lookup, entry))
    return "\n".join(lines) + "\n"


def _section_notes(manifest: Manifest, plugin: Plugin) -> list[str]:
    """Where the manifest's property definitions of ``plugin`` come from, and when they say nothing about
    versions (they then apply to every version the manifest lists)."""
    found = manifest.property_sections.get(plugin.coordinates)
    section = found[1] if found is not None else None
    if not isinstance(section, Mapping):
        return []
    lines = []
    if isinstance(section.get("source"), str):
        lines.append(f"    properties {section['source']}")
    if section.get("anyVersion"):
        lines.append("    (the source says nothing about versions: its properties apply to every version listed)")
    return lines


def _did_you_mean(manifest: Manifest, type_name: str) -> str:
    case = manifest.case_insensitive(type_name)
    close = [case] if case else manifest.suggest(type_name)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _in_version(entries: list[TypeEntry], type_name: str, version: str) -> list[TypeEntry]:
    """The entries that have ``type_name`` in plugin version ``version``, with that version only."""
    wanted = parse_version(version)
    if wanted is None:
        raise UsageError(f"--version: {version!r} is not a version")
    kept = [e._replace(versions=tuple(v for v in e.versions if v.version == wanted)) for e in entries]
    kept = [e for e in kept if e.versions]
    if not kept:
        known = sort_versions(v.version for e in entries for v in e.versions)
        raise UsageError(f"no version {version} provides {type_name} (versions: {_span([v.text for v in known])})")
    return kept


_Listing = tuple[tuple[str, str], ...]
"""Properties as (name, what it is) pairs, sorted by name."""


_NOT_KNOWN = "    properties: not known (flowlint's property data does not describe it in these versions)"


class _Group(NamedTuple):
    """Consecutive versions whose properties read the same (``listing`` None: the data does not describe them)."""

    versions: list[str]
    listing: _Listing | None
    notes: tuple[str, ...] = ()


def _properties(lookup: PropertyLookup, entry: TypeEntry) -> list[str]:
    """The properties of ``entry``'s type per run of versions that have the same ones: those every run
    has once, then what each run has besides (a core type's once: they follow the Kestra version)."""
    if entry.plugin.core:
        found = lookup.of_type(entry.plugin, None, entry.canonical or entry.name)
        if found is None:
            return [_NOT_KNOWN]
        title = f"    properties at Kestra {lookup.target.text} (core types follow the Kestra version):"
        return [title, *_block(None, _listing(found), _notes(found))]
    groups = _groups(lookup, entry)
    known = [g for g in groups if g.listing is not None]
    if not known:
        return [_NOT_KNOWN]
    lines = [f"    properties (target Kestra {lookup.target.text}):"]
    shared = set.intersection(*(set(g.listing or ()) for g in known)) if len(known) > 1 else set()
    if shared:
        every = f"in every version described ({sum(len(g.versions) for g in known)})"
        lines += _block(every, tuple(p for p in known[0].listing or () if p in shared))
    for group in known:
        lines += _block(_range(group.versions), tuple(p for p in group.listing or () if p not in shared), group.notes)
    unknown = [v for g in groups if g.listing is None for v in g.versions]
    if unknown:
        lines.append(f"      not described by flowlint's property data: {_span(unknown)}")
    return lines


def _groups(lookup: PropertyLookup, entry: TypeEntry) -> list[_Group]:
    """``entry``'s versions in runs whose properties read the same."""
    groups: list[_Group] = []
    for version in entry.versions:
        found = lookup.of_type(entry.plugin, version, entry.canonical_in(version) or entry.name)
        listing, notes = (_listing(found), _notes(found)) if found is not None else (None, ())
        if groups and (groups[-1].listing, groups[-1].notes) == (listing, notes):
            groups[-1].versions.append(version.text)
        else:
            groups.append(_Group([version.text], listing, notes))
    return groups


def _block(header: str | None, listing: _Listing, notes: tuple[str, ...] = ()) -> list[str]:
    indent = "        " if header else "      "
    width = max((len(name) for name, _ in listing), default=0)
    lines = [f"      {header}:"] if header else []
    lines += [f"{indent}{name.ljust(width)}  {what}" for name, what in listing]
    lines += [f"{indent}({note})" for note in notes]
    if not listing and not notes:
        lines.append(f"{indent}(no other property)")
    return lines


def _range(versions: list[str]) -> str:
    return versions[0] if len(versions) == 1 else f"{versions[0]} - {versions[-1]} ({len(versions)} versions)"


def _listing(found: PropertySet) -> _Listing:
    return tuple(sorted((name, _what(prop)) for name, prop in found.props.items()))


def _notes(found: PropertySet) -> tuple[str, ...]:
    notes = []
    if found.open:
        notes.append("takes any other key too")
    if found.partial:
        notes.append("the data lacks some of its inherited properties: unknown keys are not reported")
    return tuple(notes)


def _what(prop: Prop) -> str:
    """``enum (A, B), required, dynamic, deprecated, default "A"``: what a property is."""
    parts = [_shape(prop.kind, prop.of, prop.ref, prop.enum)]
    if prop.kind_unknown:
        parts.append("shape not known")
    parts += [flag for flag, on in (("required", prop.req), ("dynamic", prop.dyn), ("deprecated", prop.dep)) if on]
    if prop.default is not None:
        parts.append(f"default {json.dumps(prop.default)}")
    if prop.aliases:
        parts.append(f"also {', '.join(prop.aliases)}")
    return ", ".join(parts)


def _shape(kind: str, of: Any, ref: Any, enum: Sequence[str] = ()) -> str:
    """``string``, ``list of string``, ``map of enum (A, B)``, ``object Options``, ``task plugin``."""
    if kind in ("list", "map") and isinstance(of, Mapping):
        return f"{kind} of {_shape(str(of.get('kind', 'any')), of.get('of'), of.get('ref'), of.get('enum') or ())}"
    if kind == "plugin" and isinstance(of, str):
        return f"{of} plugin"
    if kind == "object" and isinstance(ref, str):
        return f"object {ref.rsplit('.', 1)[-1].replace('$', '.')}"
    if kind == "enum" and enum:
        return f"enum ({', '.join(enum)})"
    return kind


def _span(texts: list[str]) -> str:
    return ", ".join(texts) if len(texts) <= 8 else f"{', '.join(texts[:3])} ... {', '.join(texts[-3:])}"


def diff(old: Manifest, new: Manifest, target: Version | None = None) -> tuple[str, bool]:
    """Plugins, versions and types added and removed from ``old`` to ``new``, and the property changes of
    each type they share (newest version against newest version: what an unpinned task runs before and
    after the upgrade), each side at its own Kestra version, else ``target``; False when equal."""
    lookups = (_diff_lookup(old, target), _diff_lookup(new, target))
    before = {p.coordinates: p for p in old.plugins}
    after = {p.coordinates: p for p in new.plugins}
    lines = [f"--- {old.source}", f"+++ {new.source}"]
    changed = False
    for coordinates in sorted(before.keys() | after.keys()):
        a, b = before.get(coordinates), after.get(coordinates)
        if a is None and b is not None:
            lines.append(f"+ {coordinates} (new plugin: {', '.join(_versions(b))})")
            changed = True
            continue
        if b is None and a is not None:
            lines.append(f"- {coordinates} (plugin removed: {', '.join(_versions(a))})")
            changed = True
            continue
        assert a is not None and b is not None
        old_versions, new_versions = set(_versions(a)), set(_versions(b))
        old_types, new_types = _types(a), _types(b)
        added_v = [v for v in _versions(b) if v not in old_versions]
        removed_v = [v for v in _versions(a) if v not in new_versions]
        added_t, removed_t = sorted(new_types - old_types), sorted(old_types - new_types)
        properties = _property_changes(lookups, a, b) if lookups[0] is not None and lookups[1] is not None else []
        if not (added_v or removed_v or added_t or removed_t or properties):
            continue
        changed = True
        lines.append(f"  {coordinates}")
        lines.extend(f"    + version {v}" for v in added_v)
        lines.extend(f"    - version {v}" for v in removed_v)
        lines.extend(f"    + type {t}" for t in added_t)
        lines.extend(f"    - type {t}" for t in removed_t)
        lines.extend(properties)
    if not changed:
        lines.append("no differences")
    return "\n".join(lines) + "\n", changed


def _versions(plugin: Plugin) -> list[str]:
    return [v.text for v in sort_versions(v.version for v in plugin.versions)]


def _types(plugin: Plugin) -> set[str]:
    return {t for v in plugin.versions for t in v.types}


def _diff_lookup(manifest: Manifest, target: Version | None) -> PropertyLookup | None:
    """The property lookup of one side of a diff: at the manifest's Kestra version, else ``target``."""
    at = parse_version(manifest.kestra_version or "") or target
    return lookup_for(manifest, at) if at is not None else None


def _newest(plugin: Plugin) -> dict[str, PluginVersion]:
    """Each type of ``plugin`` (not its aliases) -> the newest version that has it."""
    found: dict[str, PluginVersion] = {}
    for version in sorted(plugin.versions, key=lambda v: v.version.sort_key):
        found.update(dict.fromkeys(version.types, version))
    return found


def _property_changes(lookups: tuple[PropertyLookup | None, ...], a: Plugin, b: Plugin) -> list[str]:
    """What changed in the properties of each type both ``a`` and ``b`` have (where both are known)."""
    old_lookup, new_lookup = lookups
    assert old_lookup is not None and new_lookup is not None
    before, after = _newest(a), _newest(b)
    lines = []
    for type_name in sorted(before.keys() & after.keys()):
        was, now = before[type_name], after[type_name]
        old_set = old_lookup.of_type(a, None if a.core else was, type_name)
        new_set = new_lookup.of_type(b, None if b.core else now, type_name)
        versions = "" if a.core else f" {was.text}" if was.text == now.text else f" {was.text} -> {now.text}"
        if old_set is None and new_set is None:
            continue  # nothing is known of either: nothing to compare, as for a plugin without property data
        if old_set is None or new_set is None:
            side = f"in {was.text}" if old_set is None else f"in {now.text}"
            lines.append(f"    ? {type_name}{versions}: properties not known {side} (no property data)")
            continue
        changes = _set_changes(old_set, new_set)
        if changes:
            lines.append(f"    ~ {type_name}{versions}")
            lines.extend(f"        {change}" for change in changes)
    return lines


def _set_changes(old: PropertySet, new: PropertySet) -> list[str]:
    """Properties added, removed, newly required and enum constants changed from ``old`` to ``new``."""
    lines = []
    for name in sorted(old.props.keys() | new.props.keys()):
        was, now = old.props.get(name), new.props.get(name)
        if was is None and now is not None:
            lines.append(f"+ property {name} ({_what(now)})")
        elif now is None and was is not None:
            renamed = new.get(name)  # still taken, as an alias of a property with another name
            if renamed is not None:
                lines.append(f"~ property {name} is now an alias of {renamed.name}")
            else:
                lines.append(f"- property {name}")
        elif was is not None and now is not None:
            if now.req and not was.req:
                lines.append(f"! property {name} is now required")
            if was.enum != now.enum and was.kind == now.kind == "enum":
                gone = [c for c in was.enum if c not in now.enum]
                new_constants = [c for c in now.enum if c not in was.enum]
                shown = [f"+{c}" for c in new_constants] + [f"-{c}" for c in gone]
                if shown:
                    lines.append(f"~ property {name} constants: {', '.join(shown)}")
    return lines
