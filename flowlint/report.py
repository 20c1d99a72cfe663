"""A run's outcome as plain data: per-file results, counts, and the manifest they were checked with."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from flowlint.diagnostics import Diagnostic, FileResult, Severity
from flowlint.wording import count


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

    @property
    def invalid(self) -> int:
        """Files with no flow that could not be read, decoded or parsed as YAML."""
        return sum(1 for f in self.files if f.invalid and not f.flows)

    @property
    def properties_unknown(self) -> int:
        """Plugin uses whose properties the data does not describe (counted only where FL501-FL504 ran)."""
        return sum(f.properties_unknown for f in self.files)

    @cached_property
    def fixable(self) -> list[Diagnostic]:
        """The findings ``flowlint fix`` can fix: those with a fix, outside files with a YAML error (fix
        leaves such a file alone)."""
        return [d for f in self.files if not f.invalid for d in f.diagnostics if d.fix is not None]

    def failed(self, threshold: Severity) -> bool:
        """Whether any finding is at or above ``threshold``."""
        return any(d.severity.rank >= threshold.rank for d in self.diagnostics)

    def summary_line(self) -> str:
        """``N files checked (F flows in K files, S skipped non-flow YAML, U not valid YAML): E errors, W
        warnings, I info; manifest: ...``; every file is counted in one of the parentheses' groups. Then,
        when FL501-FL504 could not check some plugin uses, ``; properties not known for P plugin uses ...``."""
        counts = self.counts
        findings = ", ".join(
            count(counts[level], level.value) if level is not Severity.INFO else f"{counts[level]} info"
            for level in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        )
        with_flows = sum(1 for f in self.files if f.flows)
        groups = [count(self.flows, "flow") + (f" in {count(with_flows, 'file')}" if with_flows != self.flows else "")]
        if self.skipped:
            groups.append(f"{self.skipped} skipped non-flow YAML")
        if self.invalid:
            groups.append(f"{self.invalid} not valid YAML")
        line = (
            f"{count(len(self.files), 'file')} checked ({', '.join(groups)}): {findings}; "
            f"manifest: {self.manifest_source} ({self.manifest_summary})"
        )
        unknown = self.properties_unknown
        if unknown:
            uses, their = count(unknown, "plugin use"), "its" if unknown == 1 else "their"
            line += f"; properties not known for {uses} (no property data for {their} type or version)"
        return line

    def fixable_line(self) -> str | None:
        """``[*] N fixable with `flowlint fix` ...``, or None when no finding has a fix."""
        safe = sum(1 for d in self.fixable if d.fix is not None and d.fix.safe)
        unsafe = len(self.fixable) - safe
        if safe and unsafe:
            return f"[*] {safe} fixable with `flowlint fix` ({unsafe} more with `flowlint fix --unsafe-fixes`)"
        if safe:
            return f"[*] {safe} fixable with `flowlint fix`"
        if unsafe:
            return f"[*] {unsafe} fixable with `flowlint fix --unsafe-fixes`"
        return None
