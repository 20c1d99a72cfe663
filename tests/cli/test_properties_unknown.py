"""Plugin uses whose properties the data does not describe get no FL5xx, and the run says how many there
were: in the summary line (only when FL501-FL504 ran), in the JSON report, from the cache and from workers
alike."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

# A hand-written manifest: Kestra's core, an official plugin (the bundled property data describes its
# Script 0.21.0) and a custom plugin no property data describes.
MANIFEST: dict[str, Any] = {
    "manifestVersion": 1,
    "source": "acme instance",
    "plugins": [
        {
            "groupId": "io.kestra",
            "artifactId": "core",
            "core": True,
            "versions": [{"version": "1.3.0", "tasks": ["io.kestra.plugin.core.log.Log"]}],
        },
        {
            "groupId": "io.kestra.plugin",
            "artifactId": "plugin-script-shell",
            "versions": [{"version": "0.21.0", "tasks": ["io.kestra.plugin.scripts.shell.Script"]}],
        },
        {
            "groupId": "com.acme",
            "artifactId": "plugin-acme",
            "versions": [{"version": "1.0.0", "tasks": ["com.acme.Deploy"]}],
        },
    ],
}
FLOW = (
    "id: release\n"
    "namespace: company.team\n"
    "tasks:\n"
    "  - id: deploy\n"
    "    type: com.acme.Deploy\n"
    "    anyKey: is not checked\n"
    "  - id: build\n"
    "    type: io.kestra.plugin.scripts.shell.Script\n"
    "    script: make\n"
    "  - id: done\n"
    "    type: io.kestra.plugin.core.log.Log\n"
    "    message: released\n"
)
CHECKED = "1 file checked (1 flow): 0 errors, 0 warnings, 0 info; manifest: acme instance (3 plugins, 3 versions)"
UNKNOWN_ONE = "; properties not known for 1 plugin use (no property data for its type or version)"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The flow above, the manifest and a config naming it."""
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "release.yml").write_text(FLOW, "utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST), "utf-8")
    (tmp_path / ".flowlint.yaml").write_text("manifest: manifest.json\n", "utf-8")
    return tmp_path


def summary(project: Path, *args: str) -> str:
    """The summary line of ``check flows ARGS`` (exit 0, nothing on standard error)."""
    done = run_cli(["check", "flows", "--format", "concise", *args], project)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout + done.stderr
    (line,) = done.stdout.splitlines()
    return line


def json_report(project: Path, *args: str) -> dict[str, Any]:
    done = run_cli(["check", "flows", "--format", "json", *args], project)
    assert done.returncode == 0, done.stdout + done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_the_summary_counts_the_uses_whose_properties_are_not_known(project: Path) -> None:
    # the custom task is counted; the Script and the Log, which the data describes, are not
    assert summary(project, "--no-cache") == CHECKED + UNKNOWN_ONE


def test_the_json_report_counts_them_per_file_and_in_all(project: Path) -> None:
    report = json_report(project, "--no-cache")
    assert report["summary"]["propertiesUnknown"] == 1
    assert [(f["path"], f["propertiesUnknown"]) for f in report["files"]] == [("flows/release.yml", 1)]


def test_a_run_from_the_cache_gives_the_same_count(project: Path) -> None:
    first = summary(project)
    done = run_cli(["check", "flows", "--format", "json", "--verbose"], project)
    assert re.search(r"checked 1 file \(1 from the cache\)", done.stderr), done.stderr
    again = summary(project)
    assert first == again == CHECKED + UNKNOWN_ONE
    assert json.loads(done.stdout)["summary"]["propertiesUnknown"] == 1


@pytest.mark.parametrize(
    "args",
    [("--ignore", "FL5"), ("--select", "FL0,FL1"), ("--ignore", "FL501,FL502,FL503,FL504")],
    ids=["ignore FL5", "select without FL5", "ignore each FL5xx"],
)
def test_without_the_property_rules_nothing_is_said(project: Path, args: tuple[str, ...]) -> None:
    assert summary(project, "--no-cache", *args) == CHECKED
    assert json_report(project, "--no-cache", *args)["summary"]["propertiesUnknown"] == 0


def test_one_property_rule_is_enough_for_the_count(project: Path) -> None:
    assert summary(project, "--no-cache", "--select", "FL504") == CHECKED + UNKNOWN_ONE


def test_per_file_ignores_of_the_property_rules_leave_that_file_uncounted(project: Path) -> None:
    (project / "flows" / "other.yml").write_text(FLOW.replace("id: release", "id: other"), "utf-8")
    config = "manifest: manifest.json\nperFileIgnores:\n  flows/other.yml: [FL5]\n"
    (project / ".flowlint.yaml").write_text(config, "utf-8")
    report = json_report(project, "--no-cache")
    assert [(f["path"], f["propertiesUnknown"]) for f in report["files"]] == [
        ("flows/other.yml", 0),
        ("flows/release.yml", 1),
    ]
    assert report["summary"]["propertiesUnknown"] == 1


def test_statistics_and_the_github_format_end_with_the_same_summary(project: Path) -> None:
    statistics = run_cli(["check", "flows", "--no-cache", "--statistics"], project)
    assert statistics.stdout.splitlines() == [CHECKED + UNKNOWN_ONE]
    github = run_cli(["check", "flows", "--no-cache", "--format", "github"], project)
    assert github.stdout.splitlines() == [CHECKED + UNKNOWN_ONE]


def test_workers_carry_the_count_back(project: Path) -> None:
    for number in range(1, 120):  # 120 files in all: above the parallel threshold
        (project / "flows" / f"copy{number:03}.yml").write_text(FLOW.replace("id: release", f"id: r{number}"), "utf-8")
    expected = (
        "120 files checked (120 flows): 0 errors, 0 warnings, 0 info; manifest: acme instance (3 plugins, 3 versions); "
        "properties not known for 120 plugin uses (no property data for their type or version)"
    )
    assert summary(project, "--no-cache", "--jobs", "2") == expected
    assert summary(project, "--no-cache", "--jobs", "1") == expected
