"""The settings, manifest and Linter each document is checked with, found as ``flowlint check`` finds
them (the nearest config at or above the document's folder), loaded once and reloaded when a file they
were read from changes (checked by modification time and size before every lint)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pathspec import GitIgnoreSpec

from flowlint.config import Settings, find_config
from flowlint.errors import UsageError
from flowlint.files import compile_patterns, matches
from flowlint.lint import Linter
from flowlint.manifest.model import Manifest
from flowlint.rules import enabled_codes
from flowlint.run import load_config, load_manifest

Stamp = tuple[int, int] | None
"""A file's (mtime_ns, size); None when it cannot be read."""


def stamp(path: Path) -> Stamp:
    """What tells that ``path`` changed."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


@dataclass
class Project:
    """Everything one config (or none) gives: a ready Linter, or the error that prevents one."""

    config: Path | None
    root: Path
    linter: Linter | None
    error: str | None
    stamps: dict[Path, Stamp] = field(default_factory=dict)
    _excluded: GitIgnoreSpec | None = None

    @property
    def settings(self) -> Settings | None:
        """The settings, when they loaded."""
        return self.linter.settings if self.linter is not None else None

    @property
    def manifest(self) -> Manifest | None:
        """The manifest, when it loaded."""
        return self.linter.manifest if self.linter is not None else None

    def stale(self) -> bool:
        """Whether a file the project was read from changed since."""
        return any(stamp(path) != before for path, before in self.stamps.items())

    def excluded(self, path: Path) -> bool:
        """Whether the config's ``exclude`` rules ``path`` out (as ``flowlint check --force-exclude``)."""
        settings = self.settings
        if settings is None or not settings.exclude:
            return False
        if self._excluded is None:
            self._excluded = compile_patterns(settings.exclude)
        return self._excluded is not None and matches(self._excluded, path, settings.root)

    def owns(self, path: Path) -> bool:
        """Whether ``path`` is one of the files the project was read from (config, manifest)."""
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):
            return False
        return any(resolved == p.resolve() for p in self.stamps)


class Projects:
    """A cache of projects by config file (or, without one, by root folder), with a shared catalog."""

    def __init__(self) -> None:
        self._projects: dict[tuple[Path | None, Path], Project] = {}
        self.loads = 0
        """How many times a project was (re)loaded: for tests and logs."""

    def for_folder(self, folder: Path, fallback_root: Path) -> Project:
        """The project of a document in ``folder``: reloaded first when one of its files changed."""
        config = find_config(folder) if folder.is_dir() else None
        key = (config, fallback_root if config is None else config.parent)
        project = self._projects.get(key)
        if project is None or project.stale():
            project = self._load(config, key[1])
            self._projects[key] = project
        return project

    def stale(self) -> list[Project]:
        """The cached projects whose files changed (dropped from the cache: the next lint reloads them)."""
        changed = [key for key, project in self._projects.items() if project.stale()]
        return [self._projects.pop(key) for key in changed]

    def clear(self) -> None:
        """Forget every project (the next lint reloads)."""
        self._projects.clear()

    @property
    def projects(self) -> Iterable[Project]:
        """The cached projects."""
        return self._projects.values()

    def _load(self, config: Path | None, root: Path) -> Project:
        self.loads += 1
        watched: list[Path] = [config] if config is not None else []
        stamps = {p: stamp(p) for p in watched}  # taken before reading: a change while reading reloads
        try:
            settings = load_config(config, root)
            extra = _kestra_files(settings)
            stamps.update({p: stamp(p) for p in (*settings.manifests, *extra)})
            manifest = load_manifest(settings.manifests, settings)
        except UsageError as error:
            return Project(config, root, None, str(error), stamps)
        except (OSError, ValueError, RecursionError, MemoryError) as error:
            return Project(config, root, None, _unreadable(config, root, error), stamps)
        linter = Linter(settings, manifest, enabled_codes(settings.select, settings.ignore))
        return Project(config, root, linter, None, stamps)


def _unreadable(config: Path | None, root: Path, error: Exception) -> str:
    """What a config, or a file it names, that could not be read says (where no UsageError did)."""
    if isinstance(error, RecursionError):
        reason = "nested too deeply to read"
    elif isinstance(error, MemoryError):
        reason = "too large to read"
    else:
        reason = f"{type(error).__name__}: {error}"
    return f"config {config} (or a file it names): {reason}" if config else f"settings for {root}: {reason}"


def _kestra_files(settings: Settings) -> list[Path]:
    """The Kestra configuration a config's ``kestraConfig`` named, when settings came from it."""
    origins = {settings.default_version_origin, *(d.origin for d in settings.global_defaults)}
    config = str(settings.config_path) if settings.config_path is not None else None
    return [Path(o) for o in origins if o != config and o != "Kestra's default" and Path(o).is_file()]
