"""Policy rules FL201-FL204, against STANDARD_MANIFEST.

STANDARD_MANIFEST: shell Script 0.20.0/0.21.0, postgres Query 0.19.0/1.2.1/1.2.3 (CopyIn from 1.2.1),
docker runner 1.0.0/1.1.0-rc1/1.1.0, core 1.3.0.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from flowlint.diagnostics import Severity
from flowlint.rules import RULES_BY_CODE
from flowlint.rules.policy import namespace_matches
from tests.conftest import STANDARD_MANIFEST, codes, lint, of, only, settings, where

SCRIPT = "io.kestra.plugin.scripts.shell.Script"
QUERY = "io.kestra.plugin.jdbc.postgresql.Query"
DOCKER = "io.kestra.plugin.scripts.runner.docker.Docker"
POSTGRES = "io.kestra.plugin:plugin-jdbc-postgres"


def flow(body: str, namespace: str = "company.team") -> str:
    return f"id: hello\nnamespace: {namespace}\ntasks:\n{body}"


def task(type_: str, version: str | None = None, task_id: str = "a") -> str:
    text = f"  - id: {task_id}\n    type: {type_}\n"
    return text + (f"    version: {version}\n" if version is not None else "")


# namespace patterns -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "namespace", "expected"),
    [
        ("prod.**", "prod", True),
        ("prod.**", "prod.sales", True),
        ("prod.**", "prod.sales.eu", True),
        ("prod.**", "production", False),
        ("prod.**", "dev.prod", False),
        ("prod.*", "prod.sales", True),
        ("prod.*", "prod.sales.eu", False),
        ("prod.*", "prod", False),
        ("*.sales", "prod.sales", True),
        ("**.sales", "a.b.sales", True),
        ("**.sales", "sales", True),
        ("prod.team*", "prod.team-a", True),
        ("prod", "prod", True),
        ("prod", "prod.sales", False),
        ("**", "anything.at.all", True),
    ],
)
def test_namespace_pattern_star_is_one_segment_and_double_star_any_number(
    pattern: str, namespace: str, expected: bool
) -> None:
    assert namespace_matches([pattern], namespace) is expected


# FL201 floating-version ---------------------------------------------------------------------------


def test_fl201_is_off_by_default() -> None:
    assert not RULES_BY_CODE["FL201"].enabled_by_default
    assert "FL201" not in codes(lint(flow(task(QUERY, "LATEST"))))


def test_fl201_keywords_and_partial_versions_of_the_plugin() -> None:
    text = flow(task(QUERY, "LATEST") + task(QUERY, '"1.2"', "b") + task(QUERY, "oldest", "c"))
    found = of(lint(text, select=["FL201"]), "FL201")
    assert [where(d)[:2] for d in found] == [(6, 14), (9, 14), (12, 14)]
    first = found[0]
    assert first.severity is Severity.WARNING
    assert first.message == (
        f"version LATEST is a keyword: {POSTGRES} runs 1.2.3 today, another version when the installed plugins change"
    )
    assert first.yaml_path == "tasks[0].version"
    assert first.fix is not None and first.fix.safe
    assert [e.replacement for e in first.fix.edits] == ['"1.2.3"']
    assert "a partial version" in found[1].message
    assert "runs 0.19.0 today" in found[2].message


def test_fl201_versions_from_the_instance_and_from_defaults() -> None:
    config = settings(namespaces={"company": [(SCRIPT, "0.20", False)]})
    text = flow(task(QUERY) + task(SCRIPT, task_id="b"))
    first, second = of(lint(text, select=["FL201"], config=config), "FL201")
    assert where(first)[:2] == (5, 11)
    assert first.message == (
        f"{QUERY} has no pinned version: the instance default version LATEST (test config) decides; "
        f"it runs {POSTGRES} 1.2.3 today"
    )
    assert first.fix is not None and first.fix.edits[0].replacement == '\n    version: "1.2.3"'
    assert second.message == (
        f"{SCRIPT} has no pinned version: the namespace company plugin default for {SCRIPT} (test config) sets 0.20; "
        "it runs io.kestra.plugin:plugin-script-shell 0.20.0 today"
    )


def test_fl201_exact_pins_of_the_plugin_the_flow_or_a_forced_default_are_not_floating() -> None:
    pinned = task(QUERY, '"1.2.1"') + task(SCRIPT, task_id="b")
    text = (
        "id: hello\nnamespace: company.team\n"
        f'pluginDefaults:\n  - type: {SCRIPT}\n    values:\n      version: "0.20.0"\n'
        f"tasks:\n{pinned}"
        "  - id: c\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
    )
    assert of(lint(text, select=["FL201"]), "FL201") == []
    forced = settings(global_defaults=[(QUERY, "1.2.1", True)])
    assert of(lint(flow(task(QUERY)), select=["FL201"], config=forced), "FL201") == []
    partial_flow_default = text.replace('version: "0.20.0"', 'version: "0.20"')
    d = only(lint(partial_flow_default, select=["FL201"]), "FL201")
    assert "the flow's pluginDefaults[0]" in d.message
    assert [r.message for r in d.related] == ["the default that decides"]


def test_fl201_namespaces_option_limits_it_to_matching_flows() -> None:
    config = replace(settings(), rule_options={"FL201": {"namespaces": ["prod.**"]}})
    assert of(lint(flow(task(QUERY), "prod.sales"), select=["FL201"], config=config), "FL201")
    assert of(lint(flow(task(QUERY), "prod"), select=["FL201"], config=config), "FL201")
    assert not of(lint(flow(task(QUERY), "company.team"), select=["FL201"], config=config), "FL201")
    one = replace(settings(), rule_options={"FL201": {"namespaces": ["company.*"]}})
    assert of(lint(flow(task(QUERY)), select=["FL201"], config=one), "FL201")


def test_fl201_skips_what_does_not_resolve_and_conditions() -> None:
    text = flow(task(QUERY, '"1.2"') + task(QUERY, '"9.9"', "b"))
    assert len(of(lint(text, select=["FL201"]), "FL201")) == 1


# FL202 newer-version-available --------------------------------------------------------------------


def test_fl202_a_pin_below_the_newest_installed_release() -> None:
    text = flow(task(QUERY, '"1.2.1"') + task(QUERY, '"1.2.3"', "b") + task(QUERY, "LATEST", "c"))
    d = only(lint(text, select=["FL202"]), "FL202")
    assert where(d) == (6, 14, 6, 21)
    assert d.severity is Severity.INFO
    assert d.message == f"{POSTGRES} is pinned to 1.2.1; 1.2.3 is the newest installed version with Query"
    assert d.fix is not None and not d.fix.safe and d.fix.edits[0].replacement == '"1.2.3"'


def test_fl202_only_versions_that_have_the_type_and_releases_over_pre_releases() -> None:
    data = copy.deepcopy(STANDARD_MANIFEST)
    postgres = next(p for p in data["plugins"] if p["artifactId"] == "plugin-jdbc-postgres")
    postgres["versions"].append({"version": "2.0.0", "tasks": ["io.kestra.plugin.jdbc.postgresql.CopyIn"]})
    postgres["versions"].append({"version": "1.3.0-rc1", "tasks": [QUERY]})
    assert of(lint(flow(task(QUERY, '"1.2.3"')), select=["FL202"], manifest_data=data), "FL202") == []
    runner = "  - id: a\n    type: " + SCRIPT + '\n    version: "0.21.0"\n    taskRunner:\n      type: ' + DOCKER + "\n"
    rc = runner + '      version: "1.1.0-rc1"\n'
    d = only(lint(flow(rc), select=["FL202"]), "FL202")
    assert "1.1.0 is the newest" in d.message
    assert of(lint(flow(runner + '      version: "1.1.0"\n'), select=["FL202"]), "FL202") == []


# FL203 mixed-versions -----------------------------------------------------------------------------


def test_fl203_one_plugin_with_several_versions_in_a_flow() -> None:
    text = flow(
        task(QUERY, '"1.2.1"') + task(QUERY, '"1.2.3"', "b") + task(QUERY, task_id="c") + task(SCRIPT, task_id="d")
    )
    assert "FL203" not in codes(lint(text))
    found = of(lint(text, select=["FL203"]), "FL203")
    assert [d.span.line for d in found] == [5, 8, 11]
    assert found[0].severity is Severity.INFO
    assert found[0].message == f"{POSTGRES} runs with 2 versions in this flow (1.2.1, 1.2.3): 1.2.1 here"
    assert [r.message for r in found[0].related] == ["1.2.3 at tasks[1]"]
    assert not of(lint(flow(task(QUERY, '"1.2.3"') + task(QUERY, task_id="b")), select=["FL203"]), "FL203")


# FL204 conflicting-defaults -----------------------------------------------------------------------


def test_fl204_two_flow_defaults_that_both_cover_a_type() -> None:
    text = (
        "id: hello\nnamespace: company.team\npluginDefaults:\n"
        '  - type: io.kestra.plugin.jdbc\n    values:\n      version: "1.2.1"\n'
        f'  - type: {QUERY}\n    values:\n      version: "1.2.3"\n'
        f'  - type: {SCRIPT}\n    values:\n      version: "0.20.0"\n'
        f"tasks:\n{task(QUERY)}"
    )
    d = only(lint(text), "FL204")
    assert d.severity is Severity.WARNING
    assert where(d)[:2] == (9, 16)
    assert d.message == (
        f"pluginDefaults[1] ({QUERY}: 1.2.3) and pluginDefaults[0] (io.kestra.plugin.jdbc: 1.2.1) both apply to "
        f"{QUERY} with different versions: pluginDefaults[0] comes first and decides"
    )
    assert d.yaml_path == "pluginDefaults[1].values.version"
    assert [(r.span.line, r.message) for r in d.related] == [(6, "pluginDefaults[0] decides")]
    same = text.replace('"1.2.3"', '"1.2.1"')
    assert "FL204" not in codes(lint(same))
    assert "FL204" not in codes(lint(text, config=settings(target="2.0")))


def test_fl204_configured_defaults_of_one_level() -> None:
    config = settings(
        namespaces={
            "company": [("io.kestra.plugin.jdbc", "1.2.1", False), (QUERY, "1.2.3", False)],
            "company.team": [(SCRIPT, "0.20.0", False)],
        },
        global_defaults=[(SCRIPT, "0.21.0", False)],
    )
    d = only(lint(flow(task(QUERY) + task(QUERY, task_id="b") + task(SCRIPT, task_id="c")), config=config), "FL204")
    assert where(d)[:2] == (5, 11)
    assert d.message == (
        f"two namespace company plugin defaults apply to {QUERY} with different versions: io.kestra.plugin.jdbc "
        f"(1.2.1) and {QUERY} (1.2.3), in test config; the first decides"
    )
