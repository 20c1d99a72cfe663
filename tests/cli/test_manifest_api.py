"""`manifest import` and `manifest pull`: Kestra's API answers, saved and served by a real local HTTP server.

The answers are built here in the shapes of Kestra's public source and generated API clients:
``io.kestra.core.docs.Plugin`` (GET /api/v1/plugins: class names as strings before 1.x,
``PluginElementMetadata {cls, deprecated, title, description}`` since), ``ApiPluginVersions`` (GET
/api/v1/plugins/{cls}/versions), the EE ``PagedResults<PluginArtifact>`` of GET
/api/v1/instance/versioned-plugins and ``PluginVersionDetails`` of GET …/{groupId}/{artifactId}/{version}.
They describe the same instance as STANDARD_MANIFEST, so what is imported or pulled must lint like it.
"""

from __future__ import annotations

import base64
import copy
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from flowlint.manifest import api
from tests.conftest import STANDARD_MANIFEST, run_cli

NO_CREDENTIALS = {"KESTRA_API_TOKEN": "", "KESTRA_USERNAME": "", "KESTRA_PASSWORD": ""}
LOCAL = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost", **NO_CREDENTIALS}
DETAIL_TYPES = {"tasks": "TASK", "triggers": "TRIGGER", "conditions": "CONDITION", "taskRunners": "TASK_RUNNER"}
CLASS_KEYS = ("tasks", "triggers", "conditions", "taskRunners")

# ----------------------------------------------------------------------------------------------
# Answers of a Kestra instance with the plugins of STANDARD_MANIFEST

CORE = STANDARD_MANIFEST["plugins"][0]
VERSIONED = [p for p in STANDARD_MANIFEST["plugins"] if not p.get("core")]


def java_group(plugin: dict[str, Any]) -> str:
    """The X-Kestra-Group of a plugin: the package of its classes (what /api/v1/plugins calls `group`)."""
    first: str = next(t for v in plugin["versions"] for k in CLASS_KEYS for t in v.get(k, ()))
    return first.rsplit(".", 1)[0]


def element(type_name: str) -> dict[str, Any]:
    """A class entry of /api/v1/plugins since 1.x (io.kestra.core.docs.Plugin.PluginElementMetadata)."""
    return {"cls": type_name, "deprecated": None, "title": type_name.rsplit(".", 1)[1], "description": None}


def plugins_entry(plugin: dict[str, Any], version: dict[str, Any], *, modern: bool = True) -> dict[str, Any]:
    """One item of GET /api/v1/plugins for one loaded version of ``plugin``."""
    core = bool(plugin.get("core"))
    name = "core" if core else plugin["artifactId"]
    group = "io.kestra.plugin.core" if core else java_group(plugin)

    def classes(key: str) -> list[Any]:
        names = version.get(key, [])
        return [element(n) for n in names] if modern else list(names)

    return {
        "name": name,
        "title": "core" if core else plugin["artifactId"].removeprefix("plugin-"),
        "description": None,
        "license": None,
        "longDescription": None,
        "group": group,
        "version": None if core else version["version"],
        "manifest": {} if core else {"X-Kestra-Name": name, "X-Kestra-Group": group},
        "guides": [],
        "aliases": sorted(version.get("aliases", {})),
        "tasks": classes("tasks"),
        "triggers": classes("triggers"),
        "conditions": classes("conditions"),
        "controllers": [],
        "storages": classes("storages") if modern else ["io.kestra.storage.local.LocalStorage"] if core else [],
        "secrets": [],
        "taskRunners": classes("taskRunners"),
        "apps": [],
        "appBlocks": [],
        "charts": [],
        "dataFilters": [],
        "logExporters": [],
        "additionalPlugins": [],
        "categories": ["CORE"] if core else ["TOOL"],
        "subGroup": None,
    }


def plugins_answer(*, modern: bool = True, every_version: bool = False) -> list[dict[str, Any]]:
    """GET /api/v1/plugins: core and the loaded (latest, or every) version of each plugin."""
    entries = [plugins_entry(CORE, CORE["versions"][0], modern=modern)]
    for plugin in VERSIONED:
        versions = plugin["versions"] if every_version else plugin["versions"][-1:]
        entries += [plugins_entry(plugin, v, modern=modern) for v in versions]
    return entries


def versioned_answer(plugins: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """EE GET /api/v1/instance/versioned-plugins (PagedResults of PluginArtifact)."""
    results = [
        {
            "title": p["artifactId"],
            "icon": "PHN2Zy8+",
            "groupId": p["groupId"],
            "artifactId": p["artifactId"],
            "versions": [v["version"] for v in reversed(p["versions"])],
        }
        for p in (VERSIONED if plugins is None else plugins)
    ]
    return {"total": len(results), "results": results}


def detail_answer(plugin: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
    """EE GET …/versioned-plugins/{groupId}/{artifactId}/{version} (PluginVersionDetails)."""
    return {
        "groupId": plugin["groupId"],
        "artifactId": plugin["artifactId"],
        "version": version["version"],
        "title": plugin["artifactId"],
        "description": "A plugin",
        "icon": "PHN2Zy8+",
        "classes": [
            {"type": DETAIL_TYPES[key], "classes": [{"name": n, "icon": None} for n in version[key]]}
            for key in CLASS_KEYS
            if version.get(key)
        ],
    }


def all_details() -> dict[str, dict[str, Any]]:
    """Every version's details, by its path under the versioned-plugins endpoint."""
    return {
        f"{p['groupId']}/{p['artifactId']}/{v['version']}": detail_answer(p, v)
        for p in VERSIONED
        for v in p["versions"]
    }


CONFIGS = {"uuid": "5f8c", "version": "1.3.0", "commitId": "9ab2d1f", "commitDate": "2026-11-01T10:00:00Z"}


def canonical(data: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """What a manifest says about plugins, ignoring order, titles and metadata."""
    return {
        (p["groupId"], p["artifactId"]): (
            bool(p.get("core")),
            {
                v["version"]: (
                    {k: sorted(v.get(k, [])) for k in (*CLASS_KEYS, "others") if v.get(k)},
                    dict(v.get("aliases", {})),
                )
                for v in p["versions"]
            },
        )
        for p in data["plugins"]
    }


# ----------------------------------------------------------------------------------------------
# A fake Kestra: a real HTTP server on 127.0.0.1


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    content_type: str = "application/json"
    delay: float = 0.0


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

    def serve_kestra(self, prefix: str = "/api/v1", versioned: str = "instance/versioned-plugins") -> None:
        """Answer like an EE instance with STANDARD_MANIFEST's plugins."""
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


# ----------------------------------------------------------------------------------------------
# manifest import


def test_import_plugins_list_1x_shape(tmp_path: Path) -> None:
    save(tmp_path, "plugins.json", plugins_answer(modern=True, every_version=True))
    save(tmp_path, "configs.json", CONFIGS)
    done = import_(tmp_path, "plugins.json", "configs.json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    data = json.loads(done.stdout)
    assert canonical(data) == canonical(STANDARD_MANIFEST)
    assert data["kestraVersion"] == "1.3.0"
    assert data["source"].startswith("imported from plugins.json, configs.json on ")
    core = data["plugins"][0]
    assert (core["groupId"], core["artifactId"], core["core"]) == ("io.kestra", "core", True)


def test_import_plugins_list_older_shape_with_strings_and_others(tmp_path: Path) -> None:
    save(tmp_path, "plugins.json", plugins_answer(modern=False))
    done = import_(tmp_path, "plugins.json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    core = next(p for p in data["plugins"] if p.get("core"))
    # No Kestra version known: core is recorded at 0.0.0; its storage goes to `others`.
    assert core["versions"][0]["version"] == "0.0.0"
    assert core["versions"][0]["others"] == ["io.kestra.storage.local.LocalStorage"]
    assert core["versions"][0]["aliases"] == {"io.kestra.core.tasks.log.Log": "io.kestra.plugin.core.log.Log"}
    shell = next(p for p in data["plugins"] if p["artifactId"] == "plugin-script-shell")
    # The Maven groupId is not in the answer: io.kestra.plugin for an io.kestra.* group.
    assert shell["groupId"] == "io.kestra.plugin"
    assert shell["versions"] == [{"version": "0.21.0", "tasks": ["io.kestra.plugin.scripts.shell.Script"]}]


def test_import_versioned_list_and_details_and_plugins_equals_pull_result(tmp_path: Path) -> None:
    save(tmp_path, "versioned.json", versioned_answer())
    names = ["versioned.json"]
    for index, detail in enumerate(all_details().values()):
        save(tmp_path, f"detail{index}.json", detail)
        names.append(f"detail{index}.json")
    save(tmp_path, "plugins.json", plugins_answer())
    save(tmp_path, "configs.json", CONFIGS)
    done = import_(tmp_path, *names, "plugins.json", "configs.json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    data = json.loads(done.stdout)
    assert canonical(data) == canonical(STANDARD_MANIFEST)
    assert data["source"].startswith("imported from versioned.json, detail0.json, detail1.json and 8 more on ")


def test_import_versioned_list_without_details_warns_types_unknown(tmp_path: Path) -> None:
    save(tmp_path, "versioned.json", versioned_answer(VERSIONED[:1]))
    done = import_(tmp_path, "versioned.json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "flowlint: warning: types are unknown for 2 plugin versions (io.kestra.plugin:plugin-script-shell 0.20.0, "
        "io.kestra.plugin:plugin-script-shell 0.21.0): the manifest lists them without types; save each version's "
        "details (GET /api/v1/instance/versioned-plugins/{groupId}/{artifactId}/{version}) and import them too, "
        "or use `flowlint manifest pull`\n"
    )
    data = json.loads(done.stdout)
    assert data["plugins"] == [
        {
            "groupId": "io.kestra.plugin",
            "artifactId": "plugin-script-shell",
            "title": "plugin-script-shell",
            "versions": [{"version": "0.20.0"}, {"version": "0.21.0"}],
        }
    ]


def test_import_detail_types_in_any_spelling_and_others(tmp_path: Path) -> None:
    detail = {
        "groupId": "com.acme",
        "artifactId": "plugin-acme",
        "version": "2.0.0",
        "classes": [
            {"type": "tasks", "classes": [{"name": "com.acme.kestra.Run"}]},
            {"type": "task-runners", "classes": [{"name": "com.acme.kestra.Runner"}]},
            {"type": "TRIGGER", "classes": [{"name": "com.acme.kestra.Watch"}]},
            {"type": "Condition", "classes": [{"name": "com.acme.kestra.When"}]},
            {"type": "SECRET", "classes": [{"name": "com.acme.kestra.Vault"}]},
        ],
    }
    save(tmp_path, "detail.json", detail)
    done = import_(tmp_path, "detail.json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["plugins"][0]["versions"] == [
        {
            "version": "2.0.0",
            "tasks": ["com.acme.kestra.Run"],
            "triggers": ["com.acme.kestra.Watch"],
            "conditions": ["com.acme.kestra.When"],
            "taskRunners": ["com.acme.kestra.Runner"],
            "others": ["com.acme.kestra.Vault"],
        }
    ]


def test_import_plugins_list_adopts_the_real_group_id_of_versioned_answers(tmp_path: Path) -> None:
    # A third-party plugin: its Java group says nothing of its Maven groupId, the versioned list does.
    acme: dict[str, Any] = {"name": "plugin-acme", "title": "Acme", "group": "com.acme.kestra", "version": "2.0.0"}
    acme |= {"tasks": [element("com.acme.kestra.Run")], "aliases": ["com.acme.Run"]}
    save(tmp_path, "plugins.json", [acme])
    listed = {"groupId": "com.acme", "artifactId": "plugin-acme", "title": "Acme", "versions": ["2.0.0"]}
    save(tmp_path, "versioned.json", {"total": 1, "results": [listed]})
    done = import_(tmp_path, "plugins.json", "versioned.json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["plugins"] == [
        {
            "groupId": "com.acme",
            "artifactId": "plugin-acme",
            "title": "Acme",
            "versions": [
                {
                    "version": "2.0.0",
                    "tasks": ["com.acme.kestra.Run"],
                    "aliases": {"com.acme.Run": "com.acme.kestra.Run"},
                }
            ],
        }
    ]
    # Alone, the Java group is the groupId of a third-party plugin.
    alone = import_(tmp_path, "plugins.json")
    assert json.loads(alone.stdout)["plugins"][0]["groupId"] == "com.acme.kestra"


def test_import_type_versions_adds_versions_to_the_plugin_that_has_the_type(tmp_path: Path) -> None:
    save(tmp_path, "plugins.json", plugins_answer())
    save(tmp_path, "script.json", {"type": "io.kestra.plugin.scripts.shell.Script", "versions": ["0.20.0", "0.21.0"]})
    save(tmp_path, "orphan.json", {"type": "com.acme.Unknown", "versions": ["1.0.0"]})
    done = import_(tmp_path, "plugins.json", "script.json", "orphan.json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "flowlint: warning: orphan.json: left out the versions of com.acme.Unknown: no other answer says which "
        "plugin provides it; import GET /api/v1/plugins too\n"
    )
    shell = next(p for p in json.loads(done.stdout)["plugins"] if p["artifactId"] == "plugin-script-shell")
    assert [v["version"] for v in shell["versions"]] == ["0.20.0", "0.21.0"]
    assert shell["versions"][0]["tasks"] == ["io.kestra.plugin.scripts.shell.Script"]


def test_import_warns_about_aliases_the_api_cannot_map(tmp_path: Path) -> None:
    entries = plugins_answer()
    entries[0]["aliases"].append("io.kestra.core.tasks.scripts.Bash")
    save(tmp_path, "plugins.json", entries)
    save(tmp_path, "configs.json", CONFIGS)
    done = import_(tmp_path, "plugins.json", "configs.json")
    assert done.returncode == 0
    assert done.stderr == (
        "flowlint: warning: io.kestra:core 1.3.0: left out 1 alias whose class the API does not give "
        "(io.kestra.core.tasks.scripts.Bash); add it to the manifest's `aliases` by hand if flows use it\n"
    )


def test_import_unknown_shape_names_the_file(tmp_path: Path) -> None:
    save(tmp_path, "plugins.json", plugins_answer())
    save(tmp_path, "flow.json", {"id": "hello", "namespace": "company.team", "tasks": []})
    done = import_(tmp_path, "plugins.json", "flow.json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "flowlint: error: flow.json: not a saved Kestra API answer flowlint knows (GET /api/v1/plugins, "
        "/api/v1/plugins/{type}/versions, /api/v1/instance/versioned-plugins or one version's details, "
        "/api/v1/configs)\n"
    )


def test_import_not_json_gives_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "saved.json").write_text('[\n  {"name": "core",\n  oops\n]\n', "utf-8")
    (tmp_path / "page.html").write_text("<html></html>\n", "utf-8")
    done = import_(tmp_path, "saved.json")
    assert done.returncode == 2
    assert (
        done.stderr
        == "flowlint: error: saved.json:3:3: invalid JSON: Expecting property name enclosed in double quotes\n"
    )
    html = import_(tmp_path, "page.html")
    assert html.returncode == 2
    assert html.stderr == "flowlint: error: page.html:1:1: invalid JSON: Expecting value\n"
    missing = import_(tmp_path, "missing.json")
    assert missing.returncode == 2
    assert missing.stderr == "flowlint: error: cannot read missing.json: No such file or directory\n"


# ----------------------------------------------------------------------------------------------
# manifest pull


def test_pull_enterprise_versioned_plugins_with_details(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    done = pull(kestra.url, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    data = json.loads(done.stdout)
    assert canonical(data) == canonical(STANDARD_MANIFEST)
    assert data["kestraVersion"] == "1.3.0"
    assert data["source"] == f"Kestra at {kestra.url}, pulled {data['generatedAt']}"
    assert data["generatedAt"].endswith("Z")
    paths = kestra.paths()
    assert paths[0] == "/api/v1/instance/versioned-plugins"
    assert kestra.requests[0][1] == {"page": "1", "size": str(api.PAGE_SIZE)}
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


def test_pull_older_enterprise_cluster_path_and_pages(kestra: FakeKestra, tmp_path: Path) -> None:
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


def test_pull_401_without_credentials(kestra: FakeKestra, tmp_path: Path) -> None:
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


def test_pull_403_needs_a_superadmin(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    kestra.forbid.add("/api/v1/instance/versioned-plugins")
    done = pull(kestra.url, tmp_path, env={"KESTRA_API_TOKEN": "viewer"})
    assert done.returncode == 2
    assert done.stderr == (
        f"flowlint: error: 403 Forbidden from {kestra.url}/api/v1/instance/versioned-plugins: the credentials were "
        "accepted but lack permission: versioned plugins need a superadmin\n"
    )


def test_pull_open_source_404_falls_back_to_plugins_list(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.routes["/api/v1/plugins"] = plugins_answer(modern=False)
    kestra.routes["/api/v1/configs"] = CONFIGS
    done = pull(kestra.url, tmp_path)
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


def test_pull_404_everywhere(kestra: FakeKestra, tmp_path: Path) -> None:
    done = pull(kestra.url, tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"flowlint: error: 404 Not Found from {kestra.url}/api/v1/plugins (and from the versioned-plugins API): "
        f"is {kestra.url} a Kestra server?\n"
    )


def test_pull_timeout(kestra: FakeKestra, tmp_path: Path) -> None:
    kestra.serve_kestra()
    kestra.routes["/api/v1/instance/versioned-plugins"] = Answer(body=versioned_answer(), delay=1.0)
    started = time.monotonic()
    done = pull(kestra.url, tmp_path, "--timeout", "0.5")
    assert done.returncode == 2
    assert (
        done.stderr == f"flowlint: error: no answer from {kestra.url}/api/v1/instance/versioned-plugins within 0.5 s\n"
    )
    assert time.monotonic() - started < 10


def test_pull_non_json_answer(kestra: FakeKestra, tmp_path: Path) -> None:
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


def test_pull_connection_refused(tmp_path: Path) -> None:
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
def test_pull_bad_url(tmp_path: Path, url: str, message: str) -> None:
    done = pull(url, tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"flowlint: error: {message}\n"


def test_pull_errors_have_no_traceback(kestra: FakeKestra, tmp_path: Path) -> None:
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
    monkeypatch.setattr(api, "PROGRESS_INTERVAL", 0.0)
    monkeypatch.setattr(api, "WORKERS", 1)
    versions = [{"version": f"1.0.{n}", "tasks": ["com.acme.Run"]} for n in range(25)]
    plugin = {"groupId": "com.acme", "artifactId": "plugin-acme", "versions": versions}
    kestra.routes["/api/v1/instance/versioned-plugins"] = versioned_answer([plugin])
    for version in versions:
        path = f"/api/v1/instance/versioned-plugins/com.acme/plugin-acme/{version['version']}"
        kestra.routes[path] = detail_answer(plugin, version)
    lines: list[str] = []
    result = api.pull(kestra.url, tenant=None, timeout=5, progress=lines.append)
    assert len(result.data["plugins"][0]["versions"]) == 25
    assert 1 <= len(lines) <= 10
    assert all(line.startswith("flowlint: fetching ") and line.endswith("/25 plugin versions...") for line in lines)
    assert result.warnings == [
        f"the core plugin and aliases are missing: 404 Not Found from {kestra.url}/api/v1/plugins"
    ]


# ----------------------------------------------------------------------------------------------
# What was pulled or imported lints like the hand-written manifest

FLOWS = {
    "core.yml": """\
        id: core
        namespace: company.team
        tasks:
          - id: log
            type: io.kestra.core.tasks.log.Log
            message: hi
          - id: parallel
            type: io.kestra.plugin.core.flow.Parallel
            tasks:
              - id: inner
                type: io.kestra.plugin.core.log.Log
                message: inner
          - id: typo
            type: io.kestra.plugin.core.log.log
        triggers:
          - id: schedule
            type: io.kestra.plugin.core.trigger.Schedule
            cron: "0 * * * *"
            conditions:
              - type: io.kestra.plugin.core.condition.Weekend
        """,
    "versions.yml": """\
        id: versions
        namespace: company.team
        tasks:
          - id: missing
            type: io.kestra.plugin.jdbc.postgresql.Query
            version: "1.2.0"
          - id: copy
            type: io.kestra.plugin.jdbc.postgresql.CopyIn
            version: "0.19.0"
          - id: script
            type: io.kestra.plugin.scripts.shell.Script
            taskRunner:
              type: io.kestra.plugin.scripts.runner.docker.Docker
              version: "1.1"
          - id: unknown
            type: io.kestra.plugin.nothere.Task
        """,
}


def lint(tmp_path: Path, manifest: Path) -> list[dict[str, Any]]:
    done = run_cli(["check", "flows", "--manifest", str(manifest), "--format", "json"], tmp_path, env=LOCAL)
    assert done.returncode in (0, 1), done.stderr
    diagnostics: list[dict[str, Any]] = json.loads(done.stdout)["diagnostics"]
    return diagnostics


def test_pulled_and_imported_manifests_lint_like_the_hand_written_one(kestra: FakeKestra, tmp_path: Path) -> None:
    import textwrap

    for name, text in FLOWS.items():
        (tmp_path / "flows").mkdir(exist_ok=True)
        (tmp_path / "flows" / name).write_text(textwrap.dedent(text), "utf-8")
    hand = save(tmp_path, "hand.json", copy.deepcopy(STANDARD_MANIFEST))

    kestra.serve_kestra()
    pulled = run_cli(["manifest", "pull", kestra.url, "-o", "pulled.yaml"], tmp_path, env=LOCAL)
    assert pulled.returncode == 0, pulled.stderr
    assert pulled.stderr == "flowlint: wrote pulled.yaml\n"

    save(tmp_path, "versioned.json", versioned_answer())
    names = []
    for index, detail in enumerate(all_details().values()):
        names.append(str(save(tmp_path, f"d{index}.json", detail).name))
    save(tmp_path, "plugins.json", plugins_answer())
    save(tmp_path, "configs.json", CONFIGS)
    imported = run_cli(
        ["manifest", "import", "versioned.json", *names, "plugins.json", "configs.json", "-o", "imported.json"],
        tmp_path,
        env=LOCAL,
    )
    assert imported.returncode == 0, imported.stderr

    expected = lint(tmp_path, hand)
    codes = {d["code"] for d in expected}
    assert {"FL102", "FL108"} <= codes and len(expected) >= 4, expected
    assert lint(tmp_path, tmp_path / "pulled.yaml") == expected
    assert lint(tmp_path, tmp_path / "imported.json") == expected


def test_progress_meter_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    lines: list[str] = []
    clock = [0.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    meter = api._Progress(lines.append, 48, "plugin versions")
    for done in range(1, 49):
        clock[0] += 0.3  # 14.4 s in all: the one-second limit decides
        meter.step(done)
    assert lines[0] == "flowlint: fetching 5/48 plugin versions..."  # 1.5 s, and the first 10 %
    assert len(lines) <= 10 and all("/48 plugin versions..." in line for line in lines)
    many: list[str] = []
    meter = api._Progress(many.append, 1000, "plugin versions")
    for done in range(1, 1001):
        clock[0] += 2.0  # slow answers: the 10 % limit decides
        meter.step(done)
    assert len(many) == 9 and many[0] == "flowlint: fetching 100/1000 plugin versions..."
