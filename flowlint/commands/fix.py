"""``flowlint fix``: its options, and what a fix run prints (the run itself is :mod:`flowlint.fix.run`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from flowlint.cli import (
    COLOR_OPTION,
    CONFIG_OPTION,
    EXCLUDE_OPTION,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    MANIFEST_OPTION,
    TARGET_OPTION,
    VERBOSE_OPTION,
    codes,
    guarded,
    use_color,
)
from flowlint.commands import file_options
from flowlint.diagnostics import Severity

if TYPE_CHECKING:
    from flowlint.fix.run import FixOutcome


@click.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@MANIFEST_OPTION
@CONFIG_OPTION
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of the fixes and write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change behaviour (FL202: bump pins).")
@click.option(
    "--pin",
    is_flag=True,
    help="Only pin: add `version:` (the version it resolves to now) to every unpinned versioned plugin.",
)
@click.option(
    "--upgrade",
    "upgrades",
    multiple=True,
    metavar="PLUGIN=VERSION",
    help="Only upgrade: rewrite the pins of PLUGIN (groupId:artifactId or a type prefix) to VERSION. Repeatable.",
)
@click.option(
    "--namespace",
    "namespaces",
    multiple=True,
    metavar="PATTERN",
    help="With --upgrade: only flows in these namespaces (`*` one segment, `**` any number). Repeatable.",
)
@click.option(
    "--select",
    multiple=True,
    help="Rule codes, prefixes or names whose fixes apply (FL1, FL107, ALL); comma-separated.",
)
@click.option("--ignore", multiple=True, help="Rule codes, prefixes or names not to check nor fix; comma-separated.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    help="Lowest severity of the remaining findings that makes the exit code 1 (default: error).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["full", "concise", "json"]),
    default="full",
    show_default=True,
    help="How to print the findings that remain.",
)
@TARGET_OPTION
@EXCLUDE_OPTION
@click.option("--quiet", "-q", is_flag=True, help="Print the remaining findings only.")
@VERBOSE_OPTION
@COLOR_OPTION
def fix_command(**options: Any) -> None:
    """Apply safe fixes in place, preserving everything else byte for byte (--diff: show them instead)."""
    guarded(bool(options["verbose"]), lambda: _run_fix(options))


def _run_fix(options: dict[str, Any]) -> int:
    from flowlint.fix import unified_diff
    from flowlint.fix.run import FixRun, fix_options, refused_lines, run_fix

    fix = fix_options(bool(options["unsafe_fixes"]), bool(options["pin"]), options["upgrades"], options["namespaces"])
    files = file_options(options, codes(options["select"], "--select"), codes(options["ignore"], "--ignore"))
    fail_on = Severity(options["fail_on"]) if options["fail_on"] else None
    done = run_fix(FixRun(files, fix, bool(options["show_diff"]), fail_on))
    for warning in done.warnings:
        click.echo(f"flowlint: warning: {warning}", err=True)
    for fixed in done.fixes:
        for note in fixed.notes:
            click.echo(f"flowlint: note: {note}", err=True)
    changed, refused = done.changed, done.refused
    if options["show_diff"]:
        click.echo("".join(unified_diff(f) for f in changed), nl=False)
    else:
        _print_fixed(options, done)
    for line in refused_lines(refused):
        click.echo(line, err=True)
    if refused:
        return EXIT_INTERNAL
    if options["show_diff"]:
        return EXIT_FINDINGS if changed else EXIT_OK
    if options["exit_zero"]:
        return EXIT_OK
    return EXIT_FINDINGS if done.report.failed(done.fail_on) else EXIT_OK


def _print_fixed(options: dict[str, Any], done: FixOutcome) -> None:
    """The fixes made (standard error with ``--format json``), the findings that remain, a summary."""
    from flowlint.fix.run import fixed_count, fixed_line
    from flowlint.formats import render

    quiet = bool(options["quiet"])
    machine = options["output_format"] == "json"
    lines = [fixed_line(c) for f in done.changed for c in f.changes]
    if lines and not quiet:
        click.echo("\n".join(lines), err=machine)
    color = use_color(options["color"])
    text = render(options["output_format"], done.report, color=color, quiet=quiet, fail_on=done.fail_on)
    click.echo(text, nl=False, color=color)
    if not quiet:
        count = fixed_count(len(lines), len(done.changed))
        click.echo(f"{count}; {len(done.report.diagnostics)} remaining", err=machine)
