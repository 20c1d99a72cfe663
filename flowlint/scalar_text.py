"""A YAML string scalar as Pebble reads it, each character with the place in the file it was written at.

:func:`scalar_text` turns a scalar node back into the characters of its value *as written*, each with
the range of the source text it came from (quotes, escapes such as ``\\"`` and ``''``, and block
headers are accounted for), and :class:`Locator` turns those source offsets into 1-based spans, so a
finding points at the real columns of the file, for plain, quoted and block scalars, on one line or
many.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import NamedTuple

from ruamel.yaml.nodes import ScalarNode

from flowlint.diagnostics import Span
from flowlint.source import LINE_BREAK


class ScalarText(NamedTuple):
    """The value of a scalar as written, char by char, each with the source range it was read from.

    Line folding is not applied (a line break and the indentation after it stay as they are: Pebble
    treats them as the blank they fold to), so this is the value Pebble sees, up to whitespace.
    ``starts[k]``/``ends[k]`` are the source offsets of character ``k``.
    """

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        """The source offsets covering the characters ``start:end`` of ``text``."""
        if not self.text:
            return (0, 0)
        start = min(max(start, 0), len(self.text) - 1)
        end = max(min(end, len(self.text)), start + 1)
        return self.starts[start], self.ends[end - 1]


def scalar_text(source: str, node: ScalarNode) -> ScalarText:
    """The characters of ``node``'s value as written in ``source``, with their source offsets."""
    start, end = node.start_mark.index, node.end_mark.index
    style = node.style
    if style == "'":
        return _single_quoted(source, start + 1, max(start + 1, end - 1))
    if style == '"':
        return _double_quoted(source, start + 1, max(start + 1, end - 1))
    if style in ("|", ">"):
        header = LINE_BREAK.search(source, start, end)
        start = header.end() if header else end
    return _verbatim(source, start, end)


def _verbatim(source: str, start: int, end: int) -> ScalarText:
    return ScalarText(source[start:end], range(start, end), range(start + 1, end + 1))


def _single_quoted(source: str, start: int, end: int) -> ScalarText:
    if source.find("''", start, end) < 0:
        return _verbatim(source, start, end)  # no escaped quote: each character is itself
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = start
    while i < end:
        width = 2 if source.startswith("''", i) and i + 1 < end else 1
        chars.append(source[i])
        starts.append(i)
        ends.append(i + width)
        i += width
    return ScalarText("".join(chars), tuple(starts), tuple(ends))


_SIMPLE_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
    "P": "\u2029",
}  # fmt: skip
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _double_quoted(source: str, start: int, end: int) -> ScalarText:
    if source.find("\\", start, end) < 0:
        return _verbatim(source, start, end)  # no escape: each character is itself
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = start
    while i < end:
        ch = source[i]
        if ch != "\\" or i + 1 >= end:
            chars.append(ch)
            starts.append(i)
            ends.append(i + 1)
            i += 1
            continue
        code = source[i + 1]
        width = 2
        if code in _SIMPLE_ESCAPES:
            value = _SIMPLE_ESCAPES[code]
        elif code in _HEX_ESCAPES:
            digits = source[i + 2 : i + 2 + _HEX_ESCAPES[code]]
            try:
                value = chr(int(digits, 16))
                width += len(digits)
            except ValueError:
                value = code
        elif LINE_BREAK.match(source, i + 1):
            # an escaped line break joins the lines: nothing of it is in the value
            match = LINE_BREAK.match(source, i + 1)
            assert match is not None
            i = match.end()
            continue
        else:
            value = code
        chars.append(value)
        starts.append(i)
        ends.append(i + width)
        i += width
    return ScalarText("".join(chars), tuple(starts), tuple(ends))


class Locator:
    """Source offsets to 1-based spans, counting lines and characters as YAML marks do (the lines are
    found on the first question: most checks that hold a Locator never report)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._line_starts: list[int] | None = None

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of the character at ``offset``."""
        starts = self._line_starts
        if starts is None:
            starts = self._line_starts = [0, *(m.end() for m in LINE_BREAK.finditer(self._text))]
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    def span(self, start: int, end: int) -> Span:
        """The span of the source characters ``start:end``."""
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column, start, end)
