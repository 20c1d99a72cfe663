"""Validation rule FL611: a Flow trigger's preconditions (or, from 2.0, its ``mode``) that Kestra refuses on
save (KESTRA-VALIDATION §2.2, §3.1, §3.3).

Read from Kestra's source at its release tags: ``preconditions`` exist from 0.20 until 2.0, which removed them
(PR #15733; it is then an unknown property). From 0.20, ``PreconditionFilterValidator`` wants a ``value`` for
every filter type but IN and NOT_IN, which want ``values`` instead, and ``TimeWindowValidator`` allows each
window type its own fields. Two Flow triggers whose preconditions share an id are refused from the
maintenance releases of November 2025 (PR #12697, backported to 0.24, 1.0 and 1.1 patches flowlint cannot
name); 1.2 is the first release flowlint is sure of. From 2.0, ``FlowTriggerValidator`` wants
``minSatisfied`` with ``mode: AT_LEAST``, and no more than there are ``dependsOn`` entries.

Values are judged as Kestra's validators read them: a key absent or null is unset, anything else is set.
Ids that are expressions, and values of a shape Kestra's parser refuses first, are not judged.
"""

from __future__ import annotations

from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Severity
from flowlint.flow import PluginUse
from flowlint.nodes import get, is_null, is_str, kestra_text
from flowlint.rules.base import CheckContext, Rule, applies_from

FLOW_TRIGGERS = frozenset({"io.kestra.plugin.core.trigger.Flow", "io.kestra.core.models.triggers.types.Flow"})
PRECONDITIONS_SINCE = (0, 20, 0)
PRECONDITIONS_UNTIL = (2, 0, 0)
"""``preconditions`` exist from 0.20 and are gone in 2.0 (first version without them)."""
DUPLICATE_IDS_SINCE = (1, 2, 0)
MODE_SINCE = (2, 0, 0)

VALUES_TYPES = frozenset({"IN", "NOT_IN"})
"""Filter types that take a list, ``values``; every other one takes a single ``value``."""
FILTER_TYPES = frozenset(
    {"EQUAL_TO", "NOT_EQUAL_TO", "IS_TRUE", "IS_FALSE", "IS_NULL", "IS_NOT_NULL", "STARTS_WITH", "ENDS_WITH",
     "REGEX", "CONTAINS"}
) | VALUES_TYPES  # fmt: skip


class _Window(NamedTuple):
    forbidden: tuple[tuple[str, str], ...]
    """(field, Kestra's wording after ``cannot have``) in the order Kestra reports them."""
    required: tuple[tuple[str, str], ...]
    """(field, Kestra's wording after ``must have``), checked only when no forbidden field is set."""


WINDOWS: dict[str, _Window] = {
    "DAILY_TIME_DEADLINE": _Window(
        (("window", "a window"), ("windowAdvance", "a window advance"), ("startTime", "a start time"),
         ("endTime", "an end time")),
        (("deadline", "a deadline"),),
    ),
    "DAILY_TIME_WINDOW": _Window(
        (("window", "a window"), ("windowAdvance", "a window advance"), ("deadline", "a deadline")),
        (("startTime", "a start time"), ("endTime", "an end time")),
    ),
    "DURATION_WINDOW": _Window(
        (("deadline", "a deadline"), ("startTime", "a start time"), ("endTime", "an end time")), ()
    ),
    "SLIDING_WINDOW": _Window(
        (("deadline", "a deadline"), ("startTime", "a start time"), ("endTime", "an end time"),
         ("windowAdvance", "a window advance")),
        (),
    ),
}  # fmt: skip
"""Time window type -> the fields Kestra's ``TimeWindowValidator`` refuses and requires for it."""
WINDOW_FIELDS = {
    "DAILY_TIME_DEADLINE": "`deadline`",
    "DAILY_TIME_WINDOW": "`startTime` and `endTime`",
    "DURATION_WINDOW": "`window` and `windowAdvance`",
    "SLIDING_WINDOW": "`window`",
}
"""What each window type takes, for the help."""


def _between(ctx: CheckContext, since: tuple[int, int, int], until: tuple[int, int, int] | None = None) -> bool:
    return applies_from(ctx, since) and (until is None or not applies_from(ctx, until))


def _set(node: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    """The entry of ``key`` when Kestra reads it as set (present and not null)."""
    found = get(node, key)
    return found if found is not None and not is_null(found[1]) else None


def _name(use: PluginUse) -> str:
    return f"Flow trigger '{use.id}'" if use.id else "a Flow trigger"


def check(ctx: CheckContext) -> None:
    """Report FL611 for one flow."""
    if not ctx.on("FL611"):
        return
    triggers = [use for use in ctx.flow.uses if use.kind == "trigger" and use.type_name in FLOW_TRIGGERS]
    if _between(ctx, PRECONDITIONS_SINCE, PRECONDITIONS_UNTIL):
        for use in triggers:
            found = get(use.node, "preconditions")
            if found is not None and isinstance(found[1], MappingNode):
                _check_filters(ctx, use, found[1])
                _check_window(ctx, use, found[1])
        if _between(ctx, DUPLICATE_IDS_SINCE):
            _check_duplicate_ids(ctx, triggers)
    if _between(ctx, MODE_SINCE):
        for use in triggers:
            _check_mode(ctx, use)


# `where` filters ----------------------------------------------------------------------------------------


def _check_filters(ctx: CheckContext, use: PluginUse, preconditions: MappingNode) -> None:
    where = get(preconditions, "where")
    if where is None or not isinstance(where[1], SequenceNode):
        return
    for index, execution_filter in enumerate(where[1].value):
        filters = get(execution_filter, "filters")
        if filters is None or not isinstance(filters[1], SequenceNode):
            continue
        where_id = get(execution_filter, "id")
        shown = kestra_text(where_id[1]) if where_id else None
        owner = f"`where` '{shown}'" if shown else f"`where` entry {index + 1}"
        for position, item in enumerate(filters[1].value):
            if isinstance(item, MappingNode):
                yaml_path = f"{use.yaml_path}.preconditions.where[{index}].filters[{position}]"
                _check_filter(ctx, use, item, f"filter {position + 1} of {owner}", yaml_path)


def _check_filter(ctx: CheckContext, use: PluginUse, item: MappingNode, name: str, yaml_path: str) -> None:
    """Kestra's first complaint about one filter, as ``PreconditionFilterValidator`` makes it."""
    kind = get(item, "type")
    if kind is None or not is_str(kind[1]) or kind[1].value not in FILTER_TYPES:
        return  # no type, or one Kestra's parser refuses: not this validator's
    type_name = kind[1].value
    value, values = _set(item, "value"), _set(item, "values")
    if (value is not None and not isinstance(value[1], ScalarNode)) or (
        values is not None and not isinstance(values[1], SequenceNode)
    ):
        return  # a shape Kestra's parser refuses first
    target = ctx.settings.target_text
    takes_list = type_name in VALUES_TYPES
    where = f"{name} of {_name(use)}"
    if not takes_list and value is None:
        ctx.report(
            "FL611",
            kind[1],
            f"{where} has `type: {type_name}` but no `value`: Kestra {target} rejects it "
            f"(`value` cannot be null for type {type_name})",
            yaml_path=f"{yaml_path}.type",
            help="give it the `value` to compare with (every type but IN and NOT_IN takes one)"
            if values is None
            else f"a `{type_name}` filter takes one `value`, not a list of `values`; for a list use `type: IN`",
        )
    elif takes_list and value is not None:
        ctx.report(
            "FL611",
            value[0],
            f"{where} has `type: {type_name}` and a `value`: Kestra {target} rejects it "
            f"(`value` must be null for type {type_name})",
            yaml_path=f"{yaml_path}.value",
            help=f"`{type_name}` takes a list: write `values: [...]` instead of `value`",
        )
    elif takes_list and values is None:
        ctx.report(
            "FL611",
            kind[1],
            f"{where} has `type: {type_name}` but no `values`: Kestra {target} rejects it "
            f"(`values` cannot be null for type {type_name})",
            yaml_path=f"{yaml_path}.type",
            help=f"give it the list of `values` to match (`{type_name}` takes a list)",
        )
    elif not takes_list and values is not None:
        ctx.report(
            "FL611",
            values[0],
            f"{where} has `type: {type_name}` and `values`: Kestra {target} rejects it "
            f"(`values` must be null for type {type_name})",
            yaml_path=f"{yaml_path}.values",
            help="`values` is only for IN and NOT_IN: remove it, or use `type: IN`",
        )


# timeWindow ---------------------------------------------------------------------------------------------


def _check_window(ctx: CheckContext, use: PluginUse, preconditions: MappingNode) -> None:
    found = get(preconditions, "timeWindow")
    if found is None or not isinstance(found[1], MappingNode):
        return
    window = found[1]
    kind = get(window, "type")
    if kind is not None and not (is_str(kind[1]) and kind[1].value in WINDOWS):
        return  # null, or a type Kestra's parser refuses first
    type_name = kind[1].value if kind is not None else "DURATION_WINDOW"
    rules = WINDOWS[type_name]
    yaml_path = f"{use.yaml_path}.preconditions.timeWindow"
    target = ctx.settings.target_text
    takes = f"a `{type_name}` window takes {WINDOW_FIELDS[type_name]}"
    forbidden = [(field, _set(window, field), words) for field, words in rules.forbidden]
    present = [(field, entry, words) for field, entry, words in forbidden if entry is not None]
    for field, entry, words in present:
        if type_name == "DAILY_TIME_WINDOW" and field == "deadline" and _set(window, "startTime") is None:
            continue  # Kestra reports a deadline only alongside a start time (its check reads `startTime`)
        ctx.report(
            "FL611",
            entry[0],
            f"the time window of {_name(use)} is of type `{type_name}` and has `{field}`: Kestra {target} "
            f"rejects it (Time window of type `{type_name}` cannot have {words}.)",
            yaml_path=f"{yaml_path}.{field}",
            help=f"{takes}: remove `{field}`",
        )
    if present or kind is None:
        return  # without a type the window is a DURATION_WINDOW, which requires nothing
    for field, words in rules.required:
        if _set(window, field) is None:
            ctx.report(
                "FL611",
                kind[1],
                f"the time window of {_name(use)} is of type `{type_name}` without `{field}`: Kestra {target} "
                f"rejects it (Time window of type `{type_name}` must have {words}.)",
                yaml_path=f"{yaml_path}.type",
                help=f'{takes}: add `{field}` (a time of day, e.g. `{field}: "09:00:00"`)',
            )


# duplicate ids ------------------------------------------------------------------------------------------


def _check_duplicate_ids(ctx: CheckContext, triggers: list[PluginUse]) -> None:
    seen: dict[str, tuple[PluginUse, Node]] = {}
    for use in triggers:
        found = get(use.node, "preconditions")
        own = get(found[1], "id") if found is not None and isinstance(found[1], MappingNode) else None
        text = kestra_text(own[1]) if own is not None else None
        if own is None or text is None or "{{" in text or "{%" in text:
            continue
        if text not in seen:
            seen[text] = (use, own[1])
            continue
        first, first_node = seen[text]
        ctx.report(
            "FL611",
            own[1],
            f"the preconditions of {_name(use)} have the id '{text}', as those of {_name(first)}: Kestra "
            f"{ctx.settings.target_text} rejects two Flow triggers whose preconditions share an id",
            yaml_path=f"{use.yaml_path}.preconditions.id",
            help="give each Flow trigger's preconditions an id of its own",
            related=[(first_node, "the first preconditions with this id")],
        )


# mode (2.0) ---------------------------------------------------------------------------------------------


def _check_mode(ctx: CheckContext, use: PluginUse) -> None:
    mode = get(use.node, "mode")
    if mode is None or not is_str(mode[1]) or mode[1].value != "AT_LEAST":
        return
    target = ctx.settings.target_text
    minimum = get(use.node, "minSatisfied")
    if minimum is None or is_null(minimum[1]):
        ctx.report(
            "FL611",
            mode[1],
            f"{_name(use)} has `mode: AT_LEAST` without `minSatisfied`: Kestra {target} rejects it "
            "(`minSatisfied` must be set when mode is AT_LEAST)",
            yaml_path=f"{use.yaml_path}.mode",
            help="set `minSatisfied` to how many `dependsOn` entries must be met, or use `mode: ANY`",
        )
        return
    count = kestra_text(minimum[1])
    depends_on = get(use.node, "dependsOn")
    if count is None or not count.isdigit() or depends_on is None or not isinstance(depends_on[1], SequenceNode):
        return
    size = len(depends_on[1].value)
    if int(count) > size:
        ctx.report(
            "FL611",
            minimum[1],
            f"{_name(use)} wants {count} of its {size} `dependsOn` entries met: Kestra {target} rejects it "
            f"(`minSatisfied` cannot be greater than the number of `dependsOn` conditions ({size}))",
            yaml_path=f"{use.yaml_path}.minSatisfied",
            help=f"set `minSatisfied` to at most {size}",
        )


RULES = [
    Rule(
        "FL611", "invalid-precondition", Severity.ERROR,
        "A Flow trigger's preconditions (filters, time window, ids) or `mode` that Kestra refuses on save.",
        "Kestra validates a Flow trigger's `preconditions` (0.20 to 1.x) when the flow is saved. Each "
        "filter of `where` takes a `value` for every `type` but IN and NOT_IN, which take a list, `values` "
        "(Kestra: `value` cannot be null for type EQUAL_TO, `values` must be null for type EQUAL_TO, …). The "
        "`timeWindow` takes, per `type`: DURATION_WINDOW (the default) `window` and `windowAdvance`; "
        "SLIDING_WINDOW `window`; DAILY_TIME_WINDOW `startTime` and `endTime`, both required; "
        "DAILY_TIME_DEADLINE `deadline`, required (Kestra: Time window of type `SLIDING_WINDOW` cannot have a "
        "window advance.). From 1.2 (and some late 0.24, 1.0 and 1.1 patches) two Flow triggers of a flow "
        "cannot give their preconditions the same `id`. Kestra 2.0 replaced `preconditions` by `dependsOn`: "
        "there `mode: AT_LEAST` needs `minSatisfied`, at most the number of `dependsOn` entries (Kestra: "
        "`minSatisfied` must be set when mode is AT_LEAST). Expressions are not judged.",
        "id: hello\nnamespace: company.team\n"
        "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
        "triggers:\n  - id: after_etl\n    type: io.kestra.plugin.core.trigger.Flow\n    preconditions:\n"
        "      id: etl_done\n      where:\n        - id: prod\n          filters:\n"
        "            - field: NAMESPACE\n              type: IN\n              value: company.prod\n",
        "id: hello\nnamespace: company.team\n"
        "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
        "triggers:\n  - id: after_etl\n    type: io.kestra.plugin.core.trigger.Flow\n    preconditions:\n"
        "      id: etl_done\n      where:\n        - id: prod\n          filters:\n"
        "            - field: NAMESPACE\n              type: IN\n              values: [company.prod]\n",
        check=check,
    ),
]  # fmt: skip
