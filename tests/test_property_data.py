"""The bundled property data (flowlint/data/properties.json, plugin_slots.json) is the build of the shared
data, and the walk's slot table keeps only what every described version agrees on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED

BUILD = ROOT / "scripts" / "build_properties.py"
SOURCE = SHARED / "data" / "kestra-plugin-properties.json"
FLOW_MODEL = SHARED / "data" / "kestra-flow-model.json"


def _build(tmp_path: Path, source: Path, flow_model: Path = FLOW_MODEL) -> tuple[bytes, bytes]:
    properties, slots = tmp_path / "properties.json", tmp_path / "slots.json"
    done = subprocess.run(
        [sys.executable, str(BUILD), str(source), str(properties), str(slots), str(flow_model)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return properties.read_bytes(), slots.read_bytes()


@pytest.mark.skipif(not (SOURCE.is_file() and FLOW_MODEL.is_file()), reason="shared data absent")
def test_the_bundled_property_files_are_the_build_of_the_shared_data(tmp_path: Path) -> None:
    properties, slots = _build(tmp_path, SOURCE)
    assert properties == (ROOT / "flowlint" / "data" / "properties.json").read_bytes()
    assert slots == (ROOT / "flowlint" / "data" / "plugin_slots.json").read_bytes()


def _type(*props: dict[str, object], **flags: object) -> dict[str, object]:
    return {"kind": "task", "root": "task", "props": list(props), **flags}


def test_the_slot_table_keeps_what_every_version_agrees_on(tmp_path: Path) -> None:
    plugin_list = {"kind": "list", "of": {"kind": "plugin", "of": "task"}}
    data = {
        "base": {"versions": ["1.0.0"], "sets": {"task": {"props": []}}},
        "kestraDefs": {"io.x.Runner": {"props": [{"name": "taskRunner", "kind": "plugin", "of": "taskRunner"}]}},
        "artifacts": [
            {
                "group": "io.x",
                "artifact": "plugin-x",
                "versions": ["1.0.0", "2.0.0"],
                "types": {
                    "io.x.Flowable": _type({"name": "tasks", **plugin_list}, {"name": "label", "kind": "string"}),
                    "io.x.Checks": _type({"name": "conditions", "kind": "list", "of": {"kind": "string"}}),
                    # a plugin in 1.x, an object in 2.x: the versions disagree, the walk's rule stays
                    "io.x.Changed": _type(
                        {"name": "onFail", "kind": "plugin", "of": "task", "until": "1.0.0"},
                        {"name": "onFail", "kind": "object", "ref": "io.x.Spec", "since": "2.0.0"},
                    ),
                    "io.x.Partial": _type({"name": "tasks", **plugin_list}, partial=True),
                    "io.x.Script": _type(kestraClasses=[{"class": "io.x.Runner"}]),
                    "io.x.Objects": _type({"name": "tasks", "kind": "list", "of": {"kind": "object", "ref": "io.x.S"}}),
                    # one plugin-typed key outside the walk's slots is not trusted; a list of them is
                    "io.x.Hooks": _type(
                        {"name": "onPause", "kind": "plugin", "of": "task"}, {"name": "hooks", **plugin_list}
                    ),
                },
            }
        ],
    }
    source = tmp_path / "data.json"
    source.write_text(json.dumps(data), "utf-8")
    flow_model = tmp_path / "flow-model.json"
    tables = {"root": [], "topLevelKeys": {}, "inputTypes": {}, "models": {}, "enums": {}}
    flow_model.write_text(json.dumps({"versions": ["1.0.0"], "defs": {}, **tables}), "utf-8")
    _, slots = _build(tmp_path, source, flow_model)
    assert json.loads(slots) == {
        "io.x.Checks": {"conditions": "-"},
        "io.x.Flowable": {"tasks": "task-list"},
        "io.x.Hooks": {"hooks": "task-list"},
        "io.x.Script": {"taskRunner": "taskRunner"},
    }
