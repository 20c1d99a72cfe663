"""The project index in the persistent cache (``.flowlint_cache/index-<key>.pack``).

Entries are kept per file content, under the key the result cache uses (:func:`flowlint.stamps.file_key`:
the file's name and bytes), so a file is read again only when it changed. A warm run on a few files
(pre-commit) does not even read the others: the pack also remembers each file's ``stat`` (size, times,
inode) and the key of the content it had, and a file whose ``stat`` has not changed is taken at its word,
unless it was written less than :data:`RACY_NS` before it was read (a change within the same clock tick
would not show in its times).

A warm run reads the pack's header only (a table of the files, see :mod:`flowlint.project.pack`): files
walked in the order stored have their ``stat`` compared at once, and the entries of a file are read and
decoded only when a finding needs them (those of the checked files and of the flows they call).

As the result cache does, the header carries a checksum and the pack's length: a pack that fails them is
ignored and rewritten. Each file's entries carry their own checksum: entries that fail it, or do not have
the expected shape, are dropped and their file read again. A damaged cache costs time, never a wrong
result.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from flowlint import __version__
from flowlint.atomic import write_atomically
from flowlint.errors import UsageError
from flowlint.project.codec import entry_from_data, entry_to_data
from flowlint.project.entries import FlowEntry, FlowKey, targets_of
from flowlint.project.index import FileFlows
from flowlint.project.pack import RACY_NS, Rows, Table, Walked, differing
from flowlint.stamps import checksum, digest, ensure_dir

INDEX_FORMAT = b"5"
"""The shape of a stored entry: changed whenever :func:`entry_to_data` changes."""
_MAX_FILES = 200_000

Stat = tuple[int, int, int, int]
"""(size, mtime_ns, ctime_ns, inode) of a file."""
NO_STAT = (-1, -1, -1, -1)
"""What :func:`stats_of` gives a file it cannot read."""
Reader = Callable[[str, str], Sequence[FlowEntry]]
"""Reads the entries of the file at a path, named as given (when the stored ones turn out damaged)."""


def stats_of(paths: Iterable[str | Path]) -> array[int]:
    """The ``stat`` the store compares of each of ``paths`` (size, mtime, ctime, inode: 4 numbers a file, all -1
    when it cannot be read)."""
    found = array("q")
    stat, extend = os.stat, found.extend
    for path in paths:
        try:
            now = stat(path)
        except (OSError, ValueError):  # ValueError: a NUL in the name
            extend(NO_STAT)
        else:
            extend((now.st_size, now.st_mtime_ns, now.st_ctime_ns, now.st_ino))
    return found


def stat_at(stats: array[int], at: int) -> Stat | None:
    """The ``at``-th ``stat`` of ``stats`` (from :func:`stats_of`), None when that file could not be read."""
    size, mtime, ctime, inode = stats[4 * at : 4 * at + 4]
    return None if size < 0 else (size, mtime, ctime, inode)


def stat_of(path: str | Path) -> Stat | None:
    """The ``stat`` the store compares (see :func:`stats_of`), None when the file cannot be read."""
    return stat_at(stats_of((path,)), 0)


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
        table = Table.open(self._pack)
        self._damaged = table is None
        self._table = table or Table.empty()
        self._records: dict[str, tuple[Stat, int, str]] = {}
        """What this run learnt: display -> (its ``stat``, when it was read (ns), its content key)."""
        self._learnt: dict[str, tuple[tuple[FlowKey, ...], bytes, tuple[FlowKey, ...]]] = {}
        """What this run learnt: content key -> (the (namespace, id) of each flow, the marshalled entries, the
        (namespace, id) of the flows they call or listen to)."""
        self._order: list[str] | None = None
        self._walked: tuple[Walked, list[str]] | None = None
        self._changed = False

    def unchanged(self, displays: Sequence[str], stats: array[int]) -> list[int]:
        """For each file (``displays``, their ``stat`` flat in ``stats``, 4 numbers each, -1 when there is
        none): its row in the store when its ``stat`` is the one stored and was not racy, else -1. Files
        walked in the stored order are compared at once."""
        table = self._table
        if list(displays) == table.displays:
            changed = set(differing(stats, table.stats, 0, len(displays)))
            changed.update(table.racy)
            return [-1 if i in changed else i for i in range(len(displays))]
        positions = table.positions()
        rows = [positions.get(display, -1) for display in displays]
        return [-1 if j < 0 or j in table.racy or not table.same_stat(j, stats, i) else j for i, j in enumerate(rows)]

    def content_at(self, row: int) -> str:
        """The content key stored at ``row`` of the table."""
        return self._table.content_at(row)

    def get(self, key: str, display: str, path: str) -> FileFlows | None:
        """The flows stored for content ``key`` (of the file at ``path`` named ``display``), None when there
        are none; their entries are decoded when first asked (the file is read again should they turn out
        damaged)."""
        learnt = self._learnt.get(key)
        if learnt is not None:
            return FileFlows(
                display,
                learnt[0],
                load=lambda: self._decoded(display, path, memoryview(learnt[1])),
                targets=learnt[2],
                content=key,
            )
        position = self._table.by_content().get(key)
        return (
            None
            if position is None
            else self._table.flows(position, display, lambda: self.entries_at(position, display, path))
        )

    def table_flows(self, row: int, display: str, path: str) -> FileFlows:
        """The flows of ``row`` of the stored table (the file at ``path`` named ``display``)."""
        return self._table.flows(row, display, lambda: self.entries_at(row, display, path))

    @property
    def table(self) -> Table:
        """The files of the pack read at the start."""
        return self._table

    def entries_at(self, position: int, display: str, path: str) -> Sequence[FlowEntry]:
        """The entries of the stored file at ``position``, decoded (the file read again when they fail their
        checksum or shape)."""
        blob = self._table.blob(position)
        decoded = None if blob is None else _decoded(display, blob)
        if decoded is None:
            self._damaged = True  # rewritten without the damaged entries: their files are read again
            return self.reader(path, display)
        return decoded

    def _decoded(self, display: str, path: str, blob: memoryview) -> Sequence[FlowEntry]:
        decoded = _decoded(display, blob)
        return self.reader(path, display) if decoded is None else decoded

    def put(self, display: str, key: str, entries: Sequence[FlowEntry], stat: Stat | None, read_ns: int) -> None:
        """Remember the entries of content ``key``, and that ``display`` had that content (see :meth:`note`)."""
        if key not in self._learnt and key not in self._table.by_content():
            data = tuple(entry_to_data(e) for e in entries)
            self._learnt[key] = (tuple(e.key for e in entries), marshal.dumps(data), targets_of(entries))
            self._changed = True
        self.note(display, key, stat, read_ns)

    def note(self, display: str, key: str, stat: Stat | None, read_ns: int) -> None:
        """Remember that ``display`` had content ``key`` when its ``stat`` was ``stat`` (taken before it was
        read, at ``read_ns``); no ``stat``: forget it."""
        known = self._table.record(display)
        if stat is None:
            self._records.pop(display, None)
            self._changed = self._changed or known is not None
            if known is not None:
                self._table.forget(display)
            return
        if known is not None and known[0] == stat and known[2] == key and stat[1] <= known[1] - RACY_NS:
            return  # seen again unchanged: the record of when it was first read stands
        self._records[display] = (stat, read_ns, key)
        self._changed = True

    def walked(self, key: str) -> Walked | None:
        """How the stored files were found by a walk given ``key`` (see :class:`Walked`), None when they were not."""
        walked = self._table.walked
        return walked if walked is not None and walked.key == key else None

    def world(self, displays: list[str]) -> str | None:
        """A key of the stored files' names and contents when ``displays`` are all of them, in order, else None."""
        table = self._table
        if displays != table.displays or self._records or self._learnt:
            return None
        return digest("\0".join(displays).encode("utf-8", "surrogateescape"), table.contents_joined())

    def remember_walk(self, walked: Walked, displays: list[str]) -> None:
        """Keep ``walked``, the walk that found ``displays`` (its ``read`` paths older than the racy window):
        the pack written next holds it when those files are its first rows."""
        self._walked = (walked, displays)
        self._changed = self._changed or self._table.walked != walked

    def forget_others(self, displays: Sequence[str]) -> None:
        """Keep the records of ``displays`` only (the files of the project, in the order they were walked)."""
        self._order = list(displays)
        self._changed = self._changed or self._order != self._table.displays

    def save(self) -> None:
        """Write the pack atomically when something changed; content no file has any more is dropped (the
        entries of the pack read at the start stay readable)."""
        if self._pack is not None and self.directory is not None and (self._changed or self._damaged):
            self._table.detach()
            self._write(self._pack, self.directory)

    def _write(self, pack: Path, directory: Path) -> None:
        table = self._table
        order = self._order if self._order is not None else [*table.displays, *self._records]
        rows = Rows()
        for display in dict.fromkeys(order[-_MAX_FILES:]):
            record = self._records.get(display) or table.record(display)
            if record is None:
                continue
            stat, read_ns, key = record
            learnt = self._learnt.get(key)
            if learnt is not None:
                rows.add(display, stat, read_ns, key, learnt[0], memoryview(learnt[1]), checksum(learnt[1]), learnt[2])
                continue
            position = table.by_content().get(key)
            blob = None if position is None else table.blob(position)
            if position is not None and blob is not None:
                keys, targets = table.keys_at(position), table.targets_at(position)
                rows.add(display, stat, read_ns, key, keys, blob, table.sum_at(position), targets)
        walked = None
        if self._walked is not None:
            walked, displays = self._walked
            if rows.displays[: walked.files] != displays[: walked.files]:
                walked = None  # a file it found is not stored (it could not be read): the next run walks
        with contextlib.suppress(OSError, UsageError):  # a cache that cannot be written only costs speed
            ensure_dir(directory)
            write_atomically(pack, rows.pack(walked))


class StoredRows:
    """Files whose stored flows stand (see :class:`flowlint.project.index.StoredFiles`): the files walked
    (``displays`` and ``paths``, where each was walked in ``at``, with their ``rows`` in the store, -1 for none)
    but those of ``skip``, their :class:`FileFlows` made when asked."""

    def __init__(
        self,
        store: IndexStore,
        displays: list[str],
        paths: list[str],
        rows: list[int],
        at: dict[str, int],
        skip: set[str],
    ) -> None:
        self._store = store
        self._table = store.table
        self._displays = displays
        self._paths = paths
        self._rows = rows
        self._at = at
        self._skip = skip
        self._made: dict[str, FileFlows] = {}

    def _row(self, display: str) -> tuple[int, int] | None:
        """(where ``display`` was walked, its row in the store) when its stored flows stand."""
        at = self._at.get(display)
        if at is None or self._rows[at] < 0 or display in self._skip:
            return None
        return at, self._rows[at]

    def paths(self) -> Iterable[str]:
        """Their display names."""
        return [display for display, _ in self._standing()]

    def _standing(self) -> Iterator[tuple[str, int]]:
        skip = self._skip
        return ((d, row) for d, row in zip(self._displays, self._rows, strict=True) if row >= 0 and d not in skip)

    def file(self, path: str) -> FileFlows | None:
        """The flows of the file named ``path``."""
        found = self._made.get(path)
        if found is None:
            place = self._row(path)
            if place is not None:
                found = self._made[path] = self._store.table_flows(place[1], path, self._paths[place[0]])
        return found

    def content(self, path: str) -> str | None:
        """The content key of the file named ``path``."""
        place = self._row(path)
        return None if place is None else self._table.content_at(place[1])

    def places(self, key: FlowKey) -> list[tuple[str, int]]:
        """(display, position in the file) of each of their flows named ``key``."""
        found = []
        for row, position in self._table.defining(key):
            display = self._table.displays[row]
            place = self._row(display)
            if place is not None and place[1] == row:
                found.append((display, position))
        return found

    def namespaces(self) -> set[str]:
        """The namespaces of their flows."""
        if (
            all(row == at for at, row in enumerate(self._rows))
            and not self._skip
            and len(self._table.displays) == len(self._rows)
        ):
            return self._table.namespaces()  # the walk met every stored file, in order, and takes them all
        return {namespace for _, _, (namespace, _) in self.keyed()}

    def keyed(self) -> Iterator[tuple[str, int, FlowKey]]:
        """(display, position in the file, (namespace, id)) of each of their flows."""
        return self._table.keyed(self._standing())


def now_ns() -> int:
    """The wall clock in nanoseconds (what file times are compared with)."""
    return time.time_ns()


def _decoded(display: str, blob: memoryview) -> list[FlowEntry] | None:
    """The entries marshalled in ``blob`` (which passed its checksum); None when they do not have the stored
    shape."""
    try:
        data = marshal.loads(blob)
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
