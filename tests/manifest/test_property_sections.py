"""Property sections made from what a source says per version (flowlint.manifest.property_sections): each
definition once with its range, a version the source did not describe partial there, and the checks they
give against a flow."""

from __future__ import annotations

from typing import Any

from flowlint.manifest.property_sections import ClassProps, properties_section, versionless_section
from tests.conftest import lint

TYPE = "com.acme.Upload"
VERSIONS = ["1.0.0", "1.1.0", "2.0.0"]


def _manifest(section: dict[str, Any]) -> dict[str, Any]:
    versions = [{"version": v, "tasks": [TYPE]} for v in VERSIONS]
    plugin = {"groupId": "com.acme", "artifactId": "plugin-acme", "versions": versions, "properties": section}
    return {"manifestVersion": 1, "source": "test", "plugins": [plugin]}


def _flow(version: str, *keys: str) -> str:
    body = "".join(f"    {key}: x\n" for key in keys)
    return f'id: f\nnamespace: company.team\ntasks:\n  - id: up\n    type: {TYPE}\n    version: "{version}"\n{body}'


BUCKET = {"name": "bucket", "kind": "string", "req": True}
TARGET = {"name": "target", "kind": "string"}
PATH_ = {"name": "path", "kind": "string"}


def test_each_definition_once_with_the_versions_where_it_holds() -> None:
    section = properties_section(
        VERSIONS,
        {
            "1.0.0": {TYPE: ClassProps([BUCKET, TARGET], kind="task", root="task")},
            "1.1.0": {TYPE: ClassProps([BUCKET, TARGET], kind="task", root="task")},
            "2.0.0": {TYPE: ClassProps([BUCKET, PATH_], kind="task", root="task")},
        },
        source="from class files",
    )
    assert section == {
        "types": {
            TYPE: {
                "since": "1.0.0",
                "until": "2.0.0",
                "kind": "task",
                "root": "task",
                "props": [
                    {**BUCKET, "since": "1.0.0", "until": "2.0.0"},
                    {**PATH_, "since": "2.0.0", "until": "2.0.0"},
                    {**TARGET, "since": "1.0.0", "until": "1.1.0"},
                ],
            }
        },
        "source": "from class files",
    }
    found = lint(_flow("1.1.0", "bucket", "path"), manifest_data=_manifest(section), select=["FL5"])
    assert [(d.code, d.span.line, d.message) for d in found] == [
        ("FL501", 8, "'path' is not a property of com.acme.Upload 1.1.0 (plugin-acme)"),
    ]
    assert lint(_flow("2.0.0", "bucket", "path"), manifest_data=_manifest(section), select=["FL5"]) == []


def test_a_version_the_source_did_not_describe_is_partial_there() -> None:
    # 1.1.0's answer was lost: its keys cannot be judged, the other versions' can
    section = properties_section(
        VERSIONS,
        {
            "1.0.0": {TYPE: ClassProps([BUCKET], kind="task", root="task")},
            "2.0.0": {TYPE: ClassProps([BUCKET], kind="task", root="task")},
        },
    )
    record = section["types"][TYPE]
    assert record["partialByVersion"] == [{"since": "1.1.0", "until": "1.1.0", "value": True}]
    assert record["props"] == [
        {**BUCKET, "since": "1.0.0", "until": "1.0.0"},
        {**BUCKET, "since": "2.0.0", "until": "2.0.0"},
    ]
    manifest = _manifest(section)
    assert [d.code for d in lint(_flow("1.0.0", "bucket", "nope"), manifest_data=manifest, select=["FL5"])] == ["FL501"]
    assert lint(_flow("1.1.0", "bucket", "nope"), manifest_data=manifest, select=["FL5"]) == []


def test_a_versionless_section_applies_to_every_listed_version() -> None:
    section = versionless_section(
        {TYPE: ClassProps([BUCKET], kind="task", root="task")}, source="from plugins-schema.json"
    )
    assert section["anyVersion"] is True and "since" not in section["types"][TYPE]
    for version in VERSIONS:
        found = lint(_flow(version, "nope"), manifest_data=_manifest(section), select=["FL5"])
        assert [(d.code, d.message) for d in found] == [
            ("FL502", f"com.acme.Upload {version} (plugin-acme) requires 'bucket'"),
            ("FL501", f"'nope' is not a property of com.acme.Upload {version} (plugin-acme)"),
        ]
