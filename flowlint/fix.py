"""Fixes: text edits over character ranges taken from node marks, applied only where they are safe.

An edit replaces the characters ``start_offset:end_offset`` of the decoded text, so nothing outside it
moves: comments, quoting, indentation, key order, line endings and trailing whitespace all survive.
Overlapping edits are dropped (the first wins) and the rest are applied in one pass. Every result is
composed again by the parser ``check`` uses (libyaml, with its limits on nesting) and its node trees must
be the original ones with exactly the intended changes (a scalar replaced, or a ``version`` key added
to a plugin): the same tags, values, structure and aliases everywhere else; otherwise the file is refused
and not written. A file Kestra cannot parse (FL001: a syntax error, too deep, an alias bomb) is not
fixed at all. Files are written through a temporary file beside them and renamed over them, keeping
their permissions, BOM and line endings.

Three kinds of runs: the fixes that findings carry (FL107, FL108, FL201; FL202 only with unsafe
fixes), ``pin`` (an explicit ``version`` on every unpinned versioned plugin, the version it resolves
to now) and ``upgrade`` (rewrite the pins of one plugin).

Everything is linear in the size of the file: edits are selected with a sorted index, applied by one
join, proved by one iterative walk that visits each node once, and ``--diff`` builds its hunks from the
places the edits changed instead of comparing the whole texts.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Diagnostic, Edit, Span
from flowlint.errors import UsageError
from flowlint.flow import PluginUse, is_flow_document, read_flow
from flowlint.limits import MAX_COLLECTION_ALIASES
from flowlint.manifest.model import in_package
from flowlint.nodes import get, is_str, span_of, tag_of
from flowlint.secrets import masked
from flowlint.source import LINE_BREAK, Source, decode, parse

if TYPE_CHECKING:
    from flowlint.diagnostics import FileResult
    from flowlint.lint import Linter
    from flowlint.resolve import Resolution

MAX_PASSES = 8
"""Rule fixes run again on their own result (one fix can enable another) at most this many times."""


# Building edits ------------------------------------------------------------------------------------


def quoted(value: str, like: Node | None = None) -> str:
    """``value`` as a double-quoted YAML scalar (single-quoted when ``like`` was single-quoted)."""
    if isinstance(like, ScalarNode) and like.style == "'":
        return "'" + value.replace("'", "''") + "'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def replace_edit(node: Node, value: str) -> Edit:
    """Replace the scalar ``node`` by the string ``value``, quoted (keeping single quotes)."""
    return Edit(span_of(node), quoted(value, node))


def _line_break_after(text: str, position: int) -> tuple[int, str]:
    """Where the line holding ``position`` ends, and the break it ends with (the file's first break, else
    ``\\n``, for a last line without one)."""
    found = LINE_BREAK.search(text, position)
    if found is not None:
        return found.start(), found.group()
    first = LINE_BREAK.search(text)
    return len(text), first.group() if first is not None else "\n"


_MERGE_TAG = "tag:yaml.org,2002:merge"


def pin_offset(text: str, node: MappingNode) -> int | None:
    """Where :func:`pin_edit` inserts a key into the plugin mapping ``node`` (None: it cannot, or it would
    override a ``version`` that the mapping merges with ``<<``)."""
    if _merges_a_version(node):
        return None
    if node.flow_style:
        if not node.value:
            return None
        at = _pair_end(text, *node.value[-1])
        rest = text[at : node.end_mark.index - 1]
        if rest.lstrip().startswith(","):
            at += rest.index(",") + 1
        return at
    found = get(node, "type")
    if found is None:
        return None
    end = _pair_end(text, *found)
    last = max(found[0].end_mark.index, end - 1)
    return _line_break_after(text, last)[0]


def _merges_a_version(node: MappingNode) -> bool:
    """Whether ``node`` merges (``<<``) a mapping that has a ``version`` key, or one that merges again."""
    for key, value in node.value:
        if tag_of(key) != _MERGE_TAG:
            continue
        for merged in value.value if isinstance(value, SequenceNode) else [value]:
            if not isinstance(merged, MappingNode):
                return True
            if any(tag_of(k) == _MERGE_TAG or (is_str(k) and k.value == "version") for k, _ in merged.value):
                return True
    return False


_ALIAS_VALUE = re.compile(r"[ \t]*:[ \t]*\*[^\s,\[\]{}]+")


def _pair_end(text: str, key: Node, value: Node) -> int:
    """Where a key/value pair ends in the text: at its value, unless the value is an alias (whose marks are
    those of its anchor, elsewhere): then after the ``: *name`` that follows the key."""
    if value.start_mark.index > key.start_mark.index:
        end: int = value.end_mark.index
        return end
    alias = _ALIAS_VALUE.match(text, key.end_mark.index)
    return alias.end() if alias is not None else int(key.end_mark.index)


def pin_edit(text: str, use: PluginUse, version: str) -> Edit | None:
    """Insert ``version: "VERSION"`` into the plugin mapping of ``use``: in a block mapping on its own line
    after the ``type`` line, at the mapping's indentation, with the line's own line break; in a flow
    mapping (``{id: a, type: X}``) as a last pair before the ``}``. None when there is no safe place."""
    node = use.node
    at = pin_offset(text, node)
    if at is None or get(node, "version") is not None:
        return None
    pair = f"version: {quoted(version)}"
    if node.flow_style:
        trailing_comma = text[at - 1] == ","
        replacement = f" {pair}," if trailing_comma else f", {pair}"
        return Edit(_point(text, at, node), replacement)
    found = get(node, "type")
    assert found is not None
    _, newline = _line_break_after(text, at)
    replacement = f"{newline}{' ' * _key_column(text, found[0])}{pair}"
    return Edit(_point(text, at, found[0]), replacement)


_EXPLICIT_KEY = re.compile(r"\?[ \t]+\Z")


def _key_column(text: str, key: Node) -> int:
    """The column of the keys of the block mapping that holds ``key``: the key's own, or that of the ``?``
    before it when it is an explicit key (``? type``)."""
    column: int = key.start_mark.column
    start = key.start_mark.index
    explicit = _EXPLICIT_KEY.search(text, max(start - column, 0), start)
    return column - len(explicit.group()) if explicit is not None else column


def _point(text: str, offset: int, node: Node) -> Span:
    """An empty span at character ``offset``, at or after the start of ``node`` (counted from its mark, so
    the cost is the distance between them, not the offset)."""
    mark = node.start_mark
    breaks = [found.end() for found in LINE_BREAK.finditer(text, mark.index, offset)]
    if breaks:
        line, column = mark.line + 1 + len(breaks), offset - breaks[-1] + 1
    else:
        line, column = mark.line + 1, mark.column + 1 + offset - mark.index
    return Span(line, column, line, column, offset, offset)


# Applying edits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """An edit to make, with the finding (or operation) it comes from."""

    edit: Edit
    code: str
    """A rule code, or ``pin`` / ``upgrade``."""
    description: str
    yaml_path: str = ""
    group: int | None = None
    """Edits of one fix share a group: they are applied all together or not at all."""


def _clash(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two edits (start, end) touch the same characters: two insertions at one place, an insertion
    inside a replaced range, or overlapping ranges (an insertion at a range's boundary is fine)."""
    (a0, a1), (b0, b1) = a, b
    if a0 == a1 and b0 == b1:
        return a0 == b0
    return a0 < b1 and b0 < a1 if a0 != a1 and b0 != b1 else (a0 < b0 < a1) or (b0 < a0 < b1)


def select_edits(planned: Sequence[Planned]) -> list[Planned]:
    """``planned`` without the fixes that overlap an earlier one (the first wins; a fix of several edits
    is kept or dropped whole)."""
    kept: list[Planned] = []
    spans: list[tuple[int, int]] = []
    """The (start, end) of the kept edits, sorted."""
    for group in _groups(planned):
        wanted = [(p.edit.span.start_offset, p.edit.span.end_offset) for p in group]
        if any(_clash(a, b) for i, a in enumerate(wanted) for b in wanted[:i]):
            continue
        if any(_clashes_with_kept(spans, span) for span in wanted):
            continue
        kept.extend(group)
        for span in wanted:
            bisect.insort(spans, span)
    return kept


def _groups(planned: Sequence[Planned]) -> Iterator[list[Planned]]:
    """The fixes of ``planned``: runs of edits with one group number, a lone edit otherwise."""
    index = 0
    while index < len(planned):
        group = [planned[index]]
        while (
            group[0].group is not None
            and index + len(group) < len(planned)
            and planned[index + len(group)].group == group[0].group
        ):
            group.append(planned[index + len(group)])
        index += len(group)
        yield group


def _clashes_with_kept(spans: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    """Whether ``span`` clashes with one of the sorted, clash-free ``spans``: only the one before where it
    would go and those that start within it can (a few at most: the rest would clash with each other)."""
    start, end = span
    at = bisect.bisect_left(spans, (start, start))
    if at > 0 and _clash(spans[at - 1], span):
        return True
    while at < len(spans) and spans[at][0] <= end:
        if _clash(spans[at], span):
            return True
        at += 1
    return False


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (an insertion before a replacement at the same place)."""
    parts: list[str] = []
    done = 0
    for edit in sorted(edits, key=lambda e: (e.span.start_offset, e.span.end_offset)):
        parts.append(text[done : edit.span.start_offset])
        parts.append(edit.replacement)
        done = edit.span.end_offset
    parts.append(text[done:])
    return "".join(parts)


# Proving the result --------------------------------------------------------------------------------


class FixRefused(Exception):
    """A fix whose result is not the original document plus the edits: nothing is written."""


class _Scalar(NamedTuple):
    """What a scalar reads as: its resolved tag and its text."""

    tag: str | None
    value: str


def _scalar(node: ScalarNode) -> _Scalar:
    return _Scalar(tag_of(node), node.value)


def verify(original: Source, fixed_text: str, edits: Sequence[Edit]) -> Source:
    """``fixed_text`` composed, when its node trees are those of ``original`` with exactly the intended
    change of each edit: a replaced scalar reads as the replacement does alone, an inserted pair adds that
    key to the plugin mapping it was inserted into, and nothing else differs (tags, values, structure, and
    which nodes are aliases of which); raises FixRefused otherwise.

    Both texts are composed by the parser ``check`` uses, with its limits, and the trees are walked
    together with an explicit stack, each node once: an alias is only checked to stand for the node that
    pairs with its anchor, so deep nesting or an alias bomb costs what its text does."""
    fixed = parse(original.path, fixed_text)
    if fixed.error is not None:
        raise FixRefused(f"the fixed text does not parse: {fixed.error.message} (line {fixed.error.span.line})")
    if len(fixed.documents) != len(original.documents):
        raise FixRefused("the fixed text holds another number of YAML documents")
    _Proof(original, edits).walk(fixed.documents)
    return fixed


class _Proof:
    """The edits of one pass by place, and the walk that checks the fixed trees against them."""

    def __init__(self, original: Source, edits: Sequence[Edit]) -> None:
        self.original = original
        self.replaced: dict[tuple[int, int], tuple[Edit, _Scalar]] = {}
        self.inserted: dict[int, tuple[Edit, _Scalar, _Scalar]] = {}
        for edit in edits:
            start, end = edit.span.start_offset, edit.span.end_offset
            if start < end:
                self.replaced[start, end] = (edit, _replacement(edit))
            else:
                self.inserted[start] = (edit, *_inserted_pair(edit))
        self.done: set[tuple[int, int]] = set()
        """The (start, end) of the edits found in place."""
        ordered = sorted(edits, key=lambda e: (e.span.start_offset, e.span.end_offset))
        self.starts = [edit.span.start_offset for edit in ordered]
        self.shifts = [0]
        """How far the edits before each one (by start) moved the text after them."""
        for edit in ordered:
            replaced = edit.span.end_offset - edit.span.start_offset
            self.shifts.append(self.shifts[-1] + len(edit.replacement) - replaced)
        self.pairs: dict[int, Node] = {}
        """id(original node) -> the fixed node it became."""
        self.sources: dict[int, Node] = {}
        """id(fixed node) -> the original node it comes from."""

    def walk(self, fixed: Sequence[Node]) -> None:
        """Compare the original documents with ``fixed``; every edit must have been found in place."""
        stack: list[tuple[Node, Node, bool]] = [
            (a, b, False) for a, b in zip(reversed(self.original.documents), reversed(fixed), strict=True)
        ]
        while stack:
            a, b, is_value = stack.pop()
            if is_value and isinstance(a, ScalarNode):
                self._found(a)
            known = self.pairs.get(id(a))
            if known is not None:
                if known is not b:
                    raise _differs(b, "an alias names another node")
                continue
            if self.sources.setdefault(id(b), a) is not a:
                raise _differs(a, "two nodes became one")
            self.pairs[id(a)] = b
            stack.extend(self._children(a, b))
        for place, (edit, _) in self.replaced.items():
            if place not in self.done:
                raise FixRefused(f"the edit at line {edit.span.line} does not replace one value")
        for at, (edit, _, _) in self.inserted.items():
            if (at, at) not in self.done:
                raise FixRefused(f"the insertion at line {edit.span.line} is not in a plugin")

    def _replacement_of(self, node: ScalarNode) -> tuple[Edit, _Scalar] | None:
        """The edit that replaces ``node`` (its whole span, or its value after its anchor or tag)."""
        start, end = node.start_mark.index, node.end_mark.index
        found = self.replaced.get((start, end))
        text = self.original.text
        if found is None and text[start : start + 1] in ("&", "!"):
            properties = _PROPERTIES.match(text, start, end)
            if properties is not None:
                found = self.replaced.get((properties.end(), end))
        return found

    def _found(self, node: ScalarNode) -> None:
        found = self._replacement_of(node)
        if found is not None:
            self.done.add((found[0].span.start_offset, found[0].span.end_offset))

    def _children(self, a: Node, b: Node) -> list[tuple[Node, Node, bool]]:
        """The pairs of nodes under ``a`` and ``b``, once ``a`` and ``b`` themselves are the same (but for
        the edits)."""
        if isinstance(a, ScalarNode) and isinstance(b, ScalarNode):
            replaced = self._replacement_of(a)
            expected = replaced[1] if replaced is not None else _scalar(a)
            if _scalar(b) != expected:
                raise _differs(a, "another value")
            return []
        if type(a) is not type(b) or tag_of(a) != tag_of(b):
            raise _differs(a, "another kind of node or tag")
        if isinstance(a, SequenceNode):
            if len(a.value) != len(b.value):
                raise _differs(a, "another number of items")
            return [(x, y, True) for x, y in zip(reversed(a.value), reversed(b.value), strict=True)]
        assert isinstance(a, MappingNode)
        b_pairs = self._without_insertion(a, b.value) if self.inserted else list(b.value)
        if len(a.value) != len(b_pairs):
            raise _differs(a, "another number of keys")
        children: list[tuple[Node, Node, bool]] = []
        for (key_a, value_a), (key_b, value_b) in zip(reversed(a.value), reversed(b_pairs), strict=True):
            children += [(value_a, value_b, True), (key_a, key_b, False)]
        return children

    def _without_insertion(self, a: MappingNode, pairs: list[tuple[Node, Node]]) -> list[tuple[Node, Node]]:
        """The pairs of the fixed mapping but the one inserted into ``a``, when an insertion is there."""
        at = pin_offset(self.original.text, a) if get(a, "type") is not None else None
        found = self.inserted.get(at) if at is not None else None
        if at is None or found is None:
            return list(pairs)
        edit, key, value = found
        if any(isinstance(k, ScalarNode) and _scalar(k) == key for k, _ in a.value):
            raise FixRefused(f"the insertion at line {edit.span.line} would replace a key")
        replacement = edit.replacement
        key_at = self._moved(at) + len(replacement) - len(replacement.lstrip(" \t,\r\n\x85\u2028\u2029"))
        for index, (key_b, value_b) in enumerate(pairs):
            if key_b.start_mark.index == key_at:
                if not isinstance(key_b, ScalarNode) or not isinstance(value_b, ScalarNode):
                    break
                if (_scalar(key_b), _scalar(value_b)) != (key, value):
                    break
                self.done.add((at, at))
                return pairs[:index] + pairs[index + 1 :]
        raise FixRefused(f"the insertion at line {edit.span.line} does not read as the key it inserts")

    def _moved(self, offset: int) -> int:
        """Where the original character ``offset`` is in the fixed text (after the edits that start before it)."""
        return offset + self.shifts[bisect.bisect_left(self.starts, offset)]


def _differs(node: Node, what: str) -> FixRefused:
    """The refusal of a fixed text that differs at ``node`` (of either text; no value shown: it may be secret)."""
    where = f"line {node.start_mark.line + 1}: {what}"
    return FixRefused(f"the fixed text reads as other data than the original plus the edits ({where})")


def _replacement(edit: Edit) -> _Scalar:
    """What the replacement text of ``edit`` reads as alone: one scalar, or FixRefused."""
    alone = parse("replacement", edit.replacement)
    if alone.error is not None:
        raise FixRefused(f"the replacement text does not parse: {alone.error.message}")
    if len(alone.documents) != 1 or not isinstance(alone.documents[0], ScalarNode):
        raise FixRefused(f"the replacement at line {edit.span.line} is not one scalar")
    return _scalar(alone.documents[0])


def _inserted_pair(edit: Edit) -> tuple[_Scalar, _Scalar]:
    """The key and value the inserted text of ``edit`` reads as alone (one pair of scalars), or FixRefused."""
    alone = parse("insertion", edit.replacement.strip().strip(",").strip())
    if alone.error is not None:
        raise FixRefused(f"the inserted text does not parse: {alone.error.message}")
    documents = alone.documents
    if len(documents) == 1 and isinstance(documents[0], MappingNode) and len(documents[0].value) == 1:
        key, value = documents[0].value[0]
        if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
            return _scalar(key), _scalar(value)
    raise FixRefused(f"the insertion at line {edit.span.line} is not one key")


def _not_accepted(source: Source) -> tuple[int, str] | None:
    """The line and reason of the FL001 that Kestra's parser gives ``source`` (None when it reads it): a
    syntax error, too deep a nesting, or too many aliases to collections in a flow."""
    if source.error is not None:
        return source.error.span.line, source.error.message
    for index, document in enumerate(source.documents):
        if is_flow_document(document):
            assert isinstance(document, MappingNode)
            overflow = read_flow(document, index).alias_overflow
            if overflow is not None:
                return overflow.start_mark.line + 1, f"more than {MAX_COLLECTION_ALIASES} aliases to collections"
    return None


# Bytes in, bytes out -------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def encoding_of(data: bytes) -> tuple[bytes, str]:
    """The byte-order mark ``data`` starts with (b'' for none) and the codec of the rest."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return bom, codec
    return b"", "utf-8"


def encode_like(text: str, original: bytes) -> bytes:
    """``text`` encoded as ``original`` was: the same BOM and encoding."""
    bom, codec = encoding_of(original)
    return bom + text.encode(codec, "surrogatepass")


# Runs ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upgrade:
    """``--upgrade PLUGIN=VERSION``: PLUGIN is ``groupId:artifactId`` or a type prefix."""

    plugin: str
    version: str

    @classmethod
    def parse(cls, text: str) -> Upgrade:
        """Read ``PLUGIN=VERSION``; raises UsageError."""
        from flowlint.versions import parse_version

        plugin, equals, version = (part.strip() for part in text.partition("="))
        if not equals or not plugin or not version:
            raise UsageError(
                f"--upgrade {text!r}: expected PLUGIN=VERSION (PLUGIN: groupId:artifactId or a type prefix)"
            )
        parsed = parse_version(version)
        if parsed is None or parsed.parts < 3:
            raise UsageError(f"--upgrade {text!r}: {version!r} is not a full version (MAJOR.MINOR.PATCH[-QUALIFIER])")
        return cls(plugin, version)

    def covers(self, resolution: Resolution) -> bool:
        """Whether the plugin of ``resolution`` is the one to upgrade."""
        if ":" in self.plugin:
            return any(entry.plugin.coordinates == self.plugin for entry in resolution.entries)
        return in_package(resolution.use.type_name, self.plugin)


@dataclass(frozen=True)
class FixOptions:
    """What to fix: the findings' fixes (unsafe ones too?), or pins, or upgrades."""

    unsafe: bool = False
    pin: bool = False
    upgrades: tuple[Upgrade, ...] = ()
    namespaces: tuple[str, ...] = ()
    """With upgrades: only flows in namespaces matching these patterns (``prod.**``)."""

    @property
    def rule_fixes(self) -> bool:
        """Whether this run applies the fixes findings carry (not a pin or upgrade run)."""
        return not self.pin and not self.upgrades


@dataclass(frozen=True)
class Change:
    """One edit made, for the report: where (in the text it was made to), what, why."""

    path: str
    line: int
    column: int
    code: str
    description: str
    yaml_path: str = ""


@dataclass(frozen=True)
class FileFix:
    """The outcome for one file."""

    path: Path
    display: str
    original: bytes
    fixed: bytes
    changes: tuple[Change, ...]
    result: FileResult
    """The findings that remain in the fixed text."""
    refused: str | None = None
    """Why the file was left as it was although it had fixes."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    diff: Differences | None = None
    """What ``--diff`` shows, when the text changed."""

    @property
    def changed(self) -> bool:
        """Whether the fixed bytes differ from the original."""
        return self.fixed != self.original


def fix_text(text: str, display: str, linter: Linter, options: FixOptions) -> tuple[str, list[Change], list[str]]:
    """The fixed text, the changes made and notes; raises FixRefused when a result fails its proof."""
    done = _fix(text, display, linter, options)
    return done.text, done.changes, done.notes


class _Fixed(NamedTuple):
    """What fixing a text came to."""

    text: str
    changes: list[Change]
    notes: list[str]
    regions: list[Region]
    """Where ``text`` differs from the text fixed."""
    result: FileResult | None
    """The findings of ``text``, when the last pass checked it."""
    shown: tuple[str, str] | None
    """The text before and after, literal credentials masked (for ``--diff``), when an edit was made."""


_UNCOUNTED = "\ufeff"
"""A byte-order mark left at the start of the decoded text (a file with two of them): libyaml skips it
without counting it in its marks, so the edits are made to the text after it."""


def _fix(text: str, display: str, linter: Linter, options: FixOptions) -> _Fixed:
    skipped = _UNCOUNTED if text.startswith(_UNCOUNTED) else ""
    source = parse(display, text[len(skipped) :])
    first = source
    changes: list[Change] = []
    notes: list[str] = []
    regions: list[Region] = []
    result: FileResult | None = None
    for _ in range(MAX_PASSES if options.rule_fixes else 1):
        if options.rule_fixes:
            result = linter.lint_source(source)
            planned = _rule_fixes(result.diagnostics, options.unsafe)
        else:
            planned = _operation_edits(source, linter, options, notes)
        chosen = select_edits([replace(p, edit=_keep_properties(source.text, p.edit)) for p in planned])
        if not chosen:
            break
        not_accepted = _not_accepted(source)
        if not_accepted is not None:
            line, reason = not_accepted
            notes.append(f"{_escaped(display)}:{line}: nothing fixed: Kestra cannot parse this file (FL001: {reason})")
            break
        edits = [p.edit for p in chosen]
        fixed = verify(source, apply_edits(source.text, edits), edits)
        changes += _changes(display, chosen)
        regions = _track(regions, edits)
        result = None
        if fixed.text == source.text:
            break
        source = fixed
    if not regions:
        return _Fixed(text, changes, notes, [], None if skipped else result, None)
    if skipped:  # the findings as check gives them: on the whole text
        result = linter.lint_text(skipped + source.text, display)
    elif result is None:
        result = linter.lint_source(source)
    at = len(skipped)
    regions = [(a0 + at, a1 + at, b0 + at, b1 + at) for a0, a1, b0, b1 in regions]
    shown = (skipped + masked(first), skipped + masked(source))
    return _Fixed(skipped + source.text, changes, notes, regions, result, shown)


def _changes(display: str, chosen: Sequence[Planned]) -> list[Change]:
    """One change per fix made (a fix of several edits is one change, at its first edit)."""
    changes: list[Change] = []
    reported: set[int] = set()
    for p in sorted(chosen, key=lambda p: p.edit.span.start_offset):
        if p.group is None or p.group not in reported:
            changes.append(Change(display, p.edit.span.line, p.edit.span.column, p.code, p.description, p.yaml_path))
        if p.group is not None:
            reported.add(p.group)
    return changes


def _escaped(name: str) -> str:
    from flowlint.formats import escape_text

    return escape_text(name)


def _rule_fixes(diagnostics: Sequence[Diagnostic], unsafe: bool) -> list[Planned]:
    planned = []
    for number, diagnostic in enumerate(diagnostics):
        fix = diagnostic.fix
        if fix is None or not fix.edits or (not fix.safe and not unsafe):
            continue
        for edit in fix.edits:
            planned.append(Planned(edit, diagnostic.code, fix.description, diagnostic.yaml_path, number))
    return planned


_PROPERTIES = re.compile(r"(?:[&!]\S*[ \t]+)+")


def _keep_properties(text: str, edit: Edit) -> Edit:
    """A replacement of a node whose span starts with its anchor or tag (``&v 0.20``) keeps them: the
    edit starts after them."""
    start, end = edit.span.start_offset, edit.span.end_offset
    found = _PROPERTIES.match(text, start, end) if start < end and text[start] in "&!" else None
    if found is None or edit.replacement.startswith(("&", "!")):
        return edit
    moved = found.end() - start
    span = edit.span._replace(column=edit.span.column + moved, start_offset=found.end())
    return Edit(span, edit.replacement)


def _operation_edits(source: Source, linter: Linter, options: FixOptions, notes: list[str]) -> list[Planned]:
    from flowlint.resolve import Resolver, Status
    from flowlint.rules.policy import namespace_matches, pin_skipped

    planned: list[Planned] = []
    for index, document in enumerate(source.documents):
        if not is_flow_document(document):
            continue
        assert isinstance(document, MappingNode)
        flow = read_flow(document, index)
        resolutions = Resolver(flow, linter.settings, linter.manifest).resolve_all()
        if options.pin:
            for resolution in resolutions:
                use = resolution.use
                why = pin_skipped(resolution)
                if why == "pinned":
                    continue
                where = f"{_escaped(source.path)}:{use.type_node.start_mark.line + 1}"
                if why is not None:
                    notes.append(f"{where}: {use.type_name} not pinned: {why}")
                    continue
                assert resolution.version is not None
                edit = pin_edit(source.text, use, resolution.version.text)
                if edit is None:
                    notes.append(f"{where}: no place to pin {use.type_name}")
                    continue
                planned.append(Planned(edit, "pin", f'pin version "{resolution.version.text}"', use.yaml_path))
        if options.upgrades and (not options.namespaces or namespace_matches(options.namespaces, flow.namespace or "")):
            done: set[int] = set()
            for resolution in resolutions:
                upgrade = next((u for u in options.upgrades if u.covers(resolution)), None)
                if upgrade is None or resolution.status is Status.CORE:
                    continue
                for node, path in _pins(resolution):
                    if id(node) in done or not isinstance(node, ScalarNode) or node.value == upgrade.version:
                        continue
                    done.add(id(node))
                    planned.append(
                        Planned(
                            replace_edit(node, upgrade.version),
                            "upgrade",
                            f"{resolution.use.type_name} {node.value} -> {upgrade.version}",
                            path,
                        )
                    )
    return planned


def _pins(resolution: Resolution) -> list[tuple[Node, str]]:
    """The version nodes in the flow that pin ``resolution``'s plugin: its own, and the flow default that
    decided it."""
    use = resolution.use
    found: list[tuple[Node, str]] = []
    if use.version_node is not None and use.kind != "condition":
        found.append((use.version_node, f"{use.yaml_path}.version"))
    origin = resolution.origin
    if origin is not None and origin.level == "flow" and origin.node is not None and origin.flow_default is not None:
        found.append((origin.node, f"{origin.flow_default.yaml_path}.values.version"))
    return found


def fix_file(path: Path, display: str, linter: Linter, options: FixOptions) -> FileFix:
    """Fix one file in memory (nothing is written here)."""
    try:
        data = path.read_bytes()
    except OSError:
        return FileFix(path, display, b"", b"", (), linter.lint_path(path, display))
    text = decode(data)
    if not isinstance(text, str) or encode_like(text, data) != data:  # not written back byte for byte
        return FileFix(path, display, data, data, (), linter.lint_bytes(data, display))
    try:
        done = _fix(text, display, linter, options)
    except FixRefused as refusal:
        return FileFix(path, display, data, data, (), linter.lint_text(text, display), str(refusal))
    result = done.result if done.result is not None else linter.lint_text(done.text, display)
    fixed = encode_like(done.text, data)
    diff = Differences(tuple(done.regions), *done.shown) if done.shown is not None else None
    return FileFix(path, display, data, fixed, tuple(done.changes), result, notes=tuple(done.notes), diff=diff)


# Where the text changed, and the diff --------------------------------------------------------------

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


def _track(regions: Sequence[Region], edits: Sequence[Edit]) -> list[Region]:
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


def unified_diff(fix: FileFix) -> str:
    """A unified diff of the fix (``--- a/PATH`` / ``+++ b/PATH``, a name that is not UTF-8 escaped), line
    endings as in the file, literal credentials masked on both sides as in check's snippets.

    Its hunks (3 lines of context, as ``diff -u``) are built from the regions the edits changed, so it
    costs what reading the two texts does, however many lines changed."""
    if fix.diff is None:
        return ""
    bom, codec = encoding_of(fix.original)
    texts = [data[len(bom) :].decode(codec, "surrogatepass") for data in (fix.original, fix.fixed)]
    before, after = _Lines(texts[0], fix.diff.before), _Lines(texts[1], fix.diff.after)
    name = _escaped(fix.display)
    out: list[str] = []
    for group in _grouped(_opcodes(before, after, fix.diff.regions), 3):
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
