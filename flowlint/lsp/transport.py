"""The stdio transport of ``flowlint lsp``: message framing and decoding, guarded where pygls' is not.

pygls 2's reader loop (``pygls.io_.run_async``) lets one bad message from a client end the session: a
header without a usable ``Content-Length`` (not a number, a lower-case name, LF line breaks, none at all)
desynchronises the stream for good, a ``Content-Length`` too large to allocate raises out of the loop and
ends the process, and a request whose params do not decode gets no response. :func:`serve` replaces that
loop only (pygls still dispatches every message): frames are found again after garbage, a header that
frames no message is answered with a parse error, and a request that does not decode with an error
naming what is wrong, as JSON-RPC requires.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from concurrent.futures import Executor
from typing import Any, BinaryIO, NamedTuple

import cattrs
from pygls.io_ import StdoutWriter
from pygls.protocol import JsonRPCProtocol, default_converter
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage

MAX_BODY = 128 * 1024 * 1024
"""The largest message read (far above any document an editor sends); a larger one is skipped."""
MAX_LINE = 64 * 1024
"""Header lines are read in pieces of at most this size (a longer "line" is garbage being skipped)."""

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*(\S*)", re.IGNORECASE)
_SNAKE = re.compile(r"_([a-z])")

logger = logging.getLogger("flowlint.lsp")


class FrameError(NamedTuple):
    """A header that frames no message."""

    reason: str


class Frames:
    """The message bodies of a byte stream framed by ``Content-Length`` headers.

    Lenient on what can be understood (any case of the header name, LF or CRLF line breaks, other
    headers, blank lines between messages) and resynchronising after garbage: a header is found
    anywhere on a line, so a body longer than its ``Content-Length`` costs only that message.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def next(self) -> bytes | FrameError | None:
        """The next body; a FrameError for a header that frames none; None at the end of the input."""
        length: bytes | None = None
        headers = False
        while True:
            line = self.stream.readline(MAX_LINE)
            if not line:
                return None
            if not line.strip():
                if headers:
                    break
                continue
            headers = True
            found = _LENGTH.search(line)
            if found is not None:
                length = found.group(1)
        size = _size(length)
        if isinstance(size, FrameError):
            return size
        body = self.stream.read(size)
        return body if len(body) == size else None


def _size(length: bytes | None) -> int | FrameError:
    if length is None:
        return FrameError("a header without Content-Length")
    shown = length[:40].decode("ascii", "replace")
    if not length.isdigit():
        return FrameError(f"Content-Length {shown!r} is not a number")
    if len(length) > len(str(MAX_BODY)) or int(length) > MAX_BODY:
        return FrameError(f"Content-Length {shown} is over the limit of {MAX_BODY} bytes")
    return int(length)


class Channel:
    """Decodes message bodies for a pygls protocol, answering those that cannot be handled."""

    def __init__(self, protocol: JsonRPCProtocol, writer: StdoutWriter) -> None:
        self.protocol = protocol
        self.writer = writer
        self.converter: cattrs.Converter = default_converter()  # type: ignore[no-untyped-call]

    def receive(self, frame: bytes | FrameError) -> None:
        """Handle one frame: a message is dispatched; anything else is answered with an error."""
        if isinstance(frame, FrameError):
            self.reply_error(None, PARSE_ERROR, f"Parse error: {frame.reason}")
            return
        try:
            data = json.loads(frame.decode("utf-8"))
        except UnicodeDecodeError:
            self.reply_error(None, PARSE_ERROR, "Parse error: the message is not UTF-8")
            return
        except (ValueError, RecursionError) as error:
            self.reply_error(None, PARSE_ERROR, f"Parse error: {_first_line(error)}")
            return
        problem = _envelope_problem(data)
        if problem is None:
            message = self._typed(data)
            if message is not None:
                self._dispatch(message, data)
        elif isinstance(data, dict) and "method" not in data and "id" in data:
            logger.warning("ignored a response: %s", problem)  # a response is never answered
        else:
            self.reply_error(_ident(data), INVALID_REQUEST, f"Invalid request: {problem}")

    def _typed(self, data: dict[str, Any]) -> Any:
        """The lsprotocol message of ``data``, or None (answered or logged) when its params do not decode."""
        if "method" not in data:
            try:
                return self.protocol.structure_message(data)
            except Exception as error:  # a bad response to a request of ours: nobody to tell but the log
                logger.warning("ignored a response that does not decode: %s", error)
                return None
        method, request = data["method"], "id" in data
        kind = self.protocol.get_message_type(method) or (JsonRPCRequestMessage if request else JsonRPCNotification)
        try:
            return self.converter.structure(data, kind)
        except cattrs.BaseValidationError as error:
            problem = "; ".join(_SNAKE.sub(lambda m: m.group(1).upper(), e) for e in cattrs.transform_error(error))
        except (ValueError, TypeError, AttributeError) as error:
            problem = _first_line(error)
        if request:
            self.reply_error(data["id"], INVALID_PARAMS, f"Invalid params for {method}: {problem}")
        else:
            logger.warning("ignored %s: invalid params: %s", method, problem)
        return None

    def _dispatch(self, message: Any, data: dict[str, Any]) -> None:
        try:
            self.protocol.handle_message(message)
        except Exception as error:
            logger.exception("handling %s failed", data.get("method", "a response"))
            if "method" in data and "id" in data:
                self.reply_error(data["id"], INTERNAL_ERROR, f"Internal error: {type(error).__name__}: {error}")

    def reply_error(self, ident: int | str | None, code: int, message: str) -> None:
        """Send an error response (``id`` null when the request's could not be read), and log it."""
        logger.warning("%s", message)
        reply = {"jsonrpc": "2.0", "id": ident, "error": {"code": code, "message": message}}
        body = json.dumps(reply).encode("utf-8")
        self.writer.write(b"Content-Length: %d\r\n\r\n%b" % (len(body), body))


def _ident(data: Any) -> int | str | None:
    """The id of a message, when it is one a reply can carry."""
    ident = data.get("id") if isinstance(data, dict) else None
    return ident if isinstance(ident, int | str) and not isinstance(ident, bool) else None


def _envelope_problem(data: Any) -> str | None:
    """What makes ``data`` not a JSON-RPC 2.0 message, or None (then it is a dict)."""
    if not isinstance(data, dict):
        return "not a JSON object" if not isinstance(data, list) else "batches are not supported"
    if data.get("jsonrpc") != "2.0":
        return 'no "jsonrpc": "2.0"'
    if "id" in data and _ident(data) is None:
        return '"id" is not a number or a string'
    if "method" in data:
        return None if isinstance(data["method"], str) else '"method" is not a string'
    if "id" not in data:
        return 'neither "method" nor "id"'
    return None if "result" in data or "error" in data else 'a response without "result" or "error"'


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]


async def serve(stream: BinaryIO, protocol: JsonRPCProtocol, writer: StdoutWriter, executor: Executor) -> None:
    """Read messages from ``stream`` (blocking reads in ``executor``) and handle each, until the input ends."""
    loop = asyncio.get_running_loop()
    frames = Frames(stream)
    channel = Channel(protocol, writer)
    while (frame := await loop.run_in_executor(executor, frames.next)) is not None:
        channel.receive(frame)
