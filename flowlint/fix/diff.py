"""Where a fixed text changed, and the unified diff ``--diff`` prints, built from the regions the edits
changed instead of comparing the whole texts (3 lines of context, as ``diff -u``)."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from flowlint.diagnostics import Edit

Region = tuple[int, int, int, int]
"""``(a0, a1, b0, b1)``: the characters ``a0:a1`` of a text became ``b0:b1`` of its fixed text; the text
between two regions is the same in both."""


class Differences(NamedTuple):
    """Where a fixed text differs from the original, and both as ``--diff`` shows them."""

    regions: tuple[Region, ...]
    before: str
    """The original text (decoded), literal credentials masked: as long as the text, line for line."""
    after: str
    """The fixed text, masked the same way."""


def track(regions: Sequence[Region], edits: Sequence[Edit]) -> list[Region]:
    """The regions from an original text to the text ``edits`` make of its fixed text (``regions`` from
    the original to that one), merged where they overlap or touch."""
    steps: list[Region] = []
    moved = 0
    for edit in sorted(edits, key=lambda e: (e.span.start_offset, e.span.end_offset)):
        start, end = edit.span.start_offset, edit.span.end_offset
        steps.append((start, end, start + moved, start + moved + len(edit.replacement)))
        moved += len(edit.replacement) - (end - start)
    # both lists as ranges of the middle text (the one the edits were made to): (start, end, before?, region)
    ranges = sorted(
        [(r[2], r[3], True, r) for r in regions] + [(r[0], r[1], False, r) for r in steps], key=lambda x: x[:2]
    )
    merged: list[Region] = []
    before_shift = after_shift = 0  # middle minus original, new minus middle, up to the current range
    index = 0
    while index < len(ranges):
        low, high = ranges[index][0], ranges[index][1]
        grown_before = grown_after = 0
        while index < len(ranges) and ranges[index][0] <= high:
            _, end, is_before, (a0, a1, b0, b1) = ranges[index]
            high = max(high, end)
            if is_before:
                grown_before += (b1 - b0) - (a1 - a0)
            else:
                grown_after += (b1 - b0) - (a1 - a0)
            index += 1
        merged.append(
            (
                low - before_shift,
                high - before_shift - grown_before,
                low + after_shift,
                high + after_shift + grown_after,
            )
        )
        before_shift += grown_before
        after_shift += grown_after
    return merged


def unified(name: str, before_text: str, after_text: str, diff: Differences) -> str:
    """The unified diff from ``before_text`` to ``after_text`` (``--- a/NAME`` / ``+++ b/NAME``), lines as
    ``diff`` shows them (masked), line endings as in the texts; its hunks come from ``diff.regions``, so it
    costs what reading the two texts does, however many lines changed."""
    before, after = _Lines(before_text, diff.before), _Lines(after_text, diff.after)
    out: list[str] = []
    for group in _grouped(_opcodes(before, after, diff.regions), 3):
        if not out:
            out += [f"--- a/{name}\n", f"+++ b/{name}\n"]
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += (" " + before.shown_line(i) for i in range(i1, i2))
                continue
            out += ("-" + before.shown_line(i) for i in range(i1, i2))
            out += ("+" + after.shown_line(j) for j in range(j1, j2))
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in out)


class _Lines:
    """A text cut into lines as ``str.splitlines`` cuts them, by offsets, and the same text as shown (as
    long, masked)."""

    def __init__(self, text: str, shown: str) -> None:
        self.text = text
        self.shown = shown
        lines = text.splitlines(keepends=True)
        self.count = len(lines)
        self.starts = [0]
        for line in lines:
            self.starts.append(self.starts[-1] + len(line))
        self.open_end = bool(lines) and len(lines[-1].splitlines()[0]) == len(lines[-1])
        """The last line has no line break."""

    def line(self, index: int) -> str:
        return self.text[self.starts[index] : self.starts[index + 1]]

    def shown_line(self, index: int) -> str:
        return self.shown[self.starts[index] : self.starts[index + 1]]

    def line_of(self, offset: int) -> int:
        """The index of the line that holds character ``offset``; the end of the text is on the last line
        when it has no line break, else on an empty line after it (``count``)."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return index - 1 if index == self.count and self.open_end else index


Opcode = tuple[str, int, int, int, int]


def _opcodes(before: _Lines, after: _Lines, regions: Sequence[Region]) -> list[Opcode]:
    """difflib's opcodes (equal, replace, delete, insert over line indexes): the lines the regions touch,
    merged where they meet, less the lines equal at their ends; the lines between are equal."""
    windows: list[list[int]] = []
    for a0, a1, b0, b1 in regions:
        i1, i2 = before.line_of(a0), min(before.line_of(a1) + 1, before.count)
        j1, j2 = after.line_of(b0), min(after.line_of(b1) + 1, after.count)
        if windows and (i1 <= windows[-1][1] or j1 <= windows[-1][3]):
            windows[-1][1], windows[-1][3] = max(windows[-1][1], i2), max(windows[-1][3], j2)
        else:
            windows.append([i1, i2, j1, j2])
    opcodes: list[Opcode] = []
    done_a = done_b = 0
    for i1, i2, j1, j2 in windows:
        while i1 < i2 and j1 < j2 and before.line(i1) == after.line(j1):
            i1, j1 = i1 + 1, j1 + 1
        while i1 < i2 and j1 < j2 and before.line(i2 - 1) == after.line(j2 - 1):
            i2, j2 = i2 - 1, j2 - 1
        if i1 == i2 and j1 == j2:
            continue
        if done_a < i1:
            opcodes.append(("equal", done_a, i1, done_b, j1))
        opcodes.append(("replace" if i1 < i2 and j1 < j2 else "delete" if i1 < i2 else "insert", i1, i2, j1, j2))
        done_a, done_b = i2, j2
    if done_a < before.count:
        opcodes.append(("equal", done_a, before.count, done_b, after.count))
    return opcodes


def _grouped(opcodes: list[Opcode], context: int) -> Iterator[list[Opcode]]:
    """The hunks of ``opcodes``, each change with ``context`` equal lines around it (difflib's
    ``get_grouped_opcodes``)."""
    if not any(tag != "equal" for tag, *_ in opcodes):
        return
    codes = list(opcodes)
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:  # a long run of equal lines ends a hunk
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


def _range(start: int, stop: int) -> str:
    """A hunk's range as unified diffs write it (difflib's ``_format_range_unified``)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"
