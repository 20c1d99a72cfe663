"""Planning a fix: the edits a run wants (the fixes findings carry, pins, upgrades) and the selection
of those that do not overlap an earlier one (a sorted index: linear in the number of edits)."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from ruamel.yaml.nodes import Node, ScalarNode

from flowlint.diagnostics import Diagnostic, Edit
from flowlint.edits import pin_edit, replace_edit
from flowlint.errors import UsageError
from flowlint.flow import flows_of
from flowlint.formats import escape_text
from flowlint.lint import Linter
from flowlint.manifest.model import in_package
from flowlint.resolve import Resolution, Resolver, Status, namespace_matches, pin_skipped
from flowlint.source import Source
from flowlint.versions import parse_version


class Upgrade(NamedTuple):
    """``--upgrade PLUGIN=VERSION``: PLUGIN is ``groupId:artifactId`` or a type prefix."""

    plugin: str
    version: str

    @classmethod
    def parse(cls, text: str) -> Upgrade:
        """Read ``PLUGIN=VERSION``; raises UsageError."""
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


class FixOptions(NamedTuple):
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


class Planned(NamedTuple):
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


def rule_fixes(diagnostics: Sequence[Diagnostic], unsafe: bool) -> list[Planned]:
    """The edits of the fixes ``diagnostics`` carry (the unsafe ones too with ``unsafe``), one group each."""
    planned = []
    for number, diagnostic in enumerate(diagnostics):
        fix = diagnostic.fix
        if fix is None or not fix.edits or (not fix.safe and not unsafe):
            continue
        for edit in fix.edits:
            planned.append(Planned(edit, diagnostic.code, fix.description, diagnostic.yaml_path, number))
    return planned


def operation_edits(source: Source, linter: Linter, options: FixOptions, notes: list[str]) -> list[Planned]:
    """The edits of a ``pin`` or ``upgrade`` run over every flow of ``source``; what cannot be pinned goes
    to ``notes``."""
    planned: list[Planned] = []
    for flow in flows_of(source.documents, slots=linter.slots):
        resolutions = Resolver(flow, linter.settings, linter.manifest).resolve_all()
        if options.pin:
            for resolution in resolutions:
                use = resolution.use
                why = pin_skipped(resolution)
                if why == "pinned":
                    continue
                where = f"{escape_text(source.path)}:{use.type_node.start_mark.line + 1}"
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
