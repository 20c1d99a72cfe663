"""Smoke test of the benchmark tools (bench/): the generator and a --quick run. No timing assertions."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _diagnostics(folder: Path, cwd: Path) -> list[dict[str, Any]]:
    """The findings of ``flowlint check FOLDER`` (JSON, no cache) run in ``cwd``."""
    done = subprocess.run(
        [sys.executable, "-m", "flowlint", "check", str(folder), "--format", "json", "--no-cache", "--exit-zero"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    found: list[dict[str, Any]] = json.loads(done.stdout)["diagnostics"]
    return found


def _bench(script: str, *args: str, cwd: Path, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    """``python bench/SCRIPT ARGS`` run in ``cwd``."""
    command = [python, str(BENCH / script), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=120)


def test_generator_is_deterministic_and_about_5_percent_broken(tmp_path: Path) -> None:
    generate = _generator()
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    broken = generate.generate(first, 30, seed=7)
    assert generate.generate(second, 30, seed=7) == broken
    assert _digest(first) == _digest(second)
    generate.generate(other, 30, seed=8)
    assert _digest(other) != _digest(first)

    flows = sorted(p for p in first.rglob("*") if p.suffix in (".yml", ".yaml"))
    assert len(flows) == 30
    assert len({p.parent for p in flows}) >= 3  # namespace folders
    assert all(30 <= len(p.read_text(encoding="utf-8").splitlines()) <= 300 for p in flows)
    assert 1 <= len(broken) <= 3  # ~5% of 30
    assert json.loads((first / generate.MANIFEST_NAME).read_text(encoding="utf-8"))["broken"] == broken

    codes: dict[str, set[str]] = {}
    for diagnostic in _diagnostics(first, tmp_path):
        rel = (tmp_path / diagnostic["path"]).resolve().relative_to(first.resolve()).as_posix()
        codes.setdefault(rel, set()).add(diagnostic["code"])
    breaking = {"FL001", "FL005", "FL101"}
    for rel, kind in broken.items():
        assert generate.EXPECTED_CODE[kind] in codes.get(rel, set()), (rel, kind, codes.get(rel))
    for path in flows:
        rel = path.relative_to(first).as_posix()
        if rel not in broken:
            assert not codes.get(rel, set()) & breaking, (rel, codes[rel])


def test_generated_repository_holds_together_across_files(tmp_path: Path) -> None:
    # calls and Flow triggers name generated flows, with their inputs; inputs read are declared: the only
    # FL7xx findings are FL701s that name a flow whose file is broken by a YAML syntax error (it defines none)
    folder = tmp_path / "flows"
    broken = _generator().generate(folder, 300, seed=3)
    unreadable = {rel.rsplit("/", 1)[1].rsplit(".", 1)[0] for rel, kind in broken.items() if kind == "yaml-syntax"}
    diagnostics = _diagnostics(folder, tmp_path)
    calls = [p for p in folder.rglob("*.y*ml") if "io.kestra.plugin.core.flow.Subflow" in p.read_text(encoding="utf-8")]
    assert len(calls) >= 10  # the generator does write Subflow calls
    project = [d for d in diagnostics if d["code"].startswith("FL7")]
    assert {d["code"] for d in project} <= {"FL701"}
    for d in project:
        assert d["message"].split(" a flow no file")[0].rsplit(".", 1)[1].rstrip(",") in unreadable, d["message"]


def test_quick_run_writes_json(tmp_path: Path) -> None:
    folder = tmp_path / "flows"
    _generator().generate(folder, 30, seed=1)
    out = tmp_path / "bench.json"
    done = _bench("run.py", str(folder), "--quick", "--json", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "floor: C compose, files/s" in done.stdout
    assert "PASS" in done.stdout or "FAIL" in done.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"]["quick"] is True
    (result,) = data["results"]
    assert result["files"] == 30
    for key in ("floor", "cold_1", "cold_all", "warm", "single_file", "import_ruamel", "single_file_alone"):
        assert result[key]["seconds"] > 0, key
    assert result["single_file_warm_project"]["seconds"] > 0
    assert result["single_file_warm_project"]["project_files"] == 30
    assert "one file warm in the project, ms" in done.stdout
    for key in ("floor", "cold_1", "cold_all", "warm"):
        assert result[key]["files_per_s"] > 0, key
    assert result["floor"]["compose_errors"] >= 1  # the YAML syntax errors
    assert result["yamllint"] is None and result["check_jsonschema"] is None  # skipped in --quick
    assert result["peak_rss_mb"] > 0
    assert set(result["ratios"]) == {
        "cold_1_vs_floor",
        "cold_all_vs_yamllint",
        "single_vs_import",
        "warm_project_vs_alone",
    }
    assert set(result["targets"]) == set(data["targets"])
    assert result["targets"]["cold_all_vs_yamllint"]["pass"] is None
    assert not list(tmp_path.rglob(".flowlint_cache"))  # the warm run used its own cache folder


def test_project_index_bench_writes_json(tmp_path: Path) -> None:
    folder = tmp_path / "flows"
    _generator().generate(folder, 30, seed=1)
    out = tmp_path / "project.json"
    args = [str(folder), "--runs", "1", "--cold-flows", "10", "--json", str(out)]
    done = _bench("project_index.py", *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "index share of a cold lint (10 files, in process): " in done.stdout
    assert "warm with the project of 30 files" in done.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["files"] == 30
    assert data["index_share"]["plain_seconds"] > 0 and data["index_share"]["indexed_seconds"] > 0
    assert data["cold"]["without_seconds"] > 0 and data["cold"]["with_seconds"] > 0
    assert data["one_file"]["alone_ms"] > 0 and data["one_file"]["warm_ms"] > 0
    assert not list(folder.rglob(".flowlint_cache"))  # the warm runs used their own cache folder


def test_run_stops_when_flowlint_does_not_start(tmp_path: Path) -> None:
    # a flowlint that fails to import exits 1, as a run with findings does: the bench must not time it
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"
    python.symlink_to(sys.executable)
    broken = bin_dir / "flowlint"
    broken.write_text("#!/bin/sh\necho 'ModuleNotFoundError: No module named flowlint' >&2\nexit 1\n")
    broken.chmod(0o755)
    folder = tmp_path / "flows"
    _generator().generate(folder, 3, seed=1)
    out = tmp_path / "bench.json"
    done = _bench("run.py", str(folder), "--quick", "--json", str(out), cwd=tmp_path, python=str(python))
    assert done.returncode == 1
    assert f"{broken} --version does not run (exit 1):" in done.stderr
    assert "No module named flowlint" in done.stderr
    assert "PASS" not in done.stdout
    assert not out.exists()
