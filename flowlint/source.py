"""Bytes to text to YAML nodes that keep their positions (what is asked of a node: flowlint.nodes).

YAML is composed by libyaml through ruamel.yaml's C extension: nodes, never constructed Python
objects, so every node has start and end marks and duplicate keys stay visible. Columns count
characters (code points), so wide characters do not shift them. Collections nested deeper than
Kestra's parser allows (flowlint.limits) are refused before libyaml recurses into them.
"""

from __future__ import annotations

import codecs
import re
from functools import cached_property
from typing import Any, ClassVar, NamedTuple

from _ruamel_yaml import CParser
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, StreamEndEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

from flowlint.diagnostics import Span
from flowlint.limits import MAX_NESTING, NESTED

LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
"""A YAML line break: CRLF, LF, CR, NEL, LS or PS."""
_PREFIX_BYTES = bytes(1 if byte in b" \t?:-" else 0 for byte in range(256))
"""Maps the characters that can open a block collection's line (indentation and ``- ? :``) to 1."""

RESOLVED_STR = VersionedResolver.DEFAULT_SCALAR_TAG
"""The one Tag object the composer gives every scalar it reads as a string (flowlint.nodes compares by
identity before it compares tag names)."""


class _Composer(CParser, VersionedResolver):  # type: ignore[misc]
    """libyaml's reader, scanner, parser and composer, with ruamel's YAML 1.2 tag resolution.

    ``resolve`` is ruamel's, minus its per-scalar look-up of the YAML version: flows are YAML 1.2 (no
    ``%YAML`` directive changes that for Kestra), so the implicit-tag table is taken once per process,
    and compiled one first character at a time (compiling all of it costs a few milliseconds that a
    config of plain strings would otherwise pay at every start-up).
    """

    _implicit: ClassVar[dict[str, list[tuple[Tag, re.Pattern[str]]]]] = {}
    """First character -> (tag, compiled pattern) to try, in order (ruamel's table, its lazily compiled
    patterns compiled, its tags shared), for the first characters met so far."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        VersionedResolver.__init__(self)  # no loader: it would point back here, a cycle only GC frees

    _resolved: ClassVar[dict[str, Tag]] = {}
    """Plain scalar text -> its tag, for short texts (keys and most values repeat from file to file)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            if implicit[0]:
                known = _Composer._resolved.get(value)
                if known is not None:
                    return known
                tag = self._implicit_tag(value)
                if len(value) <= 40 and len(_Composer._resolved) < 50_000:
                    _Composer._resolved[value] = tag
                return tag
            return RESOLVED_STR
        return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG

    def _implicit_tag(self, value: str) -> Tag:
        """The tag of a plain scalar: the first implicit resolver that matches, else str."""
        first = value[:1]
        entries = _Composer._implicit.get(first)
        if entries is None:
            entries = _Composer._implicit[first] = [
                (Tag(suffix=tag), re.compile(regexp.pattern, regexp.flags))
                for tag, regexp in self.versioned_resolver.get(first, ())
            ]
        for tag, regexp in entries:
            if regexp.match(value):
                return tag
        return RESOLVED_STR


class SourceError(NamedTuple):
    """Why a file could not be read as YAML, and where."""

    message: str
    span: Span


class Source:
    """A decoded file: its text, its composed documents, and the error that stopped composing."""

    def __init__(self, path: str, text: str, documents: tuple[Node, ...], error: SourceError | None) -> None:
        self.path = path
        self.text = text
        self.documents = documents
        self.error = error

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its line break ('' past the end)."""
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    @cached_property
    def lines(self) -> list[str]:
        """The lines of the text, split where YAML breaks lines."""
        return split_lines(self.text)


def split_lines(text: str) -> list[str]:
    """``text`` cut at every YAML line break (CRLF, LF, CR, NEL, LS, PS), without them."""
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        return LINE_BREAK.split(text)
    return text.split("\n")


def decode(data: bytes) -> str | SourceError:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16/32; a located error otherwise."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                return _decode_error(data, error, encoding)
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    if b"\x00" in body[:8192]:
        line, column = _position_in_bytes(body, body.index(b"\x00"), "utf-8")
        return SourceError(
            f"not a text file: NUL byte at line {line}, column {column}",
            Span(line, column, line, column + 1),
        )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        return _decode_error(body, error, "utf-8")


def _decode_error(data: bytes, error: UnicodeDecodeError, encoding: str) -> SourceError:
    """Where ``data`` (after any UTF-8 BOM: the offsets of ``error`` count from there) stops decoding."""
    line, column = _position_in_bytes(data, error.start, encoding)
    name = encoding.upper()
    return SourceError(
        f"invalid {name} text: {_bad_unit(data, error.start, encoding)} at line {line}, column {column}",
        Span(line, column, line, column + 1),
    )


def _bad_unit(data: bytes, start: int, encoding: str) -> str:
    """The byte (UTF-8) or code unit (UTF-16/32, in the byte order of the BOM) that does not decode."""
    size = {"utf-16": 2, "utf-32": 4}.get(encoding, 1)
    unit = data[start : start + size]
    if size == 1:
        return f"byte 0x{unit.hex()}"
    if len(unit) < size:
        return f"a truncated code unit (0x{unit.hex()} at the end)"
    little = data.startswith(codecs.BOM_UTF16_LE if size == 2 else codecs.BOM_UTF32_LE)
    return f"code unit 0x{int.from_bytes(unit, 'little' if little else 'big'):0{2 * size}X}"


def _position_in_bytes(data: bytes, offset: int, encoding: str) -> tuple[int, int]:
    """The 1-based line and column (in characters) of byte ``offset``, which starts a code unit of ``encoding``."""
    prefix = data[:offset].decode(encoding, errors="replace")
    lines = split_lines(prefix)
    return len(lines), len(lines[-1]) + 1


def parse(path: str, text: str) -> Source:
    """Compose every YAML document of ``text``; stop at the first syntax error and keep it."""
    span = too_deep(text)
    if span is not None:
        message = f"{NESTED}: Kestra's parser refuses them"
        return Source(path=path, text=text, documents=(), error=SourceError(message, span))
    documents, error = compose(text)
    return Source(path=path, text=text, documents=documents, error=error)


def compose(text: str) -> tuple[tuple[Node, ...], SourceError | None]:
    """Every YAML document of ``text`` up to the first syntax error, and that error.

    Only for text :func:`too_deep` passed: libyaml's composer recurses in C.
    """
    documents: list[Node] = []
    error: SourceError | None = None
    composer = _Composer(text)
    try:
        while composer.check_node():
            documents.append(composer.get_node())
    except MarkedYAMLError as exc:
        error = _marked_error(text, exc)
    except YAMLError as exc:
        error = _reader_error(text, exc)
    finally:
        composer.dispose()
    if documents and text and text[-1] not in "\r\n\x85\u2028\u2029":
        _end_within_text(documents, text)
    return tuple(documents), error


def _end_within_text(documents: list[Node], text: str) -> None:
    """Move end marks past the last line back to the end of the text.

    Without a final line break, libyaml ends the stream on a line of its own, past the file: the
    collections that close there (the last child of the last child ...) would end on a line that
    does not exist.
    """
    line, column = _end_of(text)
    for document in documents:
        node: Node | None = document
        seen: set[int] = set()
        while node is not None and id(node) not in seen and node.end_mark.line > line:
            seen.add(id(node))
            mark = node.end_mark
            node.end_mark = type(mark)(mark.name, len(text), line, column, None, None)
            node = _last_child(node)


def _last_child(node: Node) -> Node | None:
    if isinstance(node, MappingNode) and node.value:
        last: Node = node.value[-1][1]
        return last
    if isinstance(node, SequenceNode) and node.value:
        item: Node = node.value[-1]
        return item
    return None


def _end_of(text: str) -> tuple[int, int]:
    """The 0-based line and column of the end of ``text``."""
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        lines = LINE_BREAK.split(text)
        return len(lines) - 1, len(lines[-1])
    return text.count("\n"), len(text) - text.rfind("\n") - 1


def _error_span(text: str, line: int, column: int, index: int) -> Span:
    """A one-character span at a 0-based position of ``text``; at or past the end of the text, the empty
    span at its end."""
    if index < len(text):
        return Span(line + 1, column + 1, line + 1, column + 2, index, index + 1)
    end_line, end_column = _end_of(text)
    return Span(end_line + 1, end_column + 1, end_line + 1, end_column + 1, len(text), len(text))


def _marked_error(text: str, exc: MarkedYAMLError) -> SourceError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if exc.context and exc.context_mark is not None and exc.problem_mark is not None:
        where = f" (while {exc.context.removeprefix('while ')} at line {exc.context_mark.line + 1})"
    else:
        where = ""
    if mark is None:
        return SourceError(f"{problem}{where}", Span(1, 1, 1, 2, 0, 1))
    return SourceError(f"{problem}{where}", _error_span(text, mark.line, mark.column, mark.index))


def _reader_error(text: str, exc: YAMLError) -> SourceError:
    position = getattr(exc, "position", 0) or 0
    prefix = split_lines(text[:position])
    reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
    character = getattr(exc, "character", None)
    if isinstance(character, str):
        reason = f"character {character!r} (U+{ord(character):04X}) is not allowed in YAML: {reason}"
    return SourceError(reason, _error_span(text, len(prefix) - 1, len(prefix[-1]), position))


def too_deep(text: str) -> Span | None:
    """Where collections first nest deeper than Jackson allows (None when they never do), found before
    libyaml's composer recurses into them (it recurses in C: tens of thousands of levels, block or flow,
    overflow the stack).

    A cheap bound first: a block collection starts within the indentation and indicators (``- ? :``)
    that open its line, at most two per column; a flow collection needs a bracket, at most two levels
    each (``[a: [b: ...]]``). Only when that bound passes the limit are the collections of libyaml's
    event stream counted (parsing events does not recurse; brackets in strings do not count).
    """
    # bound: 2 * (prefix + 1) + 2 * brackets <= 1000 holds when brackets <= 400 and no line prefix
    # reaches 99 characters (checked as: no run of 99 such characters anywhere, a few microseconds)
    if text.count("[") + text.count("{") <= 400 and (
        b"\x01" * 99 not in text.encode("utf-8", "surrogatepass").translate(_PREFIX_BYTES)
    ):
        return None
    parser = CParser(text)
    depth = 0
    try:
        while not parser.check_event(StreamEndEvent):
            event = parser.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    mark = event.start_mark
                    return _error_span(text, mark.line, mark.column, mark.index)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        return None  # composing stops at the same error and reports it
    finally:
        parser.dispose()
    return None
