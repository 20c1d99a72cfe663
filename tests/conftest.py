"""Shared helpers: build manifests and settings, lint text in-process, run the CLI as a subprocess.
And the session's guard: tests write only in the temp dirs they create."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from flowlint.config import ConfiguredDefault, Settings
from flowlint.diagnostics import Diagnostic
from flowlint.lint import Linter
from flowlint.manifest import Manifest, manifest_from_data
from flowlint.rules import enabled_codes
from flowlint.versions import parse_version

ROOT = Path(__file__).resolve().parents[1]
# The read-only reference material beside the clone (FLOWLINT_TEST_SHARED elsewhere); tests needing it skip without.
SHARED = Path(os.environ.get("FLOWLINT_TEST_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus"
EXAMPLES = ROOT / "examples"
# What the interpreter and the tools around the tests keep in the tree (pytest, pip, mypy, ruff, a venv).
TOOL_FOLDERS = frozenset({".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".venv"})

# The plugins most tests run against: the example instance of examples/manifest.yaml.
STANDARD_MANIFEST: dict[str, Any] = {
    "manifestVersion": 1,
    "source": "test instance",
    "plugins": [
        {
            "groupId": "io.kestra",
            "artifactId": "core",
            "core": True,
            "versions": [
                {
                    "version": "1.3.0",
                    "tasks": [
                        "io.kestra.plugin.core.log.Log",
                        "io.kestra.plugin.core.flow.Parallel",
                        "io.kestra.plugin.core.flow.If",
                        "io.kestra.plugin.core.flow.Switch",
                        "io.kestra.plugin.core.flow.Dag",
                        "io.kestra.plugin.core.flow.ForEach",
                    ],
                    "triggers": ["io.kestra.plugin.core.trigger.Schedule", "io.kestra.plugin.core.trigger.Flow"],
                    "conditions": [
                        "io.kestra.plugin.core.condition.ExecutionStatus",
                        "io.kestra.plugin.core.condition.Weekend",
                        "io.kestra.plugin.core.condition.Or",
                    ],
                    "aliases": {"io.kestra.core.tasks.log.Log": "io.kestra.plugin.core.log.Log"},
                }
            ],
        },
        {
            "groupId": "io.kestra.plugin",
            "artifactId": "plugin-script-shell",
            "versions": [
                {"version": "0.20.0", "tasks": ["io.kestra.plugin.scripts.shell.Script"]},
                {"version": "0.21.0", "tasks": ["io.kestra.plugin.scripts.shell.Script"]},
            ],
        },
        {
            "groupId": "io.kestra.plugin",
            "artifactId": "plugin-jdbc-postgres",
            "versions": [
                {"version": "0.19.0", "tasks": ["io.kestra.plugin.jdbc.postgresql.Query"]},
                {
                    "version": "1.2.1",
                    "tasks": ["io.kestra.plugin.jdbc.postgresql.Query", "io.kestra.plugin.jdbc.postgresql.CopyIn"],
                },
                {
                    "version": "1.2.3",
                    "tasks": ["io.kestra.plugin.jdbc.postgresql.Query", "io.kestra.plugin.jdbc.postgresql.CopyIn"],
                },
            ],
        },
        {
            "groupId": "io.kestra.plugin",
            "artifactId": "plugin-docker",
            "versions": [
                {"version": "1.0.0", "taskRunners": ["io.kestra.plugin.scripts.runner.docker.Docker"]},
                {"version": "1.1.0-rc1", "taskRunners": ["io.kestra.plugin.scripts.runner.docker.Docker"]},
                {"version": "1.1.0", "taskRunners": ["io.kestra.plugin.scripts.runner.docker.Docker"]},
            ],
        },
    ],
}


def manifest(data: Mapping[str, Any] | None = None) -> Manifest:
    """A Manifest from native manifest data (default: STANDARD_MANIFEST)."""
    return manifest_from_data(dict(data or STANDARD_MANIFEST))


def settings(
    *,
    target: str = "1.3",
    default_version: str = "LATEST",
    global_defaults: Sequence[tuple[str, str, bool]] = (),
    namespaces: Mapping[str, Sequence[tuple[str, str, bool]]] | None = None,
) -> Settings:
    """Settings as a config would give them; defaults are (type, version, forced) triples."""
    parsed = parse_version(target)
    assert parsed is not None
    return Settings(
        target=parsed,
        default_version=default_version,
        default_version_origin="test config",
        global_defaults=tuple(
            ConfiguredDefault(t, v, f, "global", "global", "test config") for t, v, f in global_defaults
        ),
        namespace_defaults={
            ns: tuple(ConfiguredDefault(t, v, f, "namespace", ns, "test config") for t, v, f in entries)
            for ns, entries in (namespaces or {}).items()
        },
    )


def lint(
    text: str,
    *,
    manifest_data: Mapping[str, Any] | None = None,
    config: Settings | None = None,
    select: Sequence[str] = (),
    path: str = "flow.yml",
    dedent: bool = True,
) -> list[Diagnostic]:
    """Lint ``text`` (dedented) in-process and return its findings in display order. The plugin-property
    rules (FL5xx) run only when ``select`` names them: other rules' flows are not complete plugin configs."""
    ignore = () if any(s.startswith("FL5") or s == "ALL" for s in select) else ("FL5",)
    linter = Linter(config or settings(), manifest(manifest_data), enabled_codes(select, ignore))
    body = textwrap.dedent(text) if dedent else text
    return list(linter.lint_text(body, path).diagnostics)


def of(diagnostics: Sequence[Diagnostic], code: str) -> list[Diagnostic]:
    """The findings of one code."""
    return [d for d in diagnostics if d.code == code]


def only(diagnostics: Sequence[Diagnostic], code: str) -> Diagnostic:
    """The single finding of ``code`` (fails when there are none or several)."""
    found = of(diagnostics, code)
    assert len(found) == 1, [(d.code, d.message) for d in diagnostics]
    return found[0]


def where(d: Diagnostic) -> tuple[int, int, int, int]:
    """(line, column, end line, end column) of a finding."""
    return (d.span.line, d.span.column, d.span.end_line, d.span.end_column)


def codes(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """The codes of ``diagnostics``, in order."""
    return [d.code for d in diagnostics]


def run_cli(
    args: Sequence[str], cwd: Path, stdin: bytes | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m flowlint ARGS`` in ``cwd`` as a real subprocess (no colour, no CI detection)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}
    environment["NO_COLOR"] = "1"
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "flowlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=environment,
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
    )


@pytest.fixture
def manifest_file(tmp_path: Path) -> Path:
    """STANDARD_MANIFEST written as a JSON manifest file."""
    import json

    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    return path


def tree_state(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` (path relative to it) with its (mtime, size); folders as (0, 0).

    The tools' own folders (TOOL_FOLDERS, ``*.egg-info``) are left out.
    """
    state: dict[str, tuple[int, int]] = {}
    for top, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if f not in TOOL_FOLDERS and not f.endswith(".egg-info")]
        base = Path(top).relative_to(folder)
        state.update({(base / name).as_posix(): (0, 0) for name in folders})
        for name in files:
            try:
                stat = os.lstat(os.path.join(top, name))
            except FileNotFoundError:  # removed while walking: absent
                continue
            state[(base / name).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return state


def tree_changes(before: Mapping[str, tuple[int, int]], after: Mapping[str, tuple[int, int]]) -> list[str]:
    """The paths created, changed or removed between two tree_state()s, as "PATH (created)" lines, sorted."""
    changes = [f"{p} ({'changed' if p in before else 'created'})" for p in after if before.get(p) != after[p]]
    return sorted(changes + [f"{p} (removed)" for p in before if p not in after])


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    """A copy of examples/ without its cache: a check there writes ``.flowlint_cache`` beside the config."""
    import shutil

    return Path(shutil.copytree(EXAMPLES, tmp_path / "examples", ignore=shutil.ignore_patterns(".flowlint_cache")))


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps its database and caches in a temp dir of the session, not in .hypothesis/ here.
    (Set before collection: a test module's @given writes its constants cache when it is imported.)"""
    import shutil
    import tempfile

    from hypothesis.configuration import set_hypothesis_home_dir

    home = tempfile.mkdtemp(prefix="flowlint-tests-hypothesis-")
    set_hypothesis_home_dir(home)
    config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))


@pytest.fixture(scope="session", autouse=True)
def _tests_write_only_in_their_temp_dirs() -> Iterator[None]:
    """Fail the session when its tests created, changed or removed anything in the project or in ../shared."""
    watched = [folder for folder in (ROOT, SHARED) if folder.is_dir()]
    before = [tree_state(folder) for folder in watched]
    yield
    changes = [
        f"{folder}/{change}"
        for folder, state in zip(watched, before, strict=True)
        for change in tree_changes(state, tree_state(folder))
    ]
    if changes:
        shown = changes[:20] + ([f"... and {len(changes) - 20} more"] if len(changes) > 20 else [])
        pytest.fail(
            "the tests wrote outside their temp dirs (a file edited by hand during the run shows here too):\n  "
            + "\n  ".join(shown),
            pytrace=False,
        )
