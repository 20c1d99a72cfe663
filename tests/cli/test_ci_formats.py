"""CI output formats end to end: sarif (official 2.1.0 schema), github, gitlab (Code Quality), junit,
and ``--format FORMAT:PATH`` / ``--output-file`` routing."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from flowlint import __version__
from flowlint.formats.github_format import escape_data, escape_property
from flowlint.rules import RULES
from tests.cli.conftest import CLEAN, FIXABLE, FLOW, SUMMARY, check
from tests.conftest import SHARED

SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

WARNS_ONLY = (
    "id: warn\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.core.tasks.log.Log\n    message: Hello\n"
)
POSITIONS = [("FL108", 5, 11, 5, 39), ("FL102", 9, 14, 9, 18), ("FL107", 9, 14, 9, 18), ("FL102", 11, 87, 11, 94)]
POSITIONS.append(("FL005", 12, 9, 12, 10))


def sarif_errors(log: Any) -> list[str]:
    """Where ``log`` breaks the official SARIF 2.1.0 schema (see shared/schemas/README.md)."""
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    return [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(log)]


# sarif --------------------------------------------------------------------------------------------


@pytest.mark.skipif(not SARIF_SCHEMA.is_file(), reason="the official SARIF schema is in ../shared/schemas, absent")
@pytest.mark.parametrize("files", ["findings", "clean", "odd files"])
def test_sarif_is_valid_against_the_official_schema(project: Path, files: str) -> None:
    if files != "findings":
        (project / "flows" / "f.yml").write_text(CLEAN, "utf-8")
    if files == "odd files":
        (project / "flows" / "my flow #1.yml").write_text("id: [unclosed\n", "utf-8")
        (project / "flows" / "bin.yml").write_bytes(b"id: x\x00\n")
    done = check(project, "--format", "sarif")
    assert done.returncode == (0 if files == "clean" else 1)
    assert sarif_errors(json.loads(done.stdout)) == []


def test_sarif_is_complete(project: Path) -> None:
    done = check(project, "--format", "sarif")
    assert (done.returncode, done.stderr) == (1, "")
    log = json.loads(done.stdout)
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    assert "language" not in run
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("flowlint", __version__)
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == [rule.code for rule in RULES]
    fl107 = driver["rules"][[rule.code for rule in RULES].index("FL107")]
    assert fl107["name"] == "unquoted-version"
    assert fl107["shortDescription"]["text"] == RULES[[r.code for r in RULES].index("FL107")].summary
    assert fl107["fullDescription"]["text"]
    assert fl107["helpUri"] == "https://flowlint.dev/rules/FL107"
    assert fl107["defaultConfiguration"]["level"] == "warning"

    results = run["results"]
    assert [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["locations"][0]["physicalLocation"]["region"]["endLine"],
            r["locations"][0]["physicalLocation"]["region"]["endColumn"],
        )
        for r in results
    ] == POSITIONS
    assert [r["level"] for r in results] == ["warning", "error", "warning", "error", "error"]
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["locations"][0]["physicalLocation"]["artifactLocation"] == {
            "uri": "flows/f.yml",
            "uriBaseId": "%SRCROOT%",
        }
    assert results[1]["message"]["text"] == (
        "version 0.2 of io.kestra.plugin:plugin-script-shell matches no installed version "
        "(installed: 0.20.0, 0.21.0)\nhelp: did you mean 0.20.0?"
    )
    assert results[2]["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "tasks[1].version", "kind": "member"}
    ]
    # related location of the duplicate id: the first task with it
    assert results[4]["relatedLocations"] == [
        {
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": "flows/f.yml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 4, "startColumn": 9, "endLine": 4, "endColumn": 10},
            },
            "message": {"text": "first task with this id"},
        }
    ]
    # fixes: quote the version
    [fix] = results[2]["fixes"]
    assert fix["description"]["text"].startswith('quote the version as written: "0.20"')
    assert fix["artifactChanges"] == [
        {
            "artifactLocation": {"uri": "flows/f.yml", "uriBaseId": "%SRCROOT%"},
            "replacements": [
                {
                    "deletedRegion": {"startLine": 9, "startColumn": 14, "endLine": 9, "endColumn": 18},
                    "insertedContent": {"text": '"0.20"'},
                }
            ],
        }
    ]
    assert "fixes" not in results[1]
    prints = [r["partialFingerprints"]["flowlint/v1"] for r in results]
    assert len(set(prints)) == len(prints)
    assert {a["location"]["uri"] for a in run["artifacts"]} == {"flows/f.yml", "flows/compose.yaml"}


def test_sarif_of_a_clean_run_and_of_odd_files(project: Path) -> None:
    (project / "flows" / "f.yml").write_text(CLEAN, "utf-8")
    done = check(project, "--format", "sarif")
    log = json.loads(done.stdout)
    assert (done.returncode, log["runs"][0]["results"]) == (0, [])
    # a file name that must be percent-encoded, and a file that is not YAML (an empty region is fine)
    (project / "flows" / "my flow #1.yml").write_text("id: [unclosed\n", "utf-8")
    (project / "flows" / "bin.yml").write_bytes(b"id: x\x00\n")
    done = check(project, "--format", "sarif")
    log = json.loads(done.stdout)
    assert done.returncode == 1
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"flows/my%20flow%20%231.yml", "flows/bin.yml"}
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"FL001"}


def test_sarif_fingerprints_survive_lines_added_above(project: Path) -> None:
    before = json.loads(check(project, "--format", "sarif").stdout)["runs"][0]["results"]
    (project / "flows" / "f.yml").write_text("# a comment\n\n" + FLOW, "utf-8")
    after = json.loads(check(project, "--format", "sarif").stdout)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [7, 11, 11, 13, 14]
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]


# github -------------------------------------------------------------------------------------------

GITHUB = [
    "::warning file=flows/f.yml,line=5,col=11,endLine=5,endColumn=39,title=FL108 deprecated-alias::"
    "io.kestra.core.tasks.log.Log is a deprecated alias of io.kestra.plugin.core.log.Log",
    "::error file=flows/f.yml,line=9,col=14,endLine=9,endColumn=18,title=FL102 version-not-installed::"
    "version 0.2 of io.kestra.plugin:plugin-script-shell matches no installed version (installed: 0.20.0, 0.21.0)"
    "%0Ahelp: did you mean 0.20.0?",
    "::warning file=flows/f.yml,line=9,col=14,endLine=9,endColumn=18,title=FL107 unquoted-version::"
    "version 0.20 is the number 0.2 for YAML: Kestra asks for version 0.2, which matches no installed version; "
    'quoted, "0.20" would run 0.20.0%0Ahelp: quote it: "0.20"',
    "::error file=flows/f.yml,line=11,col=87,endLine=11,endColumn=94,title=FL102 version-not-installed::"
    "version 1.2.0 of io.kestra.plugin:plugin-jdbc-postgres is not installed (installed: 0.19.0, 1.2.1, 1.2.3)"
    "%0Ahelp: did you mean 1.2.1?",
    "::error file=flows/f.yml,line=12,col=9,endLine=12,endColumn=10,title=FL005 duplicate-id::"
    "duplicate task id 'a' (first used at line 4)",
]


def test_github_workflow_commands(project: Path) -> None:
    done = check(project, "--format", "github", "--color", "always")
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == "\n".join([*GITHUB, SUMMARY, FIXABLE]) + "\n"
    assert check(project, "--format", "github", "-q").stdout == "\n".join(GITHUB) + "\n"


def test_github_info_is_a_notice_and_properties_are_escaped(project: Path) -> None:
    (project / ".flowlint.yaml").write_text("manifest: manifest.json\nseverity: {FL108: info}\n", "utf-8")
    (project / "flows" / "f.yml").rename(project / "flows" / "a,b:c.yml")
    lines = check(project, "--format", "github").stdout.splitlines()
    assert lines[0].startswith("::notice file=flows/a%2Cb%3Ac.yml,line=5,col=11,")
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext%3A a%2C b"


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ([], {"GITHUB_ACTIONS": "true"}, "github"),
        (["--format", "sarif:out.sarif"], {"GITHUB_ACTIONS": "true"}, "github"),
        (["--format", "concise"], {"GITHUB_ACTIONS": "true"}, "concise"),
        (["--format", "full"], {"GITHUB_ACTIONS": "true"}, "full"),
        ([], {"GITHUB_ACTIONS": "false"}, "full"),
        ([], {}, "full"),
    ],
)
def test_github_is_chosen_under_github_actions_when_no_format_is_given(
    project: Path, args: list[str], env: dict[str, str], expected: str
) -> None:
    done = check(project, *args, env=env)
    assert done.returncode == 1
    assert done.stdout == check(project, "--format", expected).stdout


def test_github_actions_output_file_without_format_gets_full(project: Path) -> None:
    done = check(project, "--output-file", "report.txt", env={"GITHUB_ACTIONS": "true"})
    assert (done.returncode, done.stdout) == (1, "")
    assert (project / "report.txt").read_text("utf-8") == check(project).stdout


# gitlab -------------------------------------------------------------------------------------------

# The documented shape (docs.gitlab.com, ci/testing/code_quality: "Code Quality report format").
GITLAB_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
                "anyOf": [
                    {"required": ["lines"]},
                    {
                        "required": ["positions"],
                        "properties": {
                            "positions": {
                                "type": "object",
                                "required": ["begin"],
                                "properties": {"begin": {"type": "object", "required": ["line"]}},
                            }
                        },
                    },
                ],
            },
        },
    },
}


def gitlab(project: Path, *args: str) -> list[dict[str, Any]]:
    done = check(project, "--format", "gitlab", *args)
    issues: list[dict[str, Any]] = json.loads(done.stdout)
    assert [e.message for e in Draft202012Validator(GITLAB_SCHEMA).iter_errors(issues)] == []
    return issues


def test_gitlab_code_quality_shape(project: Path) -> None:
    issues = gitlab(project)
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [
        (code, "flows/f.yml", line) for code, line, *_ in POSITIONS
    ]
    assert [i["severity"] for i in issues] == ["minor", "critical", "minor", "critical", "critical"]
    assert issues[4]["description"] == "FL005: duplicate task id 'a' (first used at line 4)"
    assert len({i["fingerprint"] for i in issues}) == 5
    (project / "flows" / "f.yml").write_text(CLEAN, "utf-8")
    assert gitlab(project) == []


def test_gitlab_fingerprints_are_stable_across_unrelated_edits(project: Path) -> None:
    before = gitlab(project)
    (project / "flows" / "f.yml").write_text("# owner: data team\n\n\n" + FLOW, "utf-8")
    after = gitlab(project)
    assert [i["location"]["lines"]["begin"] for i in after] == [line + 3 for _, line, *_ in POSITIONS]
    assert "first used at line 7" in after[4]["description"]
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    # a different finding is a different issue
    (project / "flows" / "f.yml").write_text(FLOW.replace("version: 0.20", "version: 0.30"), "utf-8")
    changed = gitlab(project)
    assert changed[1]["fingerprint"] != before[1]["fingerprint"]
    assert changed[0]["fingerprint"] == before[0]["fingerprint"]


def test_gitlab_identical_findings_get_distinct_fingerprints(project: Path) -> None:
    text = CLEAN + "  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: Hello\n" * 2
    (project / "flows" / "f.yml").write_text(text, "utf-8")
    issues = gitlab(project)
    assert [i["check_name"] for i in issues] == ["FL005", "FL005"]
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]


# junit --------------------------------------------------------------------------------------------


def junit(project: Path, *args: str) -> ET.Element:
    done = check(project, "--format", "junit", *args)
    assert done.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(done.stdout)


def cases(root: ET.Element) -> dict[str, ET.Element]:
    return {c.attrib["name"]: c for c in root.iter("testcase")}


def test_junit_one_testcase_per_file_with_failures(project: Path) -> None:
    (project / "flows" / "warn.yml").write_text(WARNS_ONLY, "utf-8")
    clean = CLEAN.replace("id: hello\n", "id: clean\n", 1)  # its own flow id: no FL703 (duplicate-flow)
    (project / "flows" / "clean.yml").write_text(clean, "utf-8")
    root = junit(project)
    [suite] = root.findall("testsuite")
    for element in (root, suite):
        assert {k: element.attrib[k] for k in ("tests", "failures", "errors", "skipped")} == {
            "tests": "4",
            "failures": "1",
            "errors": "0",
            "skipped": "1",
        }
    by_name = cases(root)
    assert sorted(by_name) == ["flows/clean.yml", "flows/compose.yaml", "flows/f.yml", "flows/warn.yml"]
    assert by_name["flows/f.yml"].attrib["classname"] == "flows/f.yml"
    [failure] = by_name["flows/f.yml"].findall("failure")
    assert failure.attrib == {"message": "3 findings at or above error: FL102, FL005", "type": "FL102 FL005"}
    assert failure.text is not None
    assert failure.text.splitlines()[0] == (
        "5:11: FL108 [warning] io.kestra.core.tasks.log.Log is a deprecated alias of io.kestra.plugin.core.log.Log"
    )
    assert "12:9: FL005 [error] duplicate task id 'a' (first used at line 4)" in failure.text.splitlines()
    assert by_name["flows/compose.yaml"].find("skipped") is not None
    assert list(by_name["flows/clean.yml"]) == []
    # warnings only: passes at the default threshold, and says what it found
    warn = by_name["flows/warn.yml"]
    assert warn.find("failure") is None
    system_out = warn.find("system-out")
    assert system_out is not None and system_out.text is not None
    assert system_out.text.startswith("5:11: FL108 [warning] ")


def test_junit_failures_follow_fail_on(project: Path) -> None:
    (project / "flows" / "warn.yml").write_text(WARNS_ONLY, "utf-8")
    root = junit(project, "--fail-on", "warning")
    assert (root.attrib["tests"], root.attrib["failures"]) == ("3", "2")
    failure = cases(root)["flows/warn.yml"].find("failure")
    assert failure is not None
    assert failure.attrib["type"] == "FL108"
    (project / ".flowlint.yaml").write_text("manifest: manifest.json\nfailOn: warning\n", "utf-8")
    assert junit(project).attrib["failures"] == "2"


def test_junit_escapes_markup_and_unparsable_files_fail(project: Path) -> None:
    (project / "flows" / "f.yml").write_text(CLEAN.replace("id: a", 'id: "<a&b>"'), "utf-8")
    (project / "flows" / "broken.yml").write_text("id: [unclosed\n", "utf-8")
    root = junit(project)
    assert (root.attrib["tests"], root.attrib["failures"], root.attrib["skipped"]) == ("3", "2", "1")
    failure = cases(root)["flows/f.yml"].find("failure")
    assert failure is not None and failure.text is not None
    assert "'<a&b>'" in failure.text
    broken = cases(root)["flows/broken.yml"].find("failure")
    assert broken is not None and broken.attrib["type"] == "FL001"


# --format FORMAT:PATH, --output-file ---------------------------------------------------------------


def test_full_to_the_log_and_sarif_to_a_file(project: Path) -> None:
    done = check(project, "--format", "full", "--format", "sarif:out.sarif")
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == check(project, "--format", "full").stdout
    assert done.stdout.endswith(SUMMARY + "\n" + FIXABLE + "\n")
    assert (project / "out.sarif").read_text("utf-8") == check(project, "--format", "sarif").stdout


def test_several_files_at_once_and_default_stdout(project: Path) -> None:
    (project / "reports").mkdir()
    done = check(
        project, "--format", "sarif:reports/a.sarif", "--format", "gitlab:reports/gl.json", "--format", "junit:j.xml"
    )
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == check(project).stdout  # nothing for standard output: the default (full)
    assert (project / "reports" / "a.sarif").read_text("utf-8") == check(project, "--format", "sarif").stdout
    assert len(json.loads((project / "reports" / "gl.json").read_text("utf-8"))) == 5
    assert ET.parse(project / "j.xml").getroot().attrib["failures"] == "1"
    assert sorted(p.name for p in (project / "reports").iterdir()) == ["a.sarif", "gl.json"]  # no temporary left


def test_output_file_takes_the_stdout_format(project: Path) -> None:
    (project / "report.sarif").write_text("old", "utf-8")
    done = check(project, "--format", "sarif", "--output-file", "report.sarif", "--format", "concise:c.txt")
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "")
    assert (project / "report.sarif").read_text("utf-8") == check(project, "--format", "sarif").stdout
    assert (project / "c.txt").read_text("utf-8").endswith(SUMMARY + "\n" + FIXABLE + "\n")
    # `FORMAT:-` is standard output
    assert check(project, "--format", "concise:-").stdout == check(project, "--format", "concise").stdout


def test_exit_code_and_exit_zero_do_not_depend_on_formats(project: Path) -> None:
    assert check(project, "--format", "junit:j.xml", "--exit-zero").returncode == 0
    (project / "flows" / "f.yml").write_text(CLEAN, "utf-8")
    assert check(project, "--format", "sarif:s.sarif", "--format", "github").returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "--format: unknown format 'xml' (choose from full, concise, json, sarif, github, "),
        (["--format", "xml:out.xml"], "--format: unknown format 'xml' "),
        (
            ["--format", "full", "--format", "json"],
            "--format: only one format can go to standard output, not full and json",
        ),
        (["--format", "sarif:"], "--format sarif:: no file after ':'"),
        (
            ["--format", "sarif:a.out", "--format", "json:./a.out"],
            "--format sarif:a.out and --format json:a.out would write the same file",
        ),
        (
            ["--format", "json", "--output-file", "a.out", "--format", "sarif:a.out"],
            "--format sarif:a.out and --output-file a.out would write the same file",
        ),
        (["--format", "sarif:flows/f.yml/x.sarif"], "cannot write flows/f.yml/x.sarif: Not a directory"),
        (["--format", "sarif:flows"], "cannot write flows: "),
    ],
)
def test_format_usage_errors(project: Path, args: list[str], message: str) -> None:
    done = check(project, *args)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("flowlint: error: " + message), done.stderr
