"""The findings of a document as the editor shows them: the last lint of a document (``Snapshot``),
which findings are shown, and each as an LSP diagnostic."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lsprotocol import types

from flowlint.diagnostics import Diagnostic, FileResult, Related, Severity
from flowlint.lint import Linter
from flowlint.lsp.positions import LineIndex
from flowlint.rules import RULES_BY_CODE

SOURCE = "flowlint"

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}

_FLOW_KEYS = re.compile(r"^(?:id|namespace)[ \t]*:", re.MULTILINE)


@dataclass(frozen=True)
class Snapshot:
    """A document as last linted: its text, the findings, and what it was linted with."""

    uri: str
    display: str
    text: str
    version: int | None
    index: LineIndex
    result: FileResult
    linter: Linter
    project: tuple[Diagnostic, ...] = ()
    """The project rules' findings (FL7xx) the document was linted with."""


def looks_like_flow(text: str) -> bool:
    """Whether a text flowlint cannot read still looks like a flow (top-level ``id`` and ``namespace``)."""
    return len({m.group(0).split(":")[0].strip() for m in _FLOW_KEYS.finditer(text)}) == 2


def shown(result: FileResult, text: str) -> tuple[Diagnostic, ...]:
    """The findings an editor shows: a file with no flow stays silent, unless it looks like a broken flow."""
    if result.flows or looks_like_flow(text):
        return result.diagnostics
    return ()


Elsewhere = Callable[[Related], types.Location | None]
"""Where a related place in another file is (None: that file cannot be read)."""


def lsp_diagnostic(
    diagnostic: Diagnostic, index: LineIndex, uri: str, elsewhere: Elsewhere | None = None
) -> types.Diagnostic:
    """One finding as an LSP diagnostic: range in code units, FL code linking to the rule's page; a related
    place in another file (FL703's other definition) located by ``elsewhere``, left out without it."""
    rule = RULES_BY_CODE.get(diagnostic.code)
    message = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
    related = []
    for place in diagnostic.related:
        if place.path == diagnostic.path:
            location: types.Location | None = types.Location(uri, index.range(place.span))
        else:
            location = elsewhere(place) if elsewhere is not None else None
        if location is not None:
            related.append(types.DiagnosticRelatedInformation(location, place.message))
    return types.Diagnostic(
        range=index.range(diagnostic.span),
        message=message,
        severity=_SEVERITIES[diagnostic.severity],
        code=diagnostic.code,
        code_description=types.CodeDescription(href=rule.url) if rule is not None else None,
        source=SOURCE,
        related_information=related or None,
    )


def error_diagnostic(message: str) -> types.Diagnostic:
    """A problem with the config or manifest, shown at the top of the document."""
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=f"flowlint cannot check this file: {message}",
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
    )
