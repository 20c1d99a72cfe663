"""FL5xx: what each plugin is given, against the properties of the version it resolves to.

Every plugin use that resolves (or is a core type) is looked up in the property data
(flowlint.properties.lookup) at its plugin version and the target Kestra version; a use the data does not
describe is left alone. Its keys are checked (FL501 unknown, FL504 deprecated), its values' shapes
(FL503), its required properties after the defaults that apply to it are merged (FL502), and the nested
objects the data describes the same way, recursively (their required properties only through a property
marked ``valid``: Kestra validates a nested object only through ``@Valid``). Nested plugins (kind ``plugin``)
are uses of their own and checked as such; the keys of a ``map`` are free. The walk is
flowlint.rules.property_walk's; the flow's own objects (inputs, outputs, retry, ...) are checked the same way
(flowlint.rules.flow_objects).
"""

from __future__ import annotations

from flowlint.diagnostics import Severity
from flowlint.properties.lookup import MEMO_LIMIT, lookup_for
from flowlint.resolve import Resolution, Status
from flowlint.rules.base import CheckContext, Rule
from flowlint.rules.flow_objects import check_flow_objects
from flowlint.rules.property_walk import DEPRECATED_HELP, PropertyWalker, Subject

CODES = ("FL501", "FL502", "FL503", "FL504")


def subject_of(resolution: Resolution) -> Subject | None:
    """The plugin, version and class a resolution selects (None: it selects none)."""
    if resolution.status is Status.RESOLVED and resolution.entry is not None and resolution.version is not None:
        entry, version = resolution.entry, resolution.version
        return Subject(resolution.use, entry.plugin, version, entry.versions, entry.canonical_in(version) or entry.name)
    if resolution.status is Status.CORE:
        core = next((e for e in resolution.entries if e.plugin.core), None)
        if core is not None:
            return Subject(resolution.use, core.plugin, None, core.versions, core.canonical or core.name)
    return None


def check_properties(ctx: CheckContext) -> None:
    """Report FL501-FL504 for every plugin use whose properties the data describes."""
    if not any(ctx.on(code) for code in CODES):
        return
    lookup = lookup_for(ctx.manifest, ctx.settings.target)
    memo = lookup.selections
    walker = PropertyWalker(ctx, lookup)
    for resolution in ctx.resolutions:
        use = resolution.use
        # what a plugin version (or a core type) selects is worked out once per run: most uses repeat one (the
        # status follows from these: a core type is one whatever the flow asks)
        key = (use.type_name, id(resolution.entry), id(resolution.version))
        known = memo.get(key)
        if known is None:
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            selected = subject_of(resolution)
            found = lookup.of_type(selected.plugin, selected.version, selected.type_name) if selected else None
            # kept with the entry and version, so that their ids are not reused while the memo holds them
            known = memo[key] = (selected[1:] if selected else None, found, resolution.entry, resolution.version)
        chosen, found = known[0], known[1]
        if chosen is None or found is None:
            ctx.unknown_properties += resolution.status in (Status.RESOLVED, Status.CORE)
            continue
        walker.use, walker.chosen = use, chosen
        if found.deprecated:
            ctx.report(
                "FL504",
                use.type_node,
                f"every property {found.subject} declares is deprecated: the type is on its way out",
                yaml_path=f"{use.yaml_path}.type",
                help=DEPRECATED_HELP,
            )
        walker.mapping(found, use.node, use.yaml_path)
        walker.required(found, use.node, use.type_node, use.yaml_path, top=True)
    check_flow_objects(ctx, lookup)


RULES = (
    Rule(
        "FL501",
        "unknown-property",
        Severity.ERROR,
        "A key the plugin does not have in the version it resolves to.",
        "Kestra rejects a flow on save when a task, trigger, condition or task runner has a key its class does "
        "not have (`Unrecognized field`). flowlint checks each key against the properties of the version the "
        "plugin resolves to and the target Kestra version (the properties every task inherits), and says when "
        "other installed versions have the key. Keys under map-typed properties (`headers`, `env`, ...) are free. "
        "Types the data describes only in part, and classes that take any key, are not checked. The flow's own "
        "objects (inputs, outputs, `retry`, `sla`, `concurrency`, `checks`, plugin defaults, listeners, "
        "`workerGroup`) are checked against Kestra's flow model of the target version; a key of a plugin "
        "default's `values` that no installed version of its type has is reported too (a warning when Kestra "
        "matches it only ignoring case: it accepts the flow, and the default sets nothing).",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  url: jdbc:postgresql://db/app\n"
        "  sqll: SELECT 1\n",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  url: jdbc:postgresql://db/app\n"
        "  sql: SELECT 1\n",
        fixable=True,
        check=check_properties,
    ),
    Rule(
        "FL502",
        "missing-required-property",
        Severity.ERROR,
        "A required property is missing, after the plugin defaults that apply are merged.",
        "Kestra merges plugin defaults into a plugin and then validates it: a required property (`must not be "
        "null`) that neither the plugin nor a default gives fails the save. Defaults set on the instance or for "
        "a namespace live outside the repository: declare them in flowlint's config (`pluginDefaults`, "
        "`namespaces.<ns>.pluginDefaults`, or `kestraConfig`) so they count. The flow's own objects are checked "
        "the same way (an SLA without `behavior`, a retry without `type`, a listener whose `tasks` is empty).",
        "- id: hello\n  type: io.kestra.plugin.core.log.Log\n",
        "- id: hello\n  type: io.kestra.plugin.core.log.Log\n  message: Hello\n",
        check=check_properties,
    ),
    Rule(
        "FL503",
        "invalid-property-value",
        Severity.ERROR,
        "A value of the wrong shape: an unknown enum constant, a scalar for a list, a bad duration, ...",
        "A property that is not dynamic is read when the flow is saved: an enum constant that does not exist "
        "(constants are case-sensitive), a scalar where a list or mapping is needed, a non-boolean, a "
        "non-integer, a duration that is neither ISO-8601 nor a number, or a Pebble expression makes Kestra "
        "reject the flow (error). A dynamic property is read when the task runs: the same mistakes there fail "
        "the task (warning).",
        "- id: hello\n  type: io.kestra.plugin.core.log.Log\n  message: Hello\n  level: info\n",
        "- id: hello\n  type: io.kestra.plugin.core.log.Log\n  message: Hello\n  level: INFO\n",
        fixable=True,
        check=check_properties,
    ),
    Rule(
        "FL504",
        "deprecated-property",
        Severity.WARNING,
        "The property is deprecated in the version the plugin resolves to.",
        "Deprecated properties still work but are on their way out: the next versions of the plugin may drop "
        "them, and then every flow that sets them breaks on save. When every property a type declares is "
        "deprecated (the type itself is on its way out), one finding at its `type` says so instead of one per key.",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  url: jdbc:postgresql://db/app\n"
        "  sql: SELECT 1\n  fetchOne: true\n",
        "- id: query\n  type: io.kestra.plugin.jdbc.postgresql.Query\n  url: jdbc:postgresql://db/app\n"
        "  sql: SELECT 1\n  fetchType: FETCH_ONE\n",
        check=check_properties,
    ),
)
