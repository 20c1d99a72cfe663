"""Hygiene rule FL401: credentials written into the flow instead of read with ``{{ secret('…') }}``.

A flow's source is stored by Kestra, shown in its editor and kept in every revision: a password written
in it is visible to whoever can read the flow, and stays in its history after it is changed.

What counts as a credential property (the key, compared case-insensitively without ``_``, ``-`` and
``.``): one that ends with ``password``, ``passwd``, ``passphrase``, ``secret``, ``token``, ``apikey``,
``accesskey``/``accesskeyid``, ``secretkey``/``secretkeyid``, ``privatekey``, ``clientsecret`` or
``sastoken`` — so ``keystorePassword``, ``AWS_SECRET_ACCESS_KEY``, ``api_key`` and ``bearerToken`` count,
and ``tokenUrl``, ``secretName`` or ``maxTokens`` do not; pagination tokens (``pageToken``,
``nextToken``, ``continuationToken``) are not credentials. Also: a connection string (a property whose
name ends with ``url``, ``uri``, ``connectionstring``, ``dsn`` or ``endpoint``) with a password in it
(``scheme://user:password@host``, ``…;password=…``, ``AccountKey=…``), and the ``defaults`` of an
input whose id is credential-like. Anywhere in the flow: tasks, triggers, plugin defaults, variables,
labels.

What is not a literal: an expression (any ``{{ … }}`` or ``{% … %}`` in the value), an empty value, a
boolean or null, and obvious placeholders — ``${NAME}``/``$NAME`` (an environment variable written for
another tool), ``<your key>``, values made only of ``*``, ``x``, ``.``, ``?``, ``#`` or ``-``
(``****``, ``xxxx``), words that say "fill me in" (``changeme``, ``placeholder``, ``redacted``,
``todo``, ``tbd``) and values starting with ``your`` (``YOUR_API_KEY``). Numbers are literals.

The secret itself is never printed: messages, help and related notes name the property only, and the
characters of the value are redacted (``*``) in the source lines that snippets show.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Severity, Span
from flowlint.flow import KeyChain, chain_path
from flowlint.pebble import Locator, scalar_text
from flowlint.rules.base import CheckContext, Rule
from flowlint.source import BOOL_TAG, NULL_TAG, get, is_str, kestra_text, span_of, tag_of

CREDENTIAL_SUFFIXES = (
    "password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "accesskeyid",
    "secretkey", "secretkeyid", "privatekey", "clientsecret", "sastoken",
)  # fmt: skip
NOT_CREDENTIALS = ("pagetoken", "nexttoken", "continuationtoken", "synctoken", "cancellationtoken")
CONNECTION_SUFFIXES = ("url", "uri", "connectionstring", "dsn", "endpoint")
PLACEHOLDER_WORDS = frozenset({"changeme", "placeholder", "redacted", "todo", "tbd"})

_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|<[^<>]*>|[*xX.?#•\-]+|(?i:your)[\s\S]*")
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@]*:([^\s@/]+)@")
_PARAM_PASSWORD = re.compile(
    r"(?:^|[;?&])\s*(?i:password|pwd|accountkey|sharedaccesskey|sharedaccesssignature)\s*=\s*([^;&\s]+)"
)

RULES = [
    Rule(
        "FL401", "literal-secret", Severity.WARNING,
        "A credential-like property (password, token, apiKey, …) holds a literal instead of a secret.",
        "Kestra stores the flow's source and keeps every revision: a password written in the flow is "
        "readable by anyone who can see the flow, and stays in its history after it is changed. Store "
        "it as a secret and read it with `{{ secret('NAME') }}`. Properties whose name says credential "
        "(password, passwd, passphrase, secret, token, apiKey/api_key, accessKey(Id), secretKey(Id), "
        "privateKey, clientSecret, sasToken), connection strings with an embedded password, and the "
        "defaults of credential-like inputs are checked. Expressions, empty values and obvious "
        "placeholders (`${VAR}`, `<your-key>`, `****`, `changeme`, `YOUR_TOKEN`) are fine. flowlint "
        "never prints the value.",
        "tasks:\n  - id: query\n    type: io.kestra.plugin.jdbc.postgresql.Query\n"
        "    url: jdbc:postgresql://db:5432/shop\n    username: kestra\n    password: s3cr3t-passw0rd\n",
        "tasks:\n  - id: query\n    type: io.kestra.plugin.jdbc.postgresql.Query\n"
        "    url: jdbc:postgresql://db:5432/shop\n    username: kestra\n"
        "    password: \"{{ secret('POSTGRES_PASSWORD') }}\"\n",
    ),
]  # fmt: skip


class Finding(NamedTuple):
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
    return name.endswith(CREDENTIAL_SUFFIXES) and not name.endswith(NOT_CREDENTIALS)


def is_connection_key(key: str) -> bool:
    """Whether a property named ``key`` holds a URL or connection string."""
    return normal_key(key).endswith(CONNECTION_SUFFIXES)


def is_literal(text: str) -> bool:
    """Whether ``text`` is a literal value rather than an expression, nothing, or a placeholder."""
    value = text.strip()
    if not value or "{{" in value or "{%" in value:
        return False
    return not (_PLACEHOLDER.fullmatch(value) or normal_key(value) in PLACEHOLDER_WORDS)


def check(ctx: CheckContext) -> None:
    """Report FL401 for one flow."""
    if not ctx.on("FL401"):
        return
    for finding in literal_secrets(ctx):
        ctx.report(
            "FL401",
            finding.span,
            f"{finding.subject} holds {finding.what}: it is stored in the flow's source and in every revision",
            yaml_path=finding.yaml_path,
            help=f"store it as a secret and write `{{{{ secret('{secret_name(finding.key)}') }}}}` instead",
        )
        ctx.redact(finding.span)


def secret_name(key: str) -> str:
    """A name for the secret, from the property's name: ``apiKey`` → ``API_KEY``."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)
    return re.sub(r"[^A-Za-z0-9]+", "_", snake).strip("_").upper() or "SECRET"


def literal_secrets(ctx: CheckContext) -> Iterator[Finding]:
    """Every literal credential of the flow."""
    locator = Locator(ctx.source.text)
    for key, value, kind, chain in _mapping_entries(ctx.flow.root):
        name = key.value
        if kind == "credential":
            if _literal_scalar(value):
                yield Finding(f"`{name}`", name, chain_path(chain), span_of(value), "a literal credential")
        elif kind == "connection" and is_str(value) and ("@" in value.value or "=" in value.value):
            found = _embedded_password(ctx.source.text, value, locator)
            if found is not None:
                yield Finding(
                    f"`{name}`",
                    "password",
                    chain_path(chain),
                    found,
                    "a connection string with a literal password",
                )
    yield from _input_defaults(ctx)


@functools.lru_cache(maxsize=4096)
def _key_kind(key: str) -> str | None:
    """``credential``, ``connection`` or None for a property name (property names repeat a lot)."""
    if is_credential_key(key):
        return "credential"
    return "connection" if is_connection_key(key) else None


def _literal_scalar(node: Node) -> bool:
    if not isinstance(node, ScalarNode) or tag_of(node) in (BOOL_TAG, NULL_TAG):
        return False
    text = kestra_text(node)
    return text is not None and is_literal(text)


def _embedded_password(source: str, node: ScalarNode, locator: Locator) -> Span | None:
    text = scalar_text(source, node)
    for pattern in (_URL_PASSWORD, _PARAM_PASSWORD):
        for match in pattern.finditer(text.text):
            if is_literal(match.group(1)):
                start, end = text.source_range(match.start(1), match.end(1))
                return locator.span(start, end)
    return None


def _input_defaults(ctx: CheckContext) -> Iterator[Finding]:
    found = ctx.flow.top("inputs")
    if found is None or not isinstance(found[1], SequenceNode):
        return
    for index, item in enumerate(found[1].value):
        input_id = get(item, "id") or get(item, "name")
        defaults = get(item, "defaults")
        if input_id is None or defaults is None or not is_str(input_id[1]):
            continue
        if is_credential_key(input_id[1].value) and _literal_scalar(defaults[1]):
            yield Finding(
                f"the `defaults` of input '{input_id[1].value}'",
                input_id[1].value,
                f"inputs[{index}].defaults",
                span_of(defaults[1]),
                "a literal credential",
            )


def _mapping_entries(root: MappingNode) -> Iterator[tuple[ScalarNode, Node, str, KeyChain]]:
    """Every (key, value, kind of key, chain to the value) under ``root`` whose key names a credential
    or a connection, each mapping once (aliases)."""
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
                        yield key, value, kind, (chain, key)
                if isinstance(value, MappingNode | SequenceNode):
                    stack.append((value, (chain, key)))
        elif isinstance(node, SequenceNode):
            stack.extend(
                (item, (chain, index))
                for index, item in reversed(list(enumerate(node.value)))
                if isinstance(item, MappingNode | SequenceNode)
            )
