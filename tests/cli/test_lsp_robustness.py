"""``flowlint lsp`` against a hostile client (the cases of ../shared/fuzz-cases/lsp-repro.py): broken
framing, messages that do not decode, documents never opened, text no file can hold, a config nested too
deep. Each is answered (JSON-RPC errors where the message is bad, never a traceback) and the server stays up.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.lsp_client import Client, by_code, open_document, span, start_server, stop_server
from tests.conftest import STANDARD_MANIFEST

pytest.importorskip("pygls")

FLOW = """\
id: hello
namespace: company.team
tasks:
  - id: script
    type: io.kestra.plugin.scripts.shell.Script
    version: 0.20
"""
HOVER = {"line": 5, "character": 15}
"""On the version of FLOW."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lsp-hostile")
    (root / "manifest.json").write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    # the module's documents, one flow each time, stay open: FL703 (duplicate-flow) would report each
    (root / ".flowlint.yaml").write_text("manifest: manifest.json\nignore: [FL703]\n", "utf-8")
    return root


@pytest.fixture(scope="module")
def client(folder: Path) -> Iterator[Client]:
    lsp = start_server(folder)
    lsp.initialize(folder, {"debounceMs": 0, "reloadIntervalSeconds": 0})
    open_document(lsp, folder, "alive.yml", FLOW)
    yield lsp
    stop_server(lsp)


def hover(client: Client, uri: str, position: dict[str, Any] = HOVER) -> dict[str, Any]:
    return client.call("textDocument/hover", {"textDocument": {"uri": uri}, "position": position})


def assert_answers(client: Client, folder: Path) -> None:
    """The server is alive and reads the next message: a hover on an open flow is answered."""
    reply = hover(client, (folder / "alive.yml").as_uri())
    assert "Plugin `io.kestra.plugin:plugin-script-shell`" in reply["result"]["contents"]["value"]


def assert_error(reply: dict[str, Any], code: int, message: str) -> None:
    """An error reply with exactly this code and message, and no traceback (no ``data``)."""
    assert reply["error"] == {"code": code, "message": message}
    assert "result" not in reply


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (b"Content-Length: abc\r\n\r\n{}", "Content-Length 'abc' is not a number"),
        (b"Content-Length: -5\r\n\r\n{}", "Content-Length '-5' is not a number"),
        (b"Content-Length: 1.5\r\n\r\n{}", "Content-Length '1.5' is not a number"),
        (b"Content-Type: application/json\r\n\r\n{}", "a header without Content-Length"),
        (b"Content-Length: 99999999999999999999\r\n\r\n", "Content-Length 99999999999999999999 is over the limit"),
    ],
    ids=["letters", "negative", "fraction", "missing", "10^20"],
)
def test_a_header_that_frames_no_message_is_a_parse_error_and_the_next_is_read(
    client: Client, folder: Path, header: bytes, problem: str
) -> None:
    client.write(header)
    reply = client.reply(None)
    assert reply["error"]["code"] == -32700
    assert reply["error"]["message"].startswith(f"Parse error: {problem}")
    assert_answers(client, folder)  # the garbage left after the header does not hide the next message


def test_the_limit_is_named_in_the_parse_error(client: Client) -> None:
    client.write(b"Content-Length: 134217729\r\n\r\n")
    message = "Parse error: Content-Length 134217729 is over the limit of 134217728 bytes"
    assert_error(client.reply(None), -32700, message)


@pytest.mark.parametrize("framing", [b"content-length: %d\r\n\r\n", b"Content-Length: %d\n\n"], ids=["case", "LF"])
def test_a_lower_case_header_name_and_lf_line_breaks_frame_a_message(
    client: Client, folder: Path, framing: bytes
) -> None:
    request = {"jsonrpc": "2.0", "id": "framed", "method": "textDocument/hover"}
    params = {"textDocument": {"uri": (folder / "alive.yml").as_uri()}, "position": HOVER}
    body = json.dumps({**request, "params": params}).encode()
    client.write(framing % len(body) + body)
    assert "Plugin `io.kestra.plugin:plugin-script-shell`" in client.reply("framed")["result"]["contents"]["value"]


@pytest.mark.parametrize(
    ("body", "ident", "code", "message"),
    [
        (
            b'{"jsonrpc": "2.0", "id": 1,',
            None,
            -32700,
            "Parse error: Expecting property name enclosed in double quotes: line 1 column 28 (char 27)",
        ),
        (b'{"jsonrpc": "2.0", "method": "\xff"}', None, -32700, "Parse error: the message is not UTF-8"),
        (
            b"[" * 100_000 + b"]" * 100_000,
            None,
            -32700,
            "Parse error: maximum recursion depth exceeded while decoding a JSON array from a unicode string",
        ),
        (b"{}", None, -32600, 'Invalid request: no "jsonrpc": "2.0"'),
        (b"[]", None, -32600, "Invalid request: batches are not supported"),
        (b"5", None, -32600, "Invalid request: not a JSON object"),
        (b'{"jsonrpc": "2.0", "id": 7, "method": 5}', 7, -32600, 'Invalid request: "method" is not a string'),
        (
            b'{"jsonrpc": "2.0", "id": [7], "method": "x"}',
            None,
            -32600,
            'Invalid request: "id" is not a number or a string',
        ),
    ],
    ids=["truncated", "not-utf8", "deep", "empty", "batch", "number", "method", "id"],
)
def test_a_body_that_is_not_a_message_is_answered(
    client: Client, folder: Path, body: bytes, ident: int | None, code: int, message: str
) -> None:
    client.write(b"Content-Length: %d\r\n\r\n%b" % (len(body), body))
    assert_error(client.reply(ident), code, message)
    assert_answers(client, folder)


@pytest.mark.parametrize(
    ("position", "problem"),
    [
        (None, "invalid value for type, expected HoverParams @ $.params"),
        ({"line": "x", "character": 0}, "invalid value for type, expected int @ $.params.position.line"),
        ({"line": -1, "character": 0}, "invalid value @ $.params.position"),
        ({"line": 2**70, "character": 0}, "invalid value @ $.params.position"),
    ],
    ids=["null", "text", "negative", "2^70"],
)
def test_a_request_whose_params_do_not_decode_is_invalid_params(
    client: Client, folder: Path, position: dict[str, Any] | None, problem: str
) -> None:
    uri = (folder / "alive.yml").as_uri()
    params = None if position is None else {"textDocument": {"uri": uri}, "position": position}
    reply = client.call("textDocument/hover", params)
    assert_error(reply, -32602, f"Invalid params for textDocument/hover: {problem}")
    assert_answers(client, folder)


def test_a_request_whose_fields_are_missing_names_them_as_the_client_spells_them(client: Client) -> None:
    reply = client.call("textDocument/hover", {})
    missing = "required field missing @ $.params.textDocument; required field missing @ $.params.position"
    assert_error(reply, -32602, f"Invalid params for textDocument/hover: {missing}")


@pytest.mark.parametrize("name", ["on-disk.yml", "missing.yml"])
def test_requests_on_a_document_never_opened_are_answered_with_null(client: Client, folder: Path, name: str) -> None:
    (folder / "on-disk.yml").write_text(FLOW, "utf-8")
    uri = (folder / name).as_uri()
    document = {"textDocument": {"uri": uri}}
    assert client.request("textDocument/hover", {**document, "position": HOVER}) is None
    assert client.request("textDocument/completion", {**document, "position": HOVER}) is None
    context = {"diagnostics": []}
    assert client.request("textDocument/codeAction", {**document, "range": span(5, 13, 17), "context": context}) is None
    assert client.published(uri) == []  # nothing is linted for it either


def test_a_lone_surrogate_gives_the_normal_findings_at_their_columns(client: Client, folder: Path) -> None:
    line = "  - {description: '\ud800', id: x, type: io.kestra.plugin.scripts.shell.Script, version: 0.20}"
    text = FLOW.replace("version: 0.20", 'description: "\ud800"\n    version: 0.20') + line + "\n"
    uri, published = open_document(client, folder, "surrogate.yml", text)
    found = by_code(published)
    assert sorted(found) == ["FL102", "FL107"]  # as `flowlint check` finds with U+FFFD in its place
    start = line.index("0.20")  # the surrogate is one UTF-16 code unit
    for code in ("FL102", "FL107"):
        assert [d["range"] for d in found[code]] == [span(6, 13, 17), span(7, start, start + 4)]
    shown = hover(client, uri, {"line": 7, "character": start + 1})["result"]["contents"]["value"]
    assert "Kestra asks for version 0.2, which matches no installed version" in shown


def test_a_version_of_thousands_of_digits_is_an_invalid_version(client: Client, folder: Path) -> None:
    version = "1.0." + "9" * 5000
    _, published = open_document(client, folder, "huge.yml", FLOW.replace("0.20", f'"{version}"'))
    [invalid] = published["diagnostics"]
    assert invalid["code"] == "FL104" and invalid["range"] == span(5, 13, 13 + len(version) + 2)
    assert invalid["message"].startswith("invalid version:")


def test_a_request_before_initialize_is_refused_without_a_traceback(folder: Path) -> None:
    lsp = start_server(folder)
    try:
        uri = (folder / "alive.yml").as_uri()
        assert_error(hover(lsp, uri), -32002, "ServerNotInitialized")
        lsp.initialize(folder, {})
        assert hover(lsp, uri)["result"] is None  # answered; not open in this server
    finally:
        stop_server(lsp)


def test_a_config_nested_too_deep_is_a_diagnostic_and_the_server_stays_up(client: Client, folder: Path) -> None:
    deep = folder / "deep"
    deep.mkdir()
    (deep / ".flowlint.yaml").write_text("select: " + "[" * 60_000 + "]" * 60_000 + "\n", "utf-8")
    _, published = open_document(client, deep, "flow.yml", FLOW)
    [problem] = published["diagnostics"]
    assert problem["range"] == span(0, 0, 0) and problem["severity"] == 1
    assert problem["message"].startswith("flowlint cannot check this file:")
    assert str(deep / ".flowlint.yaml") in problem["message"] and "nested" in problem["message"]
    assert "internal error" not in problem["message"]
    assert_answers(client, folder)
