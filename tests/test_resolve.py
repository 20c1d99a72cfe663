"""Version resolution as a user sees it (SEMANTICS §2-§4): what each plugin use resolves to, and the
exact finding (code, place, message, help) when it does not.

Two views: ``lint`` runs the whole pipeline on YAML text and returns the diagnostics; ``resolve``
runs ``flowlint.resolve.Resolver`` on one flow and answers "which version did it pick, and from which
level". Expected values come from SEMANTICS.md, not from the implementation.
"""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from flowlint.config import Settings
from flowlint.diagnostics import Diagnostic, Severity
from flowlint.flow import read_flow
from flowlint.resolve import Resolution, Resolver, Status
from flowlint.source import parse
from tests.conftest import STANDARD_MANIFEST, codes, lint, manifest, settings

SHELL = "io.kestra.plugin.scripts.shell.Script"
QUERY = "io.kestra.plugin.jdbc.postgresql.Query"
COPY_IN = "io.kestra.plugin.jdbc.postgresql.CopyIn"
DOCKER = "io.kestra.plugin.scripts.runner.docker.Docker"
LOG = "io.kestra.plugin.core.log.Log"

SHELL_PLUGIN = "io.kestra.plugin:plugin-script-shell"
POSTGRES_PLUGIN = "io.kestra.plugin:plugin-jdbc-postgres"
POSTGRES_INSTALLED = "installed: 0.19.0, 1.2.1, 1.2.3"

VERSION_FINDINGS = ("FL101", "FL102", "FL103", "FL104", "FL105", "FL106", "FL107", "FL108", "FL109", "FL110")


# --- helpers ------------------------------------------------------------------------------------------


def resolve(
    text: str, *, manifest_data: Mapping[str, Any] | None = None, config: Settings | None = None
) -> list[Resolution]:
    """Resolve every plugin use of the flow in ``text`` (dedented), in document order."""
    source = parse("flow.yml", textwrap.dedent(text))
    assert source.error is None, source.error
    document = source.documents[0]
    flow = read_flow(document, 0)  # type: ignore[arg-type]
    return Resolver(flow, config or settings(), manifest(manifest_data)).resolve_all()


def picked(
    text: str, *, manifest_data: Mapping[str, Any] | None = None, config: Settings | None = None, index: int = 0
) -> tuple[Status, str | None, str | None]:
    """(status, origin level, selected version) of the ``index``-th use of the flow."""
    resolution = resolve(text, manifest_data=manifest_data, config=config)[index]
    level = resolution.origin.level if resolution.origin else None
    version = resolution.version.text if resolution.version else None
    return resolution.status, level, version


def task(type_name: str, version: str | None = None, *, namespace: str = "company.team", extra: str = "") -> str:
    """A flow with one task ``t`` of ``type_name``; ``version`` is inserted verbatim (quote it yourself).

    Lines: 4 is ``- id: t``, 5 is ``type`` (value at column 11), 6 is ``version`` (value at column 14).
    """
    lines = ["id: f", f"namespace: {namespace}", "tasks:", "  - id: t", f"    type: {type_name}"]
    if version is not None:
        lines.append(f"    version: {version}")
    return "\n".join(lines) + "\n" + extra


def only(diagnostics: Sequence[Diagnostic], code: str) -> Diagnostic:
    """The single finding with ``code``."""
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [(d.code, d.message) for d in diagnostics]
    return found[0]


def at(diagnostic: Diagnostic) -> tuple[int, int, int, int]:
    span = diagnostic.span
    return (span.line, span.column, span.end_line, span.end_column)


def versions_findings(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code in VERSION_FINDINGS]


def plugin(artifact: str, versions: Sequence[tuple[str, Sequence[str]]], group: str = "io.example") -> dict[str, Any]:
    """A manifest plugin entry whose versions list (version, tasks)."""
    return {
        "groupId": group,
        "artifactId": artifact,
        "versions": [{"version": v, "tasks": list(types)} for v, types in versions],
    }


def manifest_with(*plugins: Mapping[str, Any]) -> dict[str, Any]:
    return {"manifestVersion": 1, "source": "test", "plugins": list(plugins)}


def standard_without(artifact: str, version: str) -> dict[str, Any]:
    """STANDARD_MANIFEST with one installed version removed."""
    data = copy.deepcopy(STANDARD_MANIFEST)
    for entry in data["plugins"]:
        if entry["artifactId"] == artifact:
            entry["versions"] = [v for v in entry["versions"] if v["version"] != version]
    return data


# --- the seed example from Kestra's documentation ------------------------------------------------------

SEED = """\
id: myflow
namespace: company.team

tasks:
  - id: script
    type: io.kestra.plugin.scripts.shell.Script
    version: "0.21.0"
    script: echo "Hello from version 0.21.0"
"""


def test_seed_example_resolves_when_the_version_is_installed() -> None:
    assert lint(SEED) == []
    assert picked(SEED) == (Status.RESOLVED, "plugin", "0.21.0")


def test_seed_example_reports_fl102_when_the_version_is_missing() -> None:
    data = standard_without("plugin-script-shell", "0.21.0")
    diagnostic = only(lint(SEED, manifest_data=data), "FL102")
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.message == f"version 0.21.0 of {SHELL_PLUGIN} is not installed (installed: 0.20.0)"
    assert diagnostic.help == "did you mean 0.20.0?"
    assert at(diagnostic) == (7, 14, 7, 22)  # the value "0.21.0", quotes included
    assert diagnostic.yaml_path == "tasks[0].version"
    assert diagnostic.related == ()
    assert codes(lint(SEED, manifest_data=data)) == ["FL102"]
    assert picked(SEED, manifest_data=data)[0] is Status.NOT_INSTALLED


# --- FL102: message, help, location --------------------------------------------------------------------


def test_fl102_full_version_not_installed_suggests_the_closest() -> None:
    diagnostics = lint(task(QUERY, '"1.2.0"'))
    assert codes(diagnostics) == ["FL102"]
    diagnostic = diagnostics[0]
    assert diagnostic.message == f"version 1.2.0 of {POSTGRES_PLUGIN} is not installed ({POSTGRES_INSTALLED})"
    assert diagnostic.help == "did you mean 1.2.1?"
    assert at(diagnostic) == (6, 14, 6, 21)
    assert diagnostic.yaml_path == "tasks[0].version"


@pytest.mark.parametrize(
    ("written", "requested", "suggested"),
    [('"1.2.4"', "1.2.4", "1.2.3"), ('"2.0.0"', "2.0.0", "1.2.3"), ('"0.1.0"', "0.1.0", "0.19.0")],
)
def test_fl102_other_missing_full_versions(written: str, requested: str, suggested: str) -> None:
    diagnostic = only(lint(task(QUERY, written)), "FL102")
    assert diagnostic.message == f"version {requested} of {POSTGRES_PLUGIN} is not installed ({POSTGRES_INSTALLED})"
    assert diagnostic.help == f"did you mean {suggested}?"


# --- keywords -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["latest", "LATEST", "Latest", "lAtEsT"])
def test_latest_in_any_case_selects_the_newest(keyword: str) -> None:
    assert lint(task(QUERY, keyword)) == []
    assert picked(task(QUERY, keyword)) == (Status.RESOLVED, "plugin", "1.2.3")
    assert picked(task(SHELL, keyword)) == (Status.RESOLVED, "plugin", "0.21.0")


@pytest.mark.parametrize("keyword", ["oldest", "Oldest", "OLDEST"])
def test_oldest_in_any_case_selects_the_oldest(keyword: str) -> None:
    assert lint(task(QUERY, keyword)) == []
    assert picked(task(QUERY, keyword)) == (Status.RESOLVED, "plugin", "0.19.0")
    assert picked(task(SHELL, keyword)) == (Status.RESOLVED, "plugin", "0.20.0")


def test_keywords_rank_qualified_versions() -> None:
    # docker has 1.0.0, 1.1.0-rc1, 1.1.0: the release is newer than its release candidate.
    flow = task(SHELL, extra="    taskRunner:\n      type: {}\n      version: {}\n")
    assert picked(flow.format(DOCKER, "LATEST"), index=1) == (Status.RESOLVED, "plugin", "1.1.0")
    assert picked(flow.format(DOCKER, "OLDEST"), index=1) == (Status.RESOLVED, "plugin", "1.0.0")
    candidates = manifest_with(plugin("plugin-docker", [("1.0.0", [DOCKER]), ("1.1.0-rc1", [DOCKER])]))
    flow = task(DOCKER, "latest")
    assert picked(flow, manifest_data=candidates) == (Status.RESOLVED, "plugin", "1.1.0-rc1")


@pytest.mark.parametrize("keyword", ["none", "NONE", "None"])
def test_none_on_the_plugin_is_fl103(keyword: str) -> None:
    diagnostics = lint(task(QUERY, keyword))
    assert codes(diagnostics) == ["FL103"]
    diagnostic = diagnostics[0]
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.message.startswith(f"{QUERY} has no version: its own version is NONE")
    assert at(diagnostic) == (5, 11, 5, 49)  # the type
    assert diagnostic.yaml_path == "tasks[0].type"
    assert [(r.span.line, r.span.column) for r in diagnostic.related] == [(6, 14)]  # the NONE
    assert diagnostic.help == 'pin a version on the plugin, e.g. version: "1.2.3"'
    assert picked(task(QUERY, keyword)) == (Status.NO_VERSION, "plugin", None)


# --- partial versions, full versions, target rules -------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [('"1"', "1.2.3"), ('"1.2"', "1.2.3"), ('"0"', "0.19.0"), ('"0.19"', "0.19.0"), ('"1.2.1"', "1.2.1")],
)
def test_partial_versions_select_the_newest_match(written: str, expected: str) -> None:
    assert lint(task(QUERY, written)) == []
    assert picked(task(QUERY, written)) == (Status.RESOLVED, "plugin", expected)


def test_requests_select_the_versions_of_the_semantics_table() -> None:
    """The table of SEMANTICS §3, installed {1.2.1, 1.2.3, 0.99.0}."""
    data = manifest_with(
        plugin("plugin-x", [("1.2.1", ["io.example.T"]), ("1.2.3", ["io.example.T"]), ("0.99.0", ["io.example.T"])])
    )
    expected = {
        "1.2.1": "1.2.1",
        "1.2.0": None,
        "1.2.4": None,
        "1.2": "1.2.3",
        "1": "1.2.3",
        "2": None,
        "2.0": None,
        "0.1": None,
    }
    for request, version in expected.items():
        status, level, chosen = picked(task("io.example.T", f'"{request}"'), manifest_data=data)
        assert (request, chosen) == (request, version)
        assert status is (Status.RESOLVED if version else Status.NOT_INSTALLED)
        assert level == "plugin"


@pytest.mark.parametrize("written", ['"2"', '"0.1"', '"2.0"', '"1.3"'])
def test_partial_version_matching_nothing_is_fl102(written: str) -> None:
    requested = written.strip('"')
    diagnostic = only(lint(task(QUERY, written)), "FL102")
    assert diagnostic.message == (
        f"version {requested} of {POSTGRES_PLUGIN} matches no installed version ({POSTGRES_INSTALLED})"
    )
    assert at(diagnostic)[:2] == (6, 14)


def test_partial_help_suggests_a_neighbour() -> None:
    assert only(lint(task(QUERY, '"2"')), "FL102").help == "did you mean 1.2.3?"
    assert only(lint(task(QUERY, '"0.1"')), "FL102").help == "did you mean 0.19.0?"


def test_full_version_is_exact_no_silent_upgrade_with_target_1_3() -> None:
    config = settings(target="1.3")
    assert codes(lint(task(QUERY, '"1.2.0"'), config=config)) == ["FL102"]
    assert picked(task(QUERY, '"1.2.0"'), config=config) == (Status.NOT_INSTALLED, "plugin", None)


def test_legacy_target_matches_full_versions_on_major_minor() -> None:
    config = settings(target="1.0")
    assert lint(task(QUERY, '"1.2.0"'), config=config) == []
    assert picked(task(QUERY, '"1.2.0"'), config=config) == (Status.RESOLVED, "plugin", "1.2.3")
    assert picked(task(QUERY, '"0.19.5"'), config=config) == (Status.RESOLVED, "plugin", "0.19.0")


def test_legacy_target_rejects_partial_versions() -> None:
    config = settings(target="1.0")
    diagnostics = lint(task(SHELL, '"0.21"'), config=config)
    assert codes(diagnostics) == ["FL104"]
    diagnostic = diagnostics[0]
    assert diagnostic.message == (
        "invalid version: Kestra 1.0 accepts only MAJOR.MINOR.PATCH[-QUALIFIER] or a keyword as `version`, not '0.21'"
    )
    assert at(diagnostic) == (6, 14, 6, 20)
    assert picked(task(SHELL, '"0.21"'), config=config)[0] is Status.INVALID
    # the same text is fine under the newest rules
    assert lint(task(SHELL, '"0.21"')) == []
    # keywords and full versions with a qualifier pass the legacy pattern
    assert lint(task(QUERY, "LATEST"), config=config) == []
    assert picked(task(DOCKER, '"1.1.0-rc1"'), config=config) == (Status.RESOLVED, "plugin", "1.1.0")


# --- qualifiers and the v prefix --------------------------------------------------------------------------


def test_qualifier_is_matched_exactly() -> None:
    assert lint(task(DOCKER, '"1.1.0-rc1"')) == []
    assert picked(task(DOCKER, '"1.1.0-rc1"')) == (Status.RESOLVED, "plugin", "1.1.0-rc1")
    assert picked(task(DOCKER, '"1.1.0"')) == (Status.RESOLVED, "plugin", "1.1.0")


def test_qualifier_is_matched_case_insensitively() -> None:
    assert lint(task(DOCKER, '"1.1.0-RC1"')) == []
    assert picked(task(DOCKER, '"1.1.0-RC1"')) == (Status.RESOLVED, "plugin", "1.1.0-rc1")


def test_unknown_qualifier_is_fl102() -> None:
    diagnostic = only(lint(task(DOCKER, '"1.1.0-rc2"')), "FL102")
    assert diagnostic.message == (
        "version 1.1.0-rc2 of io.kestra.plugin:plugin-docker is not installed (installed: 1.0.0, 1.1.0-rc1, 1.1.0)"
    )


def test_partial_version_prefers_the_release_over_its_candidate() -> None:
    assert picked(task(DOCKER, '"1.1"')) == (Status.RESOLVED, "plugin", "1.1.0")


def test_v_prefix_is_stripped() -> None:
    assert lint(task(QUERY, "v1.2.1")) == []
    assert picked(task(QUERY, "v1.2.1")) == (Status.RESOLVED, "plugin", "1.2.1")
    assert picked(task(QUERY, '"v1.2"')) == (Status.RESOLVED, "plugin", "1.2.3")


def test_uppercase_v_prefix_is_not_a_version() -> None:
    assert codes(lint(task(QUERY, "V1.2.1"))) == ["FL104"]


# --- FL107: numbers that YAML reads -----------------------------------------------------------------------


def test_unquoted_0_20_is_the_number_0_2() -> None:
    text = task(SHELL, "0.20")
    diagnostics = lint(text)
    assert codes(diagnostics) == ["FL102", "FL107"]  # same place: ordered by code
    unquoted = only(diagnostics, "FL107")
    assert unquoted.severity is Severity.WARNING
    assert unquoted.message == (
        "version 0.20 is the number 0.2 for YAML: Kestra asks for version 0.2, which matches no installed version; "
        'quoted, "0.20" would run 0.20.0'
    )
    assert at(unquoted) == (6, 14, 6, 18)
    assert unquoted.yaml_path == "tasks[0].version"
    assert unquoted.fix is not None and unquoted.fix.safe  # nothing runs today: quoting breaks nothing
    (edit,) = unquoted.fix.edits
    assert edit.replacement == '"0.20"'
    assert text[edit.span.start_offset : edit.span.end_offset] == "0.20"
    fixed = text[: edit.span.start_offset] + edit.replacement + text[edit.span.end_offset :]
    assert lint(fixed) == []
    assert picked(fixed) == (Status.RESOLVED, "plugin", "0.20.0")
    missing = only(diagnostics, "FL102")
    assert missing.message == (
        f"version 0.2 of {SHELL_PLUGIN} matches no installed version (installed: 0.20.0, 0.21.0)"
    )
    assert at(missing) == (6, 14, 6, 18)


def test_resolution_uses_what_kestra_asks_for() -> None:
    data = manifest_with(plugin("plugin-x", [("0.2.5", ["io.example.T"]), ("0.20.0", ["io.example.T"])]))
    assert picked(task("io.example.T", "0.20"), manifest_data=data) == (Status.RESOLVED, "plugin", "0.2.5")
    assert codes(lint(task("io.example.T", "0.20"), manifest_data=data)) == ["FL107"]


def test_unquoted_1_10_asks_for_1_1() -> None:
    data = manifest_with(plugin("plugin-x", [("1.1.4", ["io.example.T"]), ("1.10.2", ["io.example.T"])]))
    diagnostics = lint(task("io.example.T", "1.10"), manifest_data=data)
    assert codes(diagnostics) == ["FL107"]
    assert diagnostics[0].message == (
        'version 1.10 is the number 1.1 for YAML: Kestra asks for version 1.1, which runs 1.1.4; quoted, "1.10" '
        "would run 1.10.2"
    )
    assert diagnostics[0].fix is not None and not diagnostics[0].fix.safe  # 1.1.4 runs today, 1.10.2 after
    assert picked(task("io.example.T", "1.10"), manifest_data=data) == (Status.RESOLVED, "plugin", "1.1.4")
    assert picked(task("io.example.T", '"1.10"'), manifest_data=data) == (Status.RESOLVED, "plugin", "1.10.2")


@pytest.mark.parametrize("written", ["1.2", "1", "0.19"])
def test_unquoted_number_with_the_same_text_is_not_fl107(written: str) -> None:
    assert lint(task(QUERY, written)) == []


def test_fl107_in_a_flow_default() -> None:
    text = """\
        id: f
        namespace: company.team
        pluginDefaults:
          - type: io.kestra.plugin.scripts
            values:
              version: 0.20
        tasks:
          - id: t
            type: io.kestra.plugin.scripts.shell.Script
        """
    diagnostic = only(lint(text), "FL107")
    assert at(diagnostic) == (6, 16, 6, 20)
    assert diagnostic.yaml_path == "pluginDefaults[0].values.version"
    assert picked(text)[0] is Status.NOT_INSTALLED


# --- FL104: not a version ---------------------------------------------------------------------------------


NOT_A_VERSION = "is not a version (MAJOR[.MINOR[.PATCH]][-QUALIFIER]) nor LATEST, OLDEST or NONE"


@pytest.mark.parametrize(
    ("written", "message", "end_column"),
    [
        ("1.x", f"'1.x' {NOT_A_VERSION}", 17),
        ('">=1.0"', f"'>=1.0' {NOT_A_VERSION}", 21),
        ('"^1.2"', f"'^1.2' {NOT_A_VERSION}", 20),
        ('"1.2.*"', f"'1.2.*' {NOT_A_VERSION}", 21),
        ('"{{ vars.v }}"', "Pebble expressions are not rendered in `version`: write the version itself", 28),
        ("[1.2.1]", "a version must be a string, not a list", 21),
        ("{v: 1.2.1}", "a version must be a string, not a mapping", 24),
        ("true", "a version must be a string, not a boolean", 18),
        ("null", "a version must be a string, not null", 18),
    ],
)
def test_fl104_invalid_version_is_reported_at_the_value(written: str, message: str, end_column: int) -> None:
    diagnostics = lint(task(QUERY, written))
    assert codes(diagnostics) == ["FL104"]
    diagnostic = diagnostics[0]
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.message == f"invalid version: {message}"
    assert at(diagnostic) == (6, 14, 6, end_column)
    assert diagnostic.yaml_path == "tasks[0].version"
    assert picked(task(QUERY, written))[0] is Status.INVALID


def test_fl104_version_written_as_a_block_list() -> None:
    diagnostic = only(lint(task(QUERY, "\n      - 1.2.1")), "FL104")
    assert diagnostic.message == "invalid version: a version must be a string, not a list"
    assert diagnostic.span.line == 7


# --- where the version comes from: precedence ---------------------------------------------------------


def with_defaults(
    defaults: str, *, version: str | None = None, type_name: str = QUERY, namespace: str = "company.team"
) -> str:
    """A flow with ``pluginDefaults`` (YAML list items, indented 2) and one task ``t``."""
    own = f"\n    version: {version}" if version else ""
    return (
        f"id: f\nnamespace: {namespace}\npluginDefaults:\n{textwrap.indent(textwrap.dedent(defaults), '  ')}"
        f"tasks:\n  - id: t\n    type: {type_name}{own}\n"
    )


def flow_default(type_name: str, version: str, forced: bool = False) -> str:
    forced_line = "  forced: true\n" if forced else ""
    return f'- type: {type_name}\n{forced_line}  values:\n    version: "{version}"\n'


def test_the_plugins_own_version_wins_over_every_unforced_default() -> None:
    text = with_defaults(flow_default(QUERY, "0.19.0"), version='"1.2.1"')
    config = settings(
        default_version="OLDEST",
        global_defaults=[(QUERY, "0.19.0", False)],
        namespaces={"company.team": [(QUERY, "0.19.0", False)]},
    )
    assert lint(text, config=config) == []
    assert picked(text, config=config) == (Status.RESOLVED, "plugin", "1.2.1")


def test_flow_default_with_the_exact_type() -> None:
    text = with_defaults(flow_default(QUERY, "1.2.1"))
    assert lint(text) == []
    assert picked(text) == (Status.RESOLVED, "flow", "1.2.1")


def test_flow_default_with_a_package_prefix() -> None:
    text = with_defaults(flow_default("io.kestra.plugin.jdbc", "0.19.0"))
    assert picked(text) == (Status.RESOLVED, "flow", "0.19.0")
    unrelated = with_defaults(flow_default("io.kestra.plugin.aws", "0.19.0"))
    assert picked(unrelated) == (Status.RESOLVED, "instance", "1.2.3")


def test_first_matching_flow_default_wins() -> None:
    prefix_first = with_defaults(flow_default("io.kestra.plugin.jdbc", "0.19.0") + flow_default(QUERY, "1.2.1"))
    assert picked(prefix_first) == (Status.RESOLVED, "flow", "0.19.0")
    exact_first = with_defaults(flow_default(QUERY, "1.2.1") + flow_default("io.kestra.plugin.jdbc", "0.19.0"))
    assert picked(exact_first) == (Status.RESOLVED, "flow", "1.2.1")
    skips_others = with_defaults(flow_default("io.kestra.plugin.aws", "9.9.9") + flow_default(QUERY, "1.2.1"))
    assert picked(skips_others) == (Status.RESOLVED, "flow", "1.2.1")


def test_flow_default_without_a_version_does_not_stop_the_search() -> None:
    text = with_defaults(f"- type: {QUERY}\n  values:\n    url: jdbc:postgresql://db\n")
    config = settings(namespaces={"company.team": [(QUERY, "0.19.0", False)]})
    assert lint(text, config=config) == []
    assert picked(text, config=config) == (Status.RESOLVED, "namespace", "0.19.0")


def test_alias_in_a_flow_default_applies_to_the_canonical_type() -> None:
    data = copy.deepcopy(STANDARD_MANIFEST)
    shell = next(p for p in data["plugins"] if p["artifactId"] == "plugin-script-shell")
    for version in shell["versions"]:
        version["aliases"] = {"org.legacy.shell.Bash": SHELL}
    text = with_defaults(flow_default("org.legacy.shell.Bash", "0.20.0"), type_name=SHELL)
    assert lint(text, manifest_data=data) == []
    assert picked(text, manifest_data=data) == (Status.RESOLVED, "flow", "0.20.0")
    config = settings(namespaces={"company": [("org.legacy.shell.Bash", "0.20.0", False)]})
    assert picked(task(SHELL), manifest_data=data, config=config) == (Status.RESOLVED, "namespace", "0.20.0")


def test_flow_default_wins_over_namespace_global_and_instance() -> None:
    text = with_defaults(flow_default(QUERY, "1.2.1"))
    config = settings(
        default_version="OLDEST",
        global_defaults=[(QUERY, "0.19.0", False)],
        namespaces={"company.team": [(QUERY, "0.19.0", False)]},
    )
    assert picked(text, config=config) == (Status.RESOLVED, "flow", "1.2.1")


def test_namespace_defaults_most_specific_namespace_first() -> None:
    flow = task(QUERY, namespace="a.b.c")
    everywhere = {"a.b.c": [(QUERY, "1.2.1", False)], "a.b": [(QUERY, "0.19.0", False)], "a": [(QUERY, "1", False)]}
    assert picked(flow, config=settings(namespaces=everywhere)) == (Status.RESOLVED, "namespace", "1.2.1")
    parents = {k: v for k, v in everywhere.items() if k != "a.b.c"}
    assert picked(flow, config=settings(namespaces=parents)) == (Status.RESOLVED, "namespace", "0.19.0")
    root = {"a": [(QUERY, "1.2", False)]}
    assert picked(flow, config=settings(namespaces=root)) == (Status.RESOLVED, "namespace", "1.2.3")


def test_namespace_defaults_of_other_namespaces_do_not_apply() -> None:
    flow = task(QUERY, namespace="a.b")
    others = {"a.bc": [(QUERY, "0.19.0", False)], "a.b.c": [(QUERY, "0.19.0", False)], "b": [(QUERY, "0", False)]}
    assert picked(flow, config=settings(namespaces=others)) == (Status.RESOLVED, "instance", "1.2.3")


def test_namespace_default_wins_over_global_and_instance() -> None:
    config = settings(
        default_version="OLDEST",
        global_defaults=[("io.kestra.plugin", "1.2.3", False)],
        namespaces={"company": [("io.kestra.plugin.jdbc", "1.2.1", False)]},
    )
    assert picked(task(QUERY), config=config) == (Status.RESOLVED, "namespace", "1.2.1")


def test_global_default_wins_over_the_instance_default() -> None:
    config = settings(default_version="LATEST", global_defaults=[("io.kestra.plugin.jdbc", "0", False)])
    assert lint(task(QUERY), config=config) == []
    assert picked(task(QUERY), config=config) == (Status.RESOLVED, "global", "0.19.0")
    # and it applies only to the types it names or prefixes
    assert picked(task(SHELL), config=config) == (Status.RESOLVED, "instance", "0.21.0")


@pytest.mark.parametrize(
    ("default_version", "query", "shell"),
    [
        ("LATEST", "1.2.3", "0.21.0"),
        ("latest", "1.2.3", "0.21.0"),
        ("OLDEST", "0.19.0", "0.20.0"),
        ("Oldest", "0.19.0", "0.20.0"),
        ("0.20.0", None, "0.20.0"),
        ("1.2", "1.2.3", None),
    ],
)
def test_instance_default_version_decides_when_nothing_else_sets_one(
    default_version: str, query: str | None, shell: str | None
) -> None:
    config = settings(default_version=default_version)
    for type_name, expected in ((QUERY, query), (SHELL, shell)):
        status, level, version = picked(task(type_name), config=config)
        assert level == "instance"
        assert version == expected
        assert status is (Status.RESOLVED if expected else Status.NOT_INSTALLED)


def test_forced_namespace_default_overrides_the_plugins_own_version() -> None:
    config = settings(namespaces={"company": [("io.kestra.plugin.jdbc", "0.19.0", True)]})
    flow = task(QUERY, '"1.2.3"')
    assert lint(flow, config=config) == []
    assert picked(flow, config=config) == (Status.RESOLVED, "namespace", "0.19.0")


def test_forced_global_default_overrides_the_plugins_own_version_and_flow_defaults() -> None:
    config = settings(global_defaults=[(QUERY, "1.2.1", True)])
    assert picked(task(QUERY, '"1.2.3"'), config=config) == (Status.RESOLVED, "global", "1.2.1")
    text = with_defaults(flow_default(QUERY, "0.19.0"))
    assert picked(text, config=config) == (Status.RESOLVED, "global", "1.2.1")


def test_forced_flow_default_is_ignored_with_a_warning() -> None:
    text = with_defaults(flow_default(QUERY, "0.19.0", forced=True), version='"1.2.1"')
    assert picked(text) == (Status.RESOLVED, "plugin", "1.2.1")
    diagnostics = lint(text)
    assert codes(diagnostics) == ["FL110"]
    diagnostic = diagnostics[0]
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.message == (
        "`forced` is ignored in a flow's pluginDefaults: only namespace and global defaults can force"
    )
    assert at(diagnostic) == (5, 13, 5, 17)
    assert diagnostic.yaml_path == "pluginDefaults[0].forced"


def test_kestra_2_target_does_not_use_flow_defaults() -> None:
    text = with_defaults(flow_default(QUERY, "0.19.0"))
    config = settings(target="2.0")
    assert picked(text, config=config) == (Status.RESOLVED, "instance", "1.2.3")
    diagnostics = lint(text, config=config)
    assert codes(diagnostics) == ["FL008"]
    diagnostic = diagnostics[0]
    assert diagnostic.severity is Severity.ERROR
    assert at(diagnostic) == (3, 1, 3, 15)
    # a version the flow default would have broken is not reported: the default is not used
    broken = with_defaults(flow_default(QUERY, "1.2.0"))
    assert codes(lint(broken, config=config)) == ["FL008"]


# --- locations of failures by origin ---------------------------------------------------------------------


def test_failure_from_a_flow_default_is_at_the_defaults_version() -> None:
    text = with_defaults(flow_default("io.kestra.plugin.jdbc", "1.2.0"))
    assert text.splitlines()[5] == '      version: "1.2.0"'
    diagnostics = lint(text)
    assert codes(diagnostics) == ["FL102"]
    diagnostic = diagnostics[0]
    assert diagnostic.message == (
        f"version 1.2.0 of {POSTGRES_PLUGIN} is not installed ({POSTGRES_INSTALLED}) (for task 't' at tasks[0])"
    )
    assert diagnostic.help == "did you mean 1.2.1?"
    assert at(diagnostic) == (6, 16, 6, 23)
    assert diagnostic.yaml_path == "pluginDefaults[0].values.version"
    (related,) = diagnostic.related
    assert (related.span.line, related.span.column, related.span.end_line, related.span.end_column) == (9, 11, 9, 49)
    assert related.message == "task 't' at tasks[0] takes its version from this default"


def test_one_flow_default_failing_for_two_tasks_names_each() -> None:
    text = """\
        id: f
        namespace: company.team
        pluginDefaults:
          - type: io.kestra.plugin.jdbc
            values:
              version: "1.2.0"
        tasks:
          - id: first
            type: io.kestra.plugin.jdbc.postgresql.Query
          - id: second
            type: io.kestra.plugin.jdbc.postgresql.Query
        """
    diagnostics = lint(text)
    assert codes(diagnostics) == ["FL102", "FL102"]
    assert {at(d) for d in diagnostics} == {(6, 16, 6, 23)}
    assert sorted(d.message.rsplit(" (for ", 1)[1] for d in diagnostics) == [
        "task 'first' at tasks[0])",
        "task 'second' at tasks[1])",
    ]
    assert sorted(d.related[0].span.line for d in diagnostics) == [9, 11]


def test_failure_from_a_namespace_default_is_at_the_type() -> None:
    config = settings(namespaces={"company": [("io.kestra.plugin.jdbc", "1.2.0", False)]})
    diagnostic = only(lint(task(QUERY), config=config), "FL102")
    assert diagnostic.message == (
        f"version 1.2.0 of {POSTGRES_PLUGIN} is not installed ({POSTGRES_INSTALLED}); the version comes from "
        "the namespace company plugin default for io.kestra.plugin.jdbc (test config)"
    )
    assert diagnostic.help == "did you mean 1.2.1?"
    assert at(diagnostic) == (5, 11, 5, 49)
    assert diagnostic.yaml_path == "tasks[0].type"


def test_failure_from_a_global_default_is_at_the_type() -> None:
    config = settings(global_defaults=[(QUERY, "2", False)])
    diagnostic = only(lint(task(QUERY), config=config), "FL102")
    assert diagnostic.message == (
        f"version 2 of {POSTGRES_PLUGIN} matches no installed version ({POSTGRES_INSTALLED}); the version "
        f"comes from the global plugin default for {QUERY} (test config)"
    )
    assert at(diagnostic) == (5, 11, 5, 49)


def test_failure_from_a_forced_default_is_at_the_type_and_says_forced() -> None:
    config = settings(global_defaults=[("io.kestra.plugin", "1.2.0", True)])
    diagnostic = only(lint(task(QUERY, '"1.2.3"'), config=config), "FL102")
    assert diagnostic.message.endswith(
        "; the version comes from the forced global plugin default for io.kestra.plugin (test config)"
    )
    assert at(diagnostic) == (5, 11, 5, 49)


def test_failure_from_the_instance_default_is_at_the_type() -> None:
    config = settings(default_version="1.2.0")
    diagnostic = only(lint(task(QUERY), config=config), "FL102")
    assert diagnostic.message == (
        f"version 1.2.0 of {POSTGRES_PLUGIN} is not installed ({POSTGRES_INSTALLED}); the version comes from "
        "the instance default version 1.2.0 (test config)"
    )
    assert at(diagnostic) == (5, 11, 5, 49)
    assert diagnostic.yaml_path == "tasks[0].type"


def test_invalid_configured_version_is_fl104_at_the_type() -> None:
    # "1.2" is a version for Kestra 1.3 but not for Kestra 1.0's property pattern
    config = settings(target="1.0", global_defaults=[(QUERY, "1.2", False)])
    diagnostic = only(lint(task(QUERY), config=config), "FL104")
    assert diagnostic.message.startswith(f"invalid version from the global plugin default for {QUERY} (test config): ")
    assert at(diagnostic) == (5, 11, 5, 49)


# --- NONE at each level -----------------------------------------------------------------------------------


def assert_fl103_at_type(diagnostics: Sequence[Diagnostic], source: str) -> Diagnostic:
    assert codes(diagnostics) == ["FL103"]
    diagnostic = diagnostics[0]
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.message == f"{QUERY} has no version: {source} is NONE and nothing more specific sets one"
    assert diagnostic.yaml_path.endswith(".type")
    return diagnostic


@pytest.mark.parametrize("none", ["NONE", "none"])
def test_fl103_instance_default_none_is_reported_at_the_type(none: str) -> None:
    config = settings(default_version=none)
    diagnostics = lint(task(QUERY), config=config)
    assert codes(diagnostics) == ["FL103"]
    diagnostic = diagnostics[0]
    assert diagnostic.message == (
        f"{QUERY} has no version: the instance default version is NONE (test config) and nothing more specific sets one"
    )
    assert at(diagnostic) == (5, 11, 5, 49)
    assert diagnostic.help == 'pin a version on the plugin, e.g. version: "1.2.3"'
    assert picked(task(QUERY), config=config) == (Status.NO_VERSION, "instance", None)


def test_fl103_global_default_none_is_reported_at_the_type() -> None:
    config = settings(global_defaults=[("io.kestra.plugin", "NONE", False)])
    diagnostic = assert_fl103_at_type(
        lint(task(QUERY), config=config), "the global plugin default for io.kestra.plugin (test config)"
    )
    assert at(diagnostic) == (5, 11, 5, 49)


def test_fl103_namespace_default_none_is_reported_at_the_type() -> None:
    config = settings(namespaces={"company": [("io.kestra.plugin.jdbc", "None", False)]})
    diagnostic = assert_fl103_at_type(
        lint(task(QUERY), config=config), "the namespace company plugin default for io.kestra.plugin.jdbc (test config)"
    )
    assert at(diagnostic) == (5, 11, 5, 49)


def test_fl103_flow_default_none_is_reported_at_the_type_and_relates_the_default() -> None:
    text = with_defaults(flow_default("io.kestra.plugin.jdbc", "NONE"))
    diagnostic = assert_fl103_at_type(lint(text), "the flow's pluginDefaults[0] for io.kestra.plugin.jdbc")
    assert at(diagnostic) == (9, 11, 9, 49)
    assert diagnostic.yaml_path == "tasks[0].type"
    assert [(r.span.line, r.span.column) for r in diagnostic.related] == [(6, 16)]  # the default's NONE
    assert picked(text) == (Status.NO_VERSION, "flow", None)


def test_a_more_specific_version_wins_over_a_less_specific_none() -> None:
    none_instance = settings(default_version="NONE")
    assert lint(task(QUERY, '"1.2.1"'), config=none_instance) == []
    assert picked(with_defaults(flow_default(QUERY, "1.2")), config=none_instance) == (Status.RESOLVED, "flow", "1.2.3")
    with_global = settings(default_version="NONE", global_defaults=[(QUERY, "0", False)])
    assert picked(task(QUERY), config=with_global) == (Status.RESOLVED, "global", "0.19.0")
    none_global = settings(
        global_defaults=[("io.kestra", "NONE", False)], namespaces={"company.team": [(QUERY, "1.2.1", False)]}
    )
    assert picked(task(QUERY), config=none_global) == (Status.RESOLVED, "namespace", "1.2.1")
    none_parent = settings(namespaces={"a": [(QUERY, "NONE", False)], "a.b": [(QUERY, "1.2.1", False)]})
    assert picked(task(QUERY, namespace="a.b"), config=none_parent) == (Status.RESOLVED, "namespace", "1.2.1")
    none_namespace = settings(namespaces={"company": [(QUERY, "NONE", False)]})
    assert picked(with_defaults(flow_default(QUERY, "1.2.1")), config=none_namespace) == (
        Status.RESOLVED,
        "flow",
        "1.2.1",
    )
    assert lint(task(QUERY, "LATEST"), config=none_namespace) == []


def test_a_more_specific_none_wins_over_a_less_specific_version() -> None:
    config = settings(
        namespaces={"a.b": [(QUERY, "NONE", False)], "a": [(QUERY, "1.2.1", False)]},
        global_defaults=[(QUERY, "1.2.1", False)],
    )
    assert picked(task(QUERY, namespace="a.b.c"), config=config) == (Status.NO_VERSION, "namespace", None)
    assert codes(lint(task(QUERY, namespace="a.b.c"), config=config)) == ["FL103"]


def test_core_plugins_always_resolve_even_under_none() -> None:
    text = """\
        id: f
        namespace: company.team
        pluginDefaults:
          - type: io.kestra
            values:
              version: NONE
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: hi
          - id: if
            type: io.kestra.plugin.core.flow.If
            condition: "{{ true }}"
            then:
              - id: pinned
                type: io.kestra.plugin.core.log.Log
                version: "9.9.9"
                message: hi
        triggers:
          - id: daily
            type: io.kestra.plugin.core.trigger.Schedule
            cron: "0 9 * * *"
        """
    config = settings(
        default_version="NONE",
        global_defaults=[("io.kestra", "NONE", False)],
        namespaces={"company": [("io.kestra.plugin.core", "NONE", False)]},
    )
    assert versions_findings(lint(text, config=config)) == []
    assert [r.status for r in resolve(text, config=config)] == [Status.CORE] * 4


# --- a type that only some versions contain ---------------------------------------------------------------


def test_type_missing_from_the_pinned_version_is_fl105() -> None:
    diagnostics = lint(task(COPY_IN, '"0.19.0"'))
    assert codes(diagnostics) == ["FL105"]
    diagnostic = diagnostics[0]
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.message == f"{POSTGRES_PLUGIN} 0.19.0 does not contain {COPY_IN} (1.2.1 to 1.2.3 have it)"
    assert diagnostic.help == 'use version "1.2.3"'
    assert at(diagnostic) == (6, 14, 6, 22)
    assert diagnostic.yaml_path == "tasks[0].version"
    status, level, version = picked(task(COPY_IN, '"0.19.0"'))
    assert (status, level, version) == (Status.NOT_IN_VERSION, "plugin", "0.19.0")


def test_type_missing_from_the_partial_match_is_fl105() -> None:
    diagnostic = only(lint(task(COPY_IN, '"0"')), "FL105")
    assert diagnostic.message == f"{POSTGRES_PLUGIN} 0.19.0 does not contain {COPY_IN} (1.2.1 to 1.2.3 have it)"


def test_keywords_and_partials_only_consider_versions_with_the_type() -> None:
    assert picked(task(COPY_IN, "OLDEST")) == (Status.RESOLVED, "plugin", "1.2.1")
    assert picked(task(COPY_IN), config=settings(default_version="OLDEST")) == (Status.RESOLVED, "instance", "1.2.1")
    assert lint(task(COPY_IN), config=settings(default_version="OLDEST")) == []
    removed = manifest_with(
        plugin(
            "plugin-x",
            [
                ("1.0.0", ["io.example.Old", "io.example.New"]),
                ("1.1.0", ["io.example.New"]),
                ("2.0.0", ["io.example.New"]),
            ],
        )
    )
    assert picked(task("io.example.Old", "LATEST"), manifest_data=removed) == (Status.RESOLVED, "plugin", "1.0.0")
    assert picked(task("io.example.Old", '"1"'), manifest_data=removed) == (Status.RESOLVED, "plugin", "1.0.0")
    assert picked(task("io.example.Old"), manifest_data=removed) == (Status.RESOLVED, "instance", "1.0.0")
    assert picked(task("io.example.New", "OLDEST"), manifest_data=removed) == (Status.RESOLVED, "plugin", "1.0.0")
    diagnostic = only(lint(task("io.example.Old", '"1.1"'), manifest_data=removed), "FL105")
    assert diagnostic.message == "io.example:plugin-x 1.1.0 does not contain io.example.Old (only 1.0.0 has it)"
    assert diagnostic.help == 'use version "1.0.0"'


def test_fl105_from_a_default_is_at_the_type() -> None:
    config = settings(global_defaults=[("io.kestra.plugin.jdbc", "0.19.0", False)])
    diagnostic = only(lint(task(COPY_IN), config=config), "FL105")
    assert diagnostic.message == (
        f"{POSTGRES_PLUGIN} 0.19.0 does not contain {COPY_IN} (1.2.1 to 1.2.3 have it); the version comes from "
        "the global plugin default for io.kestra.plugin.jdbc (test config)"
    )
    assert at(diagnostic) == (5, 11, 5, 50)
    # the same default is fine for Query, which 0.19.0 has
    assert lint(task(QUERY), config=config) == []


# --- CURRENT --------------------------------------------------------------------------------------------


CURRENT_MANIFEST = manifest_with(
    plugin(
        "plugin-x",
        [
            ("1.2.3", ["io.example.T"]),
            ("1.3.0", ["io.example.T"]),
            ("1.3.2", ["io.example.T"]),
            ("1.3.2-rc1", ["io.example.T"]),
            ("1.4.0", ["io.example.T"]),
        ],
    )
)


@pytest.mark.parametrize("current", ["CURRENT", "current", "Current"])
def test_current_is_the_newest_of_the_target_major_minor(current: str) -> None:
    config = settings(target="1.3", default_version=current)
    assert lint(task("io.example.T"), manifest_data=CURRENT_MANIFEST, config=config) == []
    assert picked(task("io.example.T"), manifest_data=CURRENT_MANIFEST, config=config) == (
        Status.RESOLVED,
        "instance",
        "1.3.2",
    )


def test_current_follows_the_target() -> None:
    for target, expected in (("1.2", "1.2.3"), ("1.4.1", "1.4.0"), ("1.3.0", "1.3.2")):
        config = settings(target=target, default_version="CURRENT")
        assert picked(task("io.example.T"), manifest_data=CURRENT_MANIFEST, config=config) == (
            Status.RESOLVED,
            "instance",
            expected,
        )


def test_current_without_a_version_of_the_target_is_fl102() -> None:
    config = settings(target="1.5", default_version="CURRENT")
    diagnostics = lint(task("io.example.T"), manifest_data=CURRENT_MANIFEST, config=config)
    assert codes(diagnostics) == ["FL102"]
    diagnostic = diagnostics[0]
    assert diagnostic.message == (
        "version CURRENT (1.5.x, the target Kestra version) of io.example:plugin-x matches no installed version "
        "(installed: 1.2.3, 1.3.0, 1.3.2-rc1, 1.3.2, 1.4.0); the version comes from the instance default "
        "version CURRENT (test config)"
    )
    assert at(diagnostic) == (5, 11, 5, 23)
    assert picked(task("io.example.T"), manifest_data=CURRENT_MANIFEST, config=config)[0] is Status.NOT_INSTALLED
    # the standard instance has no 1.3.x of the postgres plugin
    assert codes(lint(task(QUERY), config=settings(default_version="CURRENT"))) == ["FL102"]


def test_current_does_not_apply_to_explicit_versions() -> None:
    config = settings(target="1.5", default_version="CURRENT")
    assert lint(task("io.example.T", '"1.3"'), manifest_data=CURRENT_MANIFEST, config=config) == []


# --- FL101 ------------------------------------------------------------------------------------------------


def test_unknown_type_with_a_did_you_mean() -> None:
    diagnostics = lint(task("io.kestra.plugin.scripts.shell.Scrpt"))
    assert codes(diagnostics) == ["FL101"]
    diagnostic = diagnostics[0]
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.message == (
        "unknown plugin type io.kestra.plugin.scripts.shell.Scrpt: no installed plugin provides it"
    )
    assert diagnostic.help == f"did you mean {SHELL}?"
    assert at(diagnostic) == (5, 11, 5, 47)
    assert diagnostic.yaml_path == "tasks[0].type"
    assert picked(task("io.kestra.plugin.scripts.shell.Scrpt"))[0] is Status.UNKNOWN_TYPE


def test_unknown_type_differing_only_by_case() -> None:
    diagnostic = only(lint(task("io.kestra.plugin.scripts.shell.script", '"0.21.0"')), "FL101")
    assert diagnostic.message == (
        "unknown plugin type io.kestra.plugin.scripts.shell.script: no installed plugin provides it"
    )
    assert diagnostic.help == f"types are case-sensitive: did you mean {SHELL}?"
    assert at(diagnostic) == (5, 11, 5, 48)


def test_unknown_type_with_nothing_close() -> None:
    diagnostic = only(lint(task("com.example.Nothing")), "FL101")
    assert diagnostic.help is None


def test_unknown_type_is_not_also_a_version_finding() -> None:
    assert codes(lint(task("io.kestra.plugin.scripts.shell.Scrpt", '"9.9.9"'))) == ["FL101"]


# --- FL109 ------------------------------------------------------------------------------------------------


def test_version_on_a_condition_is_fl109() -> None:
    text = """\
        id: f
        namespace: company.team
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: hi
        triggers:
          - id: daily
            type: io.kestra.plugin.core.trigger.Schedule
            cron: "0 9 * * *"
            conditions:
              - type: io.kestra.plugin.core.condition.Weekend
                version: "1.0.0"
        """
    diagnostics = lint(text)
    assert codes(diagnostics) == ["FL109"]
    diagnostic = diagnostics[0]
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.message == "conditions take no `version`: remove it from this Weekend condition"
    assert at(diagnostic) == (13, 18, 13, 25)
    assert diagnostic.yaml_path == "triggers[0].conditions[0].version"


def test_version_on_a_versioned_condition_is_fl109_not_a_resolution_failure() -> None:
    data = copy.deepcopy(STANDARD_MANIFEST)
    data["plugins"].append(
        {
            "groupId": "io.example",
            "artifactId": "plugin-cond",
            "versions": [{"version": "1.0.0", "conditions": ["io.example.IsOpen"]}],
        }
    )
    text = """\
        id: f
        namespace: company.team
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: hi
        triggers:
          - id: daily
            type: io.kestra.plugin.core.trigger.Schedule
            cron: "0 9 * * *"
            conditions:
              - type: io.example.IsOpen
                version: "7.0.0"
        """
    assert codes(lint(text, manifest_data=data)) == ["FL109"]
    resolution = resolve(text, manifest_data=data)[-1]
    assert resolution.use.kind == "condition"
    assert (resolution.status, resolution.origin and resolution.origin.level) == (Status.RESOLVED, "instance")


# --- FL106 ------------------------------------------------------------------------------------------------


def test_two_plugins_with_the_type_at_the_requested_version_is_fl106() -> None:
    data = manifest_with(
        plugin("plugin-a", [("1.0.0", ["io.example.Task"])]),
        plugin("plugin-b", [("1.0.0", ["io.example.Task"]), ("2.0.0", ["io.example.Task"])]),
    )
    diagnostics = lint(task("io.example.Task", '"1.0.0"'), manifest_data=data)
    assert codes(diagnostics) == ["FL106"]
    diagnostic = diagnostics[0]
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.message == (
        "io.example.Task is provided by several plugins: io.example:plugin-a 1.0.0, io.example:plugin-b 1.0.0"
    )
    assert at(diagnostic) == (5, 11, 5, 26)
    assert picked(task("io.example.Task", '"1.0.0"'), manifest_data=data)[0] is Status.AMBIGUOUS
    # a version only one of them has is not ambiguous
    assert lint(task("io.example.Task", '"2.0.0"'), manifest_data=data) == []
    resolution = resolve(task("io.example.Task", '"2.0.0"'), manifest_data=data)[0]
    assert resolution.entry is not None and resolution.entry.plugin.artifact_id == "plugin-b"


# plugin-a has the class io.example.Task; plugin-b has io.example.NewTask and declares io.example.Task as its alias
CLASS_AND_ALIAS = manifest_with(
    plugin("plugin-a", [("1.0.0", ["io.example.Task"])]),
    {
        "groupId": "io.example",
        "artifactId": "plugin-b",
        "versions": [
            {"version": "1.0.0", "tasks": ["io.example.NewTask"], "aliases": {"io.example.Task": "io.example.NewTask"}}
        ],
    },
)


def test_a_plugin_with_the_class_wins_over_one_with_only_an_alias() -> None:
    data = CLASS_AND_ALIAS
    flow = task("io.example.Task", '"1.0.0"')
    resolution = resolve(flow, manifest_data=data)[0]
    assert resolution.status is Status.RESOLVED
    assert resolution.entry is not None and resolution.entry.plugin.artifact_id == "plugin-a"
    assert resolution.version is not None and resolution.version.text == "1.0.0"
    assert "FL106" not in codes(lint(flow, manifest_data=data))


def test_a_class_that_wins_over_an_alias_is_not_reported_as_an_alias() -> None:
    data = CLASS_AND_ALIAS
    assert lint(task("io.example.Task", '"1.0.0"'), manifest_data=data) == []
