"""`manifest import`: saved answers of Kestra's plugin endpoints, in any mix, make one manifest
(flowlint/manifest/api/saved.py, answers.py, convert.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import STANDARD_MANIFEST
from tests.manifest.fake_kestra import import_, save
from tests.manifest.kestra_answers import (
    CONFIGS,
    VERSIONED,
    all_details,
    canonical,
    element,
    plugins_answer,
    versioned_answer,
)


def test_import_of_a_1x_plugins_list_and_configs_equals_the_hand_written_manifest(tmp_path: Path) -> None:
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


def test_import_of_an_older_plugins_list_of_class_names_puts_core_at_0_0_0_and_storages_in_others(
    tmp_path: Path,
) -> None:
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


def test_import_of_versioned_list_details_plugins_and_configs_equals_the_hand_written_manifest(tmp_path: Path) -> None:
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


def test_import_reads_detail_categories_in_any_spelling_and_puts_unknown_ones_in_others(tmp_path: Path) -> None:
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


def test_import_of_an_answer_of_unknown_shape_is_exit_2_naming_the_file(tmp_path: Path) -> None:
    save(tmp_path, "plugins.json", plugins_answer())
    save(tmp_path, "flow.json", {"id": "hello", "namespace": "company.team", "tasks": []})
    done = import_(tmp_path, "plugins.json", "flow.json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "flowlint: error: flow.json: not a saved Kestra API answer flowlint knows (GET /api/v1/plugins, "
        "/api/v1/plugins/{type}/versions, /api/v1/instance/versioned-plugins or one version's details, "
        "/api/v1/configs, /api/v1/plugins/{type}, /api/v1/plugins/schemas/flow) nor a plugins-schema.json\n"
    )


def test_import_of_invalid_json_is_exit_2_at_its_line_and_column_and_a_missing_file_is_named(tmp_path: Path) -> None:
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
