"""Namespace globs (``company.**``, ``team-*``), as the ``project: {namespaces: [...]}`` config and
``flowlint graph --namespace`` take them."""

from __future__ import annotations

import re


def _glob_regex(glob: str) -> str:
    """``glob`` as a regular expression over a namespace followed by a dot (see :func:`matches_namespace`)."""
    pieces: list[str] = []
    for part in glob.split("."):
        if part == "**":
            pieces.append("(?:[^.]+\\.)*")
        else:
            pieces.append(re.escape(part).replace("\\*", "[^.]*") + "\\.")
    return "".join(pieces)


def matches_namespace(glob: str, namespace: str) -> bool:
    """Whether ``namespace`` matches the namespace glob ``glob``: ``*`` is one segment (or part of one:
    ``team-*``), ``**`` any number of segments, none included (``company.**`` takes ``company`` and
    ``company.a.b``)."""
    return re.fullmatch(_glob_regex(glob), namespace + ".") is not None
