"""flowlint over ~900 real public Kestra flows (../shared/corpus), with the bundled catalog.
Skipped when the corpus is absent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from flowlint.config import Settings
from flowlint.lint import Linter
from flowlint.manifest.catalog import load_catalog
from flowlint.rules import enabled_codes
from tests.conftest import CORPUS, run_cli

VERSION_CODES = {"FL102", "FL104", "FL105", "FL107", "FL109"}

pytestmark = pytest.mark.skipif(not (CORPUS / "flows").is_dir(), reason="shared corpus absent")


@pytest.fixture(scope="module")
def results() -> dict[Path, Any]:
    linter = Linter(Settings(), load_catalog(), enabled_codes())
    files = sorted(CORPUS.glob("flows*/**/*.yml"))
    assert len(files) > 800
    return {path: linter.lint_path(path, str(path)) for path in files}


def _independent_parse(path: Path) -> list[Any] | None:
    """The documents of ``path`` by ruamel's pure-Python parser (not libyaml), None if it fails."""
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_duplicate_keys = True
    try:
        return list(yaml.load_all(path.read_text("utf-8-sig")))
    except Exception:  # any parser error means "not valid YAML"
        return None


def _sets_a_version(data: Any) -> bool:
    """Whether any plugin-like mapping (with ``type``) carries ``version``, or a default sets one."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "type" in node and "version" in node:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def test_fl001_fires_exactly_on_files_that_are_not_yaml(results: dict[Path, Any]) -> None:
    flagged = {path for path, result in results.items() if any(d.code == "FL001" for d in result.diagnostics)}
    unparseable = {path for path in results if _independent_parse(path) is None}
    assert unparseable, "the corpus is expected to hold some invalid YAML"
    assert flagged == unparseable


def test_no_version_finding_on_flows_that_set_no_version(results: dict[Path, Any]) -> None:
    checked = 0
    for path, result in results.items():
        documents = _independent_parse(path)
        if documents is None or any(_sets_a_version(d) for d in documents):
            continue
        checked += 1
        wrong = [
            f"{d.code} {d.span.line}:{d.span.column} {d.message}" for d in result.diagnostics if d.code in VERSION_CODES
        ]
        assert not wrong, f"{path}: {wrong}"
    assert checked > 700


def test_every_flow_is_read(results: dict[Path, Any]) -> None:
    flows = sum(result.flows for result in results.values())
    assert flows > 850
    assert all(result.flows or result.diagnostics or result.documents == 0 for result in results.values())


def test_cli_over_the_corpus_exits_cleanly_with_the_bundled_catalog() -> None:
    done = run_cli(["check", "flows", "flows-invalid", "--format", "json", "--no-cache"], cwd=CORPUS)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["files"] == len(list(CORPUS.glob("flows*/**/*.yml")))
    assert report["manifest"]["source"].startswith("bundled catalog of official plugins as of ")
