"""What ``flowlint manifest show`` and ``manifest diff`` print."""

from __future__ import annotations

import datetime
import re

from flowlint.manifest.model import KIND_OF_KEY, KINDS, Manifest, Plugin
from flowlint.versions import sort_versions
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


def show_type(manifest: Manifest, type_name: str) -> tuple[str, bool]:
    """Which plugin versions provide ``type_name``; False when none does."""
    entries = manifest.lookup(type_name)
    if not entries:
        case = manifest.case_insensitive(type_name)
        hint = f" (did you mean {case}?)" if case else ""
        return f"no plugin in {manifest.source} provides {type_name}{hint}\n", False
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
    return "\n".join(lines) + "\n", True


def _span(texts: list[str]) -> str:
    return ", ".join(texts) if len(texts) <= 8 else f"{', '.join(texts[:3])} ... {', '.join(texts[-3:])}"


def diff(old: Manifest, new: Manifest) -> tuple[str, bool]:
    """Plugins, versions and types added and removed from ``old`` to ``new``; False when equal."""
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
        if not (added_v or removed_v or added_t or removed_t):
            continue
        changed = True
        lines.append(f"  {coordinates}")
        lines.extend(f"    + version {v}" for v in added_v)
        lines.extend(f"    - version {v}" for v in removed_v)
        lines.extend(f"    + type {t}" for t in added_t)
        lines.extend(f"    - type {t}" for t in removed_t)
    if not changed:
        lines.append("no differences")
    return "\n".join(lines) + "\n", changed


def _versions(plugin: Plugin) -> list[str]:
    return [v.text for v in sort_versions(v.version for v in plugin.versions)]


def _types(plugin: Plugin) -> set[str]:
    return {t for v in plugin.versions for t in v.types}
