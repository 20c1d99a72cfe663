"""Every command that writes a file creates the folders its path names (`reports/ci/flowlint.sarif` in CI)."""

from __future__ import annotations

import json
from pathlib import Path

from flowlint.datafile import load_data
from tests.cli.conftest import check
from tests.conftest import run_cli
from tests.manifest.plugin_jars import SCRIPT, SHELL, plugin_jar


def test_check_format_and_output_file_create_missing_folders(project: Path) -> None:
    done = check(
        project,
        "--format",
        "concise",
        "--output-file",
        "out/deep/concise.txt",
        "--format",
        "sarif:reports/ci/flowlint.sarif",
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "")
    assert (project / "out/deep/concise.txt").read_text("utf-8") == check(project, "--format", "concise").stdout
    sarif = json.loads((project / "reports/ci/flowlint.sarif").read_text("utf-8"))
    found = [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in sarif["runs"][0]["results"]
    ]
    assert found == [("FL108", 5), ("FL102", 9), ("FL107", 9), ("FL102", 11), ("FL005", 12)]


def test_inventory_output_file_creates_missing_folders(project: Path) -> None:
    done = run_cli(["inventory", "flows", "--format", "csv", "--output-file", "inventory/2026/uses.csv"], project)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    printed = run_cli(["inventory", "flows", "--format", "csv"], project).stdout
    assert (project / "inventory/2026/uses.csv").read_text("utf-8") == printed
    assert printed.count("\n") == 5  # the header and the flow's four plugin uses


def test_manifest_build_output_creates_missing_folders(tmp_path: Path) -> None:
    plugin_jar(tmp_path / "plugins/plugin-script-shell-0.20.0.jar", "plugin-script-shell", SHELL, "0.20.0", [SCRIPT])
    done = run_cli(["manifest", "build", "plugins", "--output", "manifests/prod/installed.yaml"], tmp_path)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert done.stderr == "flowlint: wrote manifests/prod/installed.yaml\n"
    data = load_data(tmp_path / "manifests/prod/installed.yaml", "manifest")
    assert [(p["artifactId"], [v["version"] for v in p["versions"]]) for p in data["plugins"]] == [
        ("plugin-script-shell", ["0.20.0"])
    ]
