"""Kestra's plugin version strings: grammar, ordering and matching (SEMANTICS §2-3).

Pure functions, no I/O. Ordering follows ``io.kestra.core.utils.Version``: numbers first, a version
without qualifier above the same numbers with any qualifier, qualifiers ranked by their leading
letters (ALPHA < BETA < SNAPSHOT < RC < RELEASE, unknown labels below ALPHA), then by the number
formed by all digits of the qualifier.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import NamedTuple

_QUALIFIER_RANKS = ("ALPHA", "BETA", "SNAPSHOT", "RC", "RELEASE")
_INT_MAX = 2**31 - 1  # Kestra parses each part with Integer.parseInt

_VERSION_RE = re.compile(
    r"v?(?P<major>\d+)(?:\.(?P<minor>\d+)(?:\.(?P<patch>\d+))?)?"
    r"(?:-(?P<qualifier>[0-9A-Za-z]+(?:[.\-_][0-9A-Za-z]+)*))?",
    re.ASCII,
)
# Kestra 0.22 to 1.0 validated the property with this pattern (full match). Java's \d is ASCII-only.
_LEGACY_PROPERTY_RE = re.compile(r"\d+\.\d+\.\d+(-[a-zA-Z0-9]+)?|[a-zA-Z0-9]+", re.ASCII)


class Keyword(Enum):
    """The version keywords, matched case-insensitively."""

    LATEST = "LATEST"
    OLDEST = "OLDEST"
    NONE = "NONE"


_KEYWORDS = {keyword.value: keyword for keyword in Keyword}


class Version:
    """A parsed Kestra version; ``parts`` is how many numbers were written (1 to 3), ``text`` how it was
    written (not compared). Never changed once made; a plain class because the catalog makes thousands."""

    __slots__ = ("major", "minor", "parts", "patch", "qualifier", "sort_key", "text")

    def __init__(self, major: int, minor: int, patch: int, qualifier: str | None, parts: int, text: str) -> None:
        self.major = major
        self.minor = minor
        self.patch = patch
        self.qualifier = qualifier
        self.parts = parts
        self.text = text
        if qualifier is None:
            key = (major, minor, patch, 1, 0, 0)
        else:
            label = _qualifier_label(qualifier)
            rank = _QUALIFIER_RANKS.index(label) if label in _QUALIFIER_RANKS else -1
            number = (_qualifier_number(qualifier) or 0) if len(label) < len(qualifier) else 0
            key = (major, minor, patch, 0, rank, number)
        self.sort_key: tuple[int, int, int, int, int, int] = key
        """A key under which a greater value is a newer version."""

    def _identity(self) -> tuple[int, int, int, str | None, int]:
        return (self.major, self.minor, self.patch, self.qualifier, self.parts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def __repr__(self) -> str:
        return (
            f"Version(major={self.major}, minor={self.minor}, patch={self.patch}, "
            f"qualifier={self.qualifier!r}, parts={self.parts}, text={self.text!r})"
        )

    def same_release(self, other: Version) -> bool:
        """True when both name the same version (qualifier compared case-insensitively)."""
        return (self.major, self.minor, self.patch) == (other.major, other.minor, other.patch) and (
            (self.qualifier or "").lower() == (other.qualifier or "").lower()
        )

    def __str__(self) -> str:
        return self.text


def _qualifier_label(qualifier: str) -> str:
    match = re.match(r"[^\W\d_]*", qualifier)
    return match.group(0).upper() if match else ""


def _qualifier_number(qualifier: str) -> int | None:
    """The number all digits of ``qualifier`` form (0 without digits), None above a Java int."""
    digits = "".join(ch for ch in qualifier if ch.isdigit())
    return _java_int(digits) if digits else 0


def _java_int(digits: str) -> int | None:
    """``Integer.parseInt`` of ASCII digits: None above 2147483647 (leading zeros allowed, any length)."""
    if len(digits) > 10:
        digits = digits.lstrip("0")
        if len(digits) > 10:
            return None
    number = int(digits or "0")
    return number if number <= _INT_MAX else None


def parse_version(text: str) -> Version | None:
    """Parse ``MAJOR[.MINOR[.PATCH]][-QUALIFIER]`` with an optional leading ``v``; None if invalid.

    Kestra parses each number, and the number all digits of the qualifier form, as a Java int: a
    version where one is above 2147483647 is invalid.
    """
    parts = text.split(".")
    if len(text) <= 32 and len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts):  # common, fast
        major, minor, patch = map(int, parts)
        if max(major, minor, patch) <= _INT_MAX:
            return Version(major, minor, patch, None, 3, text)
        return None
    match = _VERSION_RE.fullmatch(text)
    if match is None:
        return None
    written = [_java_int(n) for n in match.group("major", "minor", "patch") if n is not None]
    given = [n for n in written if n is not None]
    qualifier = match.group("qualifier")
    if len(given) < len(written) or (qualifier is not None and _qualifier_number(qualifier) is None):
        return None
    padded = [*given, 0, 0][:3]
    return Version(
        major=padded[0],
        minor=padded[1],
        patch=padded[2],
        qualifier=qualifier,
        parts=len(given),
        text=text[1:] if text.startswith("v") else text,
    )


def parse_keyword(text: str) -> Keyword | None:
    """Return the keyword ``text`` names, in any case, or None."""
    return _KEYWORDS.get(text.upper())


Request = Keyword | Version


def parse_request(text: str) -> Request | None:
    """Parse a ``version`` value: a keyword or a version; None when it is neither."""
    return parse_keyword(text) or parse_version(text)


def legacy_property_valid(text: str) -> bool:
    """Whether Kestra 0.22 to 1.0 accepted ``text`` as a ``version`` property at all."""
    return _LEGACY_PROPERTY_RE.fullmatch(text) is not None


def newest(versions: Iterable[Version]) -> Version | None:
    """The newest of ``versions`` (the first of equals), or None when empty."""
    best: Version | None = None
    for candidate in versions:
        if best is None or candidate.sort_key > best.sort_key:
            best = candidate
    return best


def oldest(versions: Iterable[Version]) -> Version | None:
    """The oldest of ``versions`` (the first of equals), or None when empty."""
    best: Version | None = None
    for candidate in versions:
        if best is None or candidate.sort_key < best.sort_key:
            best = candidate
    return best


def sort_versions(versions: Iterable[Version]) -> list[Version]:
    """``versions`` from oldest to newest (stable for equal keys)."""
    return sorted(versions, key=lambda v: v.sort_key)


class MatchRules(NamedTuple):
    """Which generation of Kestra's matching applies (SEMANTICS §3)."""

    exact_full_versions: bool = True
    """Kestra >= 1.1: a full version matches only itself. Before: the newest of its major.minor."""


MODERN = MatchRules(exact_full_versions=True)
LEGACY = MatchRules(exact_full_versions=False)


def match(request: Request, installed: Sequence[Version], rules: MatchRules = MODERN) -> Version | None:
    """Select the installed version ``request`` resolves to, or None.

    ``MAJOR`` picks the newest of that major, ``MAJOR.MINOR`` the newest of that minor; a full version
    picks itself only (Kestra >= 1.1) or the newest of its major.minor (before). ``Keyword.NONE``
    never matches: it means "no implicit version".
    """
    if isinstance(request, Keyword):
        if request is Keyword.LATEST:
            return newest(installed)
        if request is Keyword.OLDEST:
            return oldest(installed)
        return None
    if request.parts == 1:
        return newest(v for v in installed if v.major == request.major)
    if request.parts == 2 or not rules.exact_full_versions:
        return newest(v for v in installed if (v.major, v.minor) == (request.major, request.minor))
    return next((v for v in installed if v.same_release(request)), None)


def closest(request: Version, installed: Sequence[Version]) -> Version | None:
    """The installed version to suggest for ``request``.

    In the same major.minor: the oldest at or above it, else the newest below. Otherwise the newest
    version below ``request``, else the oldest above it.
    """
    same_minor = [v for v in installed if (v.major, v.minor) == (request.major, request.minor)]
    pool = same_minor or list(installed)
    key = request.sort_key
    above = [v for v in pool if v.sort_key >= key]
    below = [v for v in pool if v.sort_key < key]
    if same_minor:
        return oldest(above) if above else newest(below)
    return newest(below) if below else oldest(above)


def java_number_text(value: int | float) -> str:
    """The text Kestra sees for a YAML number: Java's ``String.valueOf`` of an Integer, Long or Double."""
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if "." in text else text + ".0"
    from decimal import Decimal

    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    scientific = len(text) - 1 + exponent
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{scientific}"
