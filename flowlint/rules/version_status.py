"""What FL101-FL106 say of a plugin use from its resolution status: an unknown type, a version not
installed, none required, an invalid one from a default, a type missing from the version, several plugins
at once. The findings are placed as SEMANTICS says: at the version written, the type, or the flow
default's value."""

from __future__ import annotations

from ruamel.yaml.nodes import Node

from flowlint.manifest.model import Plugin
from flowlint.resolve import Origin, Resolution, Status, as_written
from flowlint.rules.base import CheckContext
from flowlint.versions import Version, closest, newest, oldest, sort_versions

_SHOWN_VERSIONS = 10

STATUS_CODES: dict[Status, str] = {
    Status.UNKNOWN_TYPE: "FL101",
    Status.NOT_INSTALLED: "FL102",
    Status.NO_VERSION: "FL103",
    Status.INVALID: "FL104",
    Status.NOT_IN_VERSION: "FL105",
    Status.AMBIGUOUS: "FL106",
}
"""The rule that reports each failing resolution status (``flowlint impact`` names a break by it)."""


INVALID_OWN = "invalid version: {}"
"""FL104's message at a plugin's own ``version`` (with the problem)."""
INVALID_DEFAULT = "invalid version in plugin default: {}"
"""FL110's message at a flow default's ``version`` (with the problem)."""


def invalid_value(resolution: Resolution) -> tuple[str, str] | None:
    """The code and message check gives an INVALID use at the value it wrote or its flow default names
    (FL104 at the plugin's ``version``, FL110 at the default's); None when a default further away
    decided (:func:`report_status` reports that one at the use)."""
    origin = resolution.origin
    if origin is None or origin.value.problem is None or origin.level not in ("plugin", "flow"):
        return None
    if origin.level == "plugin":
        return "FL104", INVALID_OWN.format(origin.value.problem)
    return "FL110", INVALID_DEFAULT.format(origin.value.problem)


def report_status(ctx: CheckContext, resolution: Resolution) -> None:
    """Report what ``resolution``'s status says is wrong with its use, if anything (FL101-FL106)."""
    status = resolution.status
    use = resolution.use
    if status is Status.UNKNOWN_TYPE:
        _report_unknown(ctx, resolution)
        return
    origin = resolution.origin
    if origin is None or status in (Status.CORE, Status.RESOLVED, Status.NOT_A_PLUGIN):
        return
    at, related, suffix = _locate(resolution, origin)
    if status is Status.INVALID:
        if origin.level in ("plugin", "flow"):
            return  # reported once at the value: FL104 / FL110
        ctx.report(
            "FL104",
            at,
            f"invalid version from {origin.description}: {origin.value.problem}",
            yaml_path=f"{use.yaml_path}.type",
        )
    elif status is Status.NO_VERSION:
        label = "the version NONE" if origin.level == "plugin" else "the default that sets NONE"
        decided = [(origin.node, label)] if origin.node is not None else []
        ctx.report(
            "FL103",
            use.type_node,
            f"{use.type_name} has no version: {_none_source(ctx, origin)} and nothing more specific sets one",
            yaml_path=f"{use.yaml_path}.type",
            related=decided,
            help='pin a version on the plugin, e.g. version: "' + _newest_text(resolution) + '"',
        )
    elif status is Status.NOT_INSTALLED:
        _report_not_installed(ctx, resolution, origin, at, related, suffix)
    elif status is Status.NOT_IN_VERSION:
        _report_not_in_version(ctx, resolution, at, related, suffix)
    elif status is Status.AMBIGUOUS:
        names = ", ".join(f"{entry.plugin.coordinates} {version.text}" for entry, version in resolution.matches)
        ctx.report(
            "FL106",
            use.type_node,
            f"{use.type_name} is provided by several plugins: {names}",
            yaml_path=f"{use.yaml_path}.type",
        )


def _none_source(ctx: CheckContext, origin: Origin) -> str:
    if origin.level == "instance":
        return f"the instance default version is NONE ({ctx.settings.default_version_origin})"
    return f"{origin.description} is NONE"


def _locate(resolution: Resolution, origin: Origin) -> tuple[Node, list[tuple[Node, str]], str]:
    """Where a version finding goes (SEMANTICS: the value, the type, or the flow default's value)."""
    use = resolution.use
    if origin.level == "plugin" and origin.node is not None:
        return origin.node, [], ""
    if origin.level == "flow" and origin.node is not None:
        where = f"{use.kind} '{use.id}' at {use.yaml_path}" if use.id else f"{use.kind} at {use.yaml_path}"
        return origin.node, [(use.type_node, f"{where} takes its version from this default")], f" (for {where})"
    return use.type_node, [], f"; the version comes from {origin.description}"


def _report_unknown(ctx: CheckContext, resolution: Resolution) -> None:
    use = resolution.use
    manifest = ctx.manifest
    case = manifest.case_insensitive(use.type_name)
    help_text: str | None
    if case is not None:
        help_text = f"types are case-sensitive: did you mean {case}?"
    else:
        close = manifest.suggest(use.type_name)
        help_text = f"did you mean {' or '.join(close)}?" if close else None
    ctx.report(
        "FL101",
        use.type_node,
        f"unknown plugin type {use.type_name}: no installed plugin provides it",
        yaml_path=f"{use.yaml_path}.type",
        help=help_text,
    )


def _report_not_installed(
    ctx: CheckContext,
    resolution: Resolution,
    origin: Origin,
    at: Node,
    related: list[tuple[Node, str]],
    suffix: str,
) -> None:
    entry = resolution.entry
    assert entry is not None and isinstance(origin.value.request, Version)
    request = origin.value.request
    available = [v.version for v in entry.versions]
    verb = "is not installed" if request.parts == 3 else "matches no installed version"
    asked = origin.value.text or ""
    if asked.upper() == "CURRENT":
        asked = f"CURRENT ({request.text}.x, the target Kestra version)"
    message = (
        f"version {asked} of {entry.plugin.coordinates} {verb} "
        f"(installed: {describe_versions(entry.plugin, request)}){suffix}"
    )
    quoted = as_written(resolution, ctx.settings, ctx.manifest)
    if quoted is not None and quoted.status is Status.RESOLVED and quoted.version is not None:
        suggestion: Version | None = quoted.version.version  # what FL107 says the version as written runs
    else:
        suggestion = closest(request, available)
    ctx.report(
        "FL102",
        at,
        message,
        yaml_path=_version_path(resolution, origin),
        help=f"did you mean {suggestion.text}?" if suggestion is not None else None,
        related=related,
    )


def _report_not_in_version(
    ctx: CheckContext, resolution: Resolution, at: Node, related: list[tuple[Node, str]], suffix: str
) -> None:
    entry, version, origin = resolution.entry, resolution.version, resolution.origin
    assert entry is not None and version is not None and origin is not None
    have = sort_versions(v.version for e in resolution.entries for v in e.versions)
    first, last = oldest(have), newest(have)
    if first is None or last is None:
        span_text = "no installed version has it"
    elif first is last:
        span_text = f"only {first.text} has it"
    else:
        span_text = f"{first.text} to {last.text} have it"
    ctx.report(
        "FL105",
        at,
        f"{entry.plugin.coordinates} {version.text} does not contain {resolution.use.type_name} ({span_text}){suffix}",
        yaml_path=_version_path(resolution, origin),
        related=related,
        help=f'use version "{last.text}"' if last is not None else None,
    )


def _version_path(resolution: Resolution, origin: Origin) -> str:
    if origin.level == "flow" and origin.flow_default is not None:
        return f"{origin.flow_default.yaml_path}.values.version"
    suffix = ".version" if origin.level == "plugin" else ".type"
    return f"{resolution.use.yaml_path}{suffix}"


def describe_versions(plugin: Plugin, near: Version | None = None) -> str:
    """The installed versions, oldest first; long lists keep the ones near ``near`` and the newest."""
    ordered = sort_versions(v.version for v in plugin.versions)
    if len(ordered) <= _SHOWN_VERSIONS:
        return ", ".join(v.text for v in ordered)
    keep = set(map(id, ordered[-3:]))
    if near is not None:
        same = [v for v in ordered if v.major == near.major and (near.parts == 1 or v.minor == near.minor)]
        keep.update(map(id, same[-5:]))
    shown = [v for v in ordered if id(v) in keep]
    return f"{', '.join(v.text for v in shown)}; {len(ordered)} versions in all"


def _newest_text(resolution: Resolution) -> str:
    versions = [v.version for e in resolution.entries for v in e.versions]
    latest = newest(versions)
    return latest.text if latest is not None else "1.0.0"
