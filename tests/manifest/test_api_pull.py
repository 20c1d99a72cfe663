"""`manifest pull`: a live Kestra (a real HTTP server on 127.0.0.1) read page by page, with credentials from
the environment and every failure one line (flowlint/manifest/api/instance.py, client.py)."""

from __future__ import annotations

import base64
import json
import socket
import time
from pathlib import Path

import pytest

from flowlint.manifest import api
from flowlint.manifest.api import instance
from tests.conftest import STANDARD_MANIFEST
from tests.manifest.fake_kestra import NO_CREDENTIALS, Answer, FakeKestra, no_traceback, pull
from tests.manifest.kestra_answers import (
    CONFIGS,
    all_details,
    canonical,
    detail_answer,
    plugins_answer,
    versioned_answer,
)


def test_pull_from_enterprise_reads_the_versioned_list_then_each_versions_details_then_plugins_and_configs(
    kestra: FakeKestra, tmp_path: Path
) -> None:
    kestra.serve_kestra()
    done = pull(kestra.url, tmp_path, "--no-properties")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    data = json.loads(done.stdout)
    assert canonical(data) == canonical(STANDARD_MANIFEST)
    assert data["kestraVersion"] == "1.3.0"
    assert data["source"] == f"Kestra at {kestra.url}, pulled {data['generatedAt']}"
    assert data["generatedAt"].endswith("Z")
    paths = kestra.paths()
    assert paths[0] == "/api/v1/instance/versioned-plugins"
    assert kestra.requests[0][1] == {"page": "1", "size": str(instance.PAGE_SIZE)}
    assert sorted(paths[1:9]) == sorted(f"/api/v1/instance/versioned-plugins/{p}" for p in all_details())
    assert paths[9:] == ["/api/v1/plugins", "/api/v1/configs"]


def test_pull_sends_bearer_token_from_env(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    kestra.auth = "Bearer s3cret-token"
    done = pull(kestra.url, tmp_path, env={"KESTRA_API_TOKEN": "s3cret-token", "KESTRA_USERNAME": "ignored"})
    assert done.returncode == 0, done.stderr
    assert {header for _, _, header in kestra.requests} == {"Bearer s3cret-token"}
    assert "s3cret" not in done.stdout + done.stderr


def test_pull_sends_basic_auth_from_env(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    kestra.auth = "Basic " + base64.b64encode(b"admin@kestra.io:pa:ss").decode()
    done = pull(kestra.url, tmp_path, env={"KESTRA_USERNAME": "admin@kestra.io", "KESTRA_PASSWORD": "pa:ss"})
    assert done.returncode == 0, done.stderr
    assert {header for _, _, header in kestra.requests} == {kestra.auth}


def test_pull_with_tenant_uses_tenant_paths(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra(prefix="/api/v1/acme corp")
    done = pull(kestra.url, tmp_path, "--tenant", "acme corp")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert canonical(data) == canonical(STANDARD_MANIFEST)
    assert data["source"] == f"Kestra at {kestra.url}, tenant acme corp, pulled {data['generatedAt']}"
    assert all(p.startswith("/api/v1/acme corp/") for p in kestra.paths() if p != "/api/v1/configs")
    assert "/api/v1/acme corp/instance/versioned-plugins/io.kestra.plugin/plugin-docker/1.1.0-rc1" in kestra.paths()


def test_pull_falls_back_to_the_older_cluster_path_and_reads_every_page(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra(versioned="cluster/versioned-plugins")
    everything = versioned_answer()["results"]

    def paged(query: dict[str, str]) -> Answer:  # the server pages by 2, whatever size is asked
        page = int(query.get("page", "1"))
        return Answer(body={"total": len(everything), "results": everything[(page - 1) * 2 : page * 2]})

    kestra.routes["/api/v1/cluster/versioned-plugins"] = paged
    done = pull(kestra.url + "/", tmp_path)
    assert done.returncode == 0, done.stderr
    assert canonical(json.loads(done.stdout)) == canonical(STANDARD_MANIFEST)
    listing = [q["page"] for p, q, _ in kestra.requests if p == "/api/v1/cluster/versioned-plugins"]
    assert listing == ["1", "2"]
    assert kestra.paths()[0] == "/api/v1/instance/versioned-plugins"


def test_pull_401_without_credentials_is_exit_2_naming_the_variables_to_set(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    kestra.auth = "Bearer right"
    done = pull(kestra.url, tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"flowlint: error: 401 Unauthorized from {kestra.url}/api/v1/instance/versioned-plugins: "
        "set KESTRA_API_TOKEN (or KESTRA_USERNAME and KESTRA_PASSWORD)\n"
    )
    assert kestra.requests[0][2] is None


def test_pull_401_names_the_rejected_or_missing_credential(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    kestra.auth = "Bearer right"
    url = f"{kestra.url}/api/v1/instance/versioned-plugins"
    wrong = pull(kestra.url, tmp_path, env={"KESTRA_API_TOKEN": "wrong"})
    assert wrong.stderr == f"flowlint: error: 401 Unauthorized from {url}: the token in KESTRA_API_TOKEN was rejected\n"
    half = pull(kestra.url, tmp_path, env={"KESTRA_USERNAME": "admin"})
    assert (
        half.stderr
        == f"flowlint: error: 401 Unauthorized from {url}: KESTRA_USERNAME is set but KESTRA_PASSWORD is not\n"
    )
    basic = pull(kestra.url, tmp_path, env={"KESTRA_USERNAME": "admin", "KESTRA_PASSWORD": "nope"})
    assert (
        basic.stderr
        == f"flowlint: error: 401 Unauthorized from {url}: KESTRA_USERNAME and KESTRA_PASSWORD were rejected\n"
    )
    assert {wrong.returncode, half.returncode, basic.returncode} == {2}


def test_pull_403_on_versioned_plugins_is_exit_2_saying_a_superadmin_is_needed(
    kestra: FakeKestra, tmp_path: Path
) -> None:
    kestra.serve_kestra()
    kestra.forbid.add("/api/v1/instance/versioned-plugins")
    done = pull(kestra.url, tmp_path, env={"KESTRA_API_TOKEN": "viewer"})
    assert done.returncode == 2
    assert done.stderr == (
        f"flowlint: error: 403 Forbidden from {kestra.url}/api/v1/instance/versioned-plugins: the credentials were "
        "accepted but lack permission: versioned plugins need a superadmin\n"
    )


def test_pull_from_open_source_falls_back_to_the_plugins_list_with_a_warning(
    kestra: FakeKestra, tmp_path: Path
) -> None:
    kestra.routes["/api/v1/plugins"] = plugins_answer(modern=False)
    kestra.routes["/api/v1/configs"] = CONFIGS
    done = pull(kestra.url, tmp_path, "--no-properties")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"flowlint: warning: {kestra.url} has no versioned-plugins API (not Kestra Enterprise, or plugin management "
        f"is off): read {kestra.url}/api/v1/plugins instead, which gives each plugin's loaded version only\n"
    )
    assert kestra.paths() == [
        "/api/v1/instance/versioned-plugins",
        "/api/v1/cluster/versioned-plugins",
        "/api/v1/plugins",
        "/api/v1/configs",
    ]
    data = json.loads(done.stdout)
    latest = {(p["groupId"], p["artifactId"]): [v["version"] for v in p["versions"]] for p in data["plugins"]}
    assert latest == {
        ("io.kestra", "core"): ["1.3.0"],
        ("io.kestra.plugin", "plugin-docker"): ["1.1.0"],
        ("io.kestra.plugin", "plugin-jdbc-postgres"): ["1.2.3"],
        ("io.kestra.plugin", "plugin-script-shell"): ["0.21.0"],
    }


def test_pull_404_everywhere_is_exit_2_asking_whether_it_is_a_kestra_server(kestra: FakeKestra, tmp_path: Path) -> None:
    done = pull(kestra.url, tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"flowlint: error: 404 Not Found from {kestra.url}/api/v1/plugins (and from the versioned-plugins API): "
        f"is {kestra.url} a Kestra server?\n"
    )


def test_pull_without_an_answer_in_time_is_exit_2_naming_the_url_and_the_limit(
    kestra: FakeKestra, tmp_path: Path
) -> None:
    kestra.serve_kestra()
    kestra.routes["/api/v1/instance/versioned-plugins"] = Answer(body=versioned_answer(), delay=1.0)
    started = time.monotonic()
    done = pull(kestra.url, tmp_path, "--timeout", "0.5")
    assert done.returncode == 2
    assert (
        done.stderr == f"flowlint: error: no answer from {kestra.url}/api/v1/instance/versioned-plugins within 0.5 s\n"
    )
    assert time.monotonic() - started < 10


def test_pull_of_an_answer_that_is_not_json_is_exit_2_naming_its_content_type(
    kestra: FakeKestra, tmp_path: Path
) -> None:
    kestra.routes["/api/v1/instance/versioned-plugins"] = Answer(
        body=b"<!doctype html><title>Kestra</title>", content_type="text/html; charset=utf-8"
    )
    done = pull(kestra.url, tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"flowlint: error: {kestra.url}/api/v1/instance/versioned-plugins answered with something that is not "
        "JSON (text/html)\n"
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "answered with JSON nested too deeply to read"),
        (b'{"n": ' + b"9" * 5000 + b"}", "answered with JSON flowlint cannot read: Exceeds the limit (4300 digits)"),
    ],
    ids=["deep", "huge-integer"],
)
def test_pull_a_hostile_json_answer_is_exit_2(kestra: FakeKestra, tmp_path: Path, body: bytes, reason: str) -> None:
    kestra.routes["/api/v1/instance/versioned-plugins"] = Answer(body=body)
    done = pull(kestra.url, tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"flowlint: error: {kestra.url}/api/v1/instance/versioned-plugins {reason}")
    no_traceback(done.stderr)


def test_pull_from_a_closed_port_is_exit_2_connection_refused(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = pull(f"http://127.0.0.1:{port}", tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"flowlint: error: cannot connect to http://127.0.0.1:{port}: Connection refused\n"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("localhost:8080", "invalid URL 'localhost:8080': expected http(s)://HOST[:PORT] of a Kestra server"),
        ("ftp://kestra", "invalid URL 'ftp://kestra': expected http(s)://HOST[:PORT] of a Kestra server"),
        ("http://kestra:port", "invalid URL 'http://kestra:port': bad port"),
    ],
)
def test_pull_of_an_invalid_url_is_exit_2_saying_what_is_expected(tmp_path: Path, url: str, message: str) -> None:
    done = pull(url, tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"flowlint: error: {message}\n"


def test_pull_server_error_is_one_line_without_traceback_even_when_verbose(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.routes["/api/v1/instance/versioned-plugins"] = Answer(500, {"message": "boom"})
    done = pull(kestra.url, tmp_path, "--verbose")
    assert done.returncode == 2
    assert done.stderr == (
        f"flowlint: error: 500 Internal Server Error from {kestra.url}/api/v1/instance/versioned-plugins\n"
    )
    no_traceback(done.stderr)


def test_pull_reports_progress_at_most_per_10_percent(kestra: FakeKestra, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NO_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setattr(instance, "PROGRESS_INTERVAL", 0.0)
    monkeypatch.setattr(instance, "WORKERS", 1)
    versions = [{"version": f"1.0.{n}", "tasks": ["com.acme.Run"]} for n in range(25)]
    plugin = {"groupId": "com.acme", "artifactId": "plugin-acme", "versions": versions}
    kestra.routes["/api/v1/instance/versioned-plugins"] = versioned_answer([plugin])
    for version in versions:
        path = f"/api/v1/instance/versioned-plugins/com.acme/plugin-acme/{version['version']}"
        kestra.routes[path] = detail_answer(plugin, version)
    lines: list[str] = []
    result = api.pull(kestra.url, tenant=None, timeout=5, progress=lines.append, properties=False)
    assert len(result.data["plugins"][0]["versions"]) == 25
    assert 1 <= len(lines) <= 10
    assert all(line.startswith("flowlint: fetching ") and line.endswith("/25 plugin versions...") for line in lines)
    assert result.warnings == [
        f"the core plugin and aliases are missing: 404 Not Found from {kestra.url}/api/v1/plugins"
    ]


def test_progress_lines_come_at_most_once_a_second_and_once_per_10_percent(monkeypatch: pytest.MonkeyPatch) -> None:
    lines: list[str] = []
    clock = [0.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    meter = instance._Progress(lines.append, 48, "plugin versions")
    for done in range(1, 49):
        clock[0] += 0.3  # 14.4 s in all: the one-second limit decides
        meter.step(done)
    assert lines[0] == "flowlint: fetching 5/48 plugin versions..."  # 1.5 s, and the first 10 %
    assert len(lines) <= 10 and all("/48 plugin versions..." in line for line in lines)
    many: list[str] = []
    meter = instance._Progress(many.append, 1000, "plugin versions")
    for done in range(1, 1001):
        clock[0] += 2.0  # slow answers: the 10 % limit decides
        meter.step(done)
    assert len(many) == 9 and many[0] == "flowlint: fetching 100/1000 plugin versions..."
