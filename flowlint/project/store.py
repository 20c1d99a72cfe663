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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flowlint import __version__
from flowlint.atomic import write_atomically
from flowlint.errors import UsageError
from flowlint.project.index import FlowEntry, entry_from_data, entry_to_data
from flowlint.stamps import checksum, digest, ensure_dir

INDEX_FORMAT = b"1"
"""The shape of a stored entry: changed whenever :func:`entry_to_data` changes."""
RACY_NS = 2_000_000_000
"""A file modified less than this before it was read may change again without its times showing it."""
_MAGIC = b"flowlint project index\n"
_MAX_FILES = 200_000

Stat = tuple[int, int, int, int]
"""(size, mtime_ns, ctime_ns, inode) of a file."""


def stat_of(path: Path) -> Stat | None:
    """The ``stat`` the store compares, None when the file cannot be read."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)


def store_key(*parts: bytes) -> str:
    """The key of a store (flowlint's version and the entry format always included; ``parts``: what the
    entries depend on besides the files, such as the manifest's slot table)."""
    return digest(__version__.encode(), INDEX_FORMAT, *parts)


class IndexStore:
    """The stored entries of one key (None ``directory``: nothing is kept, every file is read)."""

    def __init__(self, directory: Path | None, key: str) -> None:
        self.directory = directory
        self._pack = None if directory is None else directory / f"index-{key}.pack"
        stats, entries, damaged = _read(self._pack)
        self._stats: dict[str, tuple[Stat, int, str]] = stats
        """display -> (stat, when it was read (ns), content key)."""
        self._entries: dict[str, Any] = entries
        self._damaged = damaged
        self._changed = False
        self.hits = 0
        """How many files came from the store without being read (for ``--verbose`` and the bench)."""

    def by_stat(self, display: str, stat: Stat | None) -> tuple[FlowEntry, ...] | None:
        """The entries of ``display`` when its ``stat`` is the one stored (and not racy), else None."""
        known = self._stats.get(display)
        if known is None or stat is None or known[0] != stat or stat[1] > known[1] - RACY_NS:
            return None
        found = self.get(known[2], display)
        if found is not None:
            self.hits += 1
        return found

    def get(self, key: str, display: str) -> tuple[FlowEntry, ...] | None:
        """The entries stored for content ``key`` (named ``display``); an entry that does not decode is
        dropped."""
        data = self._entries.get(key)
        if data is None:
            return None
        entries = _decoded(display, data)
        if entries is None:
            del self._entries[key]
            self._changed = True
        return entries

    def put(self, display: str, key: str, entries: Sequence[FlowEntry], stat: Stat | None, read_ns: int) -> None:
        """Remember the entries of content ``key``, and that ``display`` had that content when its ``stat``
        was ``stat`` (taken before it was read, at ``read_ns``)."""
        data = tuple(entry_to_data(e) for e in entries)
        if self._entries.get(key) != data:
            self._entries[key] = data
            self._changed = True
        if stat is not None and self._stats.get(display) != (stat, read_ns, key):
            self._stats[display] = (stat, read_ns, key)
            self._changed = True

    def save(self) -> None:
        """Write the pack atomically when something changed; entries no file names any more are dropped."""
        if self._pack is None or self.directory is None or not (self._changed or self._damaged):
            return
        stats = dict(list(self._stats.items())[-_MAX_FILES:])
        named = {key for _, _, key in stats.values()}
        entries = {key: data for key, data in self._entries.items() if key in named}
        body = marshal.dumps((stats, entries))
        with contextlib.suppress(OSError, UsageError):  # a cache that cannot be written only costs speed
            ensure_dir(self.directory)
            write_atomically(self._pack, _MAGIC + checksum(body) + body)


def now_ns() -> int:
    """The wall clock in nanoseconds (what file times are compared with)."""
    return time.time_ns()


def _read(pack: Path | None) -> tuple[dict[str, tuple[Stat, int, str]], dict[str, Any], bool]:
    """The stats and entries of the pack; empty when there is none; empty and damaged when it fails its
    checksum or its shape."""
    if pack is None:
        return {}, {}, False
    try:
        data = pack.read_bytes()
    except OSError:
        return {}, {}, False
    start = len(_MAGIC) + 16
    body = memoryview(data)[start:]
    if not data.startswith(_MAGIC) or data[len(_MAGIC) : start] != checksum(body):
        return {}, {}, True
    try:
        stats, entries = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}, {}, True
    if not isinstance(stats, dict) or not isinstance(entries, dict):
        return {}, {}, True
    good = {display: known for display, known in stats.items() if _stat_entry(display, known)}
    return good, entries, len(good) != len(stats)


def _stat_entry(display: Any, known: Any) -> bool:
    if type(display) is not str or type(known) is not tuple or len(known) != 3:
        return False
    stat, read_ns, key = known
    return (
        type(stat) is tuple
        and len(stat) == 4
        and all(type(n) is int for n in stat)
        and type(read_ns) is int
        and type(key) is str
    )


def _decoded(display: str, data: Any) -> tuple[FlowEntry, ...] | None:
    if type(data) is not tuple:
        return None
    entries = []
    for item in data:
        entry = entry_from_data(display, item)
        if entry is None:
            return None
        entries.append(entry)
    return tuple(entries)
