"""Checking many files: cached results first, then the rest serially or in worker processes.

Small batches (pre-commit on a few files) run in this process: a pool costs more than it saves. Large
ones fan out to ``jobs`` forked workers, each with the Linter it inherited, in chunks; results come back
as plain tuples. The order of the returned results is always the order of the input.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from flowlint.cache import ResultCache, result_from_data, result_to_data
from flowlint.diagnostics import FileResult
from flowlint.files import Candidate
from flowlint.lint import Linter
from flowlint.stamps import file_key

PARALLEL_THRESHOLD = 100
"""Fewer files than this to lint are checked in this process."""

_worker_linter: Linter | None = None  # set once in each worker process by _init_worker


def default_jobs() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def lint_files(
    linter: Linter, candidates: Sequence[Candidate], cache: ResultCache | None, jobs: int
) -> list[FileResult]:
    """The result of every candidate, in order; fills ``cache`` with what it had to compute."""
    results: list[FileResult | None] = [None] * len(candidates)
    todo: list[tuple[int, Candidate, str | None]] = []
    for index, candidate in enumerate(candidates):
        key = None
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
                continue
        todo.append((index, candidate, key))
    if jobs > 1 and len(todo) >= PARALLEL_THRESHOLD:
        computed = _in_workers(linter, [(str(c.path), c.display) for _, c, _ in todo], jobs)
    else:
        computed = [result_to_data(linter.lint_path(c.path, c.display)) for _, c, _ in todo]
    for (index, _, key), data in zip(todo, computed, strict=True):
        results[index] = result_from_data(data)
        if cache is not None and key is not None:
            cache.put_data(key, data)
    return [r for r in results if r is not None]


def _in_workers(linter: Linter, items: list[tuple[str, str]], jobs: int) -> list[Any]:
    import multiprocessing  # only large runs pay for these imports
    from concurrent.futures import ProcessPoolExecutor

    workers = min(jobs, max(1, len(items) // 20))
    size = max(8, min(64, len(items) // (workers * 4) or 1))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(linter,)) as pool:
        return [data for chunk in pool.map(_lint_chunk, chunks) for data in chunk]


def _init_worker(linter: Linter) -> None:
    global _worker_linter
    _worker_linter = linter


def _lint_chunk(items: list[tuple[str, str]]) -> list[Any]:
    from pathlib import Path

    linter = _worker_linter
    assert linter is not None
    return [result_to_data(linter.lint_path(Path(path), display)) for path, display in items]
