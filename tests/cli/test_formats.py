"""Output formats end to end: json (against its schema), concise, full; summary, output file, quiet, colour."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from flowlint import __version__
from tests.cli.conftest import CLEAN, FIXABLE, SUMMARY, check
from tests.conftest import STANDARD_MANIFEST, run_cli

REPORT_SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"
DIAGNOSTIC_KEYS = {
    "code",
    "name",
    "severity",
    "message",
    "path",
    "line",
    "column",
    "endLine",
    "endColumn",
    "yamlPath",
    "help",
    "fix",
}

CONCISE = [
    "flows/f.yml:5:11: FL108 [warning] io.kestra.core.tasks.log.Log is a deprecated alias of "
    "io.kestra.plugin.core.log.Log",
    "flows/f.yml:9:14: FL102 [error] version 0.2 of io.kestra.plugin:plugin-script-shell matches no installed version "
    "(installed: 0.20.0, 0.21.0)",
    "flows/f.yml:9:14: FL107 [warning] version 0.20 is the number 0.2 for YAML: Kestra asks for version 0.2, which "
    'matches no installed version; quoted, "0.20" would run 0.20.0',
    "flows/f.yml:11:87: FL102 [error] version 1.2.0 of io.kestra.plugin:plugin-jdbc-postgres is not installed "
    "(installed: 0.19.0, 1.2.1, 1.2.3)",
    "flows/f.yml:12:9: FL005 [error] duplicate task id 'a' (first used at line 4)",
]


# json ---------------------------------------------------------------------------------------------


def test_json_report_is_valid_and_complete(project: Path) -> None:
    done = check(project, "--format", "json")
    assert done.returncode == 1
    assert done.stderr == ""
    report: dict[str, Any] = json.loads(done.stdout)
    schema = json.loads(REPORT_SCHEMA.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(report)]
    assert errors == []
    assert report["version"] == 1
    assert report["tool"] == {"name": "flowlint", "version": __version__}
    assert report["manifest"] == {"source": "test instance", "plugins": 4}
    assert report["files"] == [
        {
            "path": "flows/compose.yaml",
            "documents": 1,
            "flows": 0,
            "skipped": True,
            "invalid": False,
            "propertiesUnknown": 0,
        },
        {"path": "flows/f.yml", "documents": 1, "flows": 1, "skipped": False, "invalid": False, "propertiesUnknown": 0},
    ]
    assert report["summary"] == {
        "files": 2, "flows": 1, "skipped": 1, "invalid": 0, "errors": 3, "warnings": 2, "info": 0,
        "propertiesUnknown": 0,
    }  # fmt: skip
    diagnostics = report["diagnostics"]
    assert all(set(d) == DIAGNOSTIC_KEYS for d in diagnostics)
    assert [(d["code"], d["line"], d["column"]) for d in diagnostics] == [
        ("FL108", 5, 11),
        ("FL102", 9, 14),
        ("FL107", 9, 14),
        ("FL102", 11, 87),
        ("FL005", 12, 9),
    ]
    assert diagnostics[2] == {
        "code": "FL107",
        "name": "unquoted-version",
        "severity": "warning",
        "message": "version 0.20 is the number 0.2 for YAML: Kestra asks for version 0.2, which matches no "
        'installed version; quoted, "0.20" would run 0.20.0',
        "path": "flows/f.yml",
        "line": 9,
        "column": 14,
        "endLine": 9,
        "endColumn": 18,
        "yamlPath": "tasks[1].version",
        "help": 'quote it: "0.20"',
        "fix": {
            "description": 'quote the version as written: "0.20"',
            "safe": True,
            "edits": [{"line": 9, "column": 14, "endLine": 9, "endColumn": 18, "replacement": '"0.20"'}],
        },
    }
    # Columns count characters: the two emoji before the version are one column each.
    assert (diagnostics[3]["column"], diagnostics[3]["endColumn"], diagnostics[3]["fix"]) == (87, 94, None)
    assert diagnostics[4]["help"] is None


def test_json_of_a_clean_run(project: Path) -> None:
    (project / "flows" / "f.yml").write_text(CLEAN, "utf-8")
    done = check(project, "--format", "json", "--color", "always")
    report = json.loads(done.stdout)
    assert (done.returncode, report["diagnostics"]) == (0, [])
    assert "\x1b[" not in done.stdout
    Draft202012Validator(json.loads(REPORT_SCHEMA.read_text("utf-8"))).validate(report)


# concise ------------------------------------------------------------------------------------------


def test_concise_lines_and_summary(project: Path) -> None:
    done = check(project, "--format", "concise")
    assert done.returncode == 1
    assert done.stdout == "\n".join([*CONCISE, SUMMARY, FIXABLE]) + "\n"


# full ---------------------------------------------------------------------------------------------

FULL = """\
flows/f.yml:5:11: FL108 [warning] io.kestra.core.tasks.log.Log is a deprecated alias of io.kestra.plugin.core.log.Log
   |
 5 |     type: io.kestra.core.tasks.log.Log
   |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
   = fix available: replace with io.kestra.plugin.core.log.Log

flows/f.yml:9:14: FL102 [error] version 0.2 of io.kestra.plugin:plugin-script-shell matches no installed version \
(installed: 0.20.0, 0.21.0)
   |
 9 |     version: 0.20
   |              ^^^^
   = help: did you mean 0.20.0?

flows/f.yml:9:14: FL107 [warning] version 0.20 is the number 0.2 for YAML: Kestra asks for version 0.2, which \
matches no installed version; quoted, "0.20" would run 0.20.0
   |
 9 |     version: 0.20
   |              ^^^^
   = help: quote it: "0.20"
   = fix available: quote the version as written: "0.20"

flows/f.yml:11:87: FL102 [error] version 1.2.0 of io.kestra.plugin:plugin-jdbc-postgres is not installed \
(installed: 0.19.0, 1.2.1, 1.2.3)
    |
 11 |   - {id: c, description: "🎉🎉", type: io.kestra.plugin.jdbc.postgresql.Query, version: "1.2.0", \
url: "jdbc:postgresql://db/app", sql: SELECT 1}
    | CARETS
    = help: did you mean 1.2.1?

flows/f.yml:12:9: FL005 [error] duplicate task id 'a' (first used at line 4)
    |
 12 |   - id: a
    |         ^
    = note: first task with this id at flows/f.yml:4:9

"""


def test_full_format(project: Path) -> None:
    done = check(project, "--format", "full")
    assert done.returncode == 1
    # Each emoji takes two terminal cells: the carets sit under `"1.2.0"`, 2 cells further right than its column.
    carets = " " * 88 + "^" * 7
    assert done.stdout == FULL.replace("CARETS", carets) + SUMMARY + "\n" + FIXABLE + "\n"


def test_full_is_the_default_format(project: Path) -> None:
    assert check(project).stdout == check(project, "--format", "full").stdout


def test_full_caret_width_counts_wide_characters(project: Path) -> None:
    text = "id: hello\nnamespace: company.team\ntasks:\n  - id: 🎉b\n    type: io.kestra.plugin.core.log.Log\n"
    (project / "flows" / "f.yml").write_text(text, "utf-8")
    lines = check(project, "--format", "full").stdout.splitlines()
    assert lines[:4] == [
        "flows/f.yml:4:9: FL004 [error] task id '🎉b' does not match [a-zA-Z0-9][a-zA-Z0-9_-]*",
        "   |",
        " 4 |   - id: 🎉b",
        "   |         ^^^",
    ]


def test_full_multi_line_node_is_underlined_to_the_end_of_its_first_line(project: Path) -> None:
    text = "id: hello\nnamespace: company.team\ntasks:\n  id: log\n  type: io.kestra.plugin.core.log.Log\n"
    (project / "flows" / "f.yml").write_text(text, "utf-8")
    lines = check(project, "--format", "full").stdout.splitlines()
    assert lines[:4] == [
        "flows/f.yml:4:3: FL007 [error] `tasks` must be a list of tasks, not a mapping",
        "   |",
        " 4 |   id: log",
        "   |   ^^^^^^^",
    ]


# Summary line -------------------------------------------------------------------------------------


def test_summary_singular_and_source(tmp_path: Path) -> None:
    manifest = dict(STANDARD_MANIFEST, source="prod instance, exported 2026-11-20")
    (tmp_path / "m.json").write_text(json.dumps(manifest), "utf-8")
    (tmp_path / "f.yml").write_text(
        "id: hello\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.core.tasks.log.Log\n"
        "    message: Hello\n  - id: b\n    type: io.kestra.plugin.Nope\n",
        "utf-8",
    )
    done = run_cli(["check", "--manifest", "m.json", "--format", "concise", "f.yml"], tmp_path)
    assert done.stdout.splitlines()[-2] == (
        "1 file checked (1 flow): 1 error, 1 warning, 0 info; "
        "manifest: prod instance, exported 2026-11-20 (4 plugins, 9 versions)"
    )


def test_summary_counts_info(project: Path) -> None:
    (project / ".flowlint.yaml").write_text("manifest: manifest.json\nseverity: {FL108: info, FL107: info}\n")
    lines = check(project, "--format", "concise").stdout.splitlines()
    assert lines[-2] == SUMMARY.replace("2 warnings, 0 info", "0 warnings, 2 info")
    assert lines[0].startswith("flows/f.yml:5:11: FL108 [info] ")


# --output-file, --quiet ---------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["json", "concise", "full"])
def test_output_file_writes_the_report_and_prints_nothing(project: Path, output_format: str) -> None:
    done = check(project, "--format", output_format, "--output-file", "report.out", "--color", "always")
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "")
    written = (project / "report.out").read_text("utf-8")
    assert "\x1b[" not in written
    if output_format == "json":
        assert json.loads(written)["summary"]["errors"] == 3
    elif output_format == "concise":
        assert written == "\n".join([*CONCISE, SUMMARY, FIXABLE]) + "\n"
    else:
        assert written == check(project, "--format", "full").stdout


def test_output_file_that_cannot_be_written_is_a_usage_error(project: Path) -> None:
    done = check(project, "--format", "concise", "--output-file", "flows/f.yml/report.txt")
    assert done.returncode == 2
    assert done.stderr == "flowlint: error: cannot write flows/f.yml/report.txt: Not a directory\n"


def test_quiet_prints_findings_only(project: Path) -> None:
    done = check(project, "--format", "concise", "--quiet")
    assert (done.returncode, done.stdout) == (1, "\n".join(CONCISE) + "\n")
    full = check(project, "-q")
    assert SUMMARY not in full.stdout
    assert full.stdout.startswith(CONCISE[0] + "\n   |\n")


def test_quiet_clean_run_prints_nothing(project: Path) -> None:
    (project / "flows" / "f.yml").write_text(CLEAN, "utf-8")
    done = check(project, "--quiet")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


# Colour -------------------------------------------------------------------------------------------


def test_color_always_emits_ansi_even_with_no_color(project: Path) -> None:
    done = check(project, "--format", "concise", "--color", "always")  # run_cli sets NO_COLOR=1
    assert "\x1b[1mflows/f.yml:5:11:\x1b[0m \x1b[1;33mFL108\x1b[0m \x1b[33m[warning]\x1b[0m " in done.stdout
    assert "\x1b[1;31mFL102\x1b[0m \x1b[31m[error]\x1b[0m" in done.stdout
    assert done.stdout.splitlines()[-2:] == [f"\x1b[31m{SUMMARY}\x1b[0m", FIXABLE]


@pytest.mark.parametrize(
    ("args", "env", "ansi"),
    [
        (["--color", "never"], {"FORCE_COLOR": "1", "NO_COLOR": ""}, False),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": ""}, True),
        ([], {}, False),  # not a terminal
    ],
)
def test_color_never_and_no_color(project: Path, args: list[str], env: dict[str, str], ansi: bool) -> None:
    for output_format in ("full", "concise"):
        done = check(project, "--format", output_format, *args, env=env)
        assert ("\x1b[" in done.stdout) is ansi
