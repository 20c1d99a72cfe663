"""A ``flowlint fix`` run (and ``check --fix``): the files found as ``check`` finds them, each fixed in
memory, the changed ones written through a temporary file renamed over them, and the findings that
remain. What is printed is the command line's business."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from flowlint.atomic import write_atomically
from flowlint.diagnostics import Severity
from flowlint.errors import UsageError, bug_report_request
from flowlint.files import Candidate
from flowlint.fix.files import FileFix, fix_file
from flowlint.fix.plan import FixOptions, Upgrade
from flowlint.fix.text import Change
from flowlint.formats import escape_text
from flowlint.lint import Linter
from flowlint.manifest.model import Manifest, in_package
from flowlint.report import Report
from flowlint.run import CheckOptions, RunSetup, prepare_files
from flowlint.wording import plural


class FixRun(NamedTuple):
    """What ``flowlint fix`` was asked for."""

    files: CheckOptions
    """Which files, with which config, manifest and rules (as ``check`` takes them)."""
    options: FixOptions
    diff: bool = False
    """Show the fixes as a unified diff and write nothing."""
    fail_on: Severity | None = None
    """The lowest severity of the remaining findings that fails the run (None: the configured one)."""


class FixOutcome(NamedTuple):
    """What a fix run did: every file's fix, warnings, and the findings that remain."""

    fixes: tuple[FileFix, ...]
    warnings: tuple[str, ...]
    report: Report
    fail_on: Severity

    @property
    def refused(self) -> list[FileFix]:
        """The files left as they were although they had fixes (their proof failed)."""
        return [f for f in self.fixes if f.refused is not None]

    @property
    def changed(self) -> list[FileFix]:
        """The files whose fix changed them (written, unless the run only shows a diff)."""
        return [f for f in self.fixes if f.changed and f.refused is None]


def fix_options(unsafe: bool, pin: bool, upgrades: Sequence[str], namespaces: Sequence[str]) -> FixOptions:
    """The options of ``--unsafe-fixes``, ``--pin``, ``--upgrade PLUGIN=VERSION`` and ``--namespace``,
    checked; raises UsageError."""
    parsed = tuple(Upgrade.parse(text) for text in upgrades)
    if pin and parsed:
        raise UsageError("--pin and --upgrade are separate runs: give one of them")
    if namespaces and not parsed:
        raise UsageError("--namespace goes with --upgrade")
    return FixOptions(unsafe, pin, parsed, tuple(namespaces))


def run_fix(run: FixRun) -> FixOutcome:
    """Fix every file of the run; write the changed ones unless ``run.diff``."""
    setup, found = prepare_files(run.files)
    warnings = tuple(filter(None, (upgrade_warning(u, setup.manifest) for u in run.options.upgrades)))
    fixes = fix_files(setup, found, run.options, write=not run.diff)
    report = Report(
        files=sorted((f.result for f in fixes), key=lambda r: r.path),
        manifest_source=setup.manifest.source,
        manifest_plugins=setup.manifest.own_plugins,
        manifest_summary=setup.manifest.summary(),
    )
    fail_on = run.fail_on if run.fail_on is not None else setup.settings.fail_on
    return FixOutcome(fixes, warnings, report, fail_on)


def fix_files(setup: RunSetup, found: Sequence[Candidate], options: FixOptions, write: bool) -> tuple[FileFix, ...]:
    """Every file of ``found`` fixed; with ``write``, the changed ones written (a refused fix writes nothing)."""
    linter = Linter(setup.settings, setup.manifest, setup.enabled)
    fixes = tuple(fix_file(c.path, c.display, linter, options) for c in found)
    if write:
        for fixed in fixes:
            if fixed.changed and fixed.refused is None:
                write_atomically(fixed.path, fixed.fixed)
    return fixes


def upgrade_warning(upgrade: Upgrade, manifest: Manifest) -> str | None:
    """A warning when the VERSION of ``--upgrade`` is not installed; a PLUGIN that no installed plugin
    matches is a UsageError."""
    if ":" in upgrade.plugin:
        plugins = [p for p in manifest.plugins if p.coordinates == upgrade.plugin]
    else:
        plugins = [
            e.plugin for name in manifest.type_names if in_package(name, upgrade.plugin) for e in manifest.lookup(name)
        ]
    if not plugins:
        raise UsageError(f"--upgrade {upgrade.plugin}={upgrade.version}: no installed plugin is {upgrade.plugin}")
    if any(v.text.lower() == upgrade.version.lower() for p in plugins for v in p.versions):
        return None
    return f"{upgrade.version} of {upgrade.plugin} is not installed: the upgraded flows will not resolve until it is"


def fixed_line(change: Change) -> str:
    """``path:line:col: fixed CODE: what`` for one applied fix (a name that is not UTF-8 escaped)."""
    return f"{escape_text(change.path)}:{change.line}:{change.column}: fixed {change.code}: {change.description}"


def fixed_count(count: int, files: int) -> str:
    """``fixed N issues in M files``."""
    return f"fixed {count} {plural('issue', count)} in {files} {plural('file', files)}"


def refused_lines(refused: Sequence[FileFix]) -> list[str]:
    """What standard error says of the files a refused fix left as they were: each, then a report request."""
    lines = [
        f"flowlint: internal error: {escape_text(f.display)}: fix refused, nothing written: {f.refused}"
        for f in refused
    ]
    return [*lines, bug_report_request()] if lines else []
