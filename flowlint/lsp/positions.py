"""flowlint's positions (1-based lines and character columns, YAML line breaks) to LSP positions
(0-based lines, columns in the negotiated code units, LSP line breaks) and back.

YAML breaks lines at ``\\r\\n``, ``\\r``, ``\\n`` and also at NEL, LS and PS; LSP only at the first three.
Both meet at character offsets: a flowlint position becomes an offset on YAML's lines, the offset a
position on LSP's lines. UTF-16 (LSP's default) counts a character outside the BMP (an emoji) as two.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from lsprotocol import types

from flowlint.diagnostics import Span

_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_LSP_BREAK = re.compile(r"\r\n|[\r\n]")

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str = UTF16) -> int:
    """How many code units of ``encoding`` ``text`` takes."""
    if text.isascii() or encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


class LineIndex:
    """The line starts of one text, both ways of breaking lines, for converting positions."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self._yaml = _starts(text, _YAML_BREAK)
        self._lsp = _starts(text, _LSP_BREAK)

    def offset(self, line: int, column: int) -> int:
        """The character offset of flowlint's 1-based ``line`` and ``column`` (clamped to the line)."""
        starts = self._yaml
        if line < 1:
            return 0
        if line > len(starts):
            return len(self.text)
        start = starts[line - 1]
        return min(start + max(column - 1, 0), self._line_end(starts, line - 1))

    def position(self, offset: int) -> types.Position:
        """The LSP position of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self._lsp, offset) - 1
        return types.Position(line, units(self.text[self._lsp[line] : offset], self.encoding))

    def range(self, span: Span) -> types.Range:
        """The LSP range of a flowlint span."""
        start = self.offset(span.line, span.column)
        end = max(start, self.offset(span.end_line, span.end_column))
        return types.Range(self.position(start), self.position(end))

    def node_range(self, start: int, end: int) -> types.Range:
        """The LSP range of the characters ``start:end``."""
        return types.Range(self.position(start), self.position(max(start, end)))

    def offset_at(self, position: types.Position) -> int:
        """The character offset of an LSP position (clamped to its line; past the last line: the end)."""
        starts = self._lsp
        if position.line >= len(starts):
            return len(self.text)
        start = starts[position.line]
        end = self._line_end(starts, position.line)
        line = self.text[start:end]
        if line.isascii() or self.encoding == UTF32:
            return start + min(position.character, len(line))
        counted = 0
        for index, char in enumerate(line):
            if counted >= position.character:
                return start + index
            counted += units(char, self.encoding)
        return end

    def lsp_line(self, line: int) -> tuple[int, str]:
        """The start offset and text (without break) of 0-based LSP ``line``."""
        starts = self._lsp
        if line >= len(starts):
            return len(self.text), ""
        start = starts[line]
        return start, self.text[start : self._line_end(starts, line)]

    def _line_end(self, starts: list[int], index: int) -> int:
        """Where line ``index`` ends, before its line break."""
        if index + 1 >= len(starts):
            return len(self.text)
        end = starts[index + 1]
        if self.text[end - 2 : end] == "\r\n":
            return end - 2
        return end - 1


def _starts(text: str, breaks: re.Pattern[str]) -> list[int]:
    return [0, *(match.end() for match in breaks.finditer(text))]
