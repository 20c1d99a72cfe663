"""A minimal LSP client for the ``flowlint lsp`` tests: a real server process spoken to over stdio."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

TIMEOUT = 20.0


class Client:
    """Just enough of an LSP client: Content-Length framing, requests, notifications, a message log."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self._next_id = 0
        self._reader = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[bytes] | None) -> None:
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None
            self.messages.put(json.loads(stream.read(length)))

    def write(self, data: bytes) -> None:
        """Send raw bytes: a framed message, or anything else."""
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(data)
        stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def initialize(self, folder: Path, options: dict[str, Any]) -> Any:
        """The ``initialize`` handshake (then ``initialized``); the server's capabilities."""
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": folder.as_uri(),
                "capabilities": {},
                "initializationOptions": options,
            },
        )
        self.notify("initialized", {})
        return result["capabilities"]

    def call(self, method: str, params: Any) -> dict[str, Any]:
        """The whole reply to a request: its ``result`` or its ``error``."""
        self._next_id += 1
        ident = self._next_id
        self.send({"id": ident, "method": method, "params": params})
        return self.reply(ident, method)

    def reply(self, ident: int | None, what: str = "a request") -> dict[str, Any]:
        """The next reply with id ``ident`` (None: an error about a message whose id could not be read)."""
        return self._wait(lambda m: "method" not in m and m.get("id", ...) == ident, f"reply to {what}")

    def request(self, method: str, params: Any) -> Any:
        reply = self.call(method, params)
        assert "error" not in reply, reply
        return reply.get("result")

    def _wait(self, wanted: Callable[[dict[str, Any]], bool], what: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        for index, message in enumerate(self.notifications):
            if wanted(message):
                return self.notifications.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {what} within {timeout} s")
            try:
                message = self.messages.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                if self.process.poll() is not None and self.messages.empty():
                    stderr = self.process.stderr.read().decode() if self.process.stderr else ""
                    raise AssertionError(
                        f"the server exited ({self.process.returncode}) awaiting {what}: {stderr}"
                    ) from None
                continue
            if "method" in message and "id" in message:  # a request from the server
                self.send({"id": message["id"], "result": None})
                continue
            if wanted(message):
                return message
            if "method" in message:
                self.notifications.append(message)

    def diagnostics(
        self,
        uri: str,
        version: int | None = None,
        until: Callable[[dict[str, Any]], bool] = lambda _: True,
        timeout: float = TIMEOUT,
    ) -> dict[str, Any]:
        """The next diagnostics published for ``uri`` (of that document version, and such that ``until``
        holds, when given): the server lints open documents again whenever a file it read changes."""

        def wanted(m: dict[str, Any]) -> bool:
            if m.get("method") != "textDocument/publishDiagnostics" or m["params"]["uri"] != uri:
                return False
            return (version is None or m["params"].get("version") == version) and until(m["params"])

        return dict(self._wait(wanted, f"diagnostics for {uri}", timeout)["params"])

    def published(self, uri: str) -> list[dict[str, Any]]:
        """Every diagnostics notification for ``uri`` received so far and not yet consumed."""
        while not self.messages.empty():
            message = self.messages.get_nowait()
            if "method" in message:
                self.notifications.append(message)
        found = [
            m
            for m in self.notifications
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        ]
        for message in found:
            self.notifications.remove(message)
        return [m["params"] for m in found]


def start_server(folder: Path) -> Client:
    """``flowlint lsp`` started in ``folder``, not yet initialized."""
    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-m", "flowlint", "lsp"],
        cwd=folder,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    return Client(process)


def stop_server(client: Client) -> None:
    """Kill the server, if it still runs."""
    if client.process.poll() is None:
        client.process.kill()
        client.process.wait(timeout=TIMEOUT)


def open_document(client: Client, folder: Path, name: str, text: str) -> tuple[str, dict[str, Any]]:
    uri = (folder / name).as_uri()
    item = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
    client.notify("textDocument/didOpen", {"textDocument": item})
    return uri, client.diagnostics(uri, 1)


def change(client: Client, uri: str, version: int, text: str) -> None:
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
    )


def by_code(published: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for diagnostic in published["diagnostics"]:
        found.setdefault(diagnostic["code"], []).append(diagnostic)
    return found


def span(line: int, start: int, end: int) -> dict[str, Any]:
    return {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}


def apply(text: str, edits: list[dict[str, Any]]) -> str:
    """Apply LSP text edits (ASCII text: characters are code units)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position: dict[str, int]) -> int:
        return offsets[position["line"]] + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text
