"""Checking many files: cached results first, then the rest serially or in worker processes.

Small batches (pre-commit on a few files) run in this process: a pool costs more than it saves. Large
ones fan out to ``jobs`` forked workers, each with the Linter it inherited, in chunks; results come back
as plain tuples. The order of the returned results is always the order of the input.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from flowlint.cache import ResultCache, result_from_data, result_to_data
from flowlint.diagnostics import Diagnostic, FileResult
from flowlint.files import Candidate
from flowlint.lint import Linter
from flowlint.project.entries import FlowEntry
from flowlint.stamps import file_key

T = TypeVar("T")
E = TypeVar("E")
R = TypeVar("R")

PARALLEL_THRESHOLD = 100
"""Fewer files than this to lint are checked in this process."""

_worker_linter: Linter | None = None  # set once in each worker process by _init_worker


def default_jobs() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


Indexed = dict[str, tuple[str | None, tuple[FlowEntry, ...] | None]]
"""Display name -> (the key of the file's content, the project index entries of its flows), for each file
a run checked; no entries when its result came from the cache (the index store has them under the key)."""


def lint_files(
    linter: Linter,
    candidates: Sequence[Candidate],
    cache: ResultCache | None,
    jobs: int,
    indexed: Indexed | None = None,
    stored_content: Callable[[str], str | None] | None = None,
) -> list[FileResult]:
    """The result of every candidate, in order; fills ``cache`` with what it had to compute, and ``indexed``
    (when given) with the content key and index entries of each file. ``stored_content``: the content key of a
    file known unchanged (by display name, from the project index store): its cached result is taken without
    reading it."""
    results: list[FileResult | None] = [None] * len(candidates)
    todo: list[tuple[int, Candidate, str | None]] = []
    for index, candidate in enumerate(candidates):
        key = None
        known = stored_content(candidate.display) if stored_content is not None else None
        if cache is not None and known is not None and (hit := cache.get(known)) is not None:
            results[index] = hit
            if indexed is not None:
                indexed[candidate.display] = (known, None)
            continue
        if cache is not None:
            try:
                content = candidate.path.read_bytes()
            except OSError:
                todo.append((index, candidate, None))  # lint_path reports why it cannot be read
                continue
            key = file_key(candidate.display, content)
            hit = cache.get(key)
            if hit is not None:
                results[index] = hit
                if indexed is not None:
                    indexed[candidate.display] = (key, None)
                continue
        todo.append((index, candidate, key))
    index_too = indexed is not None
    computed = _lint_all(linter, [(str(c.path), c.display, ()) for _, c, _ in todo], jobs, index_too)
    for (index, candidate, key), (data, entries) in zip(todo, computed, strict=True):
        results[index] = result_from_data(data)
        if cache is not None and key is not None:
            cache.put_data(key, data)
        if indexed is not None:
            indexed[candidate.display] = (key, entries)
    return [r for r in results if r is not None]


def lint_again(linter: Linter, items: Sequence[tuple[Candidate, Sequence[Diagnostic]]], jobs: int) -> list[FileResult]:
    """Each file linted again with the findings given for it (what the project rules found), in order."""
    computed = _lint_all(linter, [(str(c.path), c.display, tuple(extra)) for c, extra in items], jobs, False)
    return [result_from_data(data) for data, _ in computed]


_Item = tuple[str, str, tuple[Diagnostic, ...]]
"""(path, display name, findings made outside the checks) of a file to lint."""


def _lint_all(linter: Linter, items: list[_Item], jobs: int, index: bool) -> list[Any]:
    """Each item linted, serially or (many, several jobs) in worker processes."""
    if jobs > 1 and len(items) >= PARALLEL_THRESHOLD:
        return _in_workers(linter, items, jobs, index)
    return [_lint_one(linter, item, index) for item in items]


def _lint_one(linter: Linter, item: _Item, index: bool) -> tuple[Any, tuple[FlowEntry, ...] | None]:
    """The result of one file as plain tuples, and (``index``) the index entries of its flows."""
    path, display, extra = item
    entries: list[FlowEntry] | None = [] if index else None
    data = result_to_data(linter.lint_path(Path(path), display, extra, entries))
    return data, None if entries is None else tuple(entries)


def _in_workers(linter: Linter, items: list[_Item], jobs: int, index: bool) -> list[Any]:
    return in_workers(_lint_chunk, items, index, jobs, _init_worker, (linter,))


def in_workers(
    work: Callable[[tuple[list[T], E]], list[R]],
    items: list[T],
    extra: E,
    jobs: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> list[R]:
    """``work`` on ``items`` in chunks (each with ``extra``) in at most ``jobs`` forked worker processes (each
    set up by ``initializer(*initargs)``), the results in the order of ``items``."""
    import multiprocessing  # only large runs pay for these imports
    from concurrent.futures import ProcessPoolExecutor

    workers = min(jobs, max(1, len(items) // 20))
    size = max(8, min(64, len(items) // (workers * 4) or 1))
    chunks = [(items[i : i + size], extra) for i in range(0, len(items), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        return [found for chunk in pool.map(work, chunks) for found in chunk]


def _init_worker(linter: Linter) -> None:
    global _worker_linter
    _worker_linter = linter


def _lint_chunk(chunk: tuple[list[_Item], bool]) -> list[Any]:
    items, index = chunk
    linter = _worker_linter
    assert linter is not None
    return [_lint_one(linter, item, index) for item in items]
