"""The persistent cache (``.flowlint_cache/``): results per file, and files known to pass their schema.

Results live in one pack per *run key* (flowlint's version, the settings, the enabled codes and the
manifest's bytes), so a change of any of them starts a fresh pack. Inside a pack, a file's entry is
keyed by its name and the hash of its content. Packs are written to a temporary file and renamed, after
merging what another run may have written meanwhile: two runs at once never corrupt the cache, and at
worst one's new entries are recomputed next time.

Content digests and the schema-validation stamps live in :mod:`flowlint.stamps`. Nothing read from the
cache is trusted: a pack carries a checksum of its content (a pack that fails it is
ignored whole, and rewritten), an entry without the shape :func:`result_to_data` gives is dropped and its
file checked again, and the stamps file keeps only well-formed stamps. A damaged cache costs time, never a
wrong result or an error.
"""

from __future__ import annotations

import contextlib
import marshal
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flowlint import __version__
from flowlint.atomic import write_atomically
from flowlint.diagnostics import Diagnostic, Edit, FileResult, Fix, Related, Severity, Span
from flowlint.errors import UsageError
from flowlint.stamps import checksum, digest, ensure_dir

_MAX_ENTRIES = 200_000
_SEVERITIES = {s.value: s for s in Severity}


class ResultCache:
    """Cached results of one run key."""

    def __init__(self, directory: Path, run_key: str) -> None:
        self.directory = directory
        self._pack = directory / f"results-{run_key}.pack"
        entries = _read_pack(self._pack)
        self._damaged = entries is None
        """The pack on disk failed its checksum: :meth:`save` rewrites it even with nothing new."""
        self._entries: dict[str, Any] = entries or {}
        self._new: dict[str, Any] = {}
        self.hits = 0
        """How many results :meth:`get` found (for ``--verbose``)."""

    def get(self, key: str) -> FileResult | None:
        """The cached result for ``key``, if any; an entry that does not decode is dropped (and its file is
        checked again)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        result = _decoded(entry)
        if result is None:
            del self._entries[key]
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: FileResult) -> None:
        """Remember ``result`` under ``key``."""
        self._new[key] = result_to_data(result)

    def put_data(self, key: str, data: Any) -> None:
        """Remember an already serialised result (from a worker process)."""
        self._new[key] = data

    def save(self) -> None:
        """Merge with the pack on disk and write it atomically."""
        if not (self._new or self._damaged):
            return
        merged = _read_pack(self._pack) or {}
        merged.update(self._entries)
        merged.update(self._new)
        if len(merged) > _MAX_ENTRIES:
            merged = dict(list(merged.items())[-_MAX_ENTRIES:])
        body = marshal.dumps(merged)
        with contextlib.suppress(OSError, UsageError):  # a cache that cannot be written only costs speed
            ensure_dir(self.directory)
            write_atomically(self._pack, _PACK_MAGIC + _checksum(body) + body)


_PACK_MAGIC = b"flowlint results pack\n"
"""A pack is this, the :func:`_checksum` of the rest, then the marshalled ``{key: entry}`` dict."""


def _checksum(body: bytes | memoryview) -> bytes:
    return checksum(body)


def _read_pack(path: Path) -> dict[str, Any] | None:
    """The entries of the pack at ``path``: none when there is no pack, None when it fails its checksum
    (unmarshalled only when it passes: marshal is not safe against damaged data)."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    start = len(_PACK_MAGIC) + 16
    body = memoryview(data)[start:]
    if not data.startswith(_PACK_MAGIC) or data[len(_PACK_MAGIC) : start] != _checksum(body):
        return None
    try:
        entries = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    return entries if isinstance(entries, dict) else None


CACHE_FORMAT = b"3"
"""The shape of a cached result: changed whenever result_to_data changes, so old packs are not read."""


def run_key(parts: Iterable[bytes]) -> str:
    """The key of a run's settings (flowlint's version and the cache format always included)."""
    return digest(__version__.encode(), CACHE_FORMAT, *parts)


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
    return (
        result.path,
        diagnostics,
        result.documents,
        result.flows,
        tuple(result.excerpts.items()),
        result.invalid,
        result.properties_unknown,
    )


def result_from_data(data: Any) -> FileResult:
    """The FileResult that :func:`result_to_data` turned into tuples."""
    path, diagnostics, documents, flows, excerpts, invalid, properties_unknown = data
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
        invalid,
        properties_unknown,
    )


def _decoded(data: Any) -> FileResult | None:
    """The FileResult of a cache entry; None when the entry does not have the shape and the types
    :func:`result_to_data` gives."""
    try:
        result = result_from_data(data)
    except (TypeError, ValueError, LookupError):
        return None
    well_typed = (
        type(result.path) is str
        and type(result.documents) is int
        and type(result.flows) is int
        and type(result.invalid) is bool
        and type(result.properties_unknown) is int
        and all(type(line) is int and type(text) is str for line, text in result.excerpts.items())
        and all(map(_well_typed, result.diagnostics))
    )
    return result if well_typed else None


def _well_typed(d: Diagnostic) -> bool:
    fix = d.fix
    return (
        _texts(d.code, d.name, d.message, d.path, d.yaml_path)
        and (d.help is None or type(d.help) is str)
        and _is_span(d.span)
        and all(_texts(r.path, r.message) and _is_span(r.span) for r in d.related)
        and (
            fix is None
            or (
                type(fix.description) is str
                and type(fix.safe) is bool
                and all(type(e.replacement) is str and _is_span(e.span) for e in fix.edits)
            )
        )
    )


def _texts(*values: object) -> bool:
    return all(type(v) is str for v in values)


def _is_span(span: Span) -> bool:
    return all(type(n) is int for n in span)
