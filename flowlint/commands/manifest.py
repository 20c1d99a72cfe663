"""``flowlint manifest``: build, import, pull, show and compare manifests of installed plugins."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from flowlint.cli import EXIT_FINDINGS, EXIT_OK, TARGET_OPTION, guarded

if TYPE_CHECKING:
    from flowlint.config import Settings
    from flowlint.manifest.model import Manifest
    from flowlint.manifest.writer import BuildResult
    from flowlint.versions import Version


@click.group("manifest")
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


def _emit_build(result: BuildResult, output: Path | None, fmt: str | None) -> int:
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
@click.option("--no-properties", is_flag=True, help="Do not read property definitions from the class files.")
@click.option("--verbose", "-v", is_flag=True, help="Print tracebacks of internal errors.")
def manifest_build(
    folder: Path, output: Path | None, fmt: str | None, source_text: str | None, no_properties: bool, verbose: bool
) -> None:
    """Build a manifest from a folder of plugin JARs (as Kestra reads them), with the properties of their
    classes."""

    def action() -> int:
        from flowlint.manifest.jars import build_from_jars

        result = build_from_jars(folder, source_text, properties=not no_properties)
        return _emit_build(result, output, fmt)

    guarded(verbose, action)


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

    guarded(verbose, action)


@manifest_group.command("pull")
@click.argument("url")
@_OUTPUT
@_FORMAT
@click.option("--tenant", help="Tenant id, for multi-tenant instances.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for each answer.")
@click.option("--no-properties", is_flag=True, help="Skip the property schemas (plugins, versions and types only).")
@click.option(
    "--update",
    "old_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="An earlier manifest: its properties are reused for plugin versions it lists with the same types.",
)
@click.option("--verbose", "-v", is_flag=True, help="Print tracebacks of internal errors.")
def manifest_pull(
    url: str,
    output: Path | None,
    fmt: str | None,
    tenant: str | None,
    timeout: float,
    no_properties: bool,
    old_path: Path | None,
    verbose: bool,
) -> None:
    """Read the installed plugins and their property schemas from a running Kestra (token:
    KESTRA_API_TOKEN; basic auth: KESTRA_USERNAME / KESTRA_PASSWORD)."""

    def action() -> int:
        import sys

        from flowlint.manifest.api import pull
        from flowlint.manifest.loader import load_manifests

        old = load_manifests([old_path]) if old_path is not None and not no_properties else None
        bar = (lambda text: click.echo(text, err=True, nl=False)) if sys.stderr.isatty() else None
        result = pull(
            url,
            tenant=tenant,
            timeout=timeout,
            progress=lambda m: click.echo(m, err=True),
            bar=bar,
            properties=not no_properties,
            old=old,
        )
        return _emit_build(result, output, fmt)

    guarded(verbose, action)


def _manifest_for(path: Path | None, config_path: Path | None, target: str | None) -> tuple[Manifest, Version]:
    """The manifest at ``path``, else the configured one, else the bundled catalog; and the target Kestra
    version (``target``, else the config's)."""
    from flowlint.run import load_manifest

    settings = _settings_for(config_path, target)
    return load_manifest([path] if path is not None else settings.manifests, settings), settings.target


def _settings_for(config_path: Path | None, target: str | None) -> Settings:
    """The settings of ``config_path`` (else the config found from here), with ``target`` as the target
    Kestra version when given."""
    from flowlint.config import find_config, load_settings
    from flowlint.errors import UsageError
    from flowlint.selection import checked_settings
    from flowlint.versions import parse_version

    cwd = Path.cwd()
    config = config_path if config_path is not None else find_config(cwd)
    settings = checked_settings(load_settings(config, cwd))
    if target is not None:
        parsed = parse_version(target)
        if parsed is None:
            raise UsageError(f"--target-kestra-version: {target!r} is not a Kestra version")
        settings = settings.with_overrides(target=parsed, target_origin="--target-kestra-version")
    return settings


@manifest_group.command("show")
@click.argument("path", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--type", "type_name", help="Which plugin versions provide this type (or alias), and its properties.")
@click.option("--version", "version", help="With --type: the properties in this plugin version only.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config naming the manifest.")
@TARGET_OPTION
def manifest_show(
    path: Path | None,
    type_name: str | None,
    version: str | None,
    config_path: Path | None,
    target_kestra_version: str | None,
) -> None:
    """Show a manifest (default: the configured one, else the bundled catalog): plugins, versions, types;
    with --type, one type's plugin versions and properties."""

    def action() -> int:
        from flowlint.errors import UsageError
        from flowlint.manifest.inspect import show, show_type

        if version is not None and type_name is None:
            raise UsageError("--version needs --type")
        manifest, target = _manifest_for(path, config_path, target_kestra_version)
        click.echo(show(manifest) if type_name is None else show_type(manifest, type_name, target, version), nl=False)
        return EXIT_OK

    guarded(False, action)


@manifest_group.command("diff")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config giving the target version.")
@TARGET_OPTION
def manifest_diff(old: Path, new: Path, config_path: Path | None, target_kestra_version: str | None) -> None:
    """Versions, types and properties added and removed per plugin between two manifests (exit 1 when they
    differ). Properties are compared at each manifest's Kestra version, else the target Kestra version."""

    def action() -> int:
        from flowlint.manifest.inspect import diff
        from flowlint.manifest.loader import load_manifests

        target = _settings_for(config_path, target_kestra_version).target
        text, changed = diff(load_manifests([old]), load_manifests([new]), target)
        click.echo(text, nl=False)
        return EXIT_FINDINGS if changed else EXIT_OK

    guarded(False, action)
