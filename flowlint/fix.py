"""Fixes: text edits over character ranges taken from node marks, applied only where they are safe.

An edit replaces the characters ``start_offset:end_offset`` of the decoded text, so nothing outside it
moves: comments, quoting, indentation, key order, line endings and trailing whitespace all survive.
Overlapping edits are dropped (the first wins) and the rest are applied from the end. Every result is
re-parsed with ruamel.yaml's pure-Python safe loader, an independent parser, and must be the original
data with exactly the intended values changed (a scalar replaced, or a ``version`` key added to a
plugin); otherwise the file is refused and not written. Files are written through a temporary file
beside them and renamed over them, keeping their permissions, BOM and line endings.

Three kinds of runs: the fixes that findings carry (FL107, FL108, FL201; FL202 only with unsafe
fixes), ``pin`` (an explicit ``version`` on every unpinned versioned plugin, the version it resolves
to now) and ``upgrade`` (rewrite the pins of one plugin).
"""

from __future__ import annotations

import codecs
import copy
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Diagnostic, Edit, Span
from flowlint.errors import UsageError
from flowlint.flow import PluginUse, is_flow_document, read_flow
from flowlint.manifest.model import in_package
from flowlint.secrets import masked
from flowlint.source import LINE_BREAK, STR_TAG, Source, decode, get, parse, span_of, split_lines, tag_of

if TYPE_CHECKING:
    from flowlint.lint import FileResult, Linter
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


def pin_offset(text: str, node: MappingNode) -> int | None:
    """Where :func:`pin_edit` inserts a key into the plugin mapping ``node`` (None: it cannot)."""
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
    after the ``type`` line, indented like the ``type`` key, with the line's own line break; in a flow
    mapping (``{id: a, type: X}``) as a last pair before the ``}``. None when there is no safe place."""
    node = use.node
    at = pin_offset(text, node)
    if at is None or get(node, "version") is not None:
        return None
    pair = f"version: {quoted(version)}"
    if node.flow_style:
        trailing_comma = text[at - 1] == ","
        replacement = f" {pair}," if trailing_comma else f", {pair}"
    else:
        found = get(node, "type")
        assert found is not None
        indent = found[0].start_mark.column
        _, newline = _line_break_after(text, at)
        replacement = f"{newline}{' ' * indent}{pair}"
    span = _point(text, at)
    return Edit(span, replacement)


def _point(text: str, offset: int) -> Span:
    """An empty span at character ``offset`` (1-based line and column)."""
    before = split_lines(text[:offset])
    line, column = len(before), len(before[-1]) + 1
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


def _overlaps(a: Edit, b: Edit) -> bool:
    a0, a1, b0, b1 = a.span.start_offset, a.span.end_offset, b.span.start_offset, b.span.end_offset
    if a0 == a1 and b0 == b1:
        return a0 == b0  # two insertions at one place
    return a0 < b1 and b0 < a1 if a0 != a1 and b0 != b1 else (a0 < b0 < a1) or (b0 < a0 < b1)


def select_edits(planned: Sequence[Planned]) -> list[Planned]:
    """``planned`` without the fixes that overlap an earlier one (the first wins; a fix of several edits
    is kept or dropped whole)."""
    kept: list[Planned] = []
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
        clashes = any(_overlaps(a.edit, b.edit) for a in group for b in kept) or any(
            _overlaps(a.edit, b.edit) for i, a in enumerate(group) for b in group[:i]
        )
        if not clashes:
            kept.extend(group)
    return kept


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied, from the end so offsets stay valid."""
    ordered = sorted(edits, key=lambda e: (e.span.start_offset, e.span.end_offset), reverse=True)
    for edit in ordered:
        text = text[: edit.span.start_offset] + edit.replacement + text[edit.span.end_offset :]
    return text


# Proving the result --------------------------------------------------------------------------------


class FixRefused(Exception):
    """A fix whose result is not the original document plus the edits: nothing is written."""


def _loader() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.allow_duplicate_keys = True
    return yaml


def _load_all(yaml: Any, text: str, what: str) -> list[Any]:
    try:
        return list(yaml.load_all(text))
    except Exception as error:  # any parser error: the text is not what it must be
        raise FixRefused(f"the {what} text does not parse: {str(error).splitlines()[0]}") from None


def _walk_nodes(yaml: Any, documents: Sequence[Node]) -> Iterator[tuple[int, tuple[Any, ...], Node]]:
    """Every node of ``documents`` with its document index and its path of keys and indexes: a collection
    once (an aliased one at its first place: the loaded data shares it), a scalar at every place."""
    seen: set[int] = set()
    for index, root in enumerate(documents):
        stack: list[tuple[tuple[Any, ...], Node]] = [((), root)]
        while stack:
            path, node = stack.pop()
            if not isinstance(node, ScalarNode):
                if id(node) in seen:
                    continue
                seen.add(id(node))
            yield index, path, node
            if isinstance(node, SequenceNode):
                stack.extend(((*path, i), item) for i, item in enumerate(node.value))
            elif isinstance(node, MappingNode):
                for key, value in node.value:
                    if isinstance(key, ScalarNode) and tag_of(key) == STR_TAG:
                        name: Any = key.value
                    else:
                        try:
                            name = yaml.constructor.construct_object(key, deep=True)
                            hash(name)
                        except Exception:  # an unhashable or unconstructible key: nothing below is editable
                            continue
                    stack.append(((*path, name), value))


def _set(data: list[Any], index: int, path: tuple[Any, ...], value: Any) -> None:
    target: Any = data
    for step in (index, *path[:-1]):
        target = target[step]
    target[path[-1]] = value


def _get(data: list[Any], index: int, path: tuple[Any, ...]) -> Any:
    target: Any = data[index]
    for step in path:
        target = target[step]
    return target


def verify(original: Source, fixed_text: str, edits: Sequence[Edit]) -> None:
    """Raise FixRefused unless ``fixed_text`` parses to the data of ``original`` with exactly the intended
    change of each edit: a replaced scalar reads as the replacement, an inserted pair adds that key to the
    plugin mapping it was inserted into, and nothing else differs."""
    yaml = _loader()
    before = _load_all(yaml, original.text, "original")
    after = _load_all(yaml, fixed_text, "fixed")
    expected = copy.deepcopy(before)
    by_span: dict[tuple[int, int], list[tuple[int, tuple[Any, ...]]]] = {}
    by_pin: dict[int, tuple[int, tuple[Any, ...]]] = {}
    for index, path, node in _walk_nodes(yaml, original.documents):
        if isinstance(node, ScalarNode):
            start, end = node.start_mark.index, node.end_mark.index
            by_span.setdefault((start, end), []).append((index, path))
            properties = (
                _PROPERTIES.match(original.text, start, end) if original.text[start : start + 1] in "&!" else None
            )
            if properties is not None:  # the value without its anchor or tag (see _keep_properties)
                by_span.setdefault((properties.end(), end), []).append((index, path))
        elif isinstance(node, MappingNode) and get(node, "type") is not None:
            at = pin_offset(original.text, node)
            if at is not None:
                by_pin.setdefault(at, (index, path))
    try:
        for edit in edits:
            start, end = edit.span.start_offset, edit.span.end_offset
            if start < end:
                places = by_span.get((start, end), [])
                if not places or not all(path for _, path in places):
                    raise FixRefused(f"the edit at line {edit.span.line} does not replace one value")
                value = _scalar(yaml, edit.replacement, edit)
                for index, path in places:  # the value and its aliases
                    _set(expected, index, path, value)
            else:
                place = by_pin.get(start)
                if place is None:
                    raise FixRefused(f"the insertion at line {edit.span.line} is not in a plugin")
                pair = _pair(yaml, edit.replacement, edit)
                mapping = _get(expected, place[0], place[1])
                if not isinstance(mapping, dict) or any(key in mapping for key in pair):
                    raise FixRefused(f"the insertion at line {edit.span.line} would replace a key")
                mapping.update(pair)
    except (KeyError, IndexError, TypeError) as error:
        raise FixRefused(f"an edited value is not where its node is ({error!r})") from None
    if not _same(expected, after):
        raise FixRefused("the fixed text reads as other data than the original plus the edits")


def _scalar(yaml: Any, replacement: str, edit: Edit) -> Any:
    values = _load_all(yaml, replacement, "replacement")
    if len(values) != 1 or isinstance(values[0], dict | list):
        raise FixRefused(f"the replacement at line {edit.span.line} is not one scalar")
    return values[0]


def _pair(yaml: Any, replacement: str, edit: Edit) -> dict[Any, Any]:
    body = replacement.strip().strip(",").strip()
    values = _load_all(yaml, body, "inserted")
    if len(values) != 1 or not isinstance(values[0], dict) or len(values[0]) != 1:
        raise FixRefused(f"the insertion at line {edit.span.line} is not one key")
    pair: dict[Any, Any] = values[0]
    return pair


def _same(a: Any, b: Any) -> bool:
    """Equal data, type for type (True is not 1), NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


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

    @property
    def changed(self) -> bool:
        """Whether the fixed bytes differ from the original."""
        return self.fixed != self.original


def fix_text(text: str, display: str, linter: Linter, options: FixOptions) -> tuple[str, list[Change], list[str]]:
    """The fixed text, the changes made and notes; raises FixRefused when a result fails its proof."""
    changes: list[Change] = []
    notes: list[str] = []
    passes = MAX_PASSES if options.rule_fixes else 1
    for _ in range(passes):
        source = parse(display, text)
        if source.error is not None:
            break  # not YAML: nothing is edited
        if options.rule_fixes:
            planned = _rule_fixes(linter.lint_text(text, display).diagnostics, options.unsafe)
        else:
            planned = _operation_edits(source, linter, options, notes)
        chosen = select_edits([replace(p, edit=_keep_properties(text, p.edit)) for p in planned])
        if not chosen:
            break
        fixed = apply_edits(text, [p.edit for p in chosen])
        verify(source, fixed, [p.edit for p in chosen])
        reported: set[int] = set()
        for p in sorted(chosen, key=lambda p: p.edit.span.start_offset):
            if p.group is None or p.group not in reported:  # one line per fix
                changes.append(
                    Change(display, p.edit.span.line, p.edit.span.column, p.code, p.description, p.yaml_path)
                )
            if p.group is not None:
                reported.add(p.group)
        if fixed == text:
            break
        text = fixed
    return text, changes, notes


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
                if why is not None:
                    where = f"{source.path}:{use.type_node.start_mark.line + 1}"
                    notes.append(f"{where}: {use.type_name} not pinned: {why}")
                    continue
                assert resolution.version is not None
                edit = pin_edit(source.text, use, resolution.version.text)
                if edit is None:
                    notes.append(f"{source.path}:{use.type_node.start_mark.line + 1}: no place to pin {use.type_name}")
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
        fixed, changes, notes = fix_text(text, display, linter, options)
    except FixRefused as refusal:
        return FileFix(path, display, data, data, (), linter.lint_text(text, display), str(refusal))
    result = linter.lint_text(fixed, display)
    return FileFix(path, display, data, encode_like(fixed, data), tuple(changes), result, notes=tuple(notes))


def unified_diff(fix: FileFix) -> str:
    """A unified diff of the fix (``--- a/PATH`` / ``+++ b/PATH``), line endings as in the file, literal
    credentials masked on both sides as in check's snippets."""
    import difflib

    bom, codec = encoding_of(fix.original)
    texts = (data[len(bom) :].decode(codec, "surrogatepass") for data in (fix.original, fix.fixed))
    before, after = (masked(parse(fix.display, text)).splitlines(keepends=True) for text in texts)
    lines = []
    for line in difflib.unified_diff(before, after, f"a/{fix.display}", f"b/{fix.display}"):
        lines.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(lines)
