"""The rule registry: every rule once, in code order, documented, its examples true; `flowlint rules
--format markdown` is README's table."""

from __future__ import annotations

import copy
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from flowlint.rules import RULES, RULES_BY_CODE, Rule
from flowlint.rules.repository import PROJECT_CODES
from tests.conftest import ROOT, STANDARD_MANIFEST, codes, lint, run_cli, settings

HEAD = "id: hello\nnamespace: company.team\n"
LOG_TASKS = "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"

FIXTURES = ROOT / "tests" / "fixtures"
EXPECTED_CODES = sorted(folder.name for folder in FIXTURES.iterdir() if folder.is_dir())
"""Every rule has its fixture folder (tests/rules/test_fixtures.py): the codes the registry must hold."""


def test_catalogue_has_every_rule_once_in_order() -> None:
    assert [rule.code for rule in RULES] == EXPECTED_CODES
    assert len({rule.name for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name), rule.name


def test_rules_by_code_matches_rules() -> None:
    assert {rule.code: rule for rule in RULES} == RULES_BY_CODE


MANIFEST_EXAMPLE = copy.deepcopy(STANDARD_MANIFEST)
MANIFEST_EXAMPLE["plugins"] += [
    {
        "groupId": "io.kestra.plugin",
        "artifactId": "plugin-example",
        "versions": [
            {"version": "0.21.0", "tasks": ["io.kestra.plugin.example.OldTask"]},
            {"version": "0.22.0", "tasks": ["io.kestra.plugin.example.OldTask", "io.kestra.plugin.example.NewTask"]},
        ],
    },
    {
        "groupId": "io.example",
        "artifactId": "plugin-a",
        "versions": [{"version": "1.0.0", "tasks": ["io.example.Task"]}],
    },
    {
        "groupId": "io.example",
        "artifactId": "plugin-b",
        "versions": [{"version": "1.0.0", "tasks": ["io.example.Task"]}],
    },
]
MANIFEST_ONLY_B = copy.deepcopy(STANDARD_MANIFEST)
MANIFEST_ONLY_B["plugins"] += [MANIFEST_EXAMPLE["plugins"][-1]]
MANIFEST_POSTGRES = copy.deepcopy(STANDARD_MANIFEST)
"""The standard plugins and plugin-jdbc-postgres 1.15.5, a release the property data describes (the Query
examples run LATEST)."""
next(p for p in MANIFEST_POSTGRES["plugins"] if p["artifactId"] == "plugin-jdbc-postgres")["versions"].append(
    {"version": "1.15.5", "tasks": ["io.kestra.plugin.jdbc.postgresql.Query"]}
)
DEFAULT_CODES = [rule.code for rule in RULES if rule.enabled_by_default]
"""What a run without a selection checks (lint() leaves FL5xx out unless a selection names them)."""


def _as_flow(example: str) -> str:
    """A rule's example as a whole flow: snippets are put where they belong in a minimal flow."""
    if example.startswith("id:"):
        return example
    if example.startswith("tasks:"):
        return HEAD + example
    if example.startswith("pluginDefaults:"):
        return HEAD + example + LOG_TASKS
    if example.startswith("conditions:"):
        trigger = 'triggers:\n  - id: t\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 9 * * *"\n'
        return HEAD + LOG_TASKS + trigger + textwrap.indent(example, "    ")
    first = next(line for line in example.splitlines() if not line.startswith("#"))
    assert first.startswith("- id:"), example
    return HEAD + "tasks:\n" + textwrap.indent(example, "  ")


# What each bad example needs besides itself: settings or a manifest (None: the defaults).
_EXAMPLE_CONTEXT: dict[str, dict[str, Any]] = {
    "FL008": {"config": settings(target="2.0")},
    "FL609": {"config": settings(target="2.0")},
    "FL608": {"config": settings(target="0.21").with_overrides(edition="oss")},
    "FL103": {"config": settings(default_version="NONE")},
    "FL105": {"manifest_data": MANIFEST_EXAMPLE},
    "FL106": {"manifest_data": MANIFEST_EXAMPLE},
    **{code: {"select": [code]} for code in ("FL201", "FL202", "FL203")},  # off by default
    "FL501": {"manifest_data": MANIFEST_POSTGRES, "select": DEFAULT_CODES},
    "FL502": {"select": DEFAULT_CODES},
    "FL503": {"select": DEFAULT_CODES},
    "FL504": {"manifest_data": MANIFEST_POSTGRES, "select": DEFAULT_CODES},
}


def _indented(example: str) -> str:
    return "\n".join("    " + line for line in example.rstrip().split("\n"))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_flowlint_rule_prints_the_documentation_whose_bad_example_is_reported_and_good_is_not(
    rule: Rule, tmp_path: Path
) -> None:
    for part in (rule.summary, rule.explanation, rule.bad, rule.good):
        assert part.strip()
    assert rule.bad != rule.good
    assert rule.summary.endswith(".")
    done = run_cli(["rule", rule.code.lower()], cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    out = done.stdout
    assert out.startswith(f"{rule.code} {rule.name} ({rule.severity.value}, ")
    assert f"\n\n{rule.summary}\n\n{rule.explanation}\n\n" in out
    assert f"Bad:\n{_indented(rule.bad)}\n" in out
    assert f"Good:\n{_indented(rule.good)}\n" in out
    assert out.endswith(f"More: https://flowlint.dev/rules/{rule.code}\n")

    if rule.code in PROJECT_CODES:  # judged on the project index: the example is a project of one file
        assert rule.code in _project_codes(rule.bad, rule.code, tmp_path / "bad")
        assert rule.code not in _project_codes(rule.good, rule.code, tmp_path / "good")
        return
    context = _EXAMPLE_CONTEXT.get(rule.code, {})
    bad = lint(_as_flow(rule.bad), dedent=False, **context)
    assert rule.code in codes(bad), [(d.code, d.message) for d in bad]
    if rule.code == "FL106":
        context = {"manifest_data": MANIFEST_ONLY_B}  # the good example: "only plugin-b is installed"
    good = lint(_as_flow(rule.good), dedent=False, **context)
    assert rule.code not in codes(good), [(d.code, d.message) for d in good]
    if rule.code in ("FL101", "FL105", "FL106", "FL108", "FL109", "FL501", "FL502", "FL503", "FL504", "FL901"):
        assert good == [], [(d.code, d.message) for d in good]


def _project_codes(example: str, code: str, folder: Path) -> list[str]:
    """The codes ``flowlint check`` reports (with ``code`` and FL5xx-free defaults) on a project whose one
    file is ``example``."""
    folder.mkdir()
    (folder / "flows.yml").write_text(example, "utf-8")
    done = run_cli(["check", "--no-cache", "--format", "json", "--select", code, "flows.yml"], cwd=folder)
    assert done.stderr == ""
    return [d["code"] for d in json.loads(done.stdout)["diagnostics"]]


def test_readme_rule_table_is_what_flowlint_rules_prints(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme.split("\n## Rules\n\n", 1)[1].split("\n\n", 1)[0]
    done = run_cli(["rules", "--format", "markdown"], cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == table + "\n"


def test_markdown_table_has_a_row_per_rule_with_its_default_and_fix(tmp_path: Path) -> None:
    rows = run_cli(["rules", "--format", "markdown"], cwd=tmp_path).stdout.splitlines()
    assert rows[:2] == ["| code | name | default | summary |", "|---|---|---|---|"]
    assert [row.split(" | ")[0] for row in rows[2:]] == [f"| {code}" for code in EXPECTED_CODES]
    assert rows[2 + EXPECTED_CODES.index("FL201")] == (
        "| FL201 | floating-version | warning, off by default | The version is not an exact pin: LATEST, OLDEST, "
        "a partial version or a default decides it. [fix] |"
    )
    assert rows[2 + EXPECTED_CODES.index("FL001")] == (
        "| FL001 | yaml-syntax | error | The file is not parseable YAML (or not text at all). |"
    )
