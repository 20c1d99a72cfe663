"""FL601, what one input's values must be (KESTRA-VALIDATION §2.2, §3.1, §3.4), each from the Kestra version
that introduced the check:

- ``validator`` (STRING, SECRET) and the allowed ``values``/``options`` (SELECT, ENUM, MULTISELECT) compile as
  Java regexes (``@Regex``, as old as those types): ``java_regex`` says when Java surely refuses one;
- an ARRAY's ``itemType`` is not ARRAY (0.17, ``ArrayInputValidator``); from 2.0 neither SECRET, MULTISELECT,
  SELECT, OBJECT nor TABLE (PR #14282, merged 2026-02: 1.3 is not known to have it), nor a MULTISELECT's
  ARRAY, SECRET, MULTISELECT, ENUM or SELECT (``MultiselectInputValidator``, same PR);
- a FILE input has no ``defaults`` from 0.18 to 0.21 (``FileInputValidator``); later only a ``file:`` or
  ``nsfile:`` URI (a literal that is neither is refused by every later version; ``nsfile:`` itself came in
  an unknown later version, so it is never reported);
- ``defaults`` neither with ``required: false`` nor with ``prefill`` (``InputValidator``, PR #12836), where
  the flow model has that validator at every data point describing the target (1.3.25 and later);
- from 2.0 (PR #18750) a literal default fits the type. Kestra's 2.0 converters were not readable, so only
  what no reading can accept is reported: an INT or FLOAT that is no number, a DATE, DATETIME, TIME or
  DURATION without a digit, an EMAIL without ``@``, a URI with a character no URI holds, a SELECT or ENUM
  default outside its literal ``values``. BOOLEAN and JSON defaults are not judged. A value with a Pebble
  expression is never judged (Kestra skips those too).
"""

from __future__ import annotations

import re

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.nodes import get, is_null, kestra_text
from flowlint.rules.base import CheckContext, applies_from
from flowlint.rules.java_regex import java_rejects
from flowlint.rules.validation_io import is_expression, literal_problem

KESTRA_2 = (2, 0, 0)
ARRAY_ITEM_SINCE = (0, 17, 0)
FILE_DEFAULTS_SINCE = (0, 18, 0)
FILE_ANY_DEFAULT_UNTIL = (0, 21)
"""The last Kestra line whose FileInputValidator refuses any ``defaults`` (the 0.21 snapshot still does)."""
REGEX_KEYS: dict[str, tuple[str, ...]] = {
    "STRING": ("validator",),
    "SECRET": ("validator",),
    "SELECT": ("values",),
    "ENUM": ("values",),
    "MULTISELECT": ("values", "options"),
}
NOT_ARRAY_ITEMS = ("ARRAY", "SECRET", "MULTISELECT", "SELECT", "OBJECT", "TABLE")
NOT_MULTISELECT_ITEMS = ("ARRAY", "SECRET", "MULTISELECT", "ENUM", "SELECT")
_NO_DIGIT_TYPES = frozenset({"DATE", "DATETIME", "TIME", "DURATION"})
_NOT_IN_URI = re.compile(r"[\s<>\"{}|\\^`]")


def check_values(ctx: CheckContext, item: MappingNode, path: str, input_id: str, kind: str | None) -> None:
    """Report FL601 on the values of one input of type ``kind`` (None: unknown, only its type-free checks)."""
    if kind is not None:
        _check_regexes(ctx, item, path, input_id, kind)
        _check_item_type(ctx, item, path, input_id, kind)
    defaults = get(item, "defaults")
    if defaults is None or is_null(defaults[1]):
        return
    _check_default_with(ctx, item, path, input_id, defaults[0])
    if kind == "FILE":
        _check_file_default(ctx, path, input_id, defaults[1])
    elif kind is not None and applies_from(ctx, KESTRA_2):
        _check_literal_default(ctx, item, path, input_id, kind, defaults[1])


def _report(
    ctx: CheckContext, at: Node, message: str, yaml_path: str, help: str, related: tuple[tuple[Node, str], ...] = ()
) -> None:
    ctx.report("FL601", at, message, yaml_path=yaml_path, help=help, related=related)


# Regexes -------------------------------------------------------------------------------------------------


def _check_regexes(ctx: CheckContext, item: MappingNode, path: str, input_id: str, kind: str) -> None:
    for key in REGEX_KEYS.get(kind, ()):
        entry = get(item, key)
        if entry is None:
            continue
        nodes = entry[1].value if isinstance(entry[1], SequenceNode) else [entry[1]]
        for node in nodes:
            text = kestra_text(node) if isinstance(node, ScalarNode) else None
            if text is None or java_rejects(text) is not True:
                continue
            what = "`validator`" if key == "validator" else f"allowed value '{text}' (in `{key}`)"
            _report(
                ctx,
                node,
                f"{what} of {kind} input '{input_id}' is not a valid Java regular expression: Kestra refuses the "
                f"flow (Kestra: `{input_id + '.validator: ' if key == 'validator' else ''}invalid pattern [{text}]`)",
                f"{path}.{key}",
                "Kestra compiles it with java.util.regex: escape the special characters with `\\`"
                if key == "validator"
                else "Kestra compiles each allowed value as a Java regex: escape `\\ ( ) [ ] { } * + ?` in it",
            )


# Item types ----------------------------------------------------------------------------------------------


def _check_item_type(ctx: CheckContext, item: MappingNode, path: str, input_id: str, kind: str) -> None:
    entry = get(item, "itemType")
    item_type = kestra_text(entry[1]) if entry is not None else None
    if entry is None or item_type is None:
        return
    newest = applies_from(ctx, KESTRA_2)
    refused: tuple[str, ...]
    if kind == "ARRAY" and applies_from(ctx, ARRAY_ITEM_SINCE):
        refused = NOT_ARRAY_ITEMS if newest else ("ARRAY",)
    elif kind == "MULTISELECT" and newest:
        refused = NOT_MULTISELECT_ITEMS
    else:
        return
    if item_type not in refused:
        return
    said = f"`itemType` cannot be {item_type}" if newest else f"`itemType` cannot be `{item_type}`"
    _report(
        ctx,
        entry[1],
        f"{kind} input '{input_id}' cannot hold items of type {item_type} in Kestra {ctx.settings.target_text} "
        f"(Kestra: `{input_id}: {said}`)",
        f"{path}.itemType",
        "item types Kestra refuses here: " + ", ".join(refused),
    )


# Defaults ------------------------------------------------------------------------------------------------


def _check_default_with(ctx: CheckContext, item: MappingNode, path: str, input_id: str, key: Node) -> None:
    """``defaults`` with ``required: false`` or with ``prefill`` (InputValidator, where the data has it)."""
    if not _has_input_validator(ctx):
        return
    required = get(item, "required")
    required_text = kestra_text(required[1]) if required is not None else None
    prefill = get(item, "prefill")
    if required is not None and required_text is not None and required_text.lower() == "false":
        _report(
            ctx,
            required[1],
            f"input '{input_id}' has `defaults` and `required: false`: Kestra {ctx.settings.target_text} refuses "
            "the flow (Kestra: `Inputs with a default value must be required, since the default is always "
            "applied.`)",
            f"{path}.required",
            "remove `required: false` (an input with `defaults` always has a value) or the `defaults`",
            related=((key, "the default"),),
        )
    elif prefill is not None and not is_null(prefill[1]):
        _report(
            ctx,
            prefill[0],
            f"input '{input_id}' has both `defaults` and `prefill`: Kestra {ctx.settings.target_text} refuses the "
            "flow (Kestra: `Inputs with a default value cannot also have a prefill.`)",
            f"{path}.prefill",
            "keep one of them: `prefill` only suggests a value, `defaults` gives one",
            related=((key, "the default"),),
        )


def _has_input_validator(ctx: CheckContext) -> bool:
    """Whether Kestra's Input has InputValidation at every data point that could describe the target (worked
    out once per run: kept with the run's property lookup)."""
    from flowlint.properties.lookup import lookup_for
    from flowlint.properties.model import field_at

    lookup = lookup_for(ctx.manifest, ctx.settings.target)
    known = lookup.selections.get(("FL601 input validator",))
    if known is None:
        record = lookup.store.flow_record("io.kestra.core.models.flows.Input")
        points = lookup.kestra_points
        known = lookup.selections[("FL601 input validator",)] = (
            record is not None
            and bool(points)
            and all("InputValidation" in (field_at(record, "validators", at) or ()) for at in points)
        )
    return bool(known)


def _check_file_default(ctx: CheckContext, path: str, input_id: str, value: Node) -> None:
    target = ctx.settings.target
    if not applies_from(ctx, FILE_DEFAULTS_SINCE):
        return
    if (target.major, target.minor) <= FILE_ANY_DEFAULT_UNTIL:
        _report(
            ctx,
            value,
            f"FILE input '{input_id}' has `defaults`: Kestra {ctx.settings.target_text} refuses the flow (Kestra: "
            f"`{input_id}: no `defaults` can be set for inputs of type 'FILE'`)",
            f"{path}.defaults",
            "remove the `defaults` (newer Kestra versions take a `file:` URI there)",
        )
        return
    text = kestra_text(value) if isinstance(value, ScalarNode) else None
    if text is None or is_expression(text) or text.startswith(("file:", "nsfile:")):
        return
    _report(
        ctx,
        value,
        f"FILE input '{input_id}' has a default that is not a file URI: Kestra {ctx.settings.target_text} refuses "
        f"the flow (Kestra: `{input_id}: inputs of type 'FILE' only support `defaults` as local files using a "
        "file URI or as namespace files using a nsfile URI`)",
        f"{path}.defaults",
        "give a `file:///path` (a local file Kestra may read) or `nsfile:///path` (a namespace file) URI",
    )


def _check_literal_default(
    ctx: CheckContext, item: MappingNode, path: str, input_id: str, kind: str, value: Node
) -> None:
    text = kestra_text(value) if isinstance(value, ScalarNode) else None
    if text is None or is_expression(text):
        return
    problem = literal_problem(kind, value) or _text_problem(kind, text) or _choice_problem(item, kind, text)
    if problem is None:
        return
    _report(
        ctx,
        value,
        f"{kind} input '{input_id}' has a default that is not {_a(kind)}: Kestra {ctx.settings.target_text} "
        f"refuses the flow (Kestra: `Invalid default for input '{input_id}': {problem}`)",
        f"{path}.defaults",
        f"give {_a(kind)} default, an expression, or another `type`",
    )


def _a(kind: str) -> str:
    if kind in ("SELECT", "ENUM"):
        return "one of its `values`"
    return f"{'an' if kind[0] in 'AEIOU' else 'a'} {kind} value"


def _text_problem(kind: str, text: str) -> str | None:
    """What no reading of ``text`` as a ``kind`` can accept (DATE…DURATION, EMAIL, URI), else None."""
    refused = (
        (kind in _NO_DIGIT_TYPES and not any(char.isdigit() for char in text))
        or (kind == "EMAIL" and "@" not in text)
        or (kind == "URI" and _NOT_IN_URI.search(text) is not None)
    )
    return f"`{text}` is not a valid {kind} value" if refused else None


def _choice_problem(item: MappingNode, kind: str, text: str) -> str | None:
    """A SELECT/ENUM default outside its literal ``values`` (custom values allowed, or values from an expression
    or unknown: None)."""
    if kind not in ("SELECT", "ENUM"):
        return None
    entry = get(item, "values")
    custom = get(item, "allowCustomValue")
    if entry is None or not isinstance(entry[1], SequenceNode) or get(item, "expression") is not None:
        return None  # the allowed values come from an expression, or are not known
    if custom is not None and kestra_text(custom[1]) != "false":
        return None
    values = [kestra_text(node) for node in entry[1].value]
    if not values or any(value is None or is_expression(value) for value in values) or text in values:
        return None
    return f"`{text}` is not one of the allowed values [{', '.join(str(value) for value in values)}]"
