"""``flowlint inventory`` (every plugin use and the version it resolves to) and ``flowlint impact`` (what
a change of the installed plugins does to them): their options, and what they print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from flowlint.cli import (
    CONFIG_OPTION,
    EXCLUDE_OPTION,
    EXIT_FINDINGS,
    EXIT_OK,
    MANIFEST_OPTION,
    TARGET_OPTION,
    VERBOSE_OPTION,
    guarded,
    write_atomically,
)
from flowlint.commands import file_options


@click.command("inventory")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@MANIFEST_OPTION
@CONFIG_OPTION
@click.option(
    "--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.option("--by", type=click.Choice(["plugin"]), help="Group the uses by plugin and resolved version.")
@click.option("--plugin", "plugin_filter", help="Only uses of this plugin (groupId:artifactId or a type prefix).")
@click.option(
    "--output-file", type=click.Path(path_type=Path, dir_okay=False), help="Write here instead of standard output."
)
@TARGET_OPTION
@EXCLUDE_OPTION
@VERBOSE_OPTION
def inventory_command(**options: Any) -> None:
    """Every plugin use with the version it resolves to, as a table, CSV or JSON."""
    guarded(bool(options["verbose"]), lambda: _run_inventory(options))


def _run_inventory(options: dict[str, Any]) -> int:
    from flowlint.inventory import InventoryRun, run_inventory

    run = InventoryRun(file_options(options), options["output_format"], options["by"], options["plugin_filter"])
    done = run_inventory(run)
    for warning in done.warnings:
        click.echo(f"flowlint: warning: {warning}", err=True)
    if options["output_file"] is not None:
        write_atomically(options["output_file"], done.text)
    else:
        click.echo(done.text, nl=False)
    return EXIT_OK


@click.command("impact")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--to",
    "new_manifests",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="The manifest of the plugins the instance would have (repeatable, merged).",
)
@MANIFEST_OPTION
@CONFIG_OPTION
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@TARGET_OPTION
@EXCLUDE_OPTION
@VERBOSE_OPTION
def impact_command(**options: Any) -> None:
    """What breaks or moves if the installed plugins become NEW_MANIFEST (exit 1 when something breaks)."""
    guarded(bool(options["verbose"]), lambda: _run_impact(options))


def _run_impact(options: dict[str, Any]) -> int:
    from flowlint.impact import ImpactRun, render_json, render_text, run_impact

    result = run_impact(ImpactRun(file_options(options), tuple(options["new_manifests"])))
    click.echo(render_json(result) if options["output_format"] == "json" else render_text(result), nl=False)
    return EXIT_FINDINGS if result.breaking else EXIT_OK
