"""A bounded fuzz run over real flows: flows of ../shared/corpus (the examples without it), mutated a few
characters or lines at a time, go through `check` and `fix` in process. Whatever the mutation: no
exception (the CLI's exit 3), a JSON report that parses, every position inside the file, and a second
`fix` after the first changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowlint.config import Settings
from flowlint.fix import FixOptions, fix_text
from flowlint.formats import render
from flowlint.lint import Linter
from flowlint.manifest.catalog import load_catalog
from flowlint.report import Report
from flowlint.rules import enabled_codes
from tests.conftest import CORPUS, EXAMPLES


def _sources() -> list[str]:
    folder = CORPUS / "flows"
    paths = sorted(folder.rglob("*.yml")) if folder.is_dir() else sorted((EXAMPLES / "flows").rglob("*.yml"))
    texts = [p.read_text("utf-8", "replace") for p in paths if p.stat().st_size < 6_000]
    return texts[::7] or texts  # a spread of ~100 small flows keeps each example cheap


SOURCES = _sources()
CATALOG = load_catalog()
LINTER = Linter(Settings(root=Path.cwd()), CATALOG, enabled_codes(["ALL"]))
TOKENS = [
    ": ", "- ", "\t", "  ", "\n", "\r\n", "#", "'", '"', "[", "]", "{", "}", ",", "&a ", "*a", "!!int ", "!custom ",
    "? ", "=", "\ufeff", "é", "🎉", "{{ outputs.x.value }}", "{{ secret('K') }}", "version: 0.20\n",
    "    version: 1.10\n", "type: io.kestra.core.tasks.log.Log\n", "password: hunter2\n", "- id: t\n  type: ",
    "9" * 40, "---\n", "...\n", "%YAML 1.2\n",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A corpus flow with one to four insertions, deletions or duplicated lines."""
    text = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "line"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)) :]
        else:
            lines = text.splitlines(keepends=True) or [""]
            line = at % len(lines)
            text = "".join([*lines[: line + 1], lines[line], *lines[line + 1 :]])
    return text


def _inside(text: str, line: int, column: int) -> bool:
    lines = text.split("\n")
    return 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1].rstrip("\r")) + 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(mutated())
def test_mutated_flows_check_and_fix_cleanly(text: str) -> None:
    result = LINTER.lint_text(text, "flow.yml")
    body = text.removeprefix("\ufeff")
    for d in result.diagnostics:
        assert _inside(body, d.span.line, d.span.column), (d.code, d.span, d.message)
        assert _inside(body, d.span.end_line, d.span.end_column), (d.code, d.span, d.message)
    report = Report([result], CATALOG.source, CATALOG.own_plugins, CATALOG.summary())
    assert json.loads(render("json", report))["summary"]["files"] == 1
    fixed, changes, _ = fix_text(text, "flow.yml", LINTER, FixOptions())
    if changes:
        again, more, _ = fix_text(fixed, "flow.yml", LINTER, FixOptions())
        assert (again, more) == (fixed, [])
