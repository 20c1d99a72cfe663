"""A flow whose file name is not UTF-8 (the bytes ``bad\\xff.yml``): every format, to standard output and
to a file, and ``inventory`` and ``impact`` show the name escaped (``bad\\xff.yml``; ``bad%FF.yml`` in a
SARIF URI) instead of failing to encode it."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli.conftest import check
from tests.conftest import STANDARD_MANIFEST, run_cli

SHOWN = "flows/bad\\xff.yml"
"""How the outputs show flows/bad\\xff.yml: the byte that is not UTF-8 as ``\\xff``."""
STRICT = {"PYTHONIOENCODING": "utf-8"}
"""Standard output as in a UTF-8 locale other than C: strict, where a name that is not UTF-8 failed to print."""
HEADLINES = [
    f"{SHOWN}:5:11: FL108 [warning] io.kestra.core.tasks.log.Log is a deprecated alias of "
    "io.kestra.plugin.core.log.Log",
    f"{SHOWN}:9:14: FL102 [error] version 0.2 of io.kestra.plugin:plugin-script-shell matches no installed version "
    "(installed: 0.20.0, 0.21.0)",
]


@pytest.fixture
def odd(project: Path) -> Path:
    """The format tests' project (five findings) with its flow in flows/bad\\xff.yml."""
    try:
        (project / "flows" / "f.yml").rename(project / "flows" / os.fsdecode(b"bad\xff.yml"))
    except OSError as error:  # a file system that takes UTF-8 names only
        pytest.skip(f"no file name that is not UTF-8 here: {error}")
    return project


def report(odd: Path, fmt: str) -> subprocess.CompletedProcess[str]:
    """``check`` in ``fmt`` to standard output and to a file at once: both the same, UTF-8 text."""
    done = check(odd, "--format", fmt, "--format", f"{fmt}:out/report", env=STRICT)
    assert done.returncode == 1, done.stderr
    assert (odd / "out" / "report").read_bytes().decode("utf-8") == done.stdout
    return done


@pytest.mark.parametrize("fmt", ["full", "concise"])
def test_human_formats_show_the_name_escaped(odd: Path, fmt: str) -> None:
    lines = report(odd, fmt).stdout.splitlines()
    headlines = [line for line in lines if line.startswith(f"{SHOWN}:")]
    assert headlines[:2] == HEADLINES
    assert headlines[4] == f"{SHOWN}:12:9: FL005 [error] duplicate task id 'a' (first used at line 4)"
    if fmt == "full":
        assert f"    = note: first task with this id at {SHOWN}:4:9" in lines


def test_github_shows_the_name_escaped(odd: Path) -> None:
    lines = report(odd, "github").stdout.splitlines()
    assert lines[0] == (
        f"::warning file={SHOWN},line=5,col=11,endLine=5,endColumn=39,title=FL108 deprecated-alias::"
        "io.kestra.core.tasks.log.Log is a deprecated alias of io.kestra.plugin.core.log.Log"
    )


def test_json_shows_the_name_escaped(odd: Path) -> None:
    data = json.loads(report(odd, "json").stdout)
    assert [f["path"] for f in data["files"]] == [SHOWN, "flows/compose.yaml"]
    assert [(d["path"], d["line"], d["code"]) for d in data["diagnostics"]][-1] == (SHOWN, 12, "FL005")
    assert {d["path"] for d in data["diagnostics"]} == {SHOWN}


def test_sarif_names_the_file_by_its_bytes_percent_encoded(odd: Path) -> None:
    run = json.loads(report(odd, "sarif").stdout)["runs"][0]
    assert [a["location"]["uri"] for a in run["artifacts"]] == ["flows/bad%FF.yml", "flows/compose.yaml"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    assert uris == ["flows/bad%FF.yml"] * 5
    fingerprints = {r["partialFingerprints"]["flowlint/v1"] for r in run["results"]}
    assert len(fingerprints) == 5


def test_gitlab_shows_the_name_escaped(odd: Path) -> None:
    issues = json.loads(report(odd, "gitlab").stdout)
    assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in issues] == [
        (SHOWN, 5, "FL108"),
        (SHOWN, 9, "FL102"),
        (SHOWN, 9, "FL107"),
        (SHOWN, 11, "FL102"),
        (SHOWN, 12, "FL005"),
    ]
    assert len({i["fingerprint"] for i in issues}) == 5


def test_junit_shows_the_name_escaped(odd: Path) -> None:
    root = ET.fromstring(report(odd, "junit").stdout)
    assert [case.get("name") for case in root.iter("testcase")] == [SHOWN, "flows/compose.yaml"]


def test_inventory_shows_the_name_escaped(odd: Path) -> None:
    table = run_cli(["inventory", "flows"], odd, env=STRICT)
    assert table.returncode == 0, table.stderr
    assert [line.split()[0] for line in table.stdout.splitlines()[1:5]] == [
        f"{SHOWN}:5",
        f"{SHOWN}:8",
        f"{SHOWN}:11",
        f"{SHOWN}:13",
    ]
    written = run_cli(["inventory", "flows", "--format", "csv", "--output-file", "uses.csv"], odd, env=STRICT)
    assert written.returncode == 0, written.stderr
    rows = list(csv.DictReader(io.StringIO((odd / "uses.csv").read_bytes().decode("utf-8"))))
    assert [(r["file"], r["line"], r["taskId"]) for r in rows] == [
        (SHOWN, "5", "a"),
        (SHOWN, "8", "b"),
        (SHOWN, "11", "c"),
        (SHOWN, "13", "a"),
    ]
    grouped = run_cli(["inventory", "flows", "--by", "plugin", "--format", "json"], odd, env=STRICT)
    locations = [loc["file"] for group in json.loads(grouped.stdout)["plugins"] for loc in group["locations"]]
    assert locations == [SHOWN] * 4


def test_impact_shows_the_name_escaped(odd: Path) -> None:
    data = copy.deepcopy(STANDARD_MANIFEST)
    postgres = next(p for p in data["plugins"] if p["artifactId"] == "plugin-jdbc-postgres")
    postgres["versions"].append({"version": "1.2.0", "tasks": ["io.kestra.plugin.jdbc.postgresql.Query"]})
    (odd / "new.json").write_text(json.dumps(data), "utf-8")
    text = run_cli(["impact", "--to", "new.json", "flows"], odd, env=STRICT)
    assert text.returncode == 0, text.stderr
    assert (
        f"    {SHOWN}:11:38  company.team/hello  task 'c'  io.kestra.plugin.jdbc.postgresql.Query: FL102 -> 1.2.0"
        in text.stdout.splitlines()
    )
    done = run_cli(["impact", "--to", "new.json", "flows", "--format", "json"], odd, env=STRICT)
    assert done.returncode == 0, done.stderr
    (fixed,) = json.loads(done.stdout)["fixes"]
    assert [(use["file"], use["line"], use["taskId"]) for use in fixed["uses"]] == [(SHOWN, 11, "c")]


def test_show_files_and_check_fix_show_the_name_escaped(odd: Path) -> None:
    files = check(odd, "--show-files", env=STRICT)
    assert (files.returncode, files.stdout) == (0, f"{SHOWN}\nflows/compose.yaml\n")
    fixed = check(odd, "--no-cache", "--fix", "--select", "FL108", env=STRICT)
    assert fixed.stderr.splitlines() == [
        f"{SHOWN}:5:11: fixed FL108: replace with io.kestra.plugin.core.log.Log",
        "fixed 1 issue in 1 file",
    ]
    assert fixed.returncode == 0
