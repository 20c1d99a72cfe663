"""Structure rules FL001-FL008: what Kestra's flow parser and validator reject (SEMANTICS §5)."""

from __future__ import annotations

import re

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Severity, Span
from flowlint.flow import SlotItem
from flowlint.nodes import get, is_null, is_str, kestra_text, kind_name, span_of
from flowlint.properties.lookup import describe_versions, lookup_for
from flowlint.rules.base import CheckContext, Rule

FLOW_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9._-]*")
NAMESPACE = re.compile(r"[a-z0-9][a-z0-9._-]*")
TASK_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]*")
RESERVED_FLOW_IDS = frozenset(
    {"pause", "resume", "force-run", "change-status", "kill", "executions", "search", "source", "disable", "enable"}
)
FLOW_KEYS = frozenset(
    {
        "id",
        "namespace",
        "revision",
        "description",
        "labels",
        "inputs",
        "outputs",
        "variables",
        "tasks",
        "errors",
        "finally",
        "afterExecution",
        "listeners",
        "triggers",
        "pluginDefaults",
        "taskDefaults",
        "concurrency",
        "retry",
        "sla",
        "checks",
        "disabled",
        "deleted",
        "tenantId",
        "workerSelector",
    }
)


def check(ctx: CheckContext) -> None:
    """Report FL001-FL008 for one flow (FL001 is also reported while reading the file)."""
    flow = ctx.flow
    if flow.alias_overflow is not None:
        ctx.report(
            "FL001",
            flow.alias_overflow,
            "more than 50 aliases to collections: Kestra's YAML parser refuses this document (a YAML bomb?)",
        )
    for duplicate in flow.duplicate_keys:
        ctx.report(
            "FL002",
            duplicate.again,
            f"duplicate key '{duplicate.again.value}' (first at line {duplicate.first.start_mark.line + 1})",
            yaml_path=duplicate.yaml_path,
            related=[(duplicate.first, "first written here")],
        )
    _check_flow_keys(ctx)
    _check_slots(ctx)
    _check_duplicate_ids(ctx)
    for shape in flow.shape_errors:
        ctx.report(
            "FL007",
            shape.node,
            f"`{shape.yaml_path}` must be {shape.expected}, not {kind_name(shape.node)}",
            yaml_path=shape.yaml_path,
        )
    _check_defaults_shape(ctx)
    _check_removed(ctx)


def _anchor(ctx: CheckContext) -> Node | Span:
    """Where to report something missing from the whole flow: its first key."""
    root = ctx.flow.root
    return root.value[0][0] if root.value else root


def _check_flow_keys(ctx: CheckContext) -> None:
    flow = ctx.flow
    for key in ("id", "namespace"):
        found = flow.top(key)
        if found is None:
            ctx.report("FL003", _anchor(ctx), f"the flow has no `{key}`")
        elif kestra_text(found[1]) is None:
            ctx.report("FL007", found[1], f"`{key}` must be a string, not {kind_name(found[1])}", yaml_path=key)
    tasks = flow.top("tasks")
    if tasks is None:
        ctx.report("FL003", _anchor(ctx), "the flow has no `tasks`: a flow needs at least one task")
    elif (isinstance(tasks[1], SequenceNode) and not tasks[1].value) or is_null(tasks[1]):
        ctx.report(
            "FL003",
            tasks[1] if not is_null(tasks[1]) else tasks[0],
            "`tasks` is empty: a flow needs at least one task",
            yaml_path="tasks",
        )
    _check_flow_id(ctx)
    lookup = lookup_for(ctx.manifest, ctx.settings.target) if ctx.on("FL006") else None
    for key, _ in flow.root.value:
        if not isinstance(key, ScalarNode):
            ctx.report("FL006", key, "a top-level key must be a string")
            continue
        known = lookup.flow_key(key.value) if lookup is not None and is_str(key) else None
        beyond = lookup.newest_kestra if lookup is not None else None
        if known is False and lookup is not None:
            history = describe_versions(lookup.flow_key_history(key.value), lookup.store.kestra_versions)
            ctx.report(
                "FL006",
                key,
                f"'{key.value}' is not a top-level key of Kestra {ctx.settings.target_text}'s Flow (of the "
                f"versions flowlint's data describes, it {history})",
                yaml_path=key.value,
                help="set `targetKestraVersion` to the Kestra version the flow runs on",
                severity=Severity.WARNING if beyond else None,
            )
        if known is not None or key.value in FLOW_KEYS:
            continue  # the flow model's data decides for the keys it knows, flowlint's list for the others
        import difflib

        close = difflib.get_close_matches(key.value, sorted(FLOW_KEYS), n=1, cutoff=0.6)
        message = f"unknown top-level key '{key.value}': Kestra's Flow has no such property"
        if beyond:  # a Kestra newer than the data may have added it
            message += f" as far as flowlint's data goes (it describes Kestra up to {beyond})"
        ctx.report(
            "FL006",
            key,
            message,
            yaml_path=key.value,
            help=f"did you mean '{close[0]}'?" if close else None,
            severity=Severity.WARNING if beyond else None,
        )


def _check_flow_id(ctx: CheckContext) -> None:
    for key, pattern, limit, what in (
        ("id", FLOW_ID, 100, "flow id"),
        ("namespace", NAMESPACE, 150, "namespace"),
    ):
        found = ctx.flow.top(key)
        value = kestra_text(found[1]) if found else None
        if found is None or value is None:
            continue
        if not value:
            ctx.report("FL004", found[1], f"{what} is empty", yaml_path=key)
        elif not pattern.fullmatch(value):
            ctx.report("FL004", found[1], f"{what} '{value}' does not match {pattern.pattern}", yaml_path=key)
        elif len(value) > limit:
            ctx.report("FL004", found[1], f"{what} is {len(value)} characters long; at most {limit}", yaml_path=key)
        elif key == "id" and value in RESERVED_FLOW_IDS and ctx.settings.target.major >= 1:
            ctx.report("FL004", found[1], f"flow id '{value}' is reserved since Kestra 1.0", yaml_path=key)


def _check_slots(ctx: CheckContext) -> None:
    for item in ctx.flow.slot_items:
        if item.slot not in ("task", "trigger"):
            continue  # conditions and task runners are checked where they resolve
        node = item.node
        if not isinstance(node, MappingNode):
            if not is_null(node):
                ctx.report(
                    "FL007", node, f"a {item.slot} must be a mapping, not {kind_name(node)}", yaml_path=item.yaml_path
                )
            continue
        type_entry = get(node, "type")
        id_entry = get(node, "id")
        if type_entry is None and id_entry is None:
            ctx.report(
                "FL003", _first_key(node), f"this {item.slot} has no `id` and no `type`", yaml_path=item.yaml_path
            )
            continue
        if type_entry is None:
            ctx.report("FL003", _first_key(node), f"this {item.slot} has no `type`", yaml_path=item.yaml_path)
        elif not is_str(type_entry[1]):
            ctx.report(
                "FL007",
                type_entry[1],
                f"`type` must be a string, not {kind_name(type_entry[1])}",
                yaml_path=f"{item.yaml_path}.type",
            )
        _check_item_id(ctx, item, node)


def _first_key(node: MappingNode) -> Node:
    return node.value[0][0] if node.value else node


def _check_item_id(ctx: CheckContext, item: SlotItem, node: MappingNode) -> None:
    id_entry = get(node, "id")
    if id_entry is None:
        ctx.report("FL003", _first_key(node), f"this {item.slot} has no `id`", yaml_path=item.yaml_path)
        return
    value = id_entry[1]
    path = f"{item.yaml_path}.id"
    text = kestra_text(value)
    if text is None:
        ctx.report("FL007", value, f"`id` must be a string, not {kind_name(value)}", yaml_path=path)
    elif not TASK_ID.fullmatch(text):
        what = f"{item.slot} id is empty" if not text else f"{item.slot} id '{text}' does not match {TASK_ID.pattern}"
        ctx.report("FL004", value, what, yaml_path=path)
    elif item.slot == "task" and len(text) > 256:
        ctx.report("FL004", value, f"task id is {len(text)} characters long; at most 256", yaml_path=path)


def _check_duplicate_ids(ctx: CheckContext) -> None:
    for slot in ("task", "trigger"):
        first: dict[str, Node] = {}
        for item in ctx.flow.slot_items:
            if item.slot != slot:
                continue
            id_entry = get(item.node, "id")
            text = kestra_text(id_entry[1]) if id_entry else None
            if id_entry is None or text is None:
                continue
            value = id_entry[1]
            earlier = first.setdefault(text, value)
            if earlier is not value:
                line = span_of(earlier).line
                ctx.report(
                    "FL005",
                    value,
                    f"duplicate {slot} id '{text}' (first used at line {line})",
                    yaml_path=f"{item.yaml_path}.id",
                    related=[(earlier, f"first {slot} with this id")],
                )


def _check_defaults_shape(ctx: CheckContext) -> None:
    """FL007 for a flow's ``pluginDefaults`` (or ``taskDefaults``) that is not a list."""
    key = ctx.flow.defaults_key
    found = ctx.flow.top(key) if key else None
    if found is not None and not is_null(found[1]) and not isinstance(found[1], SequenceNode):
        ctx.report(
            "FL007", found[1], f"`{key}` must be a list of defaults, not {kind_name(found[1])}", yaml_path=key or ""
        )


def _check_removed(ctx: CheckContext) -> None:
    kestra2 = ctx.settings.kestra2
    level = Severity.ERROR if kestra2 else Severity.WARNING
    for key, _ in ctx.flow.root.value:
        if not isinstance(key, ScalarNode):
            continue
        if key.value == "pluginDefaults" and kestra2:
            ctx.report(
                "FL008",
                key,
                "flow-level `pluginDefaults` are removed in Kestra 2.0: a flow containing them does not parse",
                yaml_path=key.value,
                severity=Severity.ERROR,
                help="set the version on each plugin, or move the defaults to namespace-level policies",
            )
        elif key.value == "taskDefaults":
            ctx.report(
                "FL008",
                key,
                "`taskDefaults` is removed in Kestra 2.0"
                if kestra2
                else "`taskDefaults` is deprecated since Kestra 0.17: rename it `pluginDefaults`",
                yaml_path=key.value,
                severity=level,
            )
        elif key.value == "listeners":
            ctx.report(
                "FL008",
                key,
                "`listeners` are removed in Kestra 2.0"
                if kestra2
                else "`listeners` are deprecated since Kestra 0.12: use a flow trigger instead",
                yaml_path=key.value,
                severity=level,
            )


RULES = [
    Rule(
        "FL001", "yaml-syntax", Severity.ERROR,
        "The file is not parseable YAML (or not text at all).",
        "Kestra cannot read a flow that is not valid YAML. flowlint reports the first syntax error at the "
        "parser's position. Files that are not UTF-8 text, that nest collections deeper than Kestra's "
        "parser allows (1000 levels) or that use more than 50 aliases to collections (a YAML bomb) are "
        "reported here too.",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: [unclosed\n",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"[closed]\"\n",
        check=check,
    ),
    Rule(
        "FL002", "duplicate-key", Severity.ERROR,
        "The same key appears twice in one mapping.",
        "Kestra parses flows strictly and rejects a mapping with a repeated key; most YAML tools silently "
        "keep the last value instead, which hides the mistake. The finding points at the repeated key and "
        "names the first one.",
        "id: hello\nnamespace: company.team\nid: hello2\ntasks: [...]\n",
        "id: hello\nnamespace: company.team\ntasks: [...]\n",
        check=check,
    ),
    Rule(
        "FL003", "missing-required", Severity.ERROR,
        "A flow without id, namespace or tasks; a task or trigger without id or type.",
        "Every flow needs an `id`, a `namespace` and a non-empty `tasks` list. Every task and trigger "
        "needs an `id` and a `type`; conditions and task runners need a `type`.",
        "id: hello\nnamespace: company.team\ntasks:\n  - type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\n",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\n",
        check=check,
    ),
    Rule(
        "FL004", "invalid-id", Severity.ERROR,
        "An id or namespace that breaks Kestra's pattern or length, or a reserved flow id.",
        "Flow ids match `[a-zA-Z0-9][a-zA-Z0-9._-]*` (1 to 100 characters), namespaces "
        "`[a-z0-9][a-z0-9._-]*` (1 to 150), task and trigger ids `[a-zA-Z0-9][a-zA-Z0-9_-]*` (no dots; "
        "task ids up to 256). Since Kestra 1.0 these flow ids are reserved: pause, resume, force-run, "
        "change-status, kill, executions, search, source, disable, enable.",
        "id: my flow\nnamespace: Company.Team\ntasks:\n  - id: step.one\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\n",
        "id: my-flow\nnamespace: company.team\ntasks:\n  - id: step_one\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\n",
        check=check,
    ),
    Rule(
        "FL005", "duplicate-id", Severity.ERROR,
        "Two tasks with one id anywhere in the flow, or two triggers with one id.",
        "Task ids must be unique across the whole flow, nested tasks, `errors`, `finally` and "
        "`afterExecution` included (Kestra: `Duplicate task id with name [...]`); trigger ids must be "
        "unique among triggers. The finding is on each later duplicate and names the first.",
        "tasks:\n  - id: step\n    type: io.kestra.plugin.core.log.Log\n    message: a\n"
        "  - id: step\n    type: io.kestra.plugin.core.log.Log\n    message: b\n",
        "tasks:\n  - id: step_a\n    type: io.kestra.plugin.core.log.Log\n    message: a\n"
        "  - id: step_b\n    type: io.kestra.plugin.core.log.Log\n    message: b\n",
        check=check,
    ),
    Rule(
        "FL006", "unknown-flow-key", Severity.ERROR,
        "A top-level key that Kestra's Flow does not have.",
        "Kestra rejects unknown properties at the top of a flow. The usual cause is a typo (`task:` for "
        "`tasks:`) or a property indented one level too little.",
        "id: hello\nnamespace: company.team\ntask:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\n",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\n",
        check=check,
    ),
    Rule(
        "FL007", "wrong-shape", Severity.ERROR,
        "A value of the wrong YAML type: tasks that are not a list, a task that is not a mapping, ...",
        "Task and trigger lists must be YAML lists, each item a mapping, `type` and `id` strings; "
        "`pluginDefaults` a list of mappings.",
        "tasks:\n  id: log\n  type: io.kestra.plugin.core.log.Log\n",
        "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n",
        check=check,
    ),
    Rule(
        "FL008", "removed-feature", Severity.WARNING,
        "A flow feature that the target Kestra version deprecates or no longer has.",
        "`taskDefaults` was renamed `pluginDefaults` in 0.17; `listeners` are deprecated since 0.12 (use "
        "flow triggers). Kestra 2.0 removes flow-level `pluginDefaults` (a flow containing that block no "
        "longer parses), `taskDefaults` and `listeners`: with a 2.0 target they are errors and flowlint "
        "does not use them to resolve versions.",
        "pluginDefaults:\n  - type: io.kestra.plugin.scripts\n    values:\n      version: \"1.2.0\"\n",
        "tasks:\n  - id: script\n    type: io.kestra.plugin.scripts.shell.Script\n    version: \"1.2.0\"\n",
        check=check,
    ),
]  # fmt: skip
