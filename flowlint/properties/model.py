"""Property sets: what keys a plugin (or one of its nested objects) takes, with their kinds and flags.

Records come in the entry format of ../shared/data/kestra-plugin-properties.json (also the native
manifest's ``properties`` sections): one entry per property definition with the ``since``/``until`` range
of versions where it holds. A set is taken at one or more *points* (versions): at one plugin version for a
plugin's own properties, at the Kestra data points that could describe the target version for Kestra's
classes. Over several points the set is permissive, so that no false alarm follows: a key known at any
point is known, dynamic if any point says so, required, deprecated or validated only if every point says
so, and a shape is checked only when every point agrees on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from flowlint.versions import Version, parse_version

Point = tuple[int, ...]
"""A version as a sort key."""


@lru_cache(maxsize=4096)
def point(text: str) -> Point | None:
    """The sort key of a version written in the data (None when it is not a version)."""
    parsed = parse_version(text)
    return parsed.sort_key if parsed is not None else None


def holds(entry: Mapping[str, Any], at: Point) -> bool:
    """Whether a record or entry with ``since``/``until`` holds at version ``at`` (no range: always)."""
    since, until = entry.get("since"), entry.get("until")
    low = point(since) if isinstance(since, str) else None
    high = point(until) if isinstance(until, str) else None
    return (low is None or low <= at) and (high is None or at <= high)


def field_at(record: Mapping[str, Any], name: str, at: Point) -> Any:
    """A record's ``name`` at ``at``: the field itself, else the value of ``<name>ByVersion`` that holds."""
    if name in record:
        return record[name]
    for item in record.get(f"{name}ByVersion", ()):
        if isinstance(item, Mapping) and holds(item, at):
            return item.get("value")
    return None


class Scope(NamedTuple):
    """Where a property's nested classes (``ref``) are described, and at which points."""

    artifact: str | None
    """``group:artifact`` whose ``defs`` hold the plugin's own classes (None: Kestra's classes only)."""
    points: tuple[Point, ...]
    """The points the artifact's defs are taken at."""
    kestra_points: tuple[Point, ...]
    """The Kestra data points Kestra's classes are taken at."""


JUDGED_KINDS = frozenset({"string", "integer", "number", "boolean", "duration", "enum", "list", "map"})
"""Kinds whose values flowlint judges (flowlint.properties.values); any value fits the others."""
SCALAR_JUDGED = frozenset({"integer", "number", "boolean", "duration", "enum", "list", "map"})
"""Kinds a scalar value may not fit (any scalar fits a string, and the kinds not judged)."""


class Prop:
    """One property as a set describes it (a plain slotted class: a dataclass costs a millisecond of every
    start-up to define). Built once per set; treated as immutable (:meth:`replace` makes a changed copy)."""

    _FIELDS = (
        "name", "kind", "dyn", "req", "dep", "enum", "of", "ref", "kind_unknown", "default", "aliases", "scope",
        "iface", "valid",
    )  # fmt: skip
    """What a Prop is made of (the rest is worked out from it)."""
    __slots__ = (*_FIELDS, "any_mapping", "any_scalar", "any_sequence", "holds_plugins")

    def __init__(
        self,
        name: str,
        kind: str,
        dyn: bool = False,
        req: bool = False,
        dep: bool = False,
        enum: tuple[str, ...] = (),
        of: Mapping[str, Any] | None = None,
        ref: str | None = None,
        kind_unknown: bool = False,
        default: Any = None,
        aliases: tuple[str, ...] = (),
        scope: Scope | None = None,
        iface: bool = False,
        valid: bool = False,
    ) -> None:
        self.name, self.kind, self.dyn, self.req, self.dep = name, kind, dyn, req, dep
        self.enum = enum
        self.of = of
        """Item kind of a list or map (``{kind, of?, ref?}``); for ``plugin``: the plugin kind."""
        self.ref = ref
        """The nested class of an ``object`` property."""
        self.kind_unknown = kind_unknown
        """The data does not know the value's real shape: no shape check."""
        self.default, self.aliases = default, aliases
        self.scope = scope
        """Where ``ref`` (and the ``ref`` of ``of``) is looked up."""
        self.iface = iface
        """Only an interface getter declares it (a class's own declaration wins over it)."""
        self.valid = valid
        """Kestra validates the constraints of the object it holds (``@Valid``); without it a nested
        object's required properties are not checked on save."""
        items = of if isinstance(of, Mapping) else {}
        plugins = kind == "plugin" or (kind in ("list", "map") and items.get("kind") == "plugin")
        self.holds_plugins = plugins
        """Its values are plugins (kind ``plugin``, or a list or map of them): uses of their own."""
        unjudged = plugins or kind_unknown or kind not in JUDGED_KINDS
        self.any_scalar = unjudged or kind not in SCALAR_JUDGED
        """Any scalar fits (worked out once: most values are checked by this flag alone)."""
        self.any_mapping = unjudged or kind == "map"
        """Any mapping fits (what it holds may not)."""
        self.any_sequence = unjudged or kind == "list"
        """Any list fits (what it holds may not)."""

    def replace(self, **changes: Any) -> Prop:
        """A copy with ``changes`` (the flags are worked out again)."""
        values = {name: getattr(self, name) for name in self._FIELDS}
        values.update(changes)
        return Prop(**values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Prop):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]  # ``of`` and ``default`` may be mutable

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"Prop({shown})"

    @property
    def item(self) -> Mapping[str, Any]:
        """The item description of a list or map (``{}`` when none is given)."""
        return self.of if isinstance(self.of, Mapping) else {}


def prop_of(entry: Mapping[str, Any], scope: Scope | None) -> Prop:
    """The Prop an entry of the data describes."""
    enum = entry.get("enum")
    aliases = entry.get("aliases")
    return Prop(
        name=str(entry["name"]),
        kind=str(entry.get("kind", "any")),
        dyn=bool(entry.get("dyn")),
        req=bool(entry.get("req")) and not entry.get("reqOverridden"),
        dep=bool(entry.get("dep")),
        enum=tuple(str(e) for e in enum) if isinstance(enum, list) else (),
        of=entry.get("of") if isinstance(entry.get("of"), Mapping) else None,
        ref=entry.get("ref") if isinstance(entry.get("ref"), str) else None,
        kind_unknown=bool(entry.get("kindUnknown")),
        default=entry.get("def"),
        aliases=tuple(str(a) for a in aliases) if isinstance(aliases, list) else (),
        scope=scope,
        iface=entry.get("src") == "iface",
        valid=bool(entry.get("valid")),
    )


def merged(first: Prop, other: Prop) -> Prop:
    """One description of a property two data points describe, permissive where they differ."""
    same_shape = (first.kind, first.of, first.ref) == (other.kind, other.of, other.ref)
    return first.replace(
        dyn=first.dyn or other.dyn,
        req=first.req and other.req,
        dep=first.dep and other.dep,
        valid=first.valid and other.valid,
        enum=tuple(dict.fromkeys((*first.enum, *other.enum))),
        kind_unknown=first.kind_unknown or other.kind_unknown or not same_shape,
        aliases=tuple(dict.fromkeys((*first.aliases, *other.aliases))),
    )


def props_at(entries: Iterable[Mapping[str, Any]], points: Sequence[Point], scope: Scope | None) -> dict[str, Prop]:
    """The properties ``entries`` describe over ``points`` (merged permissively); a property absent at
    one of the points is neither required, deprecated nor validated."""
    found: dict[str, list[Prop]] = {}
    built: dict[int, Prop] = {}  # an entry that holds at several points is one Prop: nothing to merge
    entries = list(entries)
    for at in points:
        seen: dict[str, Prop] = {}
        for entry in entries:
            if isinstance(entry, Mapping) and "name" in entry and holds(entry, at):
                prop = built.get(id(entry)) or built.setdefault(id(entry), prop_of(entry, scope))
                # within one point an own declaration wins over one only an interface getter makes
                if prop.name not in seen or not prop.iface:
                    seen[prop.name] = prop
        for name, prop in seen.items():
            found.setdefault(name, []).append(prop)
    result: dict[str, Prop] = {}
    for name, props in found.items():
        prop = props[0]
        for other in props[1:]:
            if other is not prop:
                prop = merged(prop, other)
        if len(props) < len(points):
            prop = prop.replace(req=False, dep=False, valid=False)
        result[name] = prop
    return result


@dataclass
class PropertySet:
    """The keys one plugin, or one nested object, takes where it is used."""

    subject: str
    """What the set describes, for messages: ``io.kestra.plugin.jdbc.postgresql.Query 1.15.5
    (plugin-jdbc-postgres)``."""
    props: dict[str, Prop]
    open: bool = False
    """The class takes any key (``additionalProperties``)."""
    partial: bool = False
    """Some of the class's properties are missing from the data: no key is reported unknown."""
    abstract: bool = False
    """The class is abstract: the concrete subtype, unknown here, decides its keys."""
    subtypes: Mapping[str, str] = field(default_factory=dict)
    """For an abstract class: the ``type`` value -> the concrete class it selects."""
    newest_kestra: str | None = None
    """The newest Kestra version the data describes, when the target is newer (unknown keys are warnings)."""
    deprecated: bool = False
    """Every property the type declares itself (two or more) is deprecated: the type is on its way out (the
    data has no flag for a deprecated class; plugin-singer 0.24.1 marks each property of its classes)."""

    not_empty: frozenset[str] = frozenset()
    """Required properties a value must not leave empty either (``@NotEmpty``: the flow model says it)."""

    _aliases: dict[str, Prop] | None = field(default=None, init=False, repr=False, compare=False)
    _required: tuple[Prop, ...] | None = field(default=None, init=False, repr=False, compare=False)
    _quiet: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    def get(self, key: str) -> Prop | None:
        """The property ``key`` names (by its name or one of its aliases)."""
        found = self.props.get(key)
        if found is None:
            aliases = self._aliases
            if aliases is None:
                aliases = self._aliases = {alias: prop for prop in self.props.values() for alias in prop.aliases}
            found = aliases.get(key)
        return found

    @property
    def quiet(self) -> frozenset[str]:
        """The keys whose scalar values need no look: known, not deprecated, any scalar fits (worked out once)."""
        found = self._quiet
        if found is None:
            found = self._quiet = frozenset(
                name for name, prop in self.props.items() if prop.any_scalar and not prop.dep
            )
        return found

    @property
    def required(self) -> tuple[Prop, ...]:
        """The required properties, worked out once (the set is not changed once a flow is checked with it)."""
        found = self._required
        if found is None:
            found = self._required = tuple(prop for prop in self.props.values() if prop.req)
        return found

    @property
    def checks_keys(self) -> bool:
        """Whether a key not in the set is unknown (the set is complete and closed)."""
        return not (self.open or self.partial or self.abstract)


def target_points(versions: Sequence[str], target: Version) -> tuple[tuple[Point, ...], bool]:
    """The data points among ``versions`` that could describe Kestra ``target``, and whether ``target``
    is newer than every one of them.

    A full target that is a data point is that point; otherwise the points within its line (``1.3``
    covers 1.3.0-1.3.x) and the nearest point on each side of what it covers, so a target in a gap of
    the data is described by both of its neighbours.
    """
    keyed = sorted({p for p in (point(v) for v in versions) if p is not None})
    if not keyed:
        return (), False
    low, high = _covered(target)
    inside = [p for p in keyed if low <= p <= high]
    if len(inside) == 1 and inside[0] == low == high:
        return (inside[0],), False
    below = [p for p in keyed if p < low]
    above = [p for p in keyed if p > high]
    chosen = set(inside)
    if below and low not in chosen:
        chosen.add(below[-1])
    if above:
        chosen.add(above[0])
    beyond = keyed[-1] < low
    if not chosen:
        chosen.add(keyed[0])
    return tuple(sorted(chosen)), beyond


def _covered(target: Version) -> tuple[Point, Point]:
    """The lowest and highest sort keys of the versions a (possibly partial) target covers."""
    key = target.sort_key
    if target.parts >= 3:
        return key, key
    big = 1 << 31
    if target.parts == 2:
        return (target.major, target.minor, 0, *key[3:]), (target.major, target.minor, big, *key[3:])
    return (target.major, 0, 0, *key[3:]), (target.major, big, big, *key[3:])
