"""Rule fixtures, actionlint style: each rule has a folder tests/fixtures/CODE/ whose ``NAME.yml`` files
``flowlint check --no-cache --format concise -q NAME.yml``, run in that folder, reports exactly as
``NAME.expected`` says (exit 1 when a finding is an error, else 0). The folders share
tests/fixtures/.flowlint.yaml (the standard test manifest, flowlint's defaults); a folder whose rule needs
more (a rule off by default, other plugins) has its own .flowlint.yaml. A new rule's test is its folder:
``bad.yml`` and ``bad.expected``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowlint.rules import ALL_CODES
from tests.conftest import ROOT, STANDARD_MANIFEST, run_cli

FIXTURES = ROOT / "tests" / "fixtures"
FLOWS = sorted(FIXTURES.glob("FL*/*.yml"))


@pytest.mark.parametrize("flow", FLOWS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_fixture_reports_what_its_expected_file_says(flow: Path) -> None:
    expected = flow.with_suffix(".expected").read_text("utf-8")
    done = run_cli(["check", "--no-cache", "--format", "concise", "-q", flow.name], cwd=flow.parent)
    assert done.stdout == expected
    assert done.stderr == ""
    assert done.returncode == (1 if " [error] " in expected else 0)
    assert f" {flow.parent.name} [" in expected  # the folder's rule is reported


def test_every_rule_has_a_fixture_folder_and_every_folder_a_rule() -> None:
    folders = {path.name for path in FIXTURES.iterdir() if path.is_dir()}
    assert folders == ALL_CODES
    for code in ALL_CODES:
        assert (FIXTURES / code / "bad.yml").is_file()
        assert (FIXTURES / code / "bad.expected").is_file()


def test_fixtures_run_with_the_standard_test_manifest() -> None:
    assert json.loads((FIXTURES / "manifest.json").read_text("utf-8")) == STANDARD_MANIFEST
