"""Validation rule FL601: the flow's inputs as Kestra checks them on save (KESTRA-VALIDATION §1.3 P6, §2.2,
§3.1, §3.4).

Each check applies from the Kestra version that introduced it (``ctx.settings.target``), read from Kestra's
tags: an input `type` must be one the target knows (``inputTypes`` of the bundled flow model, known at any
data point that could describe the target; past the newest data point an unknown name is only a warning);
the id pattern from 0.13, unique ids from 0.14, ``dependsOn.inputs`` naming declared inputs without a cycle
from 0.19. A FORM's own inputs (1.3.25) get the checks of one input (type, id pattern, values); their ids,
which Kestra expands to dotted paths, are not compared. What an input's values must be (defaults, item types,
regexes) is in ``input_values``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Severity
from flowlint.nodes import get, is_null, kestra_text, kind_name, span_of
from flowlint.rules.base import CheckContext, Rule, applies_from
from flowlint.rules.input_values import check_values
from flowlint.rules.validation_edition import EE_INPUT_TYPES
from flowlint.rules.validation_io import OUTPUT_ID, OUTPUT_ID_TEXT

ID_SINCE = (0, 13, 0)
ID_REQUIRED_SINCE = (0, 15, 0)
"""From 0.15 an input's key is ``id`` (``name`` its deprecated spelling); before, ``name`` (FL502's)."""
DUPLICATES_SINCE = (0, 14, 0)
DEPENDS_SINCE = (0, 19, 0)
LATER_INPUT_TYPES = frozenset({"OBJECT", *EE_INPUT_TYPES})
"""Input types Kestra added after the newest data point (KESTRA-VALIDATION P6; the Enterprise-only ones are
FL608's): past that point they are not reported as unknown."""
INPUT_ID, INPUT_ID_TEXT = OUTPUT_ID, OUTPUT_ID_TEXT
"""Kestra's pattern for input ids is the one of output ids."""


class _Input(NamedTuple):
    position: int
    node: MappingNode
    id: str | None
    id_node: Node | None
    anchor: Node
    """Where a finding about the whole input goes: its id, else its first key."""


def check_inputs(ctx: CheckContext) -> None:
    """Report FL601 for one flow: each input's type, id and values, duplicate ids and dependencies."""
    found = ctx.flow.top("inputs")
    if not ctx.on("FL601") or found is None or not isinstance(found[1], SequenceNode):
        return
    inputs = list(_read_inputs(found[1]))
    types = _InputTypes(ctx)
    first: dict[str, _Input] = {}
    for read in inputs:
        path = f"inputs[{read.position}]"
        kind = _check_input(ctx, read, path, types)
        if read.id is not None and read.id_node is not None:
            _check_duplicate(ctx, read, path, first)
        children = get(read.node, "inputs") if kind == "FORM" else None
        if children is not None and isinstance(children[1], SequenceNode):  # a FORM's own inputs
            for child in _read_inputs(children[1]):
                _check_input(ctx, child, f"{path}.inputs[{child.position}]", types)
    if applies_from(ctx, DEPENDS_SINCE):
        _check_dependencies(ctx, inputs, first)


def _read_inputs(node: SequenceNode) -> Iterator[_Input]:
    for index, item in enumerate(node.value):
        if not isinstance(item, MappingNode):
            continue
        entry = get(item, "id") or get(item, "name")  # ``name``: the deprecated spelling of ``id``
        id_node = entry[1] if entry is not None and not is_null(entry[1]) else None
        anchor = id_node or (item.value[0][0] if item.value else item)
        yield _Input(index, item, kestra_text(id_node), id_node, anchor)


# The type ------------------------------------------------------------------------------------------------


class _InputTypes:
    """The input type names Kestra knows at the data points that could describe the target version (worked
    out when a flow first asks, once per run: kept with the run's property lookup)."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self._names: frozenset[str] | None = None
        self.beyond = False
        self.newest = ""

    @property
    def names(self) -> frozenset[str]:
        if self._names is None:
            from flowlint.properties.lookup import lookup_for
            from flowlint.properties.model import holds

            lookup = lookup_for(self.ctx.manifest, self.ctx.settings.target)
            known = lookup.selections.get(("FL601 input types",))
            if known is None:
                points, store = lookup.kestra_points, lookup.store
                table = store.flow_table("inputTypes") or {}
                known = lookup.selections[("FL601 input types",)] = frozenset(
                    name
                    for name, entries in table.items()
                    if any(isinstance(entry, dict) and holds(entry, at) for entry in entries for at in points)
                )
            self._names = known
            self.beyond = lookup.newest_kestra is not None
            self.newest = lookup.store.kestra_versions[-1] if lookup.store.kestra_versions else ""
        return self._names


def _check_type(ctx: CheckContext, read: _Input, path: str, types: _InputTypes) -> str | None:
    """Report a missing or unknown type; the type name when the target knows it."""
    entry = get(read.node, "type")
    named = f"input '{read.id}'" if read.id else "an input"
    if entry is None or is_null(entry[1]):
        ctx.report(
            "FL601",
            entry[0] if entry else read.anchor,
            f"{named} has no `type`: Kestra refuses the flow (Kestra: `Invalid type: null`, `missing type id "
            "property 'type' (for POJO property 'inputs')`)",
            yaml_path=f"{path}.type" if entry else path,
            help="give the input a `type`, such as STRING, INT, BOOLEAN or SELECT",
        )
        return None
    name = kestra_text(entry[1])
    if name is None and not isinstance(entry[1], ScalarNode):
        ctx.report(
            "FL601",
            entry[1],
            f"the `type` of {named} is {kind_name(entry[1])}, not a type name: Kestra refuses the flow",
            yaml_path=f"{path}.type",
            help="give the input one type, such as STRING, INT, BOOLEAN or SELECT",
        )
        return None
    if name is None or not types.names or name in types.names:
        return name
    if types.beyond and name in LATER_INPUT_TYPES:
        return None  # a type Kestra added after the data: nothing to judge
    target = ctx.settings.target_text
    message = f"'{name}' is not an input type of Kestra {target}: Kestra refuses the flow"
    severity = None
    if types.beyond:
        message = (
            f"'{name}' is not an input type as far as flowlint's data goes (it describes Kestra up to "
            f"{types.newest}): Kestra {target} refuses the flow unless it added that type"
        )
        severity = Severity.WARNING
    ctx.report(
        "FL601",
        entry[1],
        f"{message} (Kestra: `Invalid type: {name}`)",
        yaml_path=f"{path}.type",
        help=_type_hint(name, types.names),
        severity=severity,
    )
    return None


def _type_hint(name: str, names: frozenset[str]) -> str:
    same_case = [known for known in names if known.lower() == name.lower()]
    if same_case:
        return f"did you mean '{same_case[0]}'? (input types are case-sensitive)"
    import difflib  # only for a finding: off the start-up path

    close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "the input types are " + ", ".join(sorted(names))


# Ids -----------------------------------------------------------------------------------------------------


def _check_input(ctx: CheckContext, read: _Input, path: str, types: _InputTypes) -> str | None:
    """Report one input's type, id pattern and values; its type name when the target knows it."""
    kind = _check_type(ctx, read, path, types)
    if read.id_node is None:
        if applies_from(ctx, ID_REQUIRED_SINCE):  # before, `name` is the key (FL502 says it is missing)
            ctx.report(
                "FL601",
                read.anchor,
                f"an input has no `id`: Kestra refuses the flow (Kestra: `{path}.id: must not be null`)",
                yaml_path=path,
                help="give the input an `id`: its name in `{{ inputs.<id> }}`",
            )
    elif read.id is not None and applies_from(ctx, ID_SINCE):
        _check_id_pattern(ctx, read.id, read.id_node, path)
    check_values(ctx, read.node, path, read.id or "?", kind)
    return kind


def _check_id_pattern(ctx: CheckContext, input_id: str, node: Node, path: str) -> None:
    if not INPUT_ID.fullmatch(input_id):
        blank = not input_id.strip()
        ctx.report(
            "FL601",
            node,
            "input id is blank (Kestra: `must not be blank`)"
            if blank
            else f"input id '{input_id}' does not match {INPUT_ID_TEXT} (Kestra: `must match \"{INPUT_ID_TEXT}\"`)",
            yaml_path=f"{path}.id",
            help="an input id starts with a letter or digit, followed by letters, digits, `.`, `_` or `-`",
        )


def _check_duplicate(ctx: CheckContext, read: _Input, path: str, first: dict[str, _Input]) -> None:
    assert read.id is not None and read.id_node is not None
    node = read.id_node
    earlier = first.setdefault(read.id, read)
    if earlier is not read and applies_from(ctx, DUPLICATES_SINCE):
        assert earlier.id_node is not None
        ctx.report(
            "FL601",
            node,
            f"duplicate input id '{read.id}' (first at line {span_of(earlier.id_node).line}): Kestra refuses the "
            f"flow (Kestra: `Invalid Flow: Duplicate input with name [{read.id}]`)",
            yaml_path=f"{path}.id",
            related=[(earlier.id_node, "first input with this id")],
            help="give each input its own id",
        )


# Dependencies --------------------------------------------------------------------------------------------


def _dependencies(read: _Input) -> list[tuple[str, ScalarNode]]:
    """The inputs ``read`` names in ``dependsOn.inputs``, with their nodes."""
    depends = get(read.node, "dependsOn")
    names = get(depends[1], "inputs") if depends is not None else None
    if names is None or not isinstance(names[1], SequenceNode):
        return []
    return [
        (text, item)
        for item in names[1].value
        if isinstance(item, ScalarNode) and (text := kestra_text(item)) is not None
    ]


def _check_dependencies(ctx: CheckContext, inputs: list[_Input], first: dict[str, _Input]) -> None:
    graph: dict[str, list[tuple[str, ScalarNode]]] = {}
    for read in inputs:
        if read.id is None:
            continue
        dependencies = _dependencies(read)
        graph.setdefault(read.id, []).extend(dependencies)
        for name, node in dependencies:
            if name not in first:
                _report_unknown(ctx, read, name, node, sorted(first))
    seen: set[frozenset[str]] = set()
    for start in graph:
        cycle = _cycle(start, graph)
        if cycle is not None and frozenset(cycle) not in seen:
            seen.add(frozenset(cycle))
            _report_cycle(ctx, cycle, graph, first)


def _report_unknown(ctx: CheckContext, read: _Input, name: str, node: ScalarNode, known: list[str]) -> None:
    import difflib  # only for a finding: off the start-up path

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    ctx.report(
        "FL601",
        node,
        f"input '{read.id}' depends on input '{name}', which the flow does not declare: Kestra refuses the flow "
        f"(Kestra: `Invalid Flow: Input with id '{read.id}' depends on a non-existent input '{name}'.`)",
        yaml_path=f"inputs[{read.position}].dependsOn.inputs",
        help=f"did you mean '{close[0]}'?" if close else "name an input declared in `inputs`",
    )


def _cycle(start: str, graph: dict[str, list[tuple[str, ScalarNode]]]) -> list[str] | None:
    """The first cycle a depth-first walk from ``start`` meets (as Kestra walks), in walking order."""
    path: list[str] = []
    done: set[str] = set()

    def walk(name: str) -> list[str] | None:
        if name in path:
            return path[path.index(name) :]
        if name in done or name not in graph:
            return None
        path.append(name)
        for dependency, _ in graph[name]:
            found = walk(dependency)
            if found is not None:
                return found
        path.pop()
        done.add(name)
        return None

    return walk(start)


def _report_cycle(
    ctx: CheckContext, cycle: list[str], graph: dict[str, list[tuple[str, ScalarNode]]], first: dict[str, _Input]
) -> None:
    """Report a cycle once, from its input declared first, at that input's dependency on the next."""
    order = {name: read.position for name, read in first.items()}
    at = min(range(len(cycle)), key=lambda i: order.get(cycle[i], 0))
    cycle = cycle[at:] + cycle[:at]
    following = cycle[1 % len(cycle)]
    node = next(node for name, node in graph[cycle[0]] if name == following)
    shown = " → ".join(f"'{name}'" for name in [*cycle, cycle[0]])
    ctx.report(
        "FL601",
        node,
        f"inputs depend on each other in a cycle: {shown}: Kestra refuses the flow (Kestra: `Invalid Flow: Cycle "
        f"dependency detected for input with id '{cycle[0]}': [{', '.join(cycle)}]`)",
        yaml_path=f"inputs[{first[cycle[0]].position}].dependsOn.inputs",
        related=[(first[name].anchor, f"input '{name}'") for name in cycle[1:]],
        help="remove one of the dependencies",
    )


RULES = [
    Rule(
        "FL601", "invalid-input", Severity.ERROR,
        "A flow input Kestra refuses: an unknown type, an id it does not accept or used twice, a dependency on "
        "no input or in a cycle, values that do not fit the input.",
        "Kestra refuses a flow whose `inputs` break its model, each check from the version that introduced it: "
        "a `type` it does not know, or none (`Invalid type: FOO`); an id not matching "
        "`^[a-zA-Z0-9][.a-zA-Z0-9_-]*` (0.13) or used by two inputs (0.14: `Duplicate input with name [a]`); a "
        "`dependsOn.inputs` naming no input or making a cycle (0.19); a STRING/SECRET `validator` or a "
        "SELECT/ENUM/MULTISELECT allowed value that is not a valid Java regex (`invalid pattern [(]`); an ARRAY "
        "of ARRAY (0.17; from 2.0 also of SECRET, SELECT, MULTISELECT…, and a MULTISELECT of those); FILE "
        "`defaults` (0.18 to 0.21: none; later only a `file:` or `nsfile:` URI); `defaults` with "
        "`required: false` or with `prefill` (1.3.25); from 2.0 a literal default that cannot be of the type "
        "(``Invalid default for input 'n': `abc` is not a valid INT value``). A value with a Pebble expression is "
        "not checked, by Kestra or flowlint. Past the newest Kestra version flowlint's data describes, an unknown "
        "type is a warning.",
        "id: hello\nnamespace: company.team\ninputs:\n  - id: day\n    type: STRNG\n  - id: day\n    type: INT\n"
        "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: \"{{ inputs.day }}\"\n",
        "id: hello\nnamespace: company.team\ninputs:\n  - id: day\n    type: STRING\n  - id: count\n    type: INT\n"
        "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: \"{{ inputs.day }}\"\n",
        check=check_inputs,
    ),
]  # fmt: skip
