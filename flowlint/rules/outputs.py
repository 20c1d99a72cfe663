"""Output rules FL301-FL302: do the flow's ``{{ outputs.… }}`` expressions read something that exists?

Every string scalar of the flow is read with :mod:`flowlint.pebble` (nothing is evaluated). FL301 checks
that ``outputs.<id>`` names a task of the flow; FL302 that a task whose result mode is known (by its
``fetchType``/``store`` property, a flow-level plugin default, or the family default) is read through
the attribute that mode fills.

:data:`FAMILIES` is the one table of task families whose result mode decides their outputs, taken from
each plugin's source: the property, its legacy booleans, and the default flowlint assumes when the
property is not written. ``flowlint rule FL302`` prints it (:func:`families_table`). Modes fill one
attribute each: ``FETCH`` → ``rows``, ``FETCH_ONE`` → ``row``, ``STORE`` → ``uri``, ``NONE`` → none of
them. Kestra leaves an unfilled attribute out of the task's outputs, so reading it fails the execution
(Pebble's strict variables).

A legacy boolean set to true wins over ``fetchType`` (as the plugins do); two of them at once, or any
value written as an expression, leave the mode unknown and nothing is reported. Defaults set at
namespace or instance level (Kestra's configuration) are not seen: flowlint reads the task and the
flow's ``pluginDefaults`` only, and says when it relied on the family default. ``Queries`` tasks (a
list of results under ``outputs``) are not checked.
"""

from __future__ import annotations

import bisect
import fnmatch
import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Severity, Span
from flowlint.flow import Flow, KeyChain, PluginUse, chain_path
from flowlint.nodes import BOOL_TAG, get, is_str, kestra_text, tag_of
from flowlint.pebble import OutputRef, Segment, output_refs
from flowlint.rules.base import CheckContext, Rule
from flowlint.scalar_text import Locator, ScalarText, scalar_text

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

LOOPS = frozenset({"ForEach", "EachSequential", "EachParallel", "LoopUntil"})
"""Flowable tasks that run their children once per value (or iteration): a child's outputs may be
indexed by that value first (``outputs.child[taskrun.value].uri``)."""
GENERATED_IDS: Mapping[str, tuple[str, ...]] = {"ForEachItem": ("_split", "_items", "_merge")}
"""Tasks that add tasks of their own to the execution, with these suffixes to their id."""
CHILD_CONTEXT = frozenset({"Flow", "Subflow"})
"""Tasks whose ``outputs`` property is rendered in the child execution (its task ids, not ours)."""
NOT_THIS_EXECUTION = frozenset({"description", "triggers", "extend"})
"""Top-level keys whose expressions are not rendered against this flow's task outputs (``extend`` is a
blueprint's metadata: title, description, tags)."""
RENDERED_DESCRIPTIONS = frozenset(
    {
        "io.kestra.plugin.ai.tool.A2AAgent",
        "io.kestra.plugin.ai.tool.A2AClient",
        "io.kestra.plugin.ai.tool.AIAgent",
        "io.kestra.plugin.ai.tool.KestraFlow",
        "io.kestra.plugin.gcp.bigquery.CreateDataset",
        "io.kestra.plugin.gcp.bigquery.CreateTable",
        "io.kestra.plugin.gcp.bigquery.DeleteTable",
        "io.kestra.plugin.gcp.bigquery.UpdateDataset",
        "io.kestra.plugin.gcp.bigquery.UpdateTable",
        "io.kestra.plugin.gcp.rcs.SendRichCard",
        "io.kestra.plugin.googleworkspace.calendar.InsertEvent",
        "io.kestra.plugin.googleworkspace.calendar.UpdateEvent",
        "io.kestra.plugin.googleworkspace.drive.Create",
        "io.kestra.plugin.googleworkspace.drive.Upload",
        "io.kestra.plugin.jira.issues.Create",
        "io.kestra.plugin.jira.issues.CreateComment",
        "io.kestra.plugin.jira.issues.UpdateFields",
        "io.kestra.plugin.nats.kv.CreateBucket",
        "org.kestra.task.gcp.bigquery.CreateDataset",
        "org.kestra.task.gcp.bigquery.UpdateDataset",
    }
)
"""Plugins whose own ``description`` property is rendered (a dataset's, an issue's, an event's), from the
plugin sources (``../shared/data/kestra-plugin-properties.json``). The ``description`` of every other
task, trigger or plugin, and of the flow's inputs and outputs, is documentation Kestra never renders."""
TEMPLATES = frozenset({"Template"})
"""Tasks that bring in tasks from elsewhere: with one of these, any id may exist."""


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


RULES = [
    Rule(
        "FL301", "unknown-output-ref", Severity.ERROR,
        "`outputs.X` names no task of the flow.",
        "Expressions read a task's results as `outputs.<task id>` (or `outputs['task-id']` for ids with "
        "a hyphen). An id that is no task of the flow — a typo, a renamed task, a trigger id — fails the "
        "execution when the expression is rendered. Tasks at any depth count (inside Parallel, ForEach, "
        "If, Switch, Dag, errors, finally), as do the `<id>_split`, `<id>_items` and `<id>_merge` tasks a "
        "ForEachItem adds. `trigger.outputs`, `execution.outputs` and `parents[0].outputs` are not task "
        "references. Not checked: expressions that tolerate absence (`?? fallback`, `is defined`, "
        "`| default`), the `outputs` of a Subflow task (rendered in the child execution), the flow's "
        "`triggers` (a Flow trigger reads the outputs of the execution that triggers it), text Kestra "
        "never renders (a blueprint's `extend` metadata, the `description` of the flow, its inputs, outputs "
        "and tasks, unless a plugin renders its own `description`, as Jira or BigQuery tasks do); a flow "
        "with a Template task, whose tasks come from elsewhere, is not checked. "
        "Note that `outputs.my-task` is `outputs.my` minus `task` for Pebble: write `outputs['my-task']`.",
        "tasks:\n  - id: extract\n    type: io.kestra.plugin.core.http.Download\n    uri: https://example.com/a.csv\n"
        "  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: \"{{ outputs.extrct.uri }}\"\n",
        "tasks:\n  - id: extract\n    type: io.kestra.plugin.core.http.Download\n    uri: https://example.com/a.csv\n"
        "  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: \"{{ outputs.extract.uri }}\"\n",
    ),
    Rule(
        "FL302", "wrong-output-accessor", Severity.ERROR,
        "Reading a result attribute (`uri`, `rows`, `row`, `value`) that the task's fetch mode does not fill.",
        "Query-like tasks fill one result attribute, chosen by `fetchType` (or `store`): FETCH fills "
        "`rows`, FETCH_ONE `row`, STORE `uri` (a file in internal storage), NONE nothing. Reading another "
        "one — `outputs.q.value` or `outputs.q.rows` from a task that stores, `outputs.q.uri` from one "
        "that fetches — raises an execution error. When the property is not set flowlint assumes the "
        "family's default and says so. Expressions that tolerate absence (`?? fallback`, `is defined`, "
        "`| default`) are not checked; neither are values set by namespace or instance plugin defaults, "
        "which flowlint does not see. The families flowlint knows (property, legacy booleans, default):\n"
        + families_table(),
        "tasks:\n  - id: query\n    type: io.kestra.plugin.jdbc.postgresql.Query\n    sql: SELECT * FROM orders\n"
        "    fetchType: STORE\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"{{ outputs.query.rows }}\"\n",
        "tasks:\n  - id: query\n    type: io.kestra.plugin.jdbc.postgresql.Query\n    sql: SELECT * FROM orders\n"
        "    fetchType: FETCH\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"{{ outputs.query.rows }}\"\n",
    ),
]  # fmt: skip


class TaskInfo(NamedTuple):
    """A task of the flow as the output rules see it."""

    id: str
    use: PluginUse | None
    loop_depth: int


class Mode(NamedTuple):
    """A task's result mode, and where it was decided: the node written (None for the family default),
    how messages say it, and the property that decided."""

    mode: str
    node: Node | None
    origin: str
    property: str


def family_of(type_name: str) -> Family | None:
    """The family of ``type_name`` in :data:`FAMILIES`, if any."""
    return next((family for family in FAMILIES if family.matches(type_name)), None)


def simple_name(type_name: str) -> str:
    """The class name without its package."""
    return type_name.rsplit(".", 1)[-1]


def check(ctx: CheckContext) -> None:
    """Report FL301 and FL302 for one flow."""
    if not (ctx.on("FL301") or ctx.on("FL302")):
        return
    flow = ctx.flow
    tasks: dict[str, TaskInfo] | None = None  # worked out for the first expression that reads outputs
    hints: _Hints | None = None  # worked out for the first unknown task id
    ids_complete = True
    locator = Locator(ctx.source.text)
    for node, yaml_path in strings_with_expressions(flow, ctx.source.text):
        text = scalar_text(ctx.source.text, node)
        refs = [ref for ref in output_refs(text.text) if ref.task_id is not None]
        if not refs:
            continue
        if tasks is None:
            tasks = task_index(flow)
            ids_complete = not any(
                simple_name(use.type_name) in TEMPLATES and use.type_name.startswith("io.kestra.") for use in flow.uses
            )
        guarded = {(ref.task_id, _attribute_name(ref, tasks)) for ref in refs if ref.guarded}
        for ref in refs:
            task_id = ref.task_id
            assert task_id is not None
            found = tasks.get(task_id)
            if found is None:
                if ids_complete and not ref.guarded:
                    if hints is None:
                        hints = _Hints(ctx, tasks)
                    _report_unknown(ctx, ref, yaml_path, hints, text, locator)
                continue
            if (task_id, _attribute_name(ref, tasks)) in guarded:
                continue  # `{% if outputs.q.rows is defined %}…{{ outputs.q.rows }}`: absence is handled
            _check_accessor(ctx, ref, found, yaml_path, text, locator)


def _span(text: ScalarText, locator: Locator, start: int, end: int) -> Span:
    """The file span of the characters ``start:end`` of a scalar's value."""
    source_start, source_end = text.source_range(start, end)
    return locator.span(source_start, source_end)


def _report_unknown(
    ctx: CheckContext,
    ref: OutputRef,
    yaml_path: str,
    hints: _Hints,
    text: ScalarText,
    locator: Locator,
) -> None:
    segment = ref.segments[0]
    task_id = segment.name
    assert task_id is not None
    tasks = hints.tasks
    if ref.dashed is not None and ref.dashed in tasks:
        ctx.report(
            "FL301",
            _span(text, locator, segment.start, ref.dashed_end),
            f"`outputs.{ref.dashed}` is read by Pebble as `outputs.{task_id}` minus `{ref.dashed[len(task_id) + 1 :]}`:"
            f" no task has the id '{task_id}'",
            yaml_path=yaml_path,
            help=f"write `outputs['{ref.dashed}']` for a task id with a hyphen",
        )
        return
    close = hints.suggest(task_id)
    related: list[tuple[Node | Span, str]] = []
    suggested = tasks[close].use if close is not None else None
    if suggested is not None:
        related.append((suggested.id_node or suggested.node, f"task '{close}'"))
    help_text = f"did you mean '{close}'?" if close is not None else None
    if task_id in hints.trigger_ids:
        help_text = f"'{task_id}' is a trigger: a trigger's outputs are read as `trigger.<attribute>`"
    elif task_id in hints.input_ids:
        help_text = f"'{task_id}' is an input: read it as `inputs.{task_id}`"
    ctx.report(
        "FL301",
        _span(text, locator, segment.start, segment.end),
        f"no task of this flow has the id '{task_id}' (read as `outputs.{task_id}`)",
        yaml_path=yaml_path,
        help=help_text,
        related=related,
    )


def _trigger_ids(ctx: CheckContext) -> set[str]:
    return {use.id for use in ctx.flow.uses if use.kind == "trigger" and use.id is not None}


def _input_ids(ctx: CheckContext) -> set[str]:
    found = ctx.flow.top("inputs")
    items = found[1].value if found is not None and isinstance(found[1], SequenceNode) else []
    entries = (get(item, "id") or get(item, "name") for item in items)
    return {entry[1].value for entry in entries if entry is not None and is_str(entry[1])}


class _Hints:
    """What FL301 says of the unknown task ids of one flow, each worked out once: the trigger and input
    ids, and the did-you-mean of every id."""

    def __init__(self, ctx: CheckContext, tasks: Mapping[str, TaskInfo]) -> None:
        self.tasks = tasks
        self.trigger_ids = _trigger_ids(ctx)
        self.input_ids = _input_ids(ctx)
        known = [name for name, task in tasks.items() if task.use is not None]
        self._squashed = {_squash(name): name for name in reversed(known)}
        self._names = _Closest(known)
        self._squashed_names = _Closest(self._squashed)
        self._suggested: dict[str, str | None] = {}

    def suggest(self, task_id: str) -> str | None:
        """The task id closest to ``task_id``: the same but for case, ``_`` and ``-`` (``fetchAuthToken``
        for ``fetch_auth_token``), else the closest spelling (None: no task id is close)."""
        if task_id not in self._suggested:
            squashed = _squash(task_id)
            if squashed in self._squashed:
                found: str | None = self._squashed[squashed]
            else:
                found = self._names.closest(task_id)
                if found is None:
                    close = self._squashed_names.closest(squashed)
                    found = None if close is None else self._squashed[close]
            self._suggested[task_id] = found
        return self._suggested[task_id]


FULL_SCAN = 100
"""Up to this many task ids, an unknown id is compared with every one of them."""
SHORTLIST = 16
"""Beyond FULL_SCAN task ids, an unknown id is compared with the SHORTLIST ids that share most trigrams
with it, and with its NEIGHBOURS."""
NEIGHBOURS = 4
"""How many ids on either side of an unknown id, in the ids sorted as written and sorted backwards, it is
compared with (those that share its beginning or its end, which trigrams held by too many ids miss)."""
COMMON_TRIGRAM = 256
"""A trigram held by more task ids than this tells too few apart: it does not put them on a shortlist."""


class _Closest:
    """difflib's closest spelling (``get_close_matches``, cutoff 0.6) among ``names``: all of them when they
    are at most FULL_SCAN, else a shortlist of at most SHORTLIST + 4 * NEIGHBOURS drawn from indexes (a
    flow of thousands of tasks with thousands of unknown ids stays linear; the closest of a shortlist is
    the closest of all but for ties and near ties)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(names)
        self._index: dict[str, list[str]] | None = None
        self._backwards: list[str] = []

    def closest(self, word: str) -> str | None:
        """The name closest to ``word``, None when none is close enough."""
        return _best_match(word, self.names if len(self.names) <= FULL_SCAN else self._shortlist(word))

    def _shortlist(self, word: str) -> list[str]:
        if self._index is None:
            self._index = {}
            for name in self.names:
                for trigram in _trigrams(name):
                    self._index.setdefault(trigram, []).append(name)
            self._backwards = sorted(name[::-1] for name in self.names)
        shared: Counter[str] = Counter()
        for trigram in _trigrams(word):
            holders = self._index.get(trigram, ())
            if len(holders) <= COMMON_TRIGRAM:
                shared.update(holders)
        # most trigrams shared first, then (as difflib ranks ties) the closest length, then the larger name
        by_count = shared.most_common()
        if len(by_count) > SHORTLIST:  # only the counts the SHORTLIST reaches are ranked further
            floor = -by_count[SHORTLIST - 1][1]
            by_count = by_count[: bisect.bisect_right(by_count, floor, key=lambda item: -item[1])]
        size = len(word)
        ranked = heapq.nlargest(SHORTLIST, [(count, -abs(len(name) - size), name) for name, count in by_count])
        found = {name: None for _, _, name in ranked}  # the likeliest first: the later ones are cut short
        at = bisect.bisect_left(self.names, word)
        found.update(dict.fromkeys(self.names[max(at - NEIGHBOURS, 0) : at + NEIGHBOURS]))
        at = bisect.bisect_left(self._backwards, word[::-1])
        found.update(dict.fromkeys(name[::-1] for name in self._backwards[max(at - NEIGHBOURS, 0) : at + NEIGHBOURS]))
        return list(found)


def _best_match(word: str, names: Iterable[str], cutoff: float = 0.6) -> str | None:
    """What ``difflib.get_close_matches(word, names, n=1, cutoff=cutoff)`` gives (the best ratio, the larger
    name on a tie), skipping the names whose cheap upper bounds of the ratio are already below the best."""
    import difflib

    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best, found = cutoff, None
    for name in names:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() < best or matcher.quick_ratio() < best:
            continue
        ratio = matcher.ratio()
        if ratio > best or (ratio == best and (found is None or name > found)):
            best, found = ratio, name
    return found


def _trigrams(name: str) -> set[str]:
    padded = f"\0\0{name}\0"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _squash(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def _attribute_segment(ref: OutputRef, depth: int) -> Segment | None:
    """The accessor after the task id and its ``depth`` loop indexes (``outputs.x[taskrun.value].uri``)."""
    segments = ref.segments
    if len(segments) < depth + 2:
        return None
    if any(not segment.bracket for segment in segments[1 : depth + 1]):
        return None  # an attribute read where an index belongs: not ours to judge
    return segments[depth + 1]


def _attribute_name(ref: OutputRef, tasks: Mapping[str, TaskInfo]) -> str | None:
    found = tasks.get(ref.task_id or "")
    segment = _attribute_segment(ref, found.loop_depth if found else 0)
    return segment.name if segment else None


def _check_accessor(
    ctx: CheckContext,
    ref: OutputRef,
    task: TaskInfo,
    yaml_path: str,
    text: ScalarText,
    locator: Locator,
) -> None:
    use = task.use
    family = family_of(use.type_name) if use is not None else None
    if use is None or family is None:
        return
    segment = _attribute_segment(ref, task.loop_depth)
    if segment is None or segment.name not in MODE_ACCESSORS:
        return
    mode = result_mode(use, family, ctx.flow)
    filled = MODE_OUTPUT[mode.mode] if mode is not None else None
    if mode is None or segment.name == filled:
        return
    state = _mode_words(family, mode)
    if filled is None:
        message = f"task '{task.id}' {state}: it outputs no result, so `{segment.name}` does not exist"
        help_text = f"set `{family.property}` to FETCH (rows), FETCH_ONE (row) or STORE (uri)"
    else:
        message = f"task '{task.id}' {state}: it outputs `{filled}`, not `{segment.name}`"
        read = f"read `{filled}` instead" if task.loop_depth else f"read `outputs.{task.id}.{filled}`"
        help_text = f"{read}, or {'change' if mode.node is not None else 'set'} `{mode.property}`"
    related: list[tuple[Node | Span, str]] = []
    if mode.node is not None:
        related.append((mode.node, f"{mode.origin} here"))
    elif use.id_node is not None:
        related.append((use.id_node, f"task '{task.id}' ({simple_name(use.type_name)})"))
    ctx.report(
        "FL302",
        _span(text, locator, segment.start, segment.end),
        message,
        yaml_path=yaml_path,
        help=help_text,
        related=related,
    )


_DOES = {STORE: "stores its result", FETCH: "fetches its rows", FETCH_ONE: "fetches one row", NONE: ""}


def _mode_words(family: Family, mode: Mode) -> str:
    """How a message says what the task does with its result, and why flowlint thinks so."""
    does = _DOES[mode.mode]
    if mode.node is None:
        return (
            f"sets no `{family.property}`: flowlint assumes the default of {family.name}, "
            f"{family.property}: {family.default_text()}" + (f" (it {does})" if does else "")
        )
    return f"{does} ({mode.origin})" if does else f"has {mode.origin}"


def result_mode(use: PluginUse, family: Family, flow: Flow) -> Mode | None:
    """The result mode of a task of ``family``: from the task, else the flow's plugin defaults, else
    the family default. None when it cannot be known statically."""
    sources: list[tuple[Node, str]] = [(use.node, "")]
    sources.extend((values, " in a flow plugin default") for values in _flow_default_values(flow, use.type_name))
    for values, where in sources:
        legacy = _legacy_mode(values, family)
        if legacy is not _ABSENT:
            if not isinstance(legacy, Mode):
                return None
            return Mode(legacy.mode, legacy.node, legacy.origin + where, legacy.property)
        found = get(values, family.property)
        if found is not None:
            mode = _read_mode(found[1], family)
            if mode is None:
                return None
            return Mode(mode, found[1], f"{family.property}: {_written(found[1])}{where}", family.property)
    return Mode(family.default, None, "default", family.property)


_ABSENT = object()


def _legacy_mode(values: Node, family: Family) -> object:
    """The mode a legacy boolean set to true selects; None when several are; _ABSENT when none is."""
    chosen: list[Mode] = []
    for name, mode in family.legacy:
        found = get(values, name)
        if found is None:
            continue
        truth = _truth(found[1])
        if truth is None:
            return None
        if truth:
            chosen.append(Mode(mode, found[1], f"{name}: true", name))
    if not chosen:
        return _ABSENT
    return chosen[0] if len(chosen) == 1 else None


def _truth(node: Node) -> bool | None:
    text = kestra_text(node)
    if text is None:
        return None
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return None


def _read_mode(node: Node, family: Family) -> str | None:
    if family.kind == "boolean":
        truth = _truth(node)
        return None if truth is None else (STORE if truth else FETCH)
    text = kestra_text(node)
    if text is None or not isinstance(node, ScalarNode) or tag_of(node) == BOOL_TAG:
        return None
    normal = text.strip().upper().replace("_", "")
    mode = {"FETCH": FETCH, "FETCHONE": FETCH_ONE, "STORE": STORE, "NONE": NONE}.get(normal)
    if mode is None:
        return None
    return family.values.get(mode, mode) if family.values else mode


def _written(node: Node) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else "?"


def _flow_default_values(flow: Flow, type_name: str) -> list[Node]:
    """``values`` of the flow's plugin defaults that apply to ``type_name``, most specific first."""
    matching = [
        (len(default.type_name or ""), index, default.values_node)
        for index, default in enumerate(flow.defaults)
        if default.type_name
        and type_name.startswith(default.type_name)
        and isinstance(default.values_node, MappingNode)
    ]
    matching.sort(key=lambda item: (-item[0], -item[1]))
    return [values for _, _, values in matching if values is not None]


def task_index(flow: Flow) -> dict[str, TaskInfo]:
    """Every task id of the flow (nested, errors, finally, generated), with what the rules need."""
    uses = [(task_id, use) for use in flow.uses if use.kind == "task" and (task_id := use.id) is not None]
    loop_paths = [use.yaml_path for _, use in uses if simple_name(use.type_name) in LOOPS]
    tasks: dict[str, TaskInfo] = {}
    for task_id, use in uses:
        depth = sum(1 for path in loop_paths if _inside(use.yaml_path, path)) if loop_paths else 0
        tasks.setdefault(task_id, TaskInfo(task_id, use, depth))
        for suffix in GENERATED_IDS.get(simple_name(use.type_name), ()):
            tasks.setdefault(task_id + suffix, TaskInfo(task_id + suffix, None, depth))
    recorded = {id(use.node) for _, use in uses}
    for item in flow.slot_items:
        if item.slot != "task" or id(item.node) in recorded:
            continue
        found = get(item.node, "id")
        text = kestra_text(found[1]) if found else None
        if text is not None:
            tasks.setdefault(text, TaskInfo(text, None, 0))
    return tasks


def _inside(path: str, ancestor: str) -> bool:
    return len(path) > len(ancestor) and path.startswith(ancestor) and path[len(ancestor)] in ".["


def strings_with_expressions(flow: Flow, text: str) -> Iterator[tuple[ScalarNode, str]]:
    """Every string scalar of the flow that may hold an ``outputs`` expression, with its YAML path.

    Not read: the flow's ``description`` and a blueprint's ``extend`` metadata, the ``description`` of
    its tasks, plugins (but :data:`RENDERED_DESCRIPTIONS`), inputs and outputs (documentation, never
    rendered), its ``triggers`` (a Flow trigger renders ``outputs`` of the execution that triggers it,
    from another flow; other triggers run before any task) and the ``outputs`` of Subflow tasks
    (rendered in the child execution).
    Aliased nodes are read once. Paths are only spelt out for the scalars returned. A mapping or list
    whose source ``text`` has neither ``outputs`` nor a backslash (the only way a double-quoted scalar
    can hold a word its source does not spell) is not walked into.
    """
    child_contexts = {
        id(use.node)
        for use in flow.uses
        if simple_name(use.type_name) in CHILD_CONTEXT and use.type_name.startswith("io.kestra.")
    }
    documented = _documented(flow)
    seen: set[int] = set()
    stack: list[tuple[Node, KeyChain]] = [
        (value, (None, key))
        for key, value in reversed(flow.root.value)
        if not (isinstance(key, ScalarNode) and key.value in NOT_THIS_EXECUTION)
    ]
    while stack:
        node, chain = stack.pop()
        if isinstance(node, ScalarNode):
            value = node.value
            if "outputs" in value and "{" in value and is_str(node) and id(node) not in seen:
                seen.add(id(node))
                yield node, chain_path(chain)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        start, end = node.start_mark.index, node.end_mark.index
        if text.find("outputs", start, end) < 0 and text.find("\\", start, end) < 0:
            continue
        if isinstance(node, SequenceNode):
            stack.extend((item, (chain, index)) for index, item in reversed(list(enumerate(node.value))))
        elif isinstance(node, MappingNode):
            skipped = {"outputs"} if id(node) in child_contexts else set()
            if id(node) in documented:
                skipped.add("description")
            for child_key, child in reversed(node.value):
                if skipped and isinstance(child_key, ScalarNode) and child_key.value in skipped:
                    continue
                stack.append((child, (chain, child_key)))


def _documented(flow: Flow) -> set[int]:
    """The mappings whose ``description`` is documentation: plugins (but those that render their own),
    tasks and triggers, and the items of the flow's ``inputs`` and ``outputs``."""
    found = {id(use.node) for use in flow.uses}
    found.update(id(item.node) for item in flow.slot_items)
    found.difference_update(id(use.node) for use in flow.uses if use.type_name in RENDERED_DESCRIPTIONS)
    for key in ("inputs", "outputs"):
        entry = flow.top(key)
        if entry is not None and isinstance(entry[1], SequenceNode):
            found.update(id(item) for item in entry[1].value)
    return found
