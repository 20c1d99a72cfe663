"""A minimal reader of the JVM class file format: access flags, super class and interfaces, the class
annotations Kestra reads (``@Hidden``, ``@Plugin(internal = ..., aliases = ...)``), and the fields and
methods with their descriptors, generic signatures and runtime-visible annotations."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

from flowlint.manifest.jars.signatures import field_type, method_types

HIDDEN_ANNOTATION = "Lio/swagger/v3/oas/annotations/Hidden;"
PLUGIN_ANNOTATION = "Lio/kestra/core/models/annotations/Plugin;"
DEPRECATED_ANNOTATION = "Ljava/lang/Deprecated;"

ACC_PUBLIC, ACC_STATIC, ACC_TRANSIENT, ACC_INTERFACE = 0x0001, 0x0008, 0x0080, 0x0200
ACC_ABSTRACT, ACC_SYNTHETIC, ACC_ANNOTATION, ACC_ENUM = 0x0400, 0x1000, 0x2000, 0x4000
"""Access flags (a field's 0x0080 is ``transient``; ``ACC_ENUM`` marks an enum class and its constants)."""

Annotations = dict[str, dict[str, Any]]
"""Runtime-visible annotations: type descriptor -> element name -> value (strings, integers, lists; an
enum constant as its name; nested annotations and classes as None)."""

_Body = tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]], bool, str | None]
"""What a method's ``Code`` tells: see :class:`Member` (assigned, chained, code, returns_field)."""
_NO_BODY: _Body = (frozenset(), frozenset(), False, None)


@dataclass(frozen=True)
class Member:
    """A field or a method: its access flags, name, descriptor, generic signature and annotations."""

    access: int
    name: str
    descriptor: str
    signature: str | None
    annotations: Annotations
    deprecated: bool
    """Marked ``@Deprecated`` (the annotation or the ``Deprecated`` attribute)."""
    assigned: frozenset[tuple[str, str]] = frozenset()
    """For a constructor: the fields it assigns (``putfield``), as (class named in the reference, field)."""
    chained: frozenset[tuple[str, str]] = frozenset()
    """For a constructor: the constructors it calls (``this(...)``, ``super(...)``), as (class, descriptor)."""
    code: bool = False
    """The method has a body."""
    returns_field: str | None = None
    """The field of its own class that the method's body only returns (a plain getter)."""


@dataclass(frozen=True)
class ClassInfo:
    """What flowlint needs of one class file."""

    access: int
    super_name: str | None
    interfaces: tuple[str, ...]
    hidden: bool = False
    internal: bool = False
    aliases: tuple[str, ...] = ()
    fields: tuple[Member, ...] = ()
    methods: tuple[Member, ...] = ()
    annotations: Annotations = field(default_factory=dict)
    name: str = ""
    """The class's internal name (``com/acme/Upload``)."""

    @property
    def concrete_public(self) -> bool:
        """A public class that can be instantiated (not an interface, abstract class, enum, annotation)."""
        excluded = ACC_INTERFACE | ACC_ABSTRACT | ACC_ANNOTATION | ACC_ENUM
        return bool(self.access & ACC_PUBLIC) and not self.access & excluded


class _ClassReader:
    """A minimal reader of the JVM class file format: constant pool, hierarchy, annotations, members."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.utf8: dict[int, str] = {}
        self.classes: dict[int, int] = {}
        self.integers: dict[int, int] = {}
        self.fieldrefs: dict[int, tuple[int, int]] = {}
        self.methodrefs: dict[int, tuple[int, int]] = {}
        self.names_and_types: dict[int, tuple[int, int]] = {}
        self.own = ""

    def u1(self) -> int:
        value = self.data[self.pos]
        self.pos += 1
        return value

    def u2(self) -> int:
        (value,) = struct.unpack_from(">H", self.data, self.pos)
        self.pos += 2
        return int(value)

    def u4(self) -> int:
        (value,) = struct.unpack_from(">I", self.data, self.pos)
        self.pos += 4
        return int(value)

    def skip(self, count: int) -> None:
        if self.pos + count > len(self.data):
            raise ValueError("truncated class file")
        self.pos += count

    def class_name(self, index: int) -> str:
        return self.utf8[self.classes[index]]

    def read(self) -> ClassInfo:
        if self.u4() != 0xCAFEBABE:
            raise ValueError("not a class file")
        self.skip(4)  # minor, major
        self._constant_pool()
        access = self.u2()
        self.own = self.class_name(self.u2())
        super_index = self.u2()
        interfaces = tuple(self.class_name(self.u2()) for _ in range(self.u2()))
        fields = tuple(self._member() for _ in range(self.u2()))
        methods = tuple(self._member() for _ in range(self.u2()))
        annotations, _, _, _ = self._attributes(None)
        plugin = annotations.get(PLUGIN_ANNOTATION, {})
        found = plugin.get("aliases")
        aliases = tuple(a for a in found if isinstance(a, str)) if isinstance(found, list) else ()
        super_name = self.class_name(super_index) if super_index else None
        hidden, internal = HIDDEN_ANNOTATION in annotations, bool(plugin.get("internal"))
        return ClassInfo(
            access, super_name, interfaces, hidden, internal, aliases, fields, methods, annotations, self.own
        )

    def _member(self) -> Member:
        access = self.u2()
        name, descriptor = self.utf8[self.u2()], self.utf8[self.u2()]
        annotations, signature, deprecated, body = self._attributes(name)
        # a malformed descriptor or signature makes the class unreadable here, not where its types are read
        (method_types if descriptor.startswith("(") else field_type)(descriptor, signature)
        deprecated = deprecated or DEPRECATED_ANNOTATION in annotations
        return Member(access, name, descriptor, signature, annotations, deprecated, *body)

    def _attributes(self, method: str | None) -> tuple[Annotations, str | None, bool, _Body]:
        """The runtime-visible annotations, the generic signature, the ``Deprecated`` attribute and, for a
        method, what its ``Code`` tells (see :meth:`_code`)."""
        annotations: Annotations = {}
        signature: str | None = None
        deprecated = False
        body = _NO_BODY
        for _ in range(self.u2()):
            name = self.utf8.get(self.u2(), "")
            length = self.u4()
            end = self.pos + length
            if end > len(self.data):
                raise ValueError("truncated class file")
            if name == "RuntimeVisibleAnnotations":
                for _ in range(self.u2()):
                    descriptor, values = self._annotation()
                    annotations[descriptor] = values
            elif name == "Signature":
                signature = self.utf8[self.u2()]
            elif name == "Deprecated":
                deprecated = True
            elif name == "Code" and method is not None:
                self.skip(4)  # max_stack, max_locals
                length = self.u4()
                body = self._code(self.data[self.pos : self.pos + length], method == "<init>")
            self.pos = end
        return annotations, signature, deprecated, body

    def _code(self, code: bytes, constructor: bool) -> _Body:
        """A constructor's assigned fields and chained constructors; the field a plain getter returns."""
        if len(code) == 5 and code[0] == 0x2A and code[1] == 0xB4 and 0xAC <= code[4] <= 0xB0:
            ref = self._ref(self.fieldrefs, code[2:4])
            return frozenset(), frozenset(), True, ref[1] if ref and ref[0] == self.own else None
        assigned: set[tuple[str, str]] = set()
        chained: set[tuple[str, str]] = set()
        pc = 0
        while constructor and pc < len(code):
            if code[pc] in (_PUTFIELD, _INVOKESPECIAL) and pc + 2 < len(code):
                refs = self.fieldrefs if code[pc] == _PUTFIELD else self.methodrefs
                ref = self._ref(refs, code[pc + 1 : pc + 3])
                if ref is not None and code[pc] == _PUTFIELD:
                    assigned.add(ref[:2])
                elif ref is not None and ref[1] == "<init>":
                    chained.add((ref[0], ref[2]))
            pc += _instruction_length(code, pc)
        return frozenset(assigned), frozenset(chained), True, None

    def _ref(self, refs: dict[int, tuple[int, int]], index: bytes) -> tuple[str, str, str] | None:
        """The class, member name and descriptor of a field or method reference (None if it is not one)."""
        found = refs.get(int.from_bytes(index, "big"))
        if found is None:
            return None
        name, descriptor = self.names_and_types[found[1]]
        return self.class_name(found[0]), self.utf8[name], self.utf8[descriptor]

    def _constant_pool(self) -> None:
        count = self.u2()
        index = 1
        while index < count:
            tag = self.u1()
            if tag == 1:
                length = self.u2()
                self.skip(length)
                self.utf8[index] = self.data[self.pos - length : self.pos].decode("utf-8", "replace")
            elif tag == 3:
                self.integers[index] = self.u4()
            elif tag == 9:
                self.fieldrefs[index] = (self.u2(), self.u2())
            elif tag == 10:
                self.methodrefs[index] = (self.u2(), self.u2())
            elif tag == 12:
                self.names_and_types[index] = (self.u2(), self.u2())
            elif tag == 7:
                self.classes[index] = self.u2()
            elif tag in (5, 6):
                self.skip(8)
                index += 1  # longs and doubles take two slots
            elif tag in (4, 11, 17, 18):
                self.skip(4)
            elif tag == 15:
                self.skip(3)
            elif tag in (8, 16, 19, 20):
                self.skip(2)
            else:
                raise ValueError(f"unknown constant pool tag {tag}")
            index += 1

    def _annotation(self) -> tuple[str, dict[str, Any]]:
        descriptor = self.utf8.get(self.u2(), "")
        values: dict[str, Any] = {}
        for _ in range(self.u2()):
            name = self.utf8.get(self.u2(), "")
            values[name] = self._element_value()
        return descriptor, values

    def _element_value(self) -> Any:
        tag = chr(self.u1())
        if tag == "s":
            return self.utf8.get(self.u2())
        if tag in "BCIJSZDF":
            return self.integers.get(self.u2())
        if tag == "e":
            self.skip(2)
            return self.utf8.get(self.u2())
        if tag == "c":
            self.skip(2)
            return None
        if tag == "@":
            self._annotation()
            return None
        if tag == "[":
            return [self._element_value() for _ in range(self.u2())]
        raise ValueError(f"unknown element value tag {tag!r}")


_PUTFIELD, _INVOKESPECIAL = 0xB5, 0xB7
_SIZES = bytearray([1]) * 256
"""Instruction lengths of the JVM opcodes (the switches and ``wide`` vary, see _instruction_length)."""
for _op in (0x10, 0x12, *range(0x15, 0x1A), *range(0x36, 0x3B), 0xA9, 0xBC):
    _SIZES[_op] = 2
for _op in (0x11, 0x13, 0x14, 0x84, *range(0x99, 0xA9), *range(0xB2, 0xB9), 0xBB, 0xBD, 0xC0, 0xC1, 0xC6, 0xC7):
    _SIZES[_op] = 3
_SIZES[0xC5] = 4
for _op in (0xB9, 0xBA, 0xC8, 0xC9):
    _SIZES[_op] = 5


def _instruction_length(code: bytes, pc: int) -> int:
    op = code[pc]
    if op == 0xC4:  # wide: iinc has two more bytes
        return 6 if pc + 1 < len(code) and code[pc + 1] == 0x84 else 4
    if op in (0xAA, 0xAB):  # tableswitch, lookupswitch: padded to 4 bytes from the start of the code
        base = pc + 1 + (3 - pc % 4)
        if op == 0xAA:
            low, high = struct.unpack_from(">ii", code, base + 4)
            return max(1, base - pc + 12 + 4 * (int(high) - int(low) + 1))
        (pairs,) = struct.unpack_from(">i", code, base + 4)
        return max(1, base - pc + 8 + 8 * int(pairs))
    return _SIZES[op]


def parse_class(data: bytes) -> ClassInfo | None:
    """The hierarchy, annotations and members of a class file; None if it is not a readable class file."""
    try:
        return _ClassReader(data).read()
    except (struct.error, IndexError, KeyError, ValueError, RecursionError):
        return None
