"""Which files a run checks, end to end through a real subprocess: folders expand to their YAML files
honouring ``exclude`` and every ``.gitignore``; paths named on the command line are linted whatever ignore
files and ``exclude`` say (as ruff and ripgrep do); ``--force-exclude`` applies them to named paths and to
``--stdin-filename`` too."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.concise_run import NOT_INSTALLED, concise, findings, standard_project, summary, write
from tests.conftest import run_cli

FLOW = "id: a\nnamespace: b\ntasks:\n  - id: x\n    type: io.kestra.plugin.core.log.Lgo\n"
FINDING = (
    "some/dir/f.yml:5:11: FL101 [error] unknown plugin type io.kestra.plugin.core.log.Lgo: "
    "no installed plugin provides it"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose .gitignore lists `some/`, with flows in some/dir (one ignored below it)."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("some/\n", "utf-8")
    (tmp_path / "some" / "dir").mkdir(parents=True)
    (tmp_path / "some" / "dir" / "f.yml").write_text(FLOW, "utf-8")
    (tmp_path / "some" / "dir" / ".gitignore").write_text("*.gen.yml\n", "utf-8")
    (tmp_path / "some" / "dir" / "x.gen.yml").write_text(FLOW, "utf-8")
    return tmp_path


def _check(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(["check", "--no-cache", "--format", "concise", *args], repo)


def test_a_named_folder_is_linted_though_an_outer_gitignore_lists_it(repo: Path) -> None:
    done = _check(repo, "some/dir")
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == FINDING
    assert done.stdout.splitlines()[1].startswith("1 file checked (1 flow): 1 error, 0 warnings, 0 info;")
    assert done.stderr == ""


def test_ignore_rules_below_a_named_folder_still_apply(repo: Path) -> None:
    done = _check(repo, "-q", "some")
    assert done.stdout == FINDING + "\n"  # x.gen.yml is ignored by some/dir/.gitignore


def test_a_named_file_is_linted_though_ignored(repo: Path) -> None:
    done = _check(repo, "-q", "some/dir/x.gen.yml")
    assert done.stdout == FINDING.replace("f.yml", "x.gen.yml") + "\n"


def test_a_folder_walk_skips_what_gitignore_lists_and_warns_when_nothing_is_left(repo: Path) -> None:
    done = _check(repo)
    assert done.returncode == 0
    assert done.stdout.startswith("0 files checked (0 flows): 0 errors, 0 warnings, 0 info;")
    assert done.stderr == (
        "flowlint: warning: no file to check: . holds no *.yml or *.yaml file that is not excluded\n"
    )


@pytest.mark.parametrize("named", ["some/dir", "some/dir/f.yml", "some/dir/x.gen.yml"])
def test_force_exclude_applies_gitignore_to_named_paths(repo: Path, named: str) -> None:
    done = _check(repo, "--force-exclude", named)
    assert done.returncode == 0
    assert done.stderr == (
        f"flowlint: warning: no file to check: {named} holds no *.yml or *.yaml file that is not excluded\n"
    )


def test_exclude_does_not_apply_to_a_named_folder_unless_forced(tmp_path: Path) -> None:
    (tmp_path / ".flowlint.yaml").write_text("exclude: [legacy/]\n", "utf-8")
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "f.yml").write_text(FLOW, "utf-8")
    assert run_cli(["check", "--no-cache", "-q", "--format", "concise", "legacy"], tmp_path).returncode == 1
    assert run_cli(["check", "--no-cache", "-q", "--format", "concise"], tmp_path).returncode == 0
    forced = run_cli(["check", "--no-cache", "-q", "--force-exclude", "legacy"], tmp_path)
    assert (forced.returncode, forced.stdout) == (0, "")


def test_force_exclude_applies_to_the_stdin_filename(repo: Path) -> None:
    args = ["check", "--no-cache", "--format", "concise", "-", "--stdin-filename", "some/dir/new.yml"]
    plain = run_cli(args, repo, stdin=FLOW.encode())
    assert plain.returncode == 1
    forced = run_cli([*args, "--force-exclude"], repo, stdin=FLOW.encode())
    assert forced.returncode == 0
    assert forced.stdout.startswith("0 files checked")
    assert forced.stderr == (
        "flowlint: warning: some/dir/new.yml is excluded (--force-exclude): standard input was not checked\n"
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with the standard manifest and a config that names it."""
    return standard_project(tmp_path)


# Folders ------------------------------------------------------------------------------------------


def test_folders_expand_to_yaml_files_honouring_exclude_and_gitignore(project: Path) -> None:
    write(
        project,
        {
            # (the files are copies of one flow: FL703, duplicate-flow, is not what this test is about)
            ".flowlint.yaml": "manifest: manifest.json\nexclude: ['flows/skip/']\nignore: [FL703]\n",
            ".gitignore": "flows/generated/\n*.tmp.yml\n",
            "flows/a.yml": NOT_INSTALLED,
            "flows/b.yaml": NOT_INSTALLED,
            "flows/c.json": "{}",
            "flows/d.txt": NOT_INSTALLED,
            "flows/e.tmp.yml": NOT_INSTALLED,
            "flows/generated/f.yml": NOT_INSTALLED,
            "flows/skip/g.yml": NOT_INSTALLED,
            "flows/sub/.gitignore": "local.yml\n",
            "flows/sub/local.yml": NOT_INSTALLED,
            "flows/sub/h.yml": NOT_INSTALLED,
            "flows/sub/not-a-flow.yaml": "services:\n  a: {}\n",
        },
    )
    done = concise(["flows"], project)
    assert [line.split(":")[0] for line in findings(done.stdout)] == ["flows/a.yml", "flows/b.yaml", "flows/sub/h.yml"]
    assert done.stdout.splitlines()[-1] == summary(4, 3, 1, 3, 0)
    # A folder named on the command line is walked though a parent's .gitignore lists it (as ruff and
    # ripgrep do); --force-exclude applies the ignore files to it again.
    write(project, {"flows/generated/.keep.yml": NOT_INSTALLED})
    assert [f.split(":")[0] for f in findings(concise(["flows/generated"], project).stdout)] == [
        "flows/generated/.keep.yml",
        "flows/generated/f.yml",
    ]
    assert len(findings(concise(["."], project / "flows" / "generated").stdout)) == 2
    assert findings(concise(["--force-exclude", "flows/generated"], project).stdout) == []
