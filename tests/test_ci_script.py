"""`.ci/run`: mypy, ruff and pytest with this project's settings on a small stand-in package; pytest's summary
ends the log and the exit code says whether all of them passed. pip is a stand-in too: the real one would
install the stand-in over this environment's flowlint."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """.ci/run and pyproject.toml (the tools' settings) of this project around a one-function flowlint package
    and one passing test; `python -m pip` on PATH only logs its arguments."""
    copy = tmp_path_factory.mktemp("ci") / "project"
    for name in (".ci/run", "pyproject.toml"):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    for folder in ("flowlint", "tests", "bench", "scripts"):
        (copy / folder).mkdir()
    (copy / "flowlint" / "__init__.py").write_text("def double(x: int) -> int:\n    return 2 * x\n", "utf-8")
    (copy / "tests" / "__init__.py").touch()
    test = "from flowlint import double\n\n\ndef test_double() -> None:\n    assert double(2) == 4\n"
    (copy / "tests" / "test_one.py").write_text(test, "utf-8")
    stubs = copy.parent / "bin"
    stubs.mkdir()
    stub = f'#!/bin/sh\nif [ "$1 $2" = "-m pip" ]; then echo "$@" >> "{copy.parent}/pip.log"; exit 0; fi\n'
    (stubs / "python").write_text(stub + f'exec "{sys.executable}" "$@"\n', "utf-8")
    (stubs / "python").chmod(0o755)
    return copy


def ci(project: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORCE_COLOR")}
    env.update({"PATH": f"{project.parent / 'bin'}{os.pathsep}{env['PATH']}", "NO_COLOR": "1"})
    env["MYPY_FORCE_COLOR"] = "0"
    return subprocess.run(
        [str(project / ".ci" / "run")], cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_types_lint_and_tests_pass(project: Path) -> None:
    done = ci(project)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Success: no issues found in ")  # mypy
    assert "All checks passed!" in lines  # ruff check
    assert "1 file already formatted" in lines  # ruff format --check
    assert lines[-1].startswith("1 passed in ")
    assert (project.parent / "pip.log").read_text("utf-8") == "-m pip install -q -e .[test]\n"


def test_a_type_error_or_a_lint_error_fails_the_run_after_the_tests(project: Path) -> None:
    module = project / "flowlint" / "__init__.py"
    original = module.read_text("utf-8")
    module.write_text(original + '\n\ndef one() -> int:\n    return "one"\n', "utf-8")
    (project / "bench" / "unused.py").write_text("import os\n", "utf-8")
    try:
        done = ci(project)
    finally:
        module.write_text(original, "utf-8")
        (project / "bench" / "unused.py").unlink()
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert any(
        line.startswith("flowlint/__init__.py:6: error:") and "Incompatible return value type" in line for line in lines
    )
    assert any(line.startswith("F401 [*] `os` imported but unused") for line in lines)
    assert lines[-1].startswith("1 passed in ")
