"""Kestra's Schedule cron, read as its parser reads it: cron-utils 9.2.1 with Kestra's own definition
(``Schedule.CRON_DEFINITION_BUILDER``, the same from Kestra 0.12 to 1.3).

The definition: minutes 0-59, hours 0-23, day of month 1-31, month 1-12 (``JAN``-``DEC``), day of week
0-7 (``MON``=1 … ``SUN``=7, 7 read as 0), every range strict, none of ``L W LW # ?``; seconds 0-59 first
when ``withSeconds`` is true; the nicknames ``@yearly @annually @monthly @weekly @daily @midnight
@hourly``. :func:`cron_problem` follows cron-utils' ``CronParser.parse``, ``FieldParser`` and
``ValidationFieldExpressionVisitor`` step by step, quirks included (``/5`` is every 5, ``1-5/7`` in the
day of week is a period of 0, a nickname must be written alone and in lower case), and answers with
cron-utils' own message. Where cron-utils throws something else than ``IllegalArgumentException`` (Kestra's
validator would not catch it) or where the expression is a composite with ``|``, nothing is claimed.

No Python cron library reads cron this way: croniter (the best kept) accepts ``L``, ``W``, ``#``, ``?``,
reversed ranges, a 6th field of seconds at the end and upper-case nicknames, and rejects ``/5``; so the
grammar is written out here (tests/rules/test_validation_triggers.py lists those differences).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

NICKNAMES = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_JAVA_BLANKS = re.compile(r"[ \t\n\x0b\f\r]+")
_JAVA_INT = re.compile(r"[+-]?\d+")
_INT_MAX = 2**31 - 1
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_SPECIAL_CHARS = frozenset({"LW", "L", "W", "HASH", "QUESTION_MARK", "NONE"})
"""The names of cron-utils' ``SpecialChar``: ``map`` reads them as special characters in a range."""


class CronError(Exception):
    """cron-utils rejects the expression (an ``IllegalArgumentException``): its message."""


class _Unknown(Exception):
    """cron-utils fails with another exception: what Kestra then answers is not known."""


class Field(NamedTuple):
    """One field of the definition: its name, range, names and the value mapped to another."""

    name: str
    start: int
    end: int
    names: dict[str, int]
    int_mapping: dict[int, int]


_SECOND = Field("second", 0, 59, {}, {})
FIELDS = (
    Field("minute", 0, 59, {}, {}),
    Field("hour", 0, 23, {}, {}),
    Field("day of month", 1, 31, {}, {}),
    Field("month", 1, 12, {name: i + 1 for i, name in enumerate(_MONTHS)}, {}),
    Field("day of week", 0, 7, {name: i + 1 for i, name in enumerate(_DAYS)}, {7: 0}),
)


@lru_cache(maxsize=1024)
def cron_problem(expression: str, with_seconds: bool) -> str | None:
    """Why Kestra's cron parser rejects ``expression`` (cron-utils' message), None when it accepts it
    or when what it would answer is not known (memoised: a repository repeats a few crons)."""
    try:
        _parse(expression, (_SECOND, *FIELDS) if with_seconds else FIELDS)
    except CronError as error:
        return str(error)
    except _Unknown:
        return None
    return None


def _parse(expression: str, fields: tuple[Field, ...]) -> None:
    replaced = _java_trim(_JAVA_BLANKS.sub(" ", expression))
    if not replaced:
        raise CronError("Empty expression!")
    if expression.startswith("@"):
        if expression in NICKNAMES:
            return
        if expression == "@reboot":
            raise CronError("Nickname @reboot not supported!")
    if "||" in expression:
        for part in expression.split("||"):
            _parse(part, fields)
        return
    if "|" in expression:
        raise _Unknown  # a composite per field: cron-utils may fail outside IllegalArgumentException
    parts = replaced.upper().split(" ")
    trailing = next((part for part in parts if part.endswith(",")), None)
    if trailing is not None:
        raise CronError(f"Invalid field value! Trailing commas not permitted! '{trailing}'")
    if len(parts) != len(fields):
        raise CronError(f"Cron expression contains {len(parts)} parts but we expect one of [{len(fields)}]")
    try:
        for part, field in zip(parts, fields, strict=True):
            _FieldReader(field).read(part)
    except CronError as error:
        raise CronError(f"Failed to parse cron expression. {error}") from None


def _java_trim(text: str) -> str:
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def _java_split(text: str, separator: str) -> list[str]:
    """``String.split`` with a literal separator: trailing empty strings are dropped when it matches."""
    parts = text.split(separator)
    if len(parts) == 1:
        return parts
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def _java_int(text: str) -> int:
    """``Integer.parseInt``: a ``NumberFormatException`` is an ``IllegalArgumentException``."""
    if _JAVA_INT.fullmatch(text) is None or abs(value := int(text)) > _INT_MAX:
        raise CronError(f'For input string: "{text}"')
    return value


class _FieldReader:
    """cron-utils' ``FieldParser`` and its validation for one field, read and checked in one go."""

    def __init__(self, field: Field) -> None:
        self.field = field

    def read(self, expression: str) -> None:
        """Parse and validate one field (upper case), raising CronError as cron-utils would."""
        if not any(char in expression for char in "/-,"):
            if "?" in expression:
                raise CronError(f"Invalid expression: {expression}")
            self._single(expression)
            return
        items = _java_split(expression, ",")
        if len(items) > 1:
            for item in items:
                self.read(item)
            return
        bounds = _java_split(expression, "-")
        if "-" in expression and len(bounds) != 2:
            raise CronError(f"Missing values for range: {expression}")
        if bounds[0] == "L":
            self._mapped(bounds[1])
            raise self._invalid_chars(expression)
        if len(bounds) > 1:
            self._between(bounds[0], bounds[1])
        else:
            self._slash(expression)

    def _single(self, expression: str) -> None:
        if expression == "*":
            return
        if "#" in expression:
            raise CronError(f"Invalid expression: {expression}")
        if "LW" in expression:
            if expression != "LW":
                raise CronError(f"Expected: LW, found: {expression.replace('LW', '')}")
            raise self._invalid_chars(expression)
        for special in ("L", "W"):
            if re.search(f"[0-9]{special}", expression) or (special == "L" and expression == "L"):
                rest = expression.replace(special, "")
                if rest:
                    self._mapped(rest)
                raise self._invalid_chars(expression)
        self._in_range(self._mapped(expression))

    def _slash(self, expression: str) -> None:
        values = _java_split(expression, "/")
        if len(values) == 1:
            raise CronError(f"Missing steps for expression: {expression}")
        if len(values) != 2:
            raise CronError(f"Invalid expression: {expression}")
        start, step = values
        if start.strip() == "*" and step == "1":
            return
        if start.strip() not in ("*", ""):
            self._in_range(self._mapped(start))
        self._period(_java_int(step))

    def _between(self, low: str, high: str) -> None:
        if not low or not high:
            raise CronError(
                f"Invalid expression! Expression: {low}-{high} does not describe a range. "
                "Negative numbers are not allowed."
            )
        step: int | None = None
        if "/" in high:
            every = _java_split(high, "/")
            if len(every) < 2:
                raise _Unknown  # cron-utils reads every[1]: an index error, not a validation message
            high, step = every[0], self._mapped(every[1])
        first, last = self._named(low), self._named(high)
        self._in_range(first)
        self._in_range(last)
        if first > last:
            raise CronError(f"Invalid range! [{first},{last}]")
        if step is not None:
            self._period(step)

    def _named(self, text: str) -> int:
        """cron-utils' ``map``: a name or a number, the value mapping not applied (as in a range)."""
        if text in _SPECIAL_CHARS:
            raise CronError("No special characters allowed in range, except for 'L'")
        return self._number(text)

    def _number(self, text: str) -> int:
        """cron-utils' ``stringToInt``: a name of the field, else a Java int."""
        if text in self.field.names:
            return self.field.names[text]
        if _JAVA_INT.fullmatch(text) is None or abs(int(text)) > _INT_MAX:
            raise self._invalid_chars(text)
        return int(text)

    def _mapped(self, text: str) -> int:
        """cron-utils' ``mapToIntegerFieldValue``: a name or a number, then the value mapping (7 -> 0)."""
        value = self._number(text)
        return self.field.int_mapping.get(value, value)

    def _in_range(self, value: int) -> None:
        if not self.field.start <= value <= self.field.end:
            raise CronError(f"Value {value} not in range [{self.field.start}, {self.field.end}]")

    def _period(self, period: int) -> None:
        field = self.field
        if not (0 < period <= field.end - field.start + 1 and period <= field.end):
            raise CronError(f"Period {period} not in range [{field.start}, {field.end}]")

    def _invalid_chars(self, expression: str) -> CronError:
        """cron-utils' message, with what its ``StringValidations.removeValidChars`` leaves of the text."""
        left = re.sub(r"[#?/*0-9]", "", expression.upper())
        if self.field.names:
            left = re.sub(r"\b(" + "|".join(self.field.names) + r")\b", "", left)
        left = re.sub(r"[\s,-]", "", left)
        return CronError(f"Invalid chars in expression! Expression: {expression} Invalid chars: {left}")
