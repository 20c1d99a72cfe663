"""Shared pieces of the human formats: colours, the finding's headline, the summary line."""

from __future__ import annotations

from flowlint.diagnostics import Diagnostic, Severity
from flowlint.formats import escape_text
from flowlint.report import Report

_SEVERITY_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


class Style:
    """ANSI styling, or none."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def paint(self, text: str, code: str) -> str:
        """``text`` in SGR ``code`` when colour is on."""
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def headline(self, d: Diagnostic) -> str:
        """``path:line:col: CODE [severity] message``."""
        where = self.paint(f"{escape_text(d.path)}:{d.span.line}:{d.span.column}:", "1")
        code = self.paint(d.code, "1;" + _SEVERITY_COLORS[d.severity])
        level = self.paint(f"[{d.severity.value}]", _SEVERITY_COLORS[d.severity])
        return f"{where} {code} {level} {d.message}"

    def summary(self, report: Report) -> str:
        """Notes, the summary line (green when nothing was found), and how many findings ``flowlint fix``
        can fix."""
        line = report.summary_line()
        colour = "31" if report.counts[Severity.ERROR] else "33" if report.diagnostics else "32"
        text = self.paint(line, colour)
        notes = [self.paint(f"note: {n}", "36") for n in report.notes]
        fixable = report.fixable_line()
        return "\n".join([*notes, text, *([fixable] if fixable else [])])
