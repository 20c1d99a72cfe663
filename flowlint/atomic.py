"""Writing a file so that readers never see half of it, and two writers never corrupt it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from flowlint.errors import UsageError


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` (a symlink: its target) with ``data`` through a temporary file beside it.

    Missing parent folders are created. An existing file keeps its permissions; a new one gets the usual
    ones (0666 less the umask). A failure is a UsageError naming the file, and leaves no temporary file
    behind.
    """
    import tempfile  # off the start-up path: most runs write nothing

    target = Path(os.path.realpath(path))
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
            target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
