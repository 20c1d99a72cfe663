"""A file's fix: its bytes read and decoded, the text fixed, and the fixed text encoded as the file
was (the same BOM and encoding), with a unified diff of it for ``--diff``. Nothing is written here."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import NamedTuple

from flowlint.diagnostics import FileResult
from flowlint.fix.diff import Differences, unified
from flowlint.fix.plan import FixOptions
from flowlint.fix.proof import FixRefused
from flowlint.fix.text import Change, fix_passes
from flowlint.formats import escape_text
from flowlint.lint import Linter
from flowlint.source import decode

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def encoding_of(data: bytes) -> tuple[bytes, str]:
    """The byte-order mark ``data`` starts with (b'' for none) and the codec of the rest."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return bom, codec
    return b"", "utf-8"


def encode_like(text: str, original: bytes) -> bytes:
    """``text`` encoded as ``original`` was: the same BOM and encoding."""
    bom, codec = encoding_of(original)
    return bom + text.encode(codec, "surrogatepass")


class FileFix(NamedTuple):
    """The outcome for one file."""

    path: Path
    display: str
    original: bytes
    fixed: bytes
    changes: tuple[Change, ...]
    result: FileResult
    """The findings that remain in the fixed text."""
    refused: str | None = None
    """Why the file was left as it was although it had fixes."""
    notes: tuple[str, ...] = ()
    diff: Differences | None = None
    """What ``--diff`` shows, when the text changed."""

    @property
    def changed(self) -> bool:
        """Whether the fixed bytes differ from the original."""
        return self.fixed != self.original


def fix_file(path: Path, display: str, linter: Linter, options: FixOptions) -> FileFix:
    """Fix one file in memory (nothing is written here)."""
    try:
        data = path.read_bytes()
    except OSError:
        return FileFix(path, display, b"", b"", (), linter.lint_path(path, display))
    text = decode(data)
    if not isinstance(text, str) or encode_like(text, data) != data:  # not written back byte for byte
        return FileFix(path, display, data, data, (), linter.lint_bytes(data, display))
    try:
        done = fix_passes(text, display, linter, options)
    except FixRefused as refusal:
        return FileFix(path, display, data, data, (), linter.lint_text(text, display), str(refusal))
    result = done.result if done.result is not None else linter.lint_text(done.text, display)
    fixed = encode_like(done.text, data)
    diff = Differences(tuple(done.regions), *done.shown) if done.shown is not None else None
    return FileFix(path, display, data, fixed, tuple(done.changes), result, notes=tuple(done.notes), diff=diff)


def unified_diff(fix: FileFix) -> str:
    """A unified diff of the fix (``--- a/PATH`` / ``+++ b/PATH``, a name that is not UTF-8 escaped), line
    endings as in the file, literal credentials masked on both sides as in check's snippets."""
    if fix.diff is None:
        return ""
    bom, codec = encoding_of(fix.original)
    before, after = (data[len(bom) :].decode(codec, "surrogatepass") for data in (fix.original, fix.fixed))
    return unified(escape_text(fix.display), before, after, fix.diff)
