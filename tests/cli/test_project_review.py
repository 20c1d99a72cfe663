"""Issue 17 review: what users noticed of the project rules, `flowlint graph` and impact through calls on
realistic repositories (each test reproduces one report)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.concise_run import manifest_text, write
from tests.conftest import lint, run_cli, where

CONFIG = "manifest: manifest.json\nselect: [FL701, FL702, FL703, FL705]\n"


def _flow(flow_id: str, tasks: str = "", triggers: str = "") -> str:
    log = "  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
    return f"id: {flow_id}\nnamespace: company.team\ntasks:\n{tasks or log}{triggers}"


def _json_findings(root: Path, *args: str) -> list[tuple[str, int, int, str | None]]:
    done = run_cli(["check", "--format", "json", *args], cwd=root)
    assert done.returncode in (0, 1), done.stderr
    return [(d["code"], d["line"], d["column"], d["help"]) for d in json.loads(done.stdout)["diagnostics"]]


def test_did_you_mean_of_an_unknown_flow_never_names_the_flow_that_refers_to_it(tmp_path: Path) -> None:
    # In kestra-io/examples, the parent string_output_parent starts string_output_child (defined only in its
    # description): the closest id of the namespace was the parent itself.
    call = "  - id: each\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n"
    listen = (
        "triggers:\n  - id: after\n    type: io.kestra.plugin.core.trigger.Flow\n    conditions:\n"
        "      - type: io.kestra.plugin.core.condition.ExecutionFlow\n        namespace: company.team\n"
        "        flowId: string_output_child\n"
    )
    write(
        tmp_path,
        {
            "manifest.json": manifest_text(),
            ".flowlint.yaml": CONFIG,
            "flows/parent.yml": _flow("string_output_parent", call + "    flowId: string_output_child\n", listen),
            "flows/alone.yml": _flow("alone", call.replace("each", "again") + "    flowId: alone_v2\n"),
        },
    )
    assert _json_findings(tmp_path, "flows/parent.yml", "flows/alone.yml") == [
        ("FL701", 7, 13, None),
        ("FL701", 7, 13, None),
        ("FL701", 14, 17, None),
    ]
    write(tmp_path, {"flows/old.yml": _flow("output_child_old")})
    assert _json_findings(tmp_path, "flows/parent.yml") == [
        ("FL701", 7, 13, "did you mean company.team.output_child_old?"),
        ("FL701", 14, 17, "did you mean company.team.output_child_old?"),
    ]


def test_graph_quotes_every_flow_name_it_draws_mermaid_and_dot_alike(tmp_path: Path) -> None:
    # A literal flowId is whatever the task writes: a double quote in it ended Mermaid's node label early.
    call = (
        "  - id: to-x.y\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: vendor-tools.v1\n"
        "    flowId: 'say \"hi\"'\n"
    )
    write(
        tmp_path,
        {"manifest.json": manifest_text(), ".flowlint.yaml": CONFIG, "flows/caller.yml": _flow("call-er.v2", call)},
    )
    mermaid = run_cli(["graph"], cwd=tmp_path)
    assert (mermaid.returncode, mermaid.stderr) == (0, "")
    assert mermaid.stdout == (
        "flowchart LR\n"
        '  f0["company.team.call-er.v2"]\n'
        '  f1["vendor-tools.v1.say #quot;hi#quot;"]\n'
        '  f0 -->|"to-x.y (Subflow)"| f1\n'
        "  classDef outside stroke-dasharray: 5 5\n"
        "  class f1 outside\n"
    )
    dot = run_cli(["graph", "--format", "dot"], cwd=tmp_path)
    assert dot.stdout == (
        "digraph flows {\n"
        "  rankdir=LR;\n"
        '  "company.team.call-er.v2";\n'
        '  "vendor-tools.v1.say \\"hi\\"" [style=dashed];\n'
        '  "company.team.call-er.v2" -> "vendor-tools.v1.say \\"hi\\"" [label="to-x.y (Subflow)"];\n'
        "}\n"
    )


def test_fl704_leaves_alone_a_string_whose_pebble_tags_make_inputs_a_variable_of_their_own() -> None:
    messages = [
        "{% set inputs = {'a': 1} %}{{ inputs.a }}",
        "{% for inputs in [{'b': 1}] %}{{ inputs.b }}{% endfor %}",
        "{%- for key, inputs in {'x': {'c': 1}} %}{{ inputs.c }}{% endfor %}",
        "{% macro show(title, inputs) %}{{ inputs.d }}{% endmacro %}",
        "{{ inputs.regoin }} {% set settings = 1 %}",  # a set of another name: still judged
    ]
    tasks = "".join(
        f"  - id: t{n}\n    type: io.kestra.plugin.core.log.Log\n    message: {json.dumps(m)}\n"
        for n, m in enumerate(messages)
    )
    text = f"id: f\nnamespace: company.team\ninputs:\n  - id: region\n    type: STRING\ntasks:\n{tasks}"
    found = lint(text, select=["FL704"])
    assert [(d.code, where(d), d.help) for d in found] == [("FL704", (21, 25, 21, 31), "did you mean 'region'?")]


CHILD = (
    "id: child\nnamespace: company.team\ninputs:\n  - id: day\n    type: STRING\n  - id: zone\n    type: STRING\n"
    "  - id: mode\n    type: STRING\n    defaults: fast\n"
    "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
)
SUBFLOW = "    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: child\n"


def _messages(root: Path, *args: str) -> list[tuple[str, int, int, str]]:
    done = run_cli(["check", "--format", "json", *args], cwd=root)
    assert done.returncode in (0, 1), done.stderr
    return [(d["code"], d["line"], d["column"], d["message"]) for d in json.loads(done.stdout)["diagnostics"]]


def _missing(task: str, names: str) -> str:
    plural = "s" if "," in names else ""
    return (
        f"Subflow task '{task}' passes no value for input{plural} {names} of company.team.child"
        " (no `defaults`, not `required: false`): the subflow's execution fails"
    )


def test_fl702_counts_the_inputs_a_flows_plugin_defaults_pass_to_its_subflow_calls(tmp_path: Path) -> None:
    # Kestra deep-merges a pluginDefaults entry's values into every task whose type it prefixes.
    by_prefix = (
        "pluginDefaults:\n  - type: io.kestra.plugin.core.flow\n    values:\n      inputs:\n        day: monday\n"
        f"tasks:\n  - id: call\n{SUBFLOW}    inputs:\n      mode: slow\n"
    )
    unknown = (
        "pluginDefaults:\n  - type: io.kestra.plugin.core.flow.Subflow\n    values:\n"
        "      inputs: \"{{ kv('CHILD_INPUTS') }}\"\n"
        f"tasks:\n  - id: call\n{SUBFLOW}    inputs:\n      dya: monday\n"
    )
    other_type = (
        "pluginDefaults:\n  - type: io.kestra.plugin.core.log\n    values:\n      inputs:\n        day: monday\n"
        f"tasks:\n  - id: call\n{SUBFLOW}"
    )
    write(
        tmp_path,
        {
            "manifest.json": manifest_text(),
            ".flowlint.yaml": CONFIG,
            "child.yml": CHILD,
            "by_prefix.yml": "id: by_prefix\nnamespace: company.team\n" + by_prefix,
            "unknown.yml": "id: unknown\nnamespace: company.team\n" + unknown,
            "other_type.yml": "id: other_type\nnamespace: company.team\n" + other_type,
        },
    )
    declares_no = (
        "company.team.child declares no input 'dya': Subflow task 'call' passes a value the subflow never gets"
        " (an execution gets the inputs its flow declares, and only those)"
    )
    assert _messages(tmp_path, "by_prefix.yml", "unknown.yml", "other_type.yml") == [
        ("FL702", 13, 5, _missing("call", "'zone'")),
        ("FL702", 12, 13, _missing("call", "'day', 'zone'")),
        ("FL702", 13, 7, declares_no),
    ]


def test_fl702_does_not_judge_missing_inputs_when_a_configured_default_passes_inputs(tmp_path: Path) -> None:
    # Namespace and global defaults of the config: flowlint records the keys they set, not the input names.
    config = (
        CONFIG + "namespaces:\n  company:\n    pluginDefaults:\n      - type: io.kestra.plugin.core.flow.Subflow\n"
        "        values:\n          inputs:\n            day: monday\n            zone: eu\n"
    )
    parent = f"id: parent\nnamespace: company.team\ntasks:\n  - id: call\n{SUBFLOW}    inputs:\n      dya: x\n"
    elsewhere = parent.replace("company.team\ntasks", "other.team\ntasks").replace("id: parent", "id: elsewhere")
    write(
        tmp_path,
        {
            "manifest.json": manifest_text(),
            ".flowlint.yaml": config,
            "child.yml": CHILD,
            "parent.yml": parent,
            "elsewhere.yml": elsewhere,
        },
    )
    assert [(code, line) for code, line, *_ in _messages(tmp_path, "parent.yml", "elsewhere.yml")] == [
        ("FL702", 8),  # other.team: the company namespace's default does not apply
        ("FL702", 9),
        ("FL702", 9),
    ]


def test_an_input_that_depends_on_a_condition_needs_no_value_from_a_caller(tmp_path: Path) -> None:
    # Kestra disables an input whose dependsOn.condition is false, and a disabled input is not required.
    child = CHILD.replace(
        "tasks:",
        "  - id: speed\n    type: INT\n    dependsOn:\n      inputs: [mode]\n"
        "      condition: \"{{ inputs.mode == 'fast' }}\"\n"
        "  - id: size\n    type: INT\n    dependsOn:\n      inputs: [mode]\ntasks:",
    )
    parent = f"id: parent\nnamespace: company.team\ntasks:\n  - id: call\n{SUBFLOW}    inputs:\n      day: x\n"
    write(
        tmp_path,
        {"manifest.json": manifest_text(), ".flowlint.yaml": CONFIG, "child.yml": child, "parent.yml": parent},
    )
    assert _messages(tmp_path, "parent.yml") == [("FL702", 8, 5, _missing("call", "'zone', 'size'"))]


def test_a_call_pinned_to_a_revision_is_not_judged_against_the_files_inputs_and_outputs(tmp_path: Path) -> None:
    # The pinned revision of the subflow may declare other inputs and outputs than the file does today.
    pinned = (
        f"  - id: call\n{SUBFLOW}    revision: 3\n    inputs:\n      legacy: x\n"
        '  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ outputs.call.outputs.total }}"\n'
        f"  - id: gone\n{SUBFLOW.replace('child', 'chidl')}    revision: 2\n"
    )
    write(
        tmp_path,
        {
            "manifest.json": manifest_text(),
            ".flowlint.yaml": CONFIG,
            "child.yml": CHILD,
            "parent.yml": f"id: parent\nnamespace: company.team\ntasks:\n{pinned}",
        },
    )
    assert [(code, line, column) for code, line, column, _ in _messages(tmp_path, "parent.yml")] == [("FL701", 17, 13)]


def test_a_file_named_through_dot_dot_is_the_file_the_project_walk_finds(tmp_path: Path) -> None:
    # From a subfolder, ../child.yml was counted twice: FL703 against itself, and calls to it not judged.
    parent = f"id: parent\nnamespace: company.team\ntasks:\n  - id: call\n{SUBFLOW}"
    write(
        tmp_path,
        {
            "manifest.json": manifest_text(),
            ".flowlint.yaml": CONFIG,
            "child.yml": CHILD,
            "parent.yml": parent,
            "sub/keep.txt": "",
        },
    )
    done = run_cli(["check", "--format", "json", "../child.yml", "../parent.yml"], cwd=tmp_path / "sub")
    found = json.loads(done.stdout)["diagnostics"]
    assert [(d["path"], d["code"], d["line"], d["message"]) for d in found] == [
        (f"{tmp_path}/parent.yml", "FL702", 7, _missing("call", "'day', 'zone'"))
    ]


def test_standard_input_is_judged_on_the_project_as_the_file_it_names(tmp_path: Path) -> None:
    parent = f"id: parent\nnamespace: company.team\ntasks:\n  - id: call\n{SUBFLOW}    inputs:\n      day: x\n"
    write(
        tmp_path,
        {"manifest.json": manifest_text(), ".flowlint.yaml": CONFIG, "child.yml": CHILD, "parent.yml": parent},
    )
    edited = parent.replace("day: x", "day: x\n      zone: eu")
    done = run_cli(["check", "--format", "json", "-", "--stdin-filename", "parent.yml"], tmp_path, edited.encode())
    assert (done.returncode, json.loads(done.stdout)["diagnostics"]) == (0, [])
    done = run_cli(["check", "--format", "json", "-", "--stdin-filename", "parent.yml"], tmp_path, parent.encode())
    found = json.loads(done.stdout)["diagnostics"]
    assert (done.returncode, [(d["code"], d["line"], d["message"]) for d in found]) == (
        1,
        [("FL702", 8, _missing("call", "'zone'"))],
    )
    copy = CHILD.encode()
    done = run_cli(["check", "--format", "json", "-", "--stdin-filename", "copy.yml"], tmp_path, copy)
    found = json.loads(done.stdout)["diagnostics"]
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("FL703", 1, 5)]


def test_fl703_names_three_other_definitions_and_counts_the_rest_its_related_places_name_all(
    tmp_path: Path,
) -> None:
    copies = {f"copy{n}.yml": _flow("same") for n in range(6)}
    write(tmp_path, {"manifest.json": manifest_text(), ".flowlint.yaml": CONFIG, **copies})
    done = run_cli(["check", "--format", "concise", "copy0.yml"], cwd=tmp_path)
    assert done.stdout.splitlines()[0] == (
        "copy0.yml:1:5: FL703 [error] flow company.team.same is also defined in copy1.yml (line 1), copy2.yml"
        " (line 1), copy3.yml (line 1) and 2 more: deployed, each replaces the other (the last one wins)"
    )
    done = run_cli(["check", "copy0.yml"], cwd=tmp_path)
    notes = [line.strip() for line in done.stdout.splitlines() if "= note:" in line]
    assert notes == [f"= note: flow company.team.same also defined here at copy{n}.yml:1:5" for n in range(1, 6)]
