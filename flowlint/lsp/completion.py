"""Completion: versions (and the keywords) on a plugin's ``version:`` value, type names on a ``type:``
value."""

from __future__ import annotations

import re

from lsprotocol import types

from flowlint.lsp.locate import flows_at
from flowlint.lsp.positions import LineIndex
from flowlint.manifest.model import Manifest, PluginVersion, TypeEntry
from flowlint.nodes import get
from flowlint.source import Source, parse
from flowlint.versions import newest, oldest

KEYWORDS = ("LATEST", "OLDEST", "NONE")
MAX_TYPE_ITEMS = 200

_VERSION_LINE = re.compile(
    r"(?P<lead>[ \t]*(?:-[ \t]+)*)version[ \t]*:(?P<gap>[ \t]*)(?P<quote>[\"']?)(?P<partial>[^\"'\s#]*)"
)
_TYPE_LINE = re.compile(r"[ \t]*(?:-[ \t]+)*type[ \t]*:(?P<gap>[ \t]*)(?P<quote>[\"']?)(?P<partial>[\w.$]*)")


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
    for flow in flows_at(source, key_offset):
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
