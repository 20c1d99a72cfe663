"""What the language server answers for one document: diagnostics, quick fixes, hover, completion.

Editor-independent: these functions take flowlint's results and lsprotocol parameters, and return
lsprotocol values; :mod:`flowlint.lsp.server` wires them to the protocol.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from lsprotocol import types
from ruamel.yaml.nodes import MappingNode, Node

from flowlint.diagnostics import Diagnostic, Edit, FileResult, Severity
from flowlint.flow import Flow, PluginUse, is_flow_document, read_flow
from flowlint.lint import Linter
from flowlint.lsp.positions import LineIndex
from flowlint.manifest.model import Manifest, PluginVersion, TypeEntry
from flowlint.resolve import Resolution, Resolver, Status
from flowlint.rules import RULES_BY_CODE
from flowlint.source import Source, get, parse
from flowlint.versions import Keyword, Version, newest, oldest

SOURCE = "flowlint"
FIX_ALL = "source.fixAll.flowlint"
KEYWORDS = ("LATEST", "OLDEST", "NONE")
MAX_TYPE_ITEMS = 200
_SHOWN_VERSIONS = 10

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}

_VERSION_LINE = re.compile(
    r"(?P<lead>[ \t]*(?:-[ \t]+)*)version[ \t]*:(?P<gap>[ \t]*)(?P<quote>[\"']?)(?P<partial>[^\"'\s#]*)"
)
_TYPE_LINE = re.compile(r"[ \t]*(?:-[ \t]+)*type[ \t]*:(?P<gap>[ \t]*)(?P<quote>[\"']?)(?P<partial>[\w.$]*)")
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


def looks_like_flow(text: str) -> bool:
    """Whether a text flowlint cannot read still looks like a flow (top-level ``id`` and ``namespace``)."""
    return len({m.group(0).split(":")[0].strip() for m in _FLOW_KEYS.finditer(text)}) == 2


def shown(result: FileResult, text: str) -> tuple[Diagnostic, ...]:
    """The findings an editor shows: a file with no flow stays silent, unless it looks like a broken flow."""
    if result.flows or looks_like_flow(text):
        return result.diagnostics
    return ()


# --- diagnostics --------------------------------------------------------------------------------


def lsp_diagnostic(diagnostic: Diagnostic, index: LineIndex, uri: str) -> types.Diagnostic:
    """One finding as an LSP diagnostic: range in code units, FL code linking to the rule's page."""
    rule = RULES_BY_CODE.get(diagnostic.code)
    message = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
    related = [
        types.DiagnosticRelatedInformation(types.Location(uri, index.range(r.span)), r.message)
        for r in diagnostic.related
    ]
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


# --- code actions -------------------------------------------------------------------------------


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


# --- hover --------------------------------------------------------------------------------------


def hover(snapshot: Snapshot, position: types.Position) -> types.Hover | None:
    """On a plugin's ``type`` or ``version``: its plugin, the version it resolves to and why (or why not)."""
    offset = snapshot.index.offset_at(position)
    source = parse(snapshot.display, snapshot.text)
    found = _use_at(source, offset)
    if found is None:
        return None
    flow, use, node = found
    linter = snapshot.linter
    resolution = Resolver(flow, linter.settings, linter.manifest).resolve(use)
    nodes = [n for n in (use.type_node, use.version_node, resolution.origin.node if resolution.origin else None) if n]
    findings = [d for d in shown(snapshot.result, snapshot.text) if _touches(d, nodes, snapshot.index)]
    text = describe(resolution, findings, exact=linter.settings.exact_full_versions)
    start, end = node.start_mark.index, node.end_mark.index
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=snapshot.index.node_range(start, end),
    )


def describe(resolution: Resolution, findings: Sequence[Diagnostic] = (), *, exact: bool = True) -> str:
    """Markdown: the type, its plugin, the version it resolves to and why, or why it does not resolve.

    ``exact``: the target matches a full version exactly (Kestra >= 1.1)."""
    use, status, origin = resolution.use, resolution.status, resolution.origin
    lines = [f"**`{use.type_name}`** ({use.kind})", ""]
    entry = resolution.entry or (resolution.entries[0] if resolution.entries else None)
    if entry is not None and status is not Status.AMBIGUOUS:
        title = f" ({entry.plugin.title})" if entry.plugin.title else ""
        lines += [f"Plugin `{entry.plugin.coordinates}`{title}", ""]
    if status is Status.CORE:
        lines.append("Kestra core plugin: bundled with Kestra, not versioned.")
    elif status is Status.RESOLVED and resolution.entry is not None and resolution.version is not None:
        version = resolution.version
        lines.append(f"Resolves to version **{version.text}**")
        lines.append("")
        if origin is not None:
            meaning = _meaning(origin.value.request, exact)
            lines.append(f"Why: version `{origin.value.text}` comes from {origin.description}; {meaning}.")
        canonical = resolution.entry.canonical_in(version)
        if canonical is not None:
            lines += ["", f"Deprecated alias of `{canonical}`."]
    else:
        lines.append(f"**Does not resolve**: {_why_not(resolution)}")
        if origin is not None and status not in (Status.UNKNOWN_TYPE, Status.NOT_A_PLUGIN):
            lines += ["", f"The version `{origin.value.text or origin.value.written}` comes from {origin.description}."]
    if entry is not None and status is not Status.CORE:
        have = sorted(entry.versions, key=lambda v: v.version.sort_key, reverse=True)
        listed = ", ".join(v.text for v in have[:_SHOWN_VERSIONS]) + (", …" if len(have) > _SHOWN_VERSIONS else "")
        lines += ["", f"Installed versions with this type: {listed or 'none'}"]
    if findings:
        lines += ["", *(f"- `{d.code}` {d.message}" + (f" ({d.help})" if d.help else "") for d in findings)]
    return "\n".join(lines).strip() + "\n"


def _meaning(request: Keyword | Version | None, exact: bool) -> str:
    """What the request selects, in words."""
    if request is Keyword.LATEST:
        return "LATEST selects the newest installed version that has the type"
    if request is Keyword.OLDEST:
        return "OLDEST selects the oldest installed version that has the type"
    if isinstance(request, Version):
        if request.parts == 1:
            return f"`{request.text}` selects the newest {request.major}.x"
        if request.parts == 2:
            return f"`{request.text}` selects the newest {request.major}.{request.minor}.x"
        if exact:
            return "a full version selects exactly that version"
        return f"before Kestra 1.1 a full version selects the newest {request.major}.{request.minor}.x"
    return "it selects this version"


def _why_not(resolution: Resolution) -> str:
    status, origin, use = resolution.status, resolution.origin, resolution.use
    if status is Status.UNKNOWN_TYPE:
        return "no installed plugin provides this type."
    if status is Status.NOT_A_PLUGIN:
        return "no installed plugin provides this type (and it does not stand where a plugin must)."
    if status is Status.INVALID and origin is not None:
        return f"the requested version is not usable: {origin.value.problem}."
    if status is Status.NO_VERSION:
        return "NONE is in force: no version is applied implicitly."
    if status is Status.NOT_INSTALLED and resolution.entry is not None:
        return f"version `{resolution.request_text}` of `{resolution.entry.plugin.coordinates}` is not installed."
    if status is Status.NOT_IN_VERSION and resolution.entry is not None and resolution.version is not None:
        return (
            f"`{resolution.request_text}` selects {resolution.entry.plugin.coordinates} {resolution.version.text}, "
            f"which does not contain {use.type_name}."
        )
    if status is Status.AMBIGUOUS:
        names = ", ".join(f"`{e.plugin.coordinates}` {v.text}" for e, v in resolution.matches)
        return f"several plugins provide it at this version: {names}."
    return str(status.value)


def _flows_at(source: Source, offset: int) -> Iterator[Flow]:
    """The flow documents of ``source`` that hold ``offset`` (read when reached)."""
    for position, document in enumerate(source.documents):
        if is_flow_document(document) and _inside(document, offset):
            assert isinstance(document, MappingNode)
            yield read_flow(document, position)


def _use_at(source: Source, offset: int) -> tuple[Flow, PluginUse, Node] | None:
    """The plugin use whose ``type`` or ``version`` (key or value) holds ``offset``, and that node."""
    for flow in _flows_at(source, offset):
        for use in flow.uses:
            type_entry = get(use.node, "type")
            if _inside(use.type_node, offset) or (type_entry is not None and _inside(type_entry[0], offset)):
                return flow, use, use.type_node
            if use.version_node is not None and (
                _inside(use.version_node, offset) or (use.version_key is not None and _inside(use.version_key, offset))
            ):
                return flow, use, use.version_node
    return None


def _inside(node: Node, offset: int) -> bool:
    return bool(node.start_mark.index <= offset <= node.end_mark.index)


def _touches(diagnostic: Diagnostic, nodes: Sequence[Node], index: LineIndex) -> bool:
    start = index.offset(diagnostic.span.line, diagnostic.span.column)
    end = index.offset(diagnostic.span.end_line, diagnostic.span.end_column)
    return any(start <= n.end_mark.index and n.start_mark.index <= end for n in nodes)


# --- completion ---------------------------------------------------------------------------------


def completion(
    text: str, index: LineIndex, position: types.Position, manifest: Manifest, display: str = "flow.yml"
) -> types.CompletionList | None:
    """Versions (and keywords) on a plugin's ``version:`` value; type names on a ``type:`` value."""
    line_start, line = index.lsp_line(position.line)
    cursor = index.offset_at(position)
    before = text[line_start:cursor]
    found = _VERSION_LINE.fullmatch(before)
    if found is not None:
        return _version_items(text, index, found, line_start, line_start + len(line), cursor, manifest, display)
    found = _TYPE_LINE.fullmatch(before)
    if found is not None:
        return _type_items(index, found, cursor, manifest)
    return None


def _version_items(
    text: str,
    index: LineIndex,
    found: re.Match[str],
    line_start: int,
    line_end: int,
    cursor: int,
    manifest: Manifest,
    display: str,
) -> types.CompletionList | None:
    key_offset = line_start + len(found["lead"])
    # the value may be half typed (an open quote): read the flow with the value removed
    patched = text[:key_offset] + "version:" + text[line_end:]
    entries = _entries_for_version_key(parse(display, patched), key_offset, manifest)
    if entries is None:
        return None
    quote, partial = found["quote"], found["partial"]
    after = text[cursor:line_end]
    closing = "" if not quote or after.startswith(quote) else quote
    opening, lead = ("", "") if quote else ('"', "" if found["gap"] else " ")
    edit_range = index.node_range(cursor - len(partial), cursor)

    def item(
        label: str, sort: int, kind: types.CompletionItemKind, detail: str, doc: str | None = None
    ) -> types.CompletionItem:
        close = closing if quote else '"'
        return types.CompletionItem(
            label=label,
            kind=kind,
            detail=detail,
            documentation=doc,
            sort_text=f"{sort:04d}",
            filter_text=label,
            text_edit=types.TextEdit(edit_range, f"{lead}{opening}{label}{close}"),
        )

    versions: dict[str, tuple[PluginVersion, list[str]]] = {}
    for entry in entries:
        for version in entry.versions:
            versions.setdefault(version.text, (version, []))[1].append(entry.plugin.coordinates)
    ordered = sorted(versions.values(), key=lambda v: v[0].version.sort_key, reverse=True)
    installed = [v.version for v, _ in ordered]
    items = [
        item(version.text, n, types.CompletionItemKind.Value, ", ".join(sorted(set(coordinates))))
        for n, (version, coordinates) in enumerate(ordered)
    ]
    latest, first = newest(installed), oldest(installed)
    keyword_docs = {
        "LATEST": f"the newest installed version{f' (now {latest.text})' if latest else ''}",
        "OLDEST": f"the oldest installed version{f' (now {first.text})' if first else ''}",
        "NONE": "no implicit version: the plugin is unresolved unless something more specific sets one",
    }
    items += [
        item(word, len(items) + n, types.CompletionItemKind.Keyword, "keyword", keyword_docs[word])
        for n, word in enumerate(KEYWORDS)
    ]
    return types.CompletionList(is_incomplete=False, items=items)


def _entries_for_version_key(source: Source, key_offset: int, manifest: Manifest) -> list[TypeEntry] | None:
    """The type entries whose versions a ``version`` key at ``key_offset`` chooses among (None: not a
    plugin's nor a plugin default's version)."""
    for flow in _flows_at(source, key_offset):
        for use in flow.uses:
            if use.version_key is not None and use.version_key.start_mark.index == key_offset:
                entries = manifest.lookup(use.type_name)
                if use.kind == "condition" or any(e.plugin.core for e in entries):
                    return None  # no version on conditions; core plugins are not versioned
                return list(entries)
        for default in flow.defaults:
            version = get(default.values_node, "version")
            if version is not None and version[0].start_mark.index == key_offset and default.type_name:
                prefix = default.type_name
                exact = manifest.lookup(prefix)
                if exact:
                    return list(exact)
                return [e for name in manifest.type_names if name.startswith(prefix) for e in manifest.lookup(name)]
    return None


def _type_items(index: LineIndex, found: re.Match[str], cursor: int, manifest: Manifest) -> types.CompletionList:
    partial = found["partial"]
    lowered = partial.lower()
    names = sorted(n for n in manifest.type_names if n.lower().startswith(lowered))
    edit_range = index.node_range(cursor - len(partial), cursor)
    lead = "" if found["gap"] or found["quote"] else " "
    items = []
    for name in names[:MAX_TYPE_ITEMS]:
        entries = manifest.lookup(name)
        entry = entries[0]
        alias = entry.canonical
        items.append(
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Class,
                detail=f"{entry.kind} · {', '.join(e.plugin.coordinates for e in entries)}",
                documentation=f"deprecated alias of {alias}" if alias else None,
                tags=[types.CompletionItemTag.Deprecated] if alias else None,
                filter_text=name,
                text_edit=types.TextEdit(edit_range, f"{lead}{name}"),
            )
        )
    return types.CompletionList(is_incomplete=len(names) > MAX_TYPE_ITEMS, items=items)
