"""The `kestra` fixture: a fake Kestra serving on 127.0.0.1 for the length of one test."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tests.manifest.fake_kestra import FakeKestra, Server, make_handler


@pytest.fixture
def kestra() -> Iterator[FakeKestra]:
    holder: list[FakeKestra] = []
    server = Server(("127.0.0.1", 0), make_handler(holder))
    holder.append(FakeKestra(server))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()
