"""The suite itself: it writes only in the temp dirs it creates, and a clone without ../shared passes.
Both run a nested pytest session with tests/conftest.py, ../shared pointed elsewhere (FLOWLINT_TEST_SHARED)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

WRITERS = """\
import os
from pathlib import Path


def test_writes_in_its_temp_dir(tmp_path):
    (tmp_path / "report.sarif").write_text("{}")


def test_writes_into_shared():
    corpus = Path(os.environ["FLOWLINT_TEST_SHARED"]) / "corpus"
    (corpus / ".flowlint_cache").mkdir()
    (corpus / "flow.yml").write_text("id: changed\\n")
"""


def pytest_session(args: list[str], cwd: Path, shared: Path, basetemp: Path) -> subprocess.CompletedProcess[str]:
    """``python -m pytest ARGS`` in ``cwd`` with ``shared`` as ../shared; its temp dirs under ``basetemp``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FLOWLINT_TEST_SHARED": str(shared)}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:benchmark",
        "--basetemp",
        str(basetemp),
    ]
    return subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_a_session_whose_tests_write_outside_their_temp_dirs_fails(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / "corpus").mkdir(parents=True)
    (shared / "corpus" / "flow.yml").write_text("id: original\n", "utf-8")
    (tmp_path / "suite").mkdir()
    (tmp_path / "suite" / "test_writers.py").write_text(WRITERS, "utf-8")
    args = ["-q", "-p", "tests.conftest", "test_writers.py"]

    clean = pytest_session([*args, "-k", "temp_dir"], tmp_path / "suite", shared, tmp_path / "clean")
    assert clean.returncode == 0, clean.stdout
    assert clean.stdout.splitlines()[-1].startswith("1 passed, 1 deselected in ")

    dirty = pytest_session(args, tmp_path / "suite", shared, tmp_path / "dirty")
    assert dirty.returncode == 1, dirty.stdout
    assert dirty.stdout.splitlines()[-1].startswith("2 passed, 1 error in ")
    assert (
        "the tests wrote outside their temp dirs (a file edited by hand during the run shows here too):\n"
        f"  {shared}/corpus/.flowlint_cache (created)\n"
        f"  {shared}/corpus/flow.yml (changed)\n"
    ) in dirty.stdout


def shared_readers(path: Path) -> list[str]:
    """The node ids of the tests in ``path`` that read ../shared: through SHARED or CORPUS, directly or by way of
    module-level names, helpers and fixtures defined from them (the whole module when its ``pytestmark`` does)."""
    tree = ast.parse(path.read_text("utf-8"))
    definitions: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            definitions[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            definitions.update({t.id: node for t in targets if isinstance(t, ast.Name)})
    reading = {"SHARED", "CORPUS"}
    grown = True
    while grown:
        before = len(reading)
        for name, node in definitions.items():
            used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            used |= {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}  # fixtures a test asks for
            if used & reading:
                reading.add(name)
        grown = len(reading) > before
    module = path.relative_to(ROOT).as_posix()
    if "pytestmark" in reading:
        return [module]
    return [f"{module}::{name}" for name in definitions if name.startswith("test_") and name in reading]


def test_the_suite_passes_without_shared(tmp_path: Path) -> None:
    """The tests that read ../shared, run where it is absent: each passes or skips with a reason."""
    selected = [node for path in sorted((ROOT / "tests").rglob("test_*.py")) for node in shared_readers(path)]
    assert "tests/test_corpus.py" in selected
    assert "tests/cli/test_ci_formats.py::test_sarif_is_valid_against_the_official_schema" in selected
    done = pytest_session(["-rs", *selected], ROOT, tmp_path / "absent", tmp_path / "basetemp")
    assert done.returncode == 0, done.stdout[-3000:]
    skipped = re.findall(r"^SKIPPED \[\d+\] (\S+?):\d+: (.+)$", done.stdout, re.MULTILINE)
    assert ("tests/cli/test_ci_formats.py", "the official SARIF schema is in ../shared/schemas, absent") in skipped
    assert ("tests/test_corpus.py", "shared corpus absent") in skipped
    assert re.fullmatch(r"(\d+ passed, )?\d+ skipped in .*", done.stdout.splitlines()[-1])
