"""The commands besides ``check``, ``rules`` and ``rule``: :mod:`flowlint.cli` imports each when it runs (or
when ``--help`` lists them), so that ``flowlint check`` loads none of them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flowlint.run import CheckOptions


def file_options(options: dict[str, Any], select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> CheckOptions:
    """The files, config and manifest a command that reads files (fix, inventory, impact) was given."""
    from flowlint.run import CheckOptions

    return CheckOptions(
        paths=tuple(options["paths"]),
        manifests=tuple(options["manifests"]),
        config=options["config_path"],
        select=select,
        ignore=ignore,
        target=options["target_kestra_version"],
        force_exclude=bool(options["force_exclude"]),
        cwd=Path.cwd(),
    )
