"""Every reproducer of ../shared/fuzz-cases, run through the command its first line names: no exit 3, no
signal, no traceback, no internal error, and no run over 10 s (the shell scripts and the language-server
driver run several commands: each of those has 10 s). Each family has its own focused tests elsewhere; this
one keeps the whole campaign honest. Inputs are copied into the test's temp dir, never used in place."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, SHARED

FUZZ = SHARED / "fuzz-cases"
CASES = (
    sorted(
        p.name
        for p in FUZZ.iterdir()
        if p.is_file() and p.name != "README.md" and not (p.suffix == ".txt" and p.with_suffix("").exists())
    )
    if FUZZ.is_dir()
    else []
)
pytestmark = pytest.mark.skipif(not FUZZ.is_dir(), reason=f"no fuzz reproducers at {FUZZ}")

ANY_FLOW = (
    "id: any\nnamespace: company.team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
)
PER_RUN = 10.0
BROKEN = re.compile(r"Traceback|internal error|exit (3|1[2-9][0-9]|-\d+)\b|died|NO ANSWER|NO RESPONSE")


def _header(name: str) -> str:
    """The first line of a reproducer (of its ``.txt`` companion for a binary input), without ``# ``."""
    path = FUZZ / name
    companion = path.with_name(name + ".txt")
    raw = (companion if companion.exists() else path).read_bytes()
    return raw.split(b"\n", 1)[0].decode("utf-8", "replace").removeprefix("# ")


def _wrapper(folder: Path) -> Path:
    """An executable that runs this interpreter's flowlint (what the scripts call ``$FLOWLINT``)."""
    exe = folder / "flowlint-under-test"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m flowlint "$@"\n', "utf-8")
    exe.chmod(0o755)
    return exe


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, str, float]:
    started = time.perf_counter()
    try:
        done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args[1:])}: still running after {timeout:.0f} s")
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    return done.returncode, output, time.perf_counter() - started


def _command(name: str, work: Path, exe: Path) -> tuple[list[str], float]:
    """The argv the header names, with its input copied into ``work``, and how long it may take."""
    command = _header(name).split(" -> ", 1)[0]
    shutil.copyfile(FUZZ / name, work / name)
    (work / "any-flow.yml").write_text(ANY_FLOW, "utf-8")
    if command.startswith("with a config `kestraConfig: THIS_FILE`"):
        (work / "config.yaml").write_text(f"kestraConfig: {name}\n", "utf-8")
        return [str(exe), "check", "--no-cache", "--config", "config.yaml", "any-flow.yml"], PER_RUN
    if command.startswith("copy as pyproject.toml beside a flow"):
        shutil.copyfile(FUZZ / name, work / "pyproject.toml")
        (work / "flow.yml").write_text(ANY_FLOW, "utf-8")
        return [str(exe), "check", "--no-cache", "flow.yml"], PER_RUN
    words = shlex.split(command.replace("THIS_FILE", name))
    if words[0] == "FLOWLINT=flowlint":  # a shell script: several runs, each reported on its own line
        return ["sh", name], 12 * PER_RUN
    if words[0] == "python3":  # the language-server driver
        return [sys.executable, name, str(exe)], 12 * PER_RUN
    assert words[0] == "flowlint", command
    return [str(exe), *words[1:]], PER_RUN


@pytest.mark.parametrize("name", CASES)
def test_every_reproducer_ends_cleanly(tmp_path: Path, name: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    exe = _wrapper(tmp_path)
    args, budget = _command(name, work, exe)
    env = {
        **os.environ,
        "FLOWLINT": str(exe),
        "MANIFEST": str(EXAMPLES / "manifest.yaml"),
        "TMPDIR": str(tmp_path),  # the scripts' mktemp -d lands in this test's temp dir
        "NO_COLOR": "1",
    }
    env.pop("GITHUB_ACTIONS", None)
    code, output, elapsed = _run(args, work, env, budget)
    assert 0 <= code < 3, f"{name}: exit {code}\n{output}"
    assert not BROKEN.search(output), f"{name}:\n{output}"
    if args[0] != "sh" and args[0] != sys.executable:
        assert elapsed < PER_RUN, f"{name}: {elapsed:.1f} s"
    for seconds in re.findall(r": ([0-9.]+) s$", output, re.MULTILINE):  # the perf script's timings
        assert float(seconds) < PER_RUN, f"{name}:\n{output}"
