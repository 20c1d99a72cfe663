"""``flowlint graph``: the project's call graph (Subflow and ForEachItem calls, Flow triggers) as Mermaid or
DOT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from flowlint.cli import (
    CONFIG_OPTION,
    EXCLUDE_OPTION,
    EXIT_OK,
    MANIFEST_OPTION,
    VERBOSE_OPTION,
    guarded,
    write_atomically,
)
from flowlint.commands import file_options


@click.command("graph")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True)
@click.option(
    "--namespace",
    help="Only the flows of this namespace (a glob: `*` one segment, `**` any) and their direct neighbours.",
)
@click.option(
    "--output-file", type=click.Path(path_type=Path, dir_okay=False), help="Write here instead of standard output."
)
@MANIFEST_OPTION
@CONFIG_OPTION
@EXCLUDE_OPTION
@VERBOSE_OPTION
def graph_command(**options: Any) -> None:
    """The flows of the project (the config's include, else its folder; and PATHS) and how they call and
    trigger one another."""
    guarded(bool(options["verbose"]), lambda: _run_graph(options))


def _run_graph(options: dict[str, Any]) -> int:
    from flowlint.batch import default_jobs
    from flowlint.project.graph import command_index, dot, mermaid
    from flowlint.run import prepare_files

    setup, found = prepare_files(file_options({**options, "target_kestra_version": None}))
    index = command_index(setup, found, default_jobs())
    text = (dot if options["output_format"] == "dot" else mermaid)(index, options["namespace"])
    if options["output_file"] is not None:
        write_atomically(options["output_file"], text)
    else:
        click.echo(text, nl=False)
    return EXIT_OK
