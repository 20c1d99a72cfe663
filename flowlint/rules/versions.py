"""Plugin and version rules FL101-FL110: will every plugin use resolve to an installed version?"""

from __future__ import annotations

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from flowlint.diagnostics import Edit, Fix, Severity
from flowlint.flow import PLUGIN_TYPE, FlowDefault
from flowlint.nodes import get, is_str, kind_name, value_span
from flowlint.resolve import Origin, Resolution, Status, VersionValue, as_written, read_version
from flowlint.rules.base import CheckContext, Rule
from flowlint.rules.version_status import INVALID_DEFAULT, INVALID_OWN, report_status


def check(ctx: CheckContext) -> None:
    """Report FL101-FL110 for one flow."""
    if ctx.on("FL101"):
        _check_type_names(ctx)
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
        report_status(ctx, resolution)


def _check_type_names(ctx: CheckContext) -> None:
    """FL101 for a task or trigger whose ``type`` is a string but not a Java class name (the resolver
    sees no plugin use in it)."""
    for item in ctx.flow.slot_items:
        if item.slot not in ("task", "trigger") or not isinstance(item.node, MappingNode):
            continue  # conditions and task runners are checked where they resolve
        type_entry = get(item.node, "type")
        if type_entry is not None and is_str(type_entry[1]) and not PLUGIN_TYPE.fullmatch(type_entry[1].value):
            ctx.report(
                "FL101",
                type_entry[1],
                f"'{type_entry[1].value}' is not a plugin type: it must be a Java class name such as "
                "io.kestra.plugin.core.log.Log",
                yaml_path=f"{item.yaml_path}.type",
            )


def _check_own_version(ctx: CheckContext, resolution: Resolution, origin: Origin) -> None:
    value, node = origin.value, origin.node
    assert node is not None
    path = f"{resolution.use.yaml_path}.version"
    if value.problem is not None:
        ctx.report("FL104", node, INVALID_OWN.format(value.problem), yaml_path=path)
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
    from flowlint.edits import styled  # only for a finding: off the start-up path

    type_span = value_span(use.type_node, ctx.source.text)
    ctx.report(
        "FL108",
        use.type_node,
        f"{use.type_name} is removed in Kestra 2.0: use {canonical}"
        if removed
        else f"{use.type_name} is a deprecated alias of {canonical}",
        yaml_path=f"{use.yaml_path}.type",
        severity=Severity.ERROR if removed else None,
        fix=Fix(f"replace with {canonical}", (Edit(type_span, styled(use.type_node, canonical)),)),
    )


def _check_flow_defaults(ctx: CheckContext) -> None:
    flow = ctx.flow
    key = flow.defaults_key
    found = flow.top(key) if key else None
    if found is None or not isinstance(found[1], SequenceNode):
        return  # not a list: FL007
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
                INVALID_DEFAULT.format(value.problem),
                yaml_path=version_path,
            )
        if value.numeric and value.text != value.written:
            users = [r for r in ctx.resolutions if r.origin is not None and r.origin.flow_default is default]
            _report_unquoted(ctx, default.version_node, value, version_path, users)


RULES = [
    Rule(
        "FL101", "unknown-type", Severity.ERROR,
        "No installed plugin provides this type.",
        "Kestra matches `type` exactly and case-sensitively against the classes (and declared aliases) "
        "of its installed plugins. An unknown type fails when the flow is saved (`Invalid type`). "
        "flowlint suggests the closest known types and points out a mismatch of case only.",
        "- id: script\n  type: io.kestra.plugin.scripts.shell.script\n",
        "- id: script\n  type: io.kestra.plugin.scripts.shell.Script\n",
        check=check,
    ),
    Rule(
        "FL102", "version-not-installed", Severity.ERROR,
        "The requested version matches no installed version of the plugin.",
        "Since Kestra 1.1 a full version (`1.2.0`) selects exactly that version and nothing else: no "
        "silent upgrade to 1.2.3. `1.2` selects the newest 1.2.x, `1` the newest 1.x. When nothing "
        "matches, the flow fails. The message lists the installed versions and the help the closest one.",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: \"1.2.0\"\n",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: \"1.2.1\"\n",
        check=check,
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
        check=check,
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
        check=check,
    ),
    Rule(
        "FL105", "type-not-in-version", Severity.ERROR,
        "The selected version of the plugin does not contain this type.",
        "Only versions that contain a type can run it: a task added in 0.22.0 does not resolve with "
        "0.21.0, and a removed one not with later versions. The message says which versions have it.",
        "- id: new_task\n  type: io.kestra.plugin.example.NewTask   # added in 0.22.0\n  version: \"0.21.0\"\n",
        "- id: new_task\n  type: io.kestra.plugin.example.NewTask\n  version: \"0.22.0\"\n",
        check=check,
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
        check=check,
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
        check=check,
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
        check=check,
    ),
    Rule(
        "FL109", "version-on-condition", Severity.ERROR,
        "A `version` on a condition.",
        "Conditions have no `version` property in Kestra's model: the flow is rejected. Conditions run "
        "with the version of the plugin that provides them.",
        "conditions:\n  - type: io.kestra.plugin.core.condition.Weekend\n    version: \"1.0.0\"\n",
        "conditions:\n  - type: io.kestra.plugin.core.condition.Weekend\n",
        check=check,
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
        check=check,
    ),
]  # fmt: skip
