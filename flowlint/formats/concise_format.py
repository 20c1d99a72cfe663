"""``concise``: one line per finding, ``path:line:col: CODE [severity] message``, then the summary."""

from __future__ import annotations

from flowlint.formats.style import Style
from flowlint.report import Report


def render(report: Report, *, color: bool, quiet: bool) -> str:
    """One line per finding and the summary line (unless ``quiet``)."""
    style = Style(color)
    lines = [style.headline(d) for d in report.diagnostics]
    if not quiet:
        lines.append(style.summary(report))
    return "\n".join(lines) + ("\n" if lines else "")
