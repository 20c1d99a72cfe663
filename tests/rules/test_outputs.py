"""Output rules FL301 unknown-output-ref and FL302 wrong-output-accessor: exact positions inside plain,
quoted and block scalars, the forms that are not references, the result-mode table, and the real flows
of ../shared/corpus."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from flowlint.config import Settings
from flowlint.diagnostics import Diagnostic, Severity
from flowlint.lint import Linter
from flowlint.manifest.catalog import load_catalog
from flowlint.rules import RULES_BY_CODE, enabled_codes
from flowlint.rules.task_families import FAMILIES, families_table, family_of
from tests.conftest import CORPUS, lint, of, only, where

HEAD = "id: f\nnamespace: company.team\n"
QUERY = "  - id: query\n    type: io.kestra.plugin.jdbc.postgresql.Query\n    sql: SELECT 1\n"


def check(body: str, *, codes: tuple[str, ...] = ("FL301", "FL302")) -> list[Diagnostic]:
    """Lint ``HEAD + body`` (dedented) with only the output rules on; every finding's span is checked to
    cover, in the source text, the very name its message is about (the task id, or the attribute)."""
    text = HEAD + textwrap.dedent(body)
    found = lint(text, select=list(codes), dedent=False)
    for d in found:
        assert text[d.span.start_offset : d.span.end_offset] == named(d), (d.message, where(d))
    return found


def named(d: Diagnostic) -> str:
    """The name a finding's message is about: `my-task` in the hyphen case, else the id, or the attribute."""
    if d.code == "FL301":
        return (
            d.message.split("`")[1].removeprefix("outputs.") if d.message.startswith("`") else d.message.split("'")[1]
        )
    return d.message.split("`")[-2]


def log(message: str, task_id: str = "log") -> str:
    return f"  - id: {task_id}\n    type: io.kestra.plugin.core.log.Log\n    message: {message}\n"


# FL301 unknown-output-ref ---------------------------------------------------------------------------


def test_fl301_typo_in_a_double_quoted_scalar() -> None:
    found = check("tasks:\n" + QUERY + log('"Rows: {{ outputs.qeury.size }}"'))
    d = only(found, "FL301")
    assert where(d) == (9, 32, 9, 37)
    assert d.message == "no task of this flow has the id 'qeury' (read as `outputs.qeury`)"
    assert d.help == "did you mean 'query'?"
    assert d.severity is Severity.ERROR
    assert d.yaml_path == "tasks[1].message"
    assert [(r.span.line, r.span.column, r.message) for r in d.related] == [(4, 9, "task 'query'")]


def test_fl301_did_you_mean_ignores_case_and_separators() -> None:
    found = check("tasks:\n" + log("x", "fetch_auth_token") + log("'{{ outputs.fetchAuthToken.accessToken }}'"))
    assert only(found, "FL301").help == "did you mean 'fetch_auth_token'?"


def test_fl301_plain_single_quoted_and_subscript_forms() -> None:
    body = (
        "tasks:\n" + log("x", "a") + log("see {{ outputs.nope.uri }}", "b") + log("'{{ outputs[''gone''].uri }}'", "c")
    )
    found = check(body)
    assert [(where(d), d.message) for d in of(found, "FL301")] == [
        ((9, 29, 9, 33), "no task of this flow has the id 'nope' (read as `outputs.nope`)"),
        ((12, 28, 12, 32), "no task of this flow has the id 'gone' (read as `outputs.gone`)"),
    ]


def test_fl301_literal_block_scalar_with_several_lines() -> None:
    body = """\
        tasks:
          - id: extract
            type: io.kestra.plugin.core.http.Download
            uri: https://example.com/a.csv
          - id: script
            type: io.kestra.plugin.scripts.shell.Commands
            commands:
              - |
                echo start
                cat {{ outputs.extract.uri }} \\
                  {{ outputs.extrakt.uri }}
                {% for f in outputs.missing.files %}{{ f }}{% endfor %}
        """
    found = check(body)
    assert [(where(d), d.help) for d in of(found, "FL301")] == [
        ((13, 22, 13, 29), "did you mean 'extract'?"),
        ((14, 29, 14, 36), None),
    ]
    assert {d.yaml_path for d in found} == {"tasks[1].commands[0]"}


def test_fl301_folded_and_multi_line_double_quoted_scalars() -> None:
    body = """\
        tasks:
          - id: a
            type: io.kestra.plugin.core.log.Log
            message: >-
              first line
              {{ outputs.b.value }}
          - id: c
            type: io.kestra.plugin.core.log.Log
            message: "one {{ outputs.a.value }}
              two {{ outputs.z.value }}"
        """
    found = check(body)
    assert [where(d) for d in of(found, "FL301")] == [(8, 18, 8, 19), (12, 22, 12, 23)]


def test_fl301_a_trigger_or_an_input_is_not_a_task() -> None:
    body = (
        "inputs:\n  - id: day\n    type: STRING\n"
        "tasks:\n" + log("'{{ outputs.day }} {{ outputs.nightly.date }}'") + "triggers:\n"
        "  - id: nightly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: '0 0 * * *'\n"
    )
    assert [d.help for d in check(body)] == [
        "'day' is an input: read it as `inputs.day`",
        "'nightly' is a trigger: a trigger's outputs are read as `trigger.<attribute>`",
    ]


def test_fl301_hyphenated_id_written_with_a_dot() -> None:
    found = check("tasks:\n" + log("x", "my-task") + log('"{{ outputs.my-task.value }}"', "b"))
    d = only(found, "FL301")
    assert where(d) == (9, 26, 9, 33)
    assert d.message == "`outputs.my-task` is read by Pebble as `outputs.my` minus `task`: no task has the id 'my'"
    assert d.help == "write `outputs['my-task']` for a task id with a hyphen"
    assert check("tasks:\n" + log("x", "my-task") + log("\"{{ outputs['my-task'].value }}\"", "b")) == []


def test_fl301_nested_tasks_and_every_task_list_count() -> None:
    body = """\
        tasks:
          - id: parallel
            type: io.kestra.plugin.core.flow.Parallel
            tasks:
              - id: in_parallel
                type: io.kestra.plugin.core.log.Log
                message: a
          - id: each
            type: io.kestra.plugin.core.flow.ForEach
            values: [1, 2]
            tasks:
              - id: in_each
                type: io.kestra.plugin.core.log.Log
                message: b
          - id: branch
            type: io.kestra.plugin.core.flow.If
            condition: "{{ true }}"
            then:
              - id: in_then
                type: io.kestra.plugin.core.log.Log
                message: c
            else:
              - id: in_else
                type: io.kestra.plugin.core.log.Log
                message: d
          - id: switch
            type: io.kestra.plugin.core.flow.Switch
            value: x
            cases:
              x:
                - id: in_case
                  type: io.kestra.plugin.core.log.Log
                  message: e
          - id: dag
            type: io.kestra.plugin.core.flow.Dag
            tasks:
              - task:
                  id: in_dag
                  type: io.kestra.plugin.core.log.Log
                  message: f
          - id: split
            type: io.kestra.plugin.core.flow.ForEachItem
            items: "{{ outputs.in_parallel.value }}"
            namespace: company.team
            flowId: child
          - id: use
            type: io.kestra.plugin.core.log.Log
            message: >
              {{ outputs.in_parallel }} {{ outputs.in_each }} {{ outputs.in_then }} {{ outputs.in_else }}
              {{ outputs.in_case }} {{ outputs.in_dag }} {{ outputs.split_merge.subflowOutputs }}
              {{ outputs.split_split }} {{ outputs.split_items }} {{ outputs.on_error }} {{ outputs.at_end }}
        errors:
          - id: on_error
            type: io.kestra.plugin.core.log.Log
            message: "{{ outputs.use }}"
        finally:
          - id: at_end
            type: io.kestra.plugin.core.log.Log
            message: "{{ outputs.after }}"
        afterExecution:
          - id: after
            type: io.kestra.plugin.core.log.Log
            message: "{{ outputs.at_end }}"
        outputs:
          - id: result
            type: STRING
            value: "{{ outputs.in_dag }} {{ outputs.unknown_in_flow_outputs }}"
        """
    found = check(body)
    assert [(d.yaml_path, d.message) for d in found] == [
        (
            "outputs[0].value",
            "no task of this flow has the id 'unknown_in_flow_outputs' (read as `outputs.unknown_in_flow_outputs`)",
        )
    ]


@pytest.mark.parametrize(
    "message",
    [
        "'{{ trigger.outputs.x }}'",
        "'{{ execution.outputs.x }}'",
        "'{{ parents[0].outputs.x }}'",
        "'{{ parent.outputs.x }}'",
        "'{{ outputs[taskrun.value].uri }}'",
        "'{{ outputs }}'",
        "'{{ outputs.gone ?? \"none\" }}'",
        "'{% if outputs.gone is defined %}{% endif %}'",
        "'{{ \"outputs.gone\" }}'",
        "'outputs.gone without braces'",
        "'{% raw %}{{ outputs.gone }}{% endraw %}'",
    ],
)
def test_fl301_not_a_reference_to_a_missing_task(message: str) -> None:
    assert check("tasks:\n" + log(message)) == []


def test_fl301_skips_description_triggers_and_subflow_outputs_but_reads_subflow_inputs() -> None:
    body = """\
        description: |
          Read `{{ outputs.in_the_docs.uri }}` in the child flow.
        tasks:
          - id: child
            type: io.kestra.plugin.core.flow.Subflow
            namespace: company.team
            flowId: child
            inputs:
              file: "{{ outputs.no_such_task.uri }}"
            outputs:
              extracted: "{{ outputs.task_of_the_child.value }}"
        triggers:
          - id: upstream
            type: io.kestra.plugin.core.trigger.Flow
            inputs:
              data: "{{ outputs.task_of_the_upstream_flow.value }}"
        """
    found = check(body)
    assert [(d.yaml_path, where(d)) for d in found] == [("tasks[0].inputs.file", (11, 25, 11, 37))]


def test_fl301_skips_blueprint_metadata_and_the_descriptions_of_tasks_inputs_and_outputs() -> None:
    body = """\
        extend:
          title: Pass data between tasks
          description: "Read `{{ outputs.in_the_blueprint.value }}` downstream."
        inputs:
          - id: day
            type: STRING
            description: "Defaults to {{ outputs.in_an_input.value }}"
        tasks:
          - id: hello
            type: io.kestra.plugin.core.log.Log
            description: "Logs {{ outputs.in_a_task_description.value }}"
            message: hi
          - id: ticket
            type: io.kestra.plugin.jira.issues.Create
            description: "{{ outputs.rendered_by_jira.value }}"
            payload:
              description: "{{ outputs.in_the_payload.value }}"
        outputs:
          - id: greeting
            type: STRING
            value: "{{ outputs.hello.value }}"
            description: "Copied from {{ outputs.in_an_output.value }}"
        """
    found = check(body)
    assert [(d.yaml_path, where(d)) for d in found] == [
        ("tasks[1].description", (17, 30, 17, 46)),
        ("tasks[1].payload.description", (19, 32, 19, 46)),
    ]


def test_fl301_a_template_task_makes_any_id_possible() -> None:
    body = "tasks:\n  - id: t\n    type: io.kestra.plugin.core.flow.Template\n    namespace: n\n    templateId: x\n"
    assert check(body + log("'{{ outputs.from_template.value }}'")) == []


def test_fl301_aliased_scalar_is_reported_once() -> None:
    body = "variables:\n  msg: &m '{{ outputs.gone.value }}'\ntasks:\n" + log("*m")
    assert [d.yaml_path for d in check(body)] == ["variables.msg"]


def test_fl301_can_be_switched_off_alone() -> None:
    body = "tasks:\n" + QUERY + "    fetchType: STORE\n" + log("'{{ outputs.gone }} {{ outputs.query.rows }}'")
    assert [d.code for d in check(body, codes=("FL302",))] == ["FL302"]
    assert [d.code for d in check(body, codes=("FL301",))] == ["FL301"]


# FL302 wrong-output-accessor ------------------------------------------------------------------------


def test_fl302_rows_from_a_task_that_stores() -> None:
    found = check("tasks:\n" + QUERY + "    fetchType: STORE\n" + log('"{{ outputs.query.rows }}"'))
    d = only(found, "FL302")
    assert where(d) == (10, 32, 10, 36)
    assert d.message == "task 'query' stores its result (fetchType: STORE): it outputs `uri`, not `rows`"
    assert d.help == "read `outputs.query.uri`, or change `fetchType`"
    assert [(r.span.line, r.span.column, r.message) for r in d.related] == [(7, 16, "fetchType: STORE here")]


def test_fl302_value_from_a_task_that_stores_and_uri_from_one_that_fetches() -> None:
    body = (
        "tasks:\n"
        + QUERY
        + "    store: true\n"
        + "  - id: fetcher\n    type: io.kestra.plugin.jdbc.mysql.Query\n    sql: SELECT 1\n    fetchType: FETCH_ONE\n"
        + log("\"{{ outputs.query.value }} {{ outputs['fetcher'].uri }} {{ outputs.fetcher['row'] }}\"")
    )
    found = of(check(body), "FL302")
    assert [(where(d), d.message) for d in found] == [
        ((14, 32, 14, 37), "task 'query' stores its result (store: true): it outputs `uri`, not `value`"),
        ((14, 63, 14, 66), "task 'fetcher' fetches one row (fetchType: FETCH_ONE): it outputs `row`, not `uri`"),
    ]
    assert found[0].help == "read `outputs.query.uri`, or change `store`"


def test_fl302_default_mode_is_named_in_the_message() -> None:
    found = check("tasks:\n" + QUERY + log("'{{ outputs.query.rows }}'"))
    d = only(found, "FL302")
    assert d.message == (
        "task 'query' sets no `fetchType`: flowlint assumes the default of JDBC queries, fetchType: NONE: "
        "it outputs no result, so `rows` does not exist"
    )
    assert d.help == "set `fetchType` to FETCH (rows), FETCH_ONE (row) or STORE (uri)"
    assert [r.message for r in d.related] == ["task 'query' (Query)"]


def test_fl302_default_store_of_dynamodb() -> None:
    body = "tasks:\n  - id: scan\n    type: io.kestra.plugin.aws.dynamodb.Scan\n    tableName: t\n"
    d = only(check(body + log("'{{ outputs.scan.rows }}'")), "FL302")
    assert d.message == (
        "task 'scan' sets no `fetchType`: flowlint assumes the default of DynamoDB reads, fetchType: STORE "
        "(it stores its result): it outputs `uri`, not `rows`"
    )
    assert d.help == "read `outputs.scan.uri`, or set `fetchType`"
    assert check(body + log("'{{ outputs.scan.uri }} {{ outputs.scan.size }}'")) == []


def test_fl302_flow_plugin_default_decides() -> None:
    body = (
        "pluginDefaults:\n  - type: io.kestra.plugin.jdbc\n    values:\n      fetchType: FETCH\n"
        "  - type: io.kestra.plugin.jdbc.postgresql.Query\n    values:\n      fetchType: STORE\n"
        "tasks:\n" + QUERY + log("'{{ outputs.query.rows }}'")
    )
    d = only(check(body), "FL302")
    assert d.message == (
        "task 'query' stores its result (fetchType: STORE in a flow plugin default): it outputs `uri`, not `rows`"
    )
    assert (d.related[0].span.line, d.related[0].span.column) == (9, 18)
    assert where(d) == (16, 32, 16, 36)


@pytest.mark.parametrize(
    ("setting", "attribute"),
    [
        ("fetchType: FETCH", "rows"),
        ("fetchType: fetch_one", "row"),
        ("fetchType: STORE", "uri"),
        ("fetch: true", "rows"),
        ("fetchOne: true", "row"),
        ("store: true", "uri"),
        ("store: false\n    fetchType: STORE", "uri"),
    ],
)
def test_fl302_the_right_accessor_is_fine(setting: str, attribute: str) -> None:
    body = (
        "tasks:\n"
        + QUERY
        + f"    {setting}\n"
        + log(f"'{{{{ outputs.query.{attribute} }}}} {{{{ outputs.query.size }}}}'")
    )
    assert check(body) == []


@pytest.mark.parametrize(
    "setting",
    [
        'fetchType: "{{ inputs.mode }}"',  # decided at run time
        "fetch: true\n    store: true",  # two legacy booleans: the plugins disagree on which wins
        "fetchType: SOMETHING",  # invalid: Kestra rejects the flow for that, not FL302
        'store: "{{ inputs.store }}"',
    ],
)
def test_fl302_unknown_mode_reports_nothing(setting: str) -> None:
    body = "tasks:\n" + QUERY + f"    {setting}\n" + log("'{{ outputs.query.uri }} {{ outputs.query.rows }}'")
    assert check(body) == []


def test_fl302_guarded_reads_are_not_judged() -> None:
    body = "tasks:\n" + QUERY + "    fetchType: STORE\n"
    guarded = "'{% if outputs.query.rows is defined %}{{ outputs.query.rows }}{% endif %}{{ outputs.query.row ?? 1 }}'"
    assert check(body + log(guarded)) == []


def test_fl302_loop_children_are_indexed_by_the_iteration_value() -> None:
    body = """\
        tasks:
          - id: each
            type: io.kestra.plugin.core.flow.ForEach
            values: [a, b]
            tasks:
              - id: inner
                type: io.kestra.plugin.jdbc.postgresql.Query
                sql: SELECT 1
                fetchType: FETCH
              - id: log
                type: io.kestra.plugin.core.log.Log
                message: |
                  {{ outputs.inner[taskrun.value].uri }}
                  {{ outputs['inner']['a']['uri'] }}
                  {{ outputs.inner[taskrun.value].rows }}
                  {{ outputs.inner.uri }}
                  {{ outputs.inner['uri'] }}
        """
    found = check(body)
    assert [(where(d), d.help) for d in found] == [
        ((15, 43, 15, 46), "read `rows` instead, or change `fetchType`"),
        ((16, 37, 16, 40), "read `rows` instead, or change `fetchType`"),
    ]


def test_fl302_nested_loops_need_one_index_each() -> None:
    body = """\
        tasks:
          - id: outer
            type: io.kestra.plugin.core.flow.EachSequential
            value: [1, 2]
            tasks:
              - id: inner_loop
                type: io.kestra.plugin.core.flow.EachParallel
                value: [3, 4]
                tasks:
                  - id: q
                    type: io.kestra.plugin.aws.athena.Query
                    database: d
                    outputLocation: s3://b
                    query: SELECT 1
        finally:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: "{{ outputs.q['1']['3'].rows }} {{ outputs.q['1'].rows }}"
        """
    found = check(body)
    assert [where(d) for d in found] == [(20, 38, 20, 42)]


def test_fl302_reads_the_result_mode_of_mongodb_neo4j_and_elasticsearch_tasks() -> None:
    body = """\
        tasks:
          - id: find
            type: io.kestra.plugin.mongodb.Find
            store: true
          - id: agg
            type: io.kestra.plugin.mongodb.Aggregate
            store: FETCH_ONE
          - id: graph
            type: io.kestra.plugin.neo4j.Query
            storeType: FETCHONE
          - id: search
            type: io.kestra.plugin.elasticsearch.Search
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: >-
              {{ outputs.find.rows }} {{ outputs.agg.row }} {{ outputs.graph.rows }} {{ outputs.search.uri }}
              {{ outputs.find.uri }} {{ outputs.agg.rows }} {{ outputs.graph.row }} {{ outputs.search.rows }}
        """
    assert [d.message for d in check(body)] == [
        "task 'find' stores its result (store: true): it outputs `uri`, not `rows`",
        "task 'agg' fetches its rows (store: FETCH_ONE): it outputs `rows`, not `row`",
        "task 'graph' fetches one row (storeType: FETCHONE): it outputs `row`, not `rows`",
        "task 'search' sets no `fetchType`: flowlint assumes the default of Elasticsearch and OpenSearch searches, "
        "fetchType: FETCH (it fetches its rows): it outputs `rows`, not `uri`",
    ]


def test_fl302_tasks_outside_the_table_and_other_attributes_are_not_judged() -> None:
    body = "tasks:\n" + QUERY + "    fetchType: STORE\n" + log("x", "dl")
    message = "'{{ outputs.query.size }} {{ outputs.query.jobId }} {{ outputs.dl.rows }} {{ outputs.query }}'"
    assert check(body + log(message)) == []


def test_family_table_matches_types_by_pattern_and_is_what_flowlint_rule_fl302_prints() -> None:
    assert family_of("io.kestra.plugin.jdbc.duckdb.Query") is FAMILIES[0]
    assert family_of("io.kestra.plugin.jdbc.duckdb.Queries") is None
    assert family_of("io.kestra.plugin.jdbc.postgresql.Trigger") is None
    table = families_table()
    for family in FAMILIES:
        assert family.name in table
        assert all(t in table for t in family.types)
    assert families_table() in RULES_BY_CODE["FL302"].explanation  # `flowlint rule FL302` prints it


# The real flows of ../shared/corpus -----------------------------------------------------------------

needs_corpus = pytest.mark.skipif(not (CORPUS / "flows").is_dir(), reason="shared corpus absent")

# Every FL301/FL302 finding on the corpus flows; each one was read and is a real mistake (see the
# closing note of the issue): renamed tasks in examples, a test flow that means to fail, `outputs.a-b`.
CORPUS_FINDINGS = {
    ("kestra-io+examples/aws_dynamodb__scanDynamoDBTable.yml", 16, 24, "FL301"),
    ("kestra-io+examples/blueprints__133.yml", 21, 28, "FL301"),
    ("kestra-io+examples/blueprints__201.yml", 19, 23, "FL301"),
    ("kestra-io+examples/blueprints__47.yml", 14, 23, "FL301"),
    ("kestra-io+examples/blueprints__95.yml", 24, 43, "FL301"),
    ("kestra-io+examples/blueprints__95.yml", 36, 27, "FL301"),
    ("kestra-io+examples/blueprints_published__47_azureBlobUpload.yml", 22, 23, "FL301"),
    ("kestra-io+examples/duckdb__duckDbAnalyzeCsv.yml", 25, 23, "FL301"),
    ("kestra-io+examples/duckdb__duckDbQueryToCsv.yml", 26, 50, "FL302"),
    ("kestra-io+examples/examples__flows__python__dockerGcp.yml", 41, 42, "FL301"),
    ("kestra-io+examples/examples__snowflake__stage.yml", 18, 30, "FL301"),
    ("kestra-io+kestra/core__src__test__resources__flows__valids__task-runif.yml", 20, 24, "FL301"),
    ("kestra-io+plugin-aws/src__test__resources__flows__example.yml", 13, 22, "FL301"),
    ("kestra-io+plugin-jdbc/plugin-jdbc-db2__src__test__resources__flows__read_db2.yml", 14, 24, "FL301"),
    ("kestra-io+plugin-jdbc/plugin-jdbc-mariadb__src__test__resources__flows__read_mysql.yml", 14, 24, "FL301"),
    ("kestra-io+plugin-jdbc/plugin-jdbc-mysql__src__test__resources__flows__read_mysql.yml", 14, 24, "FL301"),
    ("kestra-io+plugin-jdbc/plugin-jdbc-sybase__src__test__resources__flows__read_sybase.yml", 14, 24, "FL301"),
}


@pytest.fixture(scope="module")
def corpus_results() -> dict[str, Any]:
    linter = Linter(Settings(), load_catalog(), enabled_codes(["FL301", "FL302"]))
    flows = CORPUS / "flows"
    return {
        path.relative_to(flows).as_posix(): linter.lint_path(path, str(path)) for path in sorted(flows.rglob("*.yml"))
    }


@needs_corpus
def test_corpus_findings_are_exactly_the_reviewed_ones(corpus_results: dict[str, Any]) -> None:
    found = {
        (name, d.span.line, d.span.column, d.code)
        for name, result in corpus_results.items()
        for d in result.diagnostics
    }
    assert found == CORPUS_FINDINGS


@needs_corpus
def test_corpus_findings_point_at_the_id_or_attribute_in_the_source(corpus_results: dict[str, Any]) -> None:
    for name, result in corpus_results.items():
        text = (CORPUS / "flows" / name).read_text("utf-8-sig")
        for d in result.diagnostics:
            assert text[d.span.start_offset : d.span.end_offset] == named(d), (name, d.message)


@needs_corpus
@pytest.mark.parametrize(
    "name",
    [
        "kestra-io+examples/ForEachItem__0_orders_parallel.yml",  # ForEachItem _merge, flow outputs, docs
        "kestra-io+examples/blueprints_published__44_passDataBetweenTasks.yml",  # script vars, outputFiles
        "kestra-io+kestra/core__src__test__resources__flows__valids__current-output.yml",  # nested loops
        "kestra-io+kestra/core__src__test__resources__flows__valids__task-flow.yml",  # Subflow outputs, ??
        "kestra-io+kestra/core__src__test__resources__flows__valids__trigger-flow-listener.yml",  # Flow trigger
        "kestra-io+kestra/core__src__test__resources__flows__valids__for-each-item-outputs.yml",
        "kestra-io+airflow-to-kestra-migration/kestra__flows__dag_factory.yml",
    ],
)
def test_corpus_flows_heavy_on_outputs_have_no_finding(name: str, corpus_results: dict[str, Any]) -> None:
    assert corpus_results[name].diagnostics == ()


@needs_corpus
def test_corpus_references_are_read(corpus_results: dict[str, Any]) -> None:
    """The reader really sees the references of the corpus (a reader that saw none would find nothing)."""
    from flowlint.flow import is_flow_document, read_flow
    from flowlint.pebble import output_refs
    from flowlint.rules.outputs_walk import strings_with_expressions
    from flowlint.scalar_text import scalar_text
    from flowlint.source import parse

    seen = 0
    for name in corpus_results:
        source = parse(name, (CORPUS / "flows" / name).read_text("utf-8-sig"))
        for index, document in enumerate(source.documents):
            if is_flow_document(document):
                for node, _ in strings_with_expressions(read_flow(document, index), source.text):  # type: ignore[arg-type]
                    seen += len(output_refs(scalar_text(source.text, node).text))
    assert seen > 750


@needs_corpus
def test_blueprint_with_block_scalars_exact_positions() -> None:
    path = CORPUS / "flows" / "kestra-io+examples" / "blueprints__95.yml"
    result = Linter(Settings(), load_catalog(), enabled_codes(["FL301"])).lint_path(path, "b.yml")
    assert [(where(d), d.help) for d in result.diagnostics] == [
        ((24, 43, 24, 56), "did you mean 'create_cluster'?"),
        ((36, 27, 36, 40), "did you mean 'create_cluster'?"),
    ]
