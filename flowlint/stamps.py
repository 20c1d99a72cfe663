"""Content digests, and the stamps of config and manifest files that already passed their JSON Schema.

Both live in the cache folder (``.flowlint_cache/``) and know nothing of results: the data files are
read with them (:mod:`flowlint.datafile`) before any flow is linted, and the result cache builds on them.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from flowlint import __version__
from flowlint.atomic import write_atomically
from flowlint.errors import UsageError

try:  # blake2 alone: importing hashlib also loads OpenSSL, a few ms of every start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

CACHE_DIR_NAME = ".flowlint_cache"


def digest(*parts: bytes) -> str:
    """A short, stable hash of ``parts``."""
    hasher = blake2b(digest_size=16)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.hexdigest()


def checksum(body: bytes | memoryview) -> bytes:
    """A 16-byte hash of ``body`` (what guards a cache pack against damage)."""
    return blake2b(body, digest_size=16).digest()


def file_key(display: str, content: bytes) -> str:
    """The key of one file's result: its name and its content."""
    return digest(display.encode("utf-8", "surrogateescape"), content)


class Stamps:
    """Hashes of config and manifest files that already passed their JSON Schema."""

    def __init__(self, directory: Path | None) -> None:
        self._path = directory / "validated" if directory is not None else None
        self._known: set[str] = set()
        self._new: set[str] = set()
        self._damaged = False
        """A line of the file is not a whole stamp: :meth:`save` rewrites it with the good ones."""
        if self._path is not None:
            with contextlib.suppress(OSError):
                *lines, last = self._path.read_bytes().split(b"\n")
                stamps = [line.decode("ascii") for line in lines if _is_stamp(line)]
                self._known = set(stamps)
                self._damaged = last != b"" or len(stamps) != len(lines)

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
        """Write new stamps (appending is atomic enough: each line is a whole stamp); a damaged file is
        rewritten with the stamps it held."""
        if self._path is None or not (self._new or self._damaged):
            return
        with contextlib.suppress(OSError, UsageError):
            ensure_dir(self._path.parent)
            if self._damaged:
                write_atomically(self._path, "".join(f"{s}\n" for s in sorted(self._known | self._new)).encode())
                return
            with self._path.open("a", encoding="ascii") as handle:
                handle.write("".join(f"{stamp}\n" for stamp in sorted(self._new)))


def _is_stamp(line: bytes) -> bool:
    """Whether a line of the stamps file is a whole stamp (a :func:`digest`: 32 lowercase hex digits)."""
    return len(line) == 32 and not line.strip(b"0123456789abcdef")


def ensure_dir(directory: Path) -> None:
    """Make the cache folder (with a .gitignore that keeps it out of version control) if it is missing."""
    if not directory.is_dir():
        directory.mkdir(parents=True, exist_ok=True)
        (directory / ".gitignore").write_text("# Created by flowlint: the cache is not for version control.\n*\n")
