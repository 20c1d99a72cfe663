"""Plugin and version rules FL101-FL110: will every plugin use resolve to an installed version?"""

from __future__ import annotations

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from flowlint.diagnostics import Edit, Fix, Severity
from flowlint.flow import FlowDefault
from flowlint.manifest.model import Plugin
from flowlint.nodes import is_null, is_str, kind_name, value_span
from flowlint.resolve import Origin, Resolution, Status, VersionValue, as_written, read_version
from flowlint.rules.base import CheckContext, Rule
from flowlint.versions import Version, closest, newest, oldest, sort_versions

_SHOWN_VERSIONS = 10

RULES = [
    Rule(
        "FL101", "unknown-type", Severity.ERROR,
        "No installed plugin provides this type.",
        "Kestra matches `type` exactly and case-sensitively against the classes (and declared aliases) "
        "of its installed plugins. An unknown type fails when the flow is saved (`Invalid type`). "
        "flowlint suggests the closest known types and points out a mismatch of case only.",
        "- id: script\n  type: io.kestra.plugin.scripts.shell.script\n",
        "- id: script\n  type: io.kestra.plugin.scripts.shell.Script\n",
    ),
    Rule(
        "FL102", "version-not-installed", Severity.ERROR,
        "The requested version matches no installed version of the plugin.",
        "Since Kestra 1.1 a full version (`1.2.0`) selects exactly that version and nothing else: no "
        "silent upgrade to 1.2.3. `1.2` selects the newest 1.2.x, `1` the newest 1.x. When nothing "
        "matches, the flow fails. The message lists the installed versions and the help the closest one.",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: \"1.2.0\"\n",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: \"1.2.1\"\n",
    ),
    Rule(
        "FL103", "version-required", Severity.ERROR,
        "NONE is in force and nothing more specific sets a version.",
        "With `defaultVersion: NONE` (instance), or a plugin default whose version is `NONE`, Kestra "
        "applies no implicit version: a versioned plugin with no version of its own, and none from a "
        "more specific default, is unresolved and the flow is invalid. Core plugins are exempt.",
        "# defaultVersion: NONE\n- id: script\n  type: io.kestra.plugin.scripts.shell.Script\n",
        "# defaultVersion: NONE\n- id: script\n  type: io.kestra.plugin.scripts.shell.Script\n"
        "  version: \"0.21.0\"\n",
    ),
    Rule(
        "FL104", "invalid-version", Severity.ERROR,
        "A version that is not a version, nor LATEST, OLDEST or NONE.",
        "`version` takes MAJOR, MAJOR.MINOR or MAJOR.MINOR.PATCH, each with an optional -QUALIFIER and an "
        "optional leading `v`, or a keyword in any case. Ranges and wildcards (`1.x`, `>=1.0`) do not "
        "exist; Pebble expressions are not rendered in `version`; a list, mapping, boolean or null is "
        "invalid. Targets before Kestra 1.1 accept only full versions or a keyword.",
        "- id: script\n  type: io.kestra.plugin.scripts.shell.Script\n  version: 1.x\n",
        "- id: script\n  type: io.kestra.plugin.scripts.shell.Script\n  version: \"1.2\"\n",
    ),
    Rule(
        "FL105", "type-not-in-version", Severity.ERROR,
        "The selected version of the plugin does not contain this type.",
        "Only versions that contain a type can run it: a task added in 0.22.0 does not resolve with "
        "0.21.0, and a removed one not with later versions. The message says which versions have it.",
        "- id: new_task\n  type: io.kestra.plugin.example.NewTask   # added in 0.22.0\n  version: \"0.21.0\"\n",
        "- id: new_task\n  type: io.kestra.plugin.example.NewTask\n  version: \"0.22.0\"\n",
    ),
    Rule(
        "FL106", "ambiguous-type", Severity.WARNING,
        "Several installed plugins provide this type at the requested version.",
        "When two artifacts both contain a type, which one runs depends on the instance. Remove one of "
        "the artifacts, or pin a version only one of them has. The request picks one version among all "
        "the versions that have the type; only the plugins that have it at that version compete (one that "
        "shipped the type in an older release is no rival for LATEST).",
        "# plugin-a and plugin-b both ship io.example.Task 1.0.0\n- id: t\n  type: io.example.Task\n",
        "# only plugin-b is installed\n- id: t\n  type: io.example.Task\n",
    ),
    Rule(
        "FL107", "unquoted-version", Severity.WARNING,
        "A version that YAML reads as a number, so Kestra asks for another version.",
        "`version: 0.20` is the number 0.2 for YAML: Kestra asks for version `0.2` (the newest 0.2.x), and "
        "`1.10` becomes `1.1`. Quote versions. The message says what each reading resolves to. The fix "
        "quotes the text as written, keeping what the author meant; when that changes the version a "
        "working flow runs (`1.10` runs 1.1.x today), the fix is unsafe and only `--unsafe-fixes` applies it.",
        "- id: script\n  type: io.kestra.plugin.scripts.shell.Script\n  version: 0.20\n",
        "- id: script\n  type: io.kestra.plugin.scripts.shell.Script\n  version: \"0.20\"\n",
        fixable=True,
    ),
    Rule(
        "FL108", "deprecated-alias", Severity.WARNING,
        "The type is a deprecated alias of another type.",
        "Renamed plugins keep their old name as an alias (`io.kestra.core.tasks.log.Log` is now "
        "`io.kestra.plugin.core.log.Log`). Aliases still work but Kestra 2.0 removes the core ones: "
        "with a 2.0 target this is an error. The fix writes the canonical type.",
        "- id: log\n  type: io.kestra.core.tasks.log.Log\n  message: hi\n",
        "- id: log\n  type: io.kestra.plugin.core.log.Log\n  message: hi\n",
        fixable=True,
    ),
    Rule(
        "FL109", "version-on-condition", Severity.ERROR,
        "A `version` on a condition.",
        "Conditions have no `version` property in Kestra's model: the flow is rejected. Conditions run "
        "with the version of the plugin that provides them.",
        "conditions:\n  - type: io.kestra.plugin.core.condition.Weekend\n    version: \"1.0.0\"\n",
        "conditions:\n  - type: io.kestra.plugin.core.condition.Weekend\n",
    ),
    Rule(
        "FL110", "invalid-plugin-default", Severity.ERROR,
        "A plugin default without type or values, with a bad version, or `forced` at flow level.",
        "Each `pluginDefaults` entry needs a `type` (a type or a package prefix) and a `values` mapping; "
        "a `version` in it follows the rules of `version`. `forced` is ignored at flow level in current "
        "Kestra (it only has effect in namespace and global defaults), and a flow with it no longer "
        "parses in 2.0.",
        "pluginDefaults:\n  - type: io.kestra.plugin.aws\n    forced: true\n    values:\n      version: 1.x\n",
        "pluginDefaults:\n  - type: io.kestra.plugin.aws\n    values:\n      version: \"1.2\"\n",
    ),
]  # fmt: skip


def check(ctx: CheckContext) -> None:
    """Report FL101-FL110 for one flow."""
    _check_flow_defaults(ctx)
    for resolution in ctx.resolutions:
        use = resolution.use
        if use.kind == "condition" and use.version_node is not None:
            ctx.report(
                "FL109",
                use.version_node,
                f"conditions take no `version`: remove it from this {use.type_name.rsplit('.', 1)[-1]} condition",
                yaml_path=f"{use.yaml_path}.version",
            )
        _check_alias(ctx, resolution)
        origin = resolution.origin
        if origin is not None and origin.level == "plugin":
            _check_own_version(ctx, resolution, origin)
        _report_status(ctx, resolution)


def _check_own_version(ctx: CheckContext, resolution: Resolution, origin: Origin) -> None:
    value, node = origin.value, origin.node
    assert node is not None
    path = f"{resolution.use.yaml_path}.version"
    if value.problem is not None:
        ctx.report("FL104", node, f"invalid version: {value.problem}", yaml_path=path)
    if value.numeric and value.text != value.written:
        _report_unquoted(ctx, node, value, path, [resolution])


_READINGS = {
    Status.RESOLVED: ("runs {}", "would run {}"),
    Status.NOT_INSTALLED: ("matches no installed version", "would match no installed version"),
    Status.NOT_IN_VERSION: ("selects {} without the type", "would select {} without the type"),
    Status.AMBIGUOUS: ("matches several plugins", "would match several plugins"),
    Status.INVALID: ("is not a valid version", "would not be a valid version"),
}
"""How FL107 says what one reading of a version resolves to: (as Kestra reads it, as written)."""


def _report_unquoted(
    ctx: CheckContext, node: Node, value: VersionValue, path: str, resolutions: list[Resolution]
) -> None:
    """FL107; ``resolutions`` are the uses that take their version from ``node``. The fix is unsafe when it
    changes the version a use runs today."""
    readings = [(r, quoted) for r in resolutions if (quoted := as_written(r, ctx.settings, ctx.manifest))]
    message = f"version {value.written} is the number {value.text} for YAML: Kestra asks for version {value.text}"
    today, written = _reading([r for r, _ in readings], 0), _reading([q for _, q in readings], 1)
    if today is not None and written is not None:
        message += f', which {today}; quoted, "{value.written}" {written}'
    safe = all(r.status not in (Status.RESOLVED, Status.AMBIGUOUS) or _runs(r) == _runs(q) for r, q in readings)
    span = value_span(node, ctx.source.text)
    ctx.report(
        "FL107",
        node,
        message,
        yaml_path=path,
        help=f'quote it: "{value.written}"'
        if safe
        else f'quote it as written ("{value.written}") to ask for {value.written}, or write "{value.text}" to keep '
        "what runs today",
        fix=Fix(f'quote the version as written: "{value.written}"', (Edit(span, f'"{value.written}"'),), safe=safe),
    )


def _reading(resolutions: list[Resolution], form: int) -> str | None:
    """What the uses resolve to under one reading of their version, in words; None when nothing to say."""
    said: dict[str, list[str]] = {}
    for resolution in resolutions:
        words = _READINGS.get(resolution.status)
        if words is not None:
            version = resolution.version.text if resolution.version is not None else ""
            said.setdefault(words[form].format(version), []).append(resolution.use.type_name.rsplit(".", 1)[-1])
    if len(said) < 2:
        return next(iter(said), None)
    return " and ".join(f"{words} ({', '.join(dict.fromkeys(names))})" for words, names in said.items())


def _runs(resolution: Resolution) -> tuple[object, ...]:
    """What a resolution selects, comparable between two readings."""
    chosen = resolution.matches or ((resolution.entry, resolution.version),)
    return (resolution.status, *((e.plugin.coordinates if e else None, v.text if v else None) for e, v in chosen))


def _check_alias(ctx: CheckContext, resolution: Resolution) -> None:
    entry, version = resolution.entry, resolution.version
    entries = (entry,) if entry is not None else resolution.entries
    if entry is not None and version is not None and resolution.status is Status.RESOLVED:
        canonical = entry.canonical_in(version)
    else:
        canonical = next((e.canonical for e in entries if e.canonical), None)
    if canonical is None:
        return
    use = resolution.use
    core = any(e.plugin.core for e in entries)
    removed = core and ctx.settings.kestra2
    quote = use.type_node.style if use.type_node.style in ('"', "'") else ""
    type_span = value_span(use.type_node, ctx.source.text)
    ctx.report(
        "FL108",
        use.type_node,
        f"{use.type_name} is removed in Kestra 2.0: use {canonical}"
        if removed
        else f"{use.type_name} is a deprecated alias of {canonical}",
        yaml_path=f"{use.yaml_path}.type",
        severity=Severity.ERROR if removed else None,
        fix=Fix(f"replace with {canonical}", (Edit(type_span, f"{quote}{canonical}{quote}"),)),
    )


def _report_status(ctx: CheckContext, resolution: Resolution) -> None:
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


def _check_flow_defaults(ctx: CheckContext) -> None:
    flow = ctx.flow
    key = flow.defaults_key
    found = flow.top(key) if key else None
    if found is None or is_null(found[1]):
        return
    if not isinstance(found[1], SequenceNode):
        ctx.report(
            "FL007", found[1], f"`{key}` must be a list of defaults, not {kind_name(found[1])}", yaml_path=key or ""
        )
        return
    for default in flow.defaults:
        _check_flow_default(ctx, default)


def _check_flow_default(ctx: CheckContext, default: FlowDefault) -> None:
    path = default.yaml_path
    if not isinstance(default.node, MappingNode):
        ctx.report(
            "FL110", default.node, f"a plugin default must be a mapping, not {kind_name(default.node)}", yaml_path=path
        )
        return
    if default.type_node is None:
        ctx.report("FL110", default.node, "this plugin default has no `type`", yaml_path=path)
    elif not is_str(default.type_node):
        ctx.report(
            "FL110",
            default.type_node,
            f"`type` of a plugin default must be a string, not {kind_name(default.type_node)}",
            yaml_path=f"{path}.type",
        )
    if default.values_node is None:
        ctx.report("FL110", default.node, "this plugin default has no `values`", yaml_path=path)
    elif not isinstance(default.values_node, MappingNode):
        ctx.report(
            "FL110",
            default.values_node,
            f"`values` must be a mapping, not {kind_name(default.values_node)}",
            yaml_path=f"{path}.values",
        )
    if default.forced_node is not None:
        kestra2 = ctx.settings.kestra2
        ctx.report(
            "FL110",
            default.forced_node,
            "`forced` in a flow's pluginDefaults no longer parses in Kestra 2.0"
            if kestra2
            else "`forced` is ignored in a flow's pluginDefaults: only namespace and global defaults can force",
            yaml_path=f"{path}.forced",
            severity=None if kestra2 else Severity.WARNING,
        )
    if default.version_node is not None:
        version_path = f"{path}.values.version"
        value = read_version(default.version_node, ctx.settings)
        if value.problem is not None:
            ctx.report(
                "FL110",
                default.version_node,
                f"invalid version in plugin default: {value.problem}",
                yaml_path=version_path,
            )
        if value.numeric and value.text != value.written:
            users = [r for r in ctx.resolutions if r.origin is not None and r.origin.flow_default is default]
            _report_unquoted(ctx, default.version_node, value, version_path, users)
