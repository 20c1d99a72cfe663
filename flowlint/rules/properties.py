"""FL5xx: what each plugin is given, against the properties of the version it resolves to.

Every plugin use that resolves (or is a core type) is looked up in the property data
(flowlint.properties.lookup) at its plugin version and the target Kestra version; a use the data does not
describe is left alone. Its keys are checked (FL501 unknown, FL504 deprecated), its values' shapes
(FL503), its required properties after the defaults that apply to it are merged (FL502), and the nested
objects the data describes the same way, recursively (their required properties only through a property
marked ``valid``: Kestra validates a nested object only through ``@Valid``). Nested plugins (kind ``plugin``)
are uses of their own and checked as such; the keys of a ``map`` are free.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Edit, Fix, Severity
from flowlint.flow import PluginUse
from flowlint.manifest.model import Plugin, PluginVersion
from flowlint.nodes import get, is_null, is_str, span_of
from flowlint.properties.lookup import MEMO_LIMIT, PropertyLookup, describe_history, lookup_for
from flowlint.properties.model import Prop, PropertySet
from flowlint.properties.values import Problem, judge
from flowlint.resolve import Resolution, Status, namespace_chain
from flowlint.rules.base import CheckContext, Rule
from flowlint.source import RESOLVED_STR

CODES = ("FL501", "FL502", "FL503", "FL504")
JUDGED_ELSEWHERE = frozenset({"id", "type", "version"})
"""Keys FL003, FL007 and the FL1xx rules already judge (missing, of the wrong shape, or an invalid version)."""
DEPRECATED_HELP = "see the plugin's documentation for what replaces it"


class Subject(NamedTuple):
    """The plugin use whose properties are checked, with what its version hints need."""

    use: PluginUse
    plugin: Plugin
    version: PluginVersion | None
    installed: Sequence[PluginVersion]
    type_name: str


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
    walker = _Walker(ctx, lookup)
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


class _Walker:
    """Checks one plugin use's mapping, and the nested objects in it, against property sets."""

    def __init__(self, ctx: CheckContext, lookup: PropertyLookup) -> None:
        self.ctx = ctx
        self.lookup = lookup
        self.use: PluginUse | None = None
        """The plugin use being checked, and what its resolution selected (its Subject but for the use)."""
        self.chosen: tuple[Plugin, PluginVersion | None, Sequence[PluginVersion], str] | None = None

    @property
    def subject(self) -> Subject:
        """The plugin use being checked (spelt out only for a finding)."""
        assert self.use is not None and self.chosen is not None
        return Subject(self.use, *self.chosen)

    def mapping(self, found: PropertySet, node: MappingNode, path: str) -> None:
        """Check the keys of ``node`` and their values."""
        props, quiet = found.props, found.quiet
        for key, value in node.value:
            if key.ctag is not RESOLVED_STR and not is_str(key):
                continue
            if key.value in quiet and type(value) is ScalarNode:
                continue  # most keys: nothing to report, decided by one look-up
            prop = props.get(key.value) or found.get(key.value)
            if prop is None:
                if found.checks_keys:
                    self._unknown(found, key, node, f"{path}.{key.value}")
                continue
            if prop.dep and not found.deprecated:
                self.ctx.report(
                    "FL504",
                    key,
                    f"'{key.value}' is deprecated in {found.subject}",
                    yaml_path=f"{path}.{key.value}",
                    help=DEPRECATED_HELP,
                )
            if prop.holds_plugins or (prop.any_scalar and type(value) is ScalarNode):
                continue  # what value() would decide first, without building its labels (most values)
            if key.value not in JUDGED_ELSEWHERE:
                self.value(found, prop, value, f"'{key.value}'", f"{path}.{key.value}", key)

    def value(self, owner: PropertySet, prop: Prop, node: Node, label: str, path: str, anchor: Node) -> None:
        """Check one value against ``prop``, then what it holds (``anchor``: where a missing nested
        property is reported, the value's key or the list item)."""
        if prop.holds_plugins or prop.kind_unknown:
            return  # plugins are uses of their own (FL007 judges the lists that hold them)
        shape = type(node)
        if shape is MappingNode:
            fits = prop.any_mapping
        elif shape is SequenceNode:
            fits = prop.any_sequence
        else:
            fits = prop.any_scalar
        problem = None if fits else judge(prop, node, label)
        if problem is not None:
            self._invalid(prop, node, problem, path)
        elif prop.kind == "object" and prop.ref and shape is MappingNode:
            assert isinstance(node, MappingNode)
            nested = object_set(self.lookup, owner, prop, node)
            if nested is not None and not (nested.abstract and nested.subtypes):  # no concrete class chosen
                self.mapping(nested, node, path)
                if prop.valid:  # Kestra checks a nested object's constraints only through @Valid
                    self.required(nested, node, anchor, path)
        elif prop.kind in ("list", "map") and (item := self.lookup.item_of(prop)) is not None:
            if prop.kind == "list" and shape is SequenceNode:
                for index, child in enumerate(node.value):
                    self.value(owner, item, child, f"item {index + 1} of {label}", f"{path}[{index}]", child)
            elif prop.kind == "map" and shape is MappingNode:
                for key, child in node.value:
                    if is_str(key):
                        self.value(owner, item, child, f"{label}.{key.value}", f"{path}.{key.value}", key)

    def _invalid(self, prop: Prop, node: Node, problem: Problem, path: str) -> None:
        fix = None
        if problem.replacement is not None and isinstance(node, ScalarNode):
            from flowlint.edits import styled  # only for a finding: off the start-up path

            fix = Fix(f"replace with {problem.replacement}", (Edit(span_of(node), styled(node, problem.replacement)),))
        self.ctx.report(
            "FL503",
            node,
            problem.message,
            yaml_path=path,
            severity=Severity.WARNING if prop.dyn else Severity.ERROR,
            help=None
            if not prop.dyn
            else "the property is dynamic: Kestra saves the flow and the task fails when it runs",
            fix=fix,
        )

    def _unknown(self, found: PropertySet, key: ScalarNode, node: MappingNode, path: str) -> None:
        name = key.value
        names = [n for n in found.props if n not in ("type", "version")]
        present = {k.value for k, _ in node.value if is_str(k)}
        same_case = [n for n in names if n.lower() == name.lower()]
        hints = []
        fix = None
        if len(same_case) == 1:
            hints.append(f"did you mean '{same_case[0]}'? (property names are case-sensitive)")
            if same_case[0] not in present:
                from flowlint.edits import styled  # only for a finding: off the start-up path

                fix = Fix(f"rename to {same_case[0]}", (Edit(span_of(key), styled(key, same_case[0])),))
        subject = self.subject
        history = None
        if found is self.lookup.of_type(subject.plugin, subject.version, subject.type_name) and subject.version:
            history = describe_history(
                self.lookup.history(subject.plugin, subject.installed, subject.type_name, name), subject.installed
            )
        if history and subject.version:
            hints.append(f"'{name}' {history}; this {subject.use.kind} resolves to {subject.version.text}")
        elif not same_case:
            import difflib  # only for a finding: off the start-up path

            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            if close:
                hints.append(f"did you mean '{close[0]}'?")
        message = f"'{name}' is not a property of {found.subject}"
        severity = None
        if found.newest_kestra is not None:
            message += f" as far as flowlint's data goes (it describes Kestra up to {found.newest_kestra})"
            severity = Severity.WARNING
        self.ctx.report(
            "FL501", key, message, yaml_path=path, help="; ".join(hints) or None, fix=fix, severity=severity
        )

    def required(self, found: PropertySet, node: MappingNode, at: Node, path: str, top: bool = False) -> None:
        """Report, at ``at``, each required property of ``found`` that ``node`` lacks (and, for the plugin
        itself (``top``), that no plugin default applying to it gives)."""
        given: set[str] | None = None
        supplied: frozenset[str] | None = None if top else frozenset()
        for prop in found.required:
            if prop.name in JUDGED_ELSEWHERE:
                continue
            if given is None:  # a key given a value anywhere (a duplicate is FL002's)
                given = {k.value for k, v in node.value if is_str(k) and not is_null(v)}
            if prop.name in given or (prop.aliases and any(alias in given for alias in prop.aliases)):
                continue
            if supplied is None:
                supplied = _default_keys(self.ctx, self.subject)
            if prop.name not in supplied:
                self._missing(found, prop, at, path)

    def _missing(self, found: PropertySet, prop: Prop, at: Node, path: str) -> None:
        subject = self.subject
        message = f"{found.subject} requires '{prop.name}'"
        top = at is subject.use.type_node
        if top and subject.version is not None:
            since = self.lookup.required_since(
                subject.plugin, subject.installed, subject.version, subject.type_name, prop.name
            )
            if since:
                message += f" (required since {since})"
        help = (
            "set it here, or in a plugin default that applies to this type: the flow's `pluginDefaults`, or, when "
            "the instance sets it, declare that default in flowlint's config (`pluginDefaults`, "
            "`namespaces.<ns>.pluginDefaults`, or `kestraConfig`)"
            if top
            else None
        )
        self.ctx.report("FL502", at, message, yaml_path=path, help=help)


def object_set(lookup: PropertyLookup, owner: PropertySet, prop: Prop, node: MappingNode) -> PropertySet | None:
    """The set of the mapping ``node`` given to the object property ``prop`` of ``owner``: for an abstract
    class, the concrete class its ``type`` selects (the abstract class's own set while it selects none)."""
    nested = lookup.nested(prop, owner)
    if nested is not None and nested.abstract and nested.subtypes:
        chosen = get(node, "type")
        ref = nested.subtypes.get(chosen[1].value) if chosen and is_str(chosen[1]) else None
        if ref:
            return lookup.nested(prop, owner, ref)
    return nested


def _default_keys(ctx: CheckContext, subject: Subject) -> frozenset[str]:
    """The keys the plugin defaults that apply to the use give it (Kestra merges them before validating;
    a default applies when its type is a prefix of the use's type)."""
    names = {subject.use.type_name, subject.type_name}
    keys: set[str] = set()
    for default in ctx.flow.defaults:
        applies = default.type_name and any(n.startswith(default.type_name) for n in names)
        if applies and isinstance(default.values_node, MappingNode):
            keys.update(k.value for k, _ in default.values_node.value if is_str(k))
    chain = namespace_chain(ctx.flow.namespace)
    for configured in ctx.settings.value_defaults:
        in_scope = configured.scope == "global" or configured.scope in chain
        if in_scope and any(n.startswith(configured.type) for n in names):
            keys.update(configured.keys)
    return frozenset(keys)


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
        "Types the data describes only in part, and classes that take any key, are not checked.",
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
        "`namespaces.<ns>.pluginDefaults`, or `kestraConfig`) so they count.",
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
