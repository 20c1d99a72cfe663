"""``github``: GitHub Actions workflow commands, one annotation per finding, then the summary line.

``::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=CODE name::message`` (``::warning`` for
warnings, ``::notice`` for info), escaped as the Actions toolkit does. The default format when
``GITHUB_ACTIONS=true`` and no ``--format`` is given.
"""

from __future__ import annotations

from flowlint.diagnostics import Diagnostic, Severity
from flowlint.formats import escape_text
from flowlint.formats.style import Style
from flowlint.report import Report

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report, *, color: bool, quiet: bool) -> str:
    """One workflow command per finding and the summary line (unless ``quiet``); never coloured."""
    lines = [command(d) for d in report.diagnostics]
    if not quiet:
        lines.append(Style(False).summary(report))
    return "\n".join(lines) + ("\n" if lines else "")


def command(d: Diagnostic) -> str:
    """The workflow command that annotates ``d``."""
    span = d.span
    properties = {
        "file": escape_text(d.path),
        "line": str(span.line),
        "col": str(span.column),
        "endLine": str(span.end_line),
        "endColumn": str(span.end_column),
        "title": f"{d.code} {d.name}",
    }
    message = d.message if not d.help else f"{d.message}\nhelp: {d.help}"
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{_COMMANDS[d.severity]} {listed}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """A command's message: ``%``, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value: as data, and ``:`` and ``,`` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
