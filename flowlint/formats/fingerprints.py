"""Stable identities for findings, shared by the CI formats (SARIF, GitLab Code Quality).

A fingerprint hashes the file, the code, the YAML path and the message with its line numbers blanked
out, never the finding's position: it survives edits elsewhere in the file (lines added above move a
finding, they do not make it new). Findings that would share one are told apart by their order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from flowlint.diagnostics import Diagnostic

_LINE_NUMBERS = re.compile(r"\b(lines?) \d+(?:[:\-]\d+)*")


def fingerprints(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """One hex SHA-256 per finding, in the given order; distinct within one report."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for d in diagnostics:
        message = _LINE_NUMBERS.sub(r"\1 N", d.message)
        key = "\x00".join((d.path, d.code, d.yaml_path, message))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        if occurrence:
            key += f"\x00{occurrence}"
        out.append(hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest())
    return out
