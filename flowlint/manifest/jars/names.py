"""What a plugin JAR's file name says: the coordinates of a versioned plugin repository name
(``PluginArtifact.fromFileName``), or the version of a plain ``<artifactId>-<version>.jar``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flowlint.versions import parse_version

_FILE_VERSION_RE = re.compile(r"\d+(?:_\d+)*(?:-[0-9A-Za-z][0-9A-Za-z._-]*)?")
_COORDINATE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class ArtifactName:
    """What a versioned plugin repository file name says."""

    group_id: str
    artifact_id: str
    classifier: str | None
    version: str


def parse_versioned_name(name: str) -> ArtifactName | None:
    """``io_kestra_plugin__plugin-x[__classifier]__1_2_0[-qualifier].jar`` → coordinates; None otherwise."""
    if not name.lower().endswith(".jar"):
        return None
    parts = name[:-4].split("__")
    if len(parts) not in (3, 4) or not _FILE_VERSION_RE.fullmatch(parts[-1]):
        return None
    if not all(_COORDINATE_RE.fullmatch(part) for part in parts[:-1]):
        return None
    classifier = parts[2] if len(parts) == 4 else None
    return ArtifactName(parts[0].replace("_", "."), parts[1], classifier, parts[-1].replace("_", "."))


def version_from_plain_name(file_name: str, artifact_id: str) -> str | None:
    """The version in ``<artifactId>-<version>.jar``; None for any other name."""
    stem = file_name[:-4] if file_name.lower().endswith(".jar") else file_name
    if stem.startswith(artifact_id + "-"):
        candidate = stem[len(artifact_id) + 1 :]
        if parse_version(candidate) is not None:
            return candidate
    return None
