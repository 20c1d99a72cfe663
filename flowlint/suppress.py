"""``# flowlint:`` comments in flow files, and the findings they suppress (FL900, FL901).

- ``# flowlint: ignore[FL102] reason`` — on a line with YAML before it: that line; alone on its line:
  the next line that is not blank or a comment. ``ignore`` without codes suppresses every code.
- ``# flowlint: disable[FL201]`` ... ``# flowlint: enable[FL201]`` — every line in between.
- ``# flowlint: file-ignore[FL108]`` — the whole file.

Rules are named by code or by name (``ignore[unquoted-version]``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Diagnostic, Severity, Span

DIRECTIVE = re.compile(
    r"#\s*flowlint:\s*(?P<kind>ignore|disable|enable|file-ignore)\b(?:\[(?P<codes>[^\]]*)\])?(?P<reason>.*)$"
)
_CODE = re.compile(r"FL\d{3}")

if TYPE_CHECKING:
    from flowlint.rules.base import Rule


class Directive:
    """One ``# flowlint:`` comment: its kind, the codes it names (none: every code), where it is, the
    line it applies to, for ``disable`` the line of the matching ``enable`` (None: end of file), and
    the codes it suppressed."""

    def __init__(
        self,
        kind: str,
        codes: tuple[str, ...],
        span: Span,
        target_line: int | None = None,
        end_line: int | None = None,
    ) -> None:
        self.kind = kind
        self.codes = codes
        self.span = span
        self.target_line = target_line
        self.end_line = end_line
        self.used: set[str] = set()

    def covers(self, code: str) -> bool:
        """Whether the directive names ``code`` (or names none, so every one)."""
        return not self.codes or code in self.codes

    def applies(self, diagnostic: Diagnostic) -> bool:
        """Whether the directive suppresses ``diagnostic``."""
        if not self.covers(diagnostic.code):
            return False
        line = diagnostic.span.line
        if self.kind == "file-ignore":
            return True
        if self.kind == "ignore":
            return line == self.target_line
        if self.kind == "disable":
            return self.span.line < line and (self.end_line is None or line < self.end_line)
        return False


def find_directives(
    text: str, lines: Sequence[str], documents: Iterable[Node], names: Mapping[str, str] | None = None
) -> list[Directive]:
    """Every ``# flowlint:`` comment of the file (ignoring look-alikes inside strings); a rule named by
    its name (``ignore[unquoted-version]``) is turned into its code through ``names``."""
    known = names or {}
    if "flowlint:" not in text:
        return []
    scalars = _scalar_ranges(documents)
    starts = [start for start, _ in scalars]
    directives: list[Directive] = []
    offset = 0
    line_offsets = []
    for line in lines:
        line_offsets.append(offset)
        offset += len(line)
        offset += 2 if text.startswith("\r\n", offset) else 1  # the line break: CRLF is two characters
    for number, line in enumerate(lines, start=1):
        if "flowlint:" not in line:
            continue
        for match in DIRECTIVE.finditer(line):
            column = match.start()
            if column > 0 and not line[column - 1].isspace():
                continue
            index = line_offsets[number - 1] + column
            position = bisect.bisect_right(starts, index) - 1
            if position >= 0 and scalars[position][0] <= index < scalars[position][1]:
                continue
            codes = tuple(known.get(c.strip(), c.strip()) for c in (match.group("codes") or "").split(",") if c.strip())
            span = Span(number, column + 1, number, len(line.rstrip()) + 1)
            own_line = not line[:column].strip()
            target = _next_content_line(lines, number) if own_line else number
            directives.append(Directive(match.group("kind"), codes, span, target))
            break
    _pair_ranges(directives)
    return directives


def _scalar_ranges(documents: Iterable[Node]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    stack = list(documents)
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            ranges.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
    ranges.sort()
    return ranges


def _next_content_line(lines: Sequence[str], number: int) -> int | None:
    for candidate in range(number, len(lines)):
        stripped = lines[candidate].strip()
        if stripped and not stripped.startswith("#"):
            return candidate + 1
    return None


def _pair_ranges(directives: list[Directive]) -> None:
    open_disables: list[Directive] = []
    for directive in directives:
        if directive.kind == "disable":
            open_disables.append(directive)
        elif directive.kind == "enable":
            for disable in open_disables:
                if disable.end_line is None and (not directive.codes or set(disable.codes) <= set(directive.codes)):
                    disable.end_line = directive.span.line


def apply(
    diagnostics: Sequence[Diagnostic],
    directives: Sequence[Directive],
    known_codes: frozenset[str],
    enabled: frozenset[str],
    path: str,
    rules: dict[str, Rule],
    severity: dict[str, Severity] | None = None,
) -> list[Diagnostic]:
    """The findings no directive suppresses, plus FL900/FL901 about the directives themselves."""
    kept = []
    for diagnostic in diagnostics:
        suppressing = next((d for d in directives if d.applies(diagnostic)), None)
        if suppressing is None:
            kept.append(diagnostic)
        else:
            suppressing.used.add(diagnostic.code)
    levels = severity or {}
    for directive in directives:
        if directive.kind == "enable":
            continue
        for code in directive.codes:
            if code not in known_codes and "FL901" in enabled:
                shown = code if _CODE.fullmatch(code) else repr(code)
                rule = rules["FL901"]
                kept.append(
                    Diagnostic(
                        "FL901",
                        rule.name,
                        levels.get("FL901", rule.severity),
                        f"unknown code {shown} in `# flowlint: {directive.kind}`",
                        path,
                        directive.span,
                        help="`flowlint rules` lists the codes",
                    )
                )
        if "FL900" not in enabled:
            continue
        judged = [c for c in directive.codes if c in enabled]
        unused = [c for c in judged if c not in directive.used]
        if (not directive.codes and not directive.used) or unused:
            rule = rules["FL900"]
            what = f"[{', '.join(unused)}]" if unused else ""
            kept.append(
                Diagnostic(
                    "FL900",
                    rule.name,
                    levels.get("FL900", rule.severity),
                    f"`# flowlint: {directive.kind}{what}` suppresses nothing",
                    path,
                    directive.span,
                )
            )
    return kept
