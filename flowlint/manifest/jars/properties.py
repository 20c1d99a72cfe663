"""The properties of plugin classes, read from their class files as Kestra's schema generator sees them.

A class's properties are the non-static, non-transient fields of the class and of its superclasses found
in the folder's JARs (renamed by ``@JsonProperty``, dropped by ``@JsonIgnore``; ``@Schema(hidden = true)``
only hides one from the schema, Jackson still reads it: it is kept, marked ``hidden``), its public
setters, and the getters of the interfaces it implements that carry annotations (``@NotNull``,
``@PluginProperty``, ``@Schema``, ``@JsonProperty``). Kinds come from the field's type (its generic
signature when it has one): ``Property<T>`` is a dynamic T, ``String`` a string, ``int``/``Long`` an
integer, ``double`` a number, ``boolean`` a boolean, ``Duration`` a duration, an enum of the folder an
enum with its constants, ``List``/``Set``/arrays a list, ``Map`` a map, Kestra's plugin bases a plugin, a
class of the folder an object described among the definitions; anything else any value. Required: a
runtime-visible ``@NotNull``/``@NotBlank``/``@NotEmpty`` (jakarta or javax) on the field or an interface
getter, unless the field has a default: Lombok's builder default (a static ``$default$<field>`` method)
or an initializer (the no-argument constructor assigns the field).

The walk up a class's hierarchy stops at the first class the folder does not have, and at Kestra's core
classes (``io.kestra.core.*``: Kestra loads them from the server). Kestra's plugin bases (Task,
AbstractTrigger, ...) give the type its ``root``: their properties are Kestra's at the target version.
Other Kestra classes the bundled data describes with properties become the type's ``kestraClasses``; a
superclass outside the folder, a Kestra interface the data does not describe, or a plugin type whose
hierarchy reaches no Kestra class leaves the class ``partial``: no key is then reported unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowlint.manifest.jars.classfile import (
    ACC_ABSTRACT,
    ACC_ENUM,
    ACC_INTERFACE,
    ACC_PUBLIC,
    ACC_STATIC,
    ACC_SYNTHETIC,
    ACC_TRANSIENT,
    ClassInfo,
    Member,
)
from flowlint.manifest.jars.classpath import ClassPath, Found, Unreadable
from flowlint.manifest.jars.kinds import KESTRA_BASES, walk_hierarchy
from flowlint.manifest.jars.members import (
    GETTER_MARKS,
    JSON_ALIAS,
    JSON_ANY_SETTER,
    JSON_IGNORE_PROPERTIES,
    PLUGIN_PROPERTY,
    PROPERTY,
    REQUIRING,
    SCHEMA,
    bean_name,
    canonical,
    dropped,
    enum_constants,
    has_default,
    renamed,
)
from flowlint.manifest.jars.signatures import ANY, ARRAY, JType, field_type, method_types
from flowlint.manifest.property_sections import ClassProps, Entry

ROOT_OF_KEY = {"tasks": "task", "triggers": "trigger", "conditions": "condition", "taskRunners": "taskRunner"}
KIND_OF_KEY = {**ROOT_OF_KEY, "others": "other"}

_SIMPLE_KINDS: dict[str, str] = {
    **dict.fromkeys(("java/lang/String", "java/lang/CharSequence", "C", "java/lang/Character"), "string"),
    **dict.fromkeys(("I", "J", "S", "B", "java/lang/Integer", "java/lang/Long", "java/lang/Short"), "integer"),
    **dict.fromkeys(("java/lang/Byte", "java/math/BigInteger"), "integer"),
    **dict.fromkeys(("D", "F", "java/lang/Double", "java/lang/Float", "java/math/BigDecimal"), "number"),
    "java/lang/Number": "number",
    **dict.fromkeys(("Z", "java/lang/Boolean"), "boolean"),
    "java/time/Duration": "duration",
    **dict.fromkeys((ANY, "java/lang/Object"), "any"),
}
_LISTS = frozenset(
    f"java/{name}"
    for name in (
        "util/List",
        "util/Set",
        "util/Collection",
        "util/ArrayList",
        "util/LinkedList",
        "util/HashSet",
        "util/LinkedHashSet",
        "util/SortedSet",
        "util/TreeSet",
        "lang/Iterable",
    )
)
_MAPS = frozenset(f"java/util/{name}" for name in ("Map", "HashMap", "LinkedHashMap", "SortedMap", "TreeMap"))

KestraRecords = Callable[[str], bool]
"""Whether the bundled data describes a Kestra class (by its canonical name) with properties."""


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


class Reader:
    """Reads plugin types and their nested classes from a class path; what it cannot read goes to
    ``warnings``."""

    def __init__(self, classpath: ClassPath, kestra_described: KestraRecords, warnings: list[str]) -> None:
        self.classpath = classpath
        self.kestra_described = kestra_described
        self.warnings = warnings
        self._defs: dict[tuple[Path, str], tuple[str, ClassProps] | None] = {}
        self._warned: set[str] = set()

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

    def _not_checked(self, error: Unreadable, name: str) -> None:
        """Warn (once) that the nested class ``name`` cannot be read."""
        warning = f"{error}; {canonical(name)} is not checked"
        if warning not in self._warned:
            self._warned.add(warning)
            self.warnings.append(warning)

    # one class

    def _read(self, found: Found, described: ClassRead, refs: dict[str, Found]) -> None:
        chain = list(self._chain(found, described))
        info = found.info
        if info.access & (ACC_ABSTRACT | ACC_INTERFACE) and described.props.kind is None:
            described.props.flags["abstract"] = True
        if any(link.info.annotations.get(JSON_IGNORE_PROPERTIES, {}).get("ignoreUnknown") for link in chain):
            described.props.flags["additionalProperties"] = True
        getters = self._interface_getters(chain, described)
        props: dict[str, _Property] = {}
        taken: set[str] = set()
        for link in chain:
            for member in link.info.fields:
                if member.access & (ACC_STATIC | ACC_TRANSIENT | ACC_SYNTHETIC) or member.name in taken:
                    continue
                taken.add(member.name)
                if JSON_ANY_SETTER in member.annotations:
                    described.props.flags["additionalProperties"] = True
                name = renamed(member)
                if dropped(member) or name in props:
                    taken.add(name)
                    continue
                entry = self._entry(name, field_type(member.descriptor, member.signature), member, link, refs)
                props[name] = _Property(entry, member.name, link.info)
        for link in chain:
            for member in link.info.methods:
                self._setter(member, link, props, taken, described, refs)
        for name, (getter, link) in getters.items():
            known = props.get(name)
            if known is None:
                entry = self._entry(name, method_types(getter.descriptor, getter.signature)[1], getter, link, refs)
                props[name] = _Property({**entry, "src": "iface"}, name, link.info)
            else:
                _constrain(known, getter)
        for prop in props.values():
            if prop.entry.get("req") and has_default(prop.declaring, prop.java_name):
                del prop.entry["req"]
        described.props.props.extend(_ordered(p.entry) for p in props.values())

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

    def _interface_getters(self, chain: list[Found], described: ClassRead) -> dict[str, tuple[Member, Found]]:
        """The annotated getters of the interfaces the chain implements (the nearest wins)."""
        getters: dict[str, tuple[Member, Found]] = {}
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
            pending.extend((parent, found.jar) for parent in found.info.interfaces)
        return getters

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
        if name is None or member.access & (ACC_STATIC | ACC_SYNTHETIC) or not member.access & ACC_PUBLIC:
            return
        params, returned = method_types(member.descriptor, member.signature)
        name = renamed(member, name)
        if len(params) != 1 or returned.name != "V" or name in props or name in taken or dropped(member):
            return
        entry = self._entry(name, params[0], member, link, refs)
        props[name] = _Property({**entry, "src": "setter"}, name, link.info)

    # one property

    def _entry(self, name: str, jtype: JType, member: Member, link: Found, refs: dict[str, Found]) -> Entry:
        entry: Entry = {"name": name, **self._kind(jtype, link, refs)}
        if jtype.name == PROPERTY or member.annotations.get(PLUGIN_PROPERTY, {}).get("dynamic"):
            entry["dyn"] = True
        if REQUIRING & member.annotations.keys():
            entry["req"] = True
        schema = member.annotations.get(SCHEMA, {})
        if member.deprecated or schema.get("deprecated"):
            entry["dep"] = True
        if schema.get("hidden"):
            entry["hidden"] = True
        aliases = member.annotations.get(JSON_ALIAS, {}).get("value")
        if isinstance(aliases, list) and aliases:
            entry["aliases"] = [a for a in aliases if isinstance(a, str)]
        return entry

    def _kind(self, jtype: JType, link: Found, refs: dict[str, Found]) -> dict[str, Any]:
        """The kind of a Java type, with its constants, items or nested class."""
        simple = _SIMPLE_KINDS.get(jtype.name)
        if simple is not None:
            return {"kind": simple}
        if jtype.name == PROPERTY:
            return self._kind(jtype.args[0] if jtype.args else JType(ANY), link, refs)
        if jtype.name == ARRAY or jtype.name in _LISTS:
            return _container("list", self._kind(jtype.args[0], link, refs) if jtype.args else {"kind": "any"})
        if jtype.name in _MAPS:
            value = self._kind(jtype.args[1], link, refs) if len(jtype.args) == 2 else {"kind": "any"}
            return _container("map", value)
        plugin = KESTRA_BASES.get(jtype.name)
        kestra = plugin or jtype.name.startswith("io/kestra/core/")
        try:
            found = None if kestra else self.classpath.find(jtype.name, link.jar)
        except Unreadable as error:
            self._not_checked(error, jtype.name)
            return {"kind": "any", "class": canonical(jtype.name).rsplit(".", 1)[-1], "kindUnknown": True}
        if found is not None and found.info.access & ACC_ENUM:
            return {"kind": "enum", "enum": enum_constants(found.info, jtype.name)}
        if found is not None:
            reached = walk_hierarchy(jtype.name, lambda n: self._info(n, link.jar))
            plugin = next((k for k in ROOT_OF_KEY if k in reached.kinds), None)
        if plugin in ROOT_OF_KEY:
            return {"kind": "plugin", "of": ROOT_OF_KEY[plugin]}
        if found is not None:
            refs.setdefault(jtype.name, found)
            return {"kind": "object", "ref": canonical(jtype.name)}
        name = canonical(jtype.name)
        if self.kestra_described(name) or name.startswith("io.kestra.core."):
            return {"kind": "object", "ref": name}
        return {"kind": "any", "class": name.rsplit(".", 1)[-1], "kindUnknown": True}

    def _info(self, internal_name: str, home: Path) -> ClassInfo | None:
        try:
            found = self.classpath.find(internal_name, home)
        except Unreadable:
            return None
        return found.info if found is not None else None


def _container(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind} if item == {"kind": "any"} else {"kind": kind, "of": item}


def _constrain(prop: _Property, getter: Member) -> None:
    """An interface getter's constraints on the field it reads."""
    if REQUIRING & getter.annotations.keys():
        prop.entry["req"] = True
    if getter.annotations.get(PLUGIN_PROPERTY, {}).get("dynamic"):
        prop.entry["dyn"] = True


_ORDER = ("name", "kind", "enum", "of", "ref", "class", "kindUnknown", "dyn", "req", "dep", "hidden", "aliases", "src")


def _ordered(entry: Entry) -> Entry:
    return {key: entry[key] for key in _ORDER if key in entry}
