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

import json
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


# ---- property schemas: GET /api/v1/plugins/{cls} and EE GET /api/v1/plugins/{cls}/versions/{version}
#
# io.kestra.core.docs.DocumentationWithSchema: {markdown, schema: {properties, outputs, definitions}}, the
# JSON Schema of JsonSchemaGenerator.properties(baseClass, cls) (Draft 2019-09, `$ref: #/$defs/KEY`, a
# nested class's KEY written Outer-Inner, the base class's fields left out, each property flagged
# `$required`). Two generations: `modern` (Kestra 1.x: `anyOf` [T, string] for a Property<T>, `default`
# pulled up beside it, a property with a default dropped from `required`) and the older one (0.20:
# `oneOf` [T, string with a `{{ }}` pattern], `required` keeping properties that have a default).

RUNNER = (
    "#/$defs/io.kestra.core.models.tasks.runners.TaskRunner-io.kestra.core.models.tasks.runners.TaskRunnerDetailResult-"
)


def dynamic(schema: dict[str, Any], *, modern: bool = True, **extra: Any) -> dict[str, Any]:
    """A Property<T> of a T that is not a string."""
    string = {"type": "string"} if modern else {"type": "string", "pattern": ".*{{.*}}.*"}
    return {"anyOf" if modern else "oneOf": [schema, string], "$dynamic": True, **extra}


def text(*, dyn: bool = True, **extra: Any) -> dict[str, Any]:
    """A String (a Property<String> when ``dyn``)."""
    return {"type": "string", "$dynamic": dyn, **extra}


FETCH_TYPES = ["STORE", "FETCH", "FETCH_ONE", "NONE"]


def _query(version: str, modern: bool) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    props: dict[str, Any] = {
        "url": text(title="The JDBC URL to connect to."),
        "username": text(),
        "password": text(),
        "sql": text(title="The SQL query to run."),
        "timeZoneId": text(dyn=False),
    }
    required = ["url", "sql"]
    if version == "0.19.0":
        props |= {
            "fetch": {"type": "boolean", "$dynamic": False, "default": False},
            "store": {"type": "boolean", "$dynamic": False, "default": False},
            "fetchOne": {"type": "boolean", "$dynamic": False, "default": False},
            "fetchSize": {"type": "integer", "$dynamic": False, "default": 10000},
        }
        return props, [*required, "fetchSize"], {}  # an older generator keeps a defaulted property required
    props |= {
        "fetch": {"type": "boolean", "$deprecated": True, "default": False},
        "fetchType": dynamic({"type": "string", "enum": FETCH_TYPES}, modern=modern, default="NONE"),
        "fetchSize": dynamic({"type": "integer"}, modern=modern, default=10000),
        "parameters": dynamic({"type": "object", "additionalProperties": {}}, modern=modern),
        "ssl": {"$ref": "#/$defs/io.kestra.plugin.jdbc.postgresql.PostgresConnection-Ssl"},
    }
    definitions = {
        "io.kestra.plugin.jdbc.postgresql.PostgresConnection-Ssl": {
            "type": "object",
            "properties": {
                "mode": {"type": "string", "enum": ["DISABLE", "ALLOW", "PREFER", "REQUIRE", "VERIFY_CA"]},
                "rootCert": text(),
            },
            "required": ["mode"],
        }
    }
    if version == "1.2.3":
        props["afterSQL"] = text()
    return props, required, definitions


def _copy_in(version: str, modern: bool) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    props = {
        "url": text(),
        "table": text(),
        "from": text(title="The file to copy from, a URI of Kestra's internal storage."),
        "format": {"type": "string", "enum": ["TEXT", "CSV", "BINARY"], "default": "TEXT"},
        "header": dynamic({"type": "boolean"}, modern=modern),
        "columns": {"type": "array", "items": {"type": "string"}, "$dynamic": True},
    }
    return props, ["url", "table", "from"], {}


def _script(version: str, modern: bool) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    props: dict[str, Any] = {
        "script": text(title="The inline script content."),
        "interpreter": {"type": "array", "items": {"type": "string"}, "$dynamic": True, "default": ["/bin/sh", "-c"]},
        "containerImage": text(default="ubuntu"),
        "beforeCommands": {"type": "array", "items": {"type": "string"}, "$dynamic": True},
        "env": {"type": "object", "additionalProperties": {"type": "string"}, "$dynamic": True},
        "taskRunner": {"$ref": RUNNER, "title": "The task runner to use."},
        "warningOnStdErr": dynamic({"type": "boolean"}, modern=modern, default=True),
    }
    if version == "0.21.0":
        props["outputFiles"] = {"type": "array", "items": {"type": "string"}, "$dynamic": True}
    return props, ["script"], {}


def _docker(version: str, modern: bool) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    props: dict[str, Any] = {
        "host": text(),
        "pullPolicy": dynamic({"type": "string", "enum": ["IF_NOT_PRESENT", "ALWAYS", "NEVER"]}, modern=modern),
        "volumes": {"type": "array", "items": {"type": "string"}, "$dynamic": True},
        "memory": {"$ref": "#/$defs/io.kestra.plugin.scripts.runner.docker.Memory"},
        "delete": dynamic({"type": "boolean"}, modern=modern, default=True),
        "wait": dynamic({"type": "boolean"}, modern=modern, default=True),
    }
    if version != "1.0.0":
        props["networkMode"] = text()
    definitions = {
        "io.kestra.plugin.scripts.runner.docker.Memory": {
            "type": "object",
            "properties": {"memory": text(), "memorySwap": text(), "kernelMemory": text()},
        }
    }
    return props, [], definitions


SCHEMA_BUILDERS = {
    "io.kestra.plugin.jdbc.postgresql.Query": _query,
    "io.kestra.plugin.jdbc.postgresql.CopyIn": _copy_in,
    "io.kestra.plugin.scripts.shell.Script": _script,
    "io.kestra.plugin.scripts.runner.docker.Docker": _docker,
}


def documentation(
    type_name: str, props: dict[str, Any], required: list[str], definitions: dict[str, Any]
) -> dict[str, Any]:
    """A DocumentationWithSchema answer of ``type_name``."""
    properties = {name: {**value, "$required": name in required} for name, value in props.items()}
    short = type_name.rsplit(".", 1)[1]
    markdown = (
        f'---\ntitle: {short}\neditLink: false\n---\n\n<h1>\n     {short}\n</h1>\n\n```yaml\ntype: "{type_name}"\n```\n'
    )
    return {
        "markdown": markdown,
        "schema": {
            "properties": {
                "title": f"{short}.",
                "properties": properties,
                **({"required": required} if required else {}),
            },
            "outputs": {"properties": {"uri": {"type": "string", "format": "uri"}}},
            "definitions": definitions,
        },
    }


def schema_answer(type_name: str, version: str, *, modern: bool = True) -> dict[str, Any]:
    """The documentation answer of ``type_name`` at ``version``."""
    props, required, definitions = SCHEMA_BUILDERS[type_name](version, modern)
    return documentation(type_name, props, required, definitions)


def schema_routes(prefix: str = "/api/v1", *, versioned: bool = True, modern: bool = True) -> dict[str, Any]:
    """Path -> answer of every non-core type's schema: per version (EE), else of the latest version."""
    routes: dict[str, Any] = {}
    for plugin in VERSIONED:
        for version in plugin["versions"] if versioned else plugin["versions"][-1:]:
            for key in CLASS_KEYS:
                for type_name in version.get(key, ()):
                    tail = f"/versions/{version['version']}" if versioned else ""
                    routes[f"{prefix}/plugins/{type_name}{tail}"] = schema_answer(
                        type_name, version["version"], modern=modern
                    )
    return routes


# ---- editor schemas: GET /api/v1/plugins/schemas/flow and `kestra plugins-schema -o plugins-schema.json`
#
# JsonSchemaGenerator.schemas(cls) (Draft 7, `$ref: #/definitions/KEY`): every class with all its
# properties (those of Task included), a plugin class's `type` a `const`, a property that holds plugins a
# `$ref` to Kestra's base class whose definition is an `anyOf` of the installed plugin classes. The
# plugins-schema bundle hoists the definitions of the flow, task, trigger and dashboard schemas into one
# `definitions` pool with `roots` naming each root's `$ref`.

TASK_BASE = {
    "id": {"type": "string", "pattern": "^[a-zA-Z0-9][a-zA-Z0-9_-]*"},
    "description": {"type": "string"},
    "retry": {"$ref": "#/definitions/io.kestra.core.models.tasks.retrys.AbstractRetry"},
    "timeout": {"anyOf": [{"type": "string", "format": "duration"}, {"type": "string"}], "$dynamic": True},
    "disabled": {"type": "boolean", "default": False},
    "logLevel": {"type": "string", "enum": ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"]},
    "allowFailure": {"type": "boolean", "default": False},
}
RETRIES = {
    "io.kestra.core.models.tasks.retrys.AbstractRetry": {
        "anyOf": [
            {"$ref": "#/definitions/io.kestra.core.models.tasks.retrys.Constant"},
            {"$ref": "#/definitions/io.kestra.core.models.tasks.retrys.Exponential"},
        ]
    },
    "io.kestra.core.models.tasks.retrys.Constant": {
        "type": "object",
        "properties": {
            "type": {"const": "constant"},
            "interval": {"type": "string", "format": "duration"},
            "maxAttempts": {"type": "integer", "minimum": 1},
        },
        "required": ["type", "interval"],
    },
    "io.kestra.core.models.tasks.retrys.Exponential": {
        "type": "object",
        "properties": {
            "type": {"const": "exponential"},
            "interval": {"type": "string", "format": "duration"},
            "maxInterval": {"type": "string", "format": "duration"},
        },
        "required": ["type", "interval", "maxInterval"],
    },
}
BASES = {
    "tasks": "io.kestra.core.models.tasks.Task",
    "triggers": "io.kestra.core.models.triggers.AbstractTrigger",
    "taskRunners": RUNNER.rsplit("/", 1)[1],
}


def _draft7(value: Any) -> Any:
    return json.loads(json.dumps(value).replace("#/$defs/", "#/definitions/"))


def editor_definitions() -> dict[str, Any]:
    """The `definitions` of the editor schema of STANDARD_MANIFEST's instance (each plugin at its latest
    version; the core plugin's classes too)."""
    definitions: dict[str, Any] = dict(RETRIES)
    members: dict[str, list[str]] = {key: [] for key in BASES}
    for plugin in [CORE, *VERSIONED]:
        version = plugin["versions"][-1]
        for key in BASES:
            for type_name in version.get(key, ()):
                members[key].append(type_name)
                props, required, nested = (
                    SCHEMA_BUILDERS[type_name](version["version"], True)
                    if type_name in SCHEMA_BUILDERS
                    else ({"message": text()}, ["message"], {})
                )
                own = {name: value for name, value in props.items() if "default" not in value}
                base = TASK_BASE if key == "tasks" else {}
                definitions[type_name] = {
                    "type": "object",
                    "properties": _draft7({**base, **props, "type": {"const": type_name}}),
                    "required": ["id", "type", *(r for r in required if r in own)] if base else list(required),
                    "title": type_name.rsplit(".", 1)[1],
                }
                definitions.update(_draft7(nested))
    for key, base_class in BASES.items():
        definitions[base_class] = {"anyOf": [{"$ref": f"#/definitions/{t}"} for t in sorted(members[key])]}
    definitions["io.kestra.core.models.flows.Flow"] = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "namespace": {"type": "string"},
            "tasks": {"type": "array", "items": {"$ref": "#/definitions/io.kestra.core.models.tasks.Task"}},
            "triggers": {
                "type": "array",
                "items": {"$ref": "#/definitions/io.kestra.core.models.triggers.AbstractTrigger"},
            },
        },
        "required": ["id", "namespace", "tasks"],
    }
    return definitions


def flow_schema() -> dict[str, Any]:
    """GET /api/v1/plugins/schemas/flow."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$ref": "#/definitions/io.kestra.core.models.flows.Flow",
        "definitions": editor_definitions(),
    }


def plugins_schema_bundle() -> dict[str, Any]:
    """The file `kestra plugins-schema -o plugins-schema.json` writes."""
    return {
        "definitions": editor_definitions(),
        "roots": {
            "flow": "#/definitions/io.kestra.core.models.flows.Flow",
            "task": "#/definitions/io.kestra.core.models.tasks.Task",
            "trigger": "#/definitions/io.kestra.core.models.triggers.AbstractTrigger",
        },
    }
