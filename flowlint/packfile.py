"""The framing the cache's two packs share (results in :mod:`flowlint.cache`, the project index in
:mod:`flowlint.project.pack`): a magic line, the :func:`~flowlint.stamps.checksum` of the header, the header's
length (8 bytes, little-endian), the marshalled header, then an area of entries that a run reads when it asks
for them (so the file stays open after its header is read)."""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from flowlint.stamps import checksum

T = TypeVar("T")


def framed(magic: bytes, header: bytes) -> bytes:
    """The start of a pack: ``magic``, the checksum and length of ``header`` (marshalled), ``header``."""
    return magic + checksum(header) + len(header).to_bytes(8, "little") + header


def open_pack(
    path: Path, magic: bytes, build: Callable[[BinaryIO, Any, int, int], T | None], empty: Callable[[], T]
) -> T | None:
    """The pack at ``path`` as ``build(handle, header, area_start, area_size)`` makes it (``header``
    unmarshalled only once its checksum holds: marshal is not safe against damaged data; ``build`` checks its
    shape against ``area_size`` and returns None when they disagree); ``empty()`` when there is no file; None
    when the pack is damaged (its file is then closed; otherwise what ``build`` made owns it)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (kept open for the entries: the pack closes it)
    except OSError:
        return empty()
    found = None
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        found = _read(handle, magic, build)
    if found is None:
        handle.close()
    return found


def _read(handle: BinaryIO, magic: bytes, build: Callable[[BinaryIO, Any, int, int], T | None]) -> T | None:
    start = len(magic) + 16 + 8
    head = handle.read(start)
    size = int.from_bytes(head[-8:], "little")
    header = handle.read(size) if head.startswith(magic) and len(head) == start else b""
    if len(header) != size or head[len(magic) : start - 8] != checksum(header):
        return None
    area = os.fstat(handle.fileno()).st_size - start - size
    return build(handle, marshal.loads(header), start + size, area)
