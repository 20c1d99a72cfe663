"""Java types as class files write them: field descriptors (``Ljava/util/List;``) and generic signatures
(``Lio/kestra/core/models/property/Property<Ljava/util/List<Ljava/lang/String;>;>;``)."""

from __future__ import annotations

from dataclasses import dataclass

ANY = "*"
"""A type variable or an unbounded wildcard: any type."""
ARRAY = "["


@dataclass(frozen=True)
class JType:
    """A Java type: a base type letter (``I``, ``Z``, ...), an internal class name with its type arguments,
    ``[`` with the element type, or ``*`` (a type variable or wildcard)."""

    name: str
    args: tuple[JType, ...] = ()


def field_type(descriptor: str, signature: str | None) -> JType:
    """The type of a field: its generic signature when it has one, else its descriptor."""
    return _parse(signature if signature else descriptor, 0)[0]


def method_types(descriptor: str, signature: str | None) -> tuple[list[JType], JType]:
    """The parameter types and return type of a method (a generic method's descriptor, without its type
    variables' bounds)."""
    text = signature if signature and not signature.startswith("<") else descriptor
    params: list[JType] = []
    pos = 1  # after "("
    while text[pos] != ")":
        found, pos = _parse(text, pos)
        params.append(found)
    return params, _parse(text, pos + 1)[0]


def _parse(text: str, pos: int) -> tuple[JType, int]:
    char = text[pos]
    if char == "[":
        element, end = _parse(text, pos + 1)
        return JType(ARRAY, (element,)), end
    if char == "T":
        return JType(ANY), text.index(";", pos) + 1
    if char != "L":
        return JType(char), pos + 1
    args: tuple[JType, ...] = ()
    name, start, pos = "", pos + 1, pos + 1
    while True:
        char = text[pos]
        if char == "<":
            name += text[start:pos]
            args, pos = _arguments(text, pos + 1)
            start = pos
        elif char == ".":  # an inner class of a generic outer class
            name += text[start:pos] + "$"
            args, pos = (), pos + 1
            start = pos
        elif char == ";":
            return JType(name + text[start:pos], args), pos + 1
        else:
            pos += 1


def _arguments(text: str, pos: int) -> tuple[tuple[JType, ...], int]:
    args: list[JType] = []
    while text[pos] != ">":
        if text[pos] == "*":
            args.append(JType(ANY))
            pos += 1
            continue
        if text[pos] in "+-":
            pos += 1
        found, pos = _parse(text, pos)
        args.append(found)
    return tuple(args), pos + 1
