"""Literal credentials never reach an output, whichever rules run: check's snippets (FL401 ignored,
unselected, switched off by the config), the FL001 snippet of a file that does not parse, and the
context and changed lines of `fix --diff`. The flows are the reproducers of ../shared/fuzz-cases
(secret-leak-*.yml, without their first comment line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

QUERY = "io.kestra.plugin.jdbc.postgresql.Query"
HEAD = "id: s\nnamespace: company.team\ntasks:\n"
# secret-leak-fl401-disabled.yml: the FL107 finding shares its line with the password
SHARED_LINE = HEAD + f"  - {{id: q, type: {QUERY}, version: 0.20, password: hunter2Zq9x01}}\n"
SHARED_LINE_SNIPPET = (
    "   |\n"
    f" 4 |   - {{id: q, type: {QUERY}, version: 0.20, password: *************}}\n"
    "   |                                                                    ^^^^\n"
)
# secret-leak-syntax-error-snippet.yml: no node tree, FL001 points into the password's line
BROKEN = HEAD + f"  - id: q\n    type: {QUERY}\n    password: hunter2Zq9x03: oops\n"
BROKEN_OUTPUT = (
    "f.yml:6:28: FL001 [error] mapping values are not allowed in this context\n"
    "   |\n"
    " 6 |     password: *******************\n"
    "   |                            ^\n"
    "\n"
)
# secret-leak-fix-diff-context.yml: the password is a context line of the FL107 fix
CONTEXT_LINE = HEAD + f"  - id: q\n    type: {QUERY}\n    version: 0.20\n    password: hunter2Zq9x00\n"
FORMATS = ["full", "concise", "json", "sarif", "github", "gitlab", "junit"]


def _project(tmp_path: Path, flow: str, config: str | None = None) -> Path:
    (tmp_path / "f.yml").write_text(flow, "utf-8")
    if config is not None:
        (tmp_path / ".flowlint.yaml").write_text(config, "utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("args", "config"),
    [
        (["--ignore", "FL401"], None),
        (["--select", "FL1"], None),
        ([], "ignore: [FL401]\n"),
        ([], "perFileIgnores:\n  '*.yml': [FL401]\n"),
    ],
)
def test_snippet_masks_the_password_when_fl401_does_not_run(
    tmp_path: Path, args: list[str], config: str | None
) -> None:
    project = _project(tmp_path, SHARED_LINE, config)
    done = run_cli(["check", "--no-cache", "-q", "f.yml", *args], project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("f.yml:4:68: FL107 [warning] version 0.20 ")
    assert SHARED_LINE_SNIPPET in done.stdout
    assert "FL401" not in done.stdout
    assert "hunter2" not in done.stdout + done.stderr


def test_no_format_prints_the_password_when_fl401_is_ignored(tmp_path: Path) -> None:
    project = _project(tmp_path, SHARED_LINE)
    for fmt in FORMATS:
        done = run_cli(["check", "--no-cache", "f.yml", "--ignore", "FL401", "--format", fmt], project)
        assert done.returncode == 0, (fmt, done.stderr)
        assert "FL107" in done.stdout, fmt
        assert "hunter2" not in done.stdout + done.stderr, fmt


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--no-cache", "-q", "f.yml"],
        ["check", "--no-cache", "-q", "-", "--stdin-filename", "f.yml"],
        ["fix", "-q", "f.yml"],
    ],
)
def test_fl001_snippet_masks_a_credential_that_does_not_parse(tmp_path: Path, args: list[str]) -> None:
    project = _project(tmp_path, BROKEN)
    stdin = BROKEN.encode("utf-8") if "-" in args else None
    done = run_cli(args, project, stdin=stdin)
    assert (done.returncode, done.stdout) == (1, BROKEN_OUTPUT), done.stderr
    assert "hunter2" not in done.stderr
    assert (project / "f.yml").read_text("utf-8") == BROKEN


def test_fix_diff_masks_a_password_in_the_context_lines(tmp_path: Path) -> None:
    project = _project(tmp_path, CONTEXT_LINE)
    done = run_cli(["fix", "--diff", "--unsafe-fixes", "f.yml"], project)
    assert done.returncode == 1, done.stderr
    assert done.stdout == (
        "--- a/f.yml\n+++ b/f.yml\n@@ -3,5 +3,5 @@\n"
        f" tasks:\n   - id: q\n     type: {QUERY}\n"
        '-    version: 0.20\n+    version: "0.20"\n'
        "     password: *************\n"
    )
    assert (project / "f.yml").read_text("utf-8") == CONTEXT_LINE


def test_fix_diff_masks_a_password_on_the_changed_line(tmp_path: Path) -> None:
    project = _project(tmp_path, SHARED_LINE)
    done = run_cli(["fix", "--diff", "--unsafe-fixes", "f.yml"], project)
    assert done.returncode == 1, done.stderr
    assert done.stdout == (
        "--- a/f.yml\n+++ b/f.yml\n@@ -1,4 +1,4 @@\n"
        " id: s\n namespace: company.team\n tasks:\n"
        f"-  - {{id: q, type: {QUERY}, version: 0.20, password: *************}}\n"
        f'+  - {{id: q, type: {QUERY}, version: "0.20", password: *************}}\n'
    )
    assert "hunter2" not in done.stderr
    assert (project / "f.yml").read_text("utf-8") == SHARED_LINE
