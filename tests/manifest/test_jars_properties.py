"""`manifest build`: property definitions read from the class files of plugin JARs, compiled here with the
machine's javac from java_sources.py's PLUGIN and LIBRARY (flowlint/manifest/jars/properties.py, classpath.py,
signatures.py, classfile.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import run_cli
from tests.manifest.plugin_jars import build, jar, kestra, warnings

UPLOAD, BROKEN, OPTIONS = "com.acme.Upload", "com.acme.Broken", "com.acme.Upload.Options"


def _folder(tmp_path: Path, compiled: dict[str, bytes], cut: str = "com/acme/Broken") -> None:
    """plugins/: the plugin's JAR (the class file ``cut`` cut short) and the library's JAR beside it."""
    plugin = {name: data for name, data in compiled.items() if name.startswith("com/acme/") and name.count("/") == 2}
    plugin[cut] = plugin[cut][:40]
    jar(
        tmp_path / "plugins/plugin-acme-1.0.0.jar", kestra("plugin-acme", "com.acme", "1.0.0"), [UPLOAD, BROKEN], plugin
    )
    library = {name: data for name, data in compiled.items() if name.startswith("com/acme/lib/")}
    jar(tmp_path / "plugins/lib/acme-lib-2.3.jar", {}, None, library)


EXPECTED_UPLOAD: dict[str, Any] = {
    "since": "1.0.0",
    "until": "1.0.0",
    "kind": "task",
    "root": "task",
    "props": [
        {"name": "args", "kind": "list", "of": {"kind": "string"}},
        {"name": "bucket", "kind": "string", "dyn": True, "req": True},
        {"name": "endpoint", "kind": "string", "req": True},
        {"name": "format", "kind": "string"},
        {"name": "limits", "kind": "map", "of": {"kind": "list", "of": {"kind": "integer"}}, "dyn": True},
        {"name": "note", "kind": "string", "src": "setter"},
        {"name": "options", "kind": "object", "ref": OPTIONS},
        {"name": "parallelism", "kind": "integer"},
        {"name": "project", "kind": "string", "dyn": True, "reqOverridden": True, "src": "iface"},
        {"name": "region", "kind": "string", "req": True},
        {"name": "retries", "kind": "integer", "dyn": True},
        {"name": "state", "kind": "any"},
        {"name": "storageClass", "kind": "enum", "enum": ["FAST", "SLOW", "bulk"], "dyn": True},
        {"name": "tags", "kind": "list", "of": {"kind": "string"}, "dyn": True},
        {"name": "taskRunner", "kind": "plugin", "of": "taskRunner"},
        {"name": "token", "kind": "string", "hidden": True},
        {"name": "wait", "kind": "duration", "dep": True},
    ],
}
EXPECTED_OPTIONS: dict[str, Any] = {
    "since": "1.0.0",
    "until": "1.0.0",
    "props": [
        {"name": "headers", "kind": "map", "of": {"kind": "string"}},
        {"name": "timeout", "kind": "duration", "req": True},
        {"name": "verbose", "kind": "boolean"},
    ],
}


def _ranged(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "props": [{**p, "since": "1.0.0", "until": "1.0.0"} for p in record["props"]]}


def test_properties_are_read_from_the_class_files_as_kestra_sees_them(
    tmp_path: Path, compiled: dict[str, bytes]
) -> None:
    _folder(tmp_path, compiled)
    data, stderr = build(tmp_path, properties=True)
    assert stderr == warnings(
        "lib/acme-lib-2.3.jar: not a Kestra plugin (no X-Kestra-* attributes in META-INF/MANIFEST.MF and no "
        "META-INF/services/io.kestra.core.models.Plugin); skipped",
        "plugin-acme-1.0.0.jar: cannot read the class file com/acme/Broken.class; no property data for com.acme.Broken",
    )
    assert data is not None
    (plugin,) = data["plugins"]
    assert plugin["versions"] == [
        {"version": "1.0.0", "tasks": [BROKEN, UPLOAD], "triggers": [], "conditions": [], "taskRunners": []}
    ]
    # renamed (mode -> storageClass); ignored (state: Jackson accepts the key and drops it, any value); static
    # and transient fields left out; token is hidden from the schema only (Jackson reads it); retries has a
    # builder default, format an initializer; region is required by the interface getter (Upload's getter
    # returns the field), project only declared by one that Upload overrides with a computed value (so it
    # cannot be null: reqOverridden); zone has no annotation
    assert plugin["properties"] == {
        "types": {UPLOAD: _ranged(EXPECTED_UPLOAD)},
        "defs": {OPTIONS: _ranged(EXPECTED_OPTIONS)},
        "source": "from class files",
    }


def test_a_nested_class_that_cannot_be_read_is_a_warning_and_not_checked(
    tmp_path: Path, compiled: dict[str, bytes]
) -> None:
    _folder(tmp_path, compiled, cut="com/acme/Upload$Options")
    data, stderr = build(tmp_path, properties=True)
    assert stderr[1:] == warnings(
        "plugin-acme-1.0.0.jar: cannot read the class file com/acme/Upload$Options.class; "
        "com.acme.Upload.Options is not checked"
    )
    assert data is not None
    section = data["plugins"][0]["properties"]
    assert sorted(section["types"]) == [BROKEN, UPLOAD] and "defs" not in section
    options = {"name": "options", "kind": "any", "class": "Options", "kindUnknown": True}
    assert {**options, "since": "1.0.0", "until": "1.0.0"} in section["types"][UPLOAD]["props"]


def test_a_listed_class_the_jar_lacks_is_a_warning(tmp_path: Path, compiled: dict[str, bytes]) -> None:
    classes = {name: data for name, data in compiled.items() if name.startswith("com/acme/lib/")}
    jar(tmp_path / "plugins/plugin-acme-1.0.0.jar", kestra("plugin-acme", "com.acme", "1.0.0"), ["com.acme.Ghost"], {})
    jar(tmp_path / "plugins/acme-lib-2.3.jar", {}, None, classes)
    data, stderr = build(tmp_path, properties=True)
    assert stderr[1:] == warnings(
        "plugin-acme-1.0.0.jar: has no class file com/acme/Ghost.class; no property data for com.acme.Ghost"
    )
    assert data is not None and "properties" not in data["plugins"][0]


def test_no_properties_leaves_the_sections_out(tmp_path: Path, compiled: dict[str, bytes]) -> None:
    _folder(tmp_path, compiled)
    data, stderr = build(tmp_path)
    assert data is not None and "properties" not in data["plugins"][0]
    assert len(stderr) == 1  # the library JAR is not a plugin; no class file is read


FLOW = """\
id: upload
namespace: company.team
tasks:
  - id: up
    type: com.acme.Upload
    region: eu
    project: "{{ vars.project }}"
    note: set through its setter
    token: abc
    storageClass: FASTER
    mode: SLOW
    state: done
    tags: [a, b]
    wait: PT1M
    taskRunner:
      type: io.kestra.plugin.core.runner.Process
    options:
      timeout: 5 minutes
      verbose: maybe
  - id: broken
    type: com.acme.Broken
    anything: goes
"""


def test_a_flow_is_checked_against_the_built_manifest(tmp_path: Path, compiled: dict[str, bytes]) -> None:
    _folder(tmp_path, compiled)
    build(tmp_path, properties=True)
    (tmp_path / "flow.yml").write_text(FLOW, "utf-8")
    done = run_cli(["check", "--manifest", "out.yaml", "--select", "FL5", "--format", "concise", "flow.yml"], tmp_path)
    assert done.returncode == 1, done.stderr
    *found, summary = done.stdout.splitlines()
    assert found == [
        "flow.yml:5:11: FL502 [error] com.acme.Upload 1.0.0 (plugin-acme) requires 'bucket'",
        "flow.yml:5:11: FL502 [error] com.acme.Upload 1.0.0 (plugin-acme) requires 'endpoint'",
        "flow.yml:10:19: FL503 [warning] 'storageClass' takes one of FAST, SLOW, bulk; not 'FASTER'; "
        "did you mean FAST?",
        "flow.yml:11:5: FL501 [error] 'mode' is not a property of com.acme.Upload 1.0.0 (plugin-acme)",
        "flow.yml:14:5: FL504 [warning] 'wait' is deprecated in com.acme.Upload 1.0.0 (plugin-acme)",
        "flow.yml:18:16: FL503 [error] 'timeout' takes an ISO-8601 duration such as PT5M (or a number of seconds), "
        "not '5 minutes'",
        "flow.yml:19:16: FL503 [error] 'verbose' takes true or false, not 'maybe'",
    ]
    # Broken's class file could not be read: its keys are not judged, and the run says so
    assert summary.endswith("properties not known for 1 plugin use (no property data for its type or version)")
