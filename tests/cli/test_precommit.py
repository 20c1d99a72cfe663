"""The pre-commit hook, run by the real `pre-commit try-repo` on this checkout in a temporary git repo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import STANDARD_MANIFEST

ROOT = Path(__file__).resolve().parents[2]
GOOD = (
    "id: good\nnamespace: company.team\ntasks:\n  - id: hello\n"
    '    type: io.kestra.plugin.scripts.shell.Script\n    version: "0.21.0"\n    script: echo hi\n'
)
BAD = GOOD.replace("id: good", "id: bad").replace('"0.21.0"', '"0.22.0"')
OTHER_YAML = "services:\n  web:\n    image: nginx\n"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is needed for the pre-commit tests")
    repo = tmp_path_factory.mktemp("project")
    (repo / "flows").mkdir()
    (repo / "flows" / "good.yml").write_text(GOOD, "utf-8")
    (repo / "flows" / "bad.yml").write_text(BAD, "utf-8")
    (repo / "flows" / "archived.yml").write_text(BAD.replace("id: bad", "id: archived"), "utf-8")
    (repo / "docker-compose.yml").write_text(OTHER_YAML, "utf-8")
    (repo / "manifest.json").write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    (repo / ".flowlint.yaml").write_text("manifest: manifest.json\nexclude: [flows/archived.yml]\n", "utf-8")
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    _git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "flows")
    return repo


def _try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PRE_COMMIT"))}
    env.update({"PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"})
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "flowlint", "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def test_hook_fails_on_a_bad_flow_with_its_code_and_line(repo: Path, home: Path) -> None:
    done = _try_repo(repo, home, "flows/bad.yml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "flowlint" in done.stdout and "Failed" in done.stdout
    assert (
        "flows/bad.yml:6:14: FL102 [error] version 0.22.0 of io.kestra.plugin:plugin-script-shell is not installed "
        "(installed: 0.20.0, 0.21.0)"
    ) in done.stdout


def test_hook_passes_on_a_good_flow_and_skips_other_yaml_quietly(repo: Path, home: Path) -> None:
    done = _try_repo(repo, home, "flows/good.yml", "docker-compose.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
    assert "FL" not in done.stdout.replace("flowlint", "")


def test_hook_applies_the_configured_excludes_to_the_files_it_is_given(repo: Path, home: Path) -> None:
    done = _try_repo(repo, home, "flows/archived.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "archived.yml" not in done.stdout


def test_hook_judges_the_changed_flow_against_the_other_flows_of_the_repository(repo: Path, home: Path) -> None:
    caller = repo / "flows" / "caller.yml"
    caller.write_text(
        "id: caller\nnamespace: company.team\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n"
        "    namespace: company.team\n    flowId: goood\n",
        "utf-8",
    )
    try:
        done = _try_repo(repo, home, "flows/caller.yml")  # only the changed file, as pre-commit passes it
    finally:
        caller.unlink()
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "flows/caller.yml:7:13: FL701 [error] Subflow task 'call' starts company.team.goood, a flow no file of the "
        "project defines (namespace company.team is the project's): the task fails when it runs"
    ) in done.stdout
