"""Code actions: a quick fix for each finding that has one, and "fix all": what ``flowlint fix`` makes of
the document (its passes, its selection of the fixes that do not overlap, its re-parse proof), as the
edits of the places it changes; nothing when ``flowlint fix`` would leave the document as it is."""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from flowlint.diagnostics import Edit
from flowlint.fix import FixOptions, FixRefused
from flowlint.fix.proof import not_accepted
from flowlint.fix.text import fix_passes
from flowlint.lsp.findings import Snapshot, lsp_diagnostic, shown
from flowlint.lsp.positions import LineIndex
from flowlint.source import parse

FIX_ALL = "source.fixAll.flowlint"


def code_actions(snapshot: Snapshot, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Quick fixes for the request's diagnostics (by code and range), and a fix-all when asked for."""
    only = params.context.only
    wants_quickfix = only is None or any(types.CodeActionKind.QuickFix.startswith(k) for k in only)
    wants_fix_all = only is not None and any(FIX_ALL.startswith(k) for k in only)
    index, uri = snapshot.index, snapshot.uri
    findings = shown(snapshot.result, snapshot.text)
    actions: list[types.CodeAction] = []
    if wants_quickfix and not _refused(snapshot):
        requested = params.context.diagnostics
        for diagnostic in findings:
            fix = diagnostic.fix
            if fix is None:
                continue
            where = index.range(diagnostic.span)
            matched = [d for d in requested if str(d.code) == diagnostic.code and d.range == where]
            if not matched and (requested or not _overlaps(where, params.range)):
                continue
            title = f"{fix.description} ({diagnostic.code}{'' if fix.safe else ', unsafe'})"
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=matched or [lsp_diagnostic(diagnostic, index, uri)],
                    is_preferred=fix.safe,
                    edit=_workspace_edit(uri, index, fix.edits),
                )
            )
        actions.sort(key=lambda a: not a.is_preferred)
    if wants_fix_all and any(d.fix is not None and d.fix.safe for d in findings):
        edits = _fix_all(snapshot)
        if edits:
            edit = types.WorkspaceEdit(changes={uri: edits})
            actions.append(types.CodeAction(title="flowlint: apply every safe fix", kind=FIX_ALL, edit=edit))
    return actions


def _refused(snapshot: Snapshot) -> bool:
    """Whether ``flowlint fix`` leaves the document alone (an FL001: Kestra cannot parse it)."""
    return not_accepted(parse(snapshot.display, snapshot.text)) is not None


def _fix_all(snapshot: Snapshot) -> list[types.TextEdit]:
    """The edits that turn the document into what ``flowlint fix`` makes of it (none when it refuses)."""
    try:
        done = fix_passes(snapshot.text, snapshot.display, snapshot.linter, FixOptions())
    except FixRefused:
        return []
    index = snapshot.index
    return [types.TextEdit(index.node_range(a0, a1), done.text[b0:b1]) for a0, a1, b0, b1 in done.regions]


def _workspace_edit(uri: str, index: LineIndex, edits: Iterable[Edit]) -> types.WorkspaceEdit:
    text_edits = [types.TextEdit(index.range(edit.span), edit.replacement) for edit in edits]
    return types.WorkspaceEdit(changes={uri: text_edits})


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)
