"""The property set a plugin use has where it runs (../shared/data/README.md, kestra-plugin-properties.json).

A type's full set at plugin version V on target Kestra version K is its own ``props`` at V, plus the
``kestraDefs`` of its ``kestraClasses`` that hold at V, taken at K, plus the base set of its ``root``
taken at K (``type`` and ``version`` are always taken). Kestra's own classes are loaded from the server,
so they follow K; K is described by the data points :func:`target_points` picks. On a name clash the
type's own entry wins. A core type (bundled with Kestra) has no plugin version: its own props follow K too.
Nested classes (``ref``) are looked up in the artifact's ``defs`` (unless Kestra provides them), then in
Kestra's classes, then in the base sets' nested classes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from flowlint.manifest.model import Manifest, Plugin, PluginVersion
from flowlint.properties.model import (
    Point,
    Prop,
    PropertySet,
    Scope,
    field_at,
    holds,
    point,
    props_at,
    target_points,
)
from flowlint.properties.store import Record, Store
from flowlint.properties.values import item_prop
from flowlint.versions import Version

MEMO_LIMIT = 4096
"""Entries a memo of names met in flows keeps at most (cleared when full: a language server meets new names
as the user types them)."""
ALWAYS_TAKEN = (Prop("type", "string"), Prop("version", "any"))
"""Keys every plugin takes: its ``type``, and ``version`` (other rules judge a ``version`` Kestra does not read)."""
FLOW_MODEL = "kestra flow model"
"""The ``artifact`` of a Scope whose classes are the flow model's (Store.flow_record), taken at the target."""


class PropertyLookup:
    """Property sets of one store at one target Kestra version, each worked out once."""

    def __init__(self, store: Store, target: Version) -> None:
        self.store = store
        self.target = target
        self.kestra_points, beyond = target_points(store.kestra_versions, target)
        self.newest_kestra = store.kestra_versions[-1] if beyond and store.kestra_versions else None
        self._sets: dict[tuple[str, str, str], PropertySet | None] = {}
        self._nested: dict[tuple[str, Scope | None], PropertySet | None] = {}
        self._kestra: dict[str, dict[str, Prop]] = {}
        self._described: dict[str, frozenset[Point | None]] = {}
        self._history: dict[tuple[str, str, str, tuple[str, ...]], list[str]] = {}
        self._items: dict[int, tuple[Prop, Prop | None]] = {}
        self.selections: dict[tuple[Any, ...], Any] = {}
        self._named: dict[tuple[str, Scope | None, str], PropertySet | None] = {}
        """A memo for the rules: what a resolution's selection has as its property set (see FL5xx)."""
        self._flow: dict[str, PropertySet | None] = {}
        self._flow_keys: dict[str, bool | None] = {}
        self._input_classes: dict[str, str | None] = {}

    def plugin_points(self, plugin: Plugin, version: PluginVersion | None) -> tuple[Point, ...]:
        """The points ``plugin``'s own records are taken at: ``version`` when the data describes it, the
        target's points for a core plugin; () when the data does not describe the version in force."""
        versions = self.store.artifact_versions(plugin.coordinates)
        if versions is None:
            return ()
        if plugin.core:
            return target_points(versions, self.target)[0]
        if version is None:
            return ()
        described = self._described.get(plugin.coordinates)
        if described is None:
            described = self._described[plugin.coordinates] = frozenset(point(v) for v in versions)
        at = point(version.text)
        return (at,) if at is not None and at in described else ()

    def of_type(self, plugin: Plugin, version: PluginVersion | None, type_name: str) -> PropertySet | None:
        """The set of ``type_name`` as ``plugin`` at ``version`` provides it (None: the data does not know)."""
        key = (plugin.coordinates, version.text if version is not None else "", type_name)
        if key not in self._sets:
            self._sets[key] = self._build(plugin, version, type_name)
        return self._sets[key]

    def _build(self, plugin: Plugin, version: PluginVersion | None, type_name: str) -> PropertySet | None:
        record = self.store.type_record(plugin.coordinates, type_name)
        points = self.plugin_points(plugin, version)
        if record is None or not points:
            return None
        points = tuple(p for p in points if holds(record, p))
        if not points:
            return None
        scope = Scope(plugin.coordinates, points, self.kestra_points)
        props: dict[str, Prop] = {prop.name: prop for prop in ALWAYS_TAKEN}
        roots = {field_at(record, "root", p) for p in points} - {None}
        for root in sorted(roots):
            props.update(self._kestra_props(f"B {root}"))
        kestra: dict[str, Prop] = {}
        for item in record.get("kestraClasses", ()):
            if isinstance(item, Mapping) and any(holds(item, p) for p in points):
                for name, prop in self._kestra_props(f"K {item.get('class')}").items():
                    if name not in kestra or (kestra[name].iface and not prop.iface):
                        kestra[name] = prop
        props.update(kestra)
        own = props_at(record.get("props", ()), points, scope)
        props.update(own)
        label = (
            f"(Kestra {self.target.text})"
            if plugin.core
            else f"{version.text if version else ''} ({plugin.artifact_id})"
        )
        return PropertySet(
            subject=f"{type_name} {label}",
            props=props,
            open=_at_any(record, "additionalProperties", points),
            partial=_at_any(record, "partial", points),
            newest_kestra=self.newest_kestra,
            deprecated=len(own) > 1 and all(prop.dep for prop in own.values()),
        )

    def _kestra_props(self, key: str) -> dict[str, Prop]:
        """The properties of a base set (``B root``) or a Kestra class (``K class``) at the target, worked
        out once: every type of that root or class shares them."""
        found = self._kestra.get(key)
        if found is None:
            kind, name = key.split(" ", 1)
            record = self.store.base_record(name) if kind == "B" else self.store.kestra_record(name)
            scope = Scope(None, (), self.kestra_points)
            found = self._kestra[key] = props_at(record.get("props", ()), self.kestra_points, scope) if record else {}
        return found

    def nested(self, prop: Prop, owner: PropertySet, subtype: str | None = None) -> PropertySet | None:
        """The set of the nested class of a property of ``owner`` (``subtype``: the concrete class an
        abstract one's ``type`` selects; its set takes that ``type``)."""
        name = subtype or prop.ref
        if name is None:
            return None
        if prop.scope is not None and prop.scope.artifact == FLOW_MODEL:
            return self.flow_class(name)  # named where it is used (FL5xx's flow walk)
        key = (name, prop.scope)
        if key not in self._nested:
            found = self._build_nested(name, prop.scope)
            if found is not None and subtype is not None:
                found.props.setdefault("type", ALWAYS_TAKEN[0])
            self._nested[key] = found
        named_key = (*key, owner.subject)
        if named_key not in self._named:  # one copy per owner: its memos (quiet keys, ...) are kept with it
            if len(self._named) >= MEMO_LIMIT:
                self._named.clear()
            shared = self._nested[key]  # one set per class and scope; each owner names itself in the subject
            self._named[named_key] = (
                None if shared is None else replace(shared, subject=f"{shared.subject} (in {owner.subject})")
            )
        return self._named[named_key]

    def _build_nested(self, name: str, scope: Scope | None) -> PropertySet | None:
        subject = name.rsplit(".", 1)[-1].replace("$", ".")
        if scope is not None and scope.artifact is not None:
            record = self.store.def_record(scope.artifact, name)
            provided = record is not None and _at_any(record, "kestraProvided", scope.points)
            if record is not None and not (provided and self.store.kestra_record(name) is not None):
                return self._def_set(
                    record, scope.points, Scope(scope.artifact, scope.points, scope.kestra_points), subject
                )
        for record in (self.store.kestra_record(name), self.store.base_def_record(name)):
            if record is not None:
                return self._def_set(record, self.kestra_points, Scope(None, (), self.kestra_points), subject)
        return None

    def _def_set(self, record: Record, points: tuple[Point, ...], scope: Scope, subject: str) -> PropertySet | None:
        points = tuple(p for p in points if holds(record, p))
        if not points:
            return None
        subtypes: dict[str, str] = {}
        for at in points:
            for item in field_at(record, "subtypes", at) or ():
                if isinstance(item, Mapping) and isinstance(item.get("name"), str) and isinstance(item.get("ref"), str):
                    subtypes.setdefault(item["name"], item["ref"])
        return PropertySet(
            subject=subject,
            props=props_at(record.get("props", ()), points, scope),
            open=_at_any(record, "additionalProperties", points),
            partial=_at_any(record, "partial", points),
            abstract=_at_any(record, "abstract", points),
            subtypes=subtypes,
            newest_kestra=self.newest_kestra,
        )

    def flow_class(self, fqn: str) -> PropertySet | None:
        """The set of the flow model's class ``fqn`` at the target: the properties of the classes it extends,
        then its own (None: the data does not have the class at the target)."""
        if fqn not in self._flow:
            self._flow[fqn] = self._build_flow(fqn)
        return self._flow[fqn]

    def _flow_chain(self, fqn: str) -> list[Record]:
        """The records of ``fqn`` and of the classes it extends, ``fqn``'s first."""
        chain: list[Record] = []
        name: Any = fqn
        while isinstance(name, str) and len(chain) < 8:
            record = self.store.flow_record(name)
            if record is None:
                break
            chain.append(record)
            name = record.get("extends")
        return chain

    def _build_flow(self, fqn: str) -> PropertySet | None:
        chain = self._flow_chain(fqn)
        points = tuple(p for p in self.kestra_points if chain and holds(chain[0], p))
        if not points:
            return None
        record = chain[0]
        # a custom deserializer (labels: a list or a map, other keys of an entry ignored) decides the shape
        entries = [
            {**e, "kindUnknown": True} if isinstance(e, Mapping) and e.get("deserializer") else e
            for r in reversed(chain)
            for e in r.get("props", ())
        ]
        props = props_at(entries, points, Scope(FLOW_MODEL, points, points))
        for at in points:  # getters Jackson skips (@JsonIgnore) are taken silently
            for name in field_at(record, "ignoredNames", at) or ():
                props.setdefault(name, Prop(name, "any", kind_unknown=True))
        loose = {e.get("name") for e in entries if isinstance(e, Mapping) and not e.get("notEmpty")}
        subtypes = {
            item["name"]: item["ref"]
            for item in record.get("subtypes", ())
            if isinstance(item, Mapping)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("ref"), str)
            and any(holds(item, p) for p in points)
        }
        return PropertySet(
            subject=f"{fqn.rsplit('.', 1)[-1]}, Kestra {self.target.text}",
            props=props,
            open=_at_any(record, "additionalProperties", points),
            abstract=_at_any(record, "abstract", points),
            subtypes=subtypes,
            newest_kestra=self.newest_kestra,
            not_empty=frozenset(name for name, prop in props.items() if prop.req and name not in loose),
        )

    def flow_class_name(self, found: PropertySet) -> str | None:
        """The flow model's class whose set ``found`` is (None: not one of the flow model's)."""
        return next((fqn for fqn, known in self._flow.items() if known is found), None)

    def flow_validators(self, fqn: str | None) -> frozenset[str]:
        """The class-level validators the flow model's class ``fqn`` has at every point of the target."""
        record = self.store.flow_record(fqn) if fqn else None
        found: set[str] | None = None
        for at in self.kestra_points if record is not None else ():
            listed = field_at(record, "validators", at) if record is not None else None
            names = {str(v) for v in listed} if isinstance(listed, list) else set()
            found = names if found is None else found & names
        return frozenset(found or ())

    def flow_history(self, fqn: str, name: str) -> list[str]:
        """The Kestra data points at which the flow model's class ``fqn`` has the property ``name``."""
        chain = self._flow_chain(fqn)
        entries = [e for r in chain for e in r.get("props", ()) if isinstance(e, Mapping) and _names(e, name)]
        if not chain:
            return []
        return [
            text
            for text in self.store.kestra_versions
            if (at := point(text)) is not None and holds(chain[0], at) and any(holds(e, at) for e in entries)
        ]

    def flow_key(self, name: str) -> bool | None:
        """Whether the Flow has the top-level key ``name`` at the target (None: the flow model does not know
        the key)."""
        if name not in self._flow_keys:
            table = self.store.flow_table("topLevelKeys")
            ranges = table.get(name) if isinstance(table, Mapping) else None
            held = [r for r in ranges if isinstance(r, Mapping)] if isinstance(ranges, list) else None
            self._flow_keys[name] = (
                None if held is None else any(holds(r, at) for r in held for at in self.kestra_points)
            )
        return self._flow_keys[name]

    def flow_key_history(self, name: str) -> list[str]:
        """The Kestra data points at which the Flow has the top-level key ``name``."""
        table = self.store.flow_table("topLevelKeys")
        ranges = table.get(name) if isinstance(table, Mapping) else None
        held = [r for r in ranges if isinstance(r, Mapping)] if isinstance(ranges, list) else []
        return [t for t in self.store.kestra_versions if (at := point(t)) and any(holds(r, at) for r in held)]

    def input_class(self, type_name: str) -> str | None:
        """The flow model's class an input of ``type_name`` is read into at the target (None: no type of that
        name at the target, or the target's points disagree)."""
        if type_name not in self._input_classes:
            table = self.store.flow_table("inputTypes")
            ranges = table.get(type_name) if isinstance(table, Mapping) else None
            classes = {
                r.get("class")
                for r in (ranges if isinstance(ranges, list) else ())
                if isinstance(r, Mapping) and any(holds(r, at) for at in self.kestra_points)
            }
            chosen = classes.pop() if len(classes) == 1 else None
            self._input_classes[type_name] = chosen if isinstance(chosen, str) else None
        return self._input_classes[type_name]

    def history(self, plugin: Plugin, installed: Sequence[PluginVersion], type_name: str, name: str) -> list[str]:
        """The installed versions (of ``installed``, oldest first) whose own data has property ``name``."""
        key = (plugin.coordinates, type_name, name, tuple(v.text for v in installed))
        found = self._history.get(key)
        if found is None:
            if len(self._history) >= MEMO_LIMIT:
                self._history.clear()
            found = []
            record = self.store.type_record(plugin.coordinates, type_name)
            entries = [e for e in record.get("props", ()) if _names(e, name)] if record and not plugin.core else []
            for version in installed if entries else ():
                points = self.plugin_points(plugin, version)
                if points and any(holds(e, points[0]) for e in entries):
                    found.append(version.text)
            self._history[key] = found
        return list(found)

    def item_of(self, prop: Prop) -> Prop | None:
        """The description of the items of a list or map property (:func:`item_prop`), worked out once per
        property of a set this lookup built."""
        known = self._items.get(id(prop))
        if known is None or known[0] is not prop:
            known = self._items[id(prop)] = (prop, item_prop(prop))  # keeps ``prop``: its id is not reused
        return known[1]

    def required_since(
        self, plugin: Plugin, installed: Sequence[PluginVersion], version: PluginVersion, type_name: str, name: str
    ) -> str | None:
        """The installed version from which ``name`` is required up to ``version``, when an older installed
        version that has the property does not require it (None otherwise)."""
        record = self.store.type_record(plugin.coordinates, type_name)
        if record is None or plugin.core:
            return None
        entries = [e for e in record.get("props", ()) if e.get("name") == name]
        since: str | None = None
        optional_before = False
        for candidate in installed:
            points = self.plugin_points(plugin, candidate)
            if not points:  # the data does not describe this version: what came before it is not known
                since, optional_before = None, False
                continue
            holding = [e for e in entries if holds(e, points[0])]
            if not holding:
                continue
            if all(e.get("req") and not e.get("reqOverridden") for e in holding):
                since = since or candidate.text
            else:
                since, optional_before = None, True
            if candidate.text == version.text:
                break
        return since if optional_before else None


def _at_any(record: Record, name: str, points: Sequence[Point]) -> bool:
    """Whether the flag ``name`` of ``record`` is set at one of ``points``."""
    return any(bool(field_at(record, name, at)) for at in points)


def lookup_for(manifest: Manifest, target: Version) -> PropertyLookup:
    """The property lookup of ``manifest`` at ``target`` (one per manifest and target, kept on the manifest)."""
    memo = manifest.property_lookups
    found = memo.get(target.text)
    if not isinstance(found, PropertyLookup):
        found = memo[target.text] = PropertyLookup(manifest.property_store, target)
    return found


def _names(entry: Mapping[str, Any], name: str) -> bool:
    aliases = entry.get("aliases")
    return entry.get("name") == name or (isinstance(aliases, list) and name in aliases)


def describe_history(found: list[str], installed: Sequence[PluginVersion]) -> str | None:
    """``exists from 0.19.0`` / ``exists up to 0.18.2`` / ``exists in 0.19.0, 1.2.0``: which installed
    versions have a property (None when none does)."""
    return describe_versions(found, [v.text for v in installed])


def describe_versions(found: list[str], texts: Sequence[str]) -> str | None:
    """How :func:`describe_history` words the versions ``found`` among the versions ``texts`` (oldest first)."""
    if not found:
        return None
    positions = [texts.index(v) for v in found if v in texts]
    contiguous = positions == list(range(positions[0], positions[0] + len(positions)))
    if contiguous and positions[-1] == len(texts) - 1:
        return f"exists from {found[0]}"
    if contiguous and positions[0] == 0:
        return f"exists up to {found[-1]}"
    if contiguous and len(found) > 1:
        return f"exists from {found[0]} to {found[-1]}"
    shown = ", ".join(found[:4]) + (", ..." if len(found) > 4 else "")
    return f"exists in {shown}"
