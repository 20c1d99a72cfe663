"""The pack of the index store on disk (``index-<key>.pack``): a table of the project's files in its
header, each file's marshalled entries after it (see :data:`MAGIC`); :mod:`flowlint.project.store` uses it."""

from __future__ import annotations

import marshal
import weakref
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from flowlint.packfile import framed, open_pack
from flowlint.project.entries import FlowEntry, FlowKey
from flowlint.project.index import FileFlows
from flowlint.stamps import checksum

RACY_NS = 2_000_000_000
"""A file modified less than this before it was read may change again without its times showing it."""
MAGIC = b"flowlint project index 6\n"
"""A pack is framed as :mod:`flowlint.packfile` says (this, the checksum of its header, the header's length,
the header), then come the marshalled entries of each file. The header is the marshalled tuple of, a row per
file in the order the project was walked: display names, content keys, the (namespace, id) of the flows flat,
the rows whose ``stat`` was racy when read, then as ``array('q')`` bytes the ``stat`` (4 numbers a row),
when each was read, how many flows each has, where each one's entries start in the area (and the end),
then the checksum of each one's entries, the (namespace, id) of the flows each calls or listens to flat,
as ``array('q')`` bytes how many those are a row, and the walk that found the files (:class:`Walked`) or
None."""


class Walked(NamedTuple):
    """How the project's files were found, so that a run whose walk would find the same ones need not walk:
    the first ``files`` rows of the table are the files it found, in order, when nothing ``read`` (the folders
    listed, the ``.gitignore`` files, the ``.git`` looked for) has changed its ``stats`` since. ``key`` names
    what the walk was given (folders, working folder, exclude patterns)."""

    key: str
    read: list[str]
    stats: array[int]
    files: int


class Rows:
    """The rows of a pack being written."""

    def __init__(self) -> None:
        self.displays: list[str] = []
        self.keys: list[str] = []
        self.stats = array("q")
        self.read = array("q")
        self.counts = array("q")
        self.names: list[str] = []
        self.offsets = array("q", [0])
        self.sums: list[bytes] = []
        self.blobs: list[bytes | memoryview] = []
        self.targets: list[str] = []
        self.target_counts = array("q")

    def add(
        self,
        display: str,
        stat: tuple[int, int, int, int],
        read_ns: int,
        key: str,
        flows: tuple[FlowKey, ...],
        blob: bytes | memoryview,
        expected: bytes,
        targets: tuple[FlowKey, ...],
    ) -> None:
        """One file: its name, ``stat``, when it was read, content key, flows, marshalled entries and the flows
        it calls or listens to."""
        self.displays.append(display)
        self.keys.append(key)
        self.stats.extend(stat)
        self.read.append(read_ns)
        self.counts.append(len(flows))
        for namespace, flow_id in flows:
            self.names += (namespace, flow_id)
        self.offsets.append(self.offsets[-1] + len(blob))
        self.sums.append(expected)
        self.blobs.append(blob)
        self.target_counts.append(len(targets))
        for namespace, flow_id in targets:
            self.targets += (namespace, flow_id)

    def pack(self, walked: Walked | None = None) -> bytes:
        """The bytes of the pack (see :data:`MAGIC`; ``walked``: how its first rows were found)."""
        racy = [i for i in range(len(self.read)) if self.stats[4 * i + 1] > self.read[i] - RACY_NS]
        arrays = (self.stats, self.read, self.counts, self.offsets)
        header = marshal.dumps(
            (
                self.displays,
                self.keys,
                self.names,
                racy,
                *(a.tobytes() for a in arrays),
                self.sums,
                self.targets,
                self.target_counts.tobytes(),
                None if walked is None else (walked.key, walked.read, walked.stats.tobytes(), walked.files),
            )
        )
        return b"".join([framed(MAGIC, header), *self.blobs])


class Table:
    """The files of a pack on disk: read from its header at once, their entries read when asked (from the
    file as it was opened, should another run replace it meanwhile)."""

    def __init__(
        self, header: tuple[Any, ...] = ([], [], [], [], b"", b"", b"", b"", [], [], b"", None), handle: Any = None
    ) -> None:
        self.displays: list[str] = header[0]
        self._keys: list[str] = header[1]
        self._names: list[str] = header[2]
        self.racy: set[int] = set(header[3])
        self.stats, self._read_ns, self._counts, self._offsets = (longs(raw) for raw in header[4:8])
        self._sums: list[bytes] = header[8]
        self._targets: list[str] = header[9]
        self._target_counts = longs(header[10])
        self.walked = _walked(header[11], len(self.displays))
        """How the first rows were found, when that can be trusted."""
        self._target_starts: list[int] | None = None
        self._handle = handle
        self._memory: bytes | None = None
        """The entries, once :meth:`detach` read them."""
        self._starts: list[int] | None = None
        self._positions: dict[str, int] | None = None
        self._by_content: dict[str, int] | None = None
        self._forgotten: set[str] = set()
        self._area = 0
        """Where the entries start in the pack."""

    @staticmethod
    def empty() -> Table:
        """A table without files."""
        return Table()

    @staticmethod
    def open(pack: Path | None) -> Table | None:
        """The table of the pack: empty when there is none; None when its header fails its checksum or its
        shape, or the pack's length is not the one its header gives."""
        table = open_pack(pack, MAGIC, Table._build, Table.empty) if pack is not None else Table.empty()
        if table is not None and table._handle is not None:
            weakref.finalize(table, table._handle.close)
        return table

    @staticmethod
    def _build(handle: Any, fields: Any, start: int, area: int) -> Table | None:
        if type(fields) is not tuple or len(fields) != 12:
            return None
        table = Table(fields, handle)
        n = len(table.displays)
        shaped = (len(table._keys), len(table._read_ns), len(table._counts), len(table._sums)) == (n, n, n, n)
        if not shaped or len(table.stats) != 4 * n or len(table._offsets) != n + 1 or table._offsets[-1] != area:
            return None  # the length of the file is checked: junk appended or a cut is a damaged pack
        if len(table._names) != 2 * sum(table._counts):
            return None
        if len(table._target_counts) != n or len(table._targets) != 2 * sum(table._target_counts):
            return None
        table._area = start
        return table

    def positions(self) -> dict[str, int]:
        """display -> its row."""
        if self._positions is None:
            self._positions = dict(zip(self.displays, range(len(self.displays)), strict=True))
        return self._positions

    def by_content(self) -> dict[str, int]:
        """content key -> its row."""
        if self._by_content is None:
            self._by_content = dict(zip(self._keys, range(len(self._keys)), strict=True))
        return self._by_content

    def record(self, display: str) -> tuple[tuple[int, int, int, int], int, str] | None:
        """(``stat``, when it was read, content key) stored for ``display``."""
        i = self.positions().get(display)
        if i is None or display in self._forgotten:
            return None
        stat = self.stats[4 * i : 4 * i + 4]
        return ((stat[0], stat[1], stat[2], stat[3]), self._read_ns[i], self._keys[i])

    def forget(self, display: str) -> None:
        """Drop the record of ``display`` (it is gone)."""
        self._forgotten.add(display)

    def same_stat(self, position: int, stats: array[int], at: int) -> bool:
        """Whether row ``position`` has the ``stat`` at ``at`` of ``stats``."""
        return self.stats[4 * position : 4 * position + 4] == stats[4 * at : 4 * at + 4]

    def keys_at(self, position: int) -> tuple[FlowKey, ...]:
        """The (namespace, id) of each flow of row ``position``."""
        if self._starts is None:
            self._starts = list(accumulate(self._counts, initial=0))
        return _pairs(self._names, self._starts, position)

    def targets_at(self, position: int) -> tuple[FlowKey, ...]:
        """The (namespace, id) of each flow row ``position`` calls or listens to."""
        if self._target_starts is None:
            self._target_starts = list(accumulate(self._target_counts, initial=0))
        return _pairs(self._targets, self._target_starts, position)

    def contents_joined(self) -> bytes:
        """The content key of every row, one string."""
        return "".join(self._keys).encode()

    def content_at(self, position: int) -> str:
        """The content key of row ``position``."""
        return self._keys[position]

    def defining(self, key: FlowKey) -> Iterator[tuple[int, int]]:
        """(row, position in the file) of each flow named ``key``, looked up in the flat names (no map)."""
        if self._starts is None:
            self._starts = list(accumulate(self._counts, initial=0))
        namespace, flow_id = key
        names, starts = self._names, self._starts
        at = 0
        while True:
            try:
                at = names.index(flow_id, at)
            except ValueError:
                return
            if at % 2 == 1 and names[at - 1] == namespace:
                flow = at // 2
                row = bisect_right(starts, flow) - 1
                yield row, flow - starts[row]
            at += 1

    def namespaces(self) -> set[str]:
        """The namespace of every flow of the table."""
        return set(self._names[::2])

    def keyed(self, rows: Iterable[tuple[str, int]]) -> Iterator[tuple[str, int, FlowKey]]:
        """(display, position in the file, (namespace, id)) of each flow of ``rows`` ((display, row))."""
        if self._starts is None:
            self._starts = list(accumulate(self._counts, initial=0))
        starts, names = self._starts, self._names
        pairs = list(zip(names[::2], names[1::2], strict=True))
        for display, row in rows:
            for position, key in enumerate(pairs[starts[row] : starts[row + 1]]):
                yield display, position, key

    def sum_at(self, position: int) -> bytes:
        """The checksum of the entries of row ``position``."""
        return self._sums[position]

    def flows(self, position: int, display: str, load: Callable[[], Sequence[FlowEntry]]) -> FileFlows:
        """The flows of row ``position`` (named ``display``), their entries from ``load`` when asked."""
        return FileFlows(
            display, self.keys_at(position), load=load, targets=self.targets_at(position), content=self._keys[position]
        )

    def blob(self, position: int) -> memoryview | None:
        """The marshalled entries of row ``position`` when they pass their checksum."""
        start, end = self._offsets[position], self._offsets[position + 1]
        if not 0 <= start <= end:
            return None
        if self._memory is not None:
            blob = self._memory[start:end]
        elif self._handle is None:
            return None
        else:
            try:
                self._handle.seek(self._area + start)
                blob = self._handle.read(end - start)
            except (OSError, ValueError):
                return None
        return memoryview(blob) if len(blob) == end - start and checksum(blob) == self._sums[position] else None

    def detach(self) -> None:
        """Read the entries into memory and close the pack (before it is replaced)."""
        if self._handle is not None and self._memory is None:
            try:
                self._handle.seek(self._area)
                self._memory = self._handle.read()
            except (OSError, ValueError):
                self._memory = b""
            self._handle.close()
            self._handle = None


def _walked(raw: Any, rows: int) -> Walked | None:
    """The :class:`Walked` of a header, None when there is none or it does not have the stored shape."""
    if type(raw) is not tuple or len(raw) != 4:
        return None
    key, read, stats, files = raw
    if type(key) is not str or type(read) is not list or type(stats) is not bytes or type(files) is not int:
        return None
    found = longs(stats) if len(stats) % 8 == 0 else None
    if found is None or len(found) != 4 * len(read) or not 0 <= files <= rows:
        return None
    if not all(type(path) is str for path in read):
        return None
    return Walked(key, read, found, files)


def _pairs(names: list[str], starts: list[int], position: int) -> tuple[FlowKey, ...]:
    """The (namespace, id) pairs of row ``position`` in ``names`` (flat), rows starting at pair ``starts[row]``."""
    row = names[2 * starts[position] : 2 * starts[position + 1]]
    return tuple(zip(row[::2], row[1::2], strict=True))


def longs(raw: bytes) -> array[int]:
    found = array("q")
    found.frombytes(raw)
    return found


def differing(current: array[int], stored: array[int], lo: int, hi: int) -> Iterator[int]:
    """The rows in ``lo:hi`` whose ``stat`` (4 numbers a row) differs between ``current`` and ``stored``:
    halves compared at once, so a few changed files among many cost a few comparisons each."""
    if current[4 * lo : 4 * hi] == stored[4 * lo : 4 * hi]:
        return
    if hi - lo == 1:
        yield lo
        return
    middle = (lo + hi) // 2
    yield from differing(current, stored, lo, middle)
    yield from differing(current, stored, middle, hi)
