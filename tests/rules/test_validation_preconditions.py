"""Validation rule FL611 invalid-precondition: a Flow trigger's `where` filters, time window, preconditions ids
and (2.0) `mode`, with exact positions and Kestra's messages, what Kestra accepts, the Kestra versions each
check applies from, and Kestra's own invalid flow (../shared/corpus/flows-invalid)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowlint.diagnostics import Diagnostic, Severity
from tests.conftest import CORPUS, lint, of, only, run_cli, settings, where

HEAD = (
    "id: hello\nnamespace: company.team\n"
    "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
    "triggers:\n"
)
FLOW = "io.kestra.plugin.core.trigger.Flow"


def trigger(body: str, trigger_id: str = "after") -> str:
    """One Flow trigger (line 8 is its `- id:`), ``body`` indented under it."""
    lines = "".join(f"    {line}\n" for line in body.strip("\n").split("\n"))
    return f"  - id: {trigger_id}\n    type: {FLOW}\n{lines}"


def filters(*items: str) -> str:
    """Preconditions `where` with one entry `prod` whose filters are ``items``, each written `key: v; key: v`
    (the first filter starts on line 15, its second key on line 16)."""
    rendered = ""
    for item in items:
        first, *rest = (part.strip() for part in item.split(";"))
        rendered += f"        - {first}\n" + "".join(f"          {key}\n" for key in rest)
    return trigger("preconditions:\n  id: done\n  where:\n    - id: prod\n      filters:\n" + rendered)


BAD_TRIGGER = trigger(
    "preconditions:\n  id: other\n  where:\n    - id: w\n      filters:\n        - field: STATE\n          type: IN\n"
    "          value: A\n",
    "known_bad",
)
"""A Flow trigger FL611 reports (at ``BAD_PATH``): a flow judged clean otherwise reports it alone."""
BAD_PATH = "triggers[{}].preconditions.where[0].filters[0].value"


def paths(found: list[Diagnostic]) -> list[str]:
    return [d.yaml_path for d in found]


def check(text: str, target: str = "1.3") -> list[Diagnostic]:
    return of(lint(text, select=["FL611"], dedent=False, config=settings(target=target)), "FL611")


def summary(found: list[Diagnostic]) -> list[tuple[int, int, str]]:
    return [(d.span.line, d.span.column, d.message) for d in found]


# `where` filters ----------------------------------------------------------------------------------------


def test_in_with_a_value_is_reported_at_the_value_key_with_kestras_message() -> None:
    flow = HEAD + filters("field: NAMESPACE; type: IN; value: company.prod")
    d = only(check(flow), "FL611")
    assert where(d) == (17, 15, 17, 20)
    assert d.message == (
        "filter 1 of `where` 'prod' of Flow trigger 'after' has `type: IN` and a `value`: Kestra 1.3 rejects it "
        "(`value` must be null for type IN)"
    )
    assert d.severity is Severity.ERROR
    assert d.yaml_path == "triggers[0].preconditions.where[0].filters[0].value"
    assert d.help == "`IN` takes a list: write `values: [...]` instead of `value`"


@pytest.mark.parametrize(
    ("item", "line", "column", "kestra", "said"),
    [
        ("field: STATE; type: EQUAL_TO", 16, 21, "`value` cannot be null for type EQUAL_TO", "but no `value`"),
        ("field: FLOW_ID; type: IS_NULL", 16, 21, "`value` cannot be null for type IS_NULL", "but no `value`"),
        ("field: STATE; type: CONTAINS; value: null", 16, 21, "`value` cannot be null for type CONTAINS",
         "but no `value`"),
        ("field: STATE; type: NOT_IN", 16, 21, "`values` cannot be null for type NOT_IN", "but no `values`"),
        ("field: STATE; type: REGEX; value: 'S.*'; values: [A]", 18, 15, "`values` must be null for type REGEX",
         "and `values`"),
        ("field: STATE; type: NOT_IN; value: A; values: [A]", 17, 15, "`value` must be null for type NOT_IN",
         "and a `value`"),
    ],
)  # fmt: skip
def test_each_filter_type_takes_value_or_values_as_kestra_says(
    item: str, line: int, column: int, kestra: str, said: str
) -> None:
    d = only(check(HEAD + filters(item)), "FL611")
    type_name = item.split("type: ")[1].split(";")[0]
    assert (d.span.line, d.span.column) == (line, column)
    assert d.message == (
        f"filter 1 of `where` 'prod' of Flow trigger 'after' has `type: {type_name}` {said}: Kestra 1.3 rejects "
        f"it ({kestra})"
    )


def test_filters_kestra_accepts_and_ones_it_cannot_parse_are_not_reported() -> None:
    flow = HEAD + filters(
        "field: STATE; type: IN; values: [SUCCESS, WARNING]",
        "field: STATE; type: NOT_IN; values: []",
        "field: FLOW_ID; type: IS_NOT_NULL; value: x",
        'field: EXPRESSION; type: IS_TRUE; value: "{{ trigger.outputs.ok }}"',
        "field: STATE; type: EQUAL_TO; value: 1",
        "field: STATE; type: SOMETHING",  # an unknown type: the parser's refusal, not this validator's
        "field: STATE",  # no type: a required property (FL502)
        "field: STATE; type: IN; values: SUCCESS",  # not a list: the parser refuses it first
    )
    assert paths(check(flow + BAD_TRIGGER)) == [BAD_PATH.format(1)]


def test_a_filter_in_a_second_where_without_id_is_named_by_position() -> None:
    flow = HEAD + trigger(
        "preconditions:\n  id: done\n  where:\n    - id: ok\n      filters:\n"
        "        - field: STATE\n          type: IN\n          values: [SUCCESS]\n"
        "    - operand: OR\n      filters:\n        - field: STATE\n          type: IN\n"
        "        - field: STATE\n          type: EQUAL_TO\n          value: FAILED\n"
    )
    assert summary(check(flow)) == [
        (21, 21, "filter 1 of `where` entry 2 of Flow trigger 'after' has `type: IN` but no `values`: Kestra 1.3 "
         "rejects it (`values` cannot be null for type IN)"),
    ]  # fmt: skip


# timeWindow ---------------------------------------------------------------------------------------------


def window(body: str) -> str:
    """Preconditions with ``body`` as the time window (its first line is line 13) and one upstream flow."""
    lines = "".join(f"    {line}\n" for line in body.strip("\n").split("\n"))
    return HEAD + trigger(
        f"preconditions:\n  id: done\n  timeWindow:\n{lines}  flows:\n    - namespace: company.team\n"
        "      flowId: etl\n"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("type: DAILY_TIME_DEADLINE\nwindow: PT1H\nendTime: '10:00:00'",
         [(14, 9, "DAILY_TIME_DEADLINE", "and has `window`", "cannot have a window."),
          (15, 9, "DAILY_TIME_DEADLINE", "and has `endTime`", "cannot have an end time.")]),
        ("type: DAILY_TIME_DEADLINE",
         [(13, 15, "DAILY_TIME_DEADLINE", "without `deadline`", "must have a deadline.")]),
        ("type: DAILY_TIME_WINDOW",
         [(13, 15, "DAILY_TIME_WINDOW", "without `endTime`", "must have an end time."),
          (13, 15, "DAILY_TIME_WINDOW", "without `startTime`", "must have a start time.")]),
        ("type: DAILY_TIME_WINDOW\nstartTime: '08:00:00'\nendTime: '18:00:00'\ndeadline: '12:00:00'",
         [(16, 9, "DAILY_TIME_WINDOW", "and has `deadline`", "cannot have a deadline.")]),
        ("type: DURATION_WINDOW\nwindow: PT1H\nstartTime: '08:00:00'",
         [(15, 9, "DURATION_WINDOW", "and has `startTime`", "cannot have a start time.")]),
        ("window: PT1H\ndeadline: '08:00:00'",
         [(14, 9, "DURATION_WINDOW", "and has `deadline`", "cannot have a deadline.")]),
        ("type: SLIDING_WINDOW\nwindow: PT1H\nwindowAdvance: PT5M",
         [(15, 9, "SLIDING_WINDOW", "and has `windowAdvance`", "cannot have a window advance.")]),
    ],
)  # fmt: skip
def test_each_window_type_refuses_and_requires_the_fields_kestra_says(
    body: str, expected: list[tuple[int, int, str, str, str]]
) -> None:
    assert summary(check(window(body))) == [
        (line, column, f"the time window of Flow trigger 'after' is of type `{kind}` {said}: Kestra 1.3 rejects it "
         f"(Time window of type `{kind}` {kestra})")
        for line, column, kind, said, kestra in expected
    ]  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        "type: DAILY_TIME_DEADLINE\ndeadline: '09:00:00'",
        "type: DAILY_TIME_WINDOW\nstartTime: '08:00:00'\nendTime: '18:00:00'",
        "type: DURATION_WINDOW\nwindow: PT6H\nwindowAdvance: PT3H",
        "type: SLIDING_WINDOW\nwindow: PT1H\nwindowAdvance: null",
        "window: PT1H",
        "type: HOURLY\ndeadline: '09:00:00'",  # an unknown type: the parser's refusal
        # Kestra checks a deadline on a daily window only alongside a start time: what it says without one
        # is not known, so nothing is claimed
        "type: DAILY_TIME_WINDOW\ndeadline: '09:00:00'\nendTime: '18:00:00'",
    ],
)
def test_windows_kestra_accepts_or_flowlint_cannot_know_are_not_reported(body: str) -> None:
    assert paths(check(window(body) + BAD_TRIGGER)) == [BAD_PATH.format(1)]


# duplicate preconditions ids ----------------------------------------------------------------------------


def twins(second_id: str = "flows") -> str:
    upstream = "  flows:\n    - namespace: company.team\n      flowId: etl\n"
    return (
        HEAD
        + trigger(f"preconditions:\n  id: flows\n{upstream}", "on_success")
        + trigger(f"preconditions:\n  id: {second_id}\n{upstream}", "on_failure")
    )


def test_two_flow_triggers_sharing_a_preconditions_id_are_reported_at_the_second() -> None:
    d = only(check(twins()), "FL611")
    assert where(d) == (18, 11, 18, 16)
    assert d.message == (
        "the preconditions of Flow trigger 'on_failure' have the id 'flows', as those of Flow trigger "
        "'on_success': Kestra 1.3 rejects two Flow triggers whose preconditions share an id"
    )
    assert [(r.span.line, r.span.column, r.message) for r in d.related] == [
        (11, 11, "the first preconditions with this id")
    ]
    assert paths(check(twins("flows_failed") + BAD_TRIGGER)) == [BAD_PATH.format(2)]


# target versions ----------------------------------------------------------------------------------------


def test_each_check_applies_from_the_version_that_introduced_it_until_preconditions_went_away() -> None:
    bad_filter = HEAD + filters("field: STATE; type: IN; value: A")
    bad_window = window("type: DAILY_TIME_DEADLINE")
    assert check(bad_filter, "0.19") == [] and check(bad_window, "0.19") == []
    assert len(check(bad_filter, "0.20")) == 1 and len(check(bad_window, "0.20.0")) == 1
    assert len(check(bad_filter, "1.3")) == 1 and len(check(bad_window, "1.3")) == 1
    assert check(bad_filter, "2.0") == [] and check(bad_window, "2.0") == []  # preconditions removed
    assert check(twins(), "1.1") == [] and check(twins(), "0.21") == []
    assert len(check(twins(), "1.2")) == 1
    assert check(twins(), "2.0") == []


# mode (2.0) ---------------------------------------------------------------------------------------------


def test_at_least_without_min_satisfied_is_reported_from_2_0() -> None:
    depends = "dependsOn:\n  - namespace: company.team\n    flowId: a\n  - namespace: company.team\n    flowId: b\n"
    flow = HEAD + trigger(depends + "mode: AT_LEAST")
    d = only(check(flow, "2.0"), "FL611")
    assert where(d) == (15, 11, 15, 19)
    assert d.message == (
        "Flow trigger 'after' has `mode: AT_LEAST` without `minSatisfied`: Kestra 2.0 rejects it "
        "(`minSatisfied` must be set when mode is AT_LEAST)"
    )
    assert check(flow, "1.3") == []
    too_many = only(check(HEAD + trigger(depends + "mode: AT_LEAST\nminSatisfied: 3"), "2.0"), "FL611")
    assert (too_many.span.line, too_many.span.column) == (16, 19)
    assert too_many.message == (
        "Flow trigger 'after' wants 3 of its 2 `dependsOn` entries met: Kestra 2.0 rejects it "
        "(`minSatisfied` cannot be greater than the number of `dependsOn` conditions (2))"
    )
    assert check(HEAD + trigger(depends + "mode: AT_LEAST\nminSatisfied: 2"), "2.0") == []
    assert check(HEAD + trigger(depends + "mode: ANY"), "2.0") == []
    assert check(HEAD + trigger(depends + 'mode: AT_LEAST\nminSatisfied: "{{ vars.n }}"'), "2.0") == []


# Kestra's invalid flow ----------------------------------------------------------------------------------

DUPLICATE = (
    CORPUS
    / "flows-invalid"
    / "kestra-io+kestra"
    / "core__src__test__resources__flows__invalids__duplicate-preconditions.yml"
)


@pytest.mark.skipif(not DUPLICATE.is_file(), reason="Kestra's invalid flows absent")
def test_kestras_duplicate_preconditions_flow_is_reported_for_the_versions_that_refuse_it(tmp_path: Path) -> None:
    def run(target: str) -> tuple[int, list[tuple[str, int, int]]]:
        args = ["check", "--no-cache", "--format", "json", "--select", "FL611", "--target-kestra-version", target]
        done = run_cli([*args, str(DUPLICATE)], tmp_path)
        assert done.stderr == ""
        found = json.loads(done.stdout)["diagnostics"]
        return done.returncode, [(d["code"], d["line"], d["column"]) for d in found]

    assert run("1.3") == (1, [("FL611", 22, 11)])
    assert run("0.21") == (0, [])
