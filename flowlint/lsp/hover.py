"""Hover on a plugin's ``type`` or ``version``: its plugin, the version it resolves to and why (or why
not), and the findings about it; on a property key: what the data says of the property where the plugin
resolves, and which installed versions have it."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from ruamel.yaml.nodes import Node

from flowlint.diagnostics import Diagnostic
from flowlint.lsp.findings import Snapshot, shown
from flowlint.lsp.locate import inside, use_at
from flowlint.lsp.positions import LineIndex
from flowlint.lsp.properties import Place, facts, kind_text, place_at
from flowlint.properties.lookup import describe_history
from flowlint.properties.model import Prop
from flowlint.resolve import Resolution, Resolver, Status
from flowlint.source import parse
from flowlint.versions import Keyword, Version

_SHOWN_VERSIONS = 10


def hover(snapshot: Snapshot, position: types.Position) -> types.Hover | None:
    """On a plugin's ``type`` or ``version``: its plugin, the version it resolves to and why (or why not);
    on a property key: the property."""
    offset = snapshot.index.offset_at(position)
    source = parse(snapshot.display, snapshot.text)
    linter = snapshot.linter
    found = use_at(source, offset, linter.slots)
    if found is None:
        place = place_at(source, offset, linter.manifest, linter.settings, lambda key: inside(key, offset))
        return _property_hover(snapshot, place) if place is not None else None
    flow, use, node = found
    resolution = Resolver(flow, linter.settings, linter.manifest).resolve(use)
    nodes = [n for n in (use.type_node, use.version_node, resolution.origin.node if resolution.origin else None) if n]
    findings = [d for d in shown(snapshot.result, snapshot.text) if _touches(d, nodes, snapshot.index)]
    text = describe(resolution, findings, exact=linter.settings.exact_full_versions)
    start, end = node.start_mark.index, node.end_mark.index
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=snapshot.index.node_range(start, end),
    )


def _property_hover(snapshot: Snapshot, place: Place) -> types.Hover | None:
    prop = place.found.get(place.key.value)
    if prop is None:
        return None
    findings = [d for d in shown(snapshot.result, snapshot.text) if _touches(d, [place.key], snapshot.index)]
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=describe_property(place, prop, findings)),
        range=snapshot.index.node_range(place.key.start_mark.index, place.key.end_mark.index),
    )


def describe_property(place: Place, prop: Prop, findings: Sequence[Diagnostic] = ()) -> str:
    """Markdown: a property's kind, whether it is required or deprecated, its default, whether it is
    dynamic, and which installed versions have it (a core type's follow the Kestra version)."""
    lines = [f"**`{prop.name}`** ({kind_text(prop)}) of `{place.found.subject}`", ""]
    flags = "Required" if prop.req else "Optional"
    lines += [f"{flags}{'; **deprecated** in this version' if prop.dep else ''}.", ""]
    for fact in facts(prop):
        lines += [fact, ""]
    versions = _versions(place, prop) if place.top else None
    if versions:
        lines += [versions, ""]
    if place.found.newest_kestra is not None:
        lines += [f"flowlint's data describes Kestra up to {place.found.newest_kestra}.", ""]
    if findings:
        lines += [f"- `{d.code}` {d.message}" + (f" ({d.help})" if d.help else "") for d in findings]
    return "\n".join(lines).strip() + "\n"


def _versions(place: Place, prop: Prop) -> str:
    """Which installed versions of the plugin have the property, or why the Kestra version decides."""
    subject, lookup = place.subject, place.lookup
    target = lookup.target.text
    have = lookup.history(subject.plugin, subject.installed, subject.type_name, prop.name)
    if subject.plugin.core:
        return f"A core type: its properties follow the Kestra version (Kestra {target} here)."
    if subject.version is None or subject.version.text not in have:
        return (
            f"Inherited from Kestra's classes: it follows the Kestra version (Kestra {target} here), not the plugin's."
        )
    described = [v for v in subject.installed if lookup.plugin_points(subject.plugin, v)]
    line = f"Installed versions with it: {_listed(list(reversed(have)))}"
    if len(have) == len(described):
        line = f"Every installed version the data describes has it: {_listed(list(reversed(have)))}"
    elif len(have) > 1:
        line += f" ({describe_history(have, described)})"
    unknown = [v.text for v in reversed(subject.installed) if v not in described]
    if unknown:
        line += f"; flowlint's data does not describe {_listed(unknown)}"
    return line


def _listed(texts: Sequence[str]) -> str:
    """The first few of ``texts``, then an ellipsis."""
    return ", ".join(texts[:_SHOWN_VERSIONS]) + (", …" if len(texts) > _SHOWN_VERSIONS else "")


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


def _touches(diagnostic: Diagnostic, nodes: Sequence[Node], index: LineIndex) -> bool:
    start = index.offset(diagnostic.span.line, diagnostic.span.column)
    end = index.offset(diagnostic.span.end_line, diagnostic.span.end_column)
    return any(start <= n.end_mark.index and n.start_mark.index <= end for n in nodes)
