"""The `kestra` fixture: a fake Kestra serving on 127.0.0.1 for the length of one test; `compiled`: the class
files of the plugins java_sources.py holds."""

from __future__ import annotations

import shutil
import textwrap
import threading
from collections.abc import Iterator

import pytest

from tests.manifest.fake_kestra import FakeKestra, Server, make_handler
from tests.manifest.java_sources import JACKSON, LIBRARY, PLUGIN
from tests.manifest.plugin_jars import compile_java


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


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The class files of java_sources.py's plugins and library (one javac run per session)."""
    if shutil.which("javac") is None:
        pytest.skip("no javac on this machine")
    sources = {name: textwrap.dedent(text) for name, text in {**LIBRARY, **PLUGIN, **JACKSON}.items()}
    return compile_java(sources, tmp_path_factory.mktemp("javac"))
