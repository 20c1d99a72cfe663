"""Literal credentials in flow YAML: one detection, which FL401 reports and every output masks.

A credential property is one whose key, compared case-insensitively without ``_``, ``-`` and ``.``,
ends with ``password``, ``passwd``, ``passphrase``, ``secret``, ``token``, ``apikey``, ``accesskey``,
``secretkey``/``secretkeyid`` (the secret half of an AWS key pair, as Kestra's AWS plugins name it),
``privatekey``, ``clientsecret`` or ``sastoken``. Not credentials: identifiers (``accessKeyId``,
``clientId``: an id is not a secret; nor is an ``accessKey`` next to a ``secretKey``, the id half of
an S3-style key pair), pagination tokens (``pageToken``, ``nextToken``, …), token limits and counts
(a key with a word ``max``, ``min``, ``num``, ``limit``, ``count``, ``budget`` or ``total``, as
``maxToken`` or ``MAX_OUTPUT_TOKEN``, and any whole number under a ``…token`` key, as ``token: 2048``).
A connection string (a key ending with ``url``, ``uri``, ``connectionstring``, ``dsn`` or
``endpoint``) holds a credential when a password is written in it (``scheme://user:password@host``,
``…;password=…``, ``AccountKey=…``). The ``defaults`` of an input whose id is credential-like is one
too, unless the flow reads ``secret(inputs.ID)``: then the default is the *name* of a secret.

A literal is a value that is not an expression (no ``{{ … }}`` or ``{% … %}``), not empty, not a
boolean or null, and not an obvious placeholder: ``${NAME}``/``$NAME``, ``<your key>``, values made
only of ``*``, ``x``, ``.``, ``?``, ``#`` or ``-``, the words ``changeme``, ``placeholder``,
``redacted``, ``todo``, ``tbd``, and values starting with ``your``.

Masking replaces each character of a credential's value by ``*`` (line breaks and the indentation of
continuation lines are kept, so lines and columns stay where they were). A file that does not parse
has no node tree past its syntax error: there, :func:`guessed` reads the text line by line with the
same key and literal rules (without the ones that need the tree: a key pair's id or an input used as a
secret's name is masked there, the safe side).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Span
from flowlint.flow import KeyChain, chain_path
from flowlint.nodes import BOOL_TAG, NULL_TAG, get, is_str, kestra_text, span_of, tag_of
from flowlint.scalar_text import Locator, scalar_text
from flowlint.source import LINE_BREAK, Source

CREDENTIAL_SUFFIXES = (
    "password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "secretkey", "secretkeyid",
    "privatekey", "clientsecret", "sastoken",
)  # fmt: skip
NOT_CREDENTIALS = ("pagetoken", "nexttoken", "continuationtoken", "synctoken", "cancellationtoken")
COUNT_WORDS = frozenset({"max", "min", "num", "limit", "count", "budget", "total"})
CONNECTION_SUFFIXES = ("url", "uri", "connectionstring", "dsn", "endpoint")
PLACEHOLDER_WORDS = frozenset({"changeme", "placeholder", "redacted", "todo", "tbd"})

_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|<[^<>]*>|[*xX.?#•\-]+|(?i:your)[\s\S]*")
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@]*:([^\s@/]+)@")
_PARAM_PASSWORD = re.compile(
    r"(?:^|[;?&])\s*(?i:password|pwd|accountkey|sharedaccesskey|sharedaccesssignature)\s*=\s*([^;&\s]+)"
)
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_NUMBER = re.compile(r"[+-]?[0-9][0-9_]*")


class Secret(NamedTuple):
    """A literal credential: what holds it (as messages say it), the property it is named by, where its
    value is, and what kind of literal it is."""

    subject: str
    key: str
    yaml_path: str
    span: Span
    what: str


def normal_key(key: str) -> str:
    """``api_key``, ``apiKey`` and ``API-KEY`` all become ``apikey``."""
    return re.sub(r"[^a-z0-9]", "", key.lower())


def is_credential_key(key: str) -> bool:
    """Whether a property named ``key`` holds a credential."""
    name = normal_key(key)
    if not name.endswith(CREDENTIAL_SUFFIXES) or name.endswith(NOT_CREDENTIALS):
        return False
    return not (name.endswith("token") and COUNT_WORDS.intersection(w.lower() for w in _WORDS.findall(key)))


def is_connection_key(key: str) -> bool:
    """Whether a property named ``key`` holds a URL or connection string."""
    return normal_key(key).endswith(CONNECTION_SUFFIXES)


def is_literal(text: str) -> bool:
    """Whether ``text`` is a literal value rather than an expression, nothing, or a placeholder."""
    value = text.strip()
    if not value or "{{" in value or "{%" in value:
        return False
    return not (_PLACEHOLDER.fullmatch(value) or normal_key(value) in PLACEHOLDER_WORDS)


def is_credential(key: str, text: str) -> bool:
    """Whether ``text``, the value of the credential property ``key``, is a literal credential (a whole
    number under a ``…token`` key is a count of tokens)."""
    return is_literal(text) and not (_NUMBER.fullmatch(text.strip()) and normal_key(key).endswith("token"))


def find(text: str, document: MappingNode) -> list[Secret]:
    """Every literal credential of ``document``, a mapping composed from ``text``."""
    return list(_find(text, document))


def _find(text: str, document: MappingNode) -> Iterator[Secret]:
    locator = Locator(text)
    for key, value, kind, chain, mapping in _mapping_entries(document):
        name = key.value
        if kind == "credential":
            if _literal_scalar(name, value) and not _id_of_a_key_pair(name, mapping):
                yield Secret(f"`{name}`", name, chain_path(chain), span_of(value), "a literal credential")
        elif kind == "connection" and is_str(value) and ("@" in value.value or "=" in value.value):
            found = _embedded_password(text, value, locator)
            if found is not None:
                yield Secret(
                    f"`{name}`", "password", chain_path(chain), found, "a connection string with a literal password"
                )
    yield from _input_defaults(text, document)


def mask(text: str, ranges: Iterable[tuple[int, int]]) -> str:
    """``text`` with the characters of every ``(start, end)`` offset range replaced by ``*``, except line
    breaks and the indentation that follows them."""
    parts: list[str] = []
    done = 0
    for start, end in sorted(ranges):
        start = max(start, done)
        if start >= end:
            continue
        parts.append(text[done:start])
        pieces = LINE_BREAK.split(text[start:end])
        breaks = LINE_BREAK.findall(text, start, end)
        parts.append("*" * len(pieces[0]))
        for line_break, piece in zip(breaks, pieces[1:], strict=True):
            body = piece.lstrip(" \t")
            parts.append(line_break + piece[: len(piece) - len(body)] + "*" * len(body))
        done = end
    parts.append(text[done:])
    return "".join(parts)


def masked(source: Source) -> str:
    """The text of ``source`` with every literal credential masked (all documents, and after a syntax
    error the lines no document covers, read by :func:`guessed`)."""
    ranges = [
        (secret.span.start_offset, secret.span.end_offset)
        for document in source.documents
        if isinstance(document, MappingNode)
        for secret in _find(source.text, document)
    ]
    if source.error is not None:
        ranges.extend(guessed(source))
    return mask(source.text, ranges)


# Line by line, where no node tree exists -----------------------------------------------------------

_KEY = re.compile(r"""(?:^|(?<=[\s{,\[]))(["']?)([\w.\-]+)\1[ \t]*:(?=[ \t]|$)""")
_BLOCK_INDICATOR = re.compile(r"[|>][0-9+\-]*")
_FLOW_END = re.compile(r"[,}\]]")
_COMMENT = re.compile(r"[ \t]#")


def guessed(source: Source) -> list[tuple[int, int]]:
    """The offset ranges of credential-looking values in the text after the last composed document, read
    line by line: on a line, the value of each ``key: value`` pair whose key is credential-like (to the
    end of the line or its comment, or in a ``{…}``/``[…]`` line to the next ``,``, ``}`` or ``]``)
    when it is a literal, or the password in a connection string's value; and every following line more
    indented than a credential key whose value goes on there (a block scalar, a multi-line plain or
    quoted value). Comment lines are left as they are, as on the node tree."""
    documents = source.documents
    start = _line_start(source.text, documents[-1].end_mark.index if documents else 0)
    ranges: list[tuple[int, int]] = []
    owner: int | None = None  # the column of the key whose value the following lines continue
    for line_start, line in _lines(source.text, start):
        body = line.lstrip(" \t")
        indent = len(line) - len(body)
        if owner is not None and (indent > owner or not body.strip()):
            if body.strip():
                ranges.append((line_start + indent, line_start + len(line.rstrip())))
            continue
        found, owner = _line_values(line) if not body.startswith("#") else ([], None)
        ranges.extend((line_start + a, line_start + b) for a, b in found)
    return ranges


def _line_start(text: str, offset: int) -> int:
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def _lines(text: str, start: int) -> Iterator[tuple[int, str]]:
    position = start
    for match in LINE_BREAK.finditer(text, start):
        yield position, text[position : match.start()]
        position = match.end()
    yield position, text[position:]


def _line_values(line: str) -> tuple[list[tuple[int, int]], int | None]:
    """The column ranges of the credential values on one line, and the column of the credential key
    whose value goes on in the next, more indented lines (None when none does)."""
    found: list[tuple[int, int]] = []
    owner: int | None = None
    position = 0
    while (key := _KEY.search(line, position)) is not None:
        name = key.group(2)
        rest = line[key.end() :]
        start = key.end() + len(rest) - len(rest.lstrip(" \t"))
        end = _value_end(line, start, flow="{" in line[: key.start()] or "[" in line[: key.start()])
        position = max(end, key.end())
        owner = None
        kind = _key_kind(name)
        value = line[start:end]
        if kind == "credential":
            if not value or _BLOCK_INDICATOR.fullmatch(value):
                owner = key.start()
            elif is_credential(name, value.strip("'\"")):
                found.append((start, end))
                owner = key.start() if end == len(line.rstrip()) else None
        elif kind == "connection":
            for pattern in (_URL_PASSWORD, _PARAM_PASSWORD):
                found.extend(
                    (start + m.start(1), start + m.end(1)) for m in pattern.finditer(value) if is_literal(m.group(1))
                )
        else:
            position = key.end()  # a value of another key is not read: keys may follow in it
    return found, owner


def _value_end(line: str, start: int, *, flow: bool) -> int:
    """Where the value starting at column ``start`` ends: its closing quote, the next ``,``/``}``/``]``
    in a flow collection, or the end of the line before a comment."""
    if start < len(line) and line[start] in "'\"":
        close = line.find(line[start], start + 1)
        return close + 1 if close > 0 else len(line.rstrip())
    if flow:
        found = _FLOW_END.search(line, start)
        return found.start() if found else len(line.rstrip())
    comment = _COMMENT.search(line, start)
    return len(line[: comment.start() if comment else len(line)].rstrip())


# On the node tree ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _key_kind(key: str) -> str | None:
    """``credential``, ``connection`` or None for a property name (property names repeat a lot)."""
    if is_credential_key(key):
        return "credential"
    return "connection" if is_connection_key(key) else None


def _literal_scalar(key: str, node: Node) -> bool:
    if not isinstance(node, ScalarNode) or tag_of(node) in (BOOL_TAG, NULL_TAG):
        return False
    text = kestra_text(node)
    return text is not None and is_credential(key, text)


def _id_of_a_key_pair(key: str, mapping: MappingNode) -> bool:
    """Whether ``key`` is an access key next to a secret key (``access_key``/``secret_key``,
    ``MINIO_ACCESS_KEY``/``MINIO_SECRET_KEY``): the id half of an S3-style key pair, not a secret."""
    name = normal_key(key)
    if not name.endswith("accesskey") or "secret" in name:
        return False
    return any(
        isinstance(other, ScalarNode) and normal_key(other.value).endswith(("secretkey", "secretaccesskey"))
        for other, _ in mapping.value
    )


def _embedded_password(source: str, node: ScalarNode, locator: Locator) -> Span | None:
    text = scalar_text(source, node)
    for pattern in (_URL_PASSWORD, _PARAM_PASSWORD):
        for match in pattern.finditer(text.text):
            if is_literal(match.group(1)):
                start, end = text.source_range(match.start(1), match.end(1))
                return locator.span(start, end)
    return None


def _input_defaults(text: str, document: MappingNode) -> Iterator[Secret]:
    found = get(document, "inputs")
    if found is None or not isinstance(found[1], SequenceNode):
        return
    for index, item in enumerate(found[1].value):
        input_id = get(item, "id") or get(item, "name")
        defaults = get(item, "defaults")
        if input_id is None or defaults is None or not is_str(input_id[1]):
            continue
        name = input_id[1].value
        if is_credential_key(name) and _literal_scalar(name, defaults[1]) and not _secret_name(text, document, name):
            yield Secret(
                f"the `defaults` of input '{name}'",
                name,
                f"inputs[{index}].defaults",
                span_of(defaults[1]),
                "a literal credential",
            )


def _secret_name(text: str, document: MappingNode, input_id: str) -> bool:
    """Whether the flow reads ``secret(inputs.ID)`` (or ``secret(inputs['ID'])``): the input's value is
    then the name of a secret, not a secret."""
    name = re.escape(input_id)
    pattern = re.compile(rf"secret\(\s*inputs\s*(?:\.\s*{name}(?![\w-])|\[\s*(['\"]){name}\1\s*\])")
    return pattern.search(text, document.start_mark.index, document.end_mark.index) is not None


def _mapping_entries(root: MappingNode) -> Iterator[tuple[ScalarNode, Node, str, KeyChain, MappingNode]]:
    """Every (key, value, kind of key, chain to the value, mapping) under ``root`` whose key names a
    credential or a connection, each mapping once (aliases)."""
    seen: set[int] = set()
    stack: list[tuple[Node, KeyChain | None]] = [(root, None)]
    while stack:
        node, chain = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                if isinstance(key, ScalarNode):
                    kind = _key_kind(key.value)
                    if kind is not None:
                        yield key, value, kind, (chain, key), node
                if isinstance(value, MappingNode | SequenceNode):
                    stack.append((value, (chain, key)))
        elif isinstance(node, SequenceNode):
            stack.extend(
                (item, (chain, index))
                for index, item in reversed(list(enumerate(node.value)))
                if isinstance(item, MappingNode | SequenceNode)
            )
