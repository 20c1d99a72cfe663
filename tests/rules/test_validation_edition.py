"""FL608 enterprise-only and the `edition` setting (config key, `[tool.flowlint]`, `--edition`): exact positions
and messages, the Kestra versions each check applies to, and Kestra's own invalid test flow
(../shared/corpus/flows-invalid, skipped when absent)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from flowlint.diagnostics import Diagnostic, Severity
from tests.conftest import CORPUS, lint, only, run_cli, settings, where

HEAD = "id: nightly\nnamespace: company.team\n"
WORKER_GROUP_MESSAGE = (
    "{kind} '{id}' sets `workerGroup`, an Enterprise Edition feature: Kestra OSS {target} refuses it"
    " (Kestra: `Worker Group is an Enterprise Edition functionality`)"
)
LOG_WITH_WORKER_GROUP = """\
    tasks:
      - id: hello
        type: io.kestra.plugin.core.log.Log
        message: hi
        workerGroup:
          key: gpu
    """


def check(body: str, target: str = "1.3", edition: str | None = "oss") -> list[Diagnostic]:
    """Lint ``HEAD + body`` (dedented) with FL608 alone, for Kestra ``target`` and ``edition``."""
    config = settings(target=target).with_overrides(edition=edition)
    return lint(HEAD + textwrap.dedent(body), select=["FL608"], config=config, dedent=False)


def found(diagnostics: list[Diagnostic]) -> list[tuple[int, int, str, str]]:
    return [(d.span.line, d.span.column, d.yaml_path, d.message) for d in diagnostics]


# workerGroup ------------------------------------------------------------------------------------------


def test_a_task_worker_group_on_oss_at_the_key_with_kestras_message() -> None:
    d = only(check(LOG_WITH_WORKER_GROUP, target="0.21"), "FL608")
    assert where(d) == (7, 5, 7, 16)
    assert d.message == WORKER_GROUP_MESSAGE.format(kind="task", id="hello", target="0.21")
    assert d.yaml_path == "tasks[0].workerGroup"
    assert d.severity is Severity.ERROR
    assert d.help == (
        "remove it, or set `edition: ee` in the config if the flows are deployed to Kestra Enterprise Edition"
        " (Kestra OSS accepts it from 0.24)"
    )


@pytest.mark.parametrize("edition", ["ee", None])
def test_nothing_without_edition_oss(edition: str | None) -> None:
    assert check(LOG_WITH_WORKER_GROUP, target="0.21", edition=edition) == []


@pytest.mark.parametrize(("target", "reported"), [("0.9", False), ("0.10", True), ("0.23", True), ("0.24", False)])
def test_a_worker_group_is_refused_by_kestra_0_10_to_0_23(target: str, reported: bool) -> None:
    assert len(check(LOG_WITH_WORKER_GROUP, target=target)) == int(reported)
    assert check(LOG_WITH_WORKER_GROUP, target="1.3") == []


def test_a_worker_group_without_key_is_refused_up_to_kestra_0_14() -> None:
    body = "tasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    workerGroup: {}\n"
    assert [(d.span.line, d.span.column) for d in check(body, target="0.14")] == [(7, 5)]
    assert check(body, target="0.15") == []
    assert check(body.replace("{}", "{key: null}"), target="0.21") == []
    assert check(body.replace("workerGroup: {}", "workerGroup:"), target="0.14") == []


def test_worker_groups_kestra_validates_through_valid_lists_and_not_the_others() -> None:
    body = """\
    tasks:
      - id: fan_out
        type: io.kestra.plugin.core.flow.Parallel
        tasks:
          - id: in_parallel
            type: io.kestra.plugin.core.log.Log
            message: hi
            workerGroup: {key: gpu}
      - id: branch
        type: io.kestra.plugin.core.flow.If
        condition: "{{ true }}"
        then:
          - id: in_then
            type: io.kestra.plugin.core.log.Log
            message: hi
            workerGroup: {key: gpu}
      - id: route
        type: io.kestra.plugin.core.flow.Switch
        value: a
        cases:
          a:
            - id: in_case
              type: io.kestra.plugin.core.log.Log
              message: hi
              workerGroup: {key: gpu}
      - id: dag
        type: io.kestra.plugin.core.flow.Dag
        tasks:
          - task:
              id: in_dag
              type: io.kestra.plugin.core.log.Log
              message: hi
              workerGroup: {key: gpu}
      - id: custom
        type: io.example.Flowable
        tasks:
          - id: in_plugin
            type: io.kestra.plugin.core.log.Log
            message: hi
            workerGroup: {key: gpu}
    errors:
      - id: on_error
        type: io.kestra.plugin.core.log.Log
        message: failed
        workerGroup: {key: gpu}
    listeners:
      - tasks:
          - id: in_listener
            type: io.kestra.plugin.core.log.Log
            message: hi
            workerGroup: {key: gpu}
    triggers:
      - id: daily
        type: io.kestra.plugin.core.trigger.Schedule
        cron: "0 9 * * *"
        workerGroup:
          key: gpu
    """
    message = WORKER_GROUP_MESSAGE.format
    assert found(check(body, target="0.21")) == [
        (10, 9, "tasks[0].tasks[0].workerGroup", message(kind="task", id="in_parallel", target="0.21")),
        (18, 9, "tasks[1].then[0].workerGroup", message(kind="task", id="in_then", target="0.21")),
        (47, 5, "errors[0].workerGroup", message(kind="task", id="on_error", target="0.21")),
        (53, 9, "listeners[0].tasks[0].workerGroup", message(kind="task", id="in_listener", target="0.21")),
        (58, 5, "triggers[0].workerGroup", message(kind="trigger", id="daily", target="0.21")),
    ]


def test_a_flow_level_worker_group_is_never_refused() -> None:
    body = "workerGroup:\n  key: gpu\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
    for target in ("0.21", "1.3", "2.0"):
        assert check(body, target=target) == [], target


# assets, Enterprise-only inputs, quotas ---------------------------------------------------------------

ASSETS = """\
    tasks:
      - id: load
        type: io.kestra.plugin.core.log.Log
        message: hi
        assets:
          inputs: []
      - id: fan_out
        type: io.kestra.plugin.core.flow.Parallel
        tasks:
          - id: nested
            type: io.kestra.plugin.core.log.Log
            message: hi
            assets:
              enableAuto: true
          - id: no_assets
            type: io.kestra.plugin.core.log.Log
            message: hi
            assets:
    """


def assets_message(task_id: str, target: str) -> str:
    return (
        f"task '{task_id}' declares `assets`, an Enterprise Edition feature: Kestra OSS {target} refuses it (Kestra:"
        f" `Task '{task_id}' can't have any `assets` because assets are only available in Enterprise Edition.`)"
    )


def test_task_assets_from_kestra_1_2_on_every_task_then_on_top_level_tasks_from_2_0() -> None:
    assert check(ASSETS, target="1.1") == []
    assert found(check(ASSETS, target="1.2")) == [
        (7, 5, "tasks[0].assets", assets_message("load", "1.2")),
        (15, 9, "tasks[1].tasks[0].assets", assets_message("nested", "1.2")),
    ]
    assert found(check(ASSETS, target="2.0")) == [(7, 5, "tasks[0].assets", assets_message("load", "2.0"))]
    assert check(ASSETS, target="1.3", edition="ee") == []


INPUTS = """\
    inputs:
      - id: rows
        type: TABLE
        columns: []
      - id: shared
        type: REUSABLE_INPUTS
        ref: billing
      - id: environment
        type: FORM
        inputs:
          - id: region
            type: STRING
          - id: servers
            type: TABLE
            columns: []
      - id: plain
        type: STRING
    tasks:
      - id: hello
        type: io.kestra.plugin.core.log.Log
        message: hi
    """


def input_message(input_id: str, kind: str) -> str:
    return (
        f"input '{input_id}' is of type {kind}, an Enterprise Edition input type: Kestra OSS 2.0 refuses it"
        f" (Kestra: `Input '{input_id}' of type {kind} is only available in Enterprise Edition.`)"
    )


def test_enterprise_only_input_types_from_kestra_2_also_in_a_form() -> None:
    assert found(check(INPUTS, target="2.0")) == [
        (5, 11, "inputs[0].type", input_message("rows", "TABLE")),
        (8, 11, "inputs[1].type", input_message("shared", "REUSABLE_INPUTS")),
        (16, 15, "inputs[2].inputs[1].type", input_message("servers", "TABLE")),
    ]
    assert check(INPUTS, target="1.3") == []


def test_flow_quotas_from_kestra_2_when_not_empty() -> None:
    body = (
        "quotas:\n  - id: q\n    limit: 10\n"
        "tasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
    )
    assert found(check(body, target="2.0")) == [
        (
            3,
            1,
            "quotas",
            "the flow sets `quotas`, an Enterprise Edition feature: Kestra OSS 2.0 refuses it"
            " (Kestra: `Quotas are only available in Enterprise Edition.`)",
        )
    ]
    assert check(body, target="1.3") == []
    assert check(body.replace("  - id: q\n    limit: 10\n", "  []\n"), target="2.0") == []


# The edition setting: config, pyproject, --edition ----------------------------------------------------

FLOW = HEAD + textwrap.dedent(LOG_WITH_WORKER_GROUP)


def run(folder: Path, config: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Write ``config`` files and flow.yml into ``folder``, check flow.yml at Kestra 0.21 (FL608 alone)."""
    for name, text in {**config, "flow.yml": FLOW}.items():
        (folder / name).write_text(text, "utf-8")
    base = ["check", "--no-cache", "--format", "concise", "-q", "--select", "FL608", "--target-kestra-version"]
    done = run_cli([*base, "0.21", *args, "flow.yml"], folder)
    return done.returncode, done.stdout, done.stderr


REPORTED = f"flow.yml:7:5: FL608 [error] {WORKER_GROUP_MESSAGE.format(kind='task', id='hello', target='0.21')}\n"


@pytest.mark.parametrize(
    "config",
    [{".flowlint.yaml": "edition: oss\n"}, {"pyproject.toml": '[tool.flowlint]\nedition = "oss"\n'}],
    ids=["flowlint-yaml", "pyproject"],
)
def test_edition_oss_from_the_config(tmp_path: Path, config: dict[str, str]) -> None:
    assert run(tmp_path, config) == (1, REPORTED, "")


def test_the_edition_flag_wins_over_the_config(tmp_path: Path) -> None:
    assert run(tmp_path, {".flowlint.yaml": "edition: ee\n"}) == (0, "", "")
    assert run(tmp_path, {".flowlint.yaml": "edition: ee\n"}, "--edition", "oss") == (1, REPORTED, "")
    assert run(tmp_path, {".flowlint.yaml": "edition: oss\n"}, "--edition", "ee") == (0, "", "")
    assert run(tmp_path, {".flowlint.yaml": "select: [ALL]\n"}) == (0, "", "")


def test_show_settings_names_the_edition(tmp_path: Path) -> None:
    (tmp_path / ".flowlint.yaml").write_text("edition: oss\n", "utf-8")
    assert "\nedition: oss\n" in run_cli(["check", "--show-settings"], tmp_path).stdout
    (tmp_path / ".flowlint.yaml").write_text("failOn: error\n", "utf-8")
    assert "\nedition: unknown (FL608 reports nothing)\n" in run_cli(["check", "--show-settings"], tmp_path).stdout


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        (
            ".flowlint.yaml",
            "editon: oss\n",
            "$: Additional properties are not allowed ('editon' was unexpected) (did you mean 'edition'?)",
        ),
        (
            "pyproject.toml",
            '[tool.flowlint]\nEdition = "oss"\n',
            "$: Additional properties are not allowed ('Edition' was unexpected) (did you mean 'edition'?)",
        ),
        (".flowlint.yaml", "edition: OSS\n", "$.edition: 'OSS' is not one of ['oss', 'ee']"),
    ],
)
def test_a_bad_edition_is_exit_2_naming_the_file_and_the_key(tmp_path: Path, name: str, text: str, reason: str) -> None:
    code, stdout, stderr = run(tmp_path, {name: text})
    assert (code, stdout) == (2, "")
    assert stderr == f"flowlint: error: config {tmp_path / name}: {reason}\n"


def test_a_bad_edition_flag_is_exit_2(tmp_path: Path) -> None:
    code, stdout, stderr = run(tmp_path, {}, "--edition", "enterprise")
    assert (code, stdout) == (2, "")
    assert "Invalid value for '--edition': 'enterprise' is not one of 'oss', 'ee'." in stderr


# Kestra's own invalid test flow -----------------------------------------------------------------------

WORKER_GROUP_FLOW = (
    CORPUS / "flows-invalid" / "kestra-io+kestra" / "core__src__test__resources__flows__invalids__worker-group.yml"
)


@pytest.mark.skipif(not WORKER_GROUP_FLOW.is_file(), reason="Kestra's invalid flows absent")
@pytest.mark.parametrize(("target", "expected"), [("0.21", [("FL608", 8, 5, 8, 16)]), ("1.3", [])])
def test_kestras_worker_group_flow_is_refused_by_kestra_oss_up_to_0_23(
    tmp_path: Path, target: str, expected: list[tuple[str, int, int, int, int]]
) -> None:
    args = ["check", "--no-cache", "--format", "json", "--edition", "oss", "--target-kestra-version", target]
    done = run_cli([*args, "--select", "FL6", str(WORKER_GROUP_FLOW)], tmp_path)
    assert done.returncode == (1 if expected else 0), done.stderr
    diagnostics = json.loads(done.stdout)["diagnostics"]
    assert [(d["code"], d["line"], d["column"], d["endLine"], d["endColumn"]) for d in diagnostics] == expected
