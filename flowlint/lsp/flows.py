"""The project index the language server keeps (:mod:`flowlint.project.index`), one per project (config):
what go-to-definition, find-references and completion know of the other flows.

The files of the project (under the folders ``include`` names, else the config's folder; ``exclude`` and
``.gitignore`` files applied) are read once, on the first question. A file is read again when the client
reports it changed (``workspace/didChangeWatchedFiles``); for a client that reports no changes, the files
are listed again and each ``stat`` compared before a question, unless the last look was less than
:data:`RESCAN_FACTOR` times its own duration ago (a look costs at most a tenth of the time: about 35 ms
every 0.35 s for 900 files). An open document counts with its text in the editor, saved or not. Files are
named by their absolute path.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from flowlint.files import YAML_SUFFIXES, collect
from flowlint.lsp.projects import Project
from flowlint.project.build import read_entries, source_entries
from flowlint.project.index import FileFlows, ProjectIndex
from flowlint.project.store import Stat, stat_of
from flowlint.source import decode, parse

OpenTexts = Callable[[], Mapping[Path, str]]
"""The open documents' texts, by path."""
RESCAN_FACTOR = 10
"""Without change reports, the files are looked at again once this many times the last look's duration
has passed."""


class ProjectFlows:
    """The flows of one project, from disk and from the editor."""

    def __init__(self, project: Project, open_texts: OpenTexts, *, watched: bool) -> None:
        assert project.linter is not None
        self.project = project
        self.settings = project.linter.settings
        self.slots = project.linter.slots
        self.watched = watched
        """Whether the client reports file changes (else every question compares the files' ``stat``)."""
        self._open_texts = open_texts
        self._disk: dict[Path, tuple[Stat | None, FileFlows]] | None = None
        self._open: dict[Path, tuple[str, FileFlows]] = {}
        self._changed: set[Path] = set()
        self._index: ProjectIndex | None = None
        self._next_look = 0.0
        self.reads = 0
        """How many files were read from disk: for tests and logs."""

    def holds(self, path: Path) -> bool:
        """Whether ``path`` is a flow file of the project: YAML, under its folders, not excluded."""
        if not path.name.lower().endswith(YAML_SUFFIXES) or self.project.excluded(path):
            return False
        return any(root == path or root in path.parents for root in self._roots())

    def _roots(self) -> list[Path]:
        """The folders ``include`` names, else the config's folder."""
        return [self.settings.root / p for p in self.settings.include] or [self.settings.root]

    def changed(self, paths: Iterable[Path]) -> None:
        """The client reports these files created, changed or deleted on disk."""
        for path in paths:
            if self._disk is not None and (path in self._disk or self.holds(path)):
                self._changed.add(path)
                self._index = None

    def index(self) -> ProjectIndex:
        """The index as the files and the open documents are now."""
        if self._disk is None:
            self._disk = {}
            self._read(self._listed())
        elif not self.watched and time.monotonic() >= self._next_look:
            self._look_again()
        if self._changed:
            changed, self._changed = sorted(self._changed), set()
            for path in changed:
                self._disk.pop(path, None)
            self._read([path for path in changed if path.is_file()])
        self._update_open()
        if self._index is None:
            files = [found for path, (_, found) in self._disk.items() if path not in self._open]
            files += [found for _, found in self._open.values()]
            self._index = ProjectIndex.of_files(files, self.settings.project_namespaces)
        return self._index

    def _look_again(self) -> None:
        """List the files again: read the new and changed ones, forget the gone ones."""
        assert self._disk is not None
        started = time.monotonic()
        listed = self._listed()
        gone = [path for path in self._disk if path not in listed]
        for path in gone:
            del self._disk[path]
        self._read([path for path in listed if path not in self._disk or self._disk[path][0] != stat_of(path)])
        if gone:
            self._index = None
        finished = time.monotonic()
        self._next_look = finished + RESCAN_FACTOR * (finished - started)

    def text(self, path: Path) -> str | None:
        """The text the index read ``path`` from: the editor's when it is open, else the file's."""
        opened = self._open.get(path)
        if opened is not None:
            return opened[0]
        try:
            text = decode(path.read_bytes())
        except OSError:
            return None
        return text if isinstance(text, str) else None

    def _listed(self) -> set[Path]:
        """The project's files now (``exclude`` and ``.gitignore`` files applied)."""
        root = self.settings.root
        found = collect([r for r in self._roots() if r.is_dir()], root, root, self.settings.exclude)
        return {_absolute(candidate.path, root) for candidate in found}

    def _read(self, paths: Iterable[Path]) -> None:
        assert self._disk is not None
        for path in paths:
            stat = stat_of(path)
            self._disk[path] = (stat, FileFlows.of(str(path), read_entries(path, str(path), self.slots)))
            self.reads += 1
            self._index = None

    def _update_open(self) -> None:
        texts = {path: text for path, text in self._open_texts().items() if self.holds(path)}
        for path in [path for path in self._open if path not in texts]:
            del self._open[path]
            self._index = None
        for path, text in texts.items():
            known = self._open.get(path)
            if known is None or known[0] != text:
                self._open[path] = (text, FileFlows.of(str(path), source_entries(parse(str(path), text), self.slots)))
                self._index = None


def _absolute(path: Path, root: Path) -> Path:
    return path if path.is_absolute() else root / path
