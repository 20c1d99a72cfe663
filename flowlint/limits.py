"""The limits Kestra's parser puts on what it reads, which flowlint applies to flows (flowlint.source) and
to data files (flowlint.datafile, flowlint.yaml_data): how deep collections nest, how many aliases point
to collections, how long a number is written; and room on the interpreter's stack for the parsers that
recurse as deep as the nesting allowed.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

MAX_NESTING = 1000
"""Jackson's default maximum nesting depth (StreamReadConstraints): Kestra rejects deeper documents."""

MAX_COLLECTION_ALIASES = 50
"""SnakeYAML's default ``maxAliasesForCollections``: Kestra rejects more (YAML bombs)."""

MAX_NUMBER_LENGTH = 1000
"""Jackson's default maximum length of a number (StreamReadConstraints), in characters."""

NESTED = f"collections nested deeper than {MAX_NESTING} levels"
"""Why a document nested deeper than ``MAX_NESTING`` is refused."""

_FRAMES_PER_LEVEL = 4
"""Python frames a parser may spend per level of nesting (tomllib: 3; json's C scanner: 1)."""
_RECURSION_LIMIT = threading.Lock()


class NumberTooLong(Exception):
    """A number written with more than ``MAX_NUMBER_LENGTH`` characters (``written``)."""

    def __init__(self, written: str) -> None:
        super().__init__(f"a number of {len(written)} characters (at most {MAX_NUMBER_LENGTH})")
        self.written = written


def bounded(written: str) -> str:
    """``written`` (the text of a number); NumberTooLong when it is longer than Jackson reads."""
    if len(written) > MAX_NUMBER_LENGTH:
        raise NumberTooLong(written)
    return written


@contextmanager
def stack_room(depth: int) -> Iterator[None]:
    """Room on the interpreter's stack for a parser (or a repr) that recurses ``depth`` levels.

    The recursion limit is the process's: raised and restored under a lock, so that a thread (the
    language server's) never lowers it under another one still deep in its data.
    """
    needed = depth * _FRAMES_PER_LEVEL
    if needed <= 200:
        yield
        return
    with _RECURSION_LIMIT:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(limit + needed)
        try:
            yield
        finally:
            sys.setrecursionlimit(limit)
