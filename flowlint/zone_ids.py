"""Java's ``ZoneId.of``, as Kestra's ``@TimezoneId`` validator calls it: which time zone ids it accepts."""

from __future__ import annotations

import re
from functools import cache


@cache
def region_ids() -> frozenset[str]:
    """The IANA ids this Python knows (empty when it has no time zone data: then nothing is claimed)."""
    import zoneinfo  # only for a Schedule with a time zone

    return frozenset(zoneinfo.available_timezones())


def zone_id_valid(zone: str, regions: frozenset[str]) -> bool:
    """Whether Java's ``ZoneId.of`` accepts ``zone``: an offset (``Z``, ``+2``, ``-05:30``), an offset after
    ``UTC``, ``GMT`` or ``UT`` (``UTC+2``, ``GMT``), or a region id of ``regions`` (case-sensitive)."""
    if len(zone) <= 1 or zone[0] in "+-":
        return _offset_valid(zone)
    for prefix in ("UTC", "GMT", "UT"):
        if zone.startswith(prefix):
            rest = zone[len(prefix) :]
            if not rest:
                return True
            if rest[0] in "+-":
                return _offset_valid(rest)
            break
    return zone in regions


_OFFSET = re.compile(r"[+-]([0-9]{1,2})(?::?([0-9]{2})(?::?([0-9]{2}))?)?")
_OFFSET_FORMS = re.compile(r"[+-](?:[0-9]|[0-9]{2}|[0-9]{4}|[0-9]{2}:[0-9]{2}|[0-9]{6}|[0-9]{2}:[0-9]{2}:[0-9]{2})")


def _offset_valid(text: str) -> bool:
    """Java's ``ZoneOffset.of``: ``Z``, ``±h``, ``±hh``, ``±hh:mm``, ``±hhmm``, ``±hh:mm:ss``, ``±hhmmss``,
    up to 18 hours."""
    if text == "Z":
        return True
    if _OFFSET_FORMS.fullmatch(text) is None:
        return False
    match = _OFFSET.fullmatch(text)
    assert match is not None  # every form above is one of its shapes
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    return minutes <= 59 and seconds <= 59 and hours * 3600 + minutes * 60 + seconds <= 18 * 3600
