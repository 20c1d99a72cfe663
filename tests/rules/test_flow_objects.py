"""FL501-FL504 on the flow's own objects (inputs, outputs, retry, sla, concurrency, checks, plugin defaults,
labels, listeners, workerGroup) and FL006 per target version, through the CLI: exact positions, messages and
severities, what other rules own, and Kestra's own invalid listener flow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, run_cli

HEAD = "id: hello\nnamespace: company.team\n"
LOG = "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
LISTENER = CORPUS / "flows-invalid" / "kestra-io+kestra" / "core__src__test__resources__flows__invalids__listener.yml"


def findings(folder: Path, text: str, target: str = "1.3", select: str = "FL5,FL006") -> list[dict[str, Any]]:
    """The JSON findings of ``flowlint check`` on ``text`` (written to flow.yml in ``folder``)."""
    (folder / "flow.yml").write_text(text, "utf-8")
    options = ["--select", select, "--target-kestra-version", target]
    done = run_cli(["check", "--no-cache", "--format", "json", "-q", *options, "flow.yml"], cwd=folder)
    assert done.returncode in (0, 1), done.stderr
    found: list[dict[str, Any]] = json.loads(done.stdout)["diagnostics"]
    return found


def shown(found: list[dict[str, Any]]) -> list[tuple[str, int, int, str, str]]:
    """(code, line, column, severity, message) of each finding."""
    return [(d["code"], d["line"], d["column"], d["severity"], d["message"]) for d in found]


def test_an_unknown_key_of_an_input_is_reported_with_the_input_and_its_class(tmp_path: Path) -> None:
    text = HEAD + "inputs:\n  - id: region\n    type: STRING\n    defualts: eu\n" + LOG
    found = findings(tmp_path, text)
    assert shown(found) == [
        ("FL501", 6, 5, "error", "'defualts' is not a property of input 'region' (StringInput, Kestra 1.3)")
    ]
    assert found[0]["help"] == "did you mean 'defaults'?"
    assert found[0]["yamlPath"] == "inputs[0].defualts"


def test_a_key_added_in_1_3_25_is_unknown_at_0_19_and_known_at_1_3(tmp_path: Path) -> None:
    text = HEAD + "inputs:\n  - id: region\n    type: STRING\n    prefill: eu\n" + LOG
    found = findings(tmp_path, text, target="0.19")
    assert shown(found) == [
        ("FL501", 6, 5, "error", "'prefill' is not a property of input 'region' (StringInput, Kestra 0.19)")
    ]
    assert found[0]["help"] == "of the Kestra versions flowlint's data describes, 'prefill' exists from 1.3.25 here"
    assert findings(tmp_path, text, target="1.3") == []


def test_beyond_the_data_an_unknown_key_is_a_warning(tmp_path: Path) -> None:
    text = HEAD + "concurrency:\n  limit: 1\n  mode: x\n" + LOG
    assert shown(findings(tmp_path, text, target="2.0")) == [
        (
            "FL501",
            5,
            3,
            "warning",
            "'mode' is not a property of the flow's concurrency (Concurrency, Kestra 2.0) as far as flowlint's "
            "data goes (it describes Kestra up to 1.3.25)",
        )
    ]


def test_an_input_whose_type_the_target_does_not_know_is_left_to_fl601(tmp_path: Path) -> None:
    text = HEAD + "inputs:\n  - id: a\n    type: BOOL\n    foo: 1\n  - id: b\n    type: NOPE\n    bar: 2\n" + LOG
    assert findings(tmp_path, text, target="0.20.7") == []  # BOOL exists from 1.3.25
    assert [d["line"] for d in findings(tmp_path, text, target="1.3.25")] == [6]


def test_the_deprecated_input_name_is_fl504_and_id_type_are_not_required_here(tmp_path: Path) -> None:
    text = HEAD + "inputs:\n  - name: region\n    type: STRING\n  - type: INT\n" + LOG
    found = findings(tmp_path, text)
    assert shown(found) == [
        ("FL504", 4, 5, "warning", "'name' is deprecated in input 'region' (StringInput, Kestra 1.3)")
    ]
    assert found[0]["help"] == "use `id`: `name` is its deprecated alias"


def test_the_inputs_of_a_form_are_checked_as_inputs(tmp_path: Path) -> None:
    form = "  - id: form\n    type: FORM\n    inputs:\n      - id: city\n        type: STRING\n        size: 3\n"
    text = HEAD + "inputs:\n" + form + "      - id: other\n        type: NOPE\n        size: 3\n" + LOG
    assert shown(findings(tmp_path, text, target="1.3.25")) == [
        (
            "FL501",
            9,
            9,
            "error",
            "'size' is not a property of input 'city' of input 'form' (StringInput, Kestra 1.3.25)",
        )
    ]


def test_input_depends_on_is_checked_as_a_nested_object(tmp_path: Path) -> None:
    text = HEAD + "inputs:\n  - id: a\n    type: STRING\n    dependsOn:\n      input: [b]\n" + LOG
    assert shown(findings(tmp_path, text)) == [
        ("FL501", 7, 7, "error", "'input' is not a property of 'dependsOn' of input 'a' (DependsOn, Kestra 1.3)")
    ]


def test_shapes_and_enum_constants_of_flow_objects(tmp_path: Path) -> None:
    text = (
        HEAD
        + "inputs:\n  - id: a\n    type: BOOLEAN\n    required: maybe\n"
        + "outputs:\n  - id: o\n    type: STR\n    value: x\n"
        + "concurrency:\n  limit: two\n  behavior: queue\n"
        + "sla:\n  - id: s\n    type: MAX_DURATION\n    behavior: FAIL\n    duration: soon\n"
        + LOG
    )
    assert shown(findings(tmp_path, text)) == [
        ("FL503", 6, 15, "error", "'required' takes true or false, not 'maybe'"),
        (
            "FL503",
            9,
            11,
            "error",
            "'type' takes one of STRING, ENUM, SELECT, INT, FLOAT, BOOLEAN, DATETIME, DATE, TIME, DURATION, FILE, "
            "JSON, ...; not 'STR'; did you mean STRING?",
        ),
        ("FL503", 12, 10, "error", "'limit' takes an integer, not 'two'"),
        (
            "FL503",
            13,
            13,
            "error",
            "'behavior' takes one of QUEUE, CANCEL, FAIL; not 'queue' (constants are case-sensitive: QUEUE)",
        ),
        (
            "FL503",
            18,
            15,
            "error",
            "'duration' takes an ISO-8601 duration such as PT5M (or a number of seconds), not 'soon'",
        ),
    ]


def test_a_value_of_the_wrong_shape_is_fl503_and_not_also_an_empty_value(tmp_path: Path) -> None:
    text = HEAD + "checks:\n  - condition: []\n    message: hi\nconcurrency:\n  limit: 1\n  behavior: {a: 1}\n" + LOG
    assert shown(findings(tmp_path, text, target="1.3.25")) == [
        ("FL503", 4, 16, "error", "'condition' takes a string, not a list"),
        ("FL503", 8, 13, "error", "'behavior' takes one of QUEUE, CANCEL, FAIL, not a mapping"),
    ]


def test_the_retry_type_selects_its_class_and_an_unknown_one_is_fl503_with_a_fix(tmp_path: Path) -> None:
    text = HEAD + "retry:\n  type: Constant\n  interval: PT1M\n" + LOG
    found = findings(tmp_path, text)
    assert shown(found) == [
        (
            "FL503",
            4,
            9,
            "error",
            "'type' takes one of constant, exponential, random; not 'Constant' (constants are case-sensitive: "
            "constant)",
        )
    ]
    assert found[0]["fix"]["edits"] == [
        {"line": 4, "column": 9, "endLine": 4, "endColumn": 17, "replacement": "constant"}
    ]
    text = HEAD + "retry:\n  type: constant\n  intervall: PT1M\n" + LOG
    assert shown(findings(tmp_path, text)) == [
        ("FL502", 3, 1, "error", "the flow's retry (Constant, Kestra 1.3) requires 'interval'"),
        ("FL501", 5, 3, "error", "'intervall' is not a property of the flow's retry (Constant, Kestra 1.3)"),
    ]


def test_a_retry_or_sla_without_type_needs_one(tmp_path: Path) -> None:
    text = HEAD + "retry:\n  interval: PT1M\nsla:\n  - id: s\n    behavior: FAIL\n" + LOG
    assert shown(findings(tmp_path, text)) == [
        ("FL502", 3, 1, "error", "the flow's retry (AbstractRetry, Kestra 1.3) requires 'type'"),
        ("FL502", 6, 5, "error", "SLA 's' (SLA, Kestra 1.3) requires 'type'"),
    ]


def test_the_deprecated_max_attempt_of_a_retry_from_1_3_25(tmp_path: Path) -> None:
    text = HEAD + "retry:\n  type: constant\n  interval: PT1M\n  maxAttempt: 3\n" + LOG
    assert findings(tmp_path, text, target="0.20.7") == []
    found = findings(tmp_path, text, target="1.3.25")
    assert shown(found) == [
        ("FL504", 6, 3, "warning", "'maxAttempt' is deprecated in the flow's retry (Constant, Kestra 1.3.25)")
    ]
    assert found[0]["help"] == "use `maxAttempts`"


def test_checks_missing_and_empty_values(tmp_path: Path) -> None:
    text = HEAD + "checks:\n  - condition: '{{ true }}'\n    message: ''\n    style: warn\n  - message: hi\n" + LOG
    assert shown(findings(tmp_path, text, target="1.3.25")) == [
        (
            "FL502",
            5,
            14,
            "error",
            "'message' of check 1 (Check, Kestra 1.3.25) is empty: Kestra requires a value "
            "(Kestra: `checks[0].message: must not be empty`)",
        ),
        ("FL503", 6, 12, "error", "'style' takes one of ERROR, SUCCESS, WARNING, INFO; not 'warn'"),
        ("FL502", 7, 5, "error", "check 2 (Check, Kestra 1.3.25) requires 'condition'"),
    ]


def test_labels_in_list_form_take_other_keys_and_need_key_and_value_where_kestra_validates(tmp_path: Path) -> None:
    text = HEAD + "labels:\n  - key: team\n    value: data\n    note: ignored\n  - key: env\n" + LOG
    assert findings(tmp_path, text, target="0.20.7") == []
    assert shown(findings(tmp_path, text, target="1.3.25")) == [
        ("FL502", 7, 5, "error", "label 2 (Label, Kestra 1.3.25) requires 'value'")
    ]
    assert findings(tmp_path, HEAD + "labels:\n  team: data\n" + LOG, target="1.3.25") == []


def test_plugin_default_entries_and_their_values(tmp_path: Path) -> None:
    text = (
        HEAD
        + LOG
        + "pluginDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    forced: perhaps\n    value:\n"
        + "      level: INFO\n    values:\n      mesage: hi\n      Level: INFO\n"
        + "  - type: io.kestra.plugin.core\n    values:\n      anything: 1\n"
    )
    found = findings(tmp_path, text)
    assert shown(found) == [
        ("FL503", 9, 13, "error", "'forced' takes true or false, not 'perhaps'"),
        ("FL501", 10, 5, "error", "'value' is not a property of plugin default 1 (PluginDefault, Kestra 1.3)"),
        (
            "FL501",
            13,
            7,
            "error",
            "'mesage' is not a property of io.kestra.plugin.core.log.Log in any installed version (Kestra: "
            "`Invalid Plugin Default: No property 'mesage' exists in plugin 'io.kestra.plugin.core.log.Log'`)",
        ),
        (
            "FL501",
            14,
            7,
            "warning",
            "'Level' is not a property of io.kestra.plugin.core.log.Log in any installed version: Kestra accepts "
            "it on save, matching 'level' regardless of case, but the default then sets nothing",
        ),
    ]
    assert [d["help"] for d in found[1:]] == ["did you mean 'values'?", "did you mean 'message'?", found[3]["help"]]
    assert found[3]["help"] == "did you mean 'level'? (property names are case-sensitive)"
    assert found[3]["fix"] == {
        "description": "rename to level",
        "safe": False,
        "edits": [{"line": 14, "column": 7, "endLine": 14, "endColumn": 12, "replacement": "level"}],
    }


def test_a_listener_with_an_unknown_key_or_without_tasks(tmp_path: Path) -> None:
    text = HEAD + LOG + "listeners:\n  - description: x\n    task: []\n"
    assert shown(findings(tmp_path, text, select="FL5")) == [
        ("FL502", 8, 5, "error", "listener 1 (Listener, Kestra 1.3) requires 'tasks'"),
        ("FL501", 9, 5, "error", "'task' is not a property of listener 1 (Listener, Kestra 1.3)"),
    ]
    assert findings(tmp_path, text, target="2.0", select="FL5") == []  # FL008: listeners are removed in 2.0


@pytest.mark.skipif(not LISTENER.is_file(), reason="Kestra's invalid flows absent")
@pytest.mark.parametrize("target", ["0.21", "1.3"])
def test_kestras_invalid_listener_flow_gets_an_fl502_per_empty_task_list(tmp_path: Path, target: str) -> None:
    found = findings(tmp_path, LISTENER.read_text("utf-8"), target=target, select="FL5")
    assert shown(found) == [
        (
            "FL502",
            7,
            12,
            "error",
            f"'tasks' of listener 1 (Listener, Kestra {target}) is empty: Kestra requires a value "
            "(Kestra: `listeners[0].tasks: must not be empty`)",
        ),
        (
            "FL502",
            9,
            12,
            "error",
            f"'tasks' of listener 2 (Listener, Kestra {target}) is empty: Kestra requires a value "
            "(Kestra: `listeners[1].tasks: must not be empty`)",
        ),
    ]


def test_outputs_leave_id_value_and_type_to_fl602(tmp_path: Path) -> None:
    text = HEAD + LOG + "outputs:\n  - id: '-bad'\n  - value: x\n    typo: 1\n"
    assert shown(findings(tmp_path, text)) == [
        ("FL501", 10, 5, "error", "'typo' is not a property of output 2 (Output, Kestra 1.3)")
    ]


def test_fl006_says_from_which_version_a_top_level_key_exists(tmp_path: Path) -> None:
    text = HEAD + LOG + "afterExecution:\n  - id: after\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
    found = findings(tmp_path, text, target="0.20.7", select="FL006")
    assert shown(found) == [
        (
            "FL006",
            7,
            1,
            "error",
            "'afterExecution' is not a top-level key of Kestra 0.20.7's Flow (of the versions flowlint's data "
            "describes, it exists from 1.3.25)",
        )
    ]
    assert findings(tmp_path, text, target="1.3", select="FL006") == []
    worker = HEAD + LOG + "workerGroup:\n  key: gpu\nworkerSelector: x\n"
    assert [d["line"] for d in findings(tmp_path, worker, target="0.20.7", select="FL006")] == [7]
    assert findings(tmp_path, worker, target="1.3.25", select="FL006") == []


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("retry: 3", 8, "'retry' takes a mapping, not a number ('3')"),
        ("concurrency: [1]", 14, "'concurrency' takes a mapping, not a list"),
        ("inputs: {id: region, type: STRING}", 9, "'inputs' takes a list, not a mapping"),
        ("outputs: x", 10, "'outputs' takes a list, not a string ('x')"),
        ("labels: prod", 9, "'labels' takes a list or a mapping, not a string ('prod')"),
    ],
)
def test_a_flow_object_of_the_wrong_shape_is_reported(tmp_path: Path, line: str, column: int, message: str) -> None:
    text = HEAD + line + "\n" + LOG
    assert shown(findings(tmp_path, text, select="ALL")) == [("FL503", 3, column, "error", message)]


def test_flow_objects_of_the_right_shape_or_null_are_not_reported(tmp_path: Path) -> None:
    text = HEAD + "labels:\n  team: data\nretry:\ninputs:\noutputs: []\n" + LOG
    assert findings(tmp_path, text, select="ALL") == []


def test_plugin_defaults_leave_their_type_and_values_to_fl110(tmp_path: Path) -> None:
    defaults = "pluginDefaults:\n  - values:\n      level: INFO\n  - type: io.kestra.plugin.core.log.Log\n"
    text = HEAD + LOG + defaults + "    values: []\n"
    assert [(d["code"], d["line"], d["column"]) for d in findings(tmp_path, text, select="ALL")] == [
        ("FL110", 8, 5),
        ("FL110", 11, 13),
    ]


def test_fl006_beyond_the_data_an_unknown_top_level_key_is_a_warning(tmp_path: Path) -> None:
    text = HEAD + LOG + "quotas:\n  - limit: 1\n"
    message = "unknown top-level key 'quotas': Kestra's Flow has no such property"
    assert shown(findings(tmp_path, text, target="1.3.25", select="FL006")) == [("FL006", 7, 1, "error", message)]
    assert shown(findings(tmp_path, text, target="2.0", select="FL006")) == [
        (
            "FL006",
            7,
            1,
            "warning",
            message + " as far as flowlint's data goes (it describes Kestra up to 1.3.25)",
        )
    ]


def test_a_retry_duration_given_as_a_number_in_a_string_is_read_as_seconds(tmp_path: Path) -> None:
    text = HEAD + "retry:\n  type: constant\n  interval: '1.5'\n  maxAttempts: 2\n  maxDuration: 1m\n" + LOG
    assert shown(findings(tmp_path, text, target="1.3.25", select="FL503")) == [
        (
            "FL503",
            7,
            16,
            "error",
            "'maxDuration' takes an ISO-8601 duration such as PT5M (or a number of seconds), not '1m'",
        )
    ]


def test_an_item_of_a_flow_object_list_that_is_no_mapping_is_reported(tmp_path: Path) -> None:
    text = HEAD + "inputs:\n  - region\n  -\noutputs: [[a]]\nlabels: [prod]\n" + LOG
    assert shown(findings(tmp_path, text, select="ALL")) == [
        ("FL503", 4, 5, "error", "item 1 of 'inputs' takes a mapping, not a string ('region')"),
        ("FL503", 6, 11, "error", "item 1 of 'outputs' takes a mapping, not a list"),
    ]
