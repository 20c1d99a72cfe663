"""The class files of every JAR of a folder, read on demand: a plugin's classes and the classes they extend
or use, found in the plugin's own JAR first, then in the other JARs of the folder (libraries too), never in
another version of the same plugin."""

from __future__ import annotations

import zipfile
import zlib
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from flowlint.manifest.jars.classfile import ClassInfo, parse_class


class Unreadable(Exception):
    """A class file that is in the folder but cannot be read (or, ``missing``, that its JAR lacks)."""

    def __init__(self, label: str, internal_name: str, missing: bool = False) -> None:
        problem = "has no class file" if missing else "cannot read the class file"
        super().__init__(f"{label}: {problem} {internal_name}.class")
        self.label = label
        self.internal_name = internal_name


@dataclass(frozen=True)
class Found:
    """A class read from a JAR of the folder."""

    info: ClassInfo
    jar: Path
    label: str


class ClassPath:
    """The folder's JARs as one class path (use as a context manager: the JARs are closed at its end)."""

    def __init__(self, jars: list[tuple[Path, str, str | None]]) -> None:
        """``jars``: (path, label, ``group:artifact`` of the plugin it holds, None for a library), in
        folder order."""
        self._jars = jars
        self._stack = ExitStack()
        self._open: dict[Path, zipfile.ZipFile | None] = {}
        self._artifacts = {path: artifact for path, _, artifact in jars}
        self._labels = {path: label for path, label, _ in jars}
        self._where: dict[str, list[Path]] | None = None
        self._read: dict[tuple[Path, str], ClassInfo | None] = {}

    def __enter__(self) -> ClassPath:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stack.close()

    def label(self, path: Path) -> str:
        """How warnings name the JAR at ``path``."""
        return self._labels[path]

    def find(self, internal_name: str, home: Path) -> Found | None:
        """The class ``internal_name`` as the plugin in ``home`` sees it; None when no JAR of the folder has
        it. Raises :class:`Unreadable` when the JAR that has it cannot give a class file."""
        for path in self._candidates(internal_name, home):
            info = self._class(path, internal_name)
            if info is None:
                raise Unreadable(self._labels[path], internal_name)
            return Found(info, path, self._labels[path])
        return None

    def _candidates(self, internal_name: str, home: Path) -> list[Path]:
        where = self._index().get(internal_name + ".class", [])
        if home in where:
            return [home]
        artifact = self._artifacts.get(home)
        return [p for p in where if artifact is None or self._artifacts[p] != artifact][:1]

    def _index(self) -> dict[str, list[Path]]:
        if self._where is None:
            self._where = {}
            for path, _, _ in self._jars:
                archive = self._archive(path)
                for name in archive.namelist() if archive is not None else ():
                    if name.endswith(".class"):
                        self._where.setdefault(name, []).append(path)
        return self._where

    def _archive(self, path: Path) -> zipfile.ZipFile | None:
        if path not in self._open:
            try:
                self._open[path] = self._stack.enter_context(zipfile.ZipFile(path))
            except (OSError, zipfile.BadZipFile, ValueError):
                self._open[path] = None
        return self._open[path]

    def _class(self, path: Path, internal_name: str) -> ClassInfo | None:
        key = (path, internal_name)
        if key not in self._read:
            archive = self._archive(path)
            info = None
            try:
                info = parse_class(archive.read(internal_name + ".class")) if archive is not None else None
            except (OSError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError):
                info = None
            self._read[key] = info
        return self._read[key]
