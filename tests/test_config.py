"""Config discovery, validation and each config key changing the result, end to end through a real subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli.concise_run import (
    ALIAS,
    CLEAN,
    FL102_MESSAGE,
    FL108_MESSAGE,
    MIXED,
    MIXED_LINES,
    NOT_INSTALLED,
    SCRIPT,
    concise,
    findings,
    manifest_text,
    standard_project,
    summary,
    write,
)
from tests.conftest import STANDARD_MANIFEST, run_cli


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with the standard manifest and a config that names it."""
    return standard_project(tmp_path)


# Config errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        (
            ".flowlint.yaml",
            "selectt: [FL1]\n",
            "$: Additional properties are not allowed ('selectt' was unexpected) (did you mean 'select'?)",
        ),
        (".flowlint.yaml", "failOn: bogus\n", "$.failOn: 'bogus' is not one of ['error', 'warning', 'info']"),
        (
            ".flowlint.yml",
            "severity:\n  FL102: fatal\n",
            "$.severity.FL102: 'fatal' is not one of ['error', 'warning', 'info']",
        ),
        ("pyproject.toml", "[tool.flowlint]\nfailOn = 3\n", "$.failOn: 3 is not one of ['error', 'warning', 'info']"),
        # a null or boolean value is written as YAML writes it (jsonschema says None, True)
        (".flowlint.yaml", "edition:\n", "$.edition: null is not one of ['oss', 'ee']"),
        (".flowlint.yaml", "failOn: true\n", "$.failOn: true is not one of ['error', 'warning', 'info']"),
    ],
)
def test_exit_2_bad_config_names_the_file_and_the_key(tmp_path: Path, name: str, text: str, reason: str) -> None:
    write(tmp_path, {"flow.yml": CLEAN, "m.json": manifest_text(), name: text})
    done = run_cli(["check", "--manifest", "m.json", "flow.yml"], tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"flowlint: error: config {tmp_path / name}: {reason}\n"
    assert "Traceback" not in done.stderr


def test_exit_2_missing_config_file(project: Path) -> None:
    done = run_cli(["check", "--config", "nope.yaml", "."], project)
    assert (done.returncode, done.stderr) == (2, "flowlint: error: config file nope.yaml does not exist\n")


# Config discovery ---------------------------------------------------------------------------------


def test_config_found_in_the_working_folder(project: Path) -> None:
    write(project, {"flow.yml": ALIAS, ".flowlint.yaml": "manifest: manifest.json\nignore: [FL108]\n"})
    done = concise(["flow.yml"], project)
    assert done.stdout == summary(1, 1, 0, 0, 0) + "\n"


def test_config_found_in_a_parent_folder_with_paths_relative_to_it(tmp_path: Path) -> None:
    write(tmp_path, {"m.json": manifest_text(), ".flowlint.yml": "manifest: m.json\nignore: [FL108]\n"})
    write(tmp_path, {"flows/deep/flow.yml": ALIAS})
    done = concise(["flow.yml"], tmp_path / "flows" / "deep")
    assert (done.returncode, done.stdout) == (0, summary(1, 1, 0, 0, 0) + "\n")


def test_pyproject_tool_table(tmp_path: Path) -> None:
    write(tmp_path, {"m.json": manifest_text(), "flow.yml": ALIAS})
    write(
        tmp_path,
        {"pyproject.toml": '[project]\nname = "x"\n\n[tool.flowlint]\nmanifest = "m.json"\nfailOn = "warning"\n'},
    )
    done = concise(["flow.yml"], tmp_path)
    assert done.returncode == 1
    assert findings(done.stdout) == [f"flow.yml:5:11: {FL108_MESSAGE}"]


def test_pyproject_without_the_table_is_passed_over_for_a_parent_config(tmp_path: Path) -> None:
    write(tmp_path, {"m.json": manifest_text(), ".flowlint.yaml": "manifest: m.json\nfailOn: warning\n"})
    write(tmp_path, {"sub/pyproject.toml": '[project]\nname = "x"\n', "sub/flow.yml": ALIAS})
    assert concise(["flow.yml"], tmp_path / "sub").returncode == 1


def test_flowlint_yaml_wins_over_pyproject_and_a_nearer_config_over_a_parent(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m.json": manifest_text(),
            ".flowlint.yaml": "manifest: m.json\nfailOn: warning\n",
            "pyproject.toml": '[tool.flowlint]\nmanifest = "m.json"\nignore = ["FL108"]\n',
            "flow.yml": ALIAS,
        },
    )
    assert concise(["flow.yml"], tmp_path).returncode == 1
    write(tmp_path, {"sub/.flowlint.yaml": "manifest: ../m.json\nignore: [FL108]\n", "sub/flow.yml": ALIAS})
    done = concise(["flow.yml"], tmp_path / "sub")
    assert (done.returncode, findings(done.stdout)) == (0, [])


def test_config_option_names_the_config(project: Path) -> None:
    write(project, {"flow.yml": ALIAS, "other/strict.yaml": "manifest: ../manifest.json\nfailOn: warning\n"})
    assert concise(["flow.yml"], project).returncode == 0
    assert concise(["flow.yml", "--config", "other/strict.yaml"], project).returncode == 1


def test_command_line_manifest_replaces_the_configured_one(project: Path) -> None:
    data = dict(STANDARD_MANIFEST, source="other instance")
    write(project, {"flow.yml": CLEAN, "other.json": json.dumps(data)})
    done = concise(["flow.yml", "--manifest", "other.json"], project)
    assert done.stdout.endswith("; manifest: other instance (4 plugins, 9 versions)\n")


# Config keys, each changing the result -----------------------------------------------------------


def configured(
    root: Path, config: str, flow: str, args: tuple[str, ...] = ("flow.yml",)
) -> subprocess.CompletedProcess[str]:
    write(root, {".flowlint.yaml": "manifest: manifest.json\n" + config, "flow.yml": flow})
    return concise(list(args), root)


def test_config_select(project: Path) -> None:
    assert findings(configured(project, "select: [FL107]\n", MIXED).stdout) == [MIXED_LINES[2]]


def test_config_ignore_with_a_prefix(project: Path) -> None:
    assert findings(configured(project, "ignore: [FL10]\n", MIXED).stdout) == []


def test_command_line_select_overrides_config_select(project: Path) -> None:
    write(project, {".flowlint.yaml": "manifest: manifest.json\nselect: [FL107]\n", "flow.yml": MIXED})
    assert findings(concise(["flow.yml", "--select", "FL108"], project).stdout) == [MIXED_LINES[0]]


def test_config_severity(project: Path) -> None:
    done = configured(project, "severity: {FL102: warning, FL108: error}\n", MIXED)
    assert findings(done.stdout) == [
        MIXED_LINES[0].replace("[warning]", "[error]"),
        MIXED_LINES[1].replace("[error]", "[warning]"),
        MIXED_LINES[2],
    ]
    assert done.returncode == 1
    assert done.stdout.splitlines()[-2:] == [summary(1, 1, 0, 1, 2), "[*] 2 fixable with `flowlint fix`"]


def test_config_fail_on(project: Path) -> None:
    assert configured(project, "", ALIAS).returncode == 0
    assert configured(project, "failOn: warning\n", ALIAS).returncode == 1
    assert concise(["flow.yml", "--fail-on", "error"], project).returncode == 0  # the option wins


def test_config_target_kestra_version(project: Path) -> None:
    done = configured(project, 'targetKestraVersion: "2.0"\n', ALIAS)
    assert done.returncode == 1
    assert findings(done.stdout) == [
        "flow.yml:5:11: FL108 [error] io.kestra.core.tasks.log.Log is removed in Kestra 2.0: "
        "use io.kestra.plugin.core.log.Log"
    ]
    assert concise(["flow.yml", "--target-kestra-version", "1.3"], project).returncode == 0


def test_config_default_version(project: Path) -> None:
    assert findings(configured(project, "defaultVersion: LATEST\n", SCRIPT).stdout) == []
    done = configured(project, "defaultVersion: NONE\n", SCRIPT)
    assert findings(done.stdout) == [
        "flow.yml:5:11: FL103 [error] io.kestra.plugin.scripts.shell.Script has no version: the instance default "
        f"version is NONE ({project / '.flowlint.yaml'}) and nothing more specific sets one"
    ]
    done = configured(project, 'defaultVersion: "0.30.0"\n', SCRIPT)
    assert findings(done.stdout) == [
        "flow.yml:5:11: FL102 [error] version 0.30.0 of io.kestra.plugin:plugin-script-shell is not installed "
        "(installed: 0.20.0, 0.21.0); the version comes from the instance default version 0.30.0 "
        f"({project / '.flowlint.yaml'})"
    ]


def test_config_global_plugin_defaults(project: Path) -> None:
    config = 'pluginDefaults:\n  - type: io.kestra.plugin.scripts\n    values:\n      version: "9.9.9"\n'
    assert findings(configured(project, config, SCRIPT).stdout) == [
        "flow.yml:5:11: FL102 [error] version 9.9.9 of io.kestra.plugin:plugin-script-shell is not installed "
        "(installed: 0.20.0, 0.21.0); the version comes from the global plugin default for io.kestra.plugin.scripts "
        f"({project / '.flowlint.yaml'})"
    ]


def test_config_namespace_plugin_defaults_apply_to_child_namespaces_only(project: Path) -> None:
    config = (
        "namespaces:\n  company:\n    pluginDefaults:\n      - type: io.kestra.plugin.scripts\n"
        '        values:\n          version: "0.19"\n'
    )
    assert findings(configured(project, config, SCRIPT).stdout) == [
        "flow.yml:5:11: FL102 [error] version 0.19 of io.kestra.plugin:plugin-script-shell matches no installed "
        "version (installed: 0.20.0, 0.21.0); the version comes from the namespace company plugin default for "
        f"io.kestra.plugin.scripts ({project / '.flowlint.yaml'})"
    ]
    other = SCRIPT.replace("namespace: company.team", "namespace: other.team")
    assert findings(configured(project, config, other).stdout) == []


def test_config_kestra_config_default_version(project: Path) -> None:
    write(project, {"deploy/application.yml": "kestra:\n  plugins:\n    management:\n      defaultVersion: NONE\n"})
    done = configured(project, "kestraConfig: deploy/application.yml\n", SCRIPT)
    assert findings(done.stdout) == [
        "flow.yml:5:11: FL103 [error] io.kestra.plugin.scripts.shell.Script has no version: the instance default "
        f"version is NONE ({project / 'deploy' / 'application.yml'}) and nothing more specific sets one"
    ]


def test_config_kestra_config_plugin_defaults(project: Path) -> None:
    application = (
        "kestra:\n  plugins:\n    defaults:\n      - type: io.kestra.plugin.scripts.shell.Script\n"
        '        values:\n          version: "0.22.0"\n'
    )
    write(project, {"application.yml": application})
    assert findings(configured(project, "kestraConfig: application.yml\n", SCRIPT).stdout) == [
        "flow.yml:5:11: FL102 [error] version 0.22.0 of io.kestra.plugin:plugin-script-shell is not installed "
        "(installed: 0.20.0, 0.21.0); the version comes from the global plugin default for "
        f"io.kestra.plugin.scripts.shell.Script ({project / 'application.yml'})"
    ]


def test_config_exclude_and_include(project: Path) -> None:
    write(
        project,
        {"flows/a.yml": NOT_INSTALLED, "flows/archive/old.yml": NOT_INSTALLED, "elsewhere/b.yml": NOT_INSTALLED},
    )
    # The files are copies of one flow: FL703 (duplicate-flow) is not what this test is about.
    write(
        project,
        {
            ".flowlint.yaml": "manifest: manifest.json\ninclude: [flows]\nexclude: ['flows/archive/**']\n"
            "ignore: [FL703]\n"
        },
    )
    done = concise([], project)  # no paths: the configured include
    assert findings(done.stdout) == [f"flows/a.yml:6:14: {FL102_MESSAGE}"]
    assert done.stdout.splitlines()[-1] == summary(1, 1, 0, 1, 0)
    # Without the include, `.`: the excluded folder still is.
    write(project, {".flowlint.yaml": "manifest: manifest.json\nexclude: ['flows/archive/**']\nignore: [FL703]\n"})
    assert [line.split(":")[0] for line in findings(concise([], project).stdout)] == ["elsewhere/b.yml", "flows/a.yml"]
    # A file named explicitly is checked, unless --force-exclude.
    assert len(findings(concise(["flows/archive/old.yml"], project).stdout)) == 1
    assert findings(concise(["flows/archive/old.yml", "--force-exclude"], project).stdout) == []


def test_config_per_file_ignores_relative_to_the_config(project: Path) -> None:
    write(project, {"flows/legacy/old.yml": NOT_INSTALLED, "flows/new.yml": NOT_INSTALLED})
    config = "manifest: manifest.json\nperFileIgnores: {'flows/legacy/*.yml': [FL102]}\nignore: [FL703]\n"
    write(project, {".flowlint.yaml": config})  # (the files are copies of one flow: no FL703 here)
    assert findings(concise(["."], project).stdout) == [f"flows/new.yml:6:14: {FL102_MESSAGE}"]
    # From a subfolder, names are relative to it, but the patterns stay relative to the config.
    assert findings(concise(["."], project / "flows").stdout) == [f"new.yml:6:14: {FL102_MESSAGE}"]
