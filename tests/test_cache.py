"""The persistent cache and parallel runs, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import STANDARD_MANIFEST, run_cli

GOOD = (
    "id: f{n}\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
)
BAD = (
    "id: b{n}\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.scripts.shell.Script\n"
    '    version: "9.{n}.0"\n'
)


def project(tmp_path: Path, flows: int = 6) -> Path:
    (tmp_path / "manifest.json").write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    (tmp_path / ".flowlint.yaml").write_text("manifest: manifest.json\n", "utf-8")
    (tmp_path / "flows").mkdir()
    for n in range(flows):
        text = (BAD if n % 3 == 0 else GOOD).format(n=n)
        (tmp_path / "flows" / f"f{n:05d}.yml").write_text(text, "utf-8")
    return tmp_path


def check(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(["check", "flows", "--format", "concise", *args], folder)


def packs(folder: Path) -> list[Path]:
    return sorted((folder / ".flowlint_cache").glob("results-*.pack"))


def test_a_warm_run_prints_the_same_findings(tmp_path: Path) -> None:
    folder = project(tmp_path)
    cold = check(folder)
    assert cold.returncode == 1
    assert cold.stdout.splitlines()[0].startswith("flows/f00000.yml:6:14: FL102 [error] version 9.0.0 of")
    assert len(packs(folder)) == 1
    assert (folder / ".flowlint_cache" / ".gitignore").read_text().endswith("*\n")
    warm = check(folder)
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    json_cold = run_cli(["check", "flows", "--format", "json", "--no-cache"], folder)
    json_warm = run_cli(["check", "flows", "--format", "json"], folder)
    assert json.loads(json_warm.stdout) == json.loads(json_cold.stdout)


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    folder = project(tmp_path)
    assert check(folder, "--no-cache").returncode == 1
    assert not (folder / ".flowlint_cache").exists()


def test_cache_dir_option(tmp_path: Path) -> None:
    folder = project(tmp_path)
    check(folder, "--cache-dir", "elsewhere")
    assert not (folder / ".flowlint_cache").exists()
    assert len(list((folder / "elsewhere").glob("results-*.pack"))) == 1


def test_the_cache_sits_beside_the_config(tmp_path: Path) -> None:
    folder = project(tmp_path)
    (folder / "flows" / "sub").mkdir()
    done = run_cli(["check", ".", "--format", "concise"], folder / "flows")
    assert done.returncode == 1
    assert len(packs(folder)) == 1
    assert not (folder / "flows" / ".flowlint_cache").exists()


def test_a_changed_file_is_checked_again(tmp_path: Path) -> None:
    folder = project(tmp_path)
    check(folder)
    (folder / "flows" / "f00001.yml").write_text(BAD.format(n=1), "utf-8")
    warm = check(folder)
    assert "flows/f00001.yml:6:14: FL102 [error] version 9.1.0 of" in warm.stdout


def test_a_changed_manifest_or_config_starts_a_new_pack(tmp_path: Path) -> None:
    folder = project(tmp_path)
    check(folder)
    data = json.loads(json.dumps(STANDARD_MANIFEST))
    shell = next(p for p in data["plugins"] if p["artifactId"] == "plugin-script-shell")
    shell["versions"].append({"version": "9.0.0", "tasks": ["io.kestra.plugin.scripts.shell.Script"]})
    (folder / "manifest.json").write_text(json.dumps(data), "utf-8")
    warm = check(folder)
    assert "f00000.yml" not in warm.stdout  # 9.0.0 is installed now
    assert len(packs(folder)) == 2
    (folder / ".flowlint.yaml").write_text("manifest: manifest.json\nignore: [FL102]\n", "utf-8")
    assert check(folder).returncode == 0
    assert len(packs(folder)) == 3


def test_a_corrupt_pack_is_ignored(tmp_path: Path) -> None:
    folder = project(tmp_path)
    cold = check(folder)
    packs(folder)[0].write_bytes(b"not a pack")
    again = check(folder)
    assert again.stdout == cold.stdout


def test_two_runs_at_once_leave_a_usable_cache(tmp_path: Path) -> None:
    folder = project(tmp_path, flows=60)
    command = [sys.executable, "-m", "flowlint", "check", "flows", "--format", "concise", "-j", "1"]
    runs = [subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = {run.communicate(timeout=120)[0] for run in runs}
    assert len(outputs) == 1
    assert check(folder, "-j", "1").stdout == outputs.pop()


def test_parallel_runs_give_the_serial_output_in_order(tmp_path: Path) -> None:
    folder = project(tmp_path, flows=150)  # above the parallel threshold
    serial = check(folder, "--no-cache", "--jobs", "1")
    parallel = check(folder, "--no-cache", "--jobs", "2")
    assert serial.returncode == parallel.returncode == 1
    assert parallel.stdout == serial.stdout
    assert len([line for line in serial.stdout.splitlines() if " FL102 " in line]) == 50
