"""Which files a run checks: the paths given, folders expanded to their YAML files.

Folders are walked for ``*.yml``/``*.yaml``, skipping what ``exclude`` (gitignore-style patterns,
relative to the config's folder) and every ``.gitignore`` on the way rule out. A path named
explicitly is always checked (as ruff and ripgrep do), unless ``force_exclude`` is set (pre-commit
passes files one by one).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from operator import attrgetter
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


def compile_patterns(patterns: Sequence[str]) -> GitIgnoreSpec | None:
    """The patterns compiled, or None when there is none (nothing to match, nothing to import)."""
    if not any(line.strip() and not line.lstrip().startswith("#") for line in patterns):
        return None
    from pathspec import GitIgnoreSpec  # imported only when patterns are matched (it is slow to import)

    return GitIgnoreSpec.from_lines(patterns)


def display_name(path: Path, cwd: Path) -> str:
    """``path`` relative to ``cwd`` when it is below it, else as an absolute path (``..`` resolved, as the
    project walk names it); always with ``/``."""
    absolute = path if path.is_absolute() else cwd / path
    # the folders resolved, not the file: a symlink is named as itself (and a looping or dangling one does
    # not fail here; reading it reports why)
    named = absolute.parent.resolve() / absolute.name
    try:
        return named.relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return named.as_posix()


def collect(
    paths: Sequence[Path], cwd: Path, root: Path, exclude: Sequence[str], force_exclude: bool = False
) -> Iterator[Candidate]:
    """Every file to check under ``paths``, each once, folders in sorted order.

    A path named here is checked whatever ``exclude`` and the ``.gitignore`` files say, and so is what a
    named folder holds, except what they rule out below it (a pattern that rules out the named folder
    itself does not apply inside it). With ``force_exclude`` they apply to named paths too.
    """
    excluded = compile_patterns(exclude)
    seen: set[Path] = set()
    resolved_root = root.resolve()
    for given in paths:
        absolute = given if given.is_absolute() else cwd / given
        if force_exclude and is_excluded(absolute, resolved_root, excluded):
            continue
        if absolute.is_dir():
            prefix = str(cwd.resolve()) + os.sep
            for batch in _walk(absolute, resolved_root, excluded):
                for text in batch:
                    found = Path(text)  # walked paths are canonical: no resolve() per file
                    if found not in seen:
                        seen.add(found)
                        display = (
                            text[len(prefix) :].replace(os.sep, "/") if text.startswith(prefix) else found.as_posix()
                        )
                        yield Candidate(found, display)
        else:
            key = absolute.resolve() if absolute.exists() else absolute
            if key not in seen:
                seen.add(key)
                yield Candidate(absolute, display_name(absolute, cwd))


def is_excluded(path: Path, root: Path, excluded: GitIgnoreSpec | None) -> bool:
    """Whether ``exclude`` (relative to ``root``) or a ``.gitignore`` above ``path`` rules it out, the
    folders on the way included (what ``--force-exclude`` applies to a named path)."""
    try:
        resolved = path.parent.resolve() / path.name
    except (OSError, RuntimeError):
        return False
    ignores = _outer_ignores(resolved.parent, root)
    own = _gitignore(resolved.parent)
    if own is not None:
        ignores.append((resolved.parent, own))
    return _ignored(str(resolved), path.is_dir(), root, excluded, ignores)


def root_relative(path: Path, root: Path) -> str | None:
    """``path`` (symlinks resolved) relative to the config's folder ``root``, with ``/``; None when it is
    not below it or cannot be resolved. What ``exclude`` and ``perFileIgnores`` patterns are matched with."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return None


def matches(spec: GitIgnoreSpec, path: Path, root: Path) -> bool:
    """Whether gitignore-style ``spec`` (relative to ``root``) matches ``path``."""
    relative = root_relative(path, root)
    return relative is not None and spec.match_file(relative)


def _unblocked(spec: GitIgnoreSpec, base: Path, top: Path) -> GitIgnoreSpec | None:
    """``spec`` (of a file in ``base``) without the patterns that rule out ``top`` or a folder between
    them: a folder named on the command line is walked even when an ignore rule names it."""
    below = _relative(str(top), base)
    if below is None:
        return spec
    parts = below.split("/")
    folders = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    kept = [p for p in spec.patterns if not (p.include and any(p.match_file(f) is not None for f in folders))]
    if len(kept) == len(spec.patterns):
        return spec
    return type(spec)(kept) if any(p.include for p in kept) else None


def _gitignore(folder: Path) -> GitIgnoreSpec | None:
    gitignore = folder / ".gitignore"
    with contextlib.suppress(OSError):
        return compile_patterns(gitignore.read_text("utf-8", errors="replace").splitlines())
    return None


def _outer_ignores(top: Path, root: Path, read: list[str] | None = None) -> list[tuple[Path, GitIgnoreSpec]]:
    """The ``.gitignore`` files of the folders above ``top``: up to the repository's root (the folder
    holding ``.git``), or, outside a repository, up to ``root``. ``read``: receives the paths whose presence
    or content decided it."""
    above: list[Path] = []
    if read is not None:
        read.append(str(top / ".git"))
    if not (top / ".git").exists():
        for folder in top.parents:
            above.append(folder)
            if read is not None:
                read.append(str(folder / ".git"))
            if (folder / ".git").exists():
                break
        else:
            above = [folder for folder in above if folder == root or root in folder.parents]
    if read is not None:
        read.extend(str(folder / ".gitignore") for folder in above)
    found = ((folder, _gitignore(folder)) for folder in reversed(above))
    return [(folder, spec) for folder, spec in found if spec is not None]


_NAME = attrgetter("name")


def walk_names(
    folders: Sequence[Path], cwd: Path, root: Path, exclude: Sequence[str], read: list[str] | None = None
) -> Iterator[tuple[list[str], list[str]]]:
    """(paths, display names) of the YAML files under ``folders``, a pair of lists per folder (a file under two
    of them twice), as :func:`collect` finds them (``exclude`` and ``.gitignore`` files applied): no Path
    object per file (the project index walks every file of a repository on each run, even a pre-commit run
    on one file). ``read``: receives every path whose presence, content or entries decided what was found
    (the folders listed, the ``.gitignore`` files read or looked for, the ``.git`` looked for)."""
    excluded = compile_patterns(exclude)
    resolved_root = root.resolve()
    prefix = str(cwd.resolve()) + os.sep
    cut = len(prefix)
    for folder in folders:
        for batch in _walk(folder if folder.is_absolute() else cwd / folder, resolved_root, excluded, read):
            if not batch[0].startswith(prefix):  # a folder outside the working folder: named by its path
                yield batch, batch
            elif os.sep == "/":
                yield batch, [text[cut:] for text in batch]
            else:
                yield batch, [text[cut:].replace(os.sep, "/") for text in batch]


def _walk(
    top: Path, resolved_root: Path, excluded: GitIgnoreSpec | None, read: list[str] | None = None
) -> Iterator[list[str]]:
    """The paths of the YAML files under ``top``, a list per folder (none empty), folders in sorted order
    (``read``: see :func:`walk_names`)."""
    start = top.resolve()
    if excluded is not None:
        excluded = _unblocked(excluded, resolved_root, start)
    outer = [(base, _unblocked(spec, base, start)) for base, spec in _outer_ignores(start, resolved_root, read)]
    stack: list[tuple[Path, list[tuple[Path, GitIgnoreSpec]]]] = [
        (start, [(base, spec) for base, spec in outer if spec is not None])
    ]
    while stack:
        folder, ignores = stack.pop()
        if read is not None:
            read += (str(folder), str(folder / ".gitignore"))
        spec = _gitignore(folder)
        if spec is not None:
            ignores = [*ignores, (folder, spec)]
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=_NAME)
        except OSError:
            continue
        checks = excluded is not None or bool(ignores)
        subfolders = []
        batch = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name in _ALWAYS_SKIPPED or (
                    checks and _ignored(entry.path, True, resolved_root, excluded, ignores)
                ):
                    continue
                subfolders.append((Path(entry.path), ignores))
            elif (
                entry.name.endswith(YAML_SUFFIXES)
                and (entry.is_symlink() or entry.is_file())  # a link is yielded as it is: reading it says why it fails
                and not (checks and _ignored(entry.path, False, resolved_root, excluded, ignores))
            ):
                batch.append(entry.path)
        if batch:
            yield batch
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
