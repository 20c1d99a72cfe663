"""`flowlint fix` works on every file `check` accepts (issue 12): the fix reproducers of
../shared/fuzz-cases (their inputs copied or generated here) through the command, the proof on composed
nodes (tags it cannot construct, aliases into themselves, alias bombs, deep nesting), files with FL001
left alone, `--pin` with an explicit key, and names that are not UTF-8 in `--diff`.

The project's manifest is the standard one plus ``shell.Commands`` (the reproducers' type) and core's
``Sequential``: ``version: 0.20`` is FL107 (YAML reads 0.2, which matches nothing; "0.20" runs 0.20.0).
"""

from __future__ import annotations

import codecs
import copy
import difflib
import json
import os
from pathlib import Path
from typing import NamedTuple

import pytest

from flowlint.fix import FixOptions, fix_text
from flowlint.lint import Linter
from flowlint.rules import enabled_codes
from tests.conftest import STANDARD_MANIFEST, manifest, run_cli, settings

COMMANDS = "io.kestra.plugin.scripts.shell.Commands"
ALIAS = "io.kestra.core.tasks.log.Log"
LOG = "io.kestra.plugin.core.log.Log"
SUMMARY = "1 file checked (1 flow): {}, 0 warnings, 0 info; manifest: test instance (4 plugins, 9 versions)"
CLEAN = SUMMARY.format("0 errors")


def project_manifest() -> dict[str, object]:
    data = copy.deepcopy(STANDARD_MANIFEST)
    data["plugins"][0]["versions"][0]["tasks"].append("io.kestra.plugin.core.flow.Sequential")
    for version in data["plugins"][1]["versions"]:
        version["tasks"].append(COMMANDS)
    return data


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "manifest.json").write_text(json.dumps(project_manifest()), "utf-8")
    (tmp_path / ".flowlint.yaml").write_text("manifest: manifest.json\n", "utf-8")
    return tmp_path


def quoted_fix(line: int, name: str = "f.yml", version: str = "0.20") -> str:
    return f'{name}:{line}:14: fixed FL107: quote the version as written: "{version}"'


# The reproducers --------------------------------------------------------------------------------------

SHELL_TASK = f"id: a\nnamespace: b\ntasks:\n  - id: t\n    type: {COMMANDS}\n    version: 0.20\n    commands: [ls]\n"
DEPTH = 200
DEEP_TASKS = (
    "id: deep\nnamespace: company.team\ntasks:\n"
    + "".join(
        f"{indent}  - id: p{i}\n{indent}    type: io.kestra.plugin.core.flow.Sequential\n{indent}    tasks:\n"
        for i, indent in ((i, " " * 4 * i) for i in range(DEPTH))
    )
    + f"{' ' * 4 * DEPTH}  - id: leaf\n{' ' * 4 * DEPTH}    type: {COMMANDS}\n{' ' * 4 * DEPTH}    version: 0.20\n"
    + f"{' ' * 4 * DEPTH}    commands: [ls]\n"
)
TABS = "    containerImage:\tubuntu\n    description: trailing tab\t\n    warningOnStdErr: false\t# c\n"
"""Tabs after values: `key:<TAB>value`, a trailing tab, `value<TAB># comment`."""
DEEP_MAPPING = (
    "id: a\nnamespace: b\nvariables:\n  x: "
    + "{a: " * 330
    + "1"
    + "}" * 330
    + f"\ntasks:\n  - id: t\n    type: {ALIAS}\n    message: hi\n"
)


class Case(NamedTuple):
    name: str
    data: bytes
    fixed: bytes
    output: list[str]
    """What `fix --format concise` prints: the fixes, the remaining findings, the summaries."""
    args: tuple[str, ...] = ()


def fixed_version(text: str, old: str = "version: 0.20\n", new: str = 'version: "0.20"\n') -> bytes:
    assert text.count(old) == 1
    return text.replace(old, new).encode("utf-8")


CASES = [
    Case(
        "fix-recursion-self-alias",  # _same recursed into a mapping that holds itself
        (SHELL_TASK + "variables: &s\n  me: *s\n").encode("utf-8"),
        fixed_version(SHELL_TASK + "variables: &s\n  me: *s\n"),
        [quoted_fix(6), CLEAN, "fixed 1 issue in 1 file; 0 remaining"],
    ),
    Case(
        "fix-recursion-deep-nested-tasks",  # 200 nested Sequential tasks: RecursionError in _same
        DEEP_TASKS.encode("utf-8"),
        fixed_version(DEEP_TASKS),
        [
            f'f.yml:{3 * DEPTH + 6}:{4 * DEPTH + 14}: fixed FL107: quote the version as written: "0.20"',
            CLEAN,
            "fixed 1 issue in 1 file; 0 remaining",
        ],
    ),
    Case(
        "fix-recursion-_same-deep-mapping",  # 330 nested flow mappings: RecursionError in _same
        DEEP_MAPPING.encode("utf-8"),
        DEEP_MAPPING.replace(ALIAS, LOG).encode("utf-8"),
        [f"f.yml:7:11: fixed FL108: replace with {LOG}", CLEAN, "fixed 1 issue in 1 file; 0 remaining"],
    ),
    Case(
        "fix-refused-custom-tag",  # ruamel's safe loader had no constructor for !custom
        (SHELL_TASK + "x: !custom foo\n").encode("utf-8"),
        fixed_version(SHELL_TASK + "x: !custom foo\n"),
        [
            quoted_fix(6),
            "f.yml:8:1: FL006 [error] unknown top-level key 'x': Kestra's Flow has no such property",
            SUMMARY.format("1 error"),
            "fixed 1 issue in 1 file; 1 remaining",
        ],
    ),
    Case(
        "fix-refused-plain-equals",  # a plain `=` is YAML 1.1's value tag for ruamel
        (SHELL_TASK + f"  - id: u\n    type: {LOG}\n    message: =\n").encode("utf-8"),
        fixed_version(SHELL_TASK + f"  - id: u\n    type: {LOG}\n    message: =\n"),
        [quoted_fix(6), CLEAN, "fixed 1 issue in 1 file; 0 remaining"],
    ),
    Case(
        "fix-refused-tab-separator",  # tabs after values: ruamel's pure scanner refused them
        (SHELL_TASK + TABS).encode("utf-8"),
        fixed_version(SHELL_TASK + TABS),
        [quoted_fix(6), CLEAN, "fixed 1 issue in 1 file; 0 remaining"],
    ),
    Case(
        "fix-refused-nel-line-breaks",  # NEL (U+0085) line breaks: the same scanner
        (SHELL_TASK + "    containerImage: ubuntu\x85    description: x\x85").encode("utf-8"),
        fixed_version(SHELL_TASK + "    containerImage: ubuntu\x85    description: x\x85"),
        [quoted_fix(6), CLEAN, "fixed 1 issue in 1 file; 0 remaining"],
    ),
    Case(
        "fix-refused-double-bom-offsets",  # libyaml does not count a second BOM: every edit one early
        codecs.BOM_UTF8 * 2 + f"id: a\nnamespace: b\ntasks:\n  - id: t\n    type: {ALIAS}\n    message: hi\n".encode(),
        codecs.BOM_UTF8 * 2 + f"id: a\nnamespace: b\ntasks:\n  - id: t\n    type: {LOG}\n    message: hi\n".encode(),
        [f"f.yml:5:11: fixed FL108: replace with {LOG}", CLEAN, "fixed 1 issue in 1 file; 0 remaining"],
    ),
    Case(
        "fix-refused-duplicate-version-keys",  # the proof set one path twice
        SHELL_TASK.replace("0.20\n", "0.20\n    version: 1.10\n").encode("utf-8"),
        SHELL_TASK.replace("0.20\n", '0.20\n    version: "1.10"\n').encode("utf-8"),
        [
            quoted_fix(7, version="1.10"),
            "f.yml:7:5: FL002 [error] duplicate key 'version' (first at line 6)",
            "f.yml:7:14: FL102 [error] version 1.10 of io.kestra.plugin:plugin-script-shell matches no installed "
            "version (installed: 0.20.0, 0.21.0)",
            SUMMARY.format("2 errors"),
            "fixed 1 issue in 1 file; 2 remaining",
        ],
    ),
    Case(
        "fix-pin-explicit-key-indent",  # the pin was indented like `type` after `? `: not YAML
        f"id: a\nnamespace: b\ntasks:\n  - id: fs\n    ? type\n    : {COMMANDS}\n    commands: [ls]\n".encode(),
        f'id: a\nnamespace: b\ntasks:\n  - id: fs\n    ? type\n    : {COMMANDS}\n    version: "0.21.0"\n'
        "    commands: [ls]\n".encode(),
        ['f.yml:6:46: fixed pin: pin version "0.21.0"', CLEAN, "fixed 1 issue in 1 file; 0 remaining"],
        ("--pin",),
    ),
]


def reference_diff(case: Case) -> str:
    """The diff difflib makes of the two texts (no credential in them: nothing masked)."""
    before, after = (data.removeprefix(codecs.BOM_UTF8).decode("utf-8") for data in (case.data, case.fixed))
    lines = difflib.unified_diff(before.splitlines(True), after.splitlines(True), "a/f.yml", "b/f.yml")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_fix_works_on_files_check_accepts(project: Path, case: Case) -> None:
    path = project / "f.yml"
    path.write_bytes(case.data)
    diff = run_cli(["fix", "--diff", *case.args, "f.yml"], cwd=project)
    assert (diff.returncode, diff.stderr) == (1, "")
    assert diff.stdout == reference_diff(case)
    assert path.read_bytes() == case.data
    done = run_cli(["fix", "--format", "concise", *case.args, "f.yml"], cwd=project)
    remaining = int(case.output[-1].rsplit(" ", 2)[1])
    assert (done.returncode, done.stderr) == (1 if remaining else 0, "")
    assert done.stdout.splitlines() == case.output
    assert path.read_bytes() == case.fixed
    again = run_cli(["fix", "--format", "concise", *case.args, "f.yml"], cwd=project)
    assert again.returncode == done.returncode
    unchanged = [line for line in case.output if ": fixed " not in line][:-1]
    assert again.stdout.splitlines() == [*unchanged, f"fixed 0 issues in 0 files; {remaining} remaining"]
    assert path.read_bytes() == case.fixed


ALIAS_BOMB = (
    SHELL_TASK
    + "variables:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
)
NOTE = (
    "flowlint: note: {}:{}: nothing fixed: Kestra cannot parse this file (FL001: more than 50 aliases to collections)\n"
)


def test_a_file_with_fl001_is_never_fixed_and_a_note_says_why(project: Path) -> None:
    # fix-hang-alias-bomb: 10^9 scalars through aliases; check reports FL001 at once, fix hung
    path = project / "f.yml"
    path.write_text(ALIAS_BOMB, "utf-8")
    diff = run_cli(["fix", "--diff", "f.yml"], cwd=project)
    assert (diff.returncode, diff.stdout, diff.stderr) == (0, "", NOTE.format("f.yml", 14))
    for _ in range(2):
        done = run_cli(["fix", "--format", "concise", "--select", "FL107", "f.yml"], cwd=project)
        assert (done.returncode, done.stderr) == (0, NOTE.format("f.yml", 14))  # FL001 not selected: no fix either
        assert done.stdout.splitlines() == [
            "f.yml:6:14: FL107 [warning] version 0.20 is the number 0.2 for YAML: Kestra asks for version 0.2, "
            'which matches no installed version; quoted, "0.20" would run 0.20.0',
            CLEAN.replace("0 warnings", "1 warning"),
            "[*] 1 fixable with `flowlint fix`",
            "fixed 0 issues in 0 files; 1 remaining",
        ]
        assert path.read_text("utf-8") == ALIAS_BOMB
    path.write_text(ALIAS_BOMB.replace("    version: 0.20\n", ""), "utf-8")  # a task to pin
    pinned = run_cli(["fix", "--pin", "--diff", "f.yml"], cwd=project)
    assert (pinned.returncode, pinned.stdout, pinned.stderr) == (0, "", NOTE.format("f.yml", 13))


def test_an_alias_bomb_check_accepts_costs_what_its_text_does(project: Path) -> None:
    # in a document that is not a flow, check says nothing of it: fix goes on, each node compared once
    text = SHELL_TASK + "---\n" + ALIAS_BOMB.split("variables:\n", 1)[1].replace("  a", "a")
    (project / "f.yml").write_text(text, "utf-8")
    done = run_cli(["fix", "--format", "concise", "f.yml"], cwd=project)
    assert done.stdout.splitlines() == [quoted_fix(6), CLEAN, "fixed 1 issue in 1 file; 0 remaining"]
    assert (project / "f.yml").read_bytes() == fixed_version(text)


@pytest.mark.skipif(os.uname().sysname == "Darwin", reason="macOS refuses file names that are not UTF-8")
def test_diff_headers_and_notes_escape_a_name_that_is_not_utf8(project: Path) -> None:
    name = os.fsdecode(b"bad\xff.yml")
    (project / name).write_text(SHELL_TASK, "utf-8")
    (project / os.fsdecode(b"bomb\xfe.yml")).write_text(ALIAS_BOMB, "utf-8")
    diff = run_cli(["fix", "--diff", name, os.fsdecode(b"bomb\xfe.yml")], cwd=project)
    assert diff.returncode == 1
    assert diff.stdout.startswith("--- a/bad\\xff.yml\n+++ b/bad\\xff.yml\n@@ -3,5 +3,5 @@\n")
    assert diff.stderr == NOTE.format("bomb\\xfe.yml", 14)


# The proof, in process ------------------------------------------------------------------------------


def linter() -> Linter:
    return Linter(settings(), manifest(project_manifest()), enabled_codes(()))


@pytest.mark.parametrize(
    "value",
    [
        "!custom foo",
        "!!binary not base64!",
        "!!int abc",
        "!!float abc",
        "!!bool maybe",
        "!!timestamp 2001-13-45",
        "!!python/object {a: 1}",
        "!!merge x",
        "{<<: 1}",
        "=",
        "&r [*r]",
    ],
)
def test_values_no_loader_can_construct_do_not_block_a_fix(value: str) -> None:
    text = f"{SHELL_TASK}variables:\n  x: {value}\n"
    out, changes, notes = fix_text(text, "f.yml", linter(), FixOptions())
    assert out == text.replace("version: 0.20", 'version: "0.20"')
    assert [(c.line, c.column, c.code) for c in changes] == [(6, 14, "FL107")] and notes == []


def test_pin_leaves_a_mapping_that_merges_a_version_alone() -> None:
    task = f"id: a\nnamespace: b\ntasks:\n  - id: t\n    type: {COMMANDS}\n    <<: {{version: '0.20.0'}}\n"
    out, changes, notes = fix_text(task, "f.yml", linter(), FixOptions(pin=True))
    assert (out, changes, notes) == (task, [], [f"f.yml:5: no place to pin {COMMANDS}"])
    other = task.replace("version: '0.20.0'", "commands: [ls]")
    out, _, notes = fix_text(other, "f.yml", linter(), FixOptions(pin=True))
    assert out == other.replace(f"{COMMANDS}\n", f'{COMMANDS}\n    version: "0.21.0"\n') and notes == []


def test_pin_with_explicit_keys_anywhere_in_the_mapping() -> None:
    before = (
        f"id: a\nnamespace: b\ntasks:\n  - ? id\n    : x\n    ? type\n    : {COMMANDS}\n"
        f"  - ? type\n    : {COMMANDS}\n  -   id: z\n      ? type\n      : {COMMANDS}\n"
    )
    after = (
        f'id: a\nnamespace: b\ntasks:\n  - ? id\n    : x\n    ? type\n    : {COMMANDS}\n    version: "0.21.0"\n'
        f'  - ? type\n    : {COMMANDS}\n    version: "0.21.0"\n  -   id: z\n      ? type\n      : {COMMANDS}\n'
        '      version: "0.21.0"\n'
    )
    out, _, notes = fix_text(before, "f.yml", linter(), FixOptions(pin=True))
    assert (out, notes) == (after, [])


def test_nesting_up_to_kestras_limit_is_fixed() -> None:
    text = f"{SHELL_TASK}variables:\n  x: {'[' * 990}{']' * 990}\n"  # 992 levels with the root: Kestra's limit is 1000
    out, changes, _ = fix_text(text, "f.yml", linter(), FixOptions())
    assert out == text.replace("version: 0.20", 'version: "0.20"') and len(changes) == 1
