"""Whether a value fits the shape of the property it is given to, as Kestra's Jackson mapper reads it.

Only what is certain is judged: ``any``, ``labels``, ``plugin`` and properties whose kind the data does not
know are never judged, nor is null (an absent value). Jackson coerces scalars (``"10"`` is an integer,
``"true"`` a boolean, a number a string or a duration in seconds), so only values it cannot read are
problems. A Pebble expression is a problem only where a property that is not dynamic needs another type than
a string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.nodes import BOOL_TAG, FLOAT_TAG, INT_TAG, NULL_TAG, STR_TAG, is_null, tag_of
from flowlint.properties.model import JUDGED_KINDS, Prop

# patterns compiled when first used (re's cache keeps them): not at every start-up
_DURATION = r"(?i)[-+]?P(?:[-+]?[0-9]+D)?(?:T(?:[-+]?[0-9]+H)?(?:[-+]?[0-9]+M)?(?:[-+]?[0-9]+(?:[.,][0-9]{0,9})?S)?)?"
"""``java.time.Duration.parse``: days, hours, minutes and seconds, at least one of them."""
_INTEGER = r"\s*[-+]?[0-9]+\s*"
_NUMBER = r"\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*"
_KIND_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "duration": "an ISO-8601 duration such as PT5M (or a number of seconds)",
    "list": "a list",
    "map": "a mapping",
}


class Problem(NamedTuple):
    """Why a value does not fit its property."""

    message: str
    replacement: str | None = None
    """The one value that fits and differs only in case (an enum constant), for a safe fix."""


def has_expression(text: str) -> bool:
    """Whether ``text`` holds a Pebble expression or tag."""
    return "{{" in text or "{%" in text


def judge(prop: Prop, node: Node, label: str) -> Problem | None:
    """The problem of ``node`` as the value of ``prop`` (named ``label`` in messages), or None."""
    if prop.kind_unknown or prop.kind not in JUDGED_KINDS or is_null(node):
        return None
    kind = prop.kind
    if isinstance(node, MappingNode | SequenceNode):
        given = "a mapping" if isinstance(node, MappingNode) else "a list"
        if (kind == "map" and isinstance(node, MappingNode)) or (kind == "list" and isinstance(node, SequenceNode)):
            return None
        return Problem(f"{label} takes {_expected(prop)}, not {given}")
    if not isinstance(node, ScalarNode):
        return None
    tag = tag_of(node)
    text = node.value
    if tag == STR_TAG and has_expression(text):
        # a string takes any text: whether a task renders it is the task's business (some render
        # properties the data does not mark dynamic), so only a typed value that cannot hold one is judged
        if prop.dyn or kind == "string":
            return None
        return Problem(f"{label} is not dynamic: Kestra cannot read an expression as {_expected(prop)}")
    if kind in ("list", "map"):
        if prop.dyn and tag == STR_TAG:
            return None  # a dynamic list or map may be given as JSON text
        return Problem(f"{label} takes {_expected(prop)}, not {_scalar_word(tag)} ({_shown(text)})")
    if kind == "enum":
        return _enum_problem(prop, node, label)
    if tag not in (STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG):
        return None
    if kind == "integer" and tag in (STR_TAG, BOOL_TAG) and not re.fullmatch(_INTEGER, text):
        return Problem(f"{label} takes {_expected(prop)}, not {_shown(text)}")
    if kind == "number" and tag in (STR_TAG, BOOL_TAG) and not re.fullmatch(_NUMBER, text):
        return Problem(f"{label} takes {_expected(prop)}, not {_shown(text)}")
    if kind == "boolean" and tag == STR_TAG and text.strip().lower() not in ("true", "false", ""):
        return Problem(f"{label} takes {_expected(prop)}, not {_shown(text)}")
    if kind == "duration" and tag in (STR_TAG, BOOL_TAG) and not re.fullmatch(f"{_DURATION}|{_NUMBER}", text.strip()):
        return Problem(f"{label} takes {_expected(prop)}, not {_shown(text)}")
    return None


def _enum_problem(prop: Prop, node: ScalarNode, label: str) -> Problem | None:
    if tag_of(node) != STR_TAG or not prop.enum or node.value in prop.enum:
        return None  # a number is read as the constant's position; other tags are left to Jackson
    text = node.value
    same_case = [c for c in prop.enum if c.lower() == text.lower()]
    listed = ", ".join(prop.enum[:12]) + (", ..." if len(prop.enum) > 12 else "")
    message = f"{label} takes one of {listed}; not {_shown(text)}"
    if len(same_case) == 1:
        return Problem(f"{message} (constants are case-sensitive: {same_case[0]})", same_case[0])
    import difflib

    close = difflib.get_close_matches(text, prop.enum, n=1, cutoff=0.6)
    return Problem(f"{message}; did you mean {close[0]}?" if close else message)


def _expected(prop: Prop) -> str:
    if prop.kind == "enum":
        return (
            "one of " + ", ".join(prop.enum[:12]) + (", ..." if len(prop.enum) > 12 else "")
            if prop.enum
            else "a constant"
        )
    return _KIND_WORDS.get(prop.kind, f"a {prop.kind}")


def _scalar_word(tag: str | None) -> str:
    return {
        STR_TAG: "a string",
        INT_TAG: "a number",
        FLOAT_TAG: "a number",
        BOOL_TAG: "a boolean",
        NULL_TAG: "null",
    }.get(tag or "", "a scalar")


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def item_prop(prop: Prop) -> Prop | None:
    """The description of the items of a list or the values of a map (None when the data gives none)."""
    item: Mapping[str, object] = prop.item
    kind = item.get("kind")
    if not isinstance(kind, str):
        return None
    enum = item.get("enum")
    of = item.get("of")
    ref = item.get("ref")
    return Prop(
        name=prop.name,
        kind=kind,
        dyn=prop.dyn,
        enum=tuple(str(e) for e in enum) if isinstance(enum, list) else (),
        of=of if isinstance(of, Mapping) else None,
        ref=ref if isinstance(ref, str) else None,
        kind_unknown=prop.kind_unknown or bool(item.get("kindUnknown")),
        scope=prop.scope,
        valid=prop.valid,
    )
