"""``full``: each finding with its source line, a caret underline, related places and help."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from flowlint.diagnostics import Diagnostic
from flowlint.formats import escape_text
from flowlint.formats.style import Style
from flowlint.report import Report


def render(report: Report, *, color: bool, quiet: bool) -> str:
    """Findings with their source lines, then the summary."""
    style = Style(color)
    lines_of = {f.path: f.excerpts for f in report.files}
    out: list[str] = []
    for diagnostic in report.diagnostics:
        out.append(style.headline(diagnostic))
        pad = " " * (len(str(diagnostic.span.line)) + 2)  # under the gutter's bar
        snippet = _snippet(diagnostic, lines_of, style)
        out.extend(snippet)
        for related in diagnostic.related:
            where = f"{escape_text(related.path)}:{related.span.line}:{related.span.column}"
            out.append(f"{pad}{style.paint('=', '34')} note: {related.message} at {where}")
        if diagnostic.help:
            out.append(f"{pad}{style.paint('=', '34')} help: {diagnostic.help}")
        if diagnostic.fix is not None:
            kind = "fix" if diagnostic.fix.safe else "unsafe fix"
            out.append(f"{pad}{style.paint('=', '34')} {kind} available: {diagnostic.fix.description}")
        out.append("")
    if not quiet:
        out.append(style.summary(report))
    return "\n".join(out) + ("\n" if out else "")


def _snippet(diagnostic: Diagnostic, lines_of: dict[str, Mapping[int, str]], style: Style) -> list[str]:
    span = diagnostic.span
    text = lines_of.get(diagnostic.path, {}).get(span.line)
    if text is None:
        return []
    text = text.expandtabs(1)
    number = str(span.line)
    gutter = " " * len(number)
    start = span.column - 1
    end = min(span.end_column - 1 if span.end_line == span.line else len(text), len(text))
    width = max(1, _cells(text[start:end]))
    marker = " " * _cells(text[:start]) + style.paint("^" * width, "31")
    bar = style.paint("|", "34")
    return [f" {gutter} {bar}", f" {style.paint(number, '34')} {bar} {text}", f" {gutter} {bar} {marker}"]


def _cells(text: str) -> int:
    """Terminal cells ``text`` takes: wide characters (emoji, CJK) two, combining marks none."""
    return sum(_char_cells(ch) for ch in text)


def _char_cells(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
