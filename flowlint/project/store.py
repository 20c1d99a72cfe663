"""The project index in the persistent cache (``.flowlint_cache/index-<key>.pack``).

Entries are kept per file content, under the key the result cache uses (:func:`flowlint.stamps.file_key`:
the file's name and bytes), so a file is read again only when it changed. A warm run on a few files
(pre-commit) does not even read the others: the pack also remembers each file's ``stat`` (size, times,
inode) and the key of the content it had, and a file whose ``stat`` has not changed is taken at its word,
unless it was written less than :data:`RACY_NS` before it was read (a change within the same clock tick
would not show in its times).

As the result cache does, the pack carries a checksum: a pack that fails it is ignored and rewritten, an
entry without the expected shape is dropped and its file read again. A damaged cache costs time, never a
wrong result.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flowlint import __version__
from flowlint.atomic import write_atomically
from flowlint.errors import UsageError
from flowlint.project.codec import entry_from_data, entry_to_data
from flowlint.project.index import FileFlows, FlowEntry, FlowKey
from flowlint.stamps import checksum, digest, ensure_dir

INDEX_FORMAT = b"3"
"""The shape of a stored entry: changed whenever :func:`entry_to_data` changes."""
RACY_NS = 2_000_000_000
"""A file modified less than this before it was read may change again without its times showing it."""
_MAGIC = b"flowlint project index\n"
_MAX_FILES = 200_000

Stat = tuple[int, int, int, int]
"""(size, mtime_ns, ctime_ns, inode) of a file."""
Blob = tuple[memoryview, bytes]
"""A file's marshalled entries and the checksum they must have."""
Reader = Callable[[str, str], Sequence[FlowEntry]]
"""Reads the entries of the file at a path, named as given (when the stored ones turn out damaged)."""


def stat_of(path: str | Path | os.DirEntry[str]) -> Stat | None:
    """The ``stat`` the store compares (of a path or a directory entry), None when the file cannot be read."""
    try:
        found = os.stat(path.path if isinstance(path, os.DirEntry) else path)  # faster than DirEntry.stat()
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)


def store_key(*parts: bytes) -> str:
    """The key of a store (flowlint's version and the entry format always included; ``parts``: what the
    entries depend on besides the files, such as the manifest's slot table)."""
    return digest(__version__.encode(), INDEX_FORMAT, *parts)


class IndexStore:
    """The stored entries of one key (None ``directory``: nothing is kept, every file is read)."""

    def __init__(self, directory: Path | None, key: str, reader: Reader) -> None:
        self.directory = directory
        self.reader = reader
        self._pack = None if directory is None else directory / f"index-{key}.pack"
        records, files, area, damaged = _read(self._pack)
        self._records: dict[str, Any] = records
        """display -> ((size, mtime_ns, ctime_ns, inode), when it was read (ns), content key)."""
        self._files: dict[str, Any] = files
        """content key -> (the (namespace, id) of each flow, where its marshalled entries are in the pack's
        area: offset, length, checksum); or, learnt by this run, (those keys, the marshalled entries)."""
        self._area = area
        self._damaged = damaged
        self._changed = False

    def by_stat(self, display: str, stat: Stat | None, path: str) -> FileFlows | None:
        """The flows of ``display`` (the file at ``path``) when its ``stat`` is the one stored (and was not
        racy), else None."""
        record = self._records.get(display)
        if record is None or stat is None:
            return None
        try:
            known, read_ns, key = record
            if known != stat or stat[1] > read_ns - RACY_NS:
                return None
        except (TypeError, ValueError):  # not a record of the stored shape
            return None
        return self.get(key, display, path) if type(key) is str else None

    def get(self, key: str, display: str, path: str) -> FileFlows | None:
        """The flows stored for content ``key`` (of the file at ``path`` named ``display``), None when there
        are none or they do not have the stored shape (dropped); their entries are decoded when first asked
        (the file is read again should they turn out damaged)."""
        stored: Any = self._files.get(key)
        keys = _keys(stored)
        if keys is None:
            if stored is not None:
                del self._files[key]
                self._changed = True
            return None
        return _Stored(display, keys, self, stored, path)

    def entries_of(self, stored: tuple[Any, ...], display: str, path: str) -> Sequence[FlowEntry]:
        """The entries of a stored file, decoded (the file read again when they turn out damaged)."""
        blob = self._blob(stored)
        decoded = None if blob is None else _decoded(display, blob)
        return self.reader(path, display) if decoded is None else decoded

    def _blob(self, stored: tuple[Any, ...]) -> Blob | None:
        """The marshalled entries of a stored file with the checksum they must have (None: not readable)."""
        if len(stored) == 2 and type(stored[1]) is bytes:
            return (memoryview(stored[1]), checksum(stored[1]))
        if len(stored) != 4 or type(stored[1]) is not int or type(stored[2]) is not int or type(stored[3]) is not bytes:
            return None
        _, offset, length, expected = stored
        if offset < 0 or length < 0 or offset + length > len(self._area):
            return None
        return (self._area[offset : offset + length], expected)

    def put(self, display: str, key: str, entries: Sequence[FlowEntry], stat: Stat | None, read_ns: int) -> None:
        """Remember the entries of content ``key``, and that ``display`` had that content (see :meth:`note`)."""
        if key not in self._files:
            data = tuple(entry_to_data(e) for e in entries)
            self._files[key] = (tuple(e.key for e in entries), marshal.dumps(data))
            self._changed = True
        self.note(display, key, stat, read_ns)

    def note(self, display: str, key: str, stat: Stat | None, read_ns: int) -> None:
        """Remember that ``display`` had content ``key`` when its ``stat`` was ``stat`` (taken before it was
        read, at ``read_ns``); no ``stat``: forget it."""
        if stat is None:
            self._changed = self._changed or self._records.pop(display, None) is not None
            return
        record = (stat, read_ns, key)
        known: Any = self._records.get(display)
        same = type(known) is tuple and len(known) == 3 and known[0] == stat and known[2] == key
        if same and type(known[1]) is int and stat[1] <= known[1] - RACY_NS:
            return  # seen again unchanged: the record of when it was first read stands
        if known != record:
            self._records[display] = record
            self._changed = True

    def forget_others(self, displays: set[str]) -> None:
        """Drop the records of files that are not in ``displays`` (gone from the project)."""
        gone = [display for display in self._records if display not in displays]
        for display in gone:
            del self._records[display]
        self._changed = self._changed or bool(gone)

    def save(self) -> None:
        """Write the pack atomically when something changed; content no file has any more is dropped."""
        if self._pack is None or self.directory is None or not (self._changed or self._damaged):
            return
        records = dict(list(self._records.items())[-_MAX_FILES:])
        named = {record[2] for record in records.values() if type(record) is tuple and len(record) == 3}
        files: dict[str, tuple[Any, ...]] = {}
        blobs: list[bytes | memoryview] = []
        offset = 0
        for key, stored in self._files.items():
            keys, blob = (_keys(stored), self._blob(stored)) if key in named else (None, None)
            if keys is not None and blob is not None and checksum(blob[0]) == blob[1]:
                files[key] = (keys, offset, len(blob[0]), blob[1])
                blobs.append(blob[0])
                offset += len(blob[0])
        header = marshal.dumps((records, files))
        with contextlib.suppress(OSError, UsageError):  # a cache that cannot be written only costs speed
            ensure_dir(self.directory)
            head = _MAGIC + checksum(header) + len(header).to_bytes(8, "little") + header
            write_atomically(self._pack, b"".join([head, *blobs]))


class _Stored(FileFlows):
    """The flows of a file the store holds: their entries decoded when first asked."""

    __slots__ = ("_file", "_store", "_stored")

    def __init__(self, path: str, keys: tuple[FlowKey, ...], store: IndexStore, stored: Any, file: str) -> None:
        super().__init__(path, keys)
        self._store = store
        self._stored = stored
        self._file = file

    @property
    def entries(self) -> tuple[FlowEntry, ...]:
        if self._entries is None:
            self._entries = tuple(self._store.entries_of(self._stored, self.path, self._file))
        return self._entries


def now_ns() -> int:
    """The wall clock in nanoseconds (what file times are compared with)."""
    return time.time_ns()


def _read(pack: Path | None) -> tuple[dict[str, Any], dict[str, Any], memoryview, bool]:
    """The records, files and entries area of the pack: empty when there is none; empty and damaged when its
    header fails its checksum or its shape (records and entries are checked one by one when used, each
    file's entries against their own checksum)."""
    empty = memoryview(b"")
    if pack is None:
        return {}, {}, empty, False
    try:
        data = pack.read_bytes()
    except OSError:
        return {}, {}, empty, False
    start = len(_MAGIC) + 16 + 8
    size = int.from_bytes(data[start - 8 : start], "little")
    header = memoryview(data)[start : start + size]
    if not data.startswith(_MAGIC) or len(header) != size or data[len(_MAGIC) : start - 8] != checksum(header):
        return {}, {}, empty, True
    try:
        records, files = marshal.loads(header)
    except (EOFError, ValueError, TypeError):
        return {}, {}, empty, True
    if type(records) is not dict or type(files) is not dict:
        return {}, {}, empty, True
    return records, files, memoryview(data)[start + size :], False


def _keys(stored: Any) -> tuple[FlowKey, ...] | None:
    """The (namespace, id) of each flow of a stored file, None when it is not of the stored shape (the
    header's checksum vouches for the rest: no damage, only a foreign writer, could change it)."""
    if type(stored) is not tuple or len(stored) not in (2, 4) or type(stored[0]) is not tuple:
        return None
    keys: tuple[FlowKey, ...] = stored[0]
    return keys


def _decoded(display: str, blob: Blob) -> list[FlowEntry] | None:
    """The entries marshalled in ``blob``; None when they fail its checksum or do not have the stored shape."""
    if checksum(blob[0]) != blob[1]:
        return None
    try:
        data = marshal.loads(blob[0])
    except (EOFError, ValueError, TypeError):
        return None
    if type(data) is not tuple:
        return None
    entries = []
    for item in data:
        entry = entry_from_data(display, item)
        if entry is None:
            return None
        entries.append(entry)
    return entries
