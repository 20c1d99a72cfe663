"""`manifest pull` reads each type's property schema at each version from a live Kestra (a real HTTP server
on 127.0.0.1): the EE per-version and the open-source endpoint, retries, `--update`, `--no-properties`; the
manifest it makes lints a flow exactly like a hand-written manifest of the same properties."""

from __future__ import annotations

import copy
import json
import re
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from flowlint.manifest import api
from flowlint.manifest.api import client, instance
from tests.conftest import STANDARD_MANIFEST, run_cli
from tests.manifest.fake_kestra import LOCAL, NO_CREDENTIALS, Answer, FakeKestra, pull, save
from tests.manifest.kestra_answers import (
    CONFIGS,
    detail_answer,
    documentation,
    plugins_answer,
    plugins_entry,
    schema_routes,
    text,
    versioned_answer,
)

QUERY = "io.kestra.plugin.jdbc.postgresql.Query"
COPY_IN = "io.kestra.plugin.jdbc.postgresql.CopyIn"
SCRIPT = "io.kestra.plugin.scripts.shell.Script"
DOCKER = "io.kestra.plugin.scripts.runner.docker.Docker"
SSL = "io.kestra.plugin.jdbc.postgresql.PostgresConnection.Ssl"
MEMORY = "io.kestra.plugin.scripts.runner.docker.Memory"


def e(name: str, kind: str, since: str, until: str, **flags: Any) -> dict[str, Any]:
    """One hand-written entry."""
    return {"name": name, "kind": kind, **flags, "since": since, "until": until}


def string(name: str, since: str, until: str, **flags: Any) -> dict[str, Any]:
    return e(name, "string", since, until, dyn=True, **flags)


HAND_SECTIONS = {
    "io.kestra.plugin:plugin-jdbc-postgres": {
        "types": {
            QUERY: {
                "kind": "task",
                "root": "task",
                "since": "0.19.0",
                "until": "1.2.3",
                "props": [
                    string("url", "0.19.0", "1.2.3", req=True),
                    string("sql", "0.19.0", "1.2.3", req=True),
                    string("username", "0.19.0", "1.2.3"),
                    string("password", "0.19.0", "1.2.3"),
                    e("timeZoneId", "string", "0.19.0", "1.2.3"),
                    e("fetch", "boolean", "0.19.0", "0.19.0"),
                    e("fetch", "boolean", "1.2.1", "1.2.3", dep=True),
                    e("store", "boolean", "0.19.0", "0.19.0"),
                    e("fetchOne", "boolean", "0.19.0", "0.19.0"),
                    e("fetchSize", "integer", "0.19.0", "0.19.0", **{"def": 10000}),
                    e("fetchSize", "integer", "1.2.1", "1.2.3", dyn=True),
                    e("fetchType", "enum", "1.2.1", "1.2.3", dyn=True, enum=["STORE", "FETCH", "FETCH_ONE", "NONE"]),
                    e("parameters", "map", "1.2.1", "1.2.3", dyn=True),
                    e("ssl", "object", "1.2.1", "1.2.3", ref=SSL),
                    string("afterSQL", "1.2.3", "1.2.3"),
                ],
            },
            COPY_IN: {
                "kind": "task",
                "root": "task",
                "since": "1.2.1",
                "until": "1.2.3",
                "props": [
                    string("url", "1.2.1", "1.2.3", req=True),
                    string("table", "1.2.1", "1.2.3", req=True),
                    string("from", "1.2.1", "1.2.3", req=True),
                    e("format", "enum", "1.2.1", "1.2.3", enum=["TEXT", "CSV", "BINARY"]),
                    e("header", "boolean", "1.2.1", "1.2.3", dyn=True),
                    e("columns", "list", "1.2.1", "1.2.3", dyn=True, of={"kind": "string"}),
                ],
            },
        },
        "defs": {
            SSL: {
                "since": "1.2.1",
                "until": "1.2.3",
                "props": [
                    e(
                        "mode",
                        "enum",
                        "1.2.1",
                        "1.2.3",
                        req=True,
                        enum=["DISABLE", "ALLOW", "PREFER", "REQUIRE", "VERIFY_CA"],
                    ),
                    string("rootCert", "1.2.1", "1.2.3"),
                ],
            }
        },
    },
    "io.kestra.plugin:plugin-script-shell": {
        "types": {
            SCRIPT: {
                "kind": "task",
                "root": "task",
                "since": "0.20.0",
                "until": "0.21.0",
                "props": [
                    string("script", "0.20.0", "0.21.0", req=True),
                    e("interpreter", "list", "0.20.0", "0.21.0", dyn=True, of={"kind": "string"}),
                    string("containerImage", "0.20.0", "0.21.0"),
                    e("beforeCommands", "list", "0.20.0", "0.21.0", dyn=True, of={"kind": "string"}),
                    e("env", "map", "0.20.0", "0.21.0", dyn=True, of={"kind": "string"}),
                    e("taskRunner", "plugin", "0.20.0", "0.21.0", of="taskRunner"),
                    e("warningOnStdErr", "boolean", "0.20.0", "0.21.0", dyn=True),
                    e("outputFiles", "list", "0.21.0", "0.21.0", dyn=True, of={"kind": "string"}),
                ],
            }
        }
    },
    "io.kestra.plugin:plugin-docker": {
        "types": {
            DOCKER: {
                "kind": "taskRunner",
                "root": "taskRunner",
                "since": "1.0.0",
                "until": "1.1.0",
                "props": [
                    string("host", "1.0.0", "1.1.0"),
                    e("pullPolicy", "enum", "1.0.0", "1.1.0", dyn=True, enum=["IF_NOT_PRESENT", "ALWAYS", "NEVER"]),
                    e("volumes", "list", "1.0.0", "1.1.0", dyn=True, of={"kind": "string"}),
                    e("memory", "object", "1.0.0", "1.1.0", ref=MEMORY),
                    e("delete", "boolean", "1.0.0", "1.1.0", dyn=True),
                    e("wait", "boolean", "1.0.0", "1.1.0", dyn=True),
                    string("networkMode", "1.1.0-rc1", "1.1.0"),
                ],
            }
        },
        "defs": {
            MEMORY: {
                "since": "1.0.0",
                "until": "1.1.0",
                "props": [string(n, "1.0.0", "1.1.0") for n in ("memory", "memorySwap", "kernelMemory")],
            }
        },
    },
}

FLOW = """\
    id: props
    namespace: company.team
    tasks:
      - id: old
        type: io.kestra.plugin.jdbc.postgresql.Query
        version: "0.19.0"
        url: jdbc:postgresql://db/app
        sql: select 1
        fetchType: FETCH
      - id: new
        type: io.kestra.plugin.jdbc.postgresql.Query
        version: "1.2.3"
        url: jdbc:postgresql://db/app
        fetchType: FETCHALL
        fetchSize: "{{ inputs.size }}"
        afterSql: select 2
        ssl:
          mode: REQUIRE
          verify: true
      - id: copy
        type: io.kestra.plugin.jdbc.postgresql.CopyIn
        version: "1.2.1"
        url: jdbc:postgresql://db/app
        table: events
        format: csv
      - id: script
        type: io.kestra.plugin.scripts.shell.Script
        version: "0.20.0"
        script: echo hi
        outputFiles: [out.txt]
        retry:
          type: constant
          interval: PT1M
        taskRunner:
          type: io.kestra.plugin.scripts.runner.docker.Docker
          version: "1.0.0"
          networkMode: host
          pullPolicy: SOMETIMES
          memory:
            memory: 512MB
            swap: 1GB
    """
Q_OLD, Q_NEW = f"{QUERY} 0.19.0 (plugin-jdbc-postgres)", f"{QUERY} 1.2.3 (plugin-jdbc-postgres)"
DOCKER_1 = f"{DOCKER} 1.0.0 (plugin-docker)"
EXPECTED = [
    ("FL501", 9, f"'fetchType' is not a property of {Q_OLD}"),
    ("FL502", 11, f"{Q_NEW} requires 'sql'"),
    ("FL503", 14, "'fetchType' takes one of STORE, FETCH, FETCH_ONE, NONE; not 'FETCHALL'; did you mean FETCH?"),
    ("FL501", 16, f"'afterSql' is not a property of {Q_NEW}"),
    ("FL501", 19, f"'verify' is not a property of Ssl (in {Q_NEW})"),
    ("FL502", 21, f"{COPY_IN} 1.2.1 (plugin-jdbc-postgres) requires 'from'"),
    ("FL503", 25, "'format' takes one of TEXT, CSV, BINARY; not 'csv' (constants are case-sensitive: CSV)"),
    ("FL501", 30, f"'outputFiles' is not a property of {SCRIPT} 0.20.0 (plugin-script-shell)"),
    ("FL501", 37, f"'networkMode' is not a property of {DOCKER_1}"),
    ("FL503", 38, "'pullPolicy' takes one of IF_NOT_PRESENT, ALWAYS, NEVER; not 'SOMETIMES'"),
    ("FL501", 41, f"'swap' is not a property of Memory (in {DOCKER_1})"),
]
ALL_SCHEMAS = sorted(schema_routes())


def hand_manifest(tmp_path: Path) -> Path:
    data = copy.deepcopy(STANDARD_MANIFEST)
    for plugin in data["plugins"]:
        section = HAND_SECTIONS.get(f"{plugin['groupId']}:{plugin['artifactId']}")
        if section is not None:
            plugin["properties"] = section
    return save(tmp_path, "hand.json", data)


def findings(tmp_path: Path, manifest: Path, flow: str = FLOW) -> list[tuple[str, int, str]]:
    (tmp_path / "flows").mkdir(exist_ok=True)
    (tmp_path / "flows" / "props.yml").write_text(textwrap.dedent(flow), "utf-8")
    done = run_cli(
        ["check", "flows", "--manifest", str(manifest), "--select", "FL5", "--format", "json"], tmp_path, env=LOCAL
    )
    assert done.returncode in (0, 1), done.stderr
    return [(d["code"], d["line"], d["message"]) for d in json.loads(done.stdout)["diagnostics"]]


def test_pull_reads_each_types_schema_at_each_version_and_lints_like_the_hand_written_manifest(
    kestra: FakeKestra, tmp_path: Path
) -> None:
    kestra.serve_kestra()
    done = pull(kestra.url, tmp_path, "-o", "pulled.json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "flowlint: wrote pulled.json\n"
    assert sorted(kestra.schema_requests()) == ALL_SCHEMAS
    assert f"/api/v1/plugins/{QUERY}/versions/0.19.0" in ALL_SCHEMAS and len(ALL_SCHEMAS) == 10
    data = json.loads((tmp_path / "pulled.json").read_text("utf-8"))
    sections = {p["artifactId"]: p.get("properties") for p in data["plugins"]}
    assert sections["core"] is None  # the core plugin follows the bundled data
    date = data["generatedAt"][:10]
    assert {s["source"] for s in sections.values() if s} == {f"pulled from {kestra.url} on {date}"}
    assert findings(tmp_path, tmp_path / "pulled.json") == EXPECTED
    assert findings(tmp_path, hand_manifest(tmp_path)) == EXPECTED


def test_pull_from_open_source_reads_the_loaded_versions_schema(kestra: FakeKestra, tmp_path: Path) -> None:
    # an older Kestra: a Property<T> is oneOf [T, a string with a {{ }} pattern], and `required` keeps
    # properties that have a default (fetchSize): flowlint does not require them
    kestra.routes["/api/v1/plugins"] = plugins_answer(modern=False)
    kestra.routes["/api/v1/configs"] = CONFIGS
    kestra.routes.update(schema_routes(versioned=False, modern=False))
    done = pull(kestra.url, tmp_path, "-o", "oss.json")
    assert done.returncode == 0, done.stderr
    assert sorted(kestra.schema_requests()) == sorted(f"/api/v1/plugins/{t}" for t in (QUERY, COPY_IN, SCRIPT, DOCKER))
    flow = """\
        id: latest
        namespace: company.team
        tasks:
          - id: new
            type: io.kestra.plugin.jdbc.postgresql.Query
            url: jdbc:postgresql://db/app
            sql: select 1
            fetchType: FETCHALL
            fetchSize: "{{ inputs.size }}"
            afterSql: select 2
        """
    expected = [
        ("FL503", 8, "'fetchType' takes one of STORE, FETCH, FETCH_ONE, NONE; not 'FETCHALL'; did you mean FETCH?"),
        ("FL501", 10, f"'afterSql' is not a property of {Q_NEW}"),
    ]
    assert findings(tmp_path, tmp_path / "oss.json", flow) == expected
    assert findings(tmp_path, hand_manifest(tmp_path), flow) == expected


def test_pull_waits_for_a_slow_answer_and_retries_a_500_and_a_timeout(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    calls: dict[str, int] = {}

    def once(path: str, first: Answer) -> Any:
        """``first`` the first time ``path`` is asked for, then what the fake served there."""
        body = kestra.routes[path]

        def answer(query: dict[str, str]) -> Answer:
            calls[path] = calls.get(path, 0) + 1
            return first if calls[path] == 1 else Answer(body=body)

        return answer

    slow = f"/api/v1/plugins/{QUERY}/versions/0.19.0"
    failing = f"/api/v1/plugins/{SCRIPT}/versions/0.20.0"
    timing_out = f"/api/v1/plugins/{DOCKER}/versions/1.0.0"
    kestra.routes[slow] = Answer(body=kestra.routes[slow], delay=1.0)
    kestra.routes[failing] = once(failing, Answer(500, {"message": "Internal Server Error"}))
    kestra.routes[timing_out] = once(timing_out, Answer(body={}, delay=3.0))
    done = pull(kestra.url, tmp_path, "--timeout", "2", "-o", "pulled.json")
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if not line.startswith("flowlint: fetching ")]
    assert said == ["flowlint: wrote pulled.json"]
    assert calls == {failing: 2, timing_out: 2}
    assert kestra.schema_requests().count(slow) == 1
    assert findings(tmp_path, tmp_path / "pulled.json") == EXPECTED


def test_a_schema_that_keeps_failing_is_a_warning_and_its_version_gets_no_property_data(
    kestra: FakeKestra, tmp_path: Path
) -> None:
    kestra.serve_kestra()
    broken = f"/api/v1/plugins/{QUERY}/versions/1.2.3"
    kestra.routes[broken] = Answer(503, {"message": "Service Unavailable"})
    kestra.routes[f"/api/v1/plugins/{DOCKER}/versions/1.0.0"] = {"markdown": "# Docker", "schema": {"outputs": {}}}
    done = pull(kestra.url, tmp_path, "-o", "pulled.json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"flowlint: warning: no property data for {QUERY} 1.2.3 (plugin-jdbc-postgres): 503 Service Unavailable "
        f"from {kestra.url}{broken}: flowlint checks no properties of it there\n"
        f"flowlint: warning: no property data for {DOCKER} 1.0.0 (plugin-docker): {kestra.url}/api/v1/plugins/"
        f"{DOCKER}/versions/1.0.0 answered with JSON that is not a plugin schema: flowlint checks no properties "
        "of it there\n"
        "flowlint: wrote pulled.json\n"
    )
    assert kestra.schema_requests().count(broken) == 1 + client.RETRIES
    # Query 1.2.3 and Docker 1.0.0 are described in part: no unknown key there, the other versions still checked
    assert findings(tmp_path, tmp_path / "pulled.json") == [
        ("FL501", 9, f"'fetchType' is not a property of {Q_OLD}"),
        ("FL502", 21, f"{COPY_IN} 1.2.1 (plugin-jdbc-postgres) requires 'from'"),
        ("FL503", 25, "'format' takes one of TEXT, CSV, BINARY; not 'csv' (constants are case-sensitive: CSV)"),
        ("FL501", 30, f"'outputFiles' is not a property of {SCRIPT} 0.20.0 (plugin-script-shell)"),
    ]


def test_pull_update_reuses_the_old_manifests_properties_for_unchanged_versions(
    kestra: FakeKestra, tmp_path: Path
) -> None:
    kestra.serve_kestra()
    first = pull(kestra.url, tmp_path, "-o", "old.json")
    assert first.returncode == 0, first.stderr
    kestra.requests.clear()
    again = pull(kestra.url, tmp_path, "--update", "old.json", "-o", "new.json")
    assert again.returncode == 0, again.stderr
    assert kestra.schema_requests() == []
    old = json.loads((tmp_path / "old.json").read_text("utf-8"))
    new = json.loads((tmp_path / "new.json").read_text("utf-8"))
    assert [p.get("properties", {}).get("types") for p in new["plugins"]] == [
        p.get("properties", {}).get("types") for p in old["plugins"]
    ]
    assert findings(tmp_path, tmp_path / "new.json") == EXPECTED

    # a version that changed its types is asked again, and only that one
    kestra.requests.clear()
    details = kestra.routes["/api/v1/instance/versioned-plugins/io.kestra.plugin/plugin-jdbc-postgres/1.2.1"]
    details["classes"][0]["classes"] = [{"name": QUERY, "icon": None}]
    changed = pull(kestra.url, tmp_path, "--update", "old.json", "-o", "changed.json")
    assert changed.returncode == 0, changed.stderr
    assert kestra.schema_requests() == [f"/api/v1/plugins/{QUERY}/versions/1.2.1"]


def test_pull_no_properties_asks_for_no_schema(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    done = pull(kestra.url, tmp_path, "--no-properties")
    assert done.returncode == 0, done.stderr
    assert kestra.schema_requests() == []
    assert all("properties" not in p for p in json.loads(done.stdout)["plugins"])


def test_pull_draws_a_bar_when_asked_instead_of_lines(kestra: FakeKestra, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NO_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    kestra.serve_kestra()
    lines: list[str] = []
    drawn: list[str] = []
    result = api.pull(kestra.url, tenant=None, timeout=5, progress=lines.append, bar=drawn.append)
    assert result.warnings == [] and lines == []
    assert drawn[-2:] == [f"\rflowlint: fetching [{'#' * 30}] 10/10 property schemas", "\n"]
    assert f"\rflowlint: fetching [{'#' * 30}] 8/8 plugin versions" in drawn
    shape = re.compile(r"\rflowlint: fetching \[([#.]{30})\] (\d+)/(\d+) (plugin versions|property schemas)")
    for drawing in drawn:
        bar = shape.fullmatch(drawing)
        filled = int(bar[2]) * 30 // int(bar[3]) if bar else 0
        assert drawing == "\n" or (bar and bar[1] == "#" * filled + "." * (30 - filled))


def test_pull_never_prints_nor_writes_the_token(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    kestra.auth = "Bearer s3cret-token"
    done = pull(kestra.url, tmp_path, "-o", "pulled.yaml", env={"KESTRA_API_TOKEN": "s3cret-token"})
    assert done.returncode == 0, done.stderr
    assert len(kestra.schema_requests()) == 10
    assert {header for _, _, header in kestra.requests} == {"Bearer s3cret-token"}
    assert "s3cret" not in done.stderr + (tmp_path / "pulled.yaml").read_text("utf-8")


def test_pull_with_a_tenant_asks_for_the_schemas_under_the_tenant(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra(prefix="/api/v1/acme")
    done = pull(kestra.url, tmp_path, "--tenant", "acme")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert sorted(kestra.schema_requests()) == sorted(schema_routes("/api/v1/acme"))
    assert all(p.startswith("/api/v1/acme/plugins/") for p in kestra.schema_requests())


def test_properties_kestras_schema_hides_are_taken_from_the_bundled_data(kestra: FakeKestra, tmp_path: Path) -> None:
    # plugin-email 1.0.0's MailExecution has `templateUri` marked hidden: its schema leaves it out, Kestra takes it
    mail = "io.kestra.plugin.email.MailExecution"
    plugin = {
        "groupId": "io.kestra.plugin",
        "artifactId": "plugin-email",
        "versions": [{"version": "1.0.0", "tasks": [mail]}],
    }
    kestra.routes["/api/v1/instance/versioned-plugins"] = versioned_answer([plugin])
    kestra.routes["/api/v1/instance/versioned-plugins/io.kestra.plugin/plugin-email/1.0.0"] = detail_answer(
        plugin, plugin["versions"][0]
    )
    kestra.routes[f"/api/v1/plugins/{mail}/versions/1.0.0"] = documentation(mail, {"to": text()}, [], {})
    done = pull(kestra.url, tmp_path, "-o", "pulled.json")
    assert done.returncode == 0, done.stderr
    flow = f"""\
        id: mail
        namespace: company.team
        tasks:
          - id: send
            type: {mail}
            to: ops@acme.com
            templateUri: kestra:///mail.peb
            template: nope
        """
    assert findings(tmp_path, tmp_path / "pulled.json", flow) == [
        ("FL501", 8, f"'template' is not a property of {mail} 1.0.0 (plugin-email)")
    ]


@pytest.mark.parametrize("userinfo", ["admin:s3cretPW@", "admin@", ":s3cretPW@"])
def test_credentials_in_the_url_are_refused_and_never_printed(
    kestra: FakeKestra, tmp_path: Path, userinfo: str
) -> None:
    kestra.serve_kestra()
    url = kestra.url.replace("://", f"://{userinfo}")
    done = pull(f"{url}/api/v1", tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"flowlint: error: {kestra.url.replace('://', '://***@')}/api/v1: flowlint takes no credentials in the URL "
        "(they would show in shell history and process lists): set KESTRA_USERNAME and KESTRA_PASSWORD, or "
        "KESTRA_API_TOKEN, instead\n"
    )
    assert kestra.requests == []


def test_an_unclosed_ipv6_bracket_is_an_invalid_url_not_a_crash(tmp_path: Path) -> None:
    done = pull("http://admin:s3cretPW@[::1", tmp_path)
    assert (done.returncode, done.stderr) == (
        2,
        "flowlint: error: http://***@[::1: flowlint takes no credentials in the URL (they would show in shell "
        "history and process lists): set KESTRA_USERNAME and KESTRA_PASSWORD, or KESTRA_API_TOKEN, instead\n",
    )
    done = pull("http://[::1", tmp_path)
    assert (done.returncode, done.stderr) == (2, "flowlint: error: invalid URL 'http://[::1': Invalid IPv6 URL\n")


def test_pull_update_asks_again_for_versions_whose_classes_change_under_the_same_text(
    kestra: FakeKestra, tmp_path: Path
) -> None:
    # a plugin that gives no version (recorded as 0.0.0) and a -SNAPSHOT are rebuilt under the same text:
    # only the release is reused
    plugins = {
        "com.acme.nover.Task": None,
        "com.acme.snap.Task": "1.0.0-SNAPSHOT",
        "com.acme.rel.Task": "1.0.0",
    }
    entries = []
    for type_name, version in plugins.items():
        artifact = f"plugin-{type_name.split('.')[2]}"
        plugin = {
            "groupId": "com.acme",
            "artifactId": artifact,
            "versions": [{"version": version, "tasks": [type_name]}],
        }
        entries.append(plugins_entry(plugin, plugin["versions"][0]))
    kestra.routes["/api/v1/plugins"] = entries
    kestra.routes["/api/v1/configs"] = CONFIGS

    def serve(name: str) -> None:
        for type_name in plugins:
            kestra.routes[f"/api/v1/plugins/{type_name}"] = documentation(type_name, {name: text()}, [], {})

    serve("before")
    assert pull(kestra.url, tmp_path, "-o", "old.json").returncode == 0
    serve("after")
    kestra.requests.clear()
    again = pull(kestra.url, tmp_path, "--update", "old.json", "-o", "new.json")
    assert again.returncode == 0, again.stderr
    assert sorted(kestra.schema_requests()) == [
        "/api/v1/plugins/com.acme.nover.Task",
        "/api/v1/plugins/com.acme.snap.Task",
    ]
    flow = "".join(f"  - id: t{i}\n    type: {type_name}\n    after: x\n" for i, type_name in enumerate(plugins))
    assert findings(tmp_path, tmp_path / "new.json", f"id: f\nnamespace: company.team\ntasks:\n{flow}") == [
        ("FL501", 12, "'after' is not a property of com.acme.rel.Task 1.0.0 (plugin-rel)")
    ]


def test_pull_from_open_source_describes_only_the_loaded_version_and_asks_each_url_once(
    kestra: FakeKestra, tmp_path: Path
) -> None:
    # /api/v1/plugins lists every installed version; /api/v1/plugins/{cls} describes the one Kestra loads
    # (the newest): the others get no property data
    kestra.routes["/api/v1/plugins"] = plugins_answer(every_version=True)
    kestra.routes["/api/v1/configs"] = CONFIGS
    kestra.routes.update(schema_routes(versioned=False))
    done = pull(kestra.url, tmp_path, "-o", "oss.json")
    assert done.returncode == 0, done.stderr
    assert sorted(kestra.schema_requests()) == sorted(f"/api/v1/plugins/{t}" for t in (QUERY, COPY_IN, SCRIPT, DOCKER))
    flow = f"""\
        id: versions
        namespace: company.team
        tasks:
          - id: old
            type: {QUERY}
            version: "0.19.0"
            url: jdbc:postgresql://db/app
            sql: select 1
            store: true
          - id: new
            type: {QUERY}
            version: "1.2.3"
            url: jdbc:postgresql://db/app
            sql: select 1
            store: true
        """
    assert findings(tmp_path, tmp_path / "oss.json", flow) == [("FL501", 15, f"'store' is not a property of {Q_NEW}")]


def test_pull_stops_asking_for_schemas_after_ten_failed_requests(kestra: FakeKestra, tmp_path: Path) -> None:
    types = [f"com.acme.T{i:02}" for i in range(30)]
    plugin = {"groupId": "com.acme", "artifactId": "plugin-acme", "versions": [{"version": "1.0.0", "tasks": types}]}
    kestra.routes["/api/v1/plugins"] = [plugins_entry(plugin, plugin["versions"][0])]
    for type_name in types:
        kestra.routes[f"/api/v1/plugins/{type_name}"] = Answer(503, {"message": "Service Unavailable"})
    done = pull(kestra.url, tmp_path, "-o", "pulled.json")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-2:] == [
        "flowlint: warning: no property data for 30 type versions: 10 schema requests failed (the first: 503 "
        f"Service Unavailable from {kestra.url}/api/v1/plugins/com.acme.T00), so flowlint stopped asking for "
        "schemas: flowlint checks no properties of them",
        "flowlint: wrote pulled.json",
    ]
    # each failed request was tried 1 + RETRIES times; no more than WORKERS - 1 were under way at the tenth
    assert len(kestra.schema_requests()) <= (1 + client.RETRIES) * (10 + instance.WORKERS - 1) < 30 * 3


def test_pull_waits_as_a_429_answer_asks_then_tries_again(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    limited = f"/api/v1/plugins/{QUERY}/versions/1.2.3"
    body = kestra.routes[limited]
    asked: list[float] = []

    def answer(query: dict[str, str]) -> Answer:
        asked.append(time.monotonic())
        if len(asked) == 1:
            return Answer(429, {"message": "Too Many Requests"}, headers={"Retry-After": "2"})
        return Answer(body=body)

    kestra.routes[limited] = answer
    done = pull(kestra.url, tmp_path, "-o", "pulled.json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "flowlint: wrote pulled.json\n"
    assert len(asked) == 2 and asked[1] - asked[0] >= 2.0
    assert findings(tmp_path, tmp_path / "pulled.json") == EXPECTED


def test_pull_reads_a_malformed_schema_as_unknown_kinds_without_a_crash(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    odd = {"url": {"type": {}}, "sql": {"type": [["string"]]}, "afterSQL": text()}
    kestra.routes[f"/api/v1/plugins/{QUERY}/versions/1.2.3"] = documentation(QUERY, odd, [], {})
    done = pull(kestra.url, tmp_path, "-o", "pulled.json")
    assert (done.returncode, done.stderr) == (0, "flowlint: wrote pulled.json\n")
    flow = f"""\
        id: odd
        namespace: company.team
        tasks:
          - id: new
            type: {QUERY}
            version: "1.2.3"
            url: [1]
            sql: {{a: b}}
            fetchType: X
        """
    assert findings(tmp_path, tmp_path / "pulled.json", flow) == [
        ("FL501", 9, f"'fetchType' is not a property of {Q_NEW}")
    ]
