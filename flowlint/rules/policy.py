"""Policy rules FL201-FL204: how versions are chosen, beyond whether they resolve.

FL201 floating-version and FL203 mixed-versions are off by default. FL201 takes options in the config:
``rules: {FL201: {namespaces: ["prod.**"]}}`` limits it to flows whose namespace matches a pattern, where
``*`` is one namespace segment and ``**`` any number of them (``prod.**`` is ``prod`` and below).
"""

from __future__ import annotations

from flowlint.config import ConfiguredDefault
from flowlint.diagnostics import Fix, Severity
from flowlint.flow import FlowDefault
from flowlint.manifest.model import Manifest
from flowlint.resolve import (
    Resolution,
    Status,
    VersionValue,
    is_exact,
    namespace_chain,
    namespace_matches,
    read_version,
)
from flowlint.rules.base import CheckContext, Option, Rule
from flowlint.versions import Keyword, newest


def check(ctx: CheckContext) -> None:
    """Report FL201-FL204 for one flow."""
    if ctx.on("FL201"):
        _check_floating(ctx)
    if ctx.on("FL202"):
        _check_newer(ctx)
    if ctx.on("FL203"):
        _check_mixed(ctx)
    if ctx.on("FL204"):
        _check_conflicts(ctx)


def _check_floating(ctx: CheckContext) -> None:
    from flowlint.edits import pin_edit, replace_edit  # only when the rule runs (off by default): ~0.2 ms

    patterns: list[str] | None = ctx.option("FL201", "namespaces")
    if patterns is not None and not namespace_matches(patterns, ctx.flow.namespace or ""):
        return
    for resolution in ctx.resolutions:
        use, origin, version = resolution.use, resolution.origin, resolution.version
        if resolution.status is not Status.RESOLVED or origin is None or version is None or use.kind == "condition":
            continue
        value = origin.value
        exact = is_exact(value)
        if exact and (origin.level in ("plugin", "flow") or (origin.configured and origin.configured.forced)):
            continue
        plugin = resolution.entry.plugin.coordinates if resolution.entry else use.type_name
        request = value.request
        if origin.level == "plugin":
            assert origin.node is not None
            how = "a keyword" if isinstance(request, Keyword) else "a partial version"
            ctx.report(
                "FL201",
                origin.node,
                f"version {value.text} is {how}: {plugin} runs {version.text} today, another version when "
                "the installed plugins change",
                yaml_path=f"{use.yaml_path}.version",
                help=f'pin it: version: "{version.text}"',
                fix=Fix(f'pin version "{version.text}"', (replace_edit(origin.node, version.text),)),
            )
            continue
        fix = None
        if use.version_node is None:
            edit = pin_edit(ctx.source.text, use, version.text)
            fix = Fix(f'pin version "{version.text}"', (edit,)) if edit is not None else None
        related = [(origin.node, "the default that decides")] if origin.node is not None else []
        how = (
            f"{origin.description} decides" if origin.level == "instance" else f"{origin.description} sets {value.text}"
        )
        ctx.report(
            "FL201",
            use.type_node,
            f"{use.type_name} has no pinned version: {how}; it runs {plugin} {version.text} today",
            yaml_path=f"{use.yaml_path}.type",
            help=f'pin it: version: "{version.text}"',
            related=related,
            fix=fix,
        )


def _check_newer(ctx: CheckContext) -> None:
    from flowlint.edits import replace_edit  # when the rule runs (off by default)

    for resolution in ctx.resolutions:
        use, origin, entry, current = resolution.use, resolution.origin, resolution.entry, resolution.version
        if resolution.status is not Status.RESOLVED or origin is None or origin.level != "plugin":
            continue
        if entry is None or current is None or origin.node is None or not is_exact(origin.value):
            continue
        pool = [v.version for v in entry.versions]
        if current.version.qualifier is None:
            pool = [v for v in pool if v.qualifier is None] or pool
        best = newest(pool)
        if best is None or best.sort_key <= current.version.sort_key:
            continue
        ctx.report(
            "FL202",
            origin.node,
            f"{entry.plugin.coordinates} is pinned to {current.text}; {best.text} is the newest installed version "
            f"with {use.type_name.rsplit('.', 1)[-1]}",
            yaml_path=f"{use.yaml_path}.version",
            help=f'bump it: version: "{best.text}" (behaviour may change: read the release notes)',
            fix=Fix(f'bump to "{best.text}"', (replace_edit(origin.node, best.text),), safe=False),
        )


def _check_mixed(ctx: CheckContext) -> None:
    by_plugin: dict[str, list[Resolution]] = {}
    for resolution in ctx.resolutions:
        if resolution.status is Status.RESOLVED and resolution.entry is not None and resolution.version is not None:
            by_plugin.setdefault(resolution.entry.plugin.coordinates, []).append(resolution)
    for plugin, resolutions in by_plugin.items():
        first_of: dict[str, Resolution] = {}
        for resolution in resolutions:
            assert resolution.version is not None
            first_of.setdefault(resolution.version.text.lower(), resolution)
        if len(first_of) < 2:
            continue
        listed = ", ".join(r.version.text for r in first_of.values() if r.version is not None)
        for resolution in resolutions:
            assert resolution.version is not None
            mine = resolution.version.text
            use = resolution.use
            others = [r for key, r in first_of.items() if key != mine.lower()]
            ctx.report(
                "FL203",
                use.type_node,
                f"{plugin} runs with {len(first_of)} versions in this flow ({listed}): {mine} here",
                yaml_path=f"{use.yaml_path}.type",
                related=[
                    (r.use.type_node, f"{r.version.text if r.version else '?'} at {r.use.yaml_path}") for r in others
                ],
            )


def _applies(manifest: Manifest, default_type: str, type_name: str) -> bool:
    """As the resolver reads defaults: the type itself, a prefix of it, or an alias of it."""
    if type_name.startswith(default_type):
        return True
    return any(e.canonical_in(v) == type_name for e in manifest.lookup(default_type) for v in e.versions)


def _check_conflicts(ctx: CheckContext) -> None:
    _check_flow_conflicts(ctx)
    _check_configured_conflicts(ctx)


def _check_flow_conflicts(ctx: CheckContext) -> None:
    """Two entries of the flow's ``pluginDefaults`` where one's type covers the other's (a prefix, the same
    type, or an alias) and the versions differ: for the types both match, the first decides."""
    if ctx.settings.kestra2:
        return  # flow-level defaults are gone (FL008)
    usable: list[tuple[FlowDefault, str, VersionValue]] = []
    for default in ctx.flow.defaults:
        if default.type_name is not None and default.version_node is not None:
            value = read_version(default.version_node, ctx.settings)
            if value.text is not None:
                usable.append((default, default.type_name, value))
    for index, (later, later_type, later_value) in enumerate(usable):
        for first, first_type, first_value in usable[:index]:
            overlap = _applies(ctx.manifest, first_type, later_type) or _applies(ctx.manifest, later_type, first_type)
            if not overlap or (first_value.text or "").lower() == (later_value.text or "").lower():
                continue
            assert later.version_node is not None and first.version_node is not None
            narrower = later_type if _applies(ctx.manifest, first_type, later_type) else first_type
            ctx.report(
                "FL204",
                later.version_node,
                f"{later.yaml_path} ({later_type}: {later_value.text}) and {first.yaml_path} ({first_type}: "
                f"{first_value.text}) both apply to {narrower} with different versions: {first.yaml_path} "
                "comes first and decides",
                yaml_path=f"{later.yaml_path}.values.version",
                related=[(first.version_node, f"{first.yaml_path} decides")],
            )
            break


def _check_configured_conflicts(ctx: CheckContext) -> None:
    """The same for namespace and global defaults of the config, reported at the first use they decide."""
    settings, manifest = ctx.settings, ctx.manifest
    groups: list[tuple[str, list[ConfiguredDefault]]] = []
    for namespace in namespace_chain(ctx.flow.namespace):
        configured = settings.namespace_defaults.get(namespace, ())
        for forced in (True, False):
            groups.append((f"namespace {namespace}", [d for d in configured if d.forced is forced]))
    for forced in (True, False):
        groups.append(("global", [d for d in settings.global_defaults if d.forced is forced]))
    groups = [(label, defaults) for label, defaults in groups if len(defaults) > 1]  # one cannot conflict
    if not groups:
        return
    reported: set[tuple[str, str, str]] = set()
    for resolution in ctx.resolutions:
        use = resolution.use
        if resolution.status in (Status.CORE, Status.NOT_A_PLUGIN, Status.UNKNOWN_TYPE) or use.kind == "condition":
            continue
        for label, defaults in groups:
            applying = [d for d in defaults if _applies(manifest, d.type, use.type_name)]
            first = applying[0] if applying else None
            for later in applying[1:]:
                assert first is not None
                key = (label, first.type, later.type)
                if later.version.lower() == first.version.lower() or key in reported:
                    continue
                reported.add(key)
                how = "forced " if first.forced else ""
                ctx.report(
                    "FL204",
                    use.type_node,
                    f"two {how}{label} plugin defaults apply to {use.type_name} with different versions: "
                    f"{first.type} ({first.version}) and {later.type} ({later.version}), in {first.origin}; "
                    "the first decides",
                    yaml_path=f"{use.yaml_path}.type",
                )


RULES = [
    Rule(
        "FL201", "floating-version", Severity.WARNING,
        "The version is not an exact pin: LATEST, OLDEST, a partial version or a default decides it.",
        "A plugin that runs with LATEST, OLDEST, a partial version (`1.2`) or a version set outside the "
        "flow (namespace or global defaults, the instance's `defaultVersion`) changes version when the "
        "instance's plugins change, without the flow changing. Off by default; enable it for the flows "
        "that must not move: `rules: {FL201: {namespaces: [\"prod.**\"]}}` (`*` one namespace segment, `**` "
        "any number). The fix pins the version the plugin resolves to today.",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: LATEST\n",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: \"1.2.3\"\n",
        enabled_by_default=False,
        fixable=True,
        options={
            "namespaces": Option(
                "strings", None, "Only flows whose namespace matches one of these patterns (default: every flow)."
            )
        },
        check=check,
    ),
    Rule(
        "FL202", "newer-version-available", Severity.INFO,
        "The plugin is pinned below the newest installed version that has its type.",
        "An exact pin keeps a flow on one version while newer ones are installed. That can be on purpose; "
        "this note says what is available. The fix bumps the pin to the newest installed version (the newest "
        "release, unless the pin is a pre-release) and is unsafe: the plugin's behaviour may change. "
        "`flowlint fix --unsafe-fixes` applies it. Off by default.",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: \"1.2.1\"   # 1.2.3 installed\n",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: \"1.2.3\"\n",
        enabled_by_default=False,
        fixable=True,
        check=check,
    ),
    Rule(
        "FL203", "mixed-versions", Severity.INFO,
        "One plugin runs with several versions in one flow.",
        "Tasks of one plugin that resolve to different versions in one flow usually mean a pin was "
        "forgotten when the others moved. Off by default.",
        "- id: a\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: \"1.2.1\"\n"
        "- id: b\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: \"1.2.3\"\n",
        "- id: a\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: \"1.2.3\"\n"
        "- id: b\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  version: \"1.2.3\"\n",
        enabled_by_default=False,
        check=check,
    ),
    Rule(
        "FL204", "conflicting-defaults", Severity.WARNING,
        "Two plugin defaults at one level both apply to a type and give different versions.",
        "When two defaults of the same level (the flow's `pluginDefaults`, one namespace's defaults, or the "
        "global ones) both match a type, for example a package prefix and the exact type, and set different "
        "versions, only the first that matches is used: the other one is dead or a mistake.",
        "pluginDefaults:\n  - type: io.kestra.plugin.jdbc\n    values: {version: \"1.2.1\"}\n"
        "  - type: io.kestra.plugin.jdbc.postgresql.Query\n    values: {version: \"1.2.3\"}\n",
        "pluginDefaults:\n  - type: io.kestra.plugin.jdbc\n    values: {version: \"1.2.3\"}\n",
        check=check,
    ),
]  # fmt: skip
