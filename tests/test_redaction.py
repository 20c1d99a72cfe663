"""Masking literal credentials in source text: on the node tree, and line by line where a syntax error
left no tree (flowlint.secrets.guessed)."""

from __future__ import annotations

import pytest

from flowlint.secrets import guessed, mask, masked
from flowlint.source import parse

BROKEN = "tasks: [\n"  # a syntax error at the end: nothing after the first line is composed


def shown(body: str) -> str:
    """``body`` as outputs show it once the file stops parsing after it (its last line is an error)."""
    source = parse("f.yml", body + BROKEN)
    assert source.error is not None and not source.documents
    return mask(source.text, guessed(source)).removesuffix(BROKEN)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("    password: hunter2Zq9x03: oops\n", "    password: *******************\n"),
        ("password: hunter2  # the old one\n", "password: *******  # the old one\n"),
        ('- apiKey: "hunter 2"\n', "- apiKey: **********\n"),
        ("- {id: q, password: hunter2, port: 5432}\n", "- {id: q, password: *******, port: 5432}\n"),
        ("url: postgresql://kestra:hunter2@db/shop\n", "url: postgresql://kestra:*******@db/shop\n"),
        ("dsn: Server=db;Password=hunter2;Database=x\n", "dsn: Server=db;Password=*******;Database=x\n"),
    ],
)
def test_guessed_masks_literal_credentials_on_a_line(body: str, expected: str) -> None:
    assert shown(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "password: \"{{ secret('PG') }}\"\n",
        "apiKey: <your-api-key>\n",
        "token: ${GITHUB_TOKEN}\n",
        "maxToken: 2048\n",
        "token: 512\n",
        "accessKeyId: AKIAIOSFODNN7EXAMPLE\n",
        "username: hunter2\n",
        "# password: hunter2\n",
        "url: postgresql://kestra@db/shop\n",
    ],
)
def test_guessed_leaves_what_is_not_a_literal_credential(body: str) -> None:
    assert shown(body) == body


def test_guessed_masks_the_lines_a_credential_value_goes_on() -> None:
    body = (
        "- privateKey: |\n"
        "    -----BEGIN KEY-----\n"
        "    hunter2\n"
        "\n"
        "    -----END KEY-----\n"
        "  type: io.kestra.plugin.crypto.openpgp.Encrypt\n"
        "- password: hunter2\n"
        "   and more\n"
        "  id: next\n"
    )
    assert shown(body) == (
        "- privateKey: |\n"
        "    *******************\n"
        "    *******\n"
        "\n"
        "    *****************\n"
        "  type: io.kestra.plugin.crypto.openpgp.Encrypt\n"
        "- password: *******\n"
        "   ********\n"
        "  id: next\n"
    )


def test_guessed_reads_only_the_text_after_the_composed_documents() -> None:
    text = "id: a\nscript: |\n  password: hunter1\n---\nid: b\npassword: hunter2: oops\n"
    source = parse("f.yml", text)
    assert source.error is not None and len(source.documents) == 1
    assert masked(source) == text.replace("hunter2: oops", "*************")


def test_mask_keeps_line_breaks_and_the_indentation_of_continuation_lines() -> None:
    text = "key: |\r\n  ab c\r\n  d\r\nnext: 1\n"
    start = text.index("|")
    assert mask(text, [(start, text.index("next"))]) == "key: *\r\n  ****\r\n  *\r\nnext: 1\n"
    assert mask(text, [(0, 3), (1, 2), (5, 6)]) == "***: *\r\n  ab c\r\n  d\r\nnext: 1\n"


def test_masked_covers_every_document_on_the_node_tree() -> None:
    text = (
        "id: a\nnamespace: n\ntasks:\n  - id: t\n    type: x.Y\n    password: hunter1\n"
        "---\nservices:\n  db:\n    password: 'hunter 2'\n    maxToken: 2048\n"
    )
    assert masked(parse("f.yml", text)) == text.replace("hunter1", "*******").replace("'hunter 2'", "**********")
