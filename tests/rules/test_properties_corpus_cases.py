"""FL501-FL504 on cases taken from the real flows of ../shared/corpus/flows, where the review of every finding
found flowlint saying more than the property data can know (the flows are inlined: no corpus needed)."""

from __future__ import annotations

import textwrap

from flowlint.config import Settings
from flowlint.diagnostics import Diagnostic
from flowlint.lint import Linter
from flowlint.manifest.catalog import load_catalog
from flowlint.manifest.core import with_core
from flowlint.rules import enabled_codes
from flowlint.versions import parse_version

FL5 = ["FL501", "FL502", "FL503", "FL504"]
HEAD = "id: f\nnamespace: company.team\n"


def catalog_lint(text: str) -> list[tuple[str, int, int, str, str | None]]:
    """The FL5xx findings of ``text`` on the bundled catalog at Kestra 1.3: (code, line, column, message, help)."""
    target = parse_version("1.3")
    assert target is not None
    linter = Linter(Settings(target=target), with_core(load_catalog(), target), enabled_codes(FL5))
    found: list[Diagnostic] = list(linter.lint_text(HEAD + textwrap.dedent(text), "flow.yml").diagnostics)
    return [(d.code, d.span.line, d.span.column, d.message, d.help) for d in found]


def test_a_nested_object_kestra_does_not_validate_has_no_missing_property() -> None:
    # kestra-io/examples aws_s3__s3Trigger.yml: `moveTo` is a Copy.CopyObject whose `bucket` is @NotNull, but
    # the field holding it has no @Valid, so Kestra saves the flow; the move then stays in the same bucket
    found = catalog_lint(
        """\
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: "{{ trigger.objects }}"
        triggers:
          - id: watch
            type: io.kestra.plugin.aws.s3.Trigger
            bucket: declarative-orchestration
            prefix: demo
            interval: PT1S
            action: MOVE
            moveTo:
              key: archive/demo/
        """
    )
    assert found == []


def test_a_nested_object_still_has_its_keys_and_values_checked() -> None:
    found = catalog_lint(
        """\
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: hi
        triggers:
          - id: watch
            type: io.kestra.plugin.aws.s3.Trigger
            bucket: b
            action: MOVE
            moveTo:
              key: archive/
              buckett: other
        """
    )
    assert found == [
        (
            "FL501",
            14,
            7,
            "'buckett' is not a property of CopyObject (in io.kestra.plugin.aws.s3.Trigger 2.8.2 (plugin-aws))",
            "did you mean 'bucket'?",
        )
    ]


def test_a_type_whose_every_own_property_is_deprecated_gets_one_finding_at_its_type() -> None:
    # kestra-io/examples all-in-one__metadata.yml: plugin-singer 0.24.1 deprecates its classes and marks each
    # of their properties deprecated; one finding says so instead of one per key. A deprecated property of a
    # type that is not deprecated as a whole is still reported at its key.
    found = catalog_lint(
        """\
        tasks:
          - id: stripe
            type: io.kestra.plugin.singer.taps.Stripe
            startDate: "2023-06-01"
            streamsConfigurations:
              - replicationMethod: INCREMENTAL
                selected: true
            accountId: "{{ envs.stripe_account_id }}"
            clientSecret: "{{ envs.stripe_client_secret }}"
          - id: query
            type: io.kestra.plugin.jdbc.duckdb.Query
            sql: SELECT 1
            store: true
        """
    )
    assert found == [
        (
            "FL504",
            5,
            11,
            "every property io.kestra.plugin.singer.taps.Stripe 0.24.1 (plugin-singer) declares is deprecated: "
            "the type is on its way out",
            "see the plugin's documentation for what replaces it",
        ),
        (
            "FL504",
            15,
            5,
            "'store' is deprecated in io.kestra.plugin.jdbc.duckdb.Query 1.15.5 (plugin-jdbc-duckdb)",
            "see the plugin's documentation for what replaces it",
        ),
    ]
