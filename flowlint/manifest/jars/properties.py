"""The properties of plugin classes, read from their class files as Jackson and Kestra's schema generator see
them.

A class's properties are the non-static, non-transient fields of the class and of its superclasses found in
the folder's JARs, renamed by ``@JsonProperty`` on the field or on its getter or setter (Jackson merges
their annotations); its setters (any visibility, fluent ones too, as Jackson finds them; renamed by
``@JsonSetter`` too); the getters of the interfaces it implements that carry annotations (``@NotNull``,
``@PluginProperty``, ``@Schema``, ``@JsonProperty``); the keys of a ``@JsonUnwrapped`` field's class. A key
Jackson accepts and ignores (``@JsonIgnore``, ``@JsonIgnoreProperties({...})`` on the class, a superclass or
an interface) is kept with kind any; a nested class with ``@JsonTypeInfo`` (on it, a superclass or an
interface) is ``partial``: its keys depend on the subtype the type id selects. ``@Schema(hidden = true)``
only hides one from the schema, Jackson still reads it: it is kept, marked ``hidden``. Kinds: see
:mod:`flowlint.manifest.jars.typekinds`. Required: a runtime-visible
``@NotNull``/``@NotBlank``/``@NotEmpty`` (jakarta or javax) on a field that is not primitive, or on an
interface getter the class does not override with a computing body (``reqOverridden``), unless the field has
a default: Lombok's builder default (a static ``$default$<field>`` method) or an assignment by the
no-argument constructor Jackson calls, followed through ``this(...)``/``super(...)`` in the class's
hierarchy (where that constructor cannot be followed, nothing is required).

The walk up a class's hierarchy stops at the first class the folder does not have, and at Kestra's core
classes (``io.kestra.core.*``: Kestra loads them from the server). Kestra's plugin bases (Task,
AbstractTrigger, ...) give the type its ``root``: their properties are Kestra's at the target version.
Other Kestra classes the bundled data describes with properties become the type's ``kestraClasses``; a
superclass outside the folder, a Kestra interface the data does not describe, or a plugin type whose
hierarchy reaches no Kestra class leaves the class ``partial``: no key is then reported unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flowlint.manifest.jars.classfile import (
    ACC_ABSTRACT,
    ACC_ENUM,
    ACC_INTERFACE,
    ACC_STATIC,
    ACC_SYNTHETIC,
    ACC_TRANSIENT,
    ClassInfo,
    Member,
)
from flowlint.manifest.jars.classpath import ClassPath, Found, Unreadable
from flowlint.manifest.jars.kinds import KESTRA_BASES
from flowlint.manifest.jars.members import (
    GETTER_MARKS,
    JSON_ANY_SETTER,
    JSON_IGNORE_PROPERTIES,
    JSON_TYPE_INFO,
    JSON_UNWRAPPED,
    PLUGIN_PROPERTY,
    REQUIRING,
    accessors,
    bean_name,
    canonical,
    constructed,
    dropped,
    explicit,
    has_default,
    overridden,
    renamed,
)
from flowlint.manifest.jars.signatures import field_type, method_types
from flowlint.manifest.jars.typekinds import KIND_OF_KEY, ROOT_OF_KEY, KestraRecords, KindReader
from flowlint.manifest.property_sections import ClassProps, Entry


@dataclass
class ClassRead:
    """What was read of a class: its properties and flags, the Kestra classes it inherits from."""

    props: ClassProps
    kestra_classes: set[str] = field(default_factory=set)
    based: bool = False
    """The hierarchy reaches a Kestra class: a plugin type that does not is not understood (partial)."""


@dataclass
class _Property:
    entry: Entry
    java_name: str
    declaring: ClassInfo


class Reader(KindReader):
    """Reads plugin types and their nested classes from a class path; what it cannot read goes to
    ``warnings``."""

    def __init__(self, classpath: ClassPath, kestra_described: KestraRecords, warnings: list[str]) -> None:
        super().__init__(classpath, kestra_described, warnings)
        self._defs: dict[tuple[Path, str], tuple[str, ClassProps] | None] = {}
        self._unwrapping: set[str] = set()

    def type_props(self, internal_name: str, key: str, home: Path) -> tuple[ClassRead, dict[str, ClassProps]] | None:
        """What the type ``internal_name`` (manifest key ``key``) in the JAR ``home`` declares, and the
        nested classes it references; None (with a warning) when a class file it needs cannot be read."""
        try:
            found = self.classpath.find(internal_name, home)
            if found is None:
                raise Unreadable(self.classpath.label(home), internal_name, missing=True)
            described = ClassRead(ClassProps([], kind=KIND_OF_KEY[key], root=ROOT_OF_KEY.get(key)))
            refs: dict[str, Found] = {}
            self._read(found, described, refs)
            if not described.based:
                described.props.flags["partial"] = True
        except Unreadable as error:
            self.warnings.append(f"{error}; no property data for {canonical(internal_name)}")
            return None
        return described, self._nested(refs)

    def _nested(self, refs: dict[str, Found]) -> dict[str, ClassProps]:
        """The nested classes ``refs`` name, and the ones theirs name, each read once per JAR."""
        done: dict[str, ClassProps] = {}
        pending = list(refs.items())
        while pending:
            name, found = pending.pop()
            if name in done:
                continue
            key = (found.jar, name)
            if key not in self._defs:
                more: dict[str, Found] = {}
                described = ClassRead(ClassProps([]))
                try:
                    self._read(found, described, more)
                except Unreadable as error:
                    self._not_checked(error, name)
                    self._defs[key] = None
                else:
                    if described.kestra_classes:  # a nested class does not inherit Kestra's: not all known
                        described.props.flags["partial"] = True
                    self._defs[key] = (name, described.props)
                    pending.extend(more.items())
            read = self._defs[key]
            if read is not None:
                done[canonical(read[0])] = read[1]
        return done

    # one class

    def _read(self, found: Found, described: ClassRead, refs: dict[str, Found]) -> None:
        chain = list(self._chain(found, described))
        infos = [link.info for link in chain]
        if found.info.access & (ACC_ABSTRACT | ACC_INTERFACE) and described.props.kind is None:
            described.props.flags["abstract"] = True
        interfaces = self._interfaces(chain, described)
        if described.props.kind is None and any(
            JSON_TYPE_INFO in info.annotations for info in (*infos, *(link.info for link in interfaces))
        ):
            described.props.flags["partial"] = True  # polymorphic: a type id key, and the subtypes' keys
        props: dict[str, _Property] = {}
        taken: set[str] = set()
        marks = accessors(infos)
        for link in chain:
            for member in link.info.fields:
                if member.access & (ACC_STATIC | ACC_TRANSIENT | ACC_SYNTHETIC) or member.name in taken:
                    continue
                taken.add(member.name)
                if JSON_ANY_SETTER in member.annotations:
                    described.props.flags["additionalProperties"] = True
                merged = [member, *marks.get(member.name, ())]
                name = next(filter(None, map(explicit, merged)), member.name)
                if name in props:
                    taken.add(name)
                elif any(map(dropped, merged)):
                    props[name] = _ignored(name, link)
                elif JSON_UNWRAPPED in member.annotations:
                    self._unwrap(member, link, props, described, refs)
                else:
                    entry = self._entry(name, field_type(member.descriptor, member.signature), member, link, refs)
                    props[name] = _Property(entry, member.name, link.info)
        for link in chain:
            for member in link.info.methods:
                self._setter(member, link, props, taken, described, refs)
        for name, (getter, link) in _interface_getters(interfaces).items():
            known = props.get(name)
            if known is None:
                entry = self._entry(name, method_types(getter.descriptor, getter.signature)[1], getter, link, refs)
                known = props[name] = _Property({**entry, "src": "iface"}, name, link.info)
            else:
                _constrain(known, getter)
            if known.entry.get("req") and overridden(infos, getter):
                del known.entry["req"]
                known.entry["reqOverridden"] = True
        self._ignored_by_class([*infos, *(link.info for link in interfaces)], props, described)
        assigned = constructed(infos)
        for prop in props.values():
            if prop.entry.get("req") and has_default(prop.declaring, prop.java_name, assigned):
                del prop.entry["req"]
        described.props.props.extend(_ordered(p.entry) for p in props.values())

    @staticmethod
    def _ignored_by_class(infos: list[ClassInfo], props: dict[str, _Property], described: ClassRead) -> None:
        """``@JsonIgnoreProperties`` on the class, a superclass or an interface (Jackson reads all of them):
        ``ignoreUnknown`` accepts any key; the named keys are accepted and ignored."""
        for info in infos:
            ignoring = info.annotations.get(JSON_IGNORE_PROPERTIES, {})
            if ignoring.get("ignoreUnknown"):
                described.props.flags["additionalProperties"] = True
            names = ignoring.get("value")
            for name in names if isinstance(names, list) else ():
                if isinstance(name, str):
                    props[name] = _Property({"name": name, "kind": "any"}, name, info)

    def _unwrap(
        self, member: Member, link: Found, props: dict[str, _Property], described: ClassRead, refs: dict[str, Found]
    ) -> None:
        """``@JsonUnwrapped``: the keys of the field's class are the class's own (with the annotation's
        prefix and suffix; none required: Jackson validates the nested object only with ``@Valid``)."""
        jtype = field_type(member.descriptor, member.signature)
        try:
            found = None if jtype.name in self._unwrapping else self.classpath.find(jtype.name, link.jar)
        except Unreadable as error:
            self._not_checked(error, jtype.name)
            found = None
        if found is None or found.info.access & (ACC_ENUM | ACC_INTERFACE | ACC_ABSTRACT):
            described.props.flags["partial"] = True
            return
        inner = ClassRead(ClassProps([]))
        self._unwrapping.add(jtype.name)
        try:
            self._read(found, inner, refs)
        finally:
            self._unwrapping.discard(jtype.name)
        described.props.flags.update({k: v for k, v in inner.props.flags.items() if k != "abstract"})
        described.kestra_classes |= inner.kestra_classes
        wrap = member.annotations[JSON_UNWRAPPED]
        prefix, suffix = (str(wrap.get(k) or "") for k in ("prefix", "suffix"))
        for entry in inner.props.props:
            name = f"{prefix}{entry['name']}{suffix}"
            if name not in props:
                entry = {k: v for k, v in entry.items() if k not in ("req", "reqOverridden")}
                props[name] = _Property({**entry, "name": name}, name, found.info)

    def _chain(self, found: Found, described: ClassRead) -> Iterator[Found]:
        """The class and its superclasses in the folder; where the walk leaves the folder, what Kestra or
        nobody describes is noted on ``described``."""
        seen: set[str] = set()
        link: Found | None = found
        while link is not None:
            yield link
            parent = link.info.super_name
            if parent is None or parent == "java/lang/Object" or parent in seen:
                return
            seen.add(parent)
            link = None if parent.startswith("io/kestra/core/") else self.classpath.find(parent, found.jar)
            if link is None:
                self._outside(parent, described, superclass=True)

    def _outside(self, internal_name: str, described: ClassRead, superclass: bool) -> None:
        name = canonical(internal_name)
        if self.kestra_described(name):
            described.kestra_classes.add(name)
            described.based = True
        elif internal_name in KESTRA_BASES:
            described.based = True
        elif superclass or internal_name.startswith("io/kestra/"):
            described.props.flags["partial"] = True

    def _interfaces(self, chain: list[Found], described: ClassRead) -> list[Found]:
        """The interfaces the chain implements that the folder has, nearest first (the others are noted on
        ``described``)."""
        interfaces: list[Found] = []
        pending = [(name, link.jar) for link in chain for name in link.info.interfaces]
        seen: set[str] = set()
        while pending:
            name, home = pending.pop(0)
            if name in seen:
                continue
            seen.add(name)
            found = None if name.startswith("io/kestra/core/") else self.classpath.find(name, home)
            if found is None:
                self._outside(name, described, superclass=False)
                continue
            interfaces.append(found)
            pending.extend((parent, found.jar) for parent in found.info.interfaces)
        return interfaces

    def _setter(
        self,
        member: Member,
        link: Found,
        props: dict[str, _Property],
        taken: set[str],
        described: ClassRead,
        refs: dict[str, Found],
    ) -> None:
        if JSON_ANY_SETTER in member.annotations:
            described.props.flags["additionalProperties"] = True
            return
        name = bean_name(member.name) if member.name.startswith("set") else None
        if name is None or member.access & (ACC_STATIC | ACC_SYNTHETIC):
            return  # Jackson's setters may be private and may return a value (fluent setters)
        params = method_types(member.descriptor, member.signature)[0]
        name = renamed(member, name)
        if len(params) != 1 or name in props or name in taken:
            return
        if dropped(member):
            props[name] = _ignored(name, link)
            return
        entry = self._entry(name, params[0], member, link, refs)
        props[name] = _Property({**entry, "src": "setter"}, name, link.info)


def _interface_getters(interfaces: list[Found]) -> dict[str, tuple[Member, Found]]:
    """The annotated getters of ``interfaces`` by property (the nearest wins)."""
    getters: dict[str, tuple[Member, Found]] = {}
    for found in interfaces:
        for member in found.info.methods:
            prop = bean_name(member.name)
            if (
                prop is None
                or member.access & ACC_STATIC
                or not member.descriptor.startswith("()")
                or not GETTER_MARKS & member.annotations.keys()
                or dropped(member)
            ):
                continue
            getters.setdefault(renamed(member, prop), (member, found))
    return getters


def _ignored(name: str, link: Found) -> _Property:
    """A key Jackson accepts and ignores (``@JsonIgnore``): known, any value."""
    return _Property({"name": name, "kind": "any"}, name, link.info)


def _constrain(prop: _Property, getter: Member) -> None:
    """An interface getter's constraints on the field it reads."""
    if REQUIRING & getter.annotations.keys():
        prop.entry["req"] = True
    if getter.annotations.get(PLUGIN_PROPERTY, {}).get("dynamic"):
        prop.entry["dyn"] = True


_ORDER = (
    "name",
    "kind",
    "enum",
    "of",
    "ref",
    "class",
    "kindUnknown",
    "dyn",
    "req",
    "reqOverridden",
    "dep",
    "hidden",
    "aliases",
    "src",
)


def _ordered(entry: Entry) -> Entry:
    return {key: entry[key] for key in _ORDER if key in entry}
