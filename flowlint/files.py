"""Which files a run checks: the paths given, folders expanded to their YAML files.

Folders are walked for ``*.yml``/``*.yaml``, skipping what ``exclude`` (gitignore-style patterns,
relative to the config's folder) and every ``.gitignore`` on the way rule out. A file named
explicitly is always checked, unless ``force_exclude`` is set (pre-commit passes files one by one).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


YAML_SUFFIXES = (".yml", ".yaml")
_ALWAYS_SKIPPED = frozenset({".git", ".hg", ".svn", ".flowlint_cache", "node_modules", "__pycache__"})


class Candidate(NamedTuple):
    """A file to check, with the name findings use for it."""

    path: Path
    display: str


def _spec(patterns: Sequence[str]) -> GitIgnoreSpec | None:
    """The patterns compiled, or None when there is none (nothing to match, nothing to import)."""
    if not any(line.strip() and not line.lstrip().startswith("#") for line in patterns):
        return None
    from pathspec import GitIgnoreSpec  # imported only when patterns are matched (it is slow to import)

    return GitIgnoreSpec.from_lines(patterns)


def display_name(path: Path, cwd: Path) -> str:
    """``path`` relative to ``cwd`` when it is below it, else as an absolute path; always with ``/``."""
    absolute = path if path.is_absolute() else cwd / path
    try:
        # the folders resolved, not the file: a symlink is named as itself (and a looping or dangling
        # one does not fail here; reading it reports why)
        return (absolute.parent.resolve() / absolute.name).relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


def collect(
    paths: Sequence[Path], cwd: Path, root: Path, exclude: Sequence[str], force_exclude: bool = False
) -> Iterator[Candidate]:
    """Every file to check under ``paths``, each once, folders in sorted order."""
    excluded = _spec(exclude)
    seen: set[Path] = set()
    for given in paths:
        absolute = given if given.is_absolute() else cwd / given
        if absolute.is_dir():
            prefix = str(cwd.resolve()) + os.sep
            for found in _walk(absolute, root, excluded):
                if found not in seen:
                    seen.add(found)
                    text = str(found)  # walked paths are canonical: no resolve() per file
                    display = text[len(prefix) :].replace(os.sep, "/") if text.startswith(prefix) else found.as_posix()
                    yield Candidate(found, display)
        else:
            if force_exclude and excluded is not None and _is_excluded(absolute, root, excluded):
                continue
            key = absolute.resolve() if absolute.exists() else absolute
            if key not in seen:
                seen.add(key)
                yield Candidate(absolute, display_name(absolute, cwd))


def _is_excluded(path: Path, root: Path, excluded: GitIgnoreSpec) -> bool:
    relative = _relative(str(path.resolve()), root.resolve())
    return relative is not None and excluded.match_file(relative)


def _gitignore(folder: Path) -> GitIgnoreSpec | None:
    gitignore = folder / ".gitignore"
    with contextlib.suppress(OSError):
        return _spec(gitignore.read_text("utf-8", errors="replace").splitlines())
    return None


def _outer_ignores(top: Path, root: Path) -> list[tuple[Path, GitIgnoreSpec]]:
    """The ``.gitignore`` files of the folders above ``top``: up to the repository's root (the folder
    holding ``.git``), or, outside a repository, up to ``root``."""
    above: list[Path] = []
    if not (top / ".git").exists():
        for folder in top.parents:
            above.append(folder)
            if (folder / ".git").exists():
                break
        else:
            above = [folder for folder in above if folder == root or root in folder.parents]
    found = ((folder, _gitignore(folder)) for folder in reversed(above))
    return [(folder, spec) for folder, spec in found if spec is not None]


def _walk(top: Path, root: Path, excluded: GitIgnoreSpec | None) -> Iterator[Path]:
    resolved_root = root.resolve()
    start = top.resolve()
    stack: list[tuple[Path, list[tuple[Path, GitIgnoreSpec]]]] = [(start, _outer_ignores(start, resolved_root))]
    while stack:
        folder, ignores = stack.pop()
        spec = _gitignore(folder)
        if spec is not None:
            ignores = [*ignores, (folder, spec)]
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            is_dir = entry.is_dir(follow_symlinks=False)
            if is_dir and entry.name in _ALWAYS_SKIPPED:
                continue
            if not is_dir and not entry.name.endswith(YAML_SUFFIXES):
                continue
            if (excluded is not None or ignores) and _ignored(entry.path, is_dir, resolved_root, excluded, ignores):
                continue
            if is_dir:
                subfolders.append((Path(entry.path), ignores))
            elif entry.is_symlink() or entry.is_file():
                yield Path(entry.path)
        stack.extend(reversed(subfolders))


def _relative(path: str, base: Path) -> str | None:
    """``path`` relative to the folder ``base``, with ``/``; None when it is not below it."""
    prefix = os.path.join(str(base), "")
    return path[len(prefix) :].replace(os.sep, "/") if path.startswith(prefix) else None


def _ignored(
    path: str,
    is_dir: bool,
    root: Path,
    excluded: GitIgnoreSpec | None,
    ignores: Sequence[tuple[Path, GitIgnoreSpec]],
) -> bool:
    suffix = "/" if is_dir else ""
    relative = _relative(path, root)
    if excluded is not None and relative is not None and excluded.match_file(relative + suffix):
        return True
    return any(
        spec.match_file(below + suffix) for base, spec in ignores if (below := _relative(path, base)) is not None
    )
