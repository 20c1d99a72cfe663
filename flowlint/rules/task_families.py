"""The task families whose result mode decides their outputs (FL302's table).

Taken from each plugin's source: the property that sets the mode, its legacy booleans, and the default
flowlint assumes when the property is not written. Modes fill one attribute each: ``FETCH`` → ``rows``,
``FETCH_ONE`` → ``row``, ``STORE`` → ``uri``, ``NONE`` → none of them. ``flowlint rule FL302`` prints the
table (:func:`families_table`).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

FETCH, FETCH_ONE, STORE, NONE = "FETCH", "FETCH_ONE", "STORE", "NONE"
MODE_OUTPUT: Mapping[str, str | None] = {FETCH: "rows", FETCH_ONE: "row", STORE: "uri", NONE: None}
"""The attribute each result mode fills."""
MODE_ACCESSORS = frozenset({"rows", "row", "uri", "value", "values"})
"""Attributes that read a result: none of the families below has one of these outside its mode."""
_LEGACY = (("fetch", FETCH), ("fetchOne", FETCH_ONE), ("store", STORE))


_NO_ENTRIES: Mapping[str, str] = MappingProxyType({})


class Family(NamedTuple):
    """Tasks whose outputs depend on one property. ``kind`` is ``enum`` (a FetchType-like value,
    ``values`` mapping it to a mode when it is not the mode itself) or ``boolean`` (true → STORE)."""

    name: str
    types: tuple[str, ...]
    property: str
    default: str
    kind: str = "enum"
    legacy: tuple[tuple[str, str], ...] = ()
    values: Mapping[str, str] = _NO_ENTRIES

    def matches(self, type_name: str) -> bool:
        """Whether ``type_name`` belongs to this family (a pattern without ``*`` is compared as is: no
        regular expression to compile for it)."""
        return any(
            type_name == pattern or ("*" in pattern and fnmatch.fnmatchcase(type_name, pattern))
            for pattern in self.types
        )

    def default_text(self) -> str:
        """The default as a user writes it."""
        if self.kind == "boolean":
            return "false" if self.default != STORE else "true"
        return self.default


FAMILIES: tuple[Family, ...] = (
    Family("JDBC queries", ("io.kestra.plugin.jdbc.*.Query",), "fetchType", NONE, legacy=_LEGACY),
    Family("BigQuery queries", ("io.kestra.plugin.gcp.bigquery.Query",), "fetchType", NONE, legacy=_LEGACY),
    Family(
        "Cassandra queries",
        (
            "io.kestra.plugin.cassandra.Query",
            "io.kestra.plugin.cassandra.standard.Query",
            "io.kestra.plugin.cassandra.astradb.Query",
            "io.kestra.plugin.cassandra.scylladb.Query",
        ),
        "fetchType",
        NONE,
        legacy=_LEGACY,
    ),
    Family("Athena queries", ("io.kestra.plugin.aws.athena.Query",), "fetchType", STORE),
    Family(
        "DynamoDB reads",
        ("io.kestra.plugin.aws.dynamodb.Query", "io.kestra.plugin.aws.dynamodb.Scan"),
        "fetchType",
        STORE,
    ),
    Family("SurrealDB queries", ("io.kestra.plugin.surrealdb.Query",), "fetchType", STORE),
    Family(
        "Elasticsearch and OpenSearch searches",
        (
            "io.kestra.plugin.elasticsearch.Search",
            "io.kestra.plugin.elasticsearch.Esql",
            "io.kestra.plugin.opensearch.Search",
        ),
        "fetchType",
        FETCH,
    ),
    Family("Couchbase queries", ("io.kestra.plugin.couchbase.Query",), "fetchType", NONE),
    Family("Neo4j queries", ("io.kestra.plugin.neo4j.Query",), "storeType", NONE),
    Family("MongoDB Find", ("io.kestra.plugin.mongodb.Find",), "store", FETCH, kind="boolean"),
    Family(
        "MongoDB Aggregate",
        ("io.kestra.plugin.mongodb.Aggregate",),
        "store",
        FETCH,
        values={STORE: STORE, FETCH: FETCH, FETCH_ONE: FETCH, NONE: FETCH},
    ),
)


@lru_cache(maxsize=4096)
def family_of(type_name: str) -> Family | None:
    """The family of ``type_name`` in :data:`FAMILIES`, if any (memoised: a run asks for few types)."""
    return next((family for family in FAMILIES if family.matches(type_name)), None)


def families_table() -> str:
    """:data:`FAMILIES` as the lines ``flowlint rule FL302`` prints."""
    lines = []
    for family in FAMILIES:
        legacy = f" (or {', '.join(name for name, _ in family.legacy)}: true)" if family.legacy else ""
        kind = " (true: uri, false: rows)" if family.kind == "boolean" else ""
        if family.values:
            kind = " (STORE: uri, anything else: rows)"
        types = ", ".join(family.types)
        lines.append(f"- {family.name} — {types}: `{family.property}`{legacy}{kind}, default {family.default_text()}")
    return "\n".join(lines)
