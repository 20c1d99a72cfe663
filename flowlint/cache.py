"""The persistent cache (``.flowlint_cache/``): results per file, and files known to pass their schema.

Results live in one pack per *run key* (flowlint's version, the settings, the enabled codes and the
manifest's bytes), so a change of any of them starts a fresh pack. Inside a pack, a file's entry is
keyed by its name and the hash of its content. Packs are written to a temporary file and renamed, after
merging what another run may have written meanwhile: two runs at once never corrupt the cache, and at
worst one's new entries are recomputed next time.
"""

from __future__ import annotations

import contextlib
import marshal
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flowlint import __version__
from flowlint.atomic import write_atomically
from flowlint.diagnostics import Diagnostic, Edit, Fix, Related, Severity, Span
from flowlint.errors import UsageError
from flowlint.lint import FileResult

try:  # blake2 alone: importing hashlib also loads OpenSSL, a few ms of every start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

CACHE_DIR_NAME = ".flowlint_cache"
_MAX_ENTRIES = 200_000
_SEVERITIES = {s.value: s for s in Severity}


def digest(*parts: bytes) -> str:
    """A short, stable hash of ``parts``."""
    hasher = blake2b(digest_size=16)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.hexdigest()


def file_key(display: str, content: bytes) -> str:
    """The key of one file's result: its name and its content."""
    return digest(display.encode("utf-8", "surrogateescape"), content)


class Stamps:
    """Hashes of config and manifest files that already passed their JSON Schema."""

    def __init__(self, directory: Path | None) -> None:
        self._path = directory / "validated" if directory is not None else None
        self._known: set[str] = set()
        self._new: set[str] = set()
        if self._path is not None:
            with contextlib.suppress(OSError, UnicodeDecodeError):
                self._known = set(self._path.read_text("ascii").split())

    @staticmethod
    def key(schema_name: str, content: bytes) -> str:
        """The stamp of ``content`` against schema ``schema_name`` for this flowlint version."""
        return digest(__version__.encode(), schema_name.encode(), content)

    def __contains__(self, stamp: str) -> bool:
        return stamp in self._known or stamp in self._new

    def add(self, stamp: str) -> None:
        """Remember that a file passed."""
        if stamp not in self._known:
            self._new.add(stamp)

    def save(self) -> None:
        """Write new stamps (appending is atomic enough: each line is a whole stamp)."""
        if self._path is None or not self._new:
            return
        with contextlib.suppress(OSError):
            _ensure_dir(self._path.parent)
            with self._path.open("a", encoding="ascii") as handle:
                handle.write("".join(f"{stamp}\n" for stamp in sorted(self._new)))


class ResultCache:
    """Cached results of one run key."""

    def __init__(self, directory: Path, run_key: str) -> None:
        self.directory = directory
        self._pack = directory / f"results-{run_key}.pack"
        self._entries: dict[str, Any] = _read_pack(self._pack)
        self._new: dict[str, Any] = {}

    def get(self, key: str) -> FileResult | None:
        """The cached result for ``key``, if any."""
        entry = self._entries.get(key)
        return None if entry is None else result_from_data(entry)

    def put(self, key: str, result: FileResult) -> None:
        """Remember ``result`` under ``key``."""
        self._new[key] = result_to_data(result)

    def put_data(self, key: str, data: Any) -> None:
        """Remember an already serialised result (from a worker process)."""
        self._new[key] = data

    def save(self) -> None:
        """Merge with the pack on disk and write it atomically."""
        if not self._new:
            return
        merged = _read_pack(self._pack)
        merged.update(self._entries)
        merged.update(self._new)
        if len(merged) > _MAX_ENTRIES:
            merged = dict(list(merged.items())[-_MAX_ENTRIES:])
        with contextlib.suppress(OSError, UsageError):  # a cache that cannot be written only costs speed
            _ensure_dir(self.directory)
            write_atomically(self._pack, marshal.dumps(merged))


def _ensure_dir(directory: Path) -> None:
    if not directory.is_dir():
        directory.mkdir(parents=True, exist_ok=True)
        (directory / ".gitignore").write_text("# Created by flowlint: the cache is not for version control.\n*\n")


def _read_pack(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            data = marshal.load(stream)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def run_key(parts: Iterable[bytes]) -> str:
    """The key of a run's settings (flowlint's version always included)."""
    return digest(__version__.encode(), *parts)


def _span_data(span: Span) -> tuple[int, ...]:
    return (span.line, span.column, span.end_line, span.end_column, span.start_offset, span.end_offset)


def result_to_data(result: FileResult) -> Any:
    """``result`` as plain tuples that marshal and pickle quickly."""
    diagnostics = tuple(
        (
            d.code,
            d.name,
            d.severity.value,
            d.message,
            d.path,
            _span_data(d.span),
            d.yaml_path,
            d.help,
            tuple((r.path, _span_data(r.span), r.message) for r in d.related),
            None
            if d.fix is None
            else (d.fix.description, d.fix.safe, tuple((_span_data(e.span), e.replacement) for e in d.fix.edits)),
        )
        for d in result.diagnostics
    )
    return (result.path, diagnostics, result.documents, result.flows, tuple(result.excerpts.items()))


def result_from_data(data: Any) -> FileResult:
    """The FileResult that :func:`result_to_data` turned into tuples."""
    path, diagnostics, documents, flows, excerpts = data
    return FileResult(
        path,
        tuple(
            Diagnostic(
                code,
                name,
                _SEVERITIES[severity],
                message,
                dpath,
                Span(*span),
                yaml_path,
                help_text,
                tuple(Related(rpath, Span(*rspan), rmessage) for rpath, rspan, rmessage in related),
                None
                if fix is None
                else Fix(fix[0], tuple(Edit(Span(*espan), replacement) for espan, replacement in fix[2]), fix[1]),
            )
            for code, name, severity, message, dpath, span, yaml_path, help_text, related, fix in diagnostics
        ),
        documents,
        flows,
        dict(excerpts),
    )
