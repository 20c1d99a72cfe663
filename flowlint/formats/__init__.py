"""Output formats: each module turns a Report into text, and computes nothing."""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Protocol

from flowlint.diagnostics import Severity
from flowlint.report import Report


class Formatter(Protocol):
    """What a format module provides (a module may also take ``fail_on``, the run's failing severity)."""

    def render(self, report: Report, *, color: bool, quiet: bool) -> str:
        """The text to print for ``report``."""
        ...


FORMATS = ("full", "concise", "json", "sarif", "github", "gitlab", "junit")

# Characters XML 1.0 cannot hold at all, escaped or not: controls, and the lone surrogates that stand for
# the bytes of a file name that is not UTF-8 (``os.fsdecode``), which no UTF-8 output can hold either. (All
# but tab, newline, carriage return, U+0020-U+D7FF, U+E000-U+FFFD and U+10000 on, spelt as the characters
# it holds: the negated class compiles ten times slower, 3 ms of every run.)
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape_text(text: str) -> str:
    """``text`` with the characters an XML, JSON or terminal output cannot carry shown as ``\\xNN`` /
    ``\\uNNNN``; a byte of a name that is not UTF-8 as itself (``bad\\xff.yml``)."""
    return _UNWRITABLE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def render(
    name: str, report: Report, *, color: bool = False, quiet: bool = False, fail_on: Severity = Severity.ERROR
) -> str:
    """Render ``report`` in format ``name`` (imported only when used)."""
    module = importlib.import_module(f"flowlint.formats.{name}_format")
    extra = {"fail_on": fail_on} if "fail_on" in inspect.signature(module.render).parameters else {}
    text: str = module.render(report, color=color, quiet=quiet, **extra)
    return text
