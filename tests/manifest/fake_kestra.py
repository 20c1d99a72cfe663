"""A fake Kestra (a real HTTP server on 127.0.0.1) and running `manifest pull` and `manifest import`."""

from __future__ import annotations

import json
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.conftest import run_cli
from tests.manifest.kestra_answers import CONFIGS, all_details, plugins_answer, schema_routes, versioned_answer

NO_CREDENTIALS = {"KESTRA_API_TOKEN": "", "KESTRA_USERNAME": "", "KESTRA_PASSWORD": ""}
LOCAL = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost", **NO_CREDENTIALS}


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    content_type: str = "application/json"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeKestra:
    server: ThreadingHTTPServer
    routes: dict[str, Any] = field(default_factory=dict)
    """Path (no query) -> JSON-able body, Answer, or callable(query) -> Answer."""
    requests: list[tuple[str, dict[str, str], str | None]] = field(default_factory=list)
    """(path, query, Authorization header) of every request."""
    auth: str | None = None
    """When set, any other Authorization header gets a 401."""
    forbid: set[str] = field(default_factory=set)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.requests]

    def schema_requests(self) -> list[str]:
        """The paths of the property schemas asked for (GET /api/v1[/tenant]/plugins/{cls}[/versions/{v}])."""
        return [p for p in self.paths() if "/plugins/" in p and "versioned-plugins" not in p]

    def serve_kestra(self, prefix: str = "/api/v1", versioned: str = "instance/versioned-plugins") -> None:
        """Answer like an EE instance with STANDARD_MANIFEST's plugins and each type's property schema at
        each version."""
        self.routes.update(schema_routes(prefix))
        self.routes[f"{prefix}/{versioned}"] = versioned_answer()
        for path, detail in all_details().items():
            self.routes[f"{prefix}/{versioned}/{path}"] = detail
        self.routes[f"{prefix}/plugins"] = plugins_answer()
        self.routes["/api/v1/configs"] = CONFIGS


def make_handler(fake: list[FakeKestra]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            kestra = fake[0]
            parsed = urllib.parse.urlsplit(self.path)
            path = urllib.parse.unquote(parsed.path)
            query = dict(urllib.parse.parse_qsl(parsed.query))
            header = self.headers.get("Authorization")
            kestra.requests.append((path, query, header))
            if kestra.auth is not None and header != kestra.auth:
                self.send(Answer(401, {"message": "Unauthorized"}))
                return
            if path in kestra.forbid:
                self.send(Answer(403, {"message": "Forbidden"}))
                return
            route = kestra.routes.get(path)
            if route is None:
                self.send(Answer(404, {"message": "Not Found"}))
            elif callable(route):
                self.send(route(query))
            else:
                self.send(route if isinstance(route, Answer) else Answer(body=route))

        def send(self, answer: Answer) -> None:
            if answer.delay:
                time.sleep(answer.delay)
            raw = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(raw)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # the default 5 drops concurrent connections, which then wait a second


def pull(kestra_url: str, tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return run_cli(["manifest", "pull", kestra_url, "--format", "json", *args], tmp_path, env={**LOCAL, **(env or {})})


def save(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2), "utf-8")
    return path


def import_(tmp_path: Path, *names: str) -> Any:
    return run_cli(["manifest", "import", *names, "--format", "json"], tmp_path, env=LOCAL)


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and "internal error" not in stderr
