"""Plugins and versions collected from Kestra's answers, made one native manifest.

Merged first: a plugin of ``/api/v1/plugins`` whose groupId was guessed takes the real one of a
versioned-plugins answer naming the same artifactId; an answer with no version gets one; the versions of
``GET /api/v1/plugins/{cls}/versions`` go to the plugin that provides the type. Aliases are matched to the
class of the same version with the same simple name (or that name without a ``Condition`` suffix, or a
few renames of Kestra's core); others are left out with a warning.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flowlint.manifest.api.answers import CollectedPlugin, CollectedVersion, Collector
from flowlint.manifest.writer import BuildResult, new_manifest_data, plugin_data
from flowlint.versions import parse_version

UNKNOWN_VERSION = "0.0.0"
"""The version recorded for a plugin whose answer gives none (and, with no Kestra version, for core)."""

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


def build_manifest(collector: Collector, source: str, generated_at: str | None, details_hint: str) -> BuildResult:
    """The merged manifest, with warnings about what the answers could not tell."""
    _adopt_real_group_ids(collector)
    _fill_unknown_versions(collector)
    _add_type_versions(collector)
    for origin, names in collector.skipped.items():
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        collector.warnings.append(f"{origin}: left out {len(names)} class names that are not Java class names: {shown}")
    plugins = []
    undescribed: list[str] = []
    for plugin in collector.plugins.values():
        versions = []
        for version in plugin.versions.values():
            if not version.described:
                undescribed.append(f"{plugin.coordinates} {version.text}")
            versions.append(_version_data(collector.warnings, plugin, version))
        plugins.append(plugin_data(plugin.group_id, plugin.artifact_id, versions, plugin.title, plugin.core))
    if undescribed:
        shown = ", ".join(sorted(undescribed)[:5]) + (
            f" and {len(undescribed) - 5} more" if len(undescribed) > 5 else ""
        )
        count = len(undescribed)
        collector.warnings.append(
            f"types are unknown for {count} plugin version{'s' if count != 1 else ''} ({shown}): "
            f"the manifest lists {'it' if count == 1 else 'them'} without types; {details_hint}"
        )
    data = new_manifest_data(source, plugins, collector.kestra_version, generated_at)
    return BuildResult(data, collector.warnings)


def _adopt_real_group_ids(collector: Collector) -> None:
    real: dict[str, list[CollectedPlugin]] = {}
    for plugin in collector.plugins.values():
        if not plugin.derived_group and not plugin.core:
            real.setdefault(plugin.artifact_id, []).append(plugin)
    for key, plugin in list(collector.plugins.items()):
        targets = real.get(plugin.artifact_id, [])
        if not plugin.derived_group or len(targets) != 1 or targets[0] is plugin:
            continue
        target = targets[0]
        del collector.plugins[key]
        target.title = target.title or plugin.title
        for version in plugin.versions.values():
            merged = target.version(version.text)
            merged.types.update(version.types)
            merged.alias_names |= version.alias_names
            merged.described = merged.described or version.described


def _fill_unknown_versions(collector: Collector) -> None:
    for plugin in collector.plugins.values():
        unknown = plugin.versions.pop("", None)
        if unknown is None:
            continue
        if plugin.core:
            text = (
                collector.kestra_version
                if collector.kestra_version and parse_version(collector.kestra_version)
                else None
            )
            text = text or UNKNOWN_VERSION
        else:
            text = UNKNOWN_VERSION
            collector.warnings.append(f"{plugin.coordinates} gives no version: recorded as {UNKNOWN_VERSION}")
        merged = plugin.version(text)
        merged.types.update(unknown.types)
        merged.alias_names |= unknown.alias_names
        merged.described = merged.described or unknown.described


def _add_type_versions(collector: Collector) -> None:
    for type_name, texts, origin in collector.type_versions:
        owners = [p for p in collector.plugins.values() if any(type_name in v.types for v in p.versions.values())]
        if len(owners) != 1:
            collector.warnings.append(
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
            if collector.valid_version(text, plugin, origin):
                version = plugin.version(text)
                version.types.setdefault(type_name, kind)
                version.described = True  # as far as the user asked: this type is in it


def _version_data(warnings: list[str], plugin: CollectedPlugin, version: CollectedVersion) -> dict[str, Any]:
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
        warnings.append(
            f"{plugin.coordinates} {version.text}: left out {len(unresolved)} alias"
            f"{'es' if len(unresolved) != 1 else ''} whose class the API does not give ({', '.join(unresolved)}); "
            f"add {'it' if len(unresolved) == 1 else 'them'} to the manifest's `aliases` by hand if flows use "
            f"{'it' if len(unresolved) == 1 else 'them'}"
        )
    return entry


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


def generated_at_now() -> str:
    """The ``generatedAt`` of a manifest made now (UTC, to the second)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
