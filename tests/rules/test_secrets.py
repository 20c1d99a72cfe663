"""FL401 literal-secret: which properties are credentials, what is a literal, exact locations (also of a
password inside a connection string), and that no output format ever prints the secret."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from flowlint.config import Settings
from flowlint.diagnostics import Diagnostic, FileResult, Severity
from flowlint.lint import Linter
from flowlint.manifest.catalog import load_catalog
from flowlint.rules import enabled_codes
from flowlint.rules.secrets import secret_name
from flowlint.secrets import is_credential_key, is_literal
from tests.conftest import CORPUS, lint, manifest, only, run_cli, settings, where

HEAD = "id: f\nnamespace: company.team\n"
SECRET = "s3cr3t-Pa55"


def check(body: str) -> list[Diagnostic]:
    """Lint ``HEAD + body`` (dedented) with FL401 only; no finding may mention the secret, and each
    one's span must cover text that holds it."""
    text = HEAD + textwrap.dedent(body)
    found = lint(text, select=["FL401"], dedent=False)
    for d in found:
        assert SECRET not in f"{d.message} {d.help} {[r.message for r in d.related]}"
        written = text[d.span.start_offset : d.span.end_offset]
        assert SECRET in written or "AKIAEXAMPLE" in written or "123456" in written, (d.message, written)
    return found


def task(prop: str, value: str) -> str:
    return f"tasks:\n  - id: q\n    type: io.kestra.plugin.jdbc.postgresql.Query\n    {prop}: {value}\n"


@pytest.mark.parametrize(
    "key",
    [
        "password", "passwd", "keystorePassword", "db_password", "privateKeyPassphrase", "secret",
        "clientSecret", "client_secret", "token", "accessToken", "bearerToken", "GITHUB_TOKEN", "apiKey",
        "api_key", "API-KEY", "accessKey", "secretKey", "secretKeyId", "AWS_SECRET_ACCESS_KEY", "privateKey",
        "sasToken", "adminToken", "accountToken",
    ],
)  # fmt: skip
def test_property_names_that_say_credential_are_credential_keys(key: str) -> None:
    assert is_credential_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "username", "tokenUrl", "tokenEndpoint", "secretName", "maxTokens", "passwordFile", "keyFile", "url",
        "pageToken", "nextToken", "continuationToken", "publicKey", "pwd", "apiKeyHeader", "clientId",
    ],
)  # fmt: skip
def test_urls_ids_pagination_tokens_and_public_keys_are_not_credential_keys(key: str) -> None:
    assert not is_credential_key(key)


@pytest.mark.parametrize(
    "value",
    [
        "", "  ", "{{ secret('DB_PASSWORD') }}", "Bearer {{ secret('TOKEN') }}", "{% if x %}a{% endif %}",
        "${DB_PASSWORD}", "$DB_PASSWORD", "<your-api-key>", "<password>", "****", "xxxxxxxx", "XXXX", "...", "???",
        "changeme", "CHANGE_ME", "placeholder", "redacted", "TODO", "YOUR_API_KEY", "your-token-here",
    ],
)  # fmt: skip
def test_expressions_empty_values_and_placeholders_are_not_literals(value: str) -> None:
    assert not is_literal(value)


@pytest.mark.parametrize("value", ["hunter2", "postgres", "p@ss w0rd", "12345", "my-token", "a1"])
def test_plain_words_and_numbers_are_literals(value: str) -> None:
    assert is_literal(value)


def test_secret_name_from_the_property() -> None:
    assert [secret_name(k) for k in ("password", "apiKey", "client-secret", "AWS_SECRET_KEY")] == [
        "PASSWORD",
        "API_KEY",
        "CLIENT_SECRET",
        "AWS_SECRET_KEY",
    ]


def test_fl401_plain_literal_password() -> None:
    d = only(check(task("password", SECRET)), "FL401")
    assert where(d) == (6, 15, 6, 26)
    assert d.message == "`password` holds a literal credential: it is stored in the flow's source and in every revision"
    assert d.help == "store it as a secret and write `{{ secret('PASSWORD') }}` instead"
    assert d.severity is Severity.WARNING
    assert d.yaml_path == "tasks[0].password"


@pytest.mark.parametrize(
    ("value", "span"),
    [
        (f'"{SECRET}"', (6, 13, 6, 26)),
        (f"'{SECRET}'", (6, 13, 6, 26)),
        ("123456", (6, 13, 6, 19)),
        (f"|\n      {SECRET}", (6, 13, 8, 1)),
    ],
)
def test_fl401_quoted_number_and_block_values(value: str, span: tuple[int, int, int, int]) -> None:
    assert where(only(check(task("apiKey", value)), "FL401")) == span


@pytest.mark.parametrize(
    "value", ["\"{{ secret('PG') }}\"", "''", "~", "true", "'${PG_PASSWORD}'", "'<password>'", "'****'"]
)
def test_fl401_not_a_literal(value: str) -> None:
    assert check(task("password", value)) == []


def test_fl401_nested_properties_triggers_defaults_variables_labels_and_env() -> None:
    body = f"""\
        labels:
          token: {SECRET}
        variables:
          db_password: {SECRET}
          username: kestra
        pluginDefaults:
          - type: io.kestra.plugin.jdbc
            values:
              password: {SECRET}
        tasks:
          - id: script
            type: io.kestra.plugin.scripts.shell.Commands
            env:
              GITHUB_TOKEN: {SECRET}
            commands: [echo hi]
            connection:
              auth:
                clientSecret: {SECRET}
                accessKey: {SECRET}
        triggers:
          - id: listen
            type: io.kestra.plugin.aws.sqs.Trigger
            accessKeyId: AKIAEXAMPLE
            secretKeyId: {SECRET}
        """
    found = check(body)
    assert [(d.yaml_path, d.span.line) for d in found] == [
        ("labels.token", 4),
        ("variables.db_password", 6),
        ("pluginDefaults[0].values.password", 11),
        ("tasks[0].env.GITHUB_TOKEN", 16),
        ("tasks[0].connection.auth.clientSecret", 20),
        ("tasks[0].connection.auth.accessKey", 21),
        ("triggers[0].secretKeyId", 26),
    ]


@pytest.mark.parametrize(
    "key",
    [
        "maxToken", "maxOutputToken", "MAX_TOKEN", "max_completion_token", "numToken", "tokenLimit", "maxTokens",
        "maxOutputTokens", "accessKeyId", "ACCESS_KEY_ID", "clientId",
    ],
)  # fmt: skip
def test_token_limits_and_key_ids_are_not_credential_keys(key: str) -> None:
    assert not is_credential_key(key)


def test_fl401_token_limits_and_counts_are_not_credentials() -> None:
    body = f"""\
        tasks:
          - id: chat
            type: io.kestra.plugin.openai.ChatCompletion
            maxToken: 2048
            maxOutputToken: "4096"
            token: 512
            apiKey: {SECRET}
        """
    assert [(d.yaml_path, where(d)) for d in check(body)] == [("tasks[0].apiKey", (9, 13, 9, 24))]


def test_fl401_key_ids_are_not_credentials() -> None:
    body = f"""\
        triggers:
          - id: listen
            type: io.kestra.plugin.aws.s3.Trigger
            accessKeyId: AKIAIOSFODNN7EXAMPLE
            clientId: 0oa1b2c3d4e5
            secretKeyId: {SECRET}
        """
    assert [(d.yaml_path, where(d)) for d in check(body)] == [("triggers[0].secretKeyId", (8, 18, 8, 29))]


def test_fl401_access_key_next_to_a_secret_key_is_the_id_of_the_pair() -> None:
    body = f"""\
        variables:
          access_key: testuser
          secret_key: {SECRET}
          MINIO_ACCESS_KEY: minio
          MINIO_SECRET_KEY: "{{{{ secret('MINIO') }}}}"
          storage:
            accessKey: {SECRET}
        """
    assert [(d.yaml_path, where(d)) for d in check(body)] == [
        ("variables.secret_key", (5, 15, 5, 26)),
        ("variables.storage.accessKey", (9, 16, 9, 27)),
    ]


def test_fl401_input_default_that_names_the_secret_the_flow_reads() -> None:
    body = f"""\
        inputs:
          - id: api_key
            type: STRING
            defaults: OPENAI_API_KEY
          - id: db_password
            type: STRING
            defaults: PG_PASSWORD
          - id: token
            type: SECRET
            defaults: {SECRET}
        tasks:
          - id: chat
            type: io.kestra.plugin.openai.ChatCompletion
            apiKey: "{{{{ secret(inputs.api_key) }}}}"
            password: "{{{{ secret( inputs['db_password'] ) }}}}"
            prompt: "{{{{ secret(inputs.token_name) }}}}"
        """
    d = only(check(body), "FL401")
    assert (d.yaml_path, where(d)) == ("inputs[2].defaults", (12, 15, 12, 26))


def test_fl401_credential_input_with_a_literal_default() -> None:
    body = f"""\
        inputs:
          - id: api_token
            type: SECRET
            defaults: {SECRET}
          - id: region
            type: STRING
            defaults: eu-west-1
          - id: password
            type: SECRET
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: hi
        """
    d = only(check(body), "FL401")
    assert d.message.startswith("the `defaults` of input 'api_token' holds a literal credential")
    assert d.help == "store it as a secret and write `{{ secret('API_TOKEN') }}` instead"
    assert (d.yaml_path, where(d)) == ("inputs[0].defaults", (6, 15, 6, 26))


@pytest.mark.parametrize(
    ("prop", "value", "span"),
    [
        ("url", f"postgresql://kestra:{SECRET}@db:5432/shop", (6, 30, 6, 41)),
        ("uri", f'"mongodb://root:{SECRET}@mongo:27017/?authSource=admin"', (6, 26, 6, 37)),
        ("connectionString", f"Server=db;Database=x;User Id=sa;Password={SECRET};", (6, 64, 6, 75)),
        ("url", f"jdbc:sqlserver://db:1433;user=sa;password={SECRET}", (6, 52, 6, 63)),
        ("connectionString", f"DefaultEndpointsProtocol=https;AccountName=a;AccountKey={SECRET}", (6, 79, 6, 90)),
    ],
)
def test_fl401_password_inside_a_connection_string(prop: str, value: str, span: tuple[int, int, int, int]) -> None:
    d = only(check(task(prop, value)), "FL401")
    assert where(d) == span
    assert d.span.end_offset - d.span.start_offset == len(SECRET)  # the password only, as check() shows
    assert d.message.startswith(f"`{prop}` holds a connection string with a literal password")


@pytest.mark.parametrize(
    "value",
    [
        "postgresql://kestra:{{ secret('PG') }}@db/shop",
        "postgresql://kestra@db/shop",
        "jdbc:postgresql://db:5432/shop?user=kestra",
        "postgresql://user:<password>@db/shop",
        "https://example.com/a?token=&x=1",
    ],
)
def test_fl401_connection_strings_without_a_literal_password(value: str) -> None:
    assert check(task("url", f'"{value}"')) == []


def test_fl401_is_on_by_default_as_a_warning() -> None:
    found = lint(HEAD + task("password", SECRET), dedent=False)
    assert [(d.code, d.severity) for d in found if d.code == "FL401"] == [("FL401", Severity.WARNING)]


# The secret never reaches an output -----------------------------------------------------------------


def _result(text: str) -> FileResult:
    return Linter(settings(), manifest(), enabled_codes(["FL401"])).lint_text(text, "flow.yml")


def test_the_snippet_line_is_masked_with_columns_kept() -> None:
    text = (
        HEAD
        + task("url", f"postgresql://kestra:{SECRET}@db/shop")
        + f"    password: {SECRET}  # flowlint: ignore[FL999]\n"
    )
    result = _result(text)
    assert [d.span.line for d in result.diagnostics] == [6, 7]
    assert result.excerpts[6] == "    url: postgresql://kestra:" + "*" * len(SECRET) + "@db/shop"
    assert result.excerpts[7] == "    password: " + "*" * len(SECRET) + "  # flowlint: ignore[FL999]"


def test_multi_line_secret_is_masked_on_every_line() -> None:
    text = HEAD + task("privateKey", f"|\n      -----BEGIN KEY-----\n      {SECRET}\n      -----END KEY-----\n")
    result = _result(text)
    assert result.excerpts[6] == "    privateKey: *"
    assert SECRET not in "".join(result.excerpts.values())


@pytest.mark.parametrize("fmt", ["full", "concise", "json", "sarif", "github", "gitlab", "junit"])
def test_no_output_format_prints_the_secret(fmt: str, tmp_path: Path) -> None:
    flow = tmp_path / "flow.yml"
    body = task("password", SECRET) + f"    url: postgresql://kestra:{SECRET}@db/shop\n"
    flow.write_text(HEAD + body, "utf-8")
    done = run_cli(["check", "flow.yml", "--select", "FL401", "--format", fmt, "--no-cache"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "FL401" in done.stdout
    assert SECRET not in done.stdout + done.stderr


# The real flows of ../shared/corpus -----------------------------------------------------------------


@pytest.mark.skipif(not (CORPUS / "flows").is_dir(), reason="shared corpus absent")
def test_corpus_findings_are_literals_and_never_placeholders() -> None:
    linter = Linter(Settings(), load_catalog(), enabled_codes(["FL401"]))
    flows = CORPUS / "flows"
    found: list[tuple[str, Diagnostic, str]] = []
    for path in sorted(flows.rglob("*.yml")):
        text = path.read_text("utf-8-sig")
        for d in linter.lint_path(path, str(path)).diagnostics:
            found.append((path.name, d, text[d.span.start_offset : d.span.end_offset]))
    # 117 literal credential properties, 13 connection strings with a password, 1 input default: all
    # test fixtures and examples with literal test credentials (see the closing note of the issue); the
    # 6 `accessKeyId` values and the MinIO `access_key` next to its `secret_key` reported before are
    # key ids, not credentials
    assert len(found) == 131
    assert not [d for _, d, _ in found if d.yaml_path.endswith(("accessKeyId", "access_key"))]
    kinds = [d.message.split(" holds ")[1].split(":")[0] for _, d, _ in found]
    assert kinds.count("a connection string with a literal password") == 13
    for name, d, written in found:
        value = written.strip("'\"")
        assert value and is_literal(value), (name, d.message)
        assert not re.search(r"\{\{|\{%", written), (name, d.message)
