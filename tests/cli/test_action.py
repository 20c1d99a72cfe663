"""The GitHub Action: action.yml's check step (action/run.sh) run as GitHub runs it, with the same variables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.cli.conftest import CLEAN, check
from tests.conftest import ROOT

INPUTS = ("paths", "config", "manifest", "version", "sarif-file", "args")


@pytest.fixture
def action(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of the check step: no inputs yet, GITHUB_OUTPUT, flowlint as the install step leaves it."""
    runner = tmp_path_factory.mktemp("runner")
    flowlint = runner / "flowlint"
    flowlint.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m flowlint "$@"\n', "utf-8")
    flowlint.chmod(0o755)
    (runner / "output").touch()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_", "FORCE_COLOR"))}
    environment.update(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(project),
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_OUTPUT": str(runner / "output"),
            "FLOWLINT_BIN": str(flowlint),
            "NO_COLOR": "1",
        }
    )
    return environment


def run_action(project: Path, env: dict[str, str], **inputs: str) -> subprocess.CompletedProcess[str]:
    """Run the check step in ``project`` (the workspace) with ``inputs`` (sarif_file for sarif-file)."""
    variables = {f"INPUT_{name.upper()}": value for name, value in inputs.items()}
    return subprocess.run(
        ["bash", str(ROOT / "action" / "run.sh")],
        cwd=project,
        env={**env, **variables},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_annotations_sarif_log_and_its_output(project: Path, action: dict[str, str]) -> None:
    done = run_action(
        project, action, paths="flows", manifest="manifest.json", version="1.3", sarif_file="reports/flowlint.sarif"
    )
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == check(project, "--format", "github").stdout
    annotations = [line.split("::")[1] for line in done.stdout.splitlines() if line.startswith("::")]
    assert [a.split(",title=")[0] for a in annotations] == [
        "warning file=flows/f.yml,line=5,col=11,endLine=5,endColumn=39",
        "error file=flows/f.yml,line=9,col=14,endLine=9,endColumn=18",
        "warning file=flows/f.yml,line=9,col=14,endLine=9,endColumn=18",
        "error file=flows/f.yml,line=11,col=87,endLine=11,endColumn=94",
        "error file=flows/f.yml,line=12,col=9,endLine=12,endColumn=10",
    ]
    sarif = (project / "reports" / "flowlint.sarif").read_text("utf-8")
    assert sarif == check(project, "--format", "sarif").stdout
    assert len(json.loads(sarif)["runs"][0]["results"]) == 5
    assert Path(action["GITHUB_OUTPUT"]).read_text("utf-8") == "sarif-file=reports/flowlint.sarif\n"


def test_a_clean_run_passes_and_still_writes_the_log(project: Path, action: dict[str, str]) -> None:
    (project / "flows" / "f.yml").write_text(CLEAN, "utf-8")
    done = run_action(project, action, sarif_file="flowlint.sarif")  # no paths: the working folder
    assert (done.returncode, done.stderr) == (0, "")
    assert not [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert json.loads((project / "flowlint.sarif").read_text("utf-8"))["runs"][0]["results"] == []
    assert Path(action["GITHUB_OUTPUT"]).read_text("utf-8") == "sarif-file=flowlint.sarif\n"


def test_lists_split_at_spaces_and_newlines_and_args_pass_through(project: Path, action: dict[str, str]) -> None:
    (project / "more").mkdir()
    (project / "more" / "g.yml").write_text(CLEAN.replace("io.kestra.plugin.core.log.Log", "io.kestra.Nope"), "utf-8")
    done = run_action(
        project, action, paths="flows/f.yml\n  more", manifest="manifest.json", args="--select FL102,FL101\n--quiet"
    )
    assert (done.returncode, done.stderr) == (1, "")
    titles = [line.split(",title=")[1].split("::")[0] for line in done.stdout.splitlines()]
    assert titles == ["FL102 version-not-installed", "FL102 version-not-installed", "FL101 unknown-type"]
    assert Path(action["GITHUB_OUTPUT"]).read_text("utf-8") == ""  # no sarif-file input: no log


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"config": "missing.yaml"}, "config file missing.yaml does not exist"),
        ({"version": "one"}, "--target-kestra-version: 'one' is not a Kestra version"),
        (
            {"manifest": "manifest.json nope.json"},
            "cannot read manifest {project}/nope.json: No such file or directory",
        ),
    ],
)
def test_usage_errors_are_exit_2_without_an_output(
    project: Path, action: dict[str, str], inputs: dict[str, str], message: str
) -> None:
    (project / "flowlint.sarif").write_text("a log of an earlier run", "utf-8")
    done = run_action(project, action, sarif_file="flowlint.sarif", **inputs)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"flowlint: error: {message.format(project=project)}\n"
    assert Path(action["GITHUB_OUTPUT"]).read_text("utf-8") == ""
    assert (project / "flowlint.sarif").read_text("utf-8") == "a log of an earlier run"


def test_action_yml_runs_the_script_with_every_input() -> None:
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text("utf-8"))
    assert tuple(action["inputs"]) == INPUTS
    assert action["outputs"]["sarif-file"]["value"] == "${{ steps.check.outputs.sarif-file }}"
    assert action["runs"]["using"] == "composite"
    install, step = action["runs"]["steps"]
    assert '-m pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"' in install["run"]
    assert (step["id"], step["run"]) == ("check", 'bash "$GITHUB_ACTION_PATH/action/run.sh"')
    passed = {name: value for name, value in step["env"].items() if name.startswith("INPUT_")}
    assert passed == {f"INPUT_{name.upper().replace('-', '_')}": f"${{{{ inputs.{name} }}}}" for name in INPUTS}
    assert step["env"]["FLOWLINT_BIN"] == "${{ runner.temp }}/flowlint-action/bin/flowlint"
