"""Generate a realistic repository of Kestra flows for benchmarks.

    python bench/generate.py OUT_DIR --flows N [--seed S]

Writes ``OUT_DIR/<namespace>/<flow_id>.yml`` (a few ``.yaml``): flows of 30 to 300 lines (most under
100) in namespace folders, with nested Parallel/Sequential/If/Switch/ForEach/Dag/WorkingDirectory/
AllowFailure tasks, script tasks with ``taskRunner`` blocks and block scalars, JDBC/cloud/serdes/
notification tasks, triggers with conditions, flow ``pluginDefaults``, plugin versions that are pinned,
partial (``"1.15"``, ``"2"``), keywords (``LATEST``, ``oldest``) or not installed, Pebble expressions and
comments. The types and versions exist in flowlint's bundled catalog of official plugins, so a run
without ``--manifest`` resolves them; a few versions are deliberately not released (FL102) or unquoted
(FL107), a few types are deprecated aliases (FL108), as in real repositories.

Across files the repository holds together, as a deployed one does: a Subflow task or a Flow trigger names a
flow generated before it (with the inputs that flow declares, its FILE input passed), and a flow reads
``inputs.x`` only for the inputs it declares.

About 5% of the flows are broken (exactly ``round(N * 0.05)``, at least one from 10 flows on): a YAML
syntax error (FL001), a duplicate task id (FL005) or an unknown type (FL101), a third of each.
``OUT_DIR/bench-flows.json`` lists them (path relative to OUT_DIR -> kind).

Deterministic: the same ``--flows`` and ``--seed`` write the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

BROKEN_SHARE = 0.05
BROKEN_KINDS = ("yaml-syntax", "duplicate-id", "unknown-type")
EXPECTED_CODE = {"yaml-syntax": "FL001", "duplicate-id": "FL005", "unknown-type": "FL101"}
MANIFEST_NAME = "bench-flows.json"
MIN_LINES, MAX_LINES = 30, 300

# --- plugins: package -> (released versions to pin, partial versions) -------------------------------
# Every pinned version below is released and contains the types used with it (checked against
# flowlint/data/catalog.json when this file was written).
PLUGINS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "io.kestra.plugin.scripts.python": (("1.9.8", "1.9.7", "1.9.6"), ("1.9", "1")),
    "io.kestra.plugin.scripts.shell": (("1.9.8", "1.9.7", "1.9.6"), ("1.9", "1")),
    "io.kestra.plugin.scripts.node": (("1.9.8", "1.9.6"), ("1.9", "1")),
    "io.kestra.plugin.jdbc.postgresql": (("1.15.5", "1.15.4", "1.15.3"), ("1.15", "1")),
    "io.kestra.plugin.jdbc.snowflake": (("1.15.5", "1.15.4"), ("1.15", "1")),
    "io.kestra.plugin.jdbc.duckdb": (("1.15.5", "1.15.3"), ("1.15", "1")),
    "io.kestra.plugin.jdbc.mysql": (("1.15.5", "1.15.4"), ("1.15", "1")),
    "io.kestra.plugin.aws.s3": (("2.8.2", "2.8.1", "2.8.0"), ("2.8", "2")),
    "io.kestra.plugin.gcp.bigquery": (("2.11.0", "2.10.1", "2.10.0"), ("2.10", "2")),
    "io.kestra.plugin.gcp.gcs": (("2.11.0", "2.10.1"), ("2.10", "2")),
    "io.kestra.plugin.azure.storage.blob": (("2.6.3", "2.6.2"), ("2.6", "2")),
    "io.kestra.plugin.serdes.csv": (("1.10.2", "1.10.1", "1.10.0"), ("1.10", "1")),
    "io.kestra.plugin.serdes.json": (("1.10.2", "1.10.0"), ("1.10", "1")),
    "io.kestra.plugin.notifications.slack": (("1.3.0", "1.2.0"), ("1",)),
    "io.kestra.plugin.dbt.cli": (("1.7.3", "1.7.2"), ("1.7", "1")),
    "io.kestra.plugin.git": (("2.0.11", "2.0.10"), ("2.0", "2")),
    "io.kestra.plugin.kafka": (("1.8.3", "1.8.2"), ("1.8", "1")),
    "io.kestra.plugin.fs.sftp": (("2.11.1", "2.11.0"), ("2.11", "2")),
    "io.kestra.plugin.mongodb": (("1.4.4", "1.4.3"), ("1.4", "1")),
    "io.kestra.plugin.transform.jsonata": (("1.5.7", "1.5.6"), ("1.5", "1")),
}
KEYWORDS = ("LATEST", "LATEST", "latest", "OLDEST")

TEAMS = ("data", "marketing", "finance", "ops", "sales", "platform", "ml", "hr", "growth", "security")
DOMAINS = ("etl", "reporting", "ingest", "sync", "alerts", "exports", "quality", "billing", "crm", "infra")
COMPANIES = ("company", "acme", "globex")
VERBS = ("load", "sync", "export", "ingest", "refresh", "compute", "check", "notify", "archive", "score")
NOUNS = (
    "orders",
    "customers",
    "invoices",
    "events",
    "sessions",
    "payments",
    "leads",
    "inventory",
    "shipments",
    "metrics",
    "users",
    "tickets",
    "campaigns",
    "products",
    "refunds",
    "subscriptions",
)
TABLES = ("orders", "customers", "events", "daily_revenue", "fact_sales", "dim_product", "stg_payments")
IMAGES = ("python:3.12-slim", "ghcr.io/kestra-io/pydata:latest", "python:3.11", "node:20-alpine", "ubuntu:24.04")
ENVS = ("dev", "staging", "prod")


class Writer:
    """Lines of one flow, with the places a syntax error may be planted."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.plain: list[int] = []
        """Indices of ``key: plain-value`` lines outside block scalars."""
        self.types: list[int] = []
        """Indices of ``type:`` lines of leaf tasks."""
        self.task_ids: list[int] = []
        """Indices of the ``id:`` lines of tasks."""

    def add(
        self, indent: int, text: str, *, plain: bool = False, leaf_type: bool = False, task_id: bool = False
    ) -> None:
        if task_id:
            self.task_ids.append(len(self.lines))
        if plain:
            self.plain.append(len(self.lines))
        if leaf_type:
            self.types.append(len(self.lines))
        self.lines.append(" " * indent + text)

    def block(self, indent: int, key: str, body: list[str], style: str = "|") -> None:
        self.add(indent, f"{key}: {style}")
        for line in body:
            self.lines.append(" " * (indent + 2) + line if line else "")

    def extend(self, other: Writer) -> None:
        offset = len(self.lines)
        self.plain += [index + offset for index in other.plain]
        self.types += [index + offset for index in other.types]
        self.task_ids += [index + offset for index in other.task_ids]
        self.lines += other.lines

    def __len__(self) -> int:
        return len(self.lines)


class FlowMaker:
    """Makes one flow; ``rng`` decides everything."""

    def __init__(
        self,
        rng: random.Random,
        flow_id: str,
        namespace: str,
        target_lines: int,
        dup_id: bool,
        earlier: list[tuple[str, str, tuple[str, ...]]] | None = None,
    ) -> None:
        self.rng = rng
        self.earlier = earlier or []
        """(namespace, id, input ids) of the flows made before this one: what its calls and triggers name."""
        self.flow_id = flow_id
        self.namespace = namespace
        self.target = target_lines
        self.w = Writer()
        self.ids: list[str] = []
        self.leaf_ids: list[str] = []
        self.dup_id = dup_id
        self.inputs: list[str] = []
        self.defaults_for: list[str] = []
        self.bare = False
        self.trigger_ids: list[str] = []

    # --- helpers -------------------------------------------------------------------------------------
    def pick(self, seq: tuple[str, ...] | list[str]) -> str:
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def new_id(self, stem: str) -> str:
        if self.dup_id and len(self.ids) >= 2 and self.chance(0.5):
            self.dup_id = False
            return self.ids[self.rng.randrange(len(self.ids))]
        base = stem
        n = 2
        while base in self.ids:
            base = f"{stem}_{n}"
            n += 1
        self.ids.append(base)
        return base

    def trigger_id(self, stem: str) -> str:
        name = stem
        while name in self.trigger_ids:
            name = f"{stem}_{len(self.trigger_ids) + 1}"
        self.trigger_ids.append(name)
        return name

    def prev_output(self) -> str:
        if self.leaf_ids:
            return "{{ outputs." + self.pick(self.leaf_ids) + ".uri }}"
        return "{{ inputs.file }}"

    def day_expr(self) -> str:
        return self.pick(
            (
                "{{ trigger.date ?? execution.startDate | date('yyyy-MM-dd') }}",
                "{{ inputs.day }}",
                "{{ now() | dateAdd(-1, 'DAYS') | date('yyyy-MM-dd') }}",
                "{{ execution.startDate | date('yyyy-MM-dd') }}",
            )
        )

    def version_line(self, w: Writer, indent: int, package: str) -> None:
        """Maybe a ``version:`` for a task of ``package``."""
        if package not in PLUGINS or not self.chance(0.35):
            return
        pinned, partial = PLUGINS[package]
        r = self.rng.random()
        if r < 0.45:
            text = f'"{self.pick(pinned)}"'
        elif r < 0.70:
            text = f'"{self.pick(partial)}"'
        elif r < 0.88:
            text = self.pick(KEYWORDS)
        elif r < 0.94:
            text = self.pick(pinned)  # x.y.z unquoted: still a string for YAML
        elif r < 0.97:
            major, minor = pinned[0].split(".")[:2]
            text = f'"{major}.{minor}.99"'  # never released: FL102
        else:
            text = ".".join(pinned[0].split(".")[:2])  # unquoted float: FL107
        w.add(indent, f"version: {text}", plain=True)

    # --- leaf tasks ----------------------------------------------------------------------------------
    def leaf(self, indent: int) -> None:
        makers: list[tuple[float, Callable[[int], None]]] = [
            (8, self.t_log),
            (3, self.t_return),
            (4, self.t_http),
            (9, self.t_python),
            (6, self.t_shell),
            (2, self.t_node),
            (10, self.t_jdbc),
            (5, self.t_s3),
            (5, self.t_bigquery),
            (2, self.t_gcs),
            (2, self.t_blob),
            (5, self.t_serdes),
            (4, self.t_slack),
            (3, self.t_dbt),
            (2, self.t_git),
            (2, self.t_kafka),
            (2, self.t_sftp),
            (2, self.t_mongo),
            (2, self.t_jsonata),
            (3, self.t_subflow),
            (2, self.t_kv),
            (2, self.t_labels),
            (2, self.t_outputs),
        ]
        total = sum(weight for weight, _ in makers)
        r = self.rng.random() * total
        for weight, make in makers:
            r -= weight
            if r < 0:
                make(indent)
                return
        makers[0][1](indent)

    def head(self, indent: int, stem: str, type_name: str, *, leaf: bool = True) -> int:
        """``- id:`` and ``type:`` lines; returns the indent of the task's other properties."""
        w = self.w
        task_id = self.new_id(stem)
        if self.chance(0.06):
            w.add(indent, f"# {self.pick(('TODO', 'NOTE', 'FIXME'))}: {self.pick(VERBS)} {self.pick(NOUNS)} first")
        if self.bare:  # a Dag entry's ``task:`` mapping
            self.bare = False
            w.add(indent, f"id: {task_id}", task_id=True)
        else:
            w.add(indent, f"- id: {task_id}", task_id=True)
            indent += 2
        w.add(indent, f"type: {type_name}", leaf_type=leaf)
        if leaf:
            self.leaf_ids.append(task_id)
        if self.chance(0.05):
            w.add(indent, f"description: {self.pick(VERBS).capitalize()} the {self.pick(NOUNS)}", plain=True)
        return indent

    def t_log(self, indent: int) -> None:
        i = self.head(indent, "log", "io.kestra.plugin.core.log.Log")
        if self.chance(0.3):
            self.w.add(i, "message:")
            for _ in range(self.rng.randint(2, 4)):
                self.w.add(i + 2, f'- "{self.pick(NOUNS)}: {self.prev_output()}"')
        else:
            msg = self.pick(("Processing", "Finished", "Starting", "Loaded"))
            self.w.add(i, f'message: "{msg} {{{{ flow.namespace }}}}.{{{{ flow.id }}}} for {self.day_expr()}"')
        if self.chance(0.2):
            self.w.add(i, f"level: {self.pick(('INFO', 'WARN', 'DEBUG'))}", plain=True)

    def t_return(self, indent: int) -> None:
        i = self.head(indent, "compute", "io.kestra.plugin.core.debug.Return")
        self.w.add(i, "format: \"{{ execution.id }}-{{ taskrun.startDate | date('HHmmss') }}\"")

    def t_http(self, indent: int) -> None:
        i = self.head(indent, "api_call", "io.kestra.plugin.core.http.Request")
        w = self.w
        w.add(i, f"uri: https://api.example.com/v2/{self.pick(NOUNS)}?since={{{{ inputs.day }}}}")
        method = self.pick(("GET", "POST", "PUT"))
        w.add(i, f"method: {method}", plain=True)
        w.add(i, "headers:")
        w.add(i + 2, "Authorization: \"Bearer {{ secret('API_TOKEN') }}\"")
        w.add(i + 2, "Accept: application/json", plain=True)
        if method != "GET":
            w.add(i, "contentType: application/json", plain=True)
            w.block(i, "body", ["{", f'  "{self.pick(NOUNS)}": "{{{{ outputs | json }}}}",', '  "dryRun": false', "}"])
        if self.chance(0.3):
            w.add(i, "options:")
            w.add(i + 2, f"readTimeout: PT{self.rng.randint(10, 120)}S", plain=True)

    def runner(self, i: int) -> None:
        w = self.w
        r = self.rng.random()
        if r < 0.45:
            w.add(i, "taskRunner:")
            w.add(i + 2, "type: io.kestra.plugin.scripts.runner.docker.Docker")
            if self.chance(0.4):
                w.add(i + 2, f"pullPolicy: {self.pick(('IF_NOT_PRESENT', 'ALWAYS'))}", plain=True)
            if self.chance(0.3):
                w.add(i + 2, "cpu:")
                w.add(i + 4, f"cpus: {self.rng.randint(1, 4)}", plain=True)
                w.add(i + 2, f"memory: {{memory: {self.pick(('512MB', '1GB', '2GB'))}}}")
        elif r < 0.65:
            w.add(i, "taskRunner:")
            w.add(i + 2, "type: io.kestra.plugin.core.runner.Process")
        if self.chance(0.6):
            w.add(i, f"containerImage: {self.pick(IMAGES)}", plain=True)

    def t_python(self, indent: int) -> None:
        kind = self.pick(("Script", "Script", "Commands"))
        package = "io.kestra.plugin.scripts.python"
        i = self.head(indent, self.pick(("transform", "score", "clean", "enrich")), f"{package}.{kind}")
        w = self.w
        self.version_line(w, i, package)
        self.runner(i)
        if self.chance(0.5):
            w.add(i, "beforeCommands:")
            for dep in self.rng.sample(["pandas", "requests", "kestra", "polars", "duckdb", "pyarrow"], 2):
                w.add(i + 2, f"- pip install {dep}")
        if self.chance(0.3):
            w.add(i, "inputFiles:")
            w.add(i + 2, f'data.csv: "{self.prev_output()}"')
        if kind == "Commands":
            w.add(i, "commands:")
            for _ in range(self.rng.randint(1, 3)):
                w.add(i + 2, f"- python {self.pick(('main.py', 'etl/run.py', 'score.py'))} --day {{{{ inputs.day }}}}")
        else:
            body = ["import json", "from kestra import Kestra", ""]
            n = self.rng.randint(3, 22)
            body.append(f"rows = [{{'id': i, 'value': i * {self.rng.randint(2, 9)}}} for i in range({n * 10})]")
            for k in range(n):
                body.append(f"total_{k} = sum(r['value'] for r in rows if r['id'] % {k + 2} == 0)")
            body.append("Kestra.outputs({'count': len(rows), 'day': '{{ inputs.day }}'})")
            w.block(i, "script", body)
        if self.chance(0.4):
            w.add(i, "outputFiles:")
            w.add(i + 2, "- " + self.pick(("'*.csv'", "out.json", "report.parquet", '"*.parquet"')))
        if self.chance(0.2):
            w.add(i, "retry:")
            w.add(i + 2, "type: constant", plain=True)
            w.add(i + 2, f"maxAttempts: {self.rng.randint(2, 5)}", plain=True)
            w.add(i + 2, "interval: PT30S", plain=True)

    def t_shell(self, indent: int) -> None:
        package = "io.kestra.plugin.scripts.shell"
        i = self.head(indent, self.pick(("run", "prepare", "cleanup", "fetch")), f"{package}.Commands")
        w = self.w
        self.version_line(w, i, package)
        self.runner(i)
        w.add(i, "commands:")
        for _ in range(self.rng.randint(2, 6)):
            cmd = self.pick(
                (
                    "echo '{{ inputs.day }}' > day.txt",
                    "curl -sSf https://example.com/data.csv -o data.csv",
                    "wc -l data.csv",
                    "gzip -9 out.csv",
                    "ls -la",
                    "test -s data.csv",
                )
            )
            w.add(i + 2, f'- "{cmd}"' if ":" in cmd else f"- {cmd}")
        if self.chance(0.3):
            w.add(i, "env:")
            w.add(i + 2, f"ENV: {self.pick(ENVS)}", plain=True)
            w.add(i + 2, "TOKEN: \"{{ secret('SHELL_TOKEN') }}\"")

    def t_node(self, indent: int) -> None:
        package = "io.kestra.plugin.scripts.node"
        i = self.head(indent, "render", f"{package}.Script")
        self.version_line(self.w, i, package)
        self.runner(i)
        self.w.block(
            i,
            "script",
            ["const data = require('./data.json');", "console.log(JSON.stringify({count: data.length}));"],
        )

    def t_jdbc(self, indent: int) -> None:
        db = self.pick(("postgresql", "postgresql", "snowflake", "duckdb", "mysql"))
        package = f"io.kestra.plugin.jdbc.{db}"
        kind = self.pick(("Query", "Query", "Queries"))
        i = self.head(indent, self.pick(("extract", "query", "upsert", "aggregate")), f"{package}.{kind}")
        w = self.w
        self.version_line(w, i, package)
        if package not in self.defaults_for:
            if db == "duckdb":
                w.add(i, "url: 'jdbc:duckdb:'")
            else:
                w.add(i, f"url: jdbc:{db}://{db}.internal:5432/{self.pick(TEAMS)}", plain=True)
                w.add(i, "username: \"{{ secret('DB_USER') }}\"")
                w.add(i, "password: \"{{ secret('DB_PASSWORD') }}\"")
        table = self.pick(TABLES)
        sql = [f"SELECT {self.pick(('*', 'id, amount, created_at', 'count(*) AS n'))}", f"FROM {table}"]
        sql.append("WHERE created_at >= '{{ inputs.day }}'")
        if self.chance(0.5):
            sql += ["  AND status = 'done'", "GROUP BY 1", "ORDER BY 1 DESC"]
        w.block(i, "sql", sql)
        w.add(i, f"fetchType: {self.pick(('STORE', 'FETCH_ONE', 'FETCH', 'NONE'))}", plain=True)

    def t_s3(self, indent: int) -> None:
        kind = self.pick(("Upload", "Download", "List"))
        package = "io.kestra.plugin.aws.s3"
        i = self.head(indent, f"s3_{kind.lower()}", f"{package}.{kind}")
        w = self.w
        self.version_line(w, i, package)
        if package not in self.defaults_for:
            w.add(i, "accessKeyId: \"{{ secret('AWS_ACCESS_KEY_ID') }}\"")
            w.add(i, "secretKeyId: \"{{ secret('AWS_SECRET_KEY_ID') }}\"")
            w.add(i, f"region: {self.pick(('eu-west-1', 'us-east-1', 'eu-central-1'))}", plain=True)
        w.add(i, f"bucket: {self.pick(TEAMS)}-{self.pick(ENVS)}-lake", plain=True)
        if kind == "Upload":
            w.add(i, f'from: "{self.prev_output()}"')
            w.add(i, f'key: "raw/{self.pick(NOUNS)}/{{{{ inputs.day }}}}.csv"')
        elif kind == "Download":
            w.add(i, f"key: raw/{self.pick(NOUNS)}/latest.csv", plain=True)
        else:
            w.add(i, f"prefix: raw/{self.pick(NOUNS)}/", plain=True)

    def t_bigquery(self, indent: int) -> None:
        package = "io.kestra.plugin.gcp.bigquery"
        kind = self.pick(("Query", "Query", "Load"))
        i = self.head(indent, f"bq_{kind.lower()}", f"{package}.{kind}")
        w = self.w
        self.version_line(w, i, package)
        if package not in self.defaults_for:
            w.add(i, f"projectId: {self.pick(TEAMS)}-analytics", plain=True)
            w.add(i, "serviceAccount: \"{{ secret('GCP_SERVICE_ACCOUNT_JSON') }}\"")
        if kind == "Query":
            w.block(
                i,
                "sql",
                [
                    f"SELECT date, SUM(amount) AS total FROM `analytics.{self.pick(TABLES)}`",
                    "WHERE date = '{{ inputs.day }}'",
                    "GROUP BY date",
                ],
            )
            if self.chance(0.5):
                w.add(i, f"destinationTable: analytics.{self.pick(TABLES)}", plain=True)
                w.add(i, "writeDisposition: WRITE_TRUNCATE", plain=True)
        else:
            w.add(i, f'from: "{self.prev_output()}"')
            w.add(i, f"destinationTable: staging.{self.pick(TABLES)}", plain=True)
            w.add(i, "format: CSV", plain=True)
            w.add(i, "csvOptions:")
            w.add(i + 2, "fieldDelimiter: ','")
            w.add(i + 2, "skipLeadingRows: 1", plain=True)

    def t_gcs(self, indent: int) -> None:
        package = "io.kestra.plugin.gcp.gcs"
        i = self.head(indent, "gcs_upload", f"{package}.Upload")
        self.version_line(self.w, i, package)
        self.w.add(i, f'from: "{self.prev_output()}"')
        self.w.add(i, f'to: "gs://{self.pick(TEAMS)}-bucket/{{{{ inputs.day }}}}/data.csv"')

    def t_blob(self, indent: int) -> None:
        package = "io.kestra.plugin.azure.storage.blob"
        i = self.head(indent, "blob_upload", f"{package}.Upload")
        w = self.w
        self.version_line(w, i, package)
        w.add(i, f"endpoint: https://{self.pick(TEAMS)}store.blob.core.windows.net", plain=True)
        w.add(i, "connectionString: \"{{ secret('AZURE_CONNECTION_STRING') }}\"")
        w.add(i, f"container: {self.pick(NOUNS)}", plain=True)
        w.add(i, f'from: "{self.prev_output()}"')
        w.add(i, f'name: "{self.pick(NOUNS)}/{{{{ execution.id }}}}.csv"')

    def t_serdes(self, indent: int) -> None:
        package, kind = self.pick((("csv", "CsvToIon"), ("csv", "IonToCsv"), ("json", "IonToJson")))  # type: ignore[arg-type]
        full = f"io.kestra.plugin.serdes.{package}"
        i = self.head(indent, f"to_{kind[-3:].lower()}", f"{full}.{kind}")
        self.version_line(self.w, i, full)
        self.w.add(i, f'from: "{self.prev_output()}"')

    def t_slack(self, indent: int) -> None:
        package = "io.kestra.plugin.notifications.slack"
        i = self.head(indent, "notify", f"{package}.SlackIncomingWebhook")
        w = self.w
        self.version_line(w, i, package)
        w.add(i, "url: \"{{ secret('SLACK_WEBHOOK') }}\"")
        w.block(
            i,
            "payload",
            [
                "{",
                f'  "channel": "#{self.pick(TEAMS)}-alerts",',
                '  "text": "{{ flow.namespace }}.{{ flow.id }} finished: {{ execution.state }}'
                '{% if inputs.day is defined %} for {{ inputs.day }}{% endif %}"',
                "}",
            ],
        )

    def t_dbt(self, indent: int) -> None:
        package = "io.kestra.plugin.dbt.cli"
        i = self.head(indent, "dbt_build", f"{package}.DbtCLI")
        w = self.w
        self.version_line(w, i, package)
        self.runner(i)
        w.add(i, "commands:")
        w.add(i + 2, "- dbt deps")
        w.add(i + 2, f"- dbt build --target {self.pick(ENVS)}")
        w.block(
            i,
            "profiles",
            [
                "analytics:",
                "  outputs:",
                "    dev:",
                "      type: duckdb",
                "      path: ':memory:'",
                "  target: dev",
            ],
        )

    def t_git(self, indent: int) -> None:
        package = "io.kestra.plugin.git"
        i = self.head(indent, "clone", f"{package}.Clone")
        self.version_line(self.w, i, package)
        self.w.add(i, f"url: https://github.com/{self.pick(COMPANIES)}/{self.pick(DOMAINS)}-jobs", plain=True)
        self.w.add(i, f"branch: {self.pick(('main', 'develop', 'release'))}", plain=True)

    def t_kafka(self, indent: int) -> None:
        package = "io.kestra.plugin.kafka"
        i = self.head(indent, "publish", f"{package}.Produce")
        w = self.w
        self.version_line(w, i, package)
        w.add(i, "properties:")
        w.add(i + 2, "bootstrap.servers: kafka.internal:9092", plain=True)
        w.add(i, f"topic: {self.pick(NOUNS)}-events", plain=True)
        w.add(i, "keySerializer: STRING", plain=True)
        w.add(i, "valueSerializer: JSON", plain=True)
        w.add(i, f'from: "{self.prev_output()}"')

    def t_sftp(self, indent: int) -> None:
        package = "io.kestra.plugin.fs.sftp"
        i = self.head(indent, "sftp_get", f"{package}.Download")
        w = self.w
        self.version_line(w, i, package)
        w.add(i, "host: sftp.partner.example.com", plain=True)
        w.add(i, "port: '22'")
        w.add(i, "username: \"{{ secret('SFTP_USER') }}\"")
        w.add(i, "password: \"{{ secret('SFTP_PASSWORD') }}\"")
        w.add(i, f"from: /outbox/{self.pick(NOUNS)}.csv", plain=True)

    def t_mongo(self, indent: int) -> None:
        package = "io.kestra.plugin.mongodb"
        i = self.head(indent, "find", f"{package}.Find")
        w = self.w
        self.version_line(w, i, package)
        w.add(i, "connection:")
        w.add(i + 2, "uri: \"{{ secret('MONGO_URI') }}\"")
        w.add(i, f"database: {self.pick(TEAMS)}", plain=True)
        w.add(i, f"collection: {self.pick(NOUNS)}", plain=True)
        w.add(i, "filter:")
        w.add(i + 2, "status: active", plain=True)

    def t_jsonata(self, indent: int) -> None:
        package = "io.kestra.plugin.transform.jsonata"
        i = self.head(indent, "reshape", f"{package}.TransformItems")
        self.version_line(self.w, i, package)
        self.w.add(i, f'from: "{self.prev_output()}"')
        self.w.block(i, "expression", ["{", '  "id": id,', '  "total": $sum(lines.amount)', "}"])

    def t_subflow(self, indent: int) -> None:
        if not self.earlier:
            self.t_log(indent)
            return
        namespace, flow_id, inputs = self.earlier[self.rng.randrange(len(self.earlier))]
        i = self.head(indent, "child", "io.kestra.plugin.core.flow.Subflow")
        w = self.w
        w.add(i, f"namespace: {namespace}", plain=True)
        w.add(i, f"flowId: {flow_id}", plain=True)
        if inputs:
            w.add(i, "inputs:")
            w.add(i + 2, 'day: "{{ inputs.day }}"')
            if "file" in inputs:
                w.add(i + 2, f'file: "{self.prev_output()}"')
        w.add(i, "wait: true", plain=True)
        w.add(i, "transmitFailed: true", plain=True)

    def t_kv(self, indent: int) -> None:
        i = self.head(indent, "remember", "io.kestra.plugin.core.kv.Set")
        self.w.add(i, f"key: last_{self.pick(NOUNS)}_run", plain=True)
        self.w.add(i, 'value: "{{ execution.startDate }}"')
        self.w.add(i, "kvType: DATETIME", plain=True)

    def t_labels(self, indent: int) -> None:
        i = self.head(indent, "tag", "io.kestra.plugin.core.execution.Labels")
        self.w.add(i, "labels:")
        self.w.add(i + 2, f'{self.pick(NOUNS)}: "{{{{ outputs | length }}}}"')

    def t_outputs(self, indent: int) -> None:
        i = self.head(indent, "summary", "io.kestra.plugin.core.output.OutputValues")
        self.w.add(i, "values:")
        self.w.add(i + 2, f'file: "{self.prev_output()}"')
        self.w.add(i + 2, f"count: {self.rng.randint(1, 1000)}", plain=True)

    # --- flowables -----------------------------------------------------------------------------------
    def core(self, name: str) -> str:
        """A core flowable type; 5% of the time its deprecated alias (FL108)."""
        legacy = {"Parallel", "Sequential", "If", "Switch", "Dag", "WorkingDirectory", "AllowFailure"}
        if name in legacy and self.chance(0.05):
            return f"io.kestra.core.tasks.flows.{name}"
        return f"io.kestra.plugin.core.flow.{name}"

    def tasks(self, indent: int, depth: int, count: int) -> None:
        for _ in range(count):
            self.task(indent, depth)

    def task(self, indent: int, depth: int) -> None:
        if depth < 3 and self.chance(0.22 if depth == 0 else 0.12) and len(self.w) < self.target - 20:
            self.flowable(indent, depth)
        else:
            self.leaf(indent)

    def flowable(self, indent: int, depth: int) -> None:
        w = self.w
        kind = self.pick(
            ("Parallel", "If", "Switch", "ForEach", "Dag", "Sequential", "WorkingDirectory", "AllowFailure")
        )
        if kind == "Parallel":
            i = self.head(indent, "parallel", self.core(kind), leaf=False)
            if self.chance(0.5):
                w.add(i, f"concurrent: {self.rng.randint(2, 8)}", plain=True)
            w.add(i, "tasks:")
            self.tasks(i + 2, depth + 1, self.rng.randint(2, 4))
        elif kind == "If":
            i = self.head(indent, "when", self.core(kind), leaf=False)
            w.add(i, f"condition: \"{{{{ inputs.env == '{self.pick(ENVS)}' }}}}\"")
            w.add(i, "then:")
            self.tasks(i + 2, depth + 1, self.rng.randint(1, 3))
            if self.chance(0.5):
                w.add(i, "else:")
                self.tasks(i + 2, depth + 1, 1)
        elif kind == "Switch":
            i = self.head(indent, "route", self.core(kind), leaf=False)
            w.add(i, 'value: "{{ inputs.env }}"')
            w.add(i, "cases:")
            for env in self.rng.sample(list(ENVS), 2):
                w.add(i + 2, f"{env}:")
                self.tasks(i + 4, depth + 1, 1)
            if self.chance(0.5):
                w.add(i, "defaults:")
                self.tasks(i + 2, depth + 1, 1)
        elif kind == "ForEach":
            i = self.head(indent, "each", self.core(kind), leaf=False)
            if self.chance(0.5):
                values = ", ".join(f'"{n}"' for n in self.rng.sample(list(NOUNS), 3))
                w.add(i, f"values: [{values}]")
            else:
                w.add(i, 'values: "{{ outputs | keys }}"')
            w.add(i, f"concurrencyLimit: {self.rng.randint(0, 4)}", plain=True)
            w.add(i, "tasks:")
            self.tasks(i + 2, depth + 1, self.rng.randint(1, 3))
        elif kind == "Dag":
            i = self.head(indent, "dag", self.core(kind), leaf=False)
            w.add(i, "tasks:")
            done: list[str] = []
            for _ in range(self.rng.randint(2, 4)):
                w.add(i + 2, "- task:")
                before = len(self.leaf_ids)
                self.bare = True
                self.leaf(i + 6)
                if len(self.leaf_ids) > before and done:
                    w.add(i + 4, f"dependsOn: [{self.pick(done)}]")
                if len(self.leaf_ids) > before:
                    done.append(self.leaf_ids[before])
        elif kind == "Sequential":
            i = self.head(indent, "steps", self.core(kind), leaf=False)
            w.add(i, "tasks:")
            self.tasks(i + 2, depth + 1, self.rng.randint(2, 3))
        elif kind == "WorkingDirectory":
            i = self.head(indent, "workdir", self.core(kind), leaf=False)
            w.add(i, "tasks:")
            self.tasks(i + 2, depth + 1, self.rng.randint(2, 3))
        else:
            i = self.head(indent, "optional", self.core(kind), leaf=False)
            w.add(i, "tasks:")
            self.tasks(i + 2, depth + 1, 1)

    # --- flow sections -------------------------------------------------------------------------------
    def header(self) -> None:
        w = self.w
        if self.chance(0.3):
            w.add(0, f"# Owner: {self.pick(TEAMS)} team. Runbook: https://wiki.example.com/{self.flow_id}")
        w.add(0, f"id: {self.flow_id}")
        w.add(0, f"namespace: {self.namespace}", plain=True)
        r = self.rng.random()
        if r < 0.4:
            w.add(0, f"description: {self.pick(VERBS).capitalize()} {self.pick(NOUNS)} into the warehouse", plain=True)
        elif r < 0.7:
            w.block(
                0,
                "description",
                [
                    f"## {self.pick(VERBS).capitalize()} {self.pick(NOUNS)}",
                    "",
                    f"Runs every day for the {self.pick(TEAMS)} team; see the runbook before re-running.",
                ],
            )
        if self.chance(0.5):
            w.add(0, "labels:")
            w.add(2, f"team: {self.pick(TEAMS)}", plain=True)
            w.add(2, f"env: {self.pick(ENVS)}", plain=True)
        if self.chance(0.6):
            self.inputs = ["day", "env"]
            w.add(0, "inputs:")
            w.add(2, "- id: day")
            w.add(4, "type: DATE" if self.chance(0.5) else "type: STRING", plain=True)
            w.add(4, "required: false", plain=True)
            w.add(2, "- id: env")
            w.add(4, "type: SELECT", plain=True)
            w.add(4, "values: [dev, staging, prod]")
            w.add(4, "defaults: prod", plain=True)
            if self.chance(0.3):
                self.inputs.append("file")
                w.add(2, "- id: file")
                w.add(4, "type: FILE", plain=True)
        if self.chance(0.3):
            w.add(0, "variables:")
            w.add(2, f"table: {self.pick(TABLES)}", plain=True)
            w.add(2, f'bucket: "{{{{ inputs.env }}}}-{self.pick(TEAMS)}"')
        if self.chance(0.15):
            w.add(0, "concurrency:")
            w.add(2, "limit: 1", plain=True)
            w.add(2, f"behavior: {self.pick(('QUEUE', 'CANCEL', 'FAIL'))}", plain=True)

    def errors_and_finally(self) -> None:
        w = self.w
        if self.chance(0.3):
            w.add(0, "errors:")
            self.t_slack(2)
        if self.chance(0.1):
            w.add(0, "finally:")
            self.t_log(2)

    def triggers(self) -> None:
        w = self.w
        if not self.chance(0.7):
            return
        w.add(0, "triggers:")
        for _ in range(self.rng.randint(1, 2)):
            r = self.rng.random()
            if r < 0.55:
                w.add(2, f"- id: {self.trigger_id(self.pick(('daily', 'hourly', 'nightly', 'schedule')))}")
                w.add(4, "type: io.kestra.plugin.core.trigger.Schedule")
                w.add(4, f'cron: "{self.rng.randint(0, 59)} {self.rng.randint(0, 23)} * * *"')
                if self.chance(0.3):
                    w.add(4, "timezone: Europe/Paris", plain=True)
                if self.chance(0.3):
                    w.add(4, "conditions:")
                    w.add(6, "- type: io.kestra.plugin.core.condition.Weekend")
                    w.add(6, "- type: io.kestra.plugin.core.condition.DayWeek")
                    w.add(8, "dayOfWeek: MONDAY", plain=True)
            elif r < 0.8 and self.earlier:
                w.add(2, f"- id: {self.trigger_id('upstream')}")
                w.add(4, "type: io.kestra.plugin.core.trigger.Flow")
                w.add(4, "conditions:")
                w.add(6, "- type: io.kestra.plugin.core.condition.ExecutionStatus")
                w.add(8, "in: [SUCCESS, WARNING]")
                namespace, flow_id, _ = self.earlier[self.rng.randrange(len(self.earlier))]
                w.add(6, "- type: io.kestra.plugin.core.condition.ExecutionFlow")
                w.add(8, f"namespace: {namespace}", plain=True)
                w.add(8, f"flowId: {flow_id}", plain=True)
            elif r < 0.9:
                w.add(2, f"- id: {self.trigger_id('webhook')}")
                w.add(4, "type: io.kestra.plugin.core.trigger.Webhook")
                w.add(4, f"key: {self.flow_id}-{self.rng.randrange(10**6):06d}", plain=True)
            else:
                package = "io.kestra.plugin.jdbc.postgresql"
                w.add(2, f"- id: {self.trigger_id('new_rows')}")
                w.add(4, f"type: {package}.Trigger")
                self.version_line(w, 4, package)
                w.add(4, "url: jdbc:postgresql://db.internal:5432/app", plain=True)
                w.add(4, "username: \"{{ secret('DB_USER') }}\"")
                w.add(4, "password: \"{{ secret('DB_PASSWORD') }}\"")
                w.add(4, "sql: SELECT * FROM outbox WHERE processed = false", plain=True)
                w.add(4, "interval: PT5M", plain=True)
                w.add(4, "fetchType: FETCH", plain=True)

    def plugin_defaults(self) -> None:
        if not self.defaults_for:
            return
        w = self.w
        w.add(0, "pluginDefaults:")
        for package in self.defaults_for:
            w.add(2, f"- type: {package}")
            w.add(4, "values:")
            pinned, partial = PLUGINS[package]
            if self.chance(0.6):
                w.add(6, f'version: "{self.pick(pinned + partial)}"')
            if package.startswith("io.kestra.plugin.jdbc."):
                db = package.rsplit(".", 1)[1]
                w.add(6, f"url: jdbc:{db}://{db}.internal:5432/{self.pick(TEAMS)}", plain=True)
                w.add(6, "username: \"{{ secret('DB_USER') }}\"")
                w.add(6, "password: \"{{ secret('DB_PASSWORD') }}\"")
            elif package == "io.kestra.plugin.aws.s3":
                w.add(6, "accessKeyId: \"{{ secret('AWS_ACCESS_KEY_ID') }}\"")
                w.add(6, "secretKeyId: \"{{ secret('AWS_SECRET_KEY_ID') }}\"")
                w.add(6, "region: eu-west-1", plain=True)
            else:
                w.add(6, "projectId: analytics-prod", plain=True)
                w.add(6, "serviceAccount: \"{{ secret('GCP_SERVICE_ACCOUNT_JSON') }}\"")

    def make(self) -> list[str]:
        if self.chance(0.3):
            choices = ["io.kestra.plugin.jdbc.postgresql", "io.kestra.plugin.aws.s3", "io.kestra.plugin.gcp.bigquery"]
            self.defaults_for = sorted(self.rng.sample(choices, self.rng.randint(1, 2)))
        self.header()
        self.w.add(0, "")
        self.w.add(0, "tasks:")
        head = self.w
        self.w = Writer()
        self.errors_and_finally()
        self.w.add(0, "")
        self.triggers()
        self.plugin_defaults()
        tail = self.w
        self.w = head
        while True:
            self.task(2, 0)
            if len(self.w) + len(tail) >= self.target:
                break
        self.w.extend(tail)
        return [self.declared_only(line) for line in self.w.lines]

    def declared_only(self, line: str) -> str:
        """``line`` with the reads of inputs the flow does not declare made reads of execution variables."""
        for name, instead in UNDECLARED:
            if name not in self.inputs:
                line = line.replace(f"inputs.{name}", instead)
        return line


UNDECLARED = (("day", "execution.startDate"), ("env", "labels.env"), ("file", "execution.id"))
"""What a flow that does not declare the input reads instead of ``inputs.<name>``."""


def _target_lines(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.6:
        return rng.randint(30, 100)
    if r < 0.9:
        return rng.randint(100, 200)
    return rng.randint(200, 290)


UNKNOWN_TYPES = (
    "io.kestra.plugin.scripts.python.Scirpt",
    "io.kestra.plugin.acme.crm.Sync",
    "io.kestra.plugin.jdbc.postgres.Query",
    "io.kestra.plugin.core.log.Logger",
    "io.kestra.plugin.aws.s3.Uplaod",
)


def _break(rng: random.Random, maker: FlowMaker, lines: list[str], kind: str) -> list[str]:
    w = maker.w
    if kind == "yaml-syntax":
        index = w.plain[rng.randrange(len(w.plain))]
        line = lines[index]
        how = rng.randrange(3)
        if how == 0:
            lines[index] = line + ": oops"  # mapping values are not allowed here
        elif how == 1:
            stripped = line.lstrip(" ")
            lines[index] = "\t" + stripped  # a tab cannot start a token
        else:
            key = line.split(":", 1)[0]
            lines[index] = key + ": [unclosed, list"
            lines.insert(index + 1, key.rstrip() + "_next: ]]")
    elif kind == "unknown-type":
        index = w.types[rng.randrange(len(w.types))]
        prefix = lines[index].split("type:", 1)[0]
        lines[index] = f"{prefix}type: {rng.choice(UNKNOWN_TYPES)}"
    return lines


def generate(out_dir: Path, flows: int, seed: int = 0) -> dict[str, str]:
    """Write ``flows`` flows into ``out_dir``; returns the broken ones (relative path -> kind)."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    n_ns = max(3, min(250, flows // 40))
    namespaces: list[str] = []
    while len(namespaces) < n_ns:
        parts = [rng.choice(COMPANIES), rng.choice(TEAMS)]
        if rng.random() < 0.7:
            parts.append(rng.choice(DOMAINS))
        if rng.random() < 0.2:
            parts.append(rng.choice(ENVS))
        ns = ".".join(parts)
        if ns not in namespaces:
            namespaces.append(ns)
            if len(namespaces) >= len(COMPANIES) * len(TEAMS) * (1 + len(DOMAINS)):
                break
    n_broken = round(flows * BROKEN_SHARE) if flows >= 10 else 0
    broken_at = sorted(rng.sample(range(flows), n_broken))
    kinds = {index: BROKEN_KINDS[k % len(BROKEN_KINDS)] for k, index in enumerate(broken_at)}
    broken: dict[str, str] = {}
    used: set[tuple[str, str]] = set()
    made: list[tuple[str, str, tuple[str, ...]]] = []
    for index in range(flows):
        flow_rng = random.Random(f"{seed}:{index}")
        ns = namespaces[flow_rng.randrange(len(namespaces))]
        flow_id = f"{flow_rng.choice(VERBS)}_{flow_rng.choice(NOUNS)}_{index:05d}"
        kind = kinds.get(index)
        while True:  # a flow of MIN_LINES to MAX_LINES lines, with a leaf task to break
            maker = FlowMaker(flow_rng, flow_id, ns, _target_lines(flow_rng), kind == "duplicate-id", made)
            lines = maker.make()
            if MIN_LINES <= len(lines) <= MAX_LINES and maker.w.types and len(maker.ids) >= 2:
                break
        if kind == "duplicate-id" and maker.dup_id:
            # not planted yet: give the last task the first task's id
            first, last = maker.w.task_ids[0], maker.w.task_ids[-1]
            lines[last] = lines[last].split("id: ", 1)[0] + "id: " + lines[first].split("id: ", 1)[1]
        if kind is not None:
            lines = _break(flow_rng, maker, lines, kind)
        ext = ".yaml" if flow_rng.random() < 0.1 else ".yml"
        rel = f"{ns}/{flow_id}{ext}"
        assert (ns, flow_id) not in used
        used.add((ns, flow_id))
        made.append((ns, flow_id, tuple(maker.inputs)))
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
        if kind is not None:
            broken[rel] = kind
    (out_dir / MANIFEST_NAME).write_text(
        json.dumps({"flows": flows, "seed": seed, "broken": broken}, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--flows", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.flows < 1:
        parser.error("--flows must be at least 1")
    broken = generate(args.out_dir, args.flows, args.seed)
    print(f"{args.flows} flows ({len(broken)} broken) in {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
