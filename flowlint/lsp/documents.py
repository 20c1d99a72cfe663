"""The language server's helpers about documents: the text linted, which documents are YAML, their
paths, the FL7xx findings of a document on its project index, and where a related place in another file is."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from flowlint.diagnostics import Diagnostic, Related
from flowlint.files import YAML_SUFFIXES
from flowlint.lsp.findings import Elsewhere
from flowlint.lsp.flows import ProjectFlows
from flowlint.lsp.positions import LineIndex
from flowlint.project.index import ProjectIndex
from flowlint.rules.repository import project_findings

YAML_LANGUAGES = frozenset({"yaml", "yml", "kestra"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def project_findings_of(flows: ProjectFlows, display: str, index: ProjectIndex | None = None) -> list[Diagnostic]:
    """The FL7xx findings of the file ``display`` on ``index``, by default the project index as it is now."""
    linter = flows.project.linter
    assert linter is not None
    judged = index if index is not None else flows.index()
    return project_findings(judged, display, linter.settings, linter.enabled_for(display))


def elsewhere(flows: ProjectFlows | None, encoding: str) -> Elsewhere | None:
    """Where a related place in another file of the project is, in its text as the index read it (None:
    no project index)."""
    if flows is None:
        return None

    def locate(place: Related) -> types.Location | None:
        text = flows.text(Path(place.path))
        return types.Location(Path(place.path).as_uri(), LineIndex(text, encoding).range(place.span)) if text else None

    return locate


def lintable(text: str) -> str:
    """The text as a file would hold it: a lone surrogate (which no file can) becomes U+FFFD, as an
    editor saving it writes; positions do not move (both take as many code units in every LSP encoding)."""
    return _SURROGATE.sub("\ufffd", text) if not text.isascii() else text


def is_yaml(document: TextDocument) -> bool:
    language = (document.language_id or "").lower()
    return language in YAML_LANGUAGES or document.uri.lower().endswith(YAML_SUFFIXES)


def fs_path(uri: str) -> Path | None:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 else default
