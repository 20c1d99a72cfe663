"""A project with the standard manifest and a config naming it, and `flowlint check --format concise` run
in it: what the CLI, config and file-walk tests share."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.conftest import STANDARD_MANIFEST, run_cli

TASK = "id: hello\nnamespace: company.team\ntasks:\n  - id: a\n"
"""A flow whose one task's keys follow (its `type` at line 5)."""
CLEAN = TASK + "    type: io.kestra.plugin.core.log.Log\n    message: Hello\n"
# FL102 (error) at 6:14.
NOT_INSTALLED = TASK + (
    "    type: io.kestra.plugin.jdbc.postgresql.Query\n"
    '    version: "1.2.0"\n'
    "    url: jdbc:postgresql://db:5432/shop\n"
    "    sql: SELECT 1\n"
)
FL102_MESSAGE = (
    "FL102 [error] version 1.2.0 of io.kestra.plugin:plugin-jdbc-postgres is not installed "
    "(installed: 0.19.0, 1.2.1, 1.2.3)"
)
# FL108 (warning) at 5:11.
ALIAS = CLEAN.replace("io.kestra.plugin.core.log.Log", "io.kestra.core.tasks.log.Log")
FL108_MESSAGE = "FL108 [warning] io.kestra.core.tasks.log.Log is a deprecated alias of io.kestra.plugin.core.log.Log"
# No version of its own: what the defaults and the instance default give decides.
SCRIPT = TASK + "    type: io.kestra.plugin.scripts.shell.Script\n    script: echo hello\n"
SUMMARY_SOURCE = "manifest: test instance (4 plugins, 9 versions)"
MIXED = (
    ALIAS + "  - id: b\n    type: io.kestra.plugin.scripts.shell.Script\n    version: 0.20\n    script: echo hello\n"
)
MIXED_LINES = [
    f"flow.yml:5:11: {FL108_MESSAGE}",
    "flow.yml:9:14: FL102 [error] version 0.2 of io.kestra.plugin:plugin-script-shell matches no installed version "
    "(installed: 0.20.0, 0.21.0)",
    "flow.yml:9:14: FL107 [warning] version 0.20 is the number 0.2 for YAML: Kestra asks for version 0.2, which "
    'matches no installed version; quoted, "0.20" would run 0.20.0',
]


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


def standard_project(root: Path) -> Path:
    """``root`` with the standard manifest and a config that names it."""
    return write(root, {"manifest.json": manifest_text(), ".flowlint.yaml": "manifest: manifest.json\n"})


def concise(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """``flowlint check --format concise ARGS`` in ``cwd``."""
    return run_cli(["check", "--format", "concise", *args], cwd, stdin=stdin)
