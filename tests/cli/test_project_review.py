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
