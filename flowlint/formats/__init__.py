"""Output formats: each module turns a Report into text, and computes nothing."""

from __future__ import annotations

import importlib
from typing import Protocol

from flowlint.report import Report


class Formatter(Protocol):
    """What a format module provides."""

    def render(self, report: Report, *, color: bool, quiet: bool) -> str:
        """The text to print for ``report``."""
        ...


FORMATS = ("full", "concise", "json")


def render(name: str, report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report`` in format ``name`` (imported only when used)."""
    module = importlib.import_module(f"flowlint.formats.{name}_format")
    text: str = module.render(report, color=color, quiet=quiet)
    return text
