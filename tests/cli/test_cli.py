"""`flowlint` end to end through a real subprocess: exit codes, options, config, stdin, files, examples."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flowlint import __version__
from flowlint.rules import RULES
from tests.conftest import STANDARD_MANIFEST, run_cli

CLEAN = "id: hello\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n"
# FL102 (error) at 6:14.
NOT_INSTALLED = CLEAN.replace("io.kestra.plugin.core.log.Log", "io.kestra.plugin.jdbc.postgresql.Query") + (
    '    version: "1.2.0"\n'
)
FL102_MESSAGE = (
    "FL102 [error] version 1.2.0 of io.kestra.plugin:plugin-jdbc-postgres is not installed "
    "(installed: 0.19.0, 1.2.1, 1.2.3)"
)
# FL108 (warning) at 5:11.
ALIAS = CLEAN.replace("io.kestra.plugin.core.log.Log", "io.kestra.core.tasks.log.Log")
FL108_MESSAGE = "FL108 [warning] io.kestra.core.tasks.log.Log is a deprecated alias of io.kestra.plugin.core.log.Log"
# No version of its own: what the defaults and the instance default give decides.
SCRIPT = CLEAN.replace("io.kestra.plugin.core.log.Log", "io.kestra.plugin.scripts.shell.Script")
SUMMARY_SOURCE = "manifest: test instance (4 plugins, 9 versions)"


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``; return ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def manifest_text() -> str:
    return json.dumps(STANDARD_MANIFEST)


def findings(stdout: str) -> list[str]:
    """The finding lines of concise output (``path:line:col: CODE [severity] message``)."""
    return [line for line in stdout.splitlines() if re.match(r"[^ ]+:\d+:\d+: FL\d{3} \[", line)]


def summary(files: int, flows: int, skipped: int, errors: int, warnings: int, info: int = 0) -> str:
    def plural(word: str, count: int) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    skipped_text = f", {skipped} skipped non-flow YAML" if skipped else ""
    return (
        f"{plural('file', files)} checked ({plural('flow', flows)}{skipped_text}): "
        f"{plural('error', errors)}, {plural('warning', warnings)}, {info} info; {SUMMARY_SOURCE}"
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with the standard manifest and a config that names it."""
    return write(tmp_path, {"manifest.json": manifest_text(), ".flowlint.yaml": "manifest: manifest.json\n"})


def concise(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """``flowlint check --format concise ARGS`` in ``cwd``."""
    return run_cli(["check", "--format", "concise", *args], cwd, stdin=stdin)


# Exit codes ---------------------------------------------------------------------------------------


def test_exit_0_when_clean(project: Path) -> None:
    write(project, {"flow.yml": CLEAN})
    done = concise(["flow.yml"], project)
    assert (done.returncode, done.stdout, done.stderr) == (0, summary(1, 1, 0, 0, 0) + "\n", "")


def test_exit_1_with_an_error(project: Path) -> None:
    write(project, {"flow.yml": NOT_INSTALLED})
    done = concise(["flow.yml"], project)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [f"flow.yml:6:14: {FL102_MESSAGE}", summary(1, 1, 0, 1, 0)]
    assert done.stderr == ""


def test_exit_0_with_only_a_warning_below_the_default_fail_on(project: Path) -> None:
    write(project, {"flow.yml": ALIAS})
    done = concise(["flow.yml"], project)
    assert done.returncode == 0
    assert findings(done.stdout) == [f"flow.yml:5:11: {FL108_MESSAGE}"]


def test_fail_on_warning_and_info(project: Path) -> None:
    write(project, {"flow.yml": ALIAS})
    assert concise(["flow.yml", "--fail-on", "warning"], project).returncode == 1
    assert concise(["flow.yml", "--fail-on", "info"], project).returncode == 1
    # An info finding fails only with --fail-on info.
    write(project, {".flowlint.yaml": "manifest: manifest.json\nseverity: {FL108: info}\n"})
    assert concise(["flow.yml", "--fail-on", "warning"], project).returncode == 0
    done = concise(["flow.yml", "--fail-on", "info"], project)
    assert done.returncode == 1
    assert findings(done.stdout) == [f"flow.yml:5:11: {FL108_MESSAGE.replace('[warning]', '[info]')}"]


def test_exit_zero(project: Path) -> None:
    write(project, {"flow.yml": NOT_INSTALLED})
    done = concise(["flow.yml", "--exit-zero"], project)
    assert done.returncode == 0
    assert findings(done.stdout) == [f"flow.yml:6:14: {FL102_MESSAGE}"]


def test_exit_2_unknown_option(project: Path) -> None:
    done = run_cli(["check", "--bogus"], project)
    assert done.returncode == 2
    assert "No such option '--bogus'" in done.stderr
    assert "Traceback" not in done.stderr


def test_exit_2_missing_manifest_file(tmp_path: Path) -> None:
    write(tmp_path, {"flow.yml": CLEAN})
    done = run_cli(["check", "--manifest", "nope.json", "flow.yml"], tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"flowlint: error: cannot read manifest {tmp_path / 'nope.json'}: No such file or directory\n"
    assert done.stdout == ""


def test_no_manifest_uses_the_bundled_catalog(tmp_path: Path) -> None:
    released = CLEAN.replace("io.kestra.plugin.core.log.Log", "io.kestra.plugin.scripts.shell.Script")
    write(tmp_path, {"flow.yml": released + '    version: "0.21.0"\n', "never.yml": NEVER_RELEASED})
    done = run_cli(["check", "flow.yml", "--format", "concise"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "manifest: bundled catalog of official plugins as of " in done.stdout
    done = run_cli(["check", "never.yml", "--format", "concise"], tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith(
        "never.yml:5:14: FL102 [error] version 0.99.0 of io.kestra.plugin:plugin-script-shell is not installed "
        "(installed: "
    )


NEVER_RELEASED = (
    'id: never\nnamespace: company.team\ntasks:\n  - id: a\n    version: "0.99.0"\n'
    "    type: io.kestra.plugin.scripts.shell.Script\n"
)


def test_exit_2_manifest_failing_its_schema(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"flow.yml": CLEAN, "m.yaml": "manifestVersion: 1\nsource: x\nplugins:\n  - groupId: a\n    versions: []\n"},
    )
    done = run_cli(["check", "--manifest", "m.yaml", "flow.yml"], tmp_path)
    assert done.returncode == 2
    assert (
        done.stderr
        == f"flowlint: error: manifest {tmp_path / 'm.yaml'}: $.plugins[0]: 'artifactId' is a required property\n"
    )


def test_exit_2_missing_path(project: Path) -> None:
    done = run_cli(["check", "nope.yml"], project)
    assert (done.returncode, done.stderr) == (2, "flowlint: error: nope.yml: no such file or folder\n")


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        (".flowlint.yaml", "selectt: [FL1]\n", "$: Additional properties are not allowed ('selectt' was unexpected)"),
        (".flowlint.yaml", "failOn: bogus\n", "$.failOn: 'bogus' is not one of ['error', 'warning', 'info']"),
        (
            ".flowlint.yml",
            "severity:\n  FL102: fatal\n",
            "$.severity.FL102: 'fatal' is not one of ['error', 'warning', 'info']",
        ),
        ("pyproject.toml", "[tool.flowlint]\nfailOn = 3\n", "$.failOn: 3 is not one of ['error', 'warning', 'info']"),
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


def test_exit_2_unknown_rule_code(tmp_path: Path) -> None:
    done = run_cli(["rule", "FL999"], tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "flowlint: error: flowlint rule: unknown rule code or name 'FL999' (did you mean FL901?)\n"


INJECT_FAULT = textwrap.dedent(
    """\
    import sys
    import flowlint.cli
    import flowlint.lint

    def broken(self, text, display):
        raise RuntimeError("injected fault")

    flowlint.lint.Linter.lint_text = broken
    flowlint.cli.main(["check", *sys.argv[1:]])
    """
)


@pytest.mark.parametrize("verbose", [False, True])
def test_exit_3_internal_error(project: Path, verbose: bool) -> None:
    write(project, {"flow.yml": CLEAN})
    done = subprocess.run(
        [sys.executable, "-c", INJECT_FAULT, "flow.yml", *(["--verbose"] if verbose else [])],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3
    assert "flowlint: internal error: RuntimeError: injected fault\n" in done.stderr
    assert f"This is a bug in flowlint {__version__}. Please report it at " in done.stderr
    if verbose:
        assert "Traceback (most recent call last):" in done.stderr
        assert ", in broken\nRuntimeError: injected fault\n" in done.stderr
    else:
        assert "Traceback" not in done.stderr
        assert "(--verbose prints the traceback)." in done.stderr
    assert done.stdout == ""


# --select / --ignore ------------------------------------------------------------------------------

MIXED = CLEAN.replace("io.kestra.plugin.core.log.Log", "io.kestra.core.tasks.log.Log") + (
    "  - id: b\n    type: io.kestra.plugin.scripts.shell.Script\n    version: 0.20\n"
)
MIXED_LINES = [
    f"flow.yml:5:11: {FL108_MESSAGE}",
    "flow.yml:8:14: FL102 [error] version 0.2 of io.kestra.plugin:plugin-script-shell matches no installed version "
    "(installed: 0.20.0, 0.21.0)",
    "flow.yml:8:14: FL107 [warning] version 0.20 is the number 0.2 for YAML: Kestra asks for version 0.2, which "
    'matches no installed version; quoted, "0.20" would run 0.20.0',
]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], MIXED_LINES),
        (["--select", "FL107"], [MIXED_LINES[2]]),
        (["--select", "FL107,FL108"], [MIXED_LINES[0], MIXED_LINES[2]]),
        (["--select", "FL10"], MIXED_LINES),
        (["--select", "FL0"], []),
        (["--ignore", "FL102", "--ignore", "FL108"], [MIXED_LINES[2]]),
        (["--ignore", "FL1"], []),
        (["--select", "ALL", "--ignore", "fl107"], MIXED_LINES[:2]),
    ],
)
def test_select_and_ignore(project: Path, args: list[str], expected: list[str]) -> None:
    write(project, {"flow.yml": MIXED})
    done = concise(["flow.yml", *args], project)
    assert findings(done.stdout) == expected
    assert done.returncode == (1 if any("[error]" in line for line in expected) else 0)


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
    write(project, {".flowlint.yaml": "manifest: manifest.json\ninclude: [flows]\nexclude: ['flows/archive/**']\n"})
    done = concise([], project)  # no paths: the configured include
    assert findings(done.stdout) == [f"flows/a.yml:6:14: {FL102_MESSAGE}"]
    assert done.stdout.splitlines()[-1] == summary(1, 1, 0, 1, 0)
    # Without the include, `.`: the excluded folder still is.
    write(project, {".flowlint.yaml": "manifest: manifest.json\nexclude: ['flows/archive/**']\n"})
    assert [line.split(":")[0] for line in findings(concise([], project).stdout)] == ["elsewhere/b.yml", "flows/a.yml"]
    # A file named explicitly is checked, unless --force-exclude.
    assert len(findings(concise(["flows/archive/old.yml"], project).stdout)) == 1
    assert findings(concise(["flows/archive/old.yml", "--force-exclude"], project).stdout) == []


def test_config_per_file_ignores_relative_to_the_config(project: Path) -> None:
    write(project, {"flows/legacy/old.yml": NOT_INSTALLED, "flows/new.yml": NOT_INSTALLED})
    write(project, {".flowlint.yaml": "manifest: manifest.json\nperFileIgnores: {'flows/legacy/*.yml': [FL102]}\n"})
    assert findings(concise(["."], project).stdout) == [f"flows/new.yml:6:14: {FL102_MESSAGE}"]
    # From a subfolder, names are relative to it, but the patterns stay relative to the config.
    assert findings(concise(["."], project / "flows").stdout) == [f"new.yml:6:14: {FL102_MESSAGE}"]


# Standard input -----------------------------------------------------------------------------------


def test_stdin_is_reported_under_the_stdin_filename_with_its_folders_config(tmp_path: Path) -> None:
    write(tmp_path, {"m.json": manifest_text(), "team/.flowlint.yaml": "manifest: ../m.json\ndefaultVersion: NONE\n"})
    done = concise(["-", "--stdin-filename", "team/flow.yml"], tmp_path, stdin=SCRIPT.encode())
    assert done.returncode == 1
    assert findings(done.stdout) == [
        "team/flow.yml:5:11: FL103 [error] io.kestra.plugin.scripts.shell.Script has no version: the instance default "
        f"version is NONE ({tmp_path / 'team' / '.flowlint.yaml'}) and nothing more specific sets one"
    ]


def test_stdin_without_a_name_is_dash(project: Path) -> None:
    done = concise(["-"], project, stdin=NOT_INSTALLED.encode())
    assert done.returncode == 1
    assert findings(done.stdout) == [f"-:6:14: {FL102_MESSAGE}"]


def test_stdin_cannot_be_mixed_with_paths(project: Path) -> None:
    write(project, {"flow.yml": CLEAN})
    done = concise(["-", "flow.yml"], project, stdin=b"")
    assert (done.returncode, done.stderr) == (
        2,
        "flowlint: error: '-' (standard input) cannot be combined with other paths\n",
    )


# Folders ------------------------------------------------------------------------------------------


def test_folders_expand_to_yaml_files_honouring_exclude_and_gitignore(project: Path) -> None:
    write(
        project,
        {
            ".flowlint.yaml": "manifest: manifest.json\nexclude: ['flows/skip/']\n",
            ".gitignore": "flows/generated/\n*.tmp.yml\n",
            "flows/a.yml": NOT_INSTALLED,
            "flows/b.yaml": NOT_INSTALLED,
            "flows/c.json": "{}",
            "flows/d.txt": NOT_INSTALLED,
            "flows/e.tmp.yml": NOT_INSTALLED,
            "flows/generated/f.yml": NOT_INSTALLED,
            "flows/skip/g.yml": NOT_INSTALLED,
            "flows/sub/.gitignore": "local.yml\n",
            "flows/sub/local.yml": NOT_INSTALLED,
            "flows/sub/h.yml": NOT_INSTALLED,
            "flows/sub/not-a-flow.yaml": "services:\n  a: {}\n",
        },
    )
    done = concise(["flows"], project)
    assert [line.split(":")[0] for line in findings(done.stdout)] == ["flows/a.yml", "flows/b.yaml", "flows/sub/h.yml"]
    assert done.stdout.splitlines()[-1] == summary(4, 3, 1, 3, 0)
    # A folder named on the command line is walked though a parent's .gitignore lists it (as ruff and
    # ripgrep do); --force-exclude applies the ignore files to it again.
    write(project, {"flows/generated/.keep.yml": NOT_INSTALLED})
    assert [f.split(":")[0] for f in findings(concise(["flows/generated"], project).stdout)] == [
        "flows/generated/.keep.yml",
        "flows/generated/f.yml",
    ]
    assert len(findings(concise(["."], project / "flows" / "generated").stdout)) == 2
    assert findings(concise(["--force-exclude", "flows/generated"], project).stdout) == []


def test_multi_document_files_and_broken_yaml(project: Path) -> None:
    second = NOT_INSTALLED.replace("id: hello", "id: second")
    write(project, {"multi.yml": CLEAN + "---\nnot: a flow\n---\n" + second, "broken.yml": "a: [\n"})
    done = concise(["."], project)
    assert findings(done.stdout) == [
        "broken.yml:2:1: FL001 [error] did not find expected node content (while parsing a flow node at line 2)",
        f"multi.yml:14:14: {FL102_MESSAGE}",
    ]
    assert done.stdout.splitlines()[-1] == summary(2, 2, 0, 2, 0).replace(
        "(2 flows)", "(2 flows in 1 file, 1 not valid YAML)"
    )


# Other commands -----------------------------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    done = run_cli(["--version"], tmp_path)
    assert (done.returncode, done.stdout) == (0, f"flowlint, version {__version__}\n")


def test_rules_lists_every_code(tmp_path: Path) -> None:
    done = run_cli(["rules"], tmp_path)
    assert done.returncode == 0
    listed = done.stdout.splitlines()
    assert [line.split()[0] for line in listed] == [rule.code for rule in RULES]
    for line, rule in zip(listed, RULES, strict=True):
        assert line.split()[1:3] == [rule.name, rule.severity.value]
        assert rule.summary in line


# The README's first command -----------------------------------------------------------------------

EXAMPLE_LINES = [
    "flows/company/team/copy.yml:7:16: FL105 [error] io.kestra.plugin:plugin-jdbc-postgres 0.19.0 does not contain "
    "io.kestra.plugin.jdbc.postgresql.CopyIn (1.2.1 to 1.2.3 have it) (for task 'copy' at tasks[0])",
    "flows/company/team/etl.yml:7:14: FL102 [error] version 1.2.0 of io.kestra.plugin:plugin-jdbc-postgres is not "
    "installed (installed: 0.19.0, 1.2.1, 1.2.3)",
    "flows/company/team/etl.yml:16:18: FL102 [error] version 0.2 of io.kestra.plugin:plugin-script-shell matches no "
    "installed version (installed: 0.20.0, 0.21.0)",
    "flows/company/team/etl.yml:16:18: FL107 [warning] version 0.20 is the number 0.2 for YAML: Kestra asks for "
    'version 0.2, which matches no installed version; quoted, "0.20" would run 0.20.0',
    "flows/company/team/etl.yml:24:15: FL108 [warning] io.kestra.core.tasks.log.Log is a deprecated alias of "
    "io.kestra.plugin.core.log.Log",
    "flows/company/team/etl.yml:33:18: FL109 [error] conditions take no `version`: remove it from this Weekend "
    "condition",
]
EXAMPLE_SUMMARY = (
    "4 files checked (3 flows, 1 skipped non-flow YAML): 4 errors, 2 warnings, 0 info; "
    "manifest: example instance, exported 2026-11-20 (4 plugins, 8 versions)"
)
EXAMPLE_FIXABLE = "[*] 2 fixable with `flowlint fix`"


def test_examples_concise(examples_copy: Path) -> None:
    done = concise([], examples_copy)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [*EXAMPLE_LINES, EXAMPLE_SUMMARY, EXAMPLE_FIXABLE]
    assert done.stderr == ""


def test_examples_readme_command(examples_copy: Path) -> None:
    """`cd examples && flowlint check`: the default (full) format shows the same findings, exit 1."""
    done = run_cli(["check"], examples_copy)
    assert done.returncode == 1
    headlines = [line for line in done.stdout.splitlines() if line.startswith("flows/")]
    assert headlines == EXAMPLE_LINES
    assert done.stdout.splitlines()[-2:] == [EXAMPLE_SUMMARY, EXAMPLE_FIXABLE]
