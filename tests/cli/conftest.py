"""What the format tests share: a project whose flow has five findings, and running `check` on it."""

from __future__ import annotations

import json
import subprocess
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
    '  - {id: c, description: "🎉🎉", type: io.kestra.plugin.jdbc.postgresql.Query, version: "1.2.0", '
    'url: "jdbc:postgresql://db/app", sql: SELECT 1}\n'
    "  - id: a\n"
    "    type: io.kestra.plugin.core.log.Log\n"
    "    message: Bye\n"
)
CLEAN = (
    "id: hello\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n"
    "    message: Hello\n"
)
SUMMARY = (
    "2 files checked (1 flow, 1 skipped non-flow YAML): 3 errors, 2 warnings, 0 info; "
    "manifest: test instance (4 plugins, 9 versions)"
)
FIXABLE = "[*] 2 fixable with `flowlint fix`"
"""The line after the summary: FL107's and FL108's fixes are safe."""


def five_findings_project(root: Path) -> Path:
    """``root`` with a flow with five findings, a non-flow YAML file, the standard manifest and a config naming it."""
    (root / "flows").mkdir()
    (root / "flows" / "f.yml").write_text(FLOW, "utf-8")
    (root / "flows" / "compose.yaml").write_text("services:\n  kestra:\n    image: kestra/kestra\n", "utf-8")
    (root / "manifest.json").write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    (root / ".flowlint.yaml").write_text("manifest: manifest.json\n", "utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A flow with five findings, a non-flow YAML file, the standard manifest and a config naming it."""
    return five_findings_project(tmp_path)


def check(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(["check", "flows", *args], project, env=env)
