"""The text files of a JAR's ``META-INF``: the main section of ``MANIFEST.MF``, a ``services`` file and a
Maven ``pom.properties``."""

from __future__ import annotations

import re

SERVICES_FILE = "META-INF/services/io.kestra.core.models.Plugin"
MANIFEST_FILE = "META-INF/MANIFEST.MF"


def parse_manifest_mf(raw: bytes) -> dict[str, str]:
    """The main attributes of a JAR manifest, keyed by lower-cased name (names are case-insensitive)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    logical: list[bytes] = []
    for line in re.split(rb"\r\n|\r|\n", raw):
        if not line:
            break  # the main section ends at the first empty line
        if line.startswith(b" ") and logical:
            logical[-1] += line[1:]
        else:
            logical.append(line)
    attributes: dict[str, str] = {}
    for line in logical:
        name, sep, value = line.partition(b":")
        if not sep:
            continue
        text = value[1:] if value.startswith(b" ") else value
        key = name.decode("utf-8", "replace").strip().lower()
        attributes.setdefault(key, text.decode("utf-8", "replace").strip())
    return attributes


def parse_services(raw: bytes) -> list[str]:
    """The class names of a ``META-INF/services`` file, in order, without comments and blanks."""
    names: list[str] = []
    for line in raw.decode("utf-8", "replace").splitlines():
        name = line.split("#", 1)[0].strip()
        if name and name not in names:
            names.append(name)
    return names


def parse_pom_properties(raw: bytes) -> dict[str, str]:
    """``key=value`` lines of a Maven ``pom.properties`` (``#`` comments)."""
    values: dict[str, str] = {}
    for line in raw.decode("utf-8", "replace").splitlines():
        stripped = line.strip()
        if not stripped or stripped[0] in "#!":
            continue
        key, sep, value = stripped.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    return values
