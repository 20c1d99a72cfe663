"""Validation rules FL605 invalid-schedule, FL607 reserved-label and FL610 dashed-reference: exact positions
and messages, what Kestra accepts, the Kestra versions each check applies from, the cron grammar where it
differs from croniter's, and Kestra's own invalid flows (../shared/corpus/flows-invalid)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowlint.diagnostics import Diagnostic, Severity
from flowlint.kestra_cron import cron_problem
from tests.conftest import CORPUS, lint, of, only, run_cli, settings, where

HEAD = "id: hello\nnamespace: company.team\n"
LOG = "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
SCHEDULE = "io.kestra.plugin.core.trigger.Schedule"
PARSE = "Failed to parse cron expression. "
NEGATIVE = "Negative numbers are not allowed."


def schedules(*crons: str, extra: str = "") -> str:
    """A flow whose triggers are Schedules of these crons (``extra`` lines added to each)."""
    triggers = "".join(
        f"  - id: t{index}\n    type: {SCHEDULE}\n    cron: {json.dumps(cron)}\n{extra}"
        for index, cron in enumerate(crons)
    )
    return HEAD + LOG + "triggers:\n" + triggers


def check(text: str, code: str, target: str = "1.3") -> list[Diagnostic]:
    """The findings of ``code`` on ``text`` with only that rule on, for the target version."""
    return of(lint(text, select=[code], dedent=False, config=settings(target=target)), code)


def summary(found: list[Diagnostic]) -> list[tuple[int, int, int, int, str]]:
    return [(*where(d), d.message) for d in found]


# FL605: the cron ------------------------------------------------------------------------------------


def test_a_cron_kestra_rejects_is_reported_at_the_value_with_kestras_message() -> None:
    found = check(schedules("0 9 * * *", "0 2 L * *"), "FL605")
    d = only(found, "FL605")
    assert where(d) == (13, 11, 13, 22)
    assert d.message == (
        "Kestra 1.3 rejects this cron: invalid cron expression '0 2 L * *': Failed to parse cron expression. "
        "Invalid chars in expression! Expression: L Invalid chars: L"
    )
    assert d.severity is Severity.ERROR
    assert d.yaml_path == "triggers[1].cron"
    assert d.help is not None and d.help.startswith("a cron has 5 fields (minute 0-59")


def test_six_fields_without_with_seconds_says_to_set_it() -> None:
    d = only(check(schedules("0 0 9 * * *"), "FL605"), "FL605")
    assert d.message == (
        "Kestra 1.3 rejects this cron: invalid cron expression '0 0 9 * * *': "
        "Cron expression contains 6 parts but we expect one of [5]"
    )
    assert d.help == "a cron with seconds (6 fields, seconds first) needs `withSeconds: true`"
    assert check(schedules("0 0 9 * * *", extra="    withSeconds: true\n"), "FL605") == []
    d = only(check(schedules("0 9 * * *", extra="    withSeconds: true\n"), "FL605"), "FL605")
    assert d.message.endswith("Cron expression contains 5 parts but we expect one of [6]")


@pytest.mark.parametrize(
    ("cron", "reason"),
    [
        ("0 9 ? * *", "Failed to parse cron expression. Invalid expression: ?"),
        ("0 9 15W * *", PARSE + "Invalid chars in expression! Expression: 15W Invalid chars: W"),
        ("0 9 * * 1#2", "Failed to parse cron expression. Invalid expression: 1#2"),
        ("0 9 * * 5L", "Failed to parse cron expression. Invalid chars in expression! Expression: 5L Invalid chars: L"),
        ("H 9 * * *", "Failed to parse cron expression. Invalid chars in expression! Expression: H Invalid chars: H"),
        ("0 9 * * FRI-MON", "Failed to parse cron expression. Invalid range! [5,1]"),
        ("0 24 * * *", "Failed to parse cron expression. Value 24 not in range [0, 23]"),
        ("0 9 0 * *", "Failed to parse cron expression. Value 0 not in range [1, 31]"),
        ("0 9 * 13 *", "Failed to parse cron expression. Value 13 not in range [1, 12]"),
        ("0 9 * * 8", "Failed to parse cron expression. Value 8 not in range [0, 7]"),
        ("*/60 * * * *", "Failed to parse cron expression. Period 60 not in range [0, 59]"),
        ("*/0 * * * *", "Failed to parse cron expression. Period 0 not in range [0, 59]"),
        ("0 9 * * */8", "Failed to parse cron expression. Period 8 not in range [0, 7]"),
        ("0 9 * * 1-5/7", "Failed to parse cron expression. Period 0 not in range [0, 7]"),
        ("0 9 1-31/40 * *", "Failed to parse cron expression. Period 40 not in range [1, 31]"),
        ("0 9 * * MONDAY", PARSE + "Invalid chars in expression! Expression: MONDAY Invalid chars: MONDAY"),
        ("0 9 * JAN,FEB, *", "Invalid field value! Trailing commas not permitted! 'JAN,FEB,'"),
        ("-5 9 * * *", PARSE + "Invalid expression! Expression: -5 does not describe a range. " + NEGATIVE),
        ("5- 9 * * *", "Failed to parse cron expression. Missing values for range: 5-"),
        ("5/ 9 * * *", "Failed to parse cron expression. Missing steps for expression: 5/"),
        ("@DAILY", "Cron expression contains 1 parts but we expect one of [5]"),
        ("@reboot", "Nickname @reboot not supported!"),
        ("0 9 * * *   || 0 25 * * *", "Failed to parse cron expression. Value 25 not in range [0, 23]"),
    ],
)  # fmt: skip
def test_cron_utils_rejects(cron: str, reason: str) -> None:
    assert cron_problem(cron, with_seconds=False) == reason


@pytest.mark.parametrize(
    "cron",
    [
        "0 9 * * *",
        "*/15 9-17 * * MON-FRI",
        "0 0 1,15 jan-jun sun",
        "0 9 * * 7",
        "0 9 * * 0-7",
        "0 9 * * SAT-SUN",
        "0 9 * * */7",
        "5/15 * * * *",
        "/5 * * * *",
        "0 9 * * 1-5/2",
        "0  9\t* * *",
        "@daily",
        "@midnight",
        "@annually",
        "0 9 * * * || 30 17 * * *",
    ],
)
def test_cron_utils_accepts(cron: str) -> None:
    assert cron_problem(cron, with_seconds=False) is None


def test_with_seconds_adds_a_first_field_of_seconds_and_keeps_the_nicknames() -> None:
    assert cron_problem("*/30 * * * * *", with_seconds=True) is None
    assert cron_problem("@hourly", with_seconds=True) is None
    assert cron_problem("60 * * * * *", with_seconds=True) == (
        "Failed to parse cron expression. Value 60 not in range [0, 59]"
    )


@pytest.mark.parametrize(
    ("cron", "kestra_accepts"),
    [
        ("0 0 L * *", False),  # croniter: last day of the month
        ("0 0 15W * *", False),  # croniter: nearest weekday
        ("0 0 ? * *", False),
        ("0 0 * * 1#2", False),
        ("0 0 * * 5-1", False),  # croniter wraps the range around the week
        ("0 0 * * SUN-MON", False),
        ("*/60 * * * *", False),  # croniter takes any step
        ("0 0 * * */8", False),
        ("0 0 1-31/40 * *", False),
        ("0 9 * * * *", False),  # croniter: a sixth field of seconds, at the end
        ("0 9 * * * * 2030", False),  # croniter: a seventh field of years
        ("@DAILY", False),  # croniter reads nicknames in any case
        ("/5 * * * *", True),  # croniter refuses a step without a start
        ("+5 * * * *", True),  # Java's Integer.parseInt takes a sign
    ],
)
def test_where_croniter_and_cron_utils_disagree_flowlint_follows_cron_utils(cron: str, kestra_accepts: bool) -> None:
    assert (cron_problem(cron, with_seconds=False) is None) is kestra_accepts


def test_cron_with_an_expression_or_a_composite_per_field_is_not_judged() -> None:
    text = schedules("{{ vars.cron }}", "0 9|10 * * *", "0 9 * * *", "0 99 * * *")
    text += '    withSeconds: "{{ true }}"\n'  # the last one's field count is not known
    assert check(text, "FL605") == []
    d = only(check(schedules("{{ vars.cron }}", "0 9|10 * * *", "0 99 * * *"), "FL605"), "FL605")
    assert d.message.endswith("Value 99 not in range [0, 23]")


# FL605: the time zone and the Webhook ----------------------------------------------------------------


def test_an_unknown_time_zone_is_reported_at_the_value_with_a_suggestion() -> None:
    found = check(schedules("0 9 * * *", extra="    timezone: Europe/Pari\n"), "FL605")
    d = only(found, "FL605")
    assert where(d) == (11, 15, 11, 26)
    assert d.message == (
        "'Europe/Pari' is not a time zone Kestra 1.3 knows: timezone '(Europe/Pari)' is not a valid time-zone ID"
    )
    assert d.help == "did you mean 'Europe/Paris'?"
    assert d.yaml_path == "triggers[0].timezone"


@pytest.mark.parametrize(
    ("zone", "valid"),
    [
        ("Europe/Paris", True),
        ("US/Eastern", True),
        ("UTC", True),
        ("GMT", True),
        ("UT", True),
        ("Z", True),
        ("+02:00", True),
        ("-0530", True),
        ("+2", True),
        ("UTC+2", True),
        ("GMT-05:00", True),
        ("UT+01:30:15", True),
        ("+18:00", True),
        ("europe/paris", False),  # Java's region ids are case-sensitive
        ("PST", False),
        ("+18:01", False),
        ("UTC+25", False),
        ("+2:00", False),
        ("UTCx", False),
    ],
)
def test_time_zones_as_javas_zone_id_reads_them(zone: str, valid: bool) -> None:
    bad = "    timezone: Europe/Pari\n"
    text = schedules("0 9 * * *", extra=f"    timezone: {json.dumps(zone)}\n") + "  - id: bad\n"
    text += f'    type: {SCHEDULE}\n    cron: "0 9 * * *"\n{bad}'
    found = [d.message.split("'")[1] for d in check(text, "FL605")]
    assert found == (["Europe/Pari"] if valid else [zone, "Europe/Pari"])


def test_a_webhook_with_a_multiple_condition_is_reported_at_the_condition_type() -> None:
    text = (
        HEAD
        + LOG
        + (
            "triggers:\n"
            "  - id: hook\n"
            "    type: io.kestra.plugin.core.trigger.Webhook\n"
            "    key: abc\n"
            "    conditions:\n"
            "      - type: io.kestra.plugin.core.condition.ExecutionStatus\n"
            "        in: [SUCCESS]\n"
            "      - type: io.kestra.plugin.core.condition.MultipleCondition\n"
            "        window: P1D\n"
        )
    )
    d = only(check(text, "FL605"), "FL605")
    assert where(d) == (14, 15, 14, 64)
    assert d.message == (
        "a Webhook trigger cannot wait on a MultipleCondition: Kestra 1.3 rejects it "
        "(invalid webhook: conditions of type MultipleCondition are not supported)"
    )
    assert d.help == "to start this flow once several flows have run, use a Flow trigger with `preconditions`"
    assert check(text, "FL605", target="0.12") == []
    schedule = text.replace("io.kestra.plugin.core.trigger.Webhook", SCHEDULE).replace("key: abc", 'cron: "@daily"')
    assert check(schedule, "FL605") == []


def test_each_check_applies_from_the_kestra_version_that_has_it() -> None:
    text = schedules("0 2 L * *", extra="    timezone: Mars/Olympus\n")
    assert [d.message.split(":")[0] for d in check(text, "FL605", target="0.18")] == [
        "Kestra 0.18 rejects this cron",
        "'Mars/Olympus' is not a time zone Kestra 0.18 knows",
    ]
    assert [d.message.split(":")[0] for d in check(text, "FL605", target="0.17")] == [
        "'Mars/Olympus' is not a time zone Kestra 0.17 knows"
    ]
    assert check(text, "FL605", target="0.13") == []


# FL607 ----------------------------------------------------------------------------------------------


def test_a_flow_label_under_system_is_reported_at_the_key_but_system_read_only() -> None:
    text = HEAD + 'labels:\n  system.readOnly: "true"\n  team: data\n  system.team: data\n' + LOG
    d = only(check(text, "FL607"), "FL607")
    assert where(d) == (6, 3, 6, 14)
    assert d.message == (
        "label 'system.team' of the flow is reserved: Kestra 1.3 rejects it (System labels can only be set by "
        "Kestra itself, offending label: system.team=data)"
    )
    assert d.help == (
        "labels under `system.` are Kestra's own (only `system.readOnly` may be set on a flow): rename it, e.g. 'team'"
    )
    assert d.yaml_path == 'labels["system.team"]'


def test_labels_as_a_list_of_key_and_value() -> None:
    text = HEAD + "labels:\n  - key: system.readOnly\n    value: 'true'\n  - key: system.id\n    value: 42\n" + LOG
    d = only(check(text, "FL607"), "FL607")
    assert where(d) == (6, 10, 6, 19)
    assert d.message.endswith("offending label: system.id=42)")
    assert d.yaml_path == "labels[1].key"


def test_triggers_subflows_slas_and_execution_labels_allow_no_system_label() -> None:
    text = HEAD + (
        "tasks:\n"
        "  - id: child\n"
        "    type: io.kestra.plugin.core.flow.Subflow\n"
        "    namespace: company.team\n"
        "    flowId: other\n"
        "    labels:\n"
        "      system.correlationId: abc\n"
        "  - id: each\n"
        "    type: io.kestra.plugin.core.flow.ForEachItem\n"
        "    items: '{{ outputs.child.uri }}'\n"
        "    namespace: company.team\n"
        "    flowId: other\n"
        "    labels:\n"
        "      - key: system.username\n"
        "        value: me\n"
        "sla:\n"
        "  - id: slow\n"
        "    type: MAX_DURATION\n"
        "    behavior: FAIL\n"
        "    duration: PT1H\n"
        "    labels:\n"
        "      system.app: x\n"
        "triggers:\n"
        "  - id: daily\n"
        f"    type: {SCHEDULE}\n"
        "    cron: '@daily'\n"
        "    labels:\n"
        "      system.readOnly: 'true'\n"
        "  - id: after\n"
        "    type: io.kestra.plugin.core.trigger.Flow\n"
        "    conditions:\n"
        "      - type: io.kestra.plugin.core.condition.ExecutionLabels\n"
        "        labels:\n"
        "          system.from: y\n"
    )
    assert [(d.span.line, d.message.split(" is reserved")[0]) for d in check(text, "FL607")] == [
        (9, "label 'system.correlationId' of Subflow task 'child'"),
        (16, "label 'system.username' of ForEachItem task 'each'"),
        (24, "label 'system.app' of SLA 'slow'"),
        (30, "label 'system.readOnly' of trigger 'daily'"),
        (36, "label 'system.from' of an ExecutionLabels condition"),
    ]


def test_system_labels_are_checked_from_kestra_0_20() -> None:
    text = HEAD + "labels:\n  system.team: data\n" + LOG
    assert [d.span.line for d in check(text, "FL607", target="0.20")] == [4]
    assert check(text, "FL607", target="0.19") == []


# FL610 ----------------------------------------------------------------------------------------------

INPUT = "inputs:\n  - id: server-fqn\n    type: STRING\n    defaults: db\n"


def log(message: str, task_id: str = "log", extra: str = "") -> str:
    return f"  - id: {task_id}\n    type: io.kestra.plugin.core.log.Log\n    message: {message}\n{extra}"


def test_a_dashed_input_read_with_a_dot_is_reported_at_the_reference() -> None:
    text = HEAD + INPUT + "tasks:\n" + log('"Host: {{inputs.server-fqn}}"')
    d = only(check(text, "FL610"), "FL610")
    assert where(d) == (10, 23, 10, 40)
    assert text.splitlines()[9][22:39] == "inputs.server-fqn"
    assert d.message == (
        "`inputs.server-fqn` is read by Pebble as `inputs.server` minus `fqn`: Kestra 1.3 rejects the flow "
        "(Invalid input reference: use inputs[key-name] instead of inputs.key-name — keys with dashes require "
        "bracket notation)"
    )
    assert d.help == "write `inputs['server-fqn']`"
    assert d.yaml_path == "tasks[0].message"


def test_only_the_forms_kestras_check_matches_are_fl610() -> None:
    text = (
        HEAD
        + INPUT
        + "tasks:\n"
        + log(
            "|\n      {{ inputs.server-fqn | upper }} {{ inputs['server-fqn'] }}\n      {{ inputs.server-fqn }}",
            extra='    runIf: "{{ inputs.server-fqn }}"\n',
        )
    )
    assert summary(check(text, "FL610")) == [
        (
            12,
            10,
            12,
            27,
            "`inputs.server-fqn` is read by Pebble as `inputs.server` minus `fqn`: Kestra 1.3 rejects the flow "
            "(Invalid input reference: use inputs[key-name] instead of inputs.key-name — keys with dashes require "
            "bracket notation)",
        )
    ]


def test_dashed_task_ids_in_tasks_and_flow_outputs_are_fl610_and_fl301_keeps_the_others() -> None:
    text = (
        HEAD
        + "tasks:\n"
        + log("x", "fetch-data")
        + log(
            "\"{{ outputs.fetch-data.value | upper }} {{ 'v' ~ outputs.fetch-data.value }}\"",
            extra='    runIf: "{{ outputs.fetch-data.value }}"\n',
        )
    )
    text += 'outputs:\n  - id: result\n    type: STRING\n    value: "{{ outputs.fetch-data.value }}"\n'
    found = lint(text, select=["FL301", "FL610"], dedent=False)
    assert [(d.code, *where(d)[:2]) for d in found] == [
        ("FL610", 9, 18),
        ("FL301", 9, 71),
        ("FL301", 10, 24),
        ("FL610", 14, 16),
    ]
    assert found[0].message.startswith("`outputs.fetch-data` is read by Pebble as `outputs.fetch` minus `data`: ")
    assert "Invalid output reference: use outputs[key-name] instead of outputs.key-name" in found[0].message
    assert found[0].help == "write `outputs['fetch-data']`"
    assert found[1].message == (
        "`outputs.fetch-data` is read by Pebble as `outputs.fetch` minus `data`: no task has the id 'fetch'"
    )


def test_before_kestra_1_0_or_with_fl610_off_fl301_reports_the_dashed_task_id() -> None:
    text = HEAD + "tasks:\n" + log("x", "fetch-data") + log('"{{ outputs.fetch-data.value }}"')
    old = lint(text, select=["FL301", "FL610"], dedent=False, config=settings(target="0.24"))
    assert [(d.code, *where(d)[:2]) for d in old] == [("FL301", 9, 26)]
    assert [d.code for d in lint(text, select=["FL301"], dedent=False)] == ["FL301"]
    assert [d.code for d in lint(text, select=["FL301", "FL610"], dedent=False)] == ["FL610"]


def test_triggers_and_dashless_ids_are_not_read() -> None:
    text = (
        HEAD
        + INPUT
        + "tasks:\n"
        + log('"{{ inputs.server }} {{ outputs.log.value }}"')
        + (
            "triggers:\n"
            "  - id: t\n"
            f"    type: {SCHEDULE}\n"
            "    cron: '@daily'\n"
            "    inputs:\n"
            "      x: '{{ inputs.server-fqn }}'\n"
        )
    )
    assert check(text, "FL610") == []
    assert len(check(text.replace("{{ inputs.server }}", "{{ inputs.server-fqn }}"), "FL610")) == 1


# Kestra's own invalid flows -------------------------------------------------------------------------

INVALID = CORPUS / "flows-invalid" / "kestra-io+kestra"
FILES = {
    name: INVALID / f"core__src__test__resources__flows__invalids__{file}.yml"
    for name, file in (
        ("system-labels", "system-labels"),
        ("inputs-dash", "inputs-key-with-subtraction-symbol-validation"),
        ("outputs-dash", "outputs-key-with-subtraction-symbol-validation"),
    )
}


@pytest.mark.skipif(not all(path.is_file() for path in FILES.values()), reason="Kestra's invalid flows absent")
def test_kestras_invalid_flows_get_the_finding_at_the_line_for_the_versions_that_refuse_them(tmp_path: Path) -> None:
    def run(target: str) -> list[tuple[str, str, int, int]]:
        args = ["check", "--no-cache", "--format", "json", "--select", "FL605,FL607,FL610"]
        done = run_cli([*args, "--target-kestra-version", target, *map(str, FILES.values())], tmp_path)
        assert done.stderr == ""
        names = {str(path): name for name, path in FILES.items()}
        return [(names[d["path"]], d["code"], d["line"], d["column"]) for d in json.loads(done.stdout)["diagnostics"]]

    assert run("1.3") == [
        ("inputs-dash", "FL610", 12, 17),
        ("outputs-dash", "FL610", 11, 45),
        ("outputs-dash", "FL610", 16, 16),
        ("system-labels", "FL607", 5, 3),
        ("system-labels", "FL607", 6, 3),
    ]
    assert run("0.21") == [("system-labels", "FL607", 5, 3), ("system-labels", "FL607", 6, 3)]


def test_only_fields_a_core_task_class_declares_itself_are_claimed() -> None:
    tasks = (
        "tasks:\n"
        + log("x", "fetch-data")
        + "  - id: call\n    type: io.kestra.plugin.core.http.Request\n"
        + "    uri: '{{ inputs.server-fqn }}'\n    encryptBody: '{{ inputs.server-fqn }}'\n"
        + "  - id: plugin\n    type: io.kestra.plugin.scripts.shell.Commands\n"
        + "    commands:\n      - '{{ inputs.server-fqn }}'\n      - '{{ outputs.fetch-data.value }}'\n"
    )
    found = lint(HEAD + INPUT + tasks, select=["FL301", "FL610"], dedent=False)
    assert [(d.code, d.span.line, d.yaml_path) for d in found] == [
        ("FL610", 14, "tasks[1].encryptBody"),  # Request declares it; `uri` it inherits from AbstractHttp
        ("FL301", 19, "tasks[2].commands[1]"),  # no core task: Kestra's check is not claimed, Pebble's reading is
    ]
