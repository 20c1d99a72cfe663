"""`manifest build DIR`: JARs that are not plugins are warnings, no plugin at all is exit 2, and the
manifest written lints like a hand-written one (flowlint/manifest/jars/folder.py)."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.manifest.plugin_jars import (
    COMMANDS,
    JDBC_TRIGGER,
    QUERIES,
    QUERY,
    SCRIPT,
    SHELL,
    build,
    jar,
    kestra,
    plugin_jar,
    warnings,
)

# --- JARs that are not plugins -------------------------------------------------------------------------


def test_corrupt_library_and_empty_jars_are_warnings_naming_the_file(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugin_jar(
        plugins / "io_kestra_plugin__plugin-script-shell__0_20_0.jar", "plugin-script-shell", SHELL, "0.20.0", [SCRIPT]
    )
    (plugins / "broken.jar").write_bytes(b"this is not a zip file at all")
    truncated = (plugins / "io_kestra_plugin__plugin-script-shell__0_20_0.jar").read_bytes()[:60]
    (plugins / "lib").mkdir()
    (plugins / "lib" / "truncated.jar").write_bytes(truncated)
    jar(
        plugins / "lib" / "commons-lang3-3.14.0.jar",
        {"Implementation-Title": "Apache Commons Lang"},
        None,
        ["org.apache.commons.lang3.StringUtils"],
    )
    jar(
        plugins / "io_kestra_plugin__plugin-none__1_0_0.jar",
        kestra("plugin-none", "io.kestra.plugin.none", "1.0.0"),
        [],
        [],
    )
    (plugins / "README.txt").write_text("not a jar", "utf-8")
    data, stderr = build(tmp_path)
    assert stderr == warnings(
        "broken.jar: not a JAR (not a valid zip file); skipped",
        "io_kestra_plugin__plugin-none__1_0_0.jar: no plugin class found; skipped",
        "lib/commons-lang3-3.14.0.jar: not a Kestra plugin (no X-Kestra-* attributes in META-INF/MANIFEST.MF "
        "and no META-INF/services/io.kestra.core.models.Plugin); skipped",
        "lib/truncated.jar: not a JAR (not a valid zip file); skipped",
    )
    assert data is not None
    assert [p["artifactId"] for p in data["plugins"]] == ["plugin-script-shell"]


def test_an_unreadable_jar_is_a_warning(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugin_jar(plugins / "plugin-script-shell-0.20.0.jar", "plugin-script-shell", SHELL, "0.20.0", [SCRIPT])
    (plugins / "gone.jar").symlink_to(plugins / "nowhere.jar")
    data, stderr = build(tmp_path)
    assert stderr == warnings("gone.jar: cannot read: No such file or directory; skipped")
    assert data is not None


def test_a_version_flowlint_cannot_read_is_a_warning(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugin_jar(plugins / "plugin-script-shell-0.20.0.jar", "plugin-script-shell", SHELL, "0.20.0", [SCRIPT])
    plugin_jar(plugins / "io_kestra_plugin__plugin-x__1_2_3_4.jar", "plugin-x", "io.x", "1.2.3.4", ["io.x.A"])
    plugin_jar(plugins / "odd.jar", "plugin-y", "io.y", "latest-build", ["io.y.A"])
    data, stderr = build(tmp_path)
    assert stderr == warnings(
        "io_kestra_plugin__plugin-x__1_2_3_4.jar: '1.2.3.4' is not a plugin version flowlint understands; skipped",
        "odd.jar: 'latest-build' is not a plugin version flowlint understands; skipped",
    )
    assert data is not None
    assert [p["artifactId"] for p in data["plugins"]] == ["plugin-script-shell"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("empty", "flowlint: error: no plugin JARs (*.jar) in plugins"),
        ("missing", "flowlint: error: plugins: no such folder"),
        (
            "no-plugin",
            "flowlint: error: no Kestra plugin in the 2 JAR file(s) of plugins: a.jar: not a JAR (not a valid zip "
            "file); skipped; lib.jar: not a Kestra plugin (no X-Kestra-* attributes in META-INF/MANIFEST.MF and no "
            "META-INF/services/io.kestra.core.models.Plugin); skipped",
        ),
    ],
)
def test_no_folder_no_jar_or_no_plugin_in_any_jar_is_exit_2(tmp_path: Path, setup: str, message: str) -> None:
    if setup != "missing":
        (tmp_path / "plugins" / "sub").mkdir(parents=True)
        (tmp_path / "plugins" / "notes.txt").write_text("x", "utf-8")
    if setup == "no-plugin":
        (tmp_path / "plugins" / "a.jar").write_bytes(b"garbage")
        jar(tmp_path / "plugins" / "lib.jar", {}, None, ["org.lib.Thing"])
    _, stderr = build(tmp_path, expect=2)
    assert stderr == [message]


# --- output --------------------------------------------------------------------------------------------


def test_the_manifest_records_its_source_and_date_and_format_json_writes_it_to_stdout(tmp_path: Path) -> None:
    plugin_jar(tmp_path / "plugins/plugin-script-shell-0.20.0.jar", "plugin-script-shell", SHELL, "0.20.0", [SCRIPT])
    data, _ = build(tmp_path)
    assert data is not None
    assert data["source"] == f"plugin JARs in plugins, built {date.today().isoformat()}"
    assert str(data["generatedAt"]).startswith(date.today().isoformat()[:4])
    assert list(data) == ["manifestVersion", "source", "generatedAt", "plugins"]
    args = ["manifest", "build", "plugins", "--format", "json", "--source", "prod, 2026-11-20", "--no-properties"]
    done = run_cli(args, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    parsed = json.loads(done.stdout)
    assert parsed["source"] == "prod, 2026-11-20"
    assert parsed["plugins"] == data["plugins"]


# --- the same findings as a hand-written manifest ------------------------------------------------------

FLOWS = {
    "pinned.yml": """\
        id: pinned
        namespace: company.team
        tasks:
          - id: shell
            type: io.kestra.plugin.scripts.shell.Commands
            version: "0.21.0"
            commands: [./load.sh]
          - id: old
            type: io.kestra.plugin.scripts.shell.Commands
            version: "0.20.0"
            commands: [./load.sh]
          - id: query
            type: io.kestra.plugin.jdbc.Query
            version: "1.2.0-rc1"
        triggers:
          - id: watch
            type: io.kestra.plugin.jdbc.Trigger
            version: 1.20
        """,
    "missing.yml": """\
        id: missing
        namespace: company.team
        tasks:
          - id: shell
            type: io.kestra.plugin.scripts.shell.Script
            version: "0.19.0"
            script: echo hello
          - id: nope
            type: io.kestra.plugin.scripts.shell.Nope
            version: "0.21.0"
          - id: latest
            type: io.kestra.plugin.jdbc.Queries
            version: LATEST
        """,
    "runners.yml": """\
        id: runners
        namespace: company.team
        tasks:
          - id: shell
            type: io.kestra.plugin.scripts.shell.Script
            version: "0.21"
            script: echo hello
            taskRunner:
              type: io.kestra.plugin.scripts.runner.docker.Docker
              version: "1.1.0"
        """,
}


def test_lint_with_the_built_manifest_equals_lint_with_a_hand_written_one(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugin_jar(
        plugins / "io_kestra_plugin__plugin-script-shell__0_20_0.jar", "plugin-script-shell", SHELL, "0.20.0", [SCRIPT]
    )
    plugin_jar(
        plugins / "io_kestra_plugin__plugin-script-shell__0_21_0.jar",
        "plugin-script-shell",
        SHELL,
        "0.21.0",
        [SCRIPT, COMMANDS],
    )
    plugin_jar(
        plugins / "io_kestra_plugin__plugin-jdbc__1_2_0-rc1.jar",
        "plugin-jdbc",
        "io.kestra.plugin.jdbc",
        "1.2.0-rc1",
        [QUERY, QUERIES, JDBC_TRIGGER],
    )
    plugin_jar(
        plugins / "io_kestra_plugin__plugin-jdbc__1_2_0.jar",
        "plugin-jdbc",
        "io.kestra.plugin.jdbc",
        "1.2.0",
        [QUERY, JDBC_TRIGGER],
    )
    plugin_jar(
        plugins / "plugin-docker-1.1.0.jar",
        "plugin-docker",
        "io.kestra.plugin.docker",
        "1.1.0",
        ["io.kestra.plugin.scripts.runner.docker.Docker", "io.kestra.plugin.docker.Run"],
    )

    hand: dict[str, Any] = {
        "manifestVersion": 1,
        "source": "hand-written",
        "plugins": [
            {
                "groupId": "io.kestra.plugin",
                "artifactId": "plugin-script-shell",
                "versions": [
                    {"version": "0.20.0", "tasks": [SCRIPT]},
                    {"version": "0.21.0", "tasks": [SCRIPT, COMMANDS]},
                ],
            },
            {
                "groupId": "io.kestra.plugin",
                "artifactId": "plugin-jdbc",
                "versions": [
                    {"version": "1.2.0-rc1", "tasks": [QUERY, QUERIES], "triggers": [JDBC_TRIGGER]},
                    {"version": "1.2.0", "tasks": [QUERY], "triggers": [JDBC_TRIGGER]},
                ],
            },
            {
                "groupId": "io.kestra.plugin",
                "artifactId": "plugin-docker",
                "versions": [
                    {
                        "version": "1.1.0",
                        "tasks": ["io.kestra.plugin.docker.Run"],
                        "taskRunners": ["io.kestra.plugin.scripts.runner.docker.Docker"],
                    }
                ],
            },
        ],
    }
    (tmp_path / "hand.json").write_text(json.dumps(hand), "utf-8")
    for name, text in FLOWS.items():
        (tmp_path / "flows" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "flows" / name).write_text(textwrap.dedent(text), "utf-8")
    built, stderr = build(tmp_path)
    assert stderr == []
    assert built is not None

    def findings(manifest: str) -> list[dict[str, Any]]:
        done = run_cli(["check", "--manifest", manifest, "--format", "json", "flows"], tmp_path)
        assert done.returncode == 1, (done.stdout, done.stderr)
        report = json.loads(done.stdout)
        assert report["manifest"]["plugins"] == 3
        diagnostics: list[dict[str, Any]] = report["diagnostics"]
        return diagnostics

    with_built, with_hand = findings("out.yaml"), findings("hand.json")
    assert with_built == with_hand
    found = sorted((d["path"], d["code"], d["yamlPath"]) for d in with_built)
    assert found == [
        ("flows/missing.yml", "FL101", "tasks[1].type"),  # no such type in any version
        ("flows/missing.yml", "FL102", "tasks[0].version"),  # 0.19.0 is not installed
        ("flows/pinned.yml", "FL105", "tasks[1].version"),  # Commands is new in 0.21.0
        ("flows/pinned.yml", "FL107", "triggers[0].version"),  # 1.20 reads as 1.2
    ]
