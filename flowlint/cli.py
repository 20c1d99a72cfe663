"""The ``flowlint`` command: thin click commands over the pipeline.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage, config or
manifest error; 3 internal error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from flowlint import __version__
from flowlint.diagnostics import Severity
from flowlint.errors import UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
REPORT_URL = "https://github.com/flowlint/flowlint/issues"


def _fail_usage(message: str) -> NoReturn:
    click.echo(f"flowlint: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _guarded(verbose: bool, action: Callable[[], int]) -> NoReturn:
    """Run ``action``; turn user errors into exit 2 and crashes into exit 3 with a report request."""
    try:
        code = action()
    except UsageError as error:
        _fail_usage(str(error))
    except KeyboardInterrupt:
        click.echo("flowlint: interrupted", err=True)
        sys.exit(130)
    except Exception as error:
        if verbose:
            import traceback

            traceback.print_exc()
        click.echo(f"flowlint: internal error: {type(error).__name__}: {error}", err=True)
        click.echo(
            f"This is a bug in flowlint {__version__}. Please report it at {REPORT_URL} with the command "
            "you ran and the file it ran on" + ("" if verbose else " (--verbose prints the traceback)") + ".",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="flowlint")
def main() -> None:
    """flowlint: lint Kestra flows and resolve every plugin version against the installed plugins."""


def _codes(values: Sequence[str], flag: str) -> tuple[str, ...]:
    """The rule selectors of a flag, checked: a UsageError (exit 2) with a did-you-mean for a typo."""
    from flowlint.selection import selectors

    return selectors(values, flag)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--manifest",
    "manifests",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Manifest of installed plugins (repeatable, merged). Replaces the configured one.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Config file (.flowlint.yaml or pyproject.toml); default: found from the working folder up.",
)
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
@click.option("--select", multiple=True, help="Codes or prefixes to check (FL1, FL102, ALL); comma-separated.")
@click.option("--ignore", multiple=True, help="Codes or prefixes not to check; comma-separated.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    help="Lowest severity that makes the exit code 1 (default: error).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--stdin-filename", help="With '-': the file name to report and to find the config from.")
@click.option("--target-kestra-version", help="Kestra version whose rules apply (default: config, else 1.3).")
@click.option("--force-exclude", is_flag=True, help="Apply `exclude` to files named on the command line too.")
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
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("--fix", "apply_fixes", is_flag=True, help="Apply safe fixes first (as `flowlint fix`), then check.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix: also apply unsafe fixes.")
@click.option("--statistics", is_flag=True, help="Print how many findings each rule has instead of the findings.")
@click.option("--show-settings", is_flag=True, help="Print the settings the run would use, and exit.")
@click.option("--show-files", is_flag=True, help="Print the files the run would check, and exit.")
def check(**options: Any) -> None:
    """Check Kestra flow files (folders: their *.yml/*.yaml; '-': standard input)."""
    _guarded(bool(options["verbose"]), lambda: _run_check(options))


def _check_options(options: dict[str, Any]) -> Any:
    from flowlint.run import CheckOptions

    fail_on = options["fail_on"]
    return CheckOptions(
        paths=tuple(options["paths"]),
        manifests=tuple(options["manifests"]),
        config=options["config_path"],
        select=_codes(options["select"], "--select"),
        ignore=_codes(options["ignore"], "--ignore"),
        fail_on=Severity(fail_on) if fail_on else None,
        stdin_filename=options["stdin_filename"],
        target=options["target_kestra_version"],
        force_exclude=bool(options["force_exclude"]),
        cwd=Path.cwd(),
        cache=not options["no_cache"],
        cache_dir=options["cache_dir"],
        jobs=options["jobs"],
    )


def _run_check(options: dict[str, Any]) -> int:
    import time

    from flowlint.run import candidates, describe, prepare, run_check

    started = time.perf_counter()
    check_options = _check_options(options)
    outputs = _outputs(options["output_formats"], options["output_file"])
    if options["unsafe_fixes"] and not options["apply_fixes"]:
        raise UsageError("--unsafe-fixes goes with --fix")
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
    result = run_check(check_options)
    from flowlint.formats import render

    for warning in result.warnings:
        click.echo(f"flowlint: warning: {warning}", err=True)
    if options["verbose"]:
        files = len(result.report.files)
        lines = [
            *describe(result.setup),
            f"checked {files} {'file' if files == 1 else 'files'} "
            f"({result.cached} from the cache) in {time.perf_counter() - started:.2f} s",
        ]
        click.echo("".join(f"flowlint: {line}\n" for line in lines), err=True, nl=False)
    quiet = bool(options["quiet"])
    printed: str | None = None
    color = False
    for name, path in outputs:
        color = path is None and _use_color(options["color"])
        if path is None and options["statistics"]:
            from flowlint.formats.statistics import render_statistics

            text = render_statistics(result.report, as_json=name == "json", quiet=quiet)
        else:
            text = render(name, result.report, color=color, quiet=quiet, fail_on=result.fail_on)
        if path is None:
            printed = text
        else:
            _write_atomically(path, text)
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
            _fail_usage(f"--format: unknown format {name or value!r} (choose from {', '.join(FORMATS)})")
        if colon and not where:
            _fail_usage(f"--format {value}: no file after ':' (use {name}:PATH, or {name} for standard output)")
        if where and where != "-":
            files.append((name, Path(where)))
        else:
            to_stdout.append(name)
    if len(to_stdout) > 1:
        _fail_usage(
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
            _fail_usage(f"{seen[key]} and {given} would write the same file")
        seen[key] = given
    return outputs


def _write_atomically(path: Path, text: str) -> None:
    """Write a report so that readers never see half of it."""
    from flowlint.atomic import write_atomically

    write_atomically(path, text.encode("utf-8"))


def _use_color(choice: str) -> bool:
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
        _fail_usage(str(error))
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


@main.group("manifest")
def manifest_group() -> None:
    """Make and inspect manifests of installed plugins."""


_OUTPUT = click.option(
    "--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write here (default: stdout)."
)
_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["yaml", "json"]), help="Output format (default: by suffix, else yaml)."
)


def _emit(data: dict[str, Any], output: Path | None, fmt: str | None) -> None:
    from flowlint.manifest.writer import write

    text = write(data, output, fmt)
    if text is not None:
        click.echo(text, nl=False)
    else:
        click.echo(f"flowlint: wrote {output}", err=True)


def _emit_build(result: Any, output: Path | None, fmt: str | None) -> int:
    """Print a built manifest's warnings on stderr, then write it."""
    for warning in result.warnings:
        click.echo(f"flowlint: warning: {warning}", err=True)
    _emit(result.data, output, fmt)
    return EXIT_OK


@manifest_group.command("build")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@_OUTPUT
@_FORMAT
@click.option("--source", "source_text", help="The manifest's `source` (default: the folder and today's date).")
@click.option("--verbose", "-v", is_flag=True, help="Print tracebacks of internal errors.")
def manifest_build(folder: Path, output: Path | None, fmt: str | None, source_text: str | None, verbose: bool) -> None:
    """Build a manifest from a folder of plugin JARs (as Kestra reads them)."""

    def action() -> int:
        from flowlint.manifest.jars import build_from_jars

        result = build_from_jars(folder, source_text)
        return _emit_build(result, output, fmt)

    _guarded(verbose, action)


@manifest_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@_OUTPUT
@_FORMAT
@click.option("--source", "source_text", help="The manifest's `source` (default: the files and today's date).")
@click.option("--verbose", "-v", is_flag=True, help="Print tracebacks of internal errors.")
def manifest_import(
    files: tuple[Path, ...], output: Path | None, fmt: str | None, source_text: str | None, verbose: bool
) -> None:
    """Merge saved Kestra API responses (/api/v1/plugins, versioned-plugins) into one manifest."""

    def action() -> int:
        from flowlint.manifest.api import import_responses

        result = import_responses(files, source_text)
        return _emit_build(result, output, fmt)

    _guarded(verbose, action)


@manifest_group.command("pull")
@click.argument("url")
@_OUTPUT
@_FORMAT
@click.option("--tenant", help="Tenant id, for multi-tenant instances.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for each answer.")
@click.option("--verbose", "-v", is_flag=True, help="Print tracebacks of internal errors.")
def manifest_pull(
    url: str, output: Path | None, fmt: str | None, tenant: str | None, timeout: float, verbose: bool
) -> None:
    """Read the installed plugins from a running Kestra (token: KESTRA_API_TOKEN; basic auth:
    KESTRA_USERNAME / KESTRA_PASSWORD)."""

    def action() -> int:
        from flowlint.manifest.api import pull

        result = pull(url, tenant=tenant, timeout=timeout, progress=lambda m: click.echo(m, err=True))
        return _emit_build(result, output, fmt)

    _guarded(verbose, action)


def _manifest_for(path: Path | None, config_path: Path | None) -> Any:
    """The manifest at ``path``, else the configured one, else the bundled catalog."""
    from flowlint.config import find_config, load_settings
    from flowlint.run import load_manifest
    from flowlint.selection import checked_settings

    cwd = Path.cwd()
    config = config_path if config_path is not None else find_config(cwd)
    settings = checked_settings(load_settings(config, cwd))
    return load_manifest([path] if path is not None else settings.manifests, settings)


@manifest_group.command("show")
@click.argument("path", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--type", "type_name", help="Say which plugin versions provide this type (or alias).")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config naming the manifest.")
def manifest_show(path: Path | None, type_name: str | None, config_path: Path | None) -> None:
    """Show a manifest (default: the configured one, else the bundled catalog): plugins, versions, types."""

    def action() -> int:
        from flowlint.manifest.inspect import show, show_type

        manifest = _manifest_for(path, config_path)
        if type_name is None:
            click.echo(show(manifest), nl=False)
            return EXIT_OK
        text, found = show_type(manifest, type_name)
        click.echo(text, nl=False)
        return EXIT_OK if found else EXIT_FINDINGS

    _guarded(False, action)


@manifest_group.command("diff")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
def manifest_diff(old: Path, new: Path) -> None:
    """Versions and types added and removed per plugin between two manifests (exit 1 when they differ)."""

    def action() -> int:
        from flowlint.manifest.inspect import diff
        from flowlint.manifest.loader import load_manifests

        text, changed = diff(load_manifests([old]), load_manifests([new]))
        click.echo(text, nl=False)
        return EXIT_FINDINGS if changed else EXIT_OK

    _guarded(False, action)


@main.command("lsp")
@click.option("--stdio", is_flag=True, help="Speak LSP over standard input and output (the only transport).")
def lsp(stdio: bool) -> None:
    """Run the language server for editors (LSP over stdio); needs the [lsp] extra."""
    import importlib.util

    if any(importlib.util.find_spec(name) is None for name in ("pygls", "lsprotocol")):
        _fail_usage("flowlint lsp needs the [lsp] extra: pip install 'kestra-flowlint[lsp]'")
    from flowlint.lsp.server import serve

    serve()


# fix, inventory, impact ------------------------------------------------------------------------------

_MANIFEST_OPTION = click.option(
    "--manifest",
    "manifests",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Manifest of installed plugins (repeatable, merged). Replaces the configured one.",
)
_CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Config file (.flowlint.yaml or pyproject.toml); default: found from the working folder up.",
)
_TARGET_OPTION = click.option(
    "--target-kestra-version", help="Kestra version whose rules apply (default: config, else 1.3)."
)
_EXCLUDE_OPTION = click.option(
    "--force-exclude", is_flag=True, help="Apply `exclude` to files named on the command line too."
)
_VERBOSE_OPTION = click.option("--verbose", "-v", is_flag=True, help="Print tracebacks of internal errors.")


def _setup(options: dict[str, Any], **extra: Any) -> Any:
    """The config, settings, manifest and files of a run, found the way `check` finds them."""
    from flowlint.run import CheckOptions, candidates, prepare

    paths = tuple(options["paths"])
    if Path("-") in paths:
        raise UsageError("this command reads files, not standard input ('-')")
    check_options = CheckOptions(
        paths=paths,
        manifests=tuple(options["manifests"]),
        config=options["config_path"],
        target=options["target_kestra_version"],
        force_exclude=bool(options["force_exclude"]),
        cwd=Path.cwd(),
        cache=False,
        **extra,
    )
    setup = prepare(check_options)
    return setup, candidates(check_options, setup)


@main.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_MANIFEST_OPTION
@_CONFIG_OPTION
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
@click.option("--select", multiple=True, help="Codes or prefixes whose fixes apply (FL1, FL107, ALL); comma-separated.")
@click.option("--ignore", multiple=True, help="Codes or prefixes not to check nor fix; comma-separated.")
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
@_TARGET_OPTION
@_EXCLUDE_OPTION
@click.option("--quiet", "-q", is_flag=True, help="Print the remaining findings only.")
@_VERBOSE_OPTION
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
def fix_command(**options: Any) -> None:
    """Apply safe fixes in place, preserving everything else byte for byte (--diff: show them instead)."""
    _guarded(bool(options["verbose"]), lambda: _run_fix(options))


def _run_fix(options: dict[str, Any]) -> int:
    from flowlint.atomic import write_atomically
    from flowlint.fix import FixOptions, Upgrade, fix_file, unified_diff
    from flowlint.lint import Linter
    from flowlint.report import Report

    upgrades = tuple(Upgrade.parse(text) for text in options["upgrades"])
    if options["pin"] and upgrades:
        raise UsageError("--pin and --upgrade are separate runs: give one of them")
    if options["namespaces"] and not upgrades:
        raise UsageError("--namespace goes with --upgrade")
    setup, found = _setup(
        options, select=_codes(options["select"], "--select"), ignore=_codes(options["ignore"], "--ignore")
    )
    for upgrade in upgrades:
        _check_upgrade(upgrade, setup.manifest)
    linter = Linter(setup.settings, setup.manifest, setup.enabled)
    fix_options = FixOptions(
        bool(options["unsafe_fixes"]), bool(options["pin"]), upgrades, tuple(options["namespaces"])
    )
    fixes = [fix_file(c.path, c.display, linter, fix_options) for c in found]
    refused = [f for f in fixes if f.refused is not None]
    changed = [f for f in fixes if f.changed and f.refused is None]
    quiet = bool(options["quiet"])
    machine = options["output_format"] == "json"
    for fixed in fixes:
        for note in fixed.notes:
            click.echo(f"flowlint: note: {note}", err=True)
    if options["show_diff"]:
        click.echo("".join(unified_diff(f) for f in changed), nl=False)
        _report_refused(refused)
        if refused:
            return EXIT_INTERNAL
        return EXIT_FINDINGS if changed else EXIT_OK
    for fixed in changed:
        write_atomically(fixed.path, fixed.fixed)
    lines = [_fixed_line(c) for f in changed for c in f.changes]
    if lines and not quiet:
        click.echo("\n".join(lines), err=machine)
    report = Report(
        files=sorted((f.result for f in fixes), key=lambda r: r.path),
        manifest_source=setup.manifest.source,
        manifest_plugins=setup.manifest.own_plugins,
        manifest_summary=setup.manifest.summary(),
    )
    from flowlint.formats import render

    fail_on = Severity(options["fail_on"]) if options["fail_on"] else setup.settings.fail_on
    color = _use_color(options["color"])
    click.echo(
        render(options["output_format"], report, color=color, quiet=quiet, fail_on=fail_on), nl=False, color=color
    )
    if not quiet:
        count = sum(len(f.changes) for f in changed)
        click.echo(
            f"fixed {count} {'issue' if count == 1 else 'issues'} in {len(changed)} "
            f"{'file' if len(changed) == 1 else 'files'}; {len(report.diagnostics)} remaining",
            err=machine,
        )
    _report_refused(refused)
    if refused:
        return EXIT_INTERNAL
    if options["exit_zero"]:
        return EXIT_OK
    return EXIT_FINDINGS if report.failed(fail_on) else EXIT_OK


def _fix_before_check(setup: Any, found: Sequence[Any], unsafe: bool, quiet: bool) -> bool:
    """``check --fix``: apply the fixes ``flowlint fix`` would (all, with ``unsafe``), saying what changed on
    standard error; False when a fix was refused (nothing written to that file)."""
    from flowlint.atomic import write_atomically
    from flowlint.fix import FixOptions, fix_file
    from flowlint.lint import Linter

    linter = Linter(setup.settings, setup.manifest, setup.enabled)
    fixes = [fix_file(c.path, c.display, linter, FixOptions(unsafe, False, (), ())) for c in found]
    refused = [f for f in fixes if f.refused is not None]
    changed = [f for f in fixes if f.changed and f.refused is None]
    for fixed in changed:
        write_atomically(fixed.path, fixed.fixed)
    if not quiet:
        lines = [_fixed_line(c) for f in changed for c in f.changes]
        count = len(lines)
        lines.append(
            f"fixed {count} {'issue' if count == 1 else 'issues'} in {len(changed)} "
            f"{'file' if len(changed) == 1 else 'files'}"
        )
        click.echo("\n".join(lines), err=True)
    _report_refused(refused)
    return not refused


def _check_upgrade(upgrade: Any, manifest: Any) -> None:
    """A PLUGIN that no installed plugin matches is a usage error; a VERSION not installed, a warning."""
    if ":" in upgrade.plugin:
        plugins = [p for p in manifest.plugins if p.coordinates == upgrade.plugin]
    else:
        from flowlint.manifest.model import in_package

        plugins = [
            e.plugin for name in manifest.type_names if in_package(name, upgrade.plugin) for e in manifest.lookup(name)
        ]
    if not plugins:
        raise UsageError(f"--upgrade {upgrade.plugin}={upgrade.version}: no installed plugin is {upgrade.plugin}")
    if not any(v.text.lower() == upgrade.version.lower() for p in plugins for v in p.versions):
        click.echo(
            f"flowlint: warning: {upgrade.version} of {upgrade.plugin} is not installed: the upgraded flows will "
            "not resolve until it is",
            err=True,
        )


def _fixed_line(change: Any) -> str:
    """``path:line:col: fixed CODE: what`` for one applied fix (a name that is not UTF-8 escaped)."""
    from flowlint.formats import escape_text

    return f"{escape_text(change.path)}:{change.line}:{change.column}: fixed {change.code}: {change.description}"


def _report_refused(refused: Sequence[Any]) -> None:
    from flowlint.formats import escape_text

    for fixed in refused:
        click.echo(
            f"flowlint: internal error: {escape_text(fixed.display)}: fix refused, nothing written: {fixed.refused}",
            err=True,
        )
    if refused:
        click.echo(
            f"This is a bug in flowlint {__version__}. Please report it at {REPORT_URL} with the command you ran "
            "and the file it ran on.",
            err=True,
        )


@main.command("inventory")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_MANIFEST_OPTION
@_CONFIG_OPTION
@click.option(
    "--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.option("--by", type=click.Choice(["plugin"]), help="Group the uses by plugin and resolved version.")
@click.option("--plugin", "plugin_filter", help="Only uses of this plugin (groupId:artifactId or a type prefix).")
@click.option(
    "--output-file", type=click.Path(path_type=Path, dir_okay=False), help="Write here instead of standard output."
)
@_TARGET_OPTION
@_EXCLUDE_OPTION
@_VERBOSE_OPTION
def inventory_command(**options: Any) -> None:
    """Every plugin use with the version it resolves to, as a table, CSV or JSON."""
    _guarded(bool(options["verbose"]), lambda: _run_inventory(options))


def _run_inventory(options: dict[str, Any]) -> int:
    from flowlint.inventory import collect_uses, render

    setup, found = _setup(options)
    warnings: list[str] = []
    rows = collect_uses(found, setup.settings, setup.manifest, warnings)
    wanted = options["plugin_filter"]
    if wanted:
        from flowlint.manifest.model import in_package

        rows = [r for r in rows if (r.plugin == wanted if ":" in wanted else in_package(r.type, wanted))]
    for warning in warnings:
        click.echo(f"flowlint: warning: {warning}", err=True)
    text = render(rows, options["output_format"], options["by"])
    if options["output_file"] is not None:
        _write_atomically(options["output_file"], text)
    else:
        click.echo(text, nl=False)
    return EXIT_OK


@main.command("impact")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--to",
    "new_manifests",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="The manifest of the plugins the instance would have (repeatable, merged).",
)
@_MANIFEST_OPTION
@_CONFIG_OPTION
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_TARGET_OPTION
@_EXCLUDE_OPTION
@_VERBOSE_OPTION
def impact_command(**options: Any) -> None:
    """What breaks or moves if the installed plugins become NEW_MANIFEST (exit 1 when something breaks)."""
    _guarded(bool(options["verbose"]), lambda: _run_impact(options))


def _run_impact(options: dict[str, Any]) -> int:
    from flowlint.impact import compute, render_json, render_text
    from flowlint.run import load_manifest

    setup, found = _setup(options)
    new = load_manifest([Path.cwd() / p for p in options["new_manifests"]], setup.settings)
    result = compute(found, setup.settings, setup.manifest, new, setup.enabled)
    click.echo(render_json(result) if options["output_format"] == "json" else render_text(result), nl=False)
    return EXIT_FINDINGS if result.breaking else EXIT_OK
