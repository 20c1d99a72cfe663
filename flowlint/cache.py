"""The persistent cache (``.flowlint_cache/``): results per file, and files known to pass their schema.

Results live in one pack per *run key* (flowlint's version, the settings, the enabled codes and the
manifest's bytes), so a change of any of them starts a fresh pack. Inside a pack, a file's entry is
keyed by its name and the hash of its content. Packs are written to a temporary file and renamed, after
merging what another run may have written meanwhile: two runs at once never corrupt the cache, and at
worst one's new entries are recomputed next time.

Content digests and the schema-validation stamps live in :mod:`flowlint.stamps`. Nothing read from the
cache is trusted: a pack's header carries a checksum and the length of the pack (a pack that fails
them is ignored whole, and rewritten), each entry its own checksum; an entry that fails it, or without the
shape :func:`result_to_data` gives, is dropped and its file checked again, and the stamps file keeps only
well-formed stamps. A damaged cache costs time, never a wrong result or an error.
"""

from __future__ import annotations

import contextlib
import marshal
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from flowlint import __version__
from flowlint.atomic import write_atomically
from flowlint.diagnostics import Diagnostic, Edit, FileResult, Fix, Related, Severity, Span
from flowlint.errors import UsageError
from flowlint.packfile import framed, open_pack
from flowlint.stamps import checksum, digest, ensure_dir

_MAX_ENTRIES = 200_000
_MEMO_KEY = "project findings"
"""The entry that holds :meth:`ResultCache.project_memo` (no file's key: those are hex digests)."""
_MAX_MEMO = 200_000
_SEVERITIES = {s.value: s for s in Severity}


class ResultCache:
    """Cached results of one run key."""

    def __init__(self, directory: Path, run_key: str) -> None:
        self.directory = directory
        self._pack = directory / f"results-{run_key}.pack"
        pack = _Pack.open(self._pack)
        self._damaged = pack is None
        """The pack on disk failed a check: :meth:`save` rewrites it even with nothing new."""
        self._stored = pack or _Pack.empty()
        self._new: dict[str, bytes] = {}
        self.hits = 0
        """How many results :meth:`get` found (for ``--verbose``)."""

    def get(self, key: str) -> FileResult | None:
        """The cached result for ``key``, if any; an entry that fails its checksum or does not decode is
        dropped (and its file is checked again)."""
        if key not in self._stored.positions:
            return None
        result = _decoded(self._stored.data(key))
        if result is None:
            self._stored.drop(key)
            self._damaged = True
            return None
        self.hits += 1
        return result

    def project_memo(self) -> dict[str, str]:
        """What the project rules found in a file, by :meth:`~flowlint.project.index.ProjectIndex.dependency_key`:
        the key of the file's result with those findings, "" when they found nothing (empty when the entry is
        absent, damaged or of another shape)."""
        data = self._stored.data(_MEMO_KEY) if _MEMO_KEY in self._stored.positions else None
        if type(data) is not dict or not all(type(k) is str and type(v) is str for k, v in data.items()):
            return {}
        return data

    def put_project_memo(self, memo: dict[str, str]) -> None:
        """Remember ``memo`` (see :meth:`project_memo`), its latest entries only when it grew too large."""
        if len(memo) > _MAX_MEMO:
            memo = dict(list(memo.items())[-_MAX_MEMO:])
        self._new[_MEMO_KEY] = _entry_blob(memo)

    def put(self, key: str, result: FileResult) -> None:
        """Remember ``result`` under ``key``."""
        self._new[key] = _entry_blob(result_to_data(result))

    def put_data(self, key: str, data: Any) -> None:
        """Remember an already serialised result (from a worker process)."""
        self._new[key] = _entry_blob(data)

    def save(self) -> None:
        """Merge with the pack on disk and write it atomically (the pack read at the start is closed)."""
        try:
            if self._new or self._damaged:
                self._write()
        finally:
            self._stored.close()

    def _write(self) -> None:
        on_disk = _Pack.open(self._pack)
        merged: dict[str, bytes] = {}
        if on_disk is not None:
            merged.update(on_disk.sound_blobs())
            on_disk.close()
        merged.update(self._stored.sound_blobs())
        merged.update(self._new)
        if len(merged) > _MAX_ENTRIES:
            merged = dict(list(merged.items())[-_MAX_ENTRIES:])
        with contextlib.suppress(OSError, UsageError):  # a cache that cannot be written only costs speed
            ensure_dir(self.directory)
            write_atomically(self._pack, _pack_bytes(merged))


_PACK_MAGIC = b"flowlint results pack 2\n"
"""A pack is framed as :mod:`flowlint.packfile` says (this, the :func:`checksum` of its header, the
header's length, the header). Its header is the marshalled ``({key: position}, offsets)``: entry ``i`` lies
from ``offsets[i]`` to ``offsets[i + 1]`` of the area, ``offsets`` an ``array('q')`` as bytes. Each entry is
the :func:`checksum` of its marshalled result then that result: a run reads the header and only the entries
it asks for."""


def _entry_blob(data: Any) -> bytes:
    body = marshal.dumps(data)
    return checksum(body) + body


def _pack_bytes(blobs: dict[str, bytes]) -> bytes:
    offsets = array("q", [0])
    for blob in blobs.values():
        offsets.append(offsets[-1] + len(blob))
    header = marshal.dumps(({key: i for i, key in enumerate(blobs)}, offsets.tobytes()))
    return b"".join([framed(_PACK_MAGIC, header), *blobs.values()])


class _Pack:
    """A results pack on disk, its header read, its entries read when asked (from the file as it was
    opened, should another run replace it meanwhile)."""

    def __init__(self, handle: BinaryIO | None, positions: dict[str, int], offsets: array[int], start: int) -> None:
        self.positions = positions
        self._handle = handle
        self._offsets = offsets
        self._start = start

    @staticmethod
    def empty() -> _Pack:
        """A pack without entries."""
        return _Pack(None, {}, array("q", [0]), 0)

    @staticmethod
    def open(path: Path) -> _Pack | None:
        """The pack at ``path``: empty when there is none; None when its header fails its checksum or its
        shape, or the file's length is not the one the header gives."""
        return open_pack(path, _PACK_MAGIC, _Pack._build, _Pack.empty)

    @staticmethod
    def _build(handle: BinaryIO, header: Any, start: int, area: int) -> _Pack | None:
        positions, raw = header
        offsets = array("q")
        offsets.frombytes(raw)
        if type(positions) is not dict or len(offsets) != len(positions) + 1 or offsets[-1] != area:
            return None  # the length of the file is checked: junk appended or a cut is a damaged pack
        return _Pack(handle, positions, offsets, start)

    def blob(self, key: str) -> bytes | None:
        """The stored bytes of ``key``'s entry (its checksum then its body), None when it cannot be read."""
        span = self._span(key)
        if span is None or self._handle is None:
            return None
        try:
            self._handle.seek(self._start + span[0])
            blob = self._handle.read(span[1] - span[0])
        except (OSError, ValueError):
            return None
        return blob if len(blob) == span[1] - span[0] else None

    def _span(self, key: str) -> tuple[int, int] | None:
        """Where ``key``'s entry lies in the area, None when the header places it nowhere sensible (the
        header's checksum vouches for it: only a foreign writer could)."""
        position = self.positions.get(key)
        if type(position) is not int or not 0 <= position < len(self._offsets) - 1:
            return None
        start, end = self._offsets[position], self._offsets[position + 1]
        return (start, end) if 0 <= start <= end <= self._offsets[-1] else None

    def data(self, key: str) -> Any:
        """The unmarshalled entry of ``key``; None when it fails its checksum or does not unmarshal."""
        blob = self.blob(key)
        if blob is None or len(blob) < 16 or checksum(memoryview(blob)[16:]) != blob[:16]:
            return None
        try:
            return marshal.loads(memoryview(blob)[16:])
        except (EOFError, ValueError, TypeError):
            return None

    def drop(self, key: str) -> None:
        """Forget ``key``'s entry (it did not decode)."""
        self.positions.pop(key, None)

    def sound_blobs(self) -> dict[str, bytes]:
        """Every entry that passes its checksum, as stored (what a rewrite of the pack keeps)."""
        if self._handle is None:
            return {}
        try:
            self._handle.seek(self._start)
            area = self._handle.read()
        except (OSError, ValueError):
            return {}
        blobs = {}
        for key in self.positions:
            span = self._span(key)
            blob = b"" if span is None else area[span[0] : span[1]]
            if len(blob) >= 16 and checksum(memoryview(blob)[16:]) == blob[:16]:
                blobs[key] = blob
        return blobs

    def close(self) -> None:
        """Close the file."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


CACHE_FORMAT = b"4"
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
