"""The data every finding carries (where, what, how bad, how to fix it), and what checking one file found."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple


class Severity(Enum):
    """How bad a finding is; ordered so that ``ERROR`` is the highest."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _RANKS[self]


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Span(NamedTuple):
    """A range of a file: 1-based lines and columns (characters); the end column is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int
    start_offset: int = 0
    end_offset: int = 0


class Related(NamedTuple):
    """Another place that explains a finding (the first duplicate, the default that decided)."""

    path: str
    span: Span
    message: str


class Edit(NamedTuple):
    """Replace the characters ``start_offset:end_offset`` of the text with ``replacement``."""

    span: Span
    replacement: str


class Fix(NamedTuple):
    """A change that resolves a finding; ``safe`` fixes keep the flow's meaning or intent."""

    description: str
    edits: tuple[Edit, ...]
    safe: bool = True


class Diagnostic(NamedTuple):
    """One finding in one file."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    span: Span
    yaml_path: str = ""
    help: str | None = None
    related: tuple[Related, ...] = ()
    fix: Fix | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order of display: file, position, code, message."""
        return (self.path, self.span.line, self.span.column, self.code, self.message)


NO_EXCERPTS: Mapping[int, str] = MappingProxyType({})


class FileResult(NamedTuple):
    """What checking one file found."""

    path: str
    diagnostics: tuple[Diagnostic, ...]
    documents: int = 0
    flows: int = 0
    excerpts: Mapping[int, str] = NO_EXCERPTS
    """The text of each line a finding starts on, for snippets."""
    invalid: bool = False
    """The file could not be read, decoded or parsed as YAML (in whole or from some document on)."""
    properties_unknown: int = 0
    """Plugin uses that resolved but whose properties the data does not describe (FL501-FL504 on, none
    checked); 0 when those rules are off."""

    @property
    def skipped(self) -> bool:
        """A readable YAML file with no flow in it (counted, not checked)."""
        return self.flows == 0 and not self.invalid
