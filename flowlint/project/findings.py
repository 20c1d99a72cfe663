"""The project pass of a ``check`` run: the index built once, the FL7xx findings of the checked files.

After every file is linted, the run builds the project index (the checked files' entries came from the
same parse, or from the index store when their result came from the result cache; the other files of the
project from the store, else read) and judges the checked files on it
(:func:`flowlint.rules.repository.project_findings`, ``perFileIgnores`` applied). The findings join the
file's result as they are when the file has no ``# flowlint:`` comment and its result holds the text of
their lines (the lint pass keeps the lines the project rules may report on); else the file is linted
again with them, so suppression comments and FL900 treat them as any finding, and that result is cached
under the file's key and the findings it was given: it never goes stale when another file changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flowlint.batch import Indexed, lint_again
from flowlint.cache import ResultCache
from flowlint.diagnostics import Diagnostic, FileResult
from flowlint.files import Candidate
from flowlint.flow import Slots
from flowlint.lint import Linter
from flowlint.project.build import read_entries
from flowlint.project.entries import FlowEntry
from flowlint.project.gather import CheckedFile, ProjectWalk, gather, walk_project
from flowlint.project.index import FileFlows, ProjectIndex
from flowlint.project.store import IndexStore, now_ns, store_key
from flowlint.rules.repository import project_findings
from flowlint.stamps import digest

__all__ = [
    "MEMO_FROM",
    "index_store",
    "now_ns",
    "project_index",
    "project_walk",
    "stdin_result",
    "with_project_findings",
]


def index_store(cache_dir: Path | None, slots: Slots | None) -> IndexStore:
    """The index store of a run whose flows are walked with ``slots`` (``cache_dir`` None: a store that
    keeps nothing)."""
    key = store_key(repr(sorted(slots.items()) if slots else None).encode())
    return IndexStore(cache_dir, key, lambda path, display: read_entries(path, display, slots))


def project_walk(linter: Linter, cwd: Path, checked: Sequence[Candidate], store: IndexStore) -> ProjectWalk:
    """The files of the project of a run that checks ``checked``, and the checked files outside it, each
    ``stat`` taken before the run reads any: those whose stored row stands need not be read
    (:meth:`ProjectWalk.stored_content`), and a change after the ``stat`` shows in the next run's."""
    walk = walk_project(linter.settings, cwd, store, [c.path for c in checked])
    for candidate in checked:
        if candidate.display not in walk.at:
            walk.add(str(candidate.path), candidate.display)
    return walk


def project_index(
    linter: Linter,
    cwd: Path,
    checked: Sequence[Candidate],
    indexed: Indexed,
    store: IndexStore,
    started_ns: int,
    jobs: int,
    walk: ProjectWalk | None = None,
) -> ProjectIndex:
    """The index of the project (``walk``: its files, from :func:`project_walk`) and of the ``checked`` files
    (``indexed``: what linting them gave; ``started_ns``: when the run began reading them); the store learns
    the checked files."""
    fresh: dict[str, FileFlows] = {}
    learnt: dict[str, CheckedFile] = {}
    for candidate in checked:
        key, entries = indexed.get(candidate.display, (None, None))
        if key is not None:  # its content is known: the project walk takes its stat and the store learns it
            learnt[candidate.display] = CheckedFile(str(candidate.path), key, entries)
            continue
        if entries is None:
            entries = read_entries(candidate.path, candidate.display, linter.slots)
        fresh[candidate.display] = FileFlows.of(candidate.display, entries)
    return gather(
        linter.settings,
        cwd,
        store,
        fresh,
        linter.slots,
        jobs,
        checked=[c.path for c in checked],
        learnt=learnt,
        started_ns=started_ns,
        walk=walk,
    )


def stdin_result(linter: Linter, data: bytes, display: str, cwd: Path, path: Path, jobs: int) -> FileResult:
    """The result of standard input read as the file at ``path`` (named ``display``), its FL7xx findings
    judged on the project index, where its flows take the place of that file's."""
    entries: list[FlowEntry] = []
    result = linter.lint_bytes(data, display, entries=entries)
    fresh = {display: FileFlows.of(display, entries)}
    index = gather(linter.settings, cwd, index_store(None, linter.slots), fresh, linter.slots, jobs, checked=[path])
    found = project_findings(index, display, linter.settings, linter.enabled_for(display))
    return linter.lint_bytes(data, display, found) if found else result


MEMO_FROM = 50
"""A run that checks at least this many files reads and keeps the project findings memo (see
:meth:`flowlint.cache.ResultCache.project_memo`); a run on fewer judges its few files at once."""


def with_project_findings(
    linter: Linter,
    checked: Sequence[Candidate],
    results: list[FileResult],
    index: ProjectIndex,
    indexed: Indexed,
    cache: ResultCache | None,
    jobs: int,
) -> list[FileResult]:
    """``results`` (in the order of ``checked``) with the FL7xx findings of each file: a file that has some
    is taken from the cache under its key and those findings, else linted again with them (in ``jobs``
    worker processes when there are many). With many files, a file whose findings depend on nothing that
    changed since a run remembered them (its :meth:`~ProjectIndex.dependency_key`; when no file of the project
    changed since the store learnt it, its name in the project as it is: ``ProjectIndex.world``) is not judged
    again."""
    merged = list(results)
    todo: list[tuple[int, Candidate, list[Diagnostic], str | None, str | None]] = []
    memo = cache.project_memo() if cache is not None and len(checked) >= MEMO_FROM else None
    learnt: dict[str, str] = {}
    world = f"w:{index.world}:" if index.world is not None else None
    for position, candidate in enumerate(checked):
        display = candidate.display
        depends = None if memo is None else world + display if world is not None else index.dependency_key(display)
        if depends is not None and memo is not None:
            known = memo.get(depends)
            hit = cache.get(known) if cache is not None and known else None
            if known == "" or hit is not None:
                learnt[depends] = known or ""
                if hit is not None:
                    merged[position] = hit
                continue
        found = project_findings(index, display, linter.settings, linter.enabled_for(display))
        if not found:
            if depends is not None:
                learnt[depends] = ""
            continue
        content_key = indexed.get(display, (None, None))[0]
        key = digest(content_key.encode(), repr(found).encode()) if content_key is not None else None
        joined = _joined(merged[position], found, candidate)
        if joined is not None:
            merged[position] = joined
            if cache is not None and key is not None and depends is not None:
                cache.put(key, joined)
                learnt[depends] = key
            continue
        hit = cache.get(key) if cache is not None and key is not None else None
        if hit is not None:
            merged[position] = hit
            if depends is not None and key is not None:
                learnt[depends] = key
        else:
            todo.append((position, candidate, found, key, depends))
    again = lint_again(linter, [(candidate, found) for _, candidate, found, _, _ in todo], jobs)
    for (position, _, _, key, depends), result in zip(todo, again, strict=True):
        merged[position] = result
        if cache is not None and key is not None:
            cache.put(key, result)
            if depends is not None:
                learnt[depends] = key
    if cache is not None and memo is not None and any(memo.get(k) != v for k, v in learnt.items()):
        # the outcomes remembered for another state of the whole project are not needed any more
        current = (world,) if world is not None else ()
        kept = {k: v for k, v in memo.items() if k not in learnt and (not k.startswith("w:") or k.startswith(current))}
        cache.put_project_memo({**kept, **learnt})
    return merged


def _joined(result: FileResult, found: Sequence[Diagnostic], candidate: Candidate) -> FileResult | None:
    """``result`` with the project findings ``found`` when they can join it as they are: it holds the text of
    their lines, and the file has no ``# flowlint:`` comment (none could suppress them, nor be reported
    unused); None when the file must be linted again with them."""
    if any(d.span.line not in result.excerpts for d in found):
        return None
    try:
        with open(candidate.path, "rb") as handle:
            if b"flowlint:" in handle.read():
                return None
    except OSError:
        return None
    diagnostics = tuple(sorted((*result.diagnostics, *found), key=lambda d: d.sort_key))
    return result._replace(diagnostics=diagnostics)
