"""Code actions: a quick fix for each finding that has one, and "fix all" (every safe fix that does
not overlap an earlier one)."""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from flowlint.diagnostics import Edit
from flowlint.lsp.findings import Snapshot, lsp_diagnostic, shown
from flowlint.lsp.positions import LineIndex

FIX_ALL = "source.fixAll.flowlint"


def code_actions(snapshot: Snapshot, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Quick fixes for the request's diagnostics (by code and range), and a fix-all when asked for."""
    only = params.context.only
    wants_quickfix = only is None or any(types.CodeActionKind.QuickFix.startswith(k) for k in only)
    wants_fix_all = only is not None and any(FIX_ALL.startswith(k) for k in only)
    index, uri = snapshot.index, snapshot.uri
    findings = shown(snapshot.result, snapshot.text)
    actions: list[types.CodeAction] = []
    if wants_quickfix:
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
    if wants_fix_all:
        edits = _non_overlapping(e for d in findings if d.fix is not None and d.fix.safe for e in d.fix.edits)
        if edits:
            actions.append(
                types.CodeAction(
                    title="flowlint: apply every safe fix",
                    kind=FIX_ALL,
                    edit=_workspace_edit(uri, index, edits),
                )
            )
    return actions


def _workspace_edit(uri: str, index: LineIndex, edits: Iterable[Edit]) -> types.WorkspaceEdit:
    text_edits = [types.TextEdit(index.range(edit.span), edit.replacement) for edit in edits]
    return types.WorkspaceEdit(changes={uri: text_edits})


def _non_overlapping(edits: Iterable[Edit]) -> list[Edit]:
    """``edits`` in document order, without those that overlap an earlier one."""
    chosen: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.span.line, e.span.column)):
        if chosen and (edit.span.line, edit.span.column) < (chosen[-1].span.end_line, chosen[-1].span.end_column):
            continue
        chosen.append(edit)
    return chosen


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)
