"""The project index of a run: the flows of every file of the project, from the files the run checked, the
persistent cache (:mod:`flowlint.project.store`), or, when the cache does not have them (absent, damaged,
the file changed), read again (:func:`flowlint.project.build.read_entries`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from flowlint.batch import in_workers
from flowlint.config import Settings
from flowlint.files import walk_names
from flowlint.flow import Slots
from flowlint.project.build import read_entries
from flowlint.project.entries import FlowEntry
from flowlint.project.index import FileFlows, ProjectIndex
from flowlint.project.pack import RACY_NS, Walked
from flowlint.project.store import IndexStore, Stat, StoredRows, now_ns, stat_at, stats_of
from flowlint.stamps import digest, file_key

PARALLEL_THRESHOLD = 100
"""Fewer files than this to read for the index are read in this process."""


def project_folders(settings: Settings, checked: Iterable[Path] = ()) -> list[Path]:
    """The folders of the project: those ``include`` names (that exist), else the config's folder. Without a
    config, the top of the git work tree that holds the working folder (where pre-commit and CI run), else the
    folders that hold the ``checked`` files (a run on a file outside any repository does not read all that
    lies under the working folder)."""
    if settings.include:
        roots = [settings.root / p for p in settings.include]
    elif settings.config_path is not None:
        roots = [settings.root]
    else:
        top = next((d for d in (settings.root, *settings.root.parents) if (d / ".git").exists()), None)
        if top is not None:
            roots = [top]
        else:
            root = str(settings.root)
            folders = sorted({os.path.join(os.path.dirname(os.path.join(root, path)), "") for path in checked})
            tops: list[str] = []  # sorted with a separator after each, what a folder holds comes right after it
            for folder in folders:
                if not tops or not folder.startswith(tops[-1]):
                    tops.append(folder)
            roots = [Path(folder) for folder in tops]
    return [root for root in roots if root.is_dir()]


class CheckedFile(NamedTuple):
    """A file the run checked, whose content it read: where it is, its content key, and its entries when the
    run parsed it (None when its result came from the result cache)."""

    path: str
    key: str
    entries: tuple[FlowEntry, ...] | list[FlowEntry] | None


class ProjectWalk:
    """The files of the project (``displays``, ``paths``), each with the ``stat`` taken as it was walked, and
    the row of the index store that still stands for each (-1: none, the file changed, or is new)."""

    def __init__(self, store: IndexStore, displays: list[str], paths: list[str]) -> None:
        unique = dict(zip(displays, paths, strict=True))  # a file under two of the folders walked: once, where
        if len(unique) < len(displays):  # first met (a display name stands for one path)
            displays, paths = list(unique), list(unique.values())
        self.at = dict(zip(displays, range(len(displays)), strict=True))
        """display name -> where it was walked."""
        self.displays = displays
        self.paths = paths
        self.stats = stats_of(paths)
        self.rows = store.unchanged(displays, self.stats)
        self._store = store

    def stored_content(self, display: str) -> str | None:
        """The content key of the file ``display`` when its stored row stands (its content is the one the store
        read: a run need not read it again)."""
        at = self.at.get(display)
        row = -1 if at is None else self.rows[at]
        return self._store.content_at(row) if row >= 0 else None

    def add(self, path: str, display: str) -> None:
        """Take in a file the walk did not meet (given on the command line outside the project)."""
        if display not in self.at:
            stat = stats_of((path,))
            self.at[display] = len(self.displays)
            self.displays.append(display)
            self.paths.append(path)
            self.stats.extend(stat)
            self.rows.extend(self._store.unchanged([display], stat))


def walk_project(settings: Settings, cwd: Path, store: IndexStore, checked: Iterable[Path] = ()) -> ProjectWalk:
    """The files of the project of ``settings`` (named relative to ``cwd``; ``checked``: the paths of the files
    the run checks, which place the project when there is no config, see :func:`project_folders`), one
    ``stat`` each. When nothing the last walk read has changed (folders listed, ``.gitignore`` files, the
    ``.git`` looked for: one ``stat`` each), its files are taken from the store without walking."""
    folders = project_folders(settings, checked)
    prefix = str(cwd.resolve()) + os.sep
    walked = [str(f.resolve()) for f in folders]  # a symlink on the way re-pointed walks other folders
    key = digest(repr((prefix, walked, str(settings.root.resolve()), settings.exclude)).encode())
    known = store.walked(key)
    displays = store.table.displays[: known.files] if known is not None else []
    if known is not None and stats_of(known.read) == known.stats and not any("\0" in d for d in displays):
        store.remember_walk(known, displays)
        sep = os.sep != "/"
        paths = [d if os.path.isabs(d) else prefix + (d.replace("/", os.sep) if sep else d) for d in displays]
        return ProjectWalk(store, displays, paths)
    started = now_ns()
    read: list[str] = []
    displays, paths = [], []
    for batch, names in walk_names(folders, cwd, settings.root, settings.exclude, read):
        paths += batch
        displays += names
    walk = ProjectWalk(store, displays, paths)
    stats = stats_of(read)  # taken after the listing: a change since the walk began must not be remembered,
    # even one whose mtime was set back (rsync -a, tar x): its ctime shows it
    if all(max(stats[i + 1], stats[i + 2]) <= started - RACY_NS for i in range(0, len(stats), 4)):
        store.remember_walk(Walked(key, read, stats, len(walk.displays)), list(walk.displays))
    return walk


def gather(
    settings: Settings,
    cwd: Path,
    store: IndexStore,
    fresh: Mapping[str, FileFlows],
    slots: Slots | None = None,
    jobs: int = 1,
    also: Iterable[tuple[str, str]] = (),
    checked: Iterable[Path] = (),
    learnt: Mapping[str, CheckedFile] | None = None,
    started_ns: int = 0,
    walk: ProjectWalk | None = None,
) -> ProjectIndex:
    """The index of the project of ``settings`` (``walk``: its files, walked when not given), of the files in
    ``fresh`` (the flows of files the run just read, by display name; a file of both is taken from
    ``fresh``) and of the files ``also`` names ((path, display name): files a command was given outside the
    project; ``checked``: see :func:`walk_project`). ``learnt``: the files the run checked and whose content
    it read (from ``started_ns`` on), by display name: the store learns them with the ``stat`` the walk
    took. The other files come from ``store`` (unchanged ``stat``, else unchanged content), else are read
    and parsed (in ``jobs`` worker processes when there are many); ``store`` learns what was read."""
    learnt = learnt or {}
    walk = walk or walk_project(settings, cwd, store, checked)
    for path, display in (*also, *((c.path, d) for d, c in learnt.items())):
        walk.add(path, display)
    files = list(fresh.values())
    misses: list[tuple[str, str, str, Stat | None, int]] = []
    skip = {display for display in fresh if display in walk.at}
    todo = {at for at, row in enumerate(walk.rows) if row < 0}
    for display, known_file in learnt.items():
        at = walk.at[display]
        if walk.rows[at] >= 0 and store.content_at(walk.rows[at]) != known_file.key:
            todo.add(at)
            skip.add(display)
    for at in sorted(todo):
        display, path = walk.displays[at], walk.paths[at]
        if display in fresh:
            continue
        checked_file = learnt.get(display)
        stat = stat_at(walk.stats, at)
        if checked_file is not None:
            key, read_ns = checked_file.key, started_ns
            if checked_file.entries is not None:
                store.put(display, key, checked_file.entries, stat, read_ns)
                files.append(FileFlows.of(display, checked_file.entries, key))
                continue
        else:
            read_ns = now_ns()
            try:
                with open(path, "rb") as handle:
                    content = handle.read()
            except OSError:
                continue  # gone, or unreadable: it defines no flow
            key = file_key(display, content)
        known = store.get(key, display, path)
        if known is None:
            misses.append((path, display, key, stat, read_ns))
            continue
        store.note(display, key, stat, read_ns)
        files.append(known)
    items = [(path, display) for path, display, *_ in misses]
    many = jobs > 1 and len(items) >= PARALLEL_THRESHOLD
    read = in_workers(_read_chunk, items, slots, jobs) if many else _read_all(items, slots)
    for (_, display, key, stat, read_ns), entries in zip(misses, read, strict=True):
        files.append(FileFlows.of(display, entries, key))
        store.put(display, key, entries, stat, read_ns)
    store.forget_others(walk.displays)
    stored = StoredRows(store, walk.displays, walk.paths, walk.rows, walk.at, skip)
    index = ProjectIndex.of_files(files, settings.project_namespaces, stored)
    if not todo and not skip and not fresh:  # every file of the project as the store has it
        index.world = store.world(walk.displays)
    return index


def _read_all(items: Sequence[tuple[str, str]], slots: Slots | None) -> list[tuple[FlowEntry, ...]]:
    return [read_entries(path, display, slots) for path, display in items]


def _read_chunk(chunk: tuple[list[tuple[str, str]], Slots | None]) -> list[tuple[FlowEntry, ...]]:
    items, slots = chunk
    return _read_all(items, slots)
