"""Completion: versions (and the keywords) on a plugin's ``version:`` value, type names on a ``type:``
value, property keys inside a plugin mapping (or a nested object the data describes) and enum constants
on the value of an enum property, for the version the plugin resolves to."""

from __future__ import annotations

import re
from collections.abc import Callable

from lsprotocol import types
from ruamel.yaml.nodes import ScalarNode

from flowlint.config import Settings
from flowlint.lsp.locate import flows_at
from flowlint.lsp.positions import LineIndex
from flowlint.lsp.properties import Place, facts, kind_text, literal, place_at
from flowlint.manifest.model import Manifest, PluginVersion, TypeEntry
from flowlint.nodes import get, is_str
from flowlint.properties.slots import manifest_slots
from flowlint.source import Source, parse
from flowlint.versions import newest, oldest

KEYWORDS = ("LATEST", "OLDEST", "NONE")
_NOT_OFFERED = frozenset({"type"})
"""Keys never offered: a plugin whose keys are offered has its ``type`` already."""
MAX_TYPE_ITEMS = 200

_VERSION_LINE = re.compile(
    r"(?P<lead>[ \t]*(?:-[ \t]+)*)version[ \t]*:(?P<gap>[ \t]*)(?P<quote>[\"']?)(?P<partial>[^\"'\s#]*)"
)
_TYPE_LINE = re.compile(r"[ \t]*(?:-[ \t]+)*type[ \t]*:(?P<gap>[ \t]*)(?P<quote>[\"']?)(?P<partial>[\w.$]*)")
_VALUE_LINE = re.compile(
    r"(?P<lead>[ \t]*(?:-[ \t]+)*)(?P<key>[\w$][\w$.-]*)[ \t]*:(?P<gap>[ \t]*)(?P<quote>[\"']?)(?P<partial>[^\"'\s#]*)"
)
_KEY_LINE = re.compile(r"(?P<lead>[ \t]*(?:-[ \t]+)*)(?P<partial>(?:[\w$][\w$.-]*)?)")
_KEY_REST = re.compile(r"(?P<word>[\w$.-]*)(?P<rest>[ \t]*(?::.*|#.*)?)")
_PLACEHOLDER = "flowlint-completion"
"""The key put where one is being typed, so that the document parses and the key has a place."""
_PLAIN_CONSTANT = re.compile(r"[A-Za-z_][\w.-]*")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
"""Plain scalars a YAML 1.1 reader (Kestra's) takes for a boolean or null."""


def completion(
    text: str,
    index: LineIndex,
    position: types.Position,
    manifest: Manifest,
    settings: Settings,
    display: str = "flow.yml",
) -> types.CompletionList | None:
    """Versions (and keywords) on a plugin's ``version:`` value; type names on a ``type:`` value; enum
    constants on an enum property's value; property keys where a key of a plugin mapping is typed."""
    line_start, line = index.lsp_line(position.line)
    line_end = line_start + len(line)
    cursor = index.offset_at(position)
    before = text[line_start:cursor]
    found = _VERSION_LINE.fullmatch(before)
    if found is not None:
        return _version_items(text, index, found, line_start, line_end, cursor, manifest, display)
    found = _TYPE_LINE.fullmatch(before)
    if found is not None:
        return _type_items(index, found, cursor, manifest)
    found = _VALUE_LINE.fullmatch(before)
    if found is not None:
        key_offset = line_start + len(found["lead"])
        patched = text[:key_offset] + found["key"] + ":" + text[line_end:]
        place = place_at(parse(display, patched), key_offset, manifest, settings, _starts_at(key_offset))
        return _enum_items(text, index, found, place, cursor, line_end) if place is not None else None
    found = _KEY_LINE.fullmatch(before)
    rest = _KEY_REST.fullmatch(text[cursor:line_end])
    if found is not None and rest is not None:
        key_offset = line_start + len(found["lead"])
        colon = rest["rest"].lstrip().startswith(":")
        patched = text[:key_offset] + _PLACEHOLDER + ("" if colon else ":") + rest["rest"] + text[line_end:]
        place = place_at(parse(display, patched), key_offset, manifest, settings, _starts_at(key_offset))
        if place is None:
            return None
        edit_range = index.node_range(key_offset, cursor + len(rest["word"]))
        return _key_items(place, edit_range, colon=colon)
    return None


def _starts_at(offset: int) -> Callable[[ScalarNode], bool]:
    return lambda key: bool(key.start_mark.index == offset)


def _key_items(place: Place, edit_range: types.Range, *, colon: bool) -> types.CompletionList:
    """The properties the mapping does not set yet: required first, deprecated last.

    ``colon``: the key already has its colon (only the name is replaced)."""
    present = {key.value for key, _ in place.mapping.value if is_str(key) and key is not place.key}
    items = []
    for prop in place.found.props.values():
        if prop.name in present or present.intersection(prop.aliases) or prop.name in _NOT_OFFERED:
            continue
        if prop.name == "version" and place.subject.plugin.core:
            continue  # core plugins are not versioned
        rank = 2 if prop.dep else 0 if prop.req else 1
        flags = [kind_text(prop), *(["required"] if prop.req else []), *(["deprecated"] if prop.dep else [])]
        items.append(
            types.CompletionItem(
                label=prop.name,
                kind=types.CompletionItemKind.Property,
                detail=" · ".join(flags),
                documentation=types.MarkupContent(types.MarkupKind.Markdown, "\n\n".join(facts(prop))),
                tags=[types.CompletionItemTag.Deprecated] if prop.dep else None,
                sort_text=f"{rank}{prop.name}",
                filter_text=prop.name,
                text_edit=types.TextEdit(edit_range, prop.name if colon else f"{prop.name}: "),
            )
        )
    return types.CompletionList(is_incomplete=False, items=items)


def _enum_items(
    text: str, index: LineIndex, found: re.Match[str], place: Place, cursor: int, line_end: int
) -> types.CompletionList | None:
    """The constants of the enum property whose value is being typed."""
    prop = place.found.get(found["key"])
    if prop is None or not prop.enum:
        return None
    quote, partial = found["quote"], found["partial"]
    closing = "" if not quote or text[cursor:line_end].startswith(quote) else quote
    lead = "" if found["gap"] or quote else " "
    edit_range = index.node_range(cursor - len(partial), cursor)
    default = literal(prop.default) if prop.default is not None else None
    items = []
    for n, constant in enumerate(prop.enum):
        written = constant if quote or _plain(constant) else f'"{constant}"'
        items.append(
            types.CompletionItem(
                label=constant,
                kind=types.CompletionItemKind.EnumMember,
                detail=f"{prop.name} · default" if constant == default else prop.name,
                sort_text=f"{n:04d}",
                filter_text=constant,
                text_edit=types.TextEdit(edit_range, f"{lead}{written}{closing}"),
            )
        )
    return types.CompletionList(is_incomplete=False, items=items)


def _plain(constant: str) -> bool:
    """Whether a constant written plain is read as that string (by Kestra's reader too)."""
    return bool(_PLAIN_CONSTANT.fullmatch(constant)) and constant.lower() not in _YAML11_WORDS


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
    for flow in flows_at(source, key_offset, manifest_slots(manifest)):
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
