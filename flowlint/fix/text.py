"""Fixing a text: passes of planned edits, selected, applied and proved, until nothing is left to fix.

Rule fixes run again on their own result (one fix can enable another); a pin or upgrade run is one
pass. A text Kestra cannot parse (FL001) is not fixed at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from flowlint.diagnostics import FileResult
from flowlint.edits import apply_edits, keep_properties
from flowlint.fix.diff import Region, track
from flowlint.fix.plan import FixOptions, Planned, operation_edits, rule_fixes, select_edits
from flowlint.fix.proof import not_accepted, verify
from flowlint.formats import escape_text
from flowlint.lint import Linter
from flowlint.secrets import masked
from flowlint.source import parse

MAX_PASSES = 8
"""Rule fixes run again on their own result (one fix can enable another) at most this many times."""


class Change(NamedTuple):
    """One edit made, for the report: where (in the text it was made to), what, why."""

    path: str
    line: int
    column: int
    code: str
    description: str
    yaml_path: str = ""


def fix_text(text: str, display: str, linter: Linter, options: FixOptions) -> tuple[str, list[Change], list[str]]:
    """The fixed text, the changes made and notes; raises FixRefused when a result fails its proof."""
    done = fix_passes(text, display, linter, options)
    return done.text, done.changes, done.notes


class Fixed(NamedTuple):
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


def fix_passes(text: str, display: str, linter: Linter, options: FixOptions) -> Fixed:
    """``text`` fixed as ``options`` ask, with what was done; raises FixRefused when a pass fails its proof."""
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
            planned = rule_fixes(result.diagnostics, options.unsafe)
        else:
            planned = operation_edits(source, linter, options, notes)
        chosen = select_edits([p._replace(edit=keep_properties(source.text, p.edit)) for p in planned])
        if not chosen:
            break
        refused = not_accepted(source)
        if refused is not None:
            line, reason = refused
            notes.append(
                f"{escape_text(display)}:{line}: nothing fixed: Kestra cannot parse this file (FL001: {reason})"
            )
            break
        edits = [p.edit for p in chosen]
        fixed = verify(source, apply_edits(source.text, edits), edits)
        changes += _changes(display, chosen)
        regions = track(regions, edits)
        result = None
        if fixed.text == source.text:
            break
        source = fixed
    if not regions:
        return Fixed(text, changes, notes, [], None if skipped else result, None)
    if skipped:  # the findings as check gives them: on the whole text
        result = linter.lint_text(skipped + source.text, display)
    elif result is None:
        result = linter.lint_source(source)
    at = len(skipped)
    regions = [(a0 + at, a1 + at, b0 + at, b1 + at) for a0, a1, b0, b1 in regions]
    shown = (skipped + masked(first), skipped + masked(source))
    return Fixed(skipped + source.text, changes, notes, regions, result, shown)


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
