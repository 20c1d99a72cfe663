"""The bundled catalog, `manifest show`, `manifest diff` and the staleness note."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from flowlint.manifest.catalog import load_catalog
from flowlint.resolve import Resolver, Status
from tests.conftest import SHARED, STANDARD_MANIFEST, run_cli

SCRIPT = "io.kestra.plugin.scripts.shell.Script"
BUILD_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_catalog.py"


def flow(type_name: str, version: str | None = None, keys: str = "") -> str:
    """A flow of one task of ``type_name`` (its ``type`` at 5:11), pinned to ``version``, then ``keys``."""
    pinned = f'    version: "{version}"\n' if version is not None else ""
    return f"id: f\nnamespace: company.team\ntasks:\n  - id: a\n    type: {type_name}\n{pinned}{keys}"


def test_catalog_loads_fast_and_describes_itself() -> None:
    started = time.perf_counter()
    catalog = load_catalog()
    elapsed = time.perf_counter() - started
    assert catalog.source.startswith("bundled catalog of official plugins as of ")
    assert len(catalog.plugins) == 150
    assert elapsed < 1.0  # generous: the benchmark measures it properly
    core = [p for p in catalog.plugins if p.core]
    assert {p.artifact_id for p in core} == {"core", "script", "storage-local"}


def test_the_lazily_built_catalog_index_equals_the_index_of_its_full_model() -> None:
    from flowlint.manifest.model import Manifest

    catalog = load_catalog()
    assert catalog.summary() == "150 plugins, 5,907 versions"
    eager = Manifest(plugins=tuple(catalog.plugins))  # every plugin built, indexed version by version
    assert catalog.summary() == eager.summary() and catalog.has_core == eager.has_core is True
    assert sorted(catalog.type_names) == sorted(eager.type_names) and len(catalog.type_names) > 1000

    def described(manifest: Manifest, name: str) -> list[tuple[str, str, list[str], str | None]]:
        entries = manifest.lookup(name)
        return [(e.plugin.coordinates, e.kind, [v.text for v in e.versions], e.canonical) for e in entries]

    for name in eager.type_names:
        assert described(catalog, name) == described(eager, name), name
    assert catalog.lookup("io.kestra.plugin.nope.Nope") == []
    assert catalog.suggest("io.kestra.plugin.aws.s3.Uplaod")[0] == "io.kestra.plugin.aws.s3.Upload"


def test_released_versions_resolve_and_never_released_ones_are_fl102(tmp_path: Path) -> None:
    (tmp_path / "ok.yml").write_text(flow(SCRIPT, "0.21.0", "    script: echo hello\n"), "utf-8")
    never = flow(SCRIPT, "0.21.99").replace("id: f\n", "id: never\n", 1)  # another flow: no FL703 (duplicate)
    (tmp_path / "never.yml").write_text(never, "utf-8")
    done = run_cli(["check", "ok.yml", "--format", "concise"], tmp_path)
    assert done.returncode == 0, done.stdout
    done = run_cli(["check", "never.yml", "--format", "concise"], tmp_path)
    assert done.returncode == 1
    first = done.stdout.splitlines()[0]
    assert first.startswith("never.yml:6:14: FL102 [error] version 0.21.99 of io.kestra.plugin:plugin-script-shell")
    assert "0.21.0" in first


def test_a_type_that_became_an_alias_is_judged_in_the_version_that_runs() -> None:
    catalog = load_catalog()
    (entry,) = catalog.lookup("io.kestra.plugin.serdes.csv.CsvWriter")
    assert entry.canonical == "io.kestra.plugin.serdes.csv.IonToCsv"
    old, new = entry.versions[0], entry.versions[-1]
    assert entry.canonical_in(old) is None  # a class up to 0.16.0
    assert entry.canonical_in(new) == "io.kestra.plugin.serdes.csv.IonToCsv"


def test_latest_of_a_renamed_type_is_the_newest_version_and_an_alias() -> None:
    from flowlint.config import Settings
    from flowlint.flow import read_flow
    from flowlint.source import parse

    text = flow("io.kestra.plugin.serdes.csv.CsvWriter")
    document = parse("f.yml", text).documents[0]
    (resolution,) = Resolver(read_flow(document, 0), Settings(), load_catalog()).resolve_all()
    assert resolution.status is Status.RESOLVED
    assert resolution.version is not None
    assert resolution.version.text == "1.10.2"


def test_manifest_show_type(tmp_path: Path) -> None:
    done = run_cli(["manifest", "show", "--type", SCRIPT], tmp_path)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == f"{SCRIPT}:"
    assert lines[1] == "  io.kestra.plugin:plugin-script-shell, task"
    assert lines[2].startswith("    in ")
    done = run_cli(["manifest", "show", "--type", "io.kestra.plugin.scripts.shell.script"], tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "flowlint: error: no plugin in " + load_catalog().source + " provides io.kestra.plugin.scripts.shell.script "
        f"(did you mean {SCRIPT}?)\n"
    )


def test_manifest_show_of_the_catalog_says_its_date(tmp_path: Path) -> None:
    done = run_cli(["manifest", "show"], tmp_path)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == f"source: {load_catalog().source}"
    assert lines[1] == f"date: {load_catalog().as_of}"
    assert "io.kestra:core  [core: never versioned]" in lines


def test_manifest_show_of_a_file(tmp_path: Path, manifest_file: Path) -> None:
    done = run_cli(["manifest", "show", str(manifest_file)], tmp_path)
    assert done.returncode == 0
    assert done.stdout.splitlines()[:2] == ["source: test instance", "4 plugins, 9 versions"]
    assert (
        "io.kestra.plugin:plugin-jdbc-postgres\n    versions: 0.19.0, 1.2.1, 1.2.3\n    types: 2 tasks\n" in done.stdout
    )


def test_manifest_diff(tmp_path: Path, manifest_file: Path) -> None:
    data = json.loads(json.dumps(STANDARD_MANIFEST))
    data["source"] = "next"
    postgres = next(p for p in data["plugins"] if p["artifactId"] == "plugin-jdbc-postgres")
    tasks = ["io.kestra.plugin.jdbc.postgresql.Query", "io.kestra.plugin.jdbc.postgresql.Trigger"]
    postgres["versions"] = [*postgres["versions"][1:], {"version": "1.3.0", "tasks": tasks}]
    data["plugins"] = [p for p in data["plugins"] if p["artifactId"] != "plugin-docker"]
    (tmp_path / "new.json").write_text(json.dumps(data), "utf-8")
    done = run_cli(["manifest", "diff", str(manifest_file), "new.json"], tmp_path)
    assert done.returncode == 1
    assert done.stdout == (
        "--- test instance\n+++ next\n"
        "- io.kestra.plugin:plugin-docker (plugin removed: 1.0.0, 1.1.0-rc1, 1.1.0)\n"
        "  io.kestra.plugin:plugin-jdbc-postgres\n"
        "    + version 1.3.0\n    - version 0.19.0\n"
        "    + type io.kestra.plugin.jdbc.postgresql.Trigger\n"
        # the bundled property data describes 1.3.0 but not 1.2.3: nothing to compare, and the diff says so
        "    ? io.kestra.plugin.jdbc.postgresql.Query 1.2.3 -> 1.3.0: "
        "properties not known in 1.2.3 (no property data)\n"
    )
    same = run_cli(["manifest", "diff", str(manifest_file), str(manifest_file)], tmp_path)
    assert same.returncode == 0
    assert same.stdout.endswith("no differences\n")


def test_an_old_manifest_gets_one_note_in_the_summary(tmp_path: Path) -> None:
    data = dict(STANDARD_MANIFEST, source="prod instance, exported 2020-01-31")
    (tmp_path / "old.json").write_text(json.dumps(data), "utf-8")
    (tmp_path / "f.yml").write_text(flow("io.kestra.plugin.core.log.Log", keys="    message: Hello\n"), "utf-8")
    done = run_cli(["check", "f.yml", "--manifest", "old.json", "--format", "concise"], tmp_path)
    assert done.returncode == 0
    notes = [line for line in done.stdout.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1
    assert notes[0].startswith("note: the manifest is ")
    assert "days old (prod instance, exported 2020-01-31)" in notes[0]
    (tmp_path / ".flowlint.yaml").write_text("manifestMaxAgeDays: 100000\n", "utf-8")
    done = run_cli(["check", "f.yml", "--manifest", "old.json", "--format", "concise"], tmp_path)
    assert "note: " not in done.stdout


def _resolved(text: str) -> Any:
    from flowlint.config import Settings
    from flowlint.inventory import resolutions_of_text

    ((resolution, _, _),) = resolutions_of_text(text, "f.yml", Settings(), load_catalog())
    return resolution


def test_a_type_one_old_release_of_another_plugin_had_is_not_ambiguous(tmp_path: Path) -> None:
    db2 = "io.kestra.plugin.jdbc.db2.Query"  # plugin-jdbc-as400 0.16.0 had it too, and never again
    latest = _resolved(flow(db2))
    assert (latest.status, latest.entry.plugin.coordinates) == (Status.RESOLVED, "io.kestra.plugin:plugin-jdbc-db2")
    (tmp_path / "f.yml").write_text(flow(db2) + flow(db2, "0.16.0").replace("id: f\n", "---\nid: g\n"), "utf-8")
    done = run_cli(["check", "f.yml", "--format", "concise", "--select", "FL106"], tmp_path)
    assert done.stdout.splitlines()[0] == (
        f"f.yml:11:11: FL106 [warning] {db2} is provided by several plugins: io.kestra.plugin:plugin-jdbc-as400 "
        "0.16.0, io.kestra.plugin:plugin-jdbc-db2 0.16.0"
    )
    assert done.stdout.count("FL106") == 1


def test_a_self_alias_in_the_data_is_left_out_of_the_catalog(tmp_path: Path) -> None:
    infer = "io.kestra.plugin.serdes.avro.InferAvroSchemaFromIon"
    (entry,) = load_catalog().lookup(infer)
    assert entry.canonical is None
    (tmp_path / "f.yml").write_text(flow(infer, "1.10.2"), "utf-8")
    done = run_cli(["check", "f.yml", "--format", "concise", "--select", "FL1"], tmp_path)
    assert (done.returncode, [line for line in done.stdout.splitlines() if "FL1" in line]) == (0, [])
    data = {
        "plugins": [
            {
                "group": "io.kestra.plugin",
                "artifact": "plugin-serdes",
                "versions": ["0.23.0"],
                "types": {
                    infer: {"kind": "task", "since": "0.23.0"},
                    "io.example.New": {"kind": "task", "since": "0.23.0"},
                },
                "aliases": {infer: infer, "io.example.Old": "io.example.New"},
            }
        ]
    }
    (tmp_path / "data.json").write_text(json.dumps(data), "utf-8")
    done = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "data.json", "out.json", "2026-01-01"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (built,) = json.loads((tmp_path / "out.json").read_text("utf-8"))["plugins"]
    assert built["al"] == [["io.example.Old", "io.example.New"]]


def test_bash_resolves_to_plugin_script_shell_which_has_it_since_kestra_left_it() -> None:
    resolution = _resolved(flow("io.kestra.core.tasks.scripts.Bash", "0.11.0"))
    assert resolution.status is Status.RESOLVED  # not core: Kestra's core had it up to 0.10.1
    assert resolution.entry.plugin.coordinates == "io.kestra.plugin:plugin-script-shell"
    assert resolution.version.text == "0.11.0"


@pytest.mark.parametrize(
    ("type_name", "shown"),
    [
        (
            "io.kestra.plugin.weaviate.BatchCreate",  # a repository kestra-plugins.json lacks
            "  io.kestra.plugin:plugin-weaviate, task\n"
            "    in 25 versions: 0.13.0, 0.14.0, 0.15.0 ... 1.5.1, 1.5.2, 1.5.3",
        ),
        (
            "io.kestra.plugin.singer.taps.CrowdDev",  # a class kestra-plugins.json lacks in a plugin it has
            "  io.kestra.plugin:plugin-singer, task\n"
            "    in 8 versions: 0.14.0, 0.15.0, 0.15.1, 0.16.0, 0.16.1, 0.17.0, 0.17.1, 0.17.2",
        ),
        ("io.kestra.plugin.email.MailSend", "  io.kestra.plugin:plugin-email, task\n    in 1 version: 1.0.0"),
        (
            "io.kestra.plugin.core.metric.Publish",  # "present in 1.3.25": at the newest core version
            "  io.kestra:core (core: never versioned), task\n    in 1 version: 0.20.7",
        ),
    ],
)
def test_the_catalog_knows_the_types_of_the_extra_data(tmp_path: Path, type_name: str, shown: str) -> None:
    done = run_cli(["manifest", "show", "--type", type_name], tmp_path)
    assert (done.returncode, done.stdout.startswith(f"{type_name}:\n{shown}\n    properties")) == (0, True)


def test_a_core_type_first_seen_in_kestra_1_3_25_is_known_to_a_target_of_1_3_only(tmp_path: Path) -> None:
    (tmp_path / "f.yml").write_text(flow("io.kestra.plugin.core.metric.Publish"), "utf-8")
    args = ["check", "f.yml", "--no-cache", "--format", "concise", "--select", "FL1", "--target-kestra-version"]
    done = run_cli([*args, "1.3"], tmp_path)
    catalog = "manifest: bundled catalog of official plugins as of 2026-11-21 (150 plugins, 5,907 versions)"
    assert (done.returncode, done.stdout.splitlines()[0]) == (0, f"1 file checked (1 flow): 0 errors, 0 warnings, 0 "
        f"info; {catalog}")  # fmt: skip
    done = run_cli([*args, "0.19"], tmp_path)
    assert (done.returncode, done.stdout.splitlines()[0]) == (1, "f.yml:5:11: FL101 [error] unknown plugin type "
        "io.kestra.plugin.core.metric.Publish: no installed plugin provides it")  # fmt: skip


def _build(cwd: Path, *args: str) -> bytes:
    done = subprocess.run([sys.executable, str(BUILD_SCRIPT), *args], cwd=cwd, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    return (cwd / args[1]).read_bytes()


def test_the_build_merges_extra_files_deterministically(tmp_path: Path) -> None:
    def artifact(name: str, versions: str, types: dict[str, str], aliases: dict[str, str] | None = None) -> Any:
        """An artifact of the data; ``types`` maps each type to ``kind since [until]``."""
        ranges = {t: dict(zip(("kind", "since", "until"), spec.split(), strict=False)) for t, spec in types.items()}
        group = "io.kestra" if name == "core" else "io.kestra.plugin"
        spec = {"group": group, "artifact": name, "versions": versions.split(), "types": ranges}
        return spec | {"aliases": aliases or {}}

    core = "io.kestra.plugin.core"
    data = [
        artifact("core", "0.19.0 0.20.0", {f"{core}.log.Log": "task 0.19.0"}),
        artifact("plugin-a", "1.0.0 1.1.0 2.0.0", {"io.a.Old": "task 1.0.0"}),
    ]
    a_types = {"io.a.Old": "task 2.0.0", "io.a.Mid": "trigger 1.1.0 1.1.0"}  # the first file's Old stands
    extra = [  # the core extra lists the 1.3.25 source copy, which is no release of the catalog
        artifact("core", "0.19.0 0.20.0 1.3.25", {f"{core}.kv.Put": "task 1.3.25 1.3.25", f"{core}.F": "task 0.20.0"}),
        artifact("plugin-a", "1.0.0 1.1.0 2.0.0", a_types, {"io.a.Older": "io.a.Old"}),
        artifact("plugin-b", "0.1.0", {"io.b.New": "condition 0.1.0"}),
    ]
    (tmp_path / "data.json").write_text(json.dumps({"plugins": data}), "utf-8")
    (tmp_path / "extra.json").write_text(json.dumps({"plugins": extra}), "utf-8")
    first = _build(tmp_path, "data.json", "one.json", "2026-01-01", "extra.json")
    assert _build(tmp_path, "data.json", "two.json", "2026-01-01", "extra.json") == first
    built = [(p["a"], p["c"], p["v"], p["t"], p["al"]) for p in json.loads(first)["plugins"]]
    assert built == [
        ("core", True, ["0.19.0", "0.20.0"],
         [[f"{core}.F", "task", 1, 1], [f"{core}.kv.Put", "task", 1, 1], [f"{core}.log.Log", "task", 0, 1]], []),
        ("plugin-a", False, ["1.0.0", "1.1.0", "2.0.0"],
         [["io.a.Mid", "trigger", 1, 1], ["io.a.Old", "task", 0, 2]], [["io.a.Older", "io.a.Old"]]),
        ("plugin-b", False, ["0.1.0"], [["io.b.New", "condition", 0, 0]], []),
    ]  # fmt: skip
    alone = json.loads(_build(tmp_path, "data.json", "alone.json", "2026-01-01"))["plugins"]
    assert [p["t"] for p in alone] == [[[f"{core}.log.Log", "task", 0, 1]], [["io.a.Old", "task", 0, 2]]]


@pytest.mark.skipif(not (SHARED / "data" / "kestra-plugins-extra.json").is_file(), reason="shared data absent")
def test_the_bundled_catalog_is_the_build_of_the_shared_data(tmp_path: Path) -> None:
    data = SHARED / "data"
    built = _build(
        tmp_path, str(data / "kestra-plugins.json"), "catalog.json", load_catalog().as_of,
        str(data / "kestra-plugins-extra.json"),
    )  # fmt: skip
    bundled = Path(__file__).resolve().parents[2] / "flowlint" / "data" / "catalog.json"
    assert built == bundled.read_bytes()
