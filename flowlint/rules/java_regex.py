"""Whether ``java.util.regex.Pattern.compile`` rejects a pattern, as far as flowlint can be sure (FL601: Kestra's
``@Regex`` on an input's ``validator`` and on SELECT/ENUM/MULTISELECT values).

Python's ``re`` is not Java's: the pattern is rewritten into an ``re`` pattern Java and Python agree on
(Java-only syntax such as ``\\p{L}``, ``\\z``, ``\\Q…\\E``, ``(?<name>…)`` or flags in mid-pattern becomes its
``re`` equivalent), Python-only syntax Java refuses (``(?P<n>…)``, ``{,3}``, ``{x}`` as text) is refused
outright, and the rest is compiled by ``re``. Where the two differ in ways not modelled here (nested classes
and intersections, variable-width look-behind, comments mode), the answer is "not sure" and FL601 is silent.
"""

from __future__ import annotations

import re
import warnings

_QUANTIFIER = re.compile(r"\{(\d+)(,(\d*))?\}")
_GROUP_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9]*")
_PROPERTY = re.compile(r"\{\^?[A-Za-z_][A-Za-z0-9_ =-]*\}|[A-Za-z]")
_JAVA_FLAGS = frozenset("idmsuxUc")
_SIMPLE_ESCAPES = frozenset("tnrfadDsSwWbBAZ")
"""Escapes both engines read alike (outside and, but for the anchors, inside a class)."""
_PLACEHOLDERS = {
    "h": r"\s",
    "H": r"\S",
    "v": r"\s",
    "V": r"\S",
    "R": r"\s",
    "X": ".",
    "e": r"\x1b",
    "z": r"\Z",
    "G": "(?:)",
}
"""Java escapes ``re`` lacks, as an ``re`` atom accepted where they are."""


def _unicode_name(name: str) -> bool:
    import unicodedata  # only for a ``\\N{…}`` escape

    try:
        unicodedata.lookup(name)
    except KeyError:
        return False
    return True


class _Rejected(Exception):
    """Java refuses the pattern."""


class _Unsure(Exception):
    """The engines may differ here: no answer."""


def java_rejects(pattern: str) -> bool | None:
    """True when Java's ``Pattern.compile`` refuses ``pattern``, False when it accepts it, None when unsure."""
    try:
        rewritten = _Rewriter(pattern).run()
    except _Rejected:
        return True
    except _Unsure:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        try:
            re.compile(rewritten)
        except (FutureWarning, OverflowError, RecursionError):
            return None
        except re.error as error:
            return None if _differs(error, rewritten) else True
    return False


def _differs(error: re.error, rewritten: str) -> bool:
    """Whether ``re``'s error may be one Java does not raise."""
    message = str(error.msg)
    if "look-behind" in message or "bad character range" in message or "bad escape" in message:
        return True
    at = error.pos or 0
    if message.startswith("nothing to repeat"):
        return at > 0 and rewritten[at - 1] not in "(|"
    return message.startswith("multiple repeat") and rewritten[at : at + 1] == "{"


class _Rewriter:
    """One pass over a Java pattern, writing its ``re`` equivalent (or raising _Rejected / _Unsure)."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.at = 0
        self.out: list[str] = []
        self.names: set[str] = set()

    def run(self) -> str:
        while self.at < len(self.text):
            char = self.text[self.at]
            if char == "\\":
                self.out.append(self._escape(in_class=False))
            elif char == "[":
                self._class()
            elif char == "(":
                self._group()
            elif char == "{":
                self._brace()
            else:
                self.out.append(char)
                self.at += 1
        return "".join(self.out)

    def _escape(self, in_class: bool) -> str:
        """The ``re`` text of the escape at ``self.at`` (moves past it)."""
        if self.at + 1 >= len(self.text):
            raise _Rejected  # a trailing backslash
        char = self.text[self.at + 1]
        self.at += 2
        if char == "Q":
            end = self.text.find("\\E", self.at)
            quoted = self.text[self.at :] if end < 0 else self.text[self.at : end]
            self.at = len(self.text) if end < 0 else end + 2
            return "".join("\\" + c if not c.isalnum() else c for c in quoted)
        if char in ("p", "P"):
            found = _PROPERTY.match(self.text, self.at)
            if found is None:
                raise _Unsure
            self.at = found.end()
            return r"\w" if char == "p" else r"\W"
        if char == "k":
            found = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)>").match(self.text, self.at)
            if found is None or found.group(1) not in self.names:
                raise _Unsure
            self.at = found.end()
            return "(?:)"
        return self._escape_rest(char, in_class)

    def _escape_rest(self, char: str, in_class: bool) -> str:
        if char == "b" and not in_class and self.text.startswith("{g}", self.at):
            self.at += 3  # Java 9+: a grapheme cluster boundary
            return "(?:)"
        if char in _PLACEHOLDERS:
            return _PLACEHOLDERS[char]
        if char == "N" and self.text.startswith("{", self.at):
            end = self.text.find("}", self.at)
            if end < 0 or not _unicode_name(self.text[self.at + 1 : end]):
                raise _Unsure
            self.at = end + 1
            return "a"
        if char == "c":
            if self.at >= len(self.text):
                raise _Rejected
            self.at += 1
            return "a"
        if char == "x" and self.text.startswith("{", self.at):
            end = self.text.find("}", self.at)
            if end < 0 or not re.fullmatch(r"[0-9a-fA-F]{1,8}", self.text[self.at + 1 : end]):
                raise _Rejected
            self.at = end + 1
            return "a"
        if char == "0":
            digits = re.compile(r"[0-7]{1,3}").match(self.text, self.at)
            if digits is None:
                raise _Rejected  # Java's octal escape needs a digit
            self.at = digits.end()
            return "a"
        if char.isdigit():
            if in_class:
                raise _Unsure
            while self.at < len(self.text) and self.text[self.at].isdigit():
                self.at += 1
            return "(?:)"  # a back reference: Java accepts one to a group not seen
        if char in ("u", "x", "N") or char in _SIMPLE_ESCAPES or not char.isascii() or not char.isalpha():
            return "\\" + char
        raise _Rejected  # an escaped letter Java does not know (``\U``, ``\y``…)

    def _class(self) -> None:
        """Copy a character class; nested classes and intersections are not modelled."""
        self.out.append("[")
        self.at += 1
        if self.text.startswith("^", self.at):
            self.out.append("^")
            self.at += 1
        if self.text.startswith("]", self.at):
            raise _Unsure
        while self.at < len(self.text):
            char = self.text[self.at]
            if char == "]":
                self.out.append("]")
                self.at += 1
                return
            if char == "[" or self.text.startswith("&&", self.at):
                raise _Unsure
            if char == "\\":
                self.out.append(self._escape(in_class=True))
                continue
            self.out.append(char)
            self.at += 1
        raise _Rejected  # an unclosed class

    def _group(self) -> None:
        rest = self.text[self.at + 1 :]
        if not rest.startswith("?"):
            self.out.append("(")
            self.at += 1
            return
        for prefix in ("?:", "?=", "?!", "?<=", "?<!", "?>"):
            if rest.startswith(prefix):
                self.out.append("(" + prefix)
                self.at += 1 + len(prefix)
                return
        if rest.startswith("?<"):
            found = _GROUP_NAME.match(rest, 2)
            if found is None or not rest.startswith(">", found.end()) or found.group() in self.names:
                raise _Rejected
            self.names.add(found.group())
            self.out.append(f"(?P<{found.group()}>")
            self.at += 1 + found.end() + 1
            return
        self._flags(rest)

    def _flags(self, rest: str) -> None:
        """Inline flags ``(?i)`` / ``(?i-m:…)``: anywhere in Java; dropped from the ``re`` text."""
        found = re.compile(r"\?([a-zA-Z]*)(-([a-zA-Z]*))?([:)])").match(rest)
        if found is None:
            raise _Rejected  # ``(?P<n>``, ``(?#…)``, ``(?(1)…)`` and the like are no Java syntax
        letters = (found.group(1) or "") + (found.group(3) or "")
        if not set(letters) <= _JAVA_FLAGS:
            raise _Rejected
        if "x" in (found.group(1) or ""):
            raise _Unsure  # comments mode changes how the rest reads
        if found.group(4) == ":":
            self.out.append("(?:")
        self.at += 1 + found.end()

    def _brace(self) -> None:
        found = _QUANTIFIER.match(self.text, self.at)
        if found is None:
            raise _Rejected  # Java: ``Illegal repetition``
        if not self.out or self.out[-1] in ("(", "|") or self.out[-1].startswith("(?"):
            raise _Unsure
        self.out.append(found.group())
        self.at = found.end()
