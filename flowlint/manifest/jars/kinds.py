"""Which manifest key a plugin class belongs to: the Kestra base types its class hierarchy reaches (the
order of ``PluginScanner``), else what its name says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flowlint.manifest.jars.classfile import ClassInfo

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

_MAX_WALK = 500


@dataclass
class Walk:
    """What a walk up a class hierarchy met: the manifest keys of the Kestra bases it reached."""

    kinds: set[str] = field(default_factory=set)
    unknown_kestra: bool = False
    """The walk met a class under ``io/kestra/`` that is neither a known base nor in the JAR."""


def walk_hierarchy(internal_name: str, lookup: Callable[[str], ClassInfo | None]) -> Walk:
    """Follow super classes and interfaces from ``internal_name`` and collect the Kestra bases met."""
    walk = Walk()
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
