"""The ``flowlint`` command: thin click commands over the pipeline.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage, config or
manifest error; 3 internal error.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from flowlint import __version__
from flowlint.diagnostics import Severity
from flowlint.errors import UsageError, bug_report_request

if TYPE_CHECKING:
    from flowlint.files import Candidate
    from flowlint.run import CheckOptions, RunSetup

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def fail_usage(message: str) -> NoReturn:
    click.echo(f"flowlint: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def guarded(verbose: bool, action: Callable[[], int]) -> NoReturn:
    """Run ``action``; turn user errors into exit 2 and crashes into exit 3 with a report request."""
    try:
        code = action()
    except UsageError as error:
        fail_usage(str(error))
    except KeyboardInterrupt:
        click.echo("flowlint: interrupted", err=True)
        sys.exit(130)
    except Exception as error:
        if verbose:
            import traceback

            traceback.print_exc()
        click.echo(f"flowlint: internal error: {type(error).__name__}: {error}", err=True)
        click.echo(bug_report_request("" if verbose else " (--verbose prints the traceback)"), err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code)


_LAZY_COMMANDS = {
    "fix": "flowlint.commands.fix:fix_command",
    "inventory": "flowlint.commands.inventory:inventory_command",
    "impact": "flowlint.commands.inventory:impact_command",
    "graph": "flowlint.commands.graph:graph_command",
    "manifest": "flowlint.commands.manifest:manifest_group",
    "lsp": "flowlint.commands.lsp:lsp",
}
"""The commands defined outside this module, imported when they run or are listed (start-up: ``check``
loads none of them)."""


class _Commands(click.Group):
    """flowlint's commands, the lazy ones loaded on demand (click's lazily loaded subcommands)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _LAZY_COMMANDS and cmd_name not in self.commands:
            module, _, name = _LAZY_COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="flowlint")
def main() -> None:
    """flowlint: lint Kestra flows and resolve every plugin version against the installed plugins."""


def codes(values: Sequence[str], flag: str) -> tuple[str, ...]:
    """The rule selectors of a flag, checked: a UsageError (exit 2) with a did-you-mean for a typo."""
    from flowlint.selection import selectors

    return selectors(values, flag)


MANIFEST_OPTION = click.option(
    "--manifest",
    "manifests",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Manifest of installed plugins (repeatable, merged). Replaces the configured one.",
)
CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Config file (.flowlint.yaml or pyproject.toml); default: found from the working folder up.",
)
TARGET_OPTION = click.option(
    "--target-kestra-version", help="Kestra version whose rules apply (default: config, else 1.3)."
)
EDITION_OPTION = click.option(
    "--edition",
    type=click.Choice(["oss", "ee"]),
    help="Kestra edition the flows go to; oss: FL608 reports Enterprise-only features (default: config, else unknown).",
)
EXCLUDE_OPTION = click.option(
    "--force-exclude", is_flag=True, help="Apply `exclude` to files named on the command line too."
)
VERBOSE_OPTION = click.option("--verbose", "-v", is_flag=True, help="Print tracebacks of internal errors.")
COLOR_OPTION = click.option(
    "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True
)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@MANIFEST_OPTION
@CONFIG_OPTION
@click.option(
    "--format",
    "output_formats",
    multiple=True,
    metavar="FORMAT[:PATH]",
    help="Output format: full, concise, json, sarif, github, gitlab or junit. Repeatable: FORMAT:PATH writes "
    "that format to PATH, e.g. `--format full --format sarif:flowlint.sarif`; at most one goes to standard "
    "output (default: full; github when GITHUB_ACTIONS=true).",
)
@click.option(
    "--output-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the standard-output format to this file instead.",
)
@click.option(
    "--select",
    multiple=True,
    help="Rule codes, prefixes or names to check (FL1, FL102, unquoted-version, ALL); comma-separated.",
)
@click.option("--ignore", multiple=True, help="Rule codes, prefixes or names not to check; comma-separated.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    help="Lowest severity that makes the exit code 1 (default: error).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--stdin-filename", help="With '-': the file name to report and to find the config from.")
@TARGET_OPTION
@EDITION_OPTION
@EXCLUDE_OPTION
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Cache folder (default: .flowlint_cache beside the config, else in the working folder).",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes for large runs (default: the CPUs).")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option(
    "--verbose", "-v", is_flag=True, help="Say which config, manifest and versions were used, and time the run."
)
@COLOR_OPTION
@click.option("--fix", "apply_fixes", is_flag=True, help="Apply safe fixes first (as `flowlint fix`), then check.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix: also apply unsafe fixes.")
@click.option("--statistics", is_flag=True, help="Print how many findings each rule has instead of the findings.")
@click.option("--show-settings", is_flag=True, help="Print the settings the run would use, and exit.")
@click.option("--show-files", is_flag=True, help="Print the files the run would check, and exit.")
def check(**options: Any) -> None:
    """Check Kestra flow files (folders: their *.yml/*.yaml; '-': standard input)."""
    guarded(bool(options["verbose"]), lambda: _run_check(options))


def _check_options(options: dict[str, Any]) -> CheckOptions:
    from flowlint.run import CheckOptions

    fail_on = options["fail_on"]
    return CheckOptions(
        paths=tuple(options["paths"]),
        manifests=tuple(options["manifests"]),
        config=options["config_path"],
        select=codes(options["select"], "--select"),
        ignore=codes(options["ignore"], "--ignore"),
        fail_on=Severity(fail_on) if fail_on else None,
        stdin_filename=options["stdin_filename"],
        target=options["target_kestra_version"],
        edition=options["edition"],
        force_exclude=bool(options["force_exclude"]),
        cwd=Path.cwd(),
        cache=not options["no_cache"],
        cache_dir=options["cache_dir"],
        jobs=options["jobs"],
    )


def _run_check(options: dict[str, Any]) -> int:
    import time

    from flowlint.run import candidates, describe, prepare, run_check
    from flowlint.wording import plural

    started = time.perf_counter()
    check_options = _check_options(options)
    outputs = _outputs(options["output_formats"], options["output_file"])
    if options["unsafe_fixes"] and not options["apply_fixes"]:
        raise UsageError("--unsafe-fixes goes with --fix")
    setup = None
    if options["show_settings"] or options["show_files"] or options["apply_fixes"]:
        showing = options["show_settings"] or options["show_files"]
        setup = prepare(check_options._replace(cache=False) if showing else check_options)  # shows write nothing
        if options["show_settings"]:
            click.echo("\n".join(describe(setup._replace(use_cache=check_options.cache and not setup.reads_stdin))))
            return EXIT_OK
        if setup.reads_stdin:
            raise UsageError("--show-files and --fix read files, not standard input ('-')")
        found = candidates(check_options, setup)
        if options["show_files"]:
            from flowlint.formats import escape_text

            click.echo("".join(f"{escape_text(c.display)}\n" for c in found), nl=False)
            return EXIT_OK
        if not _fix_before_check(setup, found, bool(options["unsafe_fixes"]), bool(options["quiet"])):
            return EXIT_INTERNAL
    result = run_check(check_options, setup)  # --fix: the config and manifest are loaded once
    from flowlint.formats import render

    for warning in result.warnings:
        click.echo(f"flowlint: warning: {warning}", err=True)
    if options["verbose"]:
        files = len(result.report.files)
        lines = [
            *describe(result.setup),
            f"checked {files} {plural('file', files)} "
            f"({result.cached} from the cache) in {time.perf_counter() - started:.2f} s",
        ]
        click.echo("".join(f"flowlint: {line}\n" for line in lines), err=True, nl=False)
    quiet = bool(options["quiet"])
    printed: str | None = None
    color = False
    for name, path in outputs:
        color = path is None and use_color(options["color"])
        if path is None and options["statistics"]:
            from flowlint.formats.statistics import render_statistics

            text = render_statistics(result.report, as_json=name == "json", quiet=quiet)
        else:
            text = render(name, result.report, color=color, quiet=quiet, fail_on=result.fail_on)
        if path is None:
            printed = text
        else:
            write_atomically(path, text)
    if printed is not None:
        click.echo(printed, nl=False, color=color)  # click strips ANSI codes off a pipe unless told
    if options["exit_zero"]:
        return EXIT_OK
    return EXIT_FINDINGS if result.report.failed(result.fail_on) else EXIT_OK


def _outputs(values: Sequence[str], output_file: Path | None) -> list[tuple[str, Path | None]]:
    """Each ``--format FORMAT[:PATH]`` as (format, file or None for standard output), standard output last.

    With no format for standard output it prints the default: full, or github under GitHub Actions
    (``GITHUB_ACTIONS=true``) unless ``--output-file`` takes it. ``--output-file`` receives the
    standard-output format instead of standard output.
    """
    from flowlint.formats import FORMATS

    files: list[tuple[str, Path | None]] = []
    to_stdout: list[str] = []
    for value in values:
        name, colon, where = value.partition(":")
        name = name.strip().lower()
        if name not in FORMATS:
            fail_usage(f"--format: unknown format {name or value!r} (choose from {', '.join(FORMATS)})")
        if colon and not where:
            fail_usage(f"--format {value}: no file after ':' (use {name}:PATH, or {name} for standard output)")
        if where and where != "-":
            files.append((name, Path(where)))
        else:
            to_stdout.append(name)
    if len(to_stdout) > 1:
        fail_usage(
            f"--format: only one format can go to standard output, not {' and '.join(to_stdout)}; "
            f"write the others to files with FORMAT:PATH (e.g. {to_stdout[-1]}:report.{to_stdout[-1]})"
        )
    if to_stdout:
        stdout_format = to_stdout[0]
    elif os.environ.get("GITHUB_ACTIONS") == "true" and output_file is None:
        stdout_format = "github"
    else:
        stdout_format = "full"
    outputs: list[tuple[str, Path | None]] = [*files, (stdout_format, output_file)]
    seen: dict[Path, str] = {}
    for index, (name, path) in enumerate(outputs):
        if path is None:
            continue
        given = f"--output-file {path}" if index == len(files) else f"--format {name}:{path}"
        key = Path(os.path.abspath(path))
        if key in seen:
            fail_usage(f"{seen[key]} and {given} would write the same file")
        seen[key] = given
    return outputs


def write_atomically(path: Path, text: str) -> None:
    """Write a report so that readers never see half of it."""
    from flowlint.atomic import write_atomically

    write_atomically(path, text.encode("utf-8"))


def use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


@main.command("rules")
@click.option("--all", "show_all", is_flag=True, help="Also say which rules are off by default.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    help="text: one line per rule; markdown: the table of README's Rules section.",
)
def rules_command(show_all: bool, fmt: str) -> None:
    """List every rule: code, name, default severity and summary."""
    from flowlint.rules.catalog import listing, markdown_table

    click.echo(markdown_table() if fmt == "markdown" else listing(show_all))


@main.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Explain one rule (by code or name), with a bad and a good example."""
    from flowlint.rules import RULES_BY_CODE
    from flowlint.selection import selector

    try:
        rule = RULES_BY_CODE[selector(code, "flowlint rule", prefixes=False)]
    except UsageError as error:
        fail_usage(str(error))
    enabled = "on" if rule.enabled_by_default else "off"
    fix = "; has a fix" if rule.fixable else ""
    indent = "    "
    click.echo(
        f"{rule.code} {rule.name} ({rule.severity.value}, {enabled} by default{fix})\n\n"
        f"{rule.summary}\n\n{rule.explanation}\n\n"
        f"Bad:\n{indent}{rule.bad.rstrip().replace(chr(10), chr(10) + indent)}\n\n"
        f"Good:\n{indent}{rule.good.rstrip().replace(chr(10), chr(10) + indent)}\n\n"
        + (f"Options (config: `rules: {{{rule.code}: {{OPTION: VALUE}}}}`):\n" if rule.options else "")
        + "".join(f"{indent}{name} ({option.kind}): {option.help}\n" for name, option in rule.options.items())
        + ("\n" if rule.options else "")
        + f"More: {rule.url}"
    )


def _fix_before_check(setup: RunSetup, found: Sequence[Candidate], unsafe: bool, quiet: bool) -> bool:
    """``check --fix``: apply the fixes ``flowlint fix`` would (all, with ``unsafe``), saying what changed on
    standard error; False when a fix was refused (nothing written to that file)."""
    from flowlint.fix import FixOptions
    from flowlint.fix.run import fix_files, fixed_count, fixed_line, refused_lines

    fixes = fix_files(setup, found, FixOptions(unsafe), write=True)
    refused = [f for f in fixes if f.refused is not None]
    changed = [f for f in fixes if f.changed and f.refused is None]
    if not quiet:
        lines = [fixed_line(c) for f in changed for c in f.changes]
        click.echo("\n".join([*lines, fixed_count(len(lines), len(changed))]), err=True)
    for line in refused_lines(refused):
        click.echo(line, err=True)
    return not refused
