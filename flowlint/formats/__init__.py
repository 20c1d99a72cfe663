"""Output formats: each module turns a Report into text, and computes nothing."""

from __future__ import annotations

import importlib
import inspect
from typing import Protocol

from flowlint.diagnostics import Severity
from flowlint.report import Report


class Formatter(Protocol):
    """What a format module provides (a module may also take ``fail_on``, the run's failing severity)."""

    def render(self, report: Report, *, color: bool, quiet: bool) -> str:
        """The text to print for ``report``."""
        ...


FORMATS = ("full", "concise", "json", "sarif", "github", "gitlab", "junit")


def render(
    name: str, report: Report, *, color: bool = False, quiet: bool = False, fail_on: Severity = Severity.ERROR
) -> str:
    """Render ``report`` in format ``name`` (imported only when used)."""
    module = importlib.import_module(f"flowlint.formats.{name}_format")
    extra = {"fail_on": fail_on} if "fail_on" in inspect.signature(module.render).parameters else {}
    text: str = module.render(report, color=color, quiet=quiet, **extra)
    return text
