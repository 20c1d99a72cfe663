"""A manifest without Kestra's core plugin (as `manifest build` makes them) still checks core types:
the bundled catalog's core artifacts for the target Kestra version stand in, and runs say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

JARS_MANIFEST = {
    "manifestVersion": 1,
    "source": "plugins folder",
    "plugins": [
        {
            "groupId": "io.kestra.plugin",
            "artifactId": "plugin-script-shell",
            "versions": [{"version": "0.21.0", "tasks": ["io.kestra.plugin.scripts.shell.Commands"]}],
        }
    ],
}
FLOW = (
    "id: a\n"
    "namespace: b\n"
    "tasks:\n"
    "  - id: typo\n"
    "    type: io.kestra.plugin.core.log.Lgo\n"
    "    message: Hello\n"
    "  - id: alias\n"
    "    type: io.kestra.core.tasks.log.Log\n"
    "    message: Hello\n"
    "  - id: new\n"
    "    type: io.kestra.plugin.core.log.Log\n"
    "    message: Hello\n"
    "  - id: shell\n"
    "    type: io.kestra.plugin.scripts.shell.Commands\n"
    "    commands: [echo hello]\n"
)
NOTE = "core types of Kestra {target} from the bundled catalog, io.kestra:core {core}"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "manifest.json").write_text(json.dumps(JARS_MANIFEST), "utf-8")
    (tmp_path / "f.yml").write_text(FLOW, "utf-8")
    return tmp_path


def test_core_types_are_checked_with_a_manifest_that_lacks_core(folder: Path) -> None:
    done = run_cli(["check", "--no-cache", "--format", "concise", "--manifest", "manifest.json", "f.yml"], folder)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "f.yml:5:11: FL101 [error] unknown plugin type io.kestra.plugin.core.log.Lgo: no installed plugin provides it",
        "f.yml:8:11: FL108 [warning] io.kestra.core.tasks.log.Log is a deprecated alias of "
        "io.kestra.plugin.core.log.Log",
        "1 file checked (1 flow): 1 error, 1 warning, 0 info; manifest: plugins folder (1 plugin, 1 version; "
        + NOTE.format(target="1.3", core="0.20.7")
        + ")",
        "[*] 1 fixable with `flowlint fix`",
    ]


def test_the_core_version_follows_the_target_kestra_version(folder: Path) -> None:
    args = ["check", "--no-cache", "--format", "concise", "--manifest", "manifest.json", "f.yml"]
    done = run_cli([*args, "--target-kestra-version", "0.15"], folder)
    lines = done.stdout.splitlines()
    # Kestra 0.15 had no io.kestra.plugin.core.* names: the old io.kestra.core.tasks.log.Log was the type
    assert lines[:2] == [
        "f.yml:5:11: FL101 [error] unknown plugin type io.kestra.plugin.core.log.Lgo: no installed plugin provides it",
        "f.yml:11:11: FL101 [error] unknown plugin type io.kestra.plugin.core.log.Log: no installed plugin provides it",
    ]
    assert lines[2].endswith(NOTE.format(target="0.15", core="0.15.28") + ")")


def test_manifest_show_says_where_core_types_come_from(folder: Path) -> None:
    done = run_cli(["manifest", "show", "manifest.json"], folder)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[1] == "1 plugin, 1 version; " + NOTE.format(target="1.3", core="0.20.7")
    assert "io.kestra:core  [core: never versioned; not in this manifest, taken from the bundled catalog]" in lines


def test_a_manifest_with_core_keeps_its_own(folder: Path) -> None:
    data = dict(JARS_MANIFEST)
    data["plugins"] = [
        *JARS_MANIFEST["plugins"],  # type: ignore[misc]
        {"groupId": "io.kestra", "artifactId": "core", "core": True,
         "versions": [{"version": "1.3.0", "tasks": ["io.kestra.plugin.core.log.Log"]}]},
    ]  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(data), "utf-8")
    done = run_cli(["check", "--no-cache", "--format", "concise", "--manifest", "manifest.json", "f.yml"], folder)
    assert done.stdout.splitlines()[-1].endswith("manifest: plugins folder (2 plugins, 2 versions)")
