"""Validation rules FL602 invalid-output and FL609 trigger-missing-inputs: exact positions and messages, what
Kestra accepts, the Kestra versions each check applies from, and Kestra's own invalid flows
(../shared/corpus/flows-invalid)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowlint.diagnostics import Diagnostic, Severity
from tests.conftest import CORPUS, lint, of, only, run_cli, settings, where

HEAD = "id: hello\nnamespace: company.team\n"
LOG = "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
SCHEDULE = "io.kestra.plugin.core.trigger.Schedule"
WEBHOOK = "io.kestra.plugin.core.trigger.Webhook"


def check(text: str, code: str, target: str = "2.0") -> list[Diagnostic]:
    """The findings of ``code`` on ``text`` with only that rule on, for the target version."""
    return of(lint(text, select=[code], dedent=False, config=settings(target=target)), code)


def output(output_id: str, kind: str | None = "STRING", value: str | None = "done") -> str:
    text = f"  - id: {output_id}\n"
    text += f"    type: {kind}\n" if kind is not None else ""
    return text + (f"    value: {value}\n" if value is not None else "")


# FL602 ----------------------------------------------------------------------------------------------


def test_an_output_id_kestra_does_not_accept_is_reported_at_the_id() -> None:
    text = HEAD + LOG + "outputs:\n" + output("a.b-c_1") + output("_hidden")
    d = only(check(text, "FL602", target="1.3"), "FL602")
    assert where(d) == (11, 9, 11, 16)
    assert d.message == (
        "output id '_hidden' does not match ^[a-zA-Z0-9][.a-zA-Z0-9_-]* "
        '(Kestra: `outputs[1].id: must match "^[a-zA-Z0-9][.a-zA-Z0-9_-]*"`)'
    )
    assert d.severity is Severity.ERROR
    assert d.yaml_path == "outputs[1].id"


def test_a_space_in_an_id_is_reported_too_and_a_blank_id_says_so() -> None:
    text = HEAD + LOG + "outputs:\n" + output("'a b'") + output("' '")
    found = check(text, "FL602", target="1.3")
    assert [(d.span.line, d.message) for d in found] == [
        (
            8,
            "output id 'a b' does not match ^[a-zA-Z0-9][.a-zA-Z0-9_-]* "
            '(Kestra: `outputs[0].id: must match "^[a-zA-Z0-9][.a-zA-Z0-9_-]*"`)',
        ),
        (11, "output id is blank (Kestra: `outputs[1].id: must not be blank`)"),
    ]


def test_a_duplicate_output_id_is_reported_at_the_second_with_the_first() -> None:
    text = HEAD + LOG + "outputs:\n" + output("result") + output("other") + output("result")
    d = only(check(text, "FL602", target="0.15"), "FL602")
    assert where(d) == (14, 9, 14, 15)
    assert d.message == (
        "duplicate output id 'result' (first at line 8): Kestra rejects the flow "
        "(Kestra: `Invalid Flow: Duplicate output with name [result]`)"
    )
    assert [(r.span.line, r.message) for r in d.related] == [(8, "first output with this id")]


def test_an_output_without_value_or_type_is_reported() -> None:
    text = HEAD + LOG + "outputs:\n" + output("a", kind=None) + output("b", value=None) + output("c", value="~")
    found = check(text, "FL602", target="1.3")
    missing = "{} has no `{}`: Kestra requires one (Kestra: `outputs[{}].{}: must not be null`)"
    assert [(*where(d)[:2], d.yaml_path, d.message) for d in found] == [
        (8, 9, "outputs[0]", missing.format("output 'a'", "type", 0, "type")),
        (10, 9, "outputs[1]", missing.format("output 'b'", "value", 1, "value")),
        (14, 5, "outputs[2].value", missing.format("output 'c'", "value", 2, "value")),
    ]


def test_outputs_are_checked_from_kestra_0_15_where_they_came() -> None:
    text = HEAD + LOG + "outputs:\n" + output("result") + output("result")
    assert len(check(text, "FL602", target="0.15")) == 1
    assert check(text, "FL602", target="0.14") == []


def test_a_literal_value_that_is_no_number_for_int_or_float_is_reported_from_kestra_2_0() -> None:
    text = HEAD + LOG + "outputs:\n" + output("count", "INT", "three") + output("ratio", "FLOAT", "'1,5'")
    found = check(text, "FL602")
    assert [(*where(d), d.message) for d in found] == [
        (
            10, 12, 10, 17,
            "INT output 'count' has a literal value that is no number: Kestra 2.0 rejects the flow "
            "(Kestra: `Invalid value for output 'count': `three` is not a valid INT value`)",
        ),
        (
            13, 12, 13, 17,
            "FLOAT output 'ratio' has a literal value that is no number: Kestra 2.0 rejects the flow "
            "(Kestra: `Invalid value for output 'ratio': `1,5` is not a valid FLOAT value`)",
        ),
    ]  # fmt: skip
    assert found[0].yaml_path == "outputs[0].value"
    assert check(text, "FL602", target="1.3") == []


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("INT", "3"),
        ("INT", "'42'"),
        ("INT", "'-7'"),
        ("INT", "1.5"),  # a number: how Kestra's converter reads it is not known, not judged
        ("INT", "true"),  # a boolean Jackson reads: not judged
        ("INT", '"{{ outputs.log.value }}"'),
        ("INT", "'{{ 1 + 1 }} apples'"),
        ("INT", "''"),
        ("FLOAT", "'1e3'"),
        ("FLOAT", "'NaN'"),
        ("FLOAT", "'Infinity'"),
        ("FLOAT", "'0x1p3'"),
        ("FLOAT", "'2.5f'"),
        ("BOOLEAN", "maybe"),  # Kestra's BOOLEAN converter was not readable: not judged
        ("DATE", "tomorrow"),
        ("STRING", "anything"),
    ],
)
def test_literals_a_number_parser_could_read_and_other_types_are_not_judged(kind: str, value: str) -> None:
    assert check(HEAD + LOG + "outputs:\n" + output("o", kind, value), "FL602") == []


def test_a_valid_flow_output_list_has_no_finding() -> None:
    text = HEAD + LOG + "outputs:\n" + output("result", value='"{{ outputs.log }}"') + output("n", "INT", "3")
    assert check(text, "FL602") == []


# FL609 ----------------------------------------------------------------------------------------------

INPUTS = (
    "inputs:\n"
    "  - id: day\n    type: STRING\n"
    "  - id: retries\n    type: INT\n"
    "  - id: mode\n    type: STRING\n    defaults: full\n"
    "  - id: note\n    type: STRING\n    required: false\n"
)


def trigger(trigger_id: str, kind: str = SCHEDULE, inputs: str | None = None) -> str:
    text = f"  - id: {trigger_id}\n    type: {kind}\n"
    text += "    cron: '@daily'\n" if kind == SCHEDULE else "    key: abc\n"
    return text + (f"    inputs:\n{inputs}" if inputs is not None else "")


def test_a_schedule_without_the_required_inputs_is_reported_at_its_type() -> None:
    text = HEAD + INPUTS + LOG + "triggers:\n" + trigger("nightly")
    d = only(check(text, "FL609"), "FL609")
    assert where(d) == (20, 11, 20, 49)
    assert d.message == (
        "Schedule trigger 'nightly' starts the flow without a value for inputs 'day', 'retries' (no `defaults`, "
        "not `required: false`): Kestra 2.0 rejects the flow (Kestra: `Missing inputs for Schedule Trigger "
        "'nightly', missing inputs: 'day | retries'`)"
    )
    assert d.severity is Severity.ERROR
    assert d.yaml_path == "triggers[0].type"
    assert d.help == "give the trigger an `inputs:` value for each, or the inputs `defaults` or `required: false`"


def test_a_trigger_with_inputs_missing_one_is_reported_at_its_inputs_key() -> None:
    text = HEAD + INPUTS + LOG + "triggers:\n" + trigger("hook", WEBHOOK, "      day: monday\n")
    d = only(check(text, "FL609"), "FL609")
    assert where(d) == (22, 5, 22, 11)
    assert d.message == (
        "Webhook trigger 'hook' starts the flow without a value for input 'retries' (no `defaults`, not "
        "`required: false`): Kestra 2.0 rejects the flow (Kestra: `Missing inputs for Webhook Trigger 'hook', "
        "missing inputs: 'retries'`)"
    )
    assert d.yaml_path == "triggers[0].inputs"


def test_triggers_that_supply_every_required_input_and_other_triggers_are_not_reported() -> None:
    supplied = "      day: '{{ trigger.date }}'\n      retries: 3\n"
    flow_trigger = "  - id: after\n    type: io.kestra.plugin.core.trigger.Flow\n"
    text = HEAD + INPUTS + LOG + "triggers:\n" + trigger("nightly", inputs=supplied) + flow_trigger
    assert check(text, "FL609") == []
    old_alias = trigger("old", "io.kestra.core.models.triggers.types.Schedule")
    assert check(HEAD + INPUTS + LOG + "triggers:\n" + old_alias, "FL609") == []  # no alias in 2.0


def test_inputs_with_defaults_optional_or_a_form_need_no_value() -> None:
    optional = (
        "inputs:\n  - id: a\n    type: STRING\n    required: 'false'\n  - name: b\n    type: INT\n    defaults: 1\n"
    )
    assert check(HEAD + optional + LOG + "triggers:\n" + trigger("t"), "FL609") == []
    form = INPUTS + "  - id: address\n    type: FORM\n"
    assert check(HEAD + form + LOG + "triggers:\n" + trigger("t"), "FL609") == []  # FORM: not known, silent
    named = "inputs:\n  - name: legacy\n    type: STRING\n"
    assert (
        "missing inputs: 'legacy'"
        in only(check(HEAD + named + LOG + "triggers:\n" + trigger("t"), "FL609"), "FL609").message
    )


def test_a_literal_value_a_trigger_supplies_that_is_no_number_is_reported_at_the_value() -> None:
    supplied = "      day: monday\n      retries: three\n      mode: '{{ 1 }}'\n      other: x\n"
    text = HEAD + INPUTS + LOG + "triggers:\n" + trigger("nightly", inputs=supplied)
    d = only(check(text, "FL609"), "FL609")
    assert where(d) == (24, 16, 24, 21)
    assert d.message == (
        "Schedule trigger 'nightly' gives INT input 'retries' a value that is no number: Kestra 2.0 rejects the "
        "flow (Kestra: `Invalid value for input 'retries' supplied by Schedule Trigger 'nightly': `three` is not a "
        "valid INT value`)"
    )
    assert d.yaml_path == "triggers[0].inputs.retries"
    expression = text.replace("retries: three", "retries: '{{ vars.n }}'")
    assert check(expression, "FL609") == []


def test_trigger_inputs_are_checked_from_kestra_2_0() -> None:
    text = HEAD + INPUTS + LOG + "triggers:\n" + trigger("nightly")
    assert len(check(text, "FL609", target="2.0")) == 1
    assert check(text, "FL609", target="1.3") == []


# Kestra's own invalid flows -------------------------------------------------------------------------

INVALID = CORPUS / "flows-invalid" / "kestra-io+kestra"
FILES = {
    name: INVALID / f"core__src__test__resources__flows__invalids__{name}.yml"
    for name in ("scheduled-missing-inputs-defaults", "scheduled-missing-inputs-defaults-2")
}


@pytest.mark.skipif(not all(path.is_file() for path in FILES.values()), reason="Kestra's invalid flows absent")
def test_kestras_invalid_flows_get_the_finding_at_the_line_for_the_versions_that_refuse_them(tmp_path: Path) -> None:
    def run(target: str) -> list[tuple[str, str, int, int, str]]:
        args = ["check", "--no-cache", "--format", "json", "--select", "FL602,FL609"]
        done = run_cli([*args, "--target-kestra-version", target, *map(str, FILES.values())], tmp_path)
        assert done.stderr == ""
        names = {str(path): name for name, path in FILES.items()}
        return [
            (names[d["path"]], d["code"], d["line"], d["column"], d["message"].split("(Kestra: ")[1])
            for d in json.loads(done.stdout)["diagnostics"]
        ]

    kestra = "`Missing inputs for Schedule Trigger 'every_minute', missing inputs: 'user2'`)"
    assert run("2.0") == [
        ("scheduled-missing-inputs-defaults-2", "FL609", 16, 11, kestra),
        ("scheduled-missing-inputs-defaults", "FL609", 19, 11, kestra),
    ]
    assert run("1.3") == []
