"""FL501-FL504 on the flow's own objects: its inputs, outputs, ``retry``, ``sla``, ``concurrency``,
``checks``, plugin defaults, labels, listeners and ``workerGroup``, against the flow model of the target
Kestra version (../shared/data/kestra-flow-model.json, read through flowlint.properties.lookup).

Kestra reads these objects strictly too (KESTRA-VALIDATION §1.3 P3, P6-P8; §2.2): an unknown key, an unknown
retry or SLA ``type``, an enum constant or a value Jackson cannot read, a missing ``@NotNull`` value of an
object validated through ``@Valid``. What other rules own is left to them: an input's ``type`` and ``id``
(FL601, and an input whose ``type`` is unknown at the target is not checked at all), an output's ``id``,
``value`` and ``type`` when missing (FL602), the flow's own keys (FL006), labels under ``system.`` (FL607).
Listeners' conditions and tasks, like every plugin, are checked as plugin uses. A label given as a list
entry takes any other key (Kestra's ``ListOrMapOfLabelDeserializer`` reads ``key`` and ``value`` only).
"""

from __future__ import annotations

from collections.abc import Iterable

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Edit, Fix, Severity
from flowlint.nodes import get, is_str, span_of
from flowlint.properties.lookup import PropertyLookup, describe_versions
from flowlint.properties.model import Prop, PropertySet
from flowlint.properties.values import judge
from flowlint.rules.base import CheckContext
from flowlint.rules.property_walk import PropertyWalker

FLOW_CLASS = "io.kestra.core.models.flows.Flow"
PLUGIN_DEFAULT_CLASS = "io.kestra.core.models.flows.PluginDefault"
OBJECT_KEYS = {
    "inputs": "input",
    "outputs": "output",
    "retry": "the flow's retry",
    "sla": "SLA",
    "concurrency": "the flow's concurrency",
    "checks": "check",
    "pluginDefaults": "plugin default",
    "taskDefaults": "task default",
    "labels": "label",
    "listeners": "listener",
    "workerGroup": "the flow's workerGroup",
}
"""The flow's keys whose objects are checked, with what messages call one of them."""
REMOVED_IN_2 = frozenset({"pluginDefaults", "taskDefaults", "listeners"})
"""Keys Kestra 2.0 no longer parses (FL008 says so): their objects are not checked from 2.0."""
_DEFAULT_KEYS = frozenset({"type", "values"})
ELSEWHERE = {
    "inputs": (frozenset({"type"}), frozenset({"id", "type"})),
    "outputs": (frozenset(), frozenset({"id", "value", "type"})),
    "pluginDefaults": (_DEFAULT_KEYS, _DEFAULT_KEYS),
    "taskDefaults": (_DEFAULT_KEYS, _DEFAULT_KEYS),
}
"""Per key: the keys whose values, and the keys whose absence, other rules judge (FL601, FL602, FL110)."""
NOTHING_ELSEWHERE = (frozenset[str](), frozenset[str]())
DEPRECATED = {
    "name": "use `id`: `name` is its deprecated alias",
    "maxAttempt": "use `maxAttempts`",
}
"""What replaces a deprecated key of the flow model."""


def check_flow_objects(ctx: CheckContext, lookup: PropertyLookup) -> None:
    """Report FL501-FL504 on the flow-level objects of the flow (a flow without them costs one pass over its
    top-level keys)."""
    present = [(key, value) for key, value in ctx.flow.root.value if is_str(key) and key.value in OBJECT_KEYS]
    if not present:
        return
    flow = lookup.flow_class(FLOW_CLASS)
    if flow is None:
        return
    walker = FlowWalker(ctx, lookup)
    for key, value in present:
        prop = flow.props.get(key.value)
        if prop is None or (ctx.settings.kestra2 and key.value in REMOVED_IN_2):
            continue  # not a key of the Flow at the target (FL006), or no longer parsed (FL008)
        walker.values_elsewhere, walker.required_elsewhere = ELSEWHERE.get(key.value, NOTHING_ELSEWHERE)
        walker.top_level(flow, prop, key, value)


class FlowWalker(PropertyWalker):
    """The plugin walk, over the flow model's objects: messages name each object by where it stands."""

    def __init__(self, ctx: CheckContext, lookup: PropertyLookup) -> None:
        super().__init__(ctx, lookup)
        self.names: dict[str, str] = {}
        """YAML path of an object -> how messages call it (``input 'region'``)."""

    def describe(self, found: PropertySet, path: str) -> str:
        """``input 'region' (StringInput, Kestra 1.3)``, ``'dependsOn' of input 'region' (DependsOn, ...)``."""
        name = self.names.get(path)
        if name is None:
            parent, _, key = path.rpartition(".")
            name = f"'{key}' of {self.names[parent]}" if parent in self.names else path
        return f"{name} ({found.subject})"

    def mapping(self, found: PropertySet, node: MappingNode, path: str) -> None:
        """Check an object's keys, named first when it is an item of a nested list (a FORM's inputs)."""
        if path not in self.names:
            parent, _, last = path.rpartition(".")
            key, _, index = last.partition("[")
            if parent in self.names and key in OBJECT_KEYS and index[:-1].isdigit():
                self.names[path] = f"{_name(OBJECT_KEYS[key], node, int(index[:-1]))} of {self.names[parent]}"
        super().mapping(found, node, path)

    def deprecated_help(self, name: str) -> str:
        """What replaces a deprecated key of the flow model."""
        return DEPRECATED.get(name, "see Kestra's documentation for what replaces it")

    def history_hint(self, found: PropertySet, name: str) -> str | None:
        """The Kestra versions of the data that have the unknown key ``name`` on this object."""
        fqn = self.lookup.flow_class_name(found)
        versions = self.lookup.flow_history(fqn, name) if fqn else []
        words = describe_versions(versions, self.lookup.store.kestra_versions)
        if not words:
            return None
        return f"of the Kestra versions flowlint's data describes, '{name}' {words} here"

    def top_level(self, flow: PropertySet, prop: Prop, key: ScalarNode, value: Node) -> None:
        """Check the objects under the flow's key ``key``."""
        what, path = OBJECT_KEYS[key.value], key.value
        if prop.kind == "object":
            if isinstance(value, MappingNode):
                self.names[path] = what
                self.object(self.lookup.nested(prop, flow), value, key, path)
            else:
                self._container(key, value, "map")
            return
        if prop.kind != "list":
            return  # the labels mapping of Kestra 0.5-0.10: not judged
        if key.value == "labels" and isinstance(value, MappingNode):
            return  # labels as a mapping of scalars (Kestra's ListOrMapOfLabelDeserializer)
        if not isinstance(value, SequenceNode):
            self._container(key, value, "list")
            return
        ref = prop.item.get("ref")
        found = self.lookup.flow_class(ref) if isinstance(ref, str) else None
        for index, item in enumerate(value.value):
            at = f"{path}[{index}]"
            if not isinstance(item, MappingNode):
                if ref is not None and key.value != "labels":  # a list label is Kestra's deserializer's to read
                    self._container(key, item, "map", f"item {index + 1} of '{key.value}'", at)
                continue
            self.names[at] = _name(what, item, index)
            if key.value == "inputs":
                found = self._input_set(item)
            if key.value == "labels":  # only `key` and `value` are read, through @Valid (from 1.3.25)
                if found is not None and prop.valid:
                    self.required(found, item, item, at)
                continue
            self.object(found, item, item, at, valid=prop.valid)
            if found is not None and key.value in ("pluginDefaults", "taskDefaults"):
                self.default_values(found, item, at)

    def _container(self, key: ScalarNode, value: Node, kind: str, label: str = "", path: str = "") -> None:
        """FL503 for the value of a flow key (or an item of its list) that Jackson cannot read into the list or
        object it takes (null: unset; plugin defaults and their items are FL007's and FL110's)."""
        if key.value in ("pluginDefaults", "taskDefaults"):
            return
        problem = judge(Prop(key.value, kind), value, label or f"'{key.value}'")
        if problem is not None:
            message = problem.message
            if key.value == "labels":  # Kestra: `Unable to deserialize value as it's neither an object ...`
                message = message.replace(" takes a list,", " takes a list or a mapping,", 1)
            self.ctx.report("FL503", value, message, yaml_path=path or key.value)

    def _input_set(self, item: MappingNode) -> PropertySet | None:
        """The class an input's ``type`` selects at the target (None: no type the target knows: FL601's)."""
        chosen = get(item, "type")
        name = self.lookup.input_class(chosen[1].value) if chosen and is_str(chosen[1]) else None
        found = self.lookup.flow_class(name) if name else None
        return None if found is None or found.abstract else found

    def object(self, found: PropertySet | None, node: MappingNode, anchor: Node, path: str, valid: bool = True) -> None:
        """Check one object (a ``type`` chooses the subtype of an abstract class: a retry's, an SLA's)."""
        if found is not None and found.abstract and found.subtypes:
            found = self._subtype(found, node, anchor, path)
        if found is None or found.abstract:
            return
        self.mapping(found, node, path)
        if valid:
            self.required(found, node, anchor, path)

    def _subtype(self, found: PropertySet, node: MappingNode, anchor: Node, path: str) -> PropertySet | None:
        """The subtype ``node``'s ``type`` selects; reports a missing or unknown ``type`` (Kestra: `Invalid
        type`, `missing type id property 'type'`)."""
        chosen = get(node, "type")
        if chosen is None:
            self.ctx.report("FL502", anchor, f"{self.describe(found, path)} requires 'type'", yaml_path=path)
            return None
        ref = found.subtypes.get(chosen[1].value) if is_str(chosen[1]) else None
        if ref is not None:
            return self.lookup.flow_class(ref)
        problem = judge(Prop("type", "enum", enum=tuple(sorted(found.subtypes))), chosen[1], "'type'")
        if problem is not None:
            fix = None
            if problem.replacement is not None and isinstance(chosen[1], ScalarNode):
                from flowlint.edits import styled  # only for a finding: off the start-up path

                replacement = (Edit(span_of(chosen[1]), styled(chosen[1], problem.replacement)),)
                fix = Fix(f"replace with {problem.replacement}", replacement)
            self.ctx.report("FL503", chosen[1], problem.message, yaml_path=f"{path}.type", fix=fix)
        return None

    def default_values(self, found: PropertySet, item: MappingNode, path: str) -> None:
        """FL501 for a key of a plugin default's ``values`` that no installed version of its (exact) type
        has; a key Kestra matches only ignoring case is a warning (Kestra's PluginDefaultValidator)."""
        chosen, values = get(item, "type"), get(item, "values")
        if not (chosen and is_str(chosen[1]) and values and isinstance(values[1], MappingNode)):
            return
        type_name = chosen[1].value
        sets = self._sets_of(type_name)
        if not sets:
            return  # a prefix, a type the manifest does not have, or no version the data describes fully
        validated = "PluginDefaultValidation" in self.lookup.flow_validators(self.lookup.flow_class_name(found))
        names = {name for s in sets for prop in s.props.values() for name in (prop.name, *prop.aliases)}
        lowered = {name.lower(): name for name in names}
        for key, _ in values[1].value:
            if not is_str(key) or key.value in names:
                continue
            same = lowered.get(key.value.lower())
            self._unknown_default(key, type_name, same, validated, f"{path}.values.{key.value}", names)

    def _sets_of(self, type_name: str) -> list[PropertySet]:
        """The sets of ``type_name`` in every installed version the data describes ([] when one of them takes
        any key, or when none is described); worked out once per type."""
        key = ("plugin default sets", type_name)
        found: list[PropertySet] | None = self.lookup.selections.get(key)
        if found is None:
            sets: dict[int, PropertySet] = {}  # a core plugin's versions share one set
            for entry in self.ctx.manifest.lookup(type_name):
                for version in entry.versions[-1:] if entry.plugin.core else entry.versions:
                    name = entry.canonical_in(version) or entry.name
                    chosen = self.lookup.of_type(entry.plugin, None if entry.plugin.core else version, name)
                    if chosen is not None:
                        sets[id(chosen)] = chosen
            found = list(sets.values())
            found = self.lookup.selections[key] = [] if any(not s.checks_keys for s in found) else found
        return found

    def _unknown_default(
        self, key: ScalarNode, type_name: str, same: str | None, validated: bool, path: str, names: Iterable[str]
    ) -> None:
        subject = f"{type_name} in any installed version"
        if same is not None:
            from flowlint.edits import styled  # only for a finding: off the start-up path

            self.ctx.report(
                "FL501",
                key,
                f"'{key.value}' is not a property of {subject}: Kestra accepts it on save, matching '{same}' "
                "regardless of case, but the default then sets nothing",
                yaml_path=path,
                severity=Severity.WARNING,
                help=f"did you mean '{same}'? (property names are case-sensitive)",
                # unsafe: the renamed default then sets the property, which changes what runs
                fix=Fix(f"rename to {same}", (Edit(span_of(key), styled(key, same)),), safe=False),
            )
            return
        import difflib  # only for a finding: off the start-up path

        close = difflib.get_close_matches(key.value, sorted(names), n=1, cutoff=0.6)
        message = f"'{key.value}' is not a property of {subject}"
        if validated:
            message += f" (Kestra: `Invalid Plugin Default: No property '{key.value}' exists in plugin '{type_name}'`)"
        else:
            message += ": the default sets nothing"
        self.ctx.report(
            "FL501",
            key,
            message,
            yaml_path=path,
            severity=None if validated else Severity.WARNING,
            help=f"did you mean '{close[0]}'?" if close else None,
        )


def _name(what: str, item: MappingNode, index: int) -> str:
    """``input 'region'`` (by its id, or deprecated name), else ``listener 2`` (by its place)."""
    if what in ("input", "output", "SLA"):
        for key in ("id", "name"):
            found = get(item, key)
            if found and is_str(found[1]):
                return f"{what} '{found[1].value}'"
    return f"{what} {index + 1}"
