"""The distribution: `python -m build` makes kestra-flowlint's sdist and wheel, `twine check` passes them, and the
wheel installed in a fresh venv lints the examples as the source tree does (catalog and schemas inside).
Offline: no build isolation, the venv sees this interpreter's packages, pip reads no index."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import EXAMPLES, ROOT, run_cli

NOT_SOURCES = shutil.ignore_patterns(
    ".git", "__pycache__", "*.egg-info", ".*_cache", ".hypothesis", ".venv", "build", "dist"
)


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_ACTIONS", "FORCE_COLOR")}
    env.update({"NO_COLOR": "1", "PIP_NO_INDEX": "1", "PIP_NO_CACHE_DIR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_the_wheel_installs_and_checks_the_examples(tmp_path: Path) -> None:
    source = Path(shutil.copytree(ROOT, tmp_path / "source", ignore=NOT_SOURCES))
    dist = tmp_path / "dist"
    built = run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)], tmp_path)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr
    assert sorted(p.name for p in dist.iterdir()) == [
        "kestra_flowlint-0.1.0-py3-none-any.whl",
        "kestra_flowlint-0.1.0.tar.gz",
    ]
    [wheel] = dist.glob("*.whl")

    checked = run([sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))], tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read("kestra_flowlint-0.1.0.dist-info/METADATA").decode()
        entry_points = archive.read("kestra_flowlint-0.1.0.dist-info/entry_points.txt").decode()
    data = {"flowlint/py.typed", "flowlint/data/catalog.json", "flowlint/data/properties.json"}
    data |= {"flowlint/data/plugin_slots.json"}
    data |= {"flowlint/schemas/config.schema.json"}
    data |= {"flowlint/schemas/manifest.schema.json", "flowlint/schemas/report.schema.json"}
    assert data <= names
    modules = {p.relative_to(source).as_posix() for p in (source / "flowlint").rglob("*.py")}
    assert sorted(modules - names) == []  # every subpackage listed in pyproject.toml
    assert {n.split("/")[0] for n in names} == {"flowlint", "kestra_flowlint-0.1.0.dist-info"}
    assert "Name: kestra-flowlint\n" in metadata
    assert "flowlint = flowlint.__main__:entry" in entry_points

    venv = tmp_path / "venv"
    made = run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], tmp_path)
    assert made.returncode == 0, made.stderr
    python, flowlint = venv / "bin" / "python", str(venv / "bin" / "flowlint")
    install = [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", str(wheel)]
    installed = run(install, tmp_path)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    imported = run([str(python), "-c", "import flowlint; print(flowlint.__file__)"], tmp_path)
    assert Path(imported.stdout.strip()).is_relative_to(venv)  # the wheel, not this source tree

    examples = Path(shutil.copytree(EXAMPLES, tmp_path / "examples", ignore=NOT_SOURCES))
    done = run([flowlint, "check", "--no-cache"], examples)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == run_cli(["check", "--no-cache"], examples).stdout
    summary = next(line for line in done.stdout.splitlines() if line.startswith("4 files checked ("))
    assert "; manifest: example instance, exported 2026-11-20 (4 plugins, 8 versions)" in summary

    # no config, no manifest: the bundled catalog
    (tmp_path / "bare").mkdir()
    flows = Path(shutil.copytree(EXAMPLES / "flows", tmp_path / "bare" / "flows"))
    done = run([flowlint, "check", "--no-cache", "--format", "concise", "flows"], flows.parent)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == run_cli(["check", "--no-cache", "--format", "concise", "flows"], flows.parent).stdout
    assert "catalog of official plugins" in done.stdout
