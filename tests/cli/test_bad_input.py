"""Bad input through the real command line: every case ends with a clear finding or a one-line error,
the documented exit code, no traceback, and the input files untouched (bytes and mtimes).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

LOG_FLOW = (
    "id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
    "    message: hi\n"
)


def snapshot(folder: Path) -> dict[str, tuple[Any, ...]]:
    """Every entry under ``folder`` (but the cache): kind, size, mtime (ns), permission bits, and content or link
    target."""
    state: dict[str, tuple[Any, ...]] = {}
    for entry in sorted(_entries(folder)):
        info = entry.lstat()
        if entry.is_symlink():
            state[entry.relative_to(folder).as_posix()] = ("link", os.readlink(entry), info.st_mtime_ns)
        elif entry.is_dir():
            state[entry.relative_to(folder).as_posix()] = ("dir", info.st_mode)
        else:
            content = entry.read_bytes() if os.access(entry, os.R_OK) else None
            state[entry.relative_to(folder).as_posix()] = (
                "file",
                info.st_size,
                info.st_mtime_ns,
                info.st_mode,
                content,
            )
    return state


def _entries(folder: Path) -> Iterator[Path]:
    """Every entry but flowlint's own cache folder (created on purpose, like ruff's .ruff_cache)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != ".flowlint_cache"]
        for name in dirs + files:
            yield Path(root) / name


def check(tmp_path: Path, *args: str, expect: int) -> tuple[str, str]:
    """Run ``flowlint ARGS`` in ``tmp_path``; assert the exit code, no traceback, nothing changed."""
    before = snapshot(tmp_path)
    done = run_cli(args, tmp_path)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr
    assert done.returncode == expect, (done.returncode, done.stdout, done.stderr)
    assert snapshot(tmp_path) == before
    return done.stdout, done.stderr


def report(stdout: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(stdout)
    return data


def where(data: dict[str, Any]) -> list[tuple[str, str, int, int, str]]:
    return [(d["path"], d["code"], d["line"], d["column"], d["message"]) for d in data["diagnostics"]]


def old_mtime(*paths: Path) -> None:
    """Back-date files so that a rewrite within the same clock tick would still change the mtime."""
    for path in paths:
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000), follow_symlinks=False)


# --- files that are not flows -------------------------------------------------------------------------


def test_an_empty_file_is_skipped(tmp_path: Path, manifest_file: Path) -> None:
    (tmp_path / "empty.yml").write_bytes(b"")
    old_mtime(tmp_path / "empty.yml")
    stdout, stderr = check(tmp_path, "check", "--manifest", "manifest.json", "--format", "json", "empty.yml", expect=0)
    data = report(stdout)
    assert data["diagnostics"] == []
    assert data["files"] == [
        {"path": "empty.yml", "documents": 0, "flows": 0, "skipped": True, "invalid": False, "propertiesUnknown": 0}
    ]
    assert data["summary"] == {
        "files": 1,
        "flows": 0,
        "skipped": 1,
        "invalid": 0,
        "errors": 0,
        "warnings": 0,
        "info": 0,
        "propertiesUnknown": 0,
    }
    assert stderr == ""


def test_a_binary_file_named_yml_is_fl001_not_a_text_file(tmp_path: Path, manifest_file: Path) -> None:
    (tmp_path / "x.yml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    old_mtime(tmp_path / "x.yml")
    stdout, _ = check(tmp_path, "check", "--manifest", "manifest.json", "--format", "concise", "x.yml", expect=1)
    assert stdout.splitlines()[0] == "x.yml:3:1: FL001 [error] not a text file: NUL byte at line 3, column 1"
    stdout, _ = check(tmp_path, "check", "--manifest", "manifest.json", "--format", "json", "x.yml", expect=1)
    data = report(stdout)
    assert where(data) == [("x.yml", "FL001", 3, 1, "not a text file: NUL byte at line 3, column 1")]
    assert data["summary"]["skipped"] == 0


def test_invalid_utf8_is_fl001_with_line_and_column(tmp_path: Path, manifest_file: Path) -> None:
    (tmp_path / "latin1.yml").write_bytes(LOG_FLOW.encode().replace(b"message: hi", b'message: "caf\xe9"'))
    old_mtime(tmp_path / "latin1.yml")
    stdout, _ = check(tmp_path, "check", "--manifest", "manifest.json", "--format", "concise", "latin1.yml", expect=1)
    assert stdout.splitlines()[0] == (
        "latin1.yml:6:18: FL001 [error] invalid UTF-8 text: byte 0xe9 at line 6, column 18"
    )


def test_a_5mb_flow_completes_with_every_finding(tmp_path: Path, manifest_file: Path) -> None:
    parts = ["id: big\nnamespace: company.team\ninputs:\n  - id: name\n    type: STRING\ntasks:\n"]
    size, index, expected = len(parts[0]), 0, []
    line = 7
    while size < 5_000_000:
        broken = index % 1000 == 999
        kind = "io.nope.Missing" if broken else "io.kestra.plugin.core.log.Log"
        if broken:
            expected.append(
                ("big.yml", "FL101", line + 1, 11, f"unknown plugin type {kind}: no installed plugin provides it")
            )
        part = (
            f"  - id: t{index}\n    type: {kind}\n"
            f'    message: "{{{{ inputs.name }}}} [{index}] padding to make the flow big, and bigger"\n'
        )
        parts.append(part)
        size += len(part)
        index += 1
        line += 3
    (tmp_path / "big.yml").write_text("".join(parts), "utf-8")
    assert (tmp_path / "big.yml").stat().st_size >= 5_000_000
    old_mtime(tmp_path / "big.yml")
    started = time.monotonic()
    stdout, _ = check(tmp_path, "check", "--manifest", "manifest.json", "--format", "json", "big.yml", expect=1)
    assert time.monotonic() - started < 30
    data = report(stdout)
    assert len(expected) == index // 1000 and len(expected) >= 30
    assert where(data) == expected
    assert data["summary"] == {
        "files": 1,
        "flows": 1,
        "skipped": 0,
        "invalid": 0,
        "errors": len(expected),
        "warnings": 0,
        "info": 0,
        "propertiesUnknown": 0,
    }


def billion_laughs(levels: int = 20) -> str:
    lines = [
        "id: bomb",
        "namespace: company.team",
        "variables:",
        '  lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    lines += [f"  lol{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * 10) + "]" for k in range(1, levels)]
    lines += ["tasks:", "  - id: log", "    type: io.kestra.plugin.core.log.Log", f"    message: *l{levels - 1}"]
    return "\n".join(lines) + "\n"


def test_a_yaml_bomb_is_fl001_and_fast(tmp_path: Path, manifest_file: Path) -> None:
    (tmp_path / "bomb.yml").write_text(billion_laughs(), "utf-8")
    old_mtime(tmp_path / "bomb.yml")
    started = time.monotonic()
    stdout, _ = check(tmp_path, "check", "--manifest", "manifest.json", "--format", "concise", "bomb.yml", expect=1)
    assert time.monotonic() - started < 10
    # aliases 1-50 are lol1..lol5's; the 51st (in lol6) points at lol5, line 9, column 9 (its anchor)
    assert stdout.splitlines()[0] == (
        "bomb.yml:9:9: FL001 [error] more than 50 aliases to collections: "
        "Kestra's YAML parser refuses this document (a YAML bomb?)"
    )
    assert len([line for line in stdout.splitlines() if " FL" in line]) == 1


@pytest.mark.parametrize(
    ("content", "line", "column"),
    [
        pytest.param("- " * 200_000 + "x\n", 1, 2001, id="block"),
        pytest.param("a: " + "[" * 200_000 + "]" * 200_000 + "\n", 1, 1003, id="flow"),
    ],
)
def test_absurd_nesting_is_fl001_not_a_crash(
    tmp_path: Path, manifest_file: Path, content: str, line: int, column: int
) -> None:
    (tmp_path / "deep.yml").write_text(content, "utf-8")
    old_mtime(tmp_path / "deep.yml")
    stdout, _ = check(tmp_path, "check", "--manifest", "manifest.json", "--format", "concise", "deep.yml", expect=1)
    assert stdout.splitlines()[0] == (
        f"deep.yml:{line}:{column}: FL001 [error] collections nested deeper than 1000 levels: "
        "Kestra's parser refuses them"
    )


# --- files that cannot be read --------------------------------------------------------------------------


def test_unreadable_files_in_a_folder_are_findings(tmp_path: Path, manifest_file: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "ok.yml").write_text(LOG_FLOW, "utf-8")
    (flows / "ghost.yml").symlink_to("missing.yml")  # dangling: unreadable even for root
    (flows / "loop.yml").symlink_to("loop.yml")  # a link to itself
    (flows / "ping.yml").symlink_to("pong.yml")
    (flows / "pong.yml").symlink_to("ping.yml")
    secret = flows / "secret.yml"
    secret.write_text(LOG_FLOW.replace("hello", "secret"), "utf-8")
    secret.chmod(0)
    old_mtime(flows / "ok.yml", secret, *(flows / name for name in ("ghost.yml", "loop.yml", "ping.yml", "pong.yml")))
    loops = "cannot read the file: Too many levels of symbolic links"
    expected = [
        ("flows/ghost.yml", "FL001", 1, 1, "cannot read the file: No such file or directory"),
        ("flows/loop.yml", "FL001", 1, 1, loops),
        ("flows/ping.yml", "FL001", 1, 1, loops),
        ("flows/pong.yml", "FL001", 1, 1, loops),
    ]
    root = os.geteuid() == 0  # root reads a chmod 000 file: then it is checked like any other
    if not root:
        expected.append(("flows/secret.yml", "FL001", 1, 1, "cannot read the file: Permission denied"))
    try:
        stdout, _ = check(tmp_path, "check", "--manifest", "manifest.json", "--format", "json", "flows", expect=1)
        data = report(stdout)
        assert where(data) == expected
        assert data["summary"] == {
            "files": 6,
            "flows": 2 if root else 1,
            "skipped": 0,
            "invalid": 4 if root else 5,
            "errors": len(expected),
            "warnings": 0,
            "info": 0,
            "propertiesUnknown": 0,
        }
        # named on the command line, a dangling link is the same finding under its own name
        stdout, _ = check(
            tmp_path, "check", "--manifest", "manifest.json", "--format", "concise", "flows/ghost.yml", expect=1
        )
        assert stdout.splitlines()[0] == (
            "flows/ghost.yml:1:1: FL001 [error] cannot read the file: No such file or directory"
        )
    finally:
        secret.chmod(0o644)


def test_a_path_that_does_not_exist_is_a_usage_error(tmp_path: Path, manifest_file: Path) -> None:
    _, stderr = check(tmp_path, "check", "--manifest", "manifest.json", "nowhere.yml", expect=2)
    assert stderr == "flowlint: error: nowhere.yml: no such file or folder\n"


# --- manifests ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "wrong.json",
            '{"manifestVersion": 1, "plugins": [{"groupId": "io.kestra", "versions": []}]}',
            r"\$\.plugins\[0\]: 'artifactId' is a required property",
            id="missing-key",
        ),
        pytest.param(
            "wrong.json",
            '{"manifestVersion": 1, "plugins": [{"groupId": "g", "artifactId": "a",'
            ' "versions": [{"version": "1.x"}]}]}',
            r"\$\.plugins\[0\]\.versions\[0\]\.version: '1\.x' does not match .*",
            id="bad-version",
        ),
        pytest.param("wrong.json", "[1, 2, 3]", r"\$: \[1, 2, 3\] is not of type 'object'", id="a-list"),
        pytest.param(
            "wrong.yaml",
            "manifestVersion: 2\nplugins: []\n",
            r"\$\.manifestVersion: 1 was expected",
            id="version-2",
        ),
        pytest.param(
            "flow.yaml", LOG_FLOW, r"\$: 'manifestVersion' is a required property \(and 2 more\)", id="a-flow"
        ),
    ],
)
def test_a_manifest_of_the_wrong_shape_is_exit_2_with_its_json_path(
    tmp_path: Path, manifest_file: Path, name: str, content: str, message: str
) -> None:
    (tmp_path / name).write_text(content, "utf-8")
    (tmp_path / "hello.yml").write_text(LOG_FLOW, "utf-8")
    old_mtime(tmp_path / name, tmp_path / "hello.yml")
    stdout, stderr = check(tmp_path, "check", "--manifest", name, "hello.yml", expect=2)
    assert stdout == ""
    assert re.fullmatch(rf"flowlint: error: manifest \S*/{re.escape(name)}: {message}\n", stderr), stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "broken.json",
            b'{"manifestVersion": 1,\n  "plugins": [,]}\n',
            r":2:15: invalid JSON: Expecting value",
            id="json",
        ),
        pytest.param(
            "broken.yaml",
            b"This is prose.\nNot: a: manifest\n",
            r":2:4: invalid YAML: mapping values are not allowed in this context",
            id="yaml",
        ),
        pytest.param("picture.json", b"\x89PNG\r\n\x1a\n", r" is not UTF-8 text", id="binary"),
    ],
)
def test_a_manifest_that_is_not_json_or_yaml_is_exit_2_at_file_line_column(
    tmp_path: Path, manifest_file: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "hello.yml").write_text(LOG_FLOW, "utf-8")
    old_mtime(tmp_path / name, tmp_path / "hello.yml")
    stdout, stderr = check(tmp_path, "check", "--manifest", name, "hello.yml", expect=2)
    assert stdout == ""
    assert re.fullmatch(rf"flowlint: error: manifest \S*/{re.escape(name)}{message}\n", stderr), stderr


def test_no_manifest_at_all_falls_back_to_the_bundled_catalog(tmp_path: Path) -> None:
    (tmp_path / "hello.yml").write_text(LOG_FLOW, "utf-8")
    old_mtime(tmp_path / "hello.yml")
    stdout, stderr = check(tmp_path, "check", "hello.yml", expect=0)
    assert stderr == ""
    assert "; manifest: bundled catalog of official plugins as of " in stdout


def test_manifest_option_without_a_value_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "hello.yml").write_text(LOG_FLOW, "utf-8")
    old_mtime(tmp_path / "hello.yml")
    _, stderr = check(tmp_path, "check", "hello.yml", "--manifest", expect=2)
    assert stderr.splitlines()[-1] == "Error: Option '--manifest' requires an argument."


def test_a_manifest_file_that_does_not_exist_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "hello.yml").write_text(LOG_FLOW, "utf-8")
    old_mtime(tmp_path / "hello.yml")
    _, stderr = check(tmp_path, "check", "--manifest", "gone.json", "hello.yml", expect=2)
    assert re.fullmatch(r"flowlint: error: cannot read manifest \S*/gone\.json: No such file or directory\n", stderr)


# --- config files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            ".flowlint.yaml",
            "manifest: manifest.json\nfailOn: sometimes\n",
            r"config \S*/\.flowlint\.yaml: \$\.failOn: 'sometimes' is not one of \['error', 'warning', 'info'\]",
            id="bad-value",
        ),
        pytest.param(
            ".flowlint.yaml",
            "manifest: manifest.json\nfailOnn: error\n",
            r"config \S*/\.flowlint\.yaml: \$: Additional properties are not allowed \('failOnn' was unexpected\) "
            r"\(did you mean 'failOn'\?\)",
            id="unknown-key",
        ),
        pytest.param(
            ".flowlint.yaml",
            "manifest: manifest.json\nseverity:\n  FL101: fatal\n",
            r"config \S*/\.flowlint\.yaml: \$\.severity\.FL101: 'fatal' is not one of \['error', 'warning', 'info'\]",
            id="nested-key",
        ),
        pytest.param(
            ".flowlint.yaml",
            "manifest: manifest.json\ndefaultVersion: banana\n",
            r"\S*/\.flowlint\.yaml: defaultVersion: 'banana' is not LATEST, OLDEST, CURRENT, NONE or a version",
            id="bad-default-version",
        ),
        pytest.param(
            ".flowlint.yaml",
            "manifest: [\n",
            r"config \S*/\.flowlint\.yaml:2:1: invalid YAML: did not find expected node content "
            r"\(while parsing a flow node at line 2\)",
            id="not-yaml",
        ),
        pytest.param(
            "pyproject.toml",
            '[tool.flowlint]\nmanifest = "manifest.json"\nfailOn = 3\n',
            r"config \S*/pyproject\.toml: \$\.failOn: 3 is not one of \['error', 'warning', 'info'\]",
            id="pyproject",
        ),
    ],
)
def test_a_bad_config_file_is_exit_2_naming_file_key_and_why(
    tmp_path: Path, manifest_file: Path, name: str, content: str, message: str
) -> None:
    (tmp_path / name).write_text(content, "utf-8")
    (tmp_path / "hello.yml").write_text(LOG_FLOW, "utf-8")
    old_mtime(tmp_path / name, tmp_path / "hello.yml", manifest_file)
    stdout, stderr = check(tmp_path, "check", "hello.yml", expect=2)
    assert stdout == ""
    assert re.fullmatch(rf"flowlint: error: {message}\n", stderr), stderr


def test_a_broken_pyproject_named_with_config_is_exit_2(tmp_path: Path, manifest_file: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.flowlint\nfailOn = 3\n", "utf-8")
    (tmp_path / "hello.yml").write_text(LOG_FLOW, "utf-8")
    old_mtime(tmp_path / "pyproject.toml", tmp_path / "hello.yml")
    _, stderr = check(tmp_path, "check", "--config", "pyproject.toml", "hello.yml", expect=2)
    assert stderr == (
        "flowlint: error: config pyproject.toml: Expected ']' at the end of a table declaration "
        "(at line 1, column 15)\n"
    )


def test_a_config_file_that_does_not_exist_is_exit_2(tmp_path: Path, manifest_file: Path) -> None:
    (tmp_path / "hello.yml").write_text(LOG_FLOW, "utf-8")
    old_mtime(tmp_path / "hello.yml")
    _, stderr = check(
        tmp_path, "check", "--config", "nothere.yaml", "--manifest", "manifest.json", "hello.yml", expect=2
    )
    assert stderr == "flowlint: error: config file nothere.yaml does not exist\n"


def test_a_good_run_in_the_same_setup_is_exit_0(tmp_path: Path, manifest_file: Path) -> None:
    # the control for the cases above: the same flow and manifest, nothing wrong
    (tmp_path / ".flowlint.yaml").write_text("manifest: manifest.json\nfailOn: error\n", "utf-8")
    (tmp_path / "hello.yml").write_text(LOG_FLOW, "utf-8")
    old_mtime(tmp_path / ".flowlint.yaml", tmp_path / "hello.yml", manifest_file)
    stdout, stderr = check(tmp_path, "check", "--format", "json", "hello.yml", expect=0)
    assert report(stdout)["summary"] == {
        "files": 1,
        "flows": 1,
        "skipped": 0,
        "invalid": 0,
        "errors": 0,
        "warnings": 0,
        "info": 0,
        "propertiesUnknown": 0,
    }
    assert stderr == ""
