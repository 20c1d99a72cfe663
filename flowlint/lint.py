"""The pipeline for one file: bytes -> source -> flows -> checks -> suppressions -> findings."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from flowlint import secrets, suppress
from flowlint.config import Settings
from flowlint.diagnostics import NO_EXCERPTS, Diagnostic, FileResult, Span
from flowlint.files import root_relative
from flowlint.flow import flows_of
from flowlint.manifest.model import Manifest
from flowlint.project.build import flow_entry
from flowlint.project.entries import FlowEntry, report_lines
from flowlint.properties.slots import manifest_slots
from flowlint.rules import ALL_CODES, CHECKS, RULE_NAMES, RULES_BY_CODE, CheckContext, selected
from flowlint.source import Source, SourceError, decode, parse, split_lines

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


class Linter:
    """Checks files against one manifest and one set of settings (``enabled``: the codes on)."""

    def __init__(self, settings: Settings, manifest: Manifest, enabled: frozenset[str]) -> None:
        self.settings = settings
        self.manifest = manifest
        self.enabled = enabled
        self.slots = manifest_slots(manifest)
        """Which keys hold plugins, for the flow walk (None: the bundled data's table)."""

    def lint_path(
        self, path: Path, display: str, extra: Sequence[Diagnostic] = (), entries: list[FlowEntry] | None = None
    ) -> FileResult:
        """Read and check the file at ``path``, reporting under ``display`` (``extra``, ``entries``: as
        :meth:`lint_source` takes them)."""
        try:
            data = path.read_bytes()
        except OSError as error:
            reason = error.strerror or str(error)
            return self._source_error(display, SourceError(f"cannot read the file: {reason}", Span(1, 1, 1, 1)))
        return self.lint_bytes(data, display, extra, entries)

    def lint_bytes(
        self, data: bytes, display: str, extra: Sequence[Diagnostic] = (), entries: list[FlowEntry] | None = None
    ) -> FileResult:
        """Decode and check file content."""
        text = decode(data)
        if isinstance(text, SourceError):
            return self._source_error(display, text)
        return self.lint_text(text, display, extra, entries)

    def lint_text(
        self, text: str, display: str, extra: Sequence[Diagnostic] = (), entries: list[FlowEntry] | None = None
    ) -> FileResult:
        """Check the YAML ``text`` of a file named ``display``."""
        return self.lint_source(parse(display, text), extra, entries)

    def lint_source(
        self, source: Source, extra: Sequence[Diagnostic] = (), entries: list[FlowEntry] | None = None
    ) -> FileResult:
        """Check a file already composed (``source.path``: the name findings use). ``extra``: findings made
        outside the checks (the project rules, FL7xx), suppressed and excerpted like the others;
        ``entries``: a list that receives the project index entries of the file's flows."""
        display = source.path
        enabled = self._enabled_for(display)  # once per file: perFileIgnores match its name
        diagnostics: list[Diagnostic] = []
        contexts: list[CheckContext] = []
        if source.error is not None:
            diagnostics.extend(self._source_error(display, source.error, enabled).diagnostics)
        diagnostics.extend(d for d in extra if d.code in enabled)
        first_entry = len(entries) if entries is not None else 0
        flows = 0
        for flow in flows_of(source.documents, slots=self.slots):
            flows += 1
            if entries is not None and (entry := flow_entry(source, flow)) is not None:
                entries.append(entry)
            context = CheckContext(
                source=source,
                flow=flow,
                settings=self.settings,
                manifest=self.manifest,
                rules=RULES_BY_CODE,
                enabled=enabled,
            )
            for check in CHECKS:
                check(context)
            diagnostics.extend(context.diagnostics)
            contexts.append(context)
        diagnostics = self._suppress(source, diagnostics, enabled) if flows else diagnostics
        diagnostics.sort(key=lambda d: d.sort_key)
        lines = {d.span.line for d in diagnostics}
        if entries:  # where the project rules may report: their findings join without a second lint
            lines.update(line for entry in entries[first_entry:] for line in report_lines(entry))
        excerpts = _excerpts(source, lines, contexts) if lines else NO_EXCERPTS
        invalid = source.error is not None
        unknown = sum(context.unknown_properties for context in contexts)
        return FileResult(display, tuple(diagnostics), len(source.documents), flows, excerpts, invalid, unknown)

    def _suppress(self, source: Source, diagnostics: list[Diagnostic], enabled: frozenset[str]) -> list[Diagnostic]:
        if "flowlint:" not in source.text:
            return diagnostics  # no directive (and no need to split the text into lines)
        directives = suppress.find_directives(source.text, source.lines, source.documents, RULE_NAMES)
        if not directives:
            return diagnostics
        return suppress.apply(
            diagnostics,
            directives,
            ALL_CODES,
            enabled,
            source.path,
            RULES_BY_CODE,
            dict(self.settings.severity),
        )

    def enabled_for(self, display: str) -> frozenset[str]:
        """The codes on for the file named ``display`` (the run's, minus its ``perFileIgnores``)."""
        return self._enabled_for(display)

    def _enabled_for(self, display: str) -> frozenset[str]:
        """The enabled codes minus those ``perFileIgnores`` switches off for this file.

        Patterns are gitignore-style, like ``exclude``, and match the path relative to the config's
        folder (or, failing that, the name findings use).
        """
        if not self.settings.per_file_ignores:
            return self.enabled
        names = {display}
        relative = root_relative(Path(display), self.settings.root)
        if relative is not None:
            names.add(relative)
        ignored = {code for spec, codes in self._per_file_specs if any(map(spec.match_file, names)) for code in codes}
        if not ignored:
            return self.enabled
        return frozenset(c for c in self.enabled if not selected(c, ignored))

    @cached_property
    def _per_file_specs(self) -> list[tuple[GitIgnoreSpec, tuple[str, ...]]]:
        from pathspec import GitIgnoreSpec

        return [(GitIgnoreSpec.from_lines([p]), codes) for p, codes in self.settings.per_file_ignores.items()]

    def _source_error(self, display: str, error: SourceError, enabled: frozenset[str] | None = None) -> FileResult:
        if "FL001" not in (self._enabled_for(display) if enabled is None else enabled):
            return FileResult(display, (), invalid=True)
        rule = RULES_BY_CODE["FL001"]
        level = self.settings.severity.get("FL001", rule.severity)
        diagnostic = Diagnostic("FL001", rule.name, level, error.message, display, error.span)
        return FileResult(display, (diagnostic,), invalid=True)


def _excerpts(source: Source, numbers: set[int], contexts: list[CheckContext]) -> dict[int, str]:
    """The text of each line of ``numbers`` (where findings start), every literal credential masked (found
    on the flows' node trees, whichever rules ran; read line by line where a syntax error left no tree)."""
    ranges = [(found.span.start_offset, found.span.end_offset) for context in contexts for found in context.secrets]
    if source.error is not None:
        ranges.extend(secrets.guessed(source))
    lines = split_lines(secrets.mask(source.text, ranges)) if ranges else source.lines
    return {number: lines[number - 1] if 0 < number <= len(lines) else "" for number in numbers}
