"""The walk FL501-FL504 make over a mapping against a property set (flowlint.properties.model): its keys
(FL501 unknown, FL504 deprecated), their values' shapes (FL503), its required properties (FL502), and the
nested objects the set describes, recursively. flowlint.rules.properties walks plugin uses with it,
flowlint.rules.flow_objects the flow's own objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Edit, Fix, Severity
from flowlint.flow import PluginUse
from flowlint.manifest.model import Plugin, PluginVersion
from flowlint.nodes import get, is_null, is_str, span_of
from flowlint.properties.lookup import PropertyLookup, describe_history
from flowlint.properties.model import Prop, PropertySet
from flowlint.properties.values import Problem, judge
from flowlint.resolve import namespace_chain
from flowlint.rules.base import CheckContext
from flowlint.source import RESOLVED_STR

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


class PropertyWalker:
    """Checks one plugin use's mapping, and the nested objects in it, against property sets."""

    def __init__(self, ctx: CheckContext, lookup: PropertyLookup) -> None:
        self.ctx = ctx
        self.lookup = lookup
        self.use: PluginUse | None = None
        """The plugin use being checked, and what its resolution selected (its Subject but for the use)."""
        self.chosen: tuple[Plugin, PluginVersion | None, Sequence[PluginVersion], str] | None = None
        self.values_elsewhere = JUDGED_ELSEWHERE
        """Keys whose values, and whose absence, other rules judge."""
        self.required_elsewhere = JUDGED_ELSEWHERE

    @property
    def subject(self) -> Subject:
        """The plugin use being checked (spelt out only for a finding)."""
        assert self.use is not None and self.chosen is not None
        return Subject(self.use, *self.chosen)

    def describe(self, found: PropertySet, path: str) -> str:
        """How messages name the object at ``path`` that ``found`` describes."""
        return found.subject

    def deprecated_help(self, name: str) -> str:
        """What a finding on the deprecated key ``name`` advises."""
        return DEPRECATED_HELP

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
                    self._unknown(found, key, node, path)
                continue
            if prop.dep and not found.deprecated:
                self.ctx.report(
                    "FL504",
                    key,
                    f"'{key.value}' is deprecated in {self.describe(found, path)}",
                    yaml_path=f"{path}.{key.value}",
                    help=self.deprecated_help(key.value),
                )
            if prop.holds_plugins or (prop.any_scalar and type(value) is ScalarNode):
                continue  # what value() would decide first, without building its labels (most values)
            if key.value not in self.values_elsewhere:
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

    def _unknown(self, found: PropertySet, key: ScalarNode, node: MappingNode, at: str) -> None:
        name, path = key.value, f"{at}.{key.value}"
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
        history = self.history_hint(found, name)
        if history:
            hints.append(history)
        elif not same_case:
            import difflib  # only for a finding: off the start-up path

            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            if close:
                hints.append(f"did you mean '{close[0]}'?")
        message = f"'{name}' is not a property of {self.describe(found, at)}"
        severity = None
        if found.newest_kestra is not None:
            message += f" as far as flowlint's data goes (it describes Kestra up to {found.newest_kestra})"
            severity = Severity.WARNING
        self.ctx.report(
            "FL501", key, message, yaml_path=path, help="; ".join(hints) or None, fix=fix, severity=severity
        )

    def history_hint(self, found: PropertySet, name: str) -> str | None:
        """Which versions have the unknown key ``name`` of ``found`` (None: none, or not worked out)."""
        subject = self.subject
        if found is not self.lookup.of_type(subject.plugin, subject.version, subject.type_name) or not subject.version:
            return None
        history = describe_history(
            self.lookup.history(subject.plugin, subject.installed, subject.type_name, name), subject.installed
        )
        return f"'{name}' {history}; this {subject.use.kind} resolves to {subject.version.text}" if history else None

    def required(self, found: PropertySet, node: MappingNode, at: Node, path: str, top: bool = False) -> None:
        """Report, at ``at``, each required property of ``found`` that ``node`` lacks (and, for the plugin
        itself (``top``), that no plugin default applying to it gives)."""
        given: dict[str, Node] | None = None
        supplied: frozenset[str] | None = None if top else frozenset()
        for prop in found.required:
            if prop.name in self.required_elsewhere:
                continue
            if given is None:  # a key given a value anywhere (a duplicate is FL002's)
                given = {k.value: v for k, v in node.value if is_str(k) and not is_null(v)}
            value = given.get(prop.name)
            if value is not None:
                if prop.name in found.not_empty and _empty(prop, value):
                    self._empty(found, prop, value, path)
                continue
            if prop.aliases and any(alias in given for alias in prop.aliases):
                continue
            if supplied is None:
                supplied = _default_keys(self.ctx, self.subject)
            if prop.name not in supplied:
                self._missing(found, prop, at, path)

    def _empty(self, found: PropertySet, prop: Prop, value: Node, path: str) -> None:
        self.ctx.report(
            "FL502",
            value,
            f"'{prop.name}' of {self.describe(found, path)} is empty: Kestra requires a value "
            f"(Kestra: `{path}.{prop.name}: must not be empty`)",
            yaml_path=f"{path}.{prop.name}",
        )

    def _missing(self, found: PropertySet, prop: Prop, at: Node, path: str) -> None:
        message = f"{self.describe(found, path)} requires '{prop.name}'"
        top = self.use is not None and at is self.use.type_node
        subject = self.subject if top else None
        if subject is not None and subject.version is not None:
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


def _empty(prop: Prop, node: Node) -> bool:
    """Whether ``node`` is an empty list, mapping or string given to a property of that shape (another shape
    is FL503's)."""
    if isinstance(node, SequenceNode):
        return prop.kind == "list" and not node.value
    if isinstance(node, MappingNode):
        return prop.kind == "map" and not node.value
    return prop.kind == "string" and is_str(node) and not node.value


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
