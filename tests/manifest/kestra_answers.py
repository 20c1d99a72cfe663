"""Kestra's API answers describing the instance of STANDARD_MANIFEST: saved for `manifest import`, served by
the fake Kestra for `manifest pull`.

They are built here in the shapes of Kestra's public source and generated API clients:
``io.kestra.core.docs.Plugin`` (GET /api/v1/plugins: class names as strings before 1.x,
``PluginElementMetadata {cls, deprecated, title, description}`` since), ``ApiPluginVersions`` (GET
/api/v1/plugins/{cls}/versions), the EE ``PagedResults<PluginArtifact>`` of GET
/api/v1/instance/versioned-plugins and ``PluginVersionDetails`` of GET …/{groupId}/{artifactId}/{version}.
They describe the same instance as STANDARD_MANIFEST, so what is imported or pulled must lint like it.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import STANDARD_MANIFEST

DETAIL_TYPES = {"tasks": "TASK", "triggers": "TRIGGER", "conditions": "CONDITION", "taskRunners": "TASK_RUNNER"}
CLASS_KEYS = ("tasks", "triggers", "conditions", "taskRunners")

CORE = STANDARD_MANIFEST["plugins"][0]
VERSIONED = [p for p in STANDARD_MANIFEST["plugins"] if not p.get("core")]


def java_group(plugin: dict[str, Any]) -> str:
    """The X-Kestra-Group of a plugin: the package of its classes (what /api/v1/plugins calls `group`)."""
    first: str = next(t for v in plugin["versions"] for k in CLASS_KEYS for t in v.get(k, ()))
    return first.rsplit(".", 1)[0]


def element(type_name: str) -> dict[str, Any]:
    """A class entry of /api/v1/plugins since 1.x (io.kestra.core.docs.Plugin.PluginElementMetadata)."""
    return {"cls": type_name, "deprecated": None, "title": type_name.rsplit(".", 1)[1], "description": None}


def plugins_entry(plugin: dict[str, Any], version: dict[str, Any], *, modern: bool = True) -> dict[str, Any]:
    """One item of GET /api/v1/plugins for one loaded version of ``plugin``."""
    core = bool(plugin.get("core"))
    name = "core" if core else plugin["artifactId"]
    group = "io.kestra.plugin.core" if core else java_group(plugin)

    def classes(key: str) -> list[Any]:
        names = version.get(key, [])
        return [element(n) for n in names] if modern else list(names)

    return {
        "name": name,
        "title": "core" if core else plugin["artifactId"].removeprefix("plugin-"),
        "description": None,
        "license": None,
        "longDescription": None,
        "group": group,
        "version": None if core else version["version"],
        "manifest": {} if core else {"X-Kestra-Name": name, "X-Kestra-Group": group},
        "guides": [],
        "aliases": sorted(version.get("aliases", {})),
        "tasks": classes("tasks"),
        "triggers": classes("triggers"),
        "conditions": classes("conditions"),
        "controllers": [],
        "storages": classes("storages") if modern else ["io.kestra.storage.local.LocalStorage"] if core else [],
        "secrets": [],
        "taskRunners": classes("taskRunners"),
        "apps": [],
        "appBlocks": [],
        "charts": [],
        "dataFilters": [],
        "logExporters": [],
        "additionalPlugins": [],
        "categories": ["CORE"] if core else ["TOOL"],
        "subGroup": None,
    }


def plugins_answer(*, modern: bool = True, every_version: bool = False) -> list[dict[str, Any]]:
    """GET /api/v1/plugins: core and the loaded (latest, or every) version of each plugin."""
    entries = [plugins_entry(CORE, CORE["versions"][0], modern=modern)]
    for plugin in VERSIONED:
        versions = plugin["versions"] if every_version else plugin["versions"][-1:]
        entries += [plugins_entry(plugin, v, modern=modern) for v in versions]
    return entries


def versioned_answer(plugins: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """EE GET /api/v1/instance/versioned-plugins (PagedResults of PluginArtifact)."""
    results = [
        {
            "title": p["artifactId"],
            "icon": "PHN2Zy8+",
            "groupId": p["groupId"],
            "artifactId": p["artifactId"],
            "versions": [v["version"] for v in reversed(p["versions"])],
        }
        for p in (VERSIONED if plugins is None else plugins)
    ]
    return {"total": len(results), "results": results}


def detail_answer(plugin: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
    """EE GET …/versioned-plugins/{groupId}/{artifactId}/{version} (PluginVersionDetails)."""
    return {
        "groupId": plugin["groupId"],
        "artifactId": plugin["artifactId"],
        "version": version["version"],
        "title": plugin["artifactId"],
        "description": "A plugin",
        "icon": "PHN2Zy8+",
        "classes": [
            {"type": DETAIL_TYPES[key], "classes": [{"name": n, "icon": None} for n in version[key]]}
            for key in CLASS_KEYS
            if version.get(key)
        ],
    }


def all_details() -> dict[str, dict[str, Any]]:
    """Every version's details, by its path under the versioned-plugins endpoint."""
    return {
        f"{p['groupId']}/{p['artifactId']}/{v['version']}": detail_answer(p, v)
        for p in VERSIONED
        for v in p["versions"]
    }


CONFIGS = {"uuid": "5f8c", "version": "1.3.0", "commitId": "9ab2d1f", "commitDate": "2026-11-01T10:00:00Z"}


def canonical(data: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """What a manifest says about plugins, ignoring order, titles and metadata."""
    return {
        (p["groupId"], p["artifactId"]): (
            bool(p.get("core")),
            {
                v["version"]: (
                    {k: sorted(v.get(k, [])) for k in (*CLASS_KEYS, "others") if v.get(k)},
                    dict(v.get("aliases", {})),
                )
                for v in p["versions"]
            },
        )
        for p in data["plugins"]
    }
