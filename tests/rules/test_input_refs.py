"""FL704 unknown-input-ref beyond its fixture: what its help says, and where it stays silent."""

from __future__ import annotations

import json

from tests.conftest import ROOT, lint, run_cli, where

FIXTURE = ROOT / "tests" / "fixtures" / "FL704"


def test_help_names_the_input_task_or_variable_meant_and_spans_the_name() -> None:
    done = run_cli(["check", "--no-cache", "--format", "json", "-q", "bad.yml"], cwd=FIXTURE)
    assert done.returncode == 1, done.stderr
    found = [
        (d["line"], d["column"], d["endColumn"], d["help"])
        for d in json.loads(done.stdout)["diagnostics"]
        if d["code"] == "FL704"
    ]
    assert found == [
        (17, 36, 42, "did you mean 'region'?"),
        (17, 61, 67, "did you mean 'region'?"),  # the same but for case
        (22, 22, 27, "'table' is a variable of the flow: read it as `vars.table`"),
        (22, 41, 48, "'extract' is a task: read its results as `outputs.extract`"),
        (23, 22, 29, "write `inputs['db-host']` for an input id with a hyphen"),
        (32, 23, 26, None),  # `request.day` is read as `inputs.request.day`: `day` is no input
        (43, 23, 28, "did you mean 'region'?"),
    ]


FLOW = """\
id: orders
namespace: company.team
inputs: {inputs}
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{{{ inputs.db-host }}}} {{{{ inputs.day }}}}"
"""


def test_a_dashed_read_kestra_does_not_refuse_is_reported_where_fl610_is_off() -> None:
    text = FLOW.format(inputs="\n  - id: db-host\n    type: STRING")
    found = lint(text, select=["FL704"])
    assert [(d.code, where(d)) for d in found] == [("FL704", (9, 25, 9, 32)), ("FL704", (9, 46, 9, 49))]
    assert (
        found[0].message
        == "`inputs.db-host` is read by Pebble as `inputs.db` minus `host`: the flow declares no input 'db'"
    )
    claimed = lint(text, select=["FL704", "FL610"])
    assert [(d.code, where(d)) for d in claimed] == [("FL610", (9, 18, 9, 32)), ("FL704", (9, 46, 9, 49))]


def test_inputs_that_are_no_list_of_literal_ids_are_not_judged() -> None:
    declared = lint(FLOW.format(inputs="\n  - id: db-host\n    type: STRING"), select=["FL704"])
    assert [d.message.split("'")[1] for d in declared] == ["db", "day"]
    for inputs in ('"{{ vars.inputs }}"', "\n  - type: STRING", "\n  - id: [a]\n    type: STRING"):
        assert lint(FLOW.format(inputs=inputs), select=["FL704"]) == [], inputs


def test_inputs_of_another_execution_are_not_this_flows() -> None:
    text = FLOW.format(inputs="[]").replace("inputs.db-host", "parents[0].inputs.region }} {{ trigger.inputs.id")
    assert [d.message for d in lint(text, select=["FL704"])] == ["the flow declares no inputs (read as `inputs.day`)"]


def test_a_flow_with_no_inputs_or_null_inputs_declares_none() -> None:
    for inputs in ("", "[]"):
        found = lint(FLOW.format(inputs=inputs), select=["FL704"])
        assert [d.message for d in found] == [
            "the flow declares no inputs (read as `inputs.db`)",
            "the flow declares no inputs (read as `inputs.day`)",
        ]


def test_a_plugin_default_is_judged_only_where_it_applies_to_a_task_of_the_flow() -> None:
    text = FLOW.format(inputs="[]").replace("{{ inputs.db-host }} ", "") + (
        "pluginDefaults:\n"
        "  - type: io.kestra.plugin.core.log\n"
        "    values:\n"
        '      level: "{{ inputs.level }}"\n'
        "  - type: io.kestra.plugin.jdbc\n"
        "    values:\n"
        '      url: "{{ inputs.db_url }}"\n'
    )
    found = lint(text, select=["FL704"])
    assert [(d.message, d.yaml_path) for d in found] == [
        ("the flow declares no inputs (read as `inputs.day`)", "tasks[0].message"),
        ("the flow declares no inputs (read as `inputs.level`)", "pluginDefaults[0].values.level"),
    ]
