"""``flowlint lsp``: the language server for editors."""

from __future__ import annotations

import click

from flowlint.cli import fail_usage


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Speak LSP over standard input and output (the only transport).")
def lsp(stdio: bool) -> None:
    """Run the language server for editors (LSP over stdio); needs the [lsp] extra."""
    import importlib.util

    if any(importlib.util.find_spec(name) is None for name in ("pygls", "lsprotocol")):
        fail_usage("flowlint lsp needs the [lsp] extra: pip install 'kestra-flowlint[lsp]'")
    from flowlint.lsp.server import serve

    serve()
