"""The kinds of plugin properties, read from Java types as Jackson reads them: ``Property<T>`` is a dynamic
T, ``String`` a string, ``int``/``Long`` an integer, ``double`` a number, ``boolean`` a boolean, ``Duration`` a
duration, ``char[]``/``byte[]`` any value (Jackson reads them from a string or a list), an enum of the folder an
enum with its constants (unknown when ``@JsonValue``/``@JsonCreator`` decide), ``List``/``Set``/arrays a list
and ``Map`` a map (a ``Property`` item is any value: it may be an expression), Kestra's plugin bases a plugin,
a class of the folder an object described among the definitions; anything else any value. A field or class
with a deserializer of its own (``@JsonDeserialize(using = ...)``) is any value (``kindUnknown``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flowlint.manifest.jars.classfile import ACC_ENUM, ClassInfo, Member
from flowlint.manifest.jars.classpath import ClassPath, Found, Unreadable
from flowlint.manifest.jars.kinds import KESTRA_BASES, walk_hierarchy
from flowlint.manifest.jars.members import (
    JSON_ALIAS,
    JSON_DESERIALIZE,
    PLUGIN_PROPERTY,
    PROPERTY,
    REQUIRING,
    SCHEMA,
    canonical,
    enum_constants,
)
from flowlint.manifest.jars.signatures import ANY, ARRAY, JType
from flowlint.manifest.property_sections import Entry

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
_PRIMITIVES = frozenset("BCDFIJSZ")
_MAPS = frozenset(f"java/util/{name}" for name in ("Map", "HashMap", "LinkedHashMap", "SortedMap", "TreeMap"))

KestraRecords = Callable[[str], bool]
"""Whether the bundled data describes a Kestra class (by its canonical name) with properties."""


class KindReader:
    """Reads the entry of one property from its Java type; a class it cannot read goes to ``warnings``."""

    def __init__(self, classpath: ClassPath, kestra_described: KestraRecords, warnings: list[str]) -> None:
        self.classpath = classpath
        self.kestra_described = kestra_described
        self.warnings = warnings
        self._warned: set[str] = set()

    def _not_checked(self, error: Unreadable, name: str) -> None:
        """Warn (once) that the nested class ``name`` cannot be read."""
        warning = f"{error}; {canonical(name)} is not checked"
        if warning not in self._warned:
            self._warned.add(warning)
            self.warnings.append(warning)

    def _entry(self, name: str, jtype: JType, member: Member, link: Found, refs: dict[str, Found]) -> Entry:
        # a deserializer of its own reads the value: its shape is not known
        kind = {"kind": "any", "kindUnknown": True} if _custom(member) else self._kind(jtype, link, refs)
        entry: Entry = {"name": name, **kind}
        if jtype.name == PROPERTY or member.annotations.get(PLUGIN_PROPERTY, {}).get("dynamic"):
            entry["dyn"] = True
        if REQUIRING & member.annotations.keys() and jtype.name not in _PRIMITIVES:
            entry["req"] = True  # a primitive is never null
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
        if jtype.name == ARRAY and jtype.args and jtype.args[0].name in ("B", "C"):
            return {"kind": "any"}  # Jackson reads char[] from a string, byte[] from base64, both from a list
        if jtype.name == ARRAY or jtype.name in _LISTS:
            return _container("list", self._item(jtype.args[0], link, refs) if jtype.args else {"kind": "any"})
        if jtype.name in _MAPS:
            value = self._item(jtype.args[1], link, refs) if len(jtype.args) == 2 else {"kind": "any"}
            return _container("map", value)
        plugin = KESTRA_BASES.get(jtype.name)
        kestra = plugin or jtype.name.startswith("io/kestra/core/")
        try:
            found = None if kestra else self.classpath.find(jtype.name, link.jar)
        except Unreadable as error:
            self._not_checked(error, jtype.name)
            return {"kind": "any", "class": canonical(jtype.name).rsplit(".", 1)[-1], "kindUnknown": True}
        if found is not None and _custom(found.info):
            return {"kind": "any", "class": canonical(jtype.name).rsplit(".", 1)[-1], "kindUnknown": True}
        if found is not None and found.info.access & ACC_ENUM:
            constants = enum_constants(found.info, jtype.name)
            if constants is None:
                return {"kind": "enum", "class": canonical(jtype.name).rsplit(".", 1)[-1], "kindUnknown": True}
            return {"kind": "enum", "enum": constants}
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

    def _item(self, jtype: JType, link: Found, refs: dict[str, Found]) -> dict[str, Any]:
        """The kind of a list's items or a map's values: a ``Property`` item may be an expression (any)."""
        return {"kind": "any"} if jtype.name == PROPERTY else self._kind(jtype, link, refs)

    def _info(self, internal_name: str, home: Path) -> ClassInfo | None:
        try:
            found = self.classpath.find(internal_name, home)
        except Unreadable:
            return None
        return found.info if found is not None else None


def _custom(annotated: Member | ClassInfo) -> bool:
    """Whether ``@JsonDeserialize(using = ...)`` (or ``contentUsing``) gives a deserializer of its own."""
    return bool({"using", "contentUsing"} & annotated.annotations.get(JSON_DESERIALIZE, {}).keys())


def _container(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind} if item == {"kind": "any"} else {"kind": kind, "of": item}
