"""What a run says about itself: a summary that counts every file, `--verbose`, and the flags ruff users
expect (`-V`, `--statistics`, `--show-settings`, `--show-files`, `--fix`, the fixable count)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import STANDARD_MANIFEST, run_cli

FLOW = (
    "id: hello\n"
    "namespace: company.team\n"
    "tasks:\n"
    "  - id: a\n"
    "    type: io.kestra.core.tasks.log.Log\n"
    "    message: Hello\n"
    "  - id: b\n"
    "    type: io.kestra.plugin.scripts.shell.Script\n"
    "    version: 0.20\n"
    "    script: echo hello\n"
    "  - id: c\n"
    "    type: io.kestra.core.tasks.log.Log\n"
    "    message: Bye\n"
)
MANIFEST = "manifest: test instance (4 plugins, 9 versions)"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "f.yml").write_text(FLOW, "utf-8")
    (tmp_path / "flows" / "two.yml").write_text(
        "id: one\nnamespace: n\ntasks: [{id: t, type: io.kestra.plugin.core.log.Log, message: one}]\n---\n"
        "id: two\nnamespace: n\ntasks: [{id: t, type: io.kestra.plugin.core.log.Log, message: two}]\n",
        "utf-8",
    )
    (tmp_path / "flows" / "broken.yml").write_text("id: x\nnamespace: [\n", "utf-8")
    (tmp_path / "flows" / "compose.yml").write_text("services: {}\n", "utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    (tmp_path / ".flowlint.yaml").write_text("manifest: manifest.json\n", "utf-8")
    return tmp_path


def _check(project: Path, *args: str) -> list[str]:
    return run_cli(["check", "--no-cache", "--format", "concise", *args, "flows"], project).stdout.splitlines()


def test_the_summary_counts_every_file_once(project: Path) -> None:
    summary = _check(project)[-2]
    assert summary == (
        "4 files checked (3 flows in 2 files, 1 skipped non-flow YAML, 1 not valid YAML): "
        f"2 errors, 3 warnings, 0 info; {MANIFEST}"
    )


def test_a_selection_without_fl001_still_counts_a_broken_file_as_not_valid(project: Path) -> None:
    summary = _check(project, "--select", "FL3")[-1]
    assert summary == (
        "4 files checked (3 flows in 2 files, 1 skipped non-flow YAML, 1 not valid YAML): "
        f"0 errors, 0 warnings, 0 info; {MANIFEST}"
    )


def test_the_summary_uses_singulars_and_says_how_many_are_fixable(project: Path) -> None:
    lines = _check(project, "--select", "FL107")
    assert lines[-2].endswith(": 0 errors, 1 warning, 0 info; " + MANIFEST)
    assert lines[-1] == "[*] 1 fixable with `flowlint fix`"
    both = _check(project)
    assert both[-1] == "[*] 3 fixable with `flowlint fix`"


def test_the_catalog_summary_does_not_repeat_itself(tmp_path: Path) -> None:
    (tmp_path / "f.yml").write_text(
        "id: a\nnamespace: b\ntasks: [{id: t, type: io.kestra.plugin.core.log.Log, message: Hello}]\n"
    )
    done = run_cli(["check", "--no-cache", "f.yml"], tmp_path)
    summary = done.stdout.splitlines()[-1]
    assert summary.startswith("1 file checked (1 flow): 0 errors, 0 warnings, 0 info; manifest: bundled catalog of "
                              "official plugins as of ")  # fmt: skip
    assert summary.count("artifacts") == 0 and summary.endswith(" (150 plugins, 5,907 versions)")


def test_the_json_summary_counts_invalid_files(project: Path) -> None:
    done = run_cli(["check", "--no-cache", "--format", "json", "flows"], project)
    data = json.loads(done.stdout)
    assert data["summary"] == {"files": 4, "flows": 3, "skipped": 1, "invalid": 1, "errors": 2, "warnings": 3,
                               "info": 0, "propertiesUnknown": 0}  # fmt: skip
    assert [f["invalid"] for f in data["files"]] == [True, False, False, False]


def test_verbose_says_what_the_run_used(project: Path) -> None:
    first = run_cli(["check", "-v", "-q", "flows"], project)
    second = run_cli(["check", "-v", "-q", "flows"], project)
    lines = second.stderr.splitlines()
    assert f"flowlint: config: {project / '.flowlint.yaml'}" in lines
    assert f"flowlint: manifest files: {project / 'manifest.json'}" in lines
    assert "flowlint: manifest: test instance (4 plugins, 9 versions)" in lines
    assert "flowlint: target Kestra version: 1.3 (from flowlint's default)" in lines
    assert "flowlint: default version: LATEST (from Kestra's default)" in lines
    assert first.stderr.splitlines()[-1].startswith("flowlint: checked 4 files (0 from the cache) in ")
    assert lines[-1].startswith("flowlint: checked 4 files (4 from the cache) in ")
    assert lines[-1].endswith(" s")


def test_version_flag_has_a_short_form(project: Path) -> None:
    long, short = run_cli(["--version"], project), run_cli(["-V"], project)
    assert long.stdout == short.stdout == "flowlint, version 0.1.0\n"


def test_statistics_counts_findings_per_rule(project: Path) -> None:
    done = run_cli(["check", "--no-cache", "--statistics", "flows"], project)
    assert done.returncode == 1
    assert done.stdout.splitlines()[:4] == [
        "2  FL108  [*] deprecated-alias",
        "1  FL001      yaml-syntax",
        "1  FL102      version-not-installed",
        "1  FL107  [*] unquoted-version",
    ]
    rows = json.loads(
        run_cli(["check", "--no-cache", "--statistics", "--format", "json", "-q", "flows"], project).stdout
    )
    assert rows[0] == {"code": "FL108", "name": "deprecated-alias", "count": 2, "fixable": 2}


def test_show_settings_and_show_files_lint_nothing(project: Path) -> None:
    settings = run_cli(["check", "--show-settings", "--select", "FL1", "--ignore", "FL108", "flows"], project)
    assert settings.returncode == 0
    assert "rules enabled (9): FL101, FL102, FL103, FL104, FL105, FL106, FL107, FL109, FL110" in settings.stdout
    files = run_cli(["check", "--show-files", "flows"], project)
    assert (files.returncode, files.stdout) == (0, "flows/broken.yml\nflows/compose.yml\nflows/f.yml\nflows/two.yml\n")
    assert not (project / ".flowlint_cache").exists()


def test_check_fix_applies_safe_fixes_then_reports_what_remains(project: Path) -> None:
    done = run_cli(["check", "--no-cache", "--fix", "--format", "concise", "flows/f.yml"], project)
    assert (project / "flows" / "f.yml").read_text("utf-8") == FLOW.replace("version: 0.20", 'version: "0.20"').replace(
        "io.kestra.core.tasks.log.Log", "io.kestra.plugin.core.log.Log"
    )
    assert done.stderr.splitlines()[-1] == "fixed 3 issues in 1 file"
    assert done.stdout.splitlines()[-1].endswith(": 0 errors, 0 warnings, 0 info; " + MANIFEST)
    assert done.returncode == 0


def test_unsafe_fixes_needs_fix(project: Path) -> None:
    done = run_cli(["check", "--unsafe-fixes", "flows"], project)
    assert (done.returncode, done.stderr) == (2, "flowlint: error: --unsafe-fixes goes with --fix\n")


def test_a_file_fix_leaves_alone_counts_no_fixable_finding(tmp_path: Path) -> None:
    (tmp_path / "f.yml").write_text(
        "id: a\nnamespace: b\ntasks:\n  - id: t\n    type: io.kestra.core.tasks.log.Log\n    message: hi\n"
        "---\nbroken: [\n",
        "utf-8",
    )
    done = run_cli(["check", "--no-cache", "--format", "concise", "f.yml"], tmp_path)
    lines = done.stdout.splitlines()
    assert [line.split(" ")[1] for line in lines[:2]] == ["FL108", "FL001"]
    assert lines[-1].startswith("1 file checked (1 flow): 1 error, 1 warning, 0 info;")  # no "[*] 1 fixable"
