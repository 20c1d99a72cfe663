"""Validation rules FL605, FL607, FL610: a Schedule or Webhook trigger Kestra refuses, a label under
``system.``, and a dashed id read with a dot (KESTRA-VALIDATION §2.2, §3.1, §3.3, §3.5).

A check applies from the Kestra version that introduced it (``ctx.settings.target``), read from Kestra's
source: a Webhook with a MultipleCondition from 0.13, a Schedule's time zone from 0.14, its cron (the
parser of :mod:`flowlint.kestra_cron`) from 0.18, system labels from 0.20, the dashed references from 1.0
(the check came after 0.22, PR #8379 of 2025-04; 1.3.25 has it; its exact release is not known, 1.0 is the
first release flowlint is sure of).

FL610 reads what Kestra's ``FlowValidator`` reads: an expression that is only ``{{ inputs.<id> }}`` for an
input id with a dash, and one that starts with ``{{ outputs.<task-id>.`` for a task id with a dash, in the
fields a task's own class declares (Kestra reads ``getDeclaredFields``: Log's ``message``, not a ``runIf``
every task inherits, nor Request's ``uri`` from AbstractHttp) and in the ``value`` of the flow's outputs.
Which class declares what is known for Kestra's core tasks only (:mod:`flowlint.rules.declared_fields`);
other tasks are not claimed. Where Kestra's check reports a dashed task id, FL610 does and FL301 (which
reads ``outputs.my-task`` as a subtraction) does not; FL301 reports every other such reference, and all of
them for targets before 1.0.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Severity
from flowlint.flow import PluginUse, path_join
from flowlint.nodes import get, is_str, kestra_text
from flowlint.rules.base import CheckContext, Rule, applies_from
from flowlint.rules.dashed_refs import dashed_references
from flowlint.scalar_text import Locator

SCHEDULES = frozenset({"io.kestra.plugin.core.trigger.Schedule", "io.kestra.core.models.triggers.types.Schedule"})
WEBHOOKS = frozenset({"io.kestra.plugin.core.trigger.Webhook", "io.kestra.core.models.triggers.types.Webhook"})
MULTIPLE_CONDITIONS = frozenset(
    {"io.kestra.plugin.core.condition.MultipleCondition", "io.kestra.core.models.conditions.types.MultipleCondition"}
)
LABELLED_TASKS = {
    "io.kestra.plugin.core.flow.Subflow": "Subflow",
    "io.kestra.core.tasks.flows.Subflow": "Subflow",
    "io.kestra.core.tasks.flows.Flow": "Subflow",
    "io.kestra.plugin.core.flow.ForEachItem": "ForEachItem",
    "io.kestra.core.tasks.flows.ForEachItem": "ForEachItem",
}
"""Tasks whose ``labels`` (given to the executions they start) Kestra checks for system labels."""
EXECUTION_LABELS = frozenset(
    {"io.kestra.plugin.core.condition.ExecutionLabels", "io.kestra.core.models.conditions.types.ExecutionLabels"}
)
SYSTEM_PREFIX = "system."
FLOW_SYSTEM_LABELS = frozenset({"system.readOnly"})
"""The system labels a flow may set itself (``Label.READ_ONLY``, the only one from 0.20 to 2.0)."""
WEBHOOK_SINCE = (0, 13, 0)
TIMEZONE_SINCE = (0, 14, 0)
CRON_SINCE = (0, 18, 0)
SYSTEM_LABELS_SINCE = (0, 20, 0)


def _expression(text: str) -> bool:
    return "{{" in text or "{%" in text


# FL605 --------------------------------------------------------------------------------------------------


def check_triggers(ctx: CheckContext) -> None:
    """Report FL605 for one flow: Schedule cron and time zone, Webhook conditions."""
    if not ctx.on("FL605"):
        return
    for use in ctx.flow.uses:
        if use.kind != "trigger":
            continue
        if use.type_name in SCHEDULES:
            if applies_from(ctx, CRON_SINCE):
                _check_cron(ctx, use)
            if applies_from(ctx, TIMEZONE_SINCE):
                _check_timezone(ctx, use)
        elif use.type_name in WEBHOOKS and applies_from(ctx, WEBHOOK_SINCE):
            _check_webhook(ctx, use)


def _check_cron(ctx: CheckContext, use: PluginUse) -> None:
    found = get(use.node, "cron")
    cron = kestra_text(found[1]) if found else None
    if found is None or cron is None or _expression(cron):
        return
    seconds = get(use.node, "withSeconds")
    seconds_text = kestra_text(seconds[1]) if seconds else "false"
    if seconds_text is None or seconds_text.lower() not in ("true", "false"):
        return  # not a boolean Kestra reads: the cron's field count is not known
    with_seconds = seconds_text.lower() == "true"
    from flowlint.kestra_cron import cron_problem  # only for a flow with a Schedule

    problem = cron_problem(cron, with_seconds)
    if problem is None:
        return
    if "parts but we expect" in problem and not with_seconds and len(cron.split()) == 6:
        help_text = "a cron with seconds (6 fields, seconds first) needs `withSeconds: true`"
    elif with_seconds:
        help_text = "with `withSeconds: true` a cron has 6 fields: second minute hour day-of-month month day-of-week"
    else:
        help_text = (
            "a cron has 5 fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week "
            "0-7 or MON-SUN) of numbers, `*`, ranges `a-b`, steps `/n` and lists `a,b`; or one of @hourly, @daily, "
            "@midnight, @weekly, @monthly, @yearly, @annually"
        )
    ctx.report(
        "FL605",
        found[1],
        f"Kestra {ctx.settings.target_text} rejects this cron: invalid cron expression '{cron}': {problem}",
        yaml_path=path_join(use.yaml_path, found[0]),
        help=help_text,
    )


def _check_timezone(ctx: CheckContext, use: PluginUse) -> None:
    found = get(use.node, "timezone")
    zone = kestra_text(found[1]) if found else None
    if found is None or zone is None or _expression(zone):
        return
    from flowlint.zone_ids import region_ids, zone_id_valid  # only for a Schedule with a time zone

    known = region_ids()
    if not known or zone_id_valid(zone, known):
        return
    from flowlint.rules.closest import Closest  # only for an unknown zone

    close = Closest(known).closest(zone)
    ctx.report(
        "FL605",
        found[1],
        f"'{zone}' is not a time zone Kestra {ctx.settings.target_text} knows: "
        f"timezone '({zone})' is not a valid time-zone ID",
        yaml_path=path_join(use.yaml_path, found[0]),
        help=f"did you mean '{close}'?"
        if close is not None
        else "use an IANA time zone id such as `Europe/Paris`, or an offset such as `+02:00` or `UTC+2`",
    )


def _check_webhook(ctx: CheckContext, use: PluginUse) -> None:
    found = get(use.node, "conditions")
    if found is None or not isinstance(found[1], SequenceNode):
        return
    for condition in found[1].value:
        kind = get(condition, "type")
        if kind is not None and is_str(kind[1]) and kind[1].value in MULTIPLE_CONDITIONS:
            ctx.report(
                "FL605",
                kind[1],
                f"a Webhook trigger cannot wait on a MultipleCondition: Kestra {ctx.settings.target_text} rejects "
                "it (invalid webhook: conditions of type MultipleCondition are not supported)",
                yaml_path=path_join(use.yaml_path, found[0]),
                help="to start this flow once several flows have run, use a Flow trigger with `preconditions`",
            )


# FL607 --------------------------------------------------------------------------------------------------


class _Label(NamedTuple):
    key: ScalarNode
    value: Node | None
    yaml_path: str


def check_labels(ctx: CheckContext) -> None:
    """Report FL607 for one flow: labels under ``system.`` on the flow, triggers, SLAs, Subflow and
    ForEachItem tasks and ExecutionLabels conditions."""
    if not ctx.on("FL607") or not applies_from(ctx, SYSTEM_LABELS_SINCE):
        return
    flow = ctx.flow
    found = flow.top("labels")
    if found is not None:
        for label in _labels(found[1], path_join("", found[0])):
            if label.key.value not in FLOW_SYSTEM_LABELS:
                _report_label(ctx, label, "the flow", flow_level=True)
    sla = flow.top("sla")
    if sla is not None and isinstance(sla[1], SequenceNode):
        for index, item in enumerate(sla[1].value):
            labels = get(item, "labels")
            sla_id = get(item, "id")
            name = f"SLA '{sla_id[1].value}'" if sla_id and is_str(sla_id[1]) else "an SLA"
            if labels is not None:
                for label in _labels(labels[1], f"sla[{index}].labels"):
                    _report_label(ctx, label, name, flow_level=False)
    for use in flow.uses:
        where = _labelled(use)
        labels = get(use.node, "labels") if where else None
        if where is not None and labels is not None:
            for label in _labels(labels[1], path_join(use.yaml_path, labels[0])):
                _report_label(ctx, label, where, flow_level=False)


def _labelled(use: PluginUse) -> str | None:
    """How messages name a plugin whose labels Kestra checks, None for the others."""
    if use.kind == "trigger":
        return f"trigger '{use.id}'" if use.id else "a trigger"
    if use.kind == "task" and use.type_name in LABELLED_TASKS:
        name = LABELLED_TASKS[use.type_name]
        return f"{name} task '{use.id}'" if use.id else f"a {name} task"
    if use.kind == "condition" and use.type_name in EXECUTION_LABELS:
        return "an ExecutionLabels condition"
    return None


def _labels(node: Node, yaml_path: str) -> Iterator[_Label]:
    """The labels under ``system.`` of a ``labels`` value: a mapping, or a list of ``{key, value}``."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if is_str(key) and key.value.startswith(SYSTEM_PREFIX):
                yield _Label(key, value, path_join(yaml_path, key))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            key = get(item, "key")
            if key is not None and is_str(key[1]) and key[1].value.startswith(SYSTEM_PREFIX):
                value = get(item, "value")
                yield _Label(key[1], value[1] if value else None, f"{yaml_path}[{index}].key")


def _report_label(ctx: CheckContext, label: _Label, where: str, *, flow_level: bool) -> None:
    key = label.key.value
    value = kestra_text(label.value)
    allowed = (
        "only `system.readOnly` may be set on a flow" if flow_level else f"no `system.` label may be set on {where}"
    )
    ctx.report(
        "FL607",
        label.key,
        f"label '{key}' of {where} is reserved: Kestra {ctx.settings.target_text} rejects it (System labels can "
        f"only be set by Kestra itself, offending label: {key}={value})",
        yaml_path=label.yaml_path,
        help=f"labels under `system.` are Kestra's own ({allowed}): rename it, e.g. '{key[len(SYSTEM_PREFIX) :]}'",
    )


# FL610 --------------------------------------------------------------------------------------------------


def check_dashed(ctx: CheckContext) -> None:
    """Report FL610 for one flow."""
    found = dashed_references(ctx)
    if not found:
        return
    locator = Locator(ctx.source.text)
    target = ctx.settings.target_text
    for ref in found:
        start, end = ref.text.source_range(ref.start, ref.end)
        first, _, rest = ref.id.partition("-")
        kind = "input" if ref.root == "inputs" else "output"
        ctx.report(
            "FL610",
            locator.span(start, end),
            f"`{ref.root}.{ref.id}` is read by Pebble as `{ref.root}.{first}` minus `{rest}`: Kestra {target} "
            f"rejects the flow (Invalid {kind} reference: use {ref.root}[key-name] instead of "
            f"{ref.root}.key-name — keys with dashes require bracket notation)",
            yaml_path=ref.yaml_path,
            help=f"write `{ref.root}['{ref.id}']`",
        )


RULES = [
    Rule(
        "FL605", "invalid-schedule", Severity.ERROR,
        "A Schedule's cron or time zone, or a Webhook's condition, that Kestra refuses on save.",
        "Kestra parses a Schedule's `cron` when the flow is saved, with cron-utils and a definition of its "
        "own: 5 fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-7 "
        "or MON-SUN, where 0 and 7 are Sunday), 6 with `withSeconds: true` (seconds first); numbers, `*`, "
        "ranges `a-b` (never reversed), steps `*/n` and `a-b/n`, lists `a,b`; none of Quartz's `L`, `W`, "
        "`#` or `?`; or a nickname alone: @yearly, @annually, @monthly, @weekly, @daily, @midnight, "
        "@hourly (in lower case, not @reboot). The `timezone` must be a time zone id Java knows: an IANA "
        "id (`Europe/Paris`, case-sensitive), an offset (`+02:00`), or an offset after UTC, GMT or UT "
        "(`UTC+2`). A Webhook trigger cannot have a MultipleCondition among its conditions. Values with "
        "Pebble expressions are not checked. Checked from the Kestra version that checks it: the cron "
        "from 0.18, the time zone from 0.14, the Webhook condition from 0.13.",
        "id: hello\nnamespace: company.team\n"
        "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
        "triggers:\n  - id: nightly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: \"0 2 * * 1-7L\"\n"
        "    timezone: Europe/Pari\n",
        "id: hello\nnamespace: company.team\n"
        "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
        "triggers:\n  - id: nightly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: \"0 2 * * 1-5\"\n"
        "    timezone: Europe/Paris\n",
        check=check_triggers,
    ),
    Rule(
        "FL607", "reserved-label", Severity.ERROR,
        "A label under `system.` that only Kestra may set.",
        "Labels whose key starts with `system.` are Kestra's own (`system.correlationId`, "
        "`system.username`, …): from Kestra 0.20 a flow that sets one is refused on save, except "
        "`system.readOnly` on the flow itself. The check covers the flow's `labels` (a mapping or a list of "
        "`key`/`value`), the labels of its triggers, of its SLAs, of Subflow and ForEachItem tasks and of "
        "ExecutionLabels conditions, where no `system.` label is allowed.",
        "id: hello\nnamespace: company.team\n"
        "labels:\n  system.team: data\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n",
        "id: hello\nnamespace: company.team\n"
        "labels:\n  team: data\n  system.readOnly: \"true\"\ntasks:\n  - id: log\n"
        "    type: io.kestra.plugin.core.log.Log\n    message: hi\n",
        check=check_labels,
    ),
    Rule(
        "FL610", "dashed-reference", Severity.ERROR,
        "`inputs.a-b` or `outputs.t-x.…` read with a dot where Kestra requires brackets.",
        "Pebble reads `inputs.server-fqn` as `inputs.server` minus `fqn`, so an input or task id with a "
        "dash must be read with brackets: `inputs['server-fqn']`, `outputs['t-x'].value`. From Kestra 1.0 "
        "a flow is refused on save when a property of a core task is exactly `{{ inputs.<id with a dash> }}`, "
        "or when such a property or an output `value` has an expression that starts with "
        "`{{ outputs.<task id with a dash>.`: FL610 reports those (Kestra reads the properties the task's own "
        "class declares, such as Log's `message`, not inherited ones such as `runIf`; other plugins' tasks "
        "are not claimed; Kestra's message: Invalid input reference: use inputs[key-name] instead of "
        "inputs.key-name). Other dotted reads of a dashed task id, and all "
        "of them before 1.0, fail when the expression is rendered: FL301 reports them.",
        "id: hello\nnamespace: company.team\n"
        "inputs:\n  - id: server-fqn\n    type: STRING\n    defaults: db.example.com\ntasks:\n  - id: log\n"
        "    type: io.kestra.plugin.core.log.Log\n    message: \"{{ inputs.server-fqn }}\"\n",
        "id: hello\nnamespace: company.team\n"
        "inputs:\n  - id: server-fqn\n    type: STRING\n    defaults: db.example.com\ntasks:\n  - id: log\n"
        "    type: io.kestra.plugin.core.log.Log\n    message: \"{{ inputs['server-fqn'] }}\"\n",
        check=check_dashed,
    ),
]  # fmt: skip
