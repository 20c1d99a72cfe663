"""`flowlint` end to end through a real subprocess: exit codes, options, stdin, examples.
(Config: tests/test_config.py; which files a run checks: tests/test_files.py.)"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flowlint import __version__
from flowlint.rules import RULES
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
from tests.conftest import run_cli


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with the standard manifest and a config that names it."""
    return standard_project(tmp_path)


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
    write(tmp_path, {"flow.yml": SCRIPT + '    version: "0.21.0"\n', "never.yml": NEVER_RELEASED})
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


def test_exit_2_unknown_rule_code(tmp_path: Path) -> None:
    done = run_cli(["rule", "FL999"], tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "flowlint: error: flowlint rule: unknown rule code or name 'FL999' (did you mean FL901?)\n"


INJECT_FAULT = textwrap.dedent(
    """\
    import sys
    import flowlint.cli
    import flowlint.lint

    def broken(self, *args, **kwargs):
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


def test_multi_document_files_and_broken_yaml(project: Path) -> None:
    second = NOT_INSTALLED.replace("id: hello", "id: second")
    write(project, {"multi.yml": CLEAN + "---\nnot: a flow\n---\n" + second, "broken.yml": "a: [\n"})
    done = concise(["."], project)
    assert findings(done.stdout) == [
        "broken.yml:2:1: FL001 [error] did not find expected node content (while parsing a flow node at line 2)",
        f"multi.yml:15:14: {FL102_MESSAGE}",
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
    "manifest: example instance, exported 2026-11-20 (4 plugins, 8 versions); "
    "properties not known for 1 plugin use (no property data for its type or version)"  # the Docker task runner
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
