"""A run's outcome as plain data: per-file results, counts, and the manifest they were checked with."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from flowlint.diagnostics import Diagnostic, Severity
from flowlint.lint import FileResult


class Report:
    """Everything a format needs to print a run."""

    def __init__(
        self,
        files: Sequence[FileResult],
        manifest_source: str,
        manifest_plugins: int,
        manifest_summary: str,
        notes: tuple[str, ...] = (),
    ) -> None:
        self.files = files
        self.manifest_source = manifest_source
        self.manifest_plugins = manifest_plugins
        self.manifest_summary = manifest_summary
        self.notes = notes

    @cached_property
    def diagnostics(self) -> list[Diagnostic]:
        """Every finding, ordered by file, line, column and code."""
        return sorted((d for f in self.files for d in f.diagnostics), key=lambda d: d.sort_key)

    @cached_property
    def counts(self) -> dict[Severity, int]:
        """Findings per severity."""
        counts = dict.fromkeys(Severity, 0)
        for diagnostic in self.diagnostics:
            counts[diagnostic.severity] += 1
        return counts

    @property
    def flows(self) -> int:
        """Flow documents checked."""
        return sum(f.flows for f in self.files)

    @property
    def skipped(self) -> int:
        """Readable YAML files that hold no flow."""
        return sum(1 for f in self.files if f.skipped)

    def failed(self, threshold: Severity) -> bool:
        """Whether any finding is at or above ``threshold``."""
        return any(d.severity.rank >= threshold.rank for d in self.diagnostics)

    def summary_line(self) -> str:
        """``N files checked (F flows, S skipped non-flow YAML): E errors, W warnings, I info; manifest: ...``."""
        files = len(self.files)
        counts = self.counts
        findings = ", ".join(
            f"{counts[level]} {_plural(level.value, counts[level])}"
            for level in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        )
        return (
            f"{files} {_plural('file', files)} checked ({self.flows} {_plural('flow', self.flows)}, "
            f"{self.skipped} skipped non-flow YAML): {findings}; manifest: {self.manifest_source} "
            f"({self.manifest_summary})"
        )


def _plural(word: str, count: int) -> str:
    if count == 1 or word == "info":
        return word
    return word + "s"
