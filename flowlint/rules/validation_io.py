"""Validation rules FL602, FL609: the flow's outputs, and the inputs a Schedule or Webhook trigger leaves
unsupplied or supplies with a value of the wrong type (KESTRA-VALIDATION §2.2, §3.1).

A check applies from the Kestra version that introduced it (``ctx.settings.target``), read from Kestra's
source: flow outputs exist from 0.15, where their id pattern, required ``value`` and ``type`` and unique ids
are checked. The trigger-input checks (PR #15090 for Schedule, #18601 for Webhook, #18750 for the values)
and the literal output values were merged in 2026; Kestra 1.3.25 has none of them, the newest
``FlowValidator`` read (2.0-era, @0377fa5c) has all of them: flowlint applies them from 2.0, the first
release it is sure of. A FORM input (whose children Kestra expands to dotted ids) leaves FL609 silent.

Only what no reading of the value can accept is reported: an INT or FLOAT whose literal text is not a number
at all (Kestra's converters for BOOLEAN, dates and the other types were not readable, so they are not
judged), and never a value with a Pebble expression (Kestra skips those too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Severity
from flowlint.flow import PluginUse, path_join
from flowlint.nodes import BOOL_TAG, FLOAT_TAG, INT_TAG, NULL_TAG, get, is_null, kestra_text, span_of, tag_of
from flowlint.rules.base import CheckContext, Rule, applies_from

OUTPUTS_SINCE = (0, 15, 0)
LITERALS_SINCE = (2, 0, 0)
TRIGGER_INPUTS_SINCE = (2, 0, 0)
OUTPUT_ID = re.compile(r"[a-zA-Z0-9][.a-zA-Z0-9_-]*")
OUTPUT_ID_TEXT = "^[a-zA-Z0-9][.a-zA-Z0-9_-]*"
SUPPLYING_TRIGGERS = {
    "io.kestra.plugin.core.trigger.Schedule": "Schedule",
    "io.kestra.plugin.core.trigger.Webhook": "Webhook",
}
"""Triggers whose ``inputs`` Kestra checks against the flow's inputs (2.0 knows no alias of them)."""
NUMERIC_TYPES = frozenset({"INT", "FLOAT"})
_DECIMAL = re.compile(r"[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?[fFdD]?")
_HEX = re.compile(r"[+-]?0[xX][0-9a-fA-F.]*([pP][+-]?\d+)?[fFdD]?")
_WORDS = frozenset({"nan", "inf", "infinity", "+inf", "-inf", "+infinity", "-infinity", "+nan", "-nan"})


def is_expression(text: str) -> bool:
    """Whether ``text`` holds Pebble (Kestra renders it: its value is not judged)."""
    return "{{" in text or "{%" in text or "{#" in text


def literal_problem(kind: str, node: Node) -> str | None:
    """Kestra's message for a literal ``node`` that no conversion to ``kind`` (INT, FLOAT) accepts, else None:
    only strings (a number or boolean Jackson reads is not judged), never an expression or a blank."""
    if kind not in NUMERIC_TYPES or not isinstance(node, ScalarNode) or tag_of(node) in _NOT_STRINGS:
        return None
    text = kestra_text(node)
    if text is None or not text.strip() or is_expression(text) or _numeric(text.strip()):
        return None
    return f"`{text}` is not a valid {kind} value"


_NOT_STRINGS = frozenset({INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG})


def _numeric(text: str) -> bool:
    """Whether some number parser could read ``text`` (a superset of Java's: flowlint reports the others)."""
    return bool(_DECIMAL.fullmatch(text) or _HEX.fullmatch(text)) or text.lower() in _WORDS


# FL602 --------------------------------------------------------------------------------------------------


def check_outputs(ctx: CheckContext) -> None:
    """Report FL602 for one flow: its outputs' ids, required keys and literal values."""
    found = ctx.flow.top("outputs")
    if not ctx.on("FL602") or found is None or not isinstance(found[1], SequenceNode):
        return
    if not applies_from(ctx, OUTPUTS_SINCE):
        return
    first: dict[str, Node] = {}
    for index, item in enumerate(found[1].value):
        if isinstance(item, MappingNode):
            _check_output(ctx, item, f"outputs[{index}]", first)


def _check_output(ctx: CheckContext, item: MappingNode, path: str, first: dict[str, Node]) -> None:
    id_entry = get(item, "id")
    output_id = kestra_text(id_entry[1]) if id_entry else None
    named = f"output '{output_id}'" if output_id else "an output"
    anchor: Node = id_entry[1] if id_entry and not is_null(id_entry[1]) else item.value[0][0] if item.value else item
    if id_entry is not None and output_id is not None:
        _check_output_id(ctx, id_entry[1], output_id, path, first)
    for key in ("value", "type"):
        entry = get(item, key)
        if entry is None or is_null(entry[1]):
            ctx.report(
                "FL602",
                entry[0] if entry else anchor,
                f"{named} has no `{key}`: Kestra requires one (Kestra: `{path}.{key}: must not be null`)",
                yaml_path=f"{path}.{key}" if entry else path,
                help="an output needs a `value` (usually an expression) and a `type` such as STRING",
            )
    value, kind = get(item, "value"), kestra_text(_value(item, "type"))
    problem = literal_problem(kind, value[1]) if value and kind and applies_from(ctx, LITERALS_SINCE) else None
    if value is not None and problem is not None:
        ctx.report(
            "FL602",
            value[1],
            f"{kind} {named} has a literal value that is no number: Kestra {ctx.settings.target_text} rejects "
            f"the flow (Kestra: `Invalid value for output '{output_id}': {problem}`)",
            yaml_path=f"{path}.value",
            help=f"give a {kind} literal, an expression, or another `type` (STRING)",
        )


def _check_output_id(ctx: CheckContext, node: Node, output_id: str, path: str, first: dict[str, Node]) -> None:
    if not output_id.strip():
        ctx.report(
            "FL602",
            node,
            f"output id is blank (Kestra: `{path}.id: must not be blank`)",
            yaml_path=f"{path}.id",
            help=f"an output id matches {OUTPUT_ID_TEXT}",
        )
    elif not OUTPUT_ID.fullmatch(output_id):
        ctx.report(
            "FL602",
            node,
            f"output id '{output_id}' does not match {OUTPUT_ID_TEXT} (Kestra: `{path}.id: must match "
            f'"{OUTPUT_ID_TEXT}"`)',
            yaml_path=f"{path}.id",
            help="an output id starts with a letter or digit, followed by letters, digits, `.`, `_` or `-`",
        )
    earlier = first.setdefault(output_id, node)
    if earlier is not node:
        ctx.report(
            "FL602",
            node,
            f"duplicate output id '{output_id}' (first at line {span_of(earlier).line}): Kestra rejects the flow "
            f"(Kestra: `Invalid Flow: Duplicate output with name [{output_id}]`)",
            yaml_path=f"{path}.id",
            related=[(earlier, "first output with this id")],
            help="give each output its own id",
        )


def _value(node: Node, key: str) -> Node | None:
    found = get(node, key)
    return found[1] if found else None


# FL609 --------------------------------------------------------------------------------------------------


class _Input(NamedTuple):
    id: str
    type: str | None
    needs_value: bool


def check_trigger_inputs(ctx: CheckContext) -> None:
    """Report FL609 for one flow: inputs a Schedule or Webhook cannot supply, and literal values it supplies
    that do not fit the input's type."""
    if not ctx.on("FL609") or not applies_from(ctx, TRIGGER_INPUTS_SINCE):
        return
    inputs = _inputs(ctx)
    if not inputs:
        return
    for use in ctx.flow.uses:
        kind = SUPPLYING_TRIGGERS.get(use.type_name) if use.kind == "trigger" else None
        if kind is not None:
            _check_trigger(ctx, use, kind, inputs)


def _inputs(ctx: CheckContext) -> dict[str, _Input]:
    """The flow's inputs by id (the first of a duplicated id), or none when one cannot be read with certainty
    (a FORM, an input without a readable id or ``required``)."""
    found = ctx.flow.top("inputs")
    if found is None or not isinstance(found[1], SequenceNode):
        return {}
    inputs: dict[str, _Input] = {}
    for item in found[1].value:
        read = _read_input(item)
        if read is None:
            return {}
        inputs.setdefault(read.id, read)
    return inputs


def _read_input(item: Node) -> _Input | None:
    if not isinstance(item, MappingNode):
        return None
    input_id = kestra_text(_value(item, "id")) or kestra_text(_value(item, "name"))
    kind = kestra_text(_value(item, "type"))
    required = get(item, "required")
    required_text = kestra_text(required[1]) if required else "true"
    if input_id is None or kind == "FORM" or required_text is None or required_text.lower() not in ("true", "false"):
        return None
    needs_value = get(item, "defaults") is None and required_text.lower() == "true"
    return _Input(input_id, kind, needs_value)


def _check_trigger(ctx: CheckContext, use: PluginUse, kind: str, inputs: dict[str, _Input]) -> None:
    entry = get(use.node, "inputs")
    supplied = entry[1] if entry else None
    if supplied is not None and not is_null(supplied) and not isinstance(supplied, MappingNode):
        return  # not a map: Kestra's parser refuses it first
    given = dict(_supplied(supplied))
    trigger = use.id or "?"
    missing = [input_id for input_id, read in inputs.items() if read.needs_value and input_id not in given]
    if missing:
        names = " | ".join(missing)
        listed = ", ".join(f"'{name}'" for name in missing)
        ctx.report(
            "FL609",
            entry[0] if entry else use.type_node,
            f"{kind} trigger '{trigger}' starts the flow without a value for input{'s' * (len(missing) > 1)} "
            f"{listed} (no `defaults`, not `required: false`): Kestra {ctx.settings.target_text} rejects the flow "
            f"(Kestra: `Missing inputs for {kind} Trigger '{trigger}', missing inputs: '{names}'`)",
            yaml_path=f"{use.yaml_path}.{'inputs' if entry else 'type'}",
            help="give the trigger an `inputs:` value for each, or the inputs `defaults` or `required: false`",
        )
    for input_id, (key, value) in given.items():
        read = inputs.get(input_id)
        if read is None or read.type is None:
            continue
        problem = literal_problem(read.type, value)
        if problem is not None:
            ctx.report(
                "FL609",
                value,
                f"{kind} trigger '{trigger}' gives {read.type} input '{input_id}' a value that is no number"
                f": Kestra {ctx.settings.target_text} rejects the flow (Kestra: `Invalid value for input "
                f"'{input_id}' supplied by {kind} Trigger '{trigger}': {problem}`)",
                yaml_path=path_join(f"{use.yaml_path}.inputs", key),
                help="give a value of the input's type, or an expression",
            )


def _supplied(node: Node | None) -> Iterator[tuple[str, tuple[ScalarNode, Node]]]:
    """The trigger's ``inputs`` entries by key."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            text = kestra_text(key)
            if isinstance(key, ScalarNode) and text is not None:
                yield text, (key, value)


RULES = [
    Rule(
        "FL602", "invalid-output", Severity.ERROR,
        "A flow output Kestra refuses: an id it does not accept, a duplicate id, no `value` or `type`, a literal "
        "value that is not of its type.",
        "The flow's `outputs` (from Kestra 0.15) each need an `id` matching `^[a-zA-Z0-9][.a-zA-Z0-9_-]*` "
        "(`must match`), unique among the outputs (`Duplicate output with name [o]`), a `value` and a `type` "
        "(`must not be null`). From Kestra 2.0 a literal `value` must also fit its `type` (``Invalid value for "
        "output 'o': `abc` is not a valid INT value``): flowlint reports an INT or FLOAT output whose value is "
        "text that is no number; a value with a Pebble expression is not checked, by Kestra or flowlint.",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\noutputs:\n  - id: result\n    type: STRING\n    value: done\n  - id: result\n"
        "    type: STRING\n",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\noutputs:\n  - id: result\n    type: STRING\n    value: done\n  - id: count\n"
        "    type: INT\n    value: 3\n",
        check=check_outputs,
    ),
    Rule(
        "FL609", "trigger-missing-inputs", Severity.ERROR,
        "A Schedule or Webhook trigger that cannot supply a required input, or supplies one a value of the "
        "wrong type.",
        "An execution started by a Schedule or a Webhook gets its inputs from the trigger's `inputs:` map. From "
        "Kestra 2.0 a flow is refused on save when one of these triggers leaves out an input that has no "
        "`defaults` and is not `required: false` (`Missing inputs for Schedule Trigger 'nightly', missing "
        "inputs: 'day'`; the inputs are joined by ` | `): every execution it starts would fail. A literal "
        "value the trigger gives an INT or FLOAT input must also be a number (``Invalid value for input 'n' "
        "supplied by Schedule Trigger 'nightly': `abc` is not a valid INT value``); a value with a Pebble "
        "expression is not checked, by Kestra or flowlint. Flows with FORM inputs are not checked.",
        "id: hello\nnamespace: company.team\ninputs:\n  - id: day\n    type: STRING\ntasks:\n  - id: log\n"
        "    type: io.kestra.plugin.core.log.Log\n    message: \"{{ inputs.day }}\"\ntriggers:\n  - id: nightly\n"
        "    type: io.kestra.plugin.core.trigger.Schedule\n    cron: \"0 2 * * *\"\n",
        "id: hello\nnamespace: company.team\ninputs:\n  - id: day\n    type: STRING\ntasks:\n  - id: log\n"
        "    type: io.kestra.plugin.core.log.Log\n    message: \"{{ inputs.day }}\"\ntriggers:\n  - id: nightly\n"
        "    type: io.kestra.plugin.core.trigger.Schedule\n    cron: \"0 2 * * *\"\n"
        "    inputs:\n      day: \"{{ trigger.date | date('EEEE') }}\"\n",
        check=check_trigger_inputs,
    ),
]  # fmt: skip
