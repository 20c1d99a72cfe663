"""The project index: every flow of the repository, with what other files need to know of it.

A :class:`FlowEntry` is what one flow document tells the rest of the project: where it is, its namespace
and id, its inputs and outputs, the flows it calls (Subflow, ForEachItem) and the flows its Flow triggers
listen to, each with the positions findings and editor navigation point at. Only literal values are
recorded: a namespace, id or ``flowId`` written as a Pebble expression is not (flowlint cannot know it).

A :class:`ProjectIndex` holds the entries of every flow of the project and answers the questions of the
FL7xx rules, ``flowlint graph``, ``impact`` and the language server: which flows define a namespace and
id, who calls or listens to a flow, which namespaces the project owns.

Entries travel as plain tuples (:func:`entry_to_data`, :func:`entry_from_data`): what the persistent cache
stores and worker processes send back. The API of this module is stable; :mod:`flowlint.project.build`
makes entries from parsed flows and builds the index of a run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from typing import Any, NamedTuple

from flowlint.diagnostics import Span

FlowKey = tuple[str, str]
"""(namespace, id): what names a flow on a Kestra instance."""


class InputDecl(NamedTuple):
    """One input a flow declares (``inputs:``)."""

    id: str
    type: str | None
    """The ``type`` as written (STRING, INT, ...), None when absent or not literal."""
    required: bool
    """Kestra's ``required`` (true unless written ``false``)."""
    has_defaults: bool
    """Whether ``defaults`` is set (to anything, an expression included)."""
    defaults: str | None
    """The ``defaults`` when it is a literal scalar (as Kestra's Jackson reads it), else None."""
    span: Span
    """The input's ``id`` value."""

    @property
    def needs_value(self) -> bool:
        """Whether a caller must pass it: required and without defaults."""
        return self.required and not self.has_defaults


class OutputDecl(NamedTuple):
    """One output a flow declares (``outputs:``, Kestra 0.15+)."""

    id: str
    span: Span


class PassedInput(NamedTuple):
    """One entry of a Subflow or ForEachItem task's ``inputs:``."""

    key: str
    key_span: Span
    value: str | None
    """The value when it is a literal string scalar without an expression (what FL702 judges against the
    target input's type), else None (numbers, booleans, collections and expressions are not judged)."""
    value_span: Span


class Call(NamedTuple):
    """A Subflow or ForEachItem task whose ``namespace`` and ``flowId`` are literal."""

    task_id: str | None
    kind: str
    """``Subflow`` or ``ForEachItem`` (whatever alias of them the flow writes)."""
    namespace: str
    flow_id: str
    namespace_span: Span
    flow_id_span: Span
    """The ``flowId`` value: where FL701 points and where go-to-definition starts."""
    yaml_path: str
    """The task's YAML path (``tasks[0]``)."""
    inputs: tuple[PassedInput, ...] | None
    """The ``inputs:`` passed; None when they cannot be read with certainty (not a mapping, a key that is
    not a literal string): FL702 is then silent."""
    inputs_span: Span | None
    """The ``inputs`` key, None when absent (FL702 then points at ``flowId``)."""
    own_outputs: bool
    """The task sets its own (deprecated) ``outputs:`` property, or does not wait for the subflow: what
    ``outputs.<task>.outputs`` holds is then not the target's declared outputs (FL705 is silent)."""

    @property
    def target(self) -> FlowKey:
        """The (namespace, id) it calls."""
        return (self.namespace, self.flow_id)


class Listen(NamedTuple):
    """A flow a Flow trigger of this flow listens to: an ``ExecutionFlowCondition`` (also inside a
    ``MultipleCondition``) or a ``preconditions.flows`` entry, with literal ``namespace`` and ``flowId``."""

    trigger_id: str | None
    namespace: str
    flow_id: str
    flow_id_span: Span
    yaml_path: str
    """The YAML path of the condition or precondition entry."""

    @property
    def target(self) -> FlowKey:
        """The (namespace, id) it listens to."""
        return (self.namespace, self.flow_id)


class OutputRead(NamedTuple):
    """``outputs.<task>.outputs.<name>`` in this flow, where ``<task>`` is one of its Subflow tasks."""

    task_id: str
    output: str
    span: Span
    """The ``<name>`` characters, exactly."""
    yaml_path: str


class FlowEntry(NamedTuple):
    """One flow of the project, as other files see it."""

    path: str
    """The file, as findings name it (relative to the working folder, with ``/``)."""
    document: int
    """Its document in the file (0 for the first)."""
    namespace: str
    id: str
    namespace_span: Span
    id_span: Span
    inputs: tuple[InputDecl, ...] | None
    """The inputs in order; None when one cannot be read with certainty (a FORM input, an input without
    a literal id or ``required``): FL702 is then silent about this flow as a target."""
    outputs: tuple[OutputDecl, ...] | None
    """The declared outputs; None when ``outputs`` cannot be read (not a list, an id not literal)."""
    calls: tuple[Call, ...]
    listens: tuple[Listen, ...]
    output_reads: tuple[OutputRead, ...]

    @property
    def key(self) -> FlowKey:
        """(namespace, id)."""
        return (self.namespace, self.id)

    @property
    def name(self) -> str:
        """``namespace.id``, as Kestra names a flow."""
        return f"{self.namespace}.{self.id}"

    def input(self, input_id: str) -> InputDecl | None:
        """The declared input ``input_id`` (the first, when written twice)."""
        return next((i for i in self.inputs or () if i.id == input_id), None)


# namespace globs -----------------------------------------------------------------------------------------


def _glob_regex(glob: str) -> str:
    """``glob`` as a regular expression over a namespace followed by a dot (see :func:`matches_namespace`)."""
    pieces: list[str] = []
    for part in glob.split("."):
        if part == "**":
            pieces.append("(?:[^.]+\\.)*")
        else:
            pieces.append(re.escape(part).replace("\\*", "[^.]*") + "\\.")
    return "".join(pieces)


def matches_namespace(glob: str, namespace: str) -> bool:
    """Whether ``namespace`` matches the namespace glob ``glob``: ``*`` is one segment (or part of one:
    ``team-*``), ``**`` any number of segments, none included (``company.**`` takes ``company`` and
    ``company.a.b``)."""
    return re.fullmatch(_glob_regex(glob), namespace + ".") is not None


# the index -----------------------------------------------------------------------------------------------


class ProjectIndex:
    """The flows of a project, looked up by (namespace, id), by file, by who calls or listens to them.

    ``owned``: the namespace globs the config gives (``project: {namespaces: [...]}``); empty: the project
    owns exactly the namespaces that have at least one of its flows.
    """

    def __init__(self, entries: Iterable[FlowEntry], owned: Sequence[str] = ()) -> None:
        self.flows: tuple[FlowEntry, ...] = tuple(sorted(entries, key=lambda e: (e.path, e.document)))
        """Every flow, by file then document."""
        self.owned_globs = tuple(owned)
        self._by_key: dict[FlowKey, list[FlowEntry]] = {}
        for entry in self.flows:
            self._by_key.setdefault(entry.key, []).append(entry)
        self._owned_memo: dict[str, bool] = {}

    def __len__(self) -> int:
        return len(self.flows)

    def keys(self) -> Iterator[FlowKey]:
        """Every (namespace, id) defined, each once."""
        return iter(self._by_key)

    def flow(self, namespace: str, flow_id: str) -> FlowEntry | None:
        """The flow that defines (namespace, id): the first in file order when several do."""
        found = self._by_key.get((namespace, flow_id))
        return found[0] if found else None

    def definitions(self, namespace: str, flow_id: str) -> Sequence[FlowEntry]:
        """Every flow that defines (namespace, id), in file order (more than one: FL703)."""
        return self._by_key.get((namespace, flow_id), ())

    def in_file(self, path: str) -> list[FlowEntry]:
        """The flows of the file ``path`` (as findings name it), in document order."""
        return self._by_path.get(path, [])

    @cached_property
    def _by_path(self) -> dict[str, list[FlowEntry]]:
        found: dict[str, list[FlowEntry]] = {}
        for entry in self.flows:
            found.setdefault(entry.path, []).append(entry)
        return found

    def callers(self, namespace: str, flow_id: str) -> list[tuple[FlowEntry, Call]]:
        """Every (flow, Subflow/ForEachItem task) that calls (namespace, id), in file order."""
        return self._called_by.get((namespace, flow_id), [])

    @cached_property
    def _called_by(self) -> dict[FlowKey, list[tuple[FlowEntry, Call]]]:
        found: dict[FlowKey, list[tuple[FlowEntry, Call]]] = {}
        for entry in self.flows:
            for call in entry.calls:
                found.setdefault(call.target, []).append((entry, call))
        return found

    def listeners(self, namespace: str, flow_id: str) -> list[tuple[FlowEntry, Listen]]:
        """Every (flow, Flow-trigger condition) that listens to (namespace, id), in file order."""
        return self._listened_by.get((namespace, flow_id), [])

    @cached_property
    def _listened_by(self) -> dict[FlowKey, list[tuple[FlowEntry, Listen]]]:
        found: dict[FlowKey, list[tuple[FlowEntry, Listen]]] = {}
        for entry in self.flows:
            for listen in entry.listens:
                found.setdefault(listen.target, []).append((entry, listen))
        return found

    @cached_property
    def namespaces(self) -> frozenset[str]:
        """The namespaces with at least one flow of the project."""
        return frozenset(namespace for namespace, _ in self._by_key)

    def owns(self, namespace: str) -> bool:
        """Whether the project owns ``namespace``: it matches a configured glob, or (none configured) one
        of the project's flows is in it. A flow an owned namespace does not define is a mistake (FL701);
        one elsewhere may live on the instance only, and is not judged."""
        if not self.owned_globs:
            return namespace in self.namespaces
        known = self._owned_memo.get(namespace)
        if known is None:
            known = any(matches_namespace(glob, namespace) for glob in self.owned_globs)
            self._owned_memo[namespace] = known
        return known

    def flow_ids(self, namespace: str) -> list[str]:
        """The ids of the flows of ``namespace``, sorted (for did-you-mean and completion)."""
        return sorted(flow_id for ns, flow_id in self._by_key if ns == namespace)


# plain data ----------------------------------------------------------------------------------------------


def entry_to_data(entry: FlowEntry) -> tuple[Any, ...]:
    """``entry`` as nested plain tuples (what marshal stores), without its path (the cache keys by content)."""
    return (
        entry.document,
        entry.namespace,
        entry.id,
        tuple(entry.namespace_span),
        tuple(entry.id_span),
        None if entry.inputs is None else tuple(_plain(i) for i in entry.inputs),
        None if entry.outputs is None else tuple(_plain(o) for o in entry.outputs),
        tuple(_call_data(c) for c in entry.calls),
        tuple(_plain(listen) for listen in entry.listens),
        tuple(_plain(read) for read in entry.output_reads),
    )


def _plain(value: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(tuple(v) if isinstance(v, Span) else v for v in value)


def _call_data(call: Call) -> tuple[Any, ...]:
    inputs = None if call.inputs is None else tuple(_plain(p) for p in call.inputs)
    return (
        call.task_id,
        call.kind,
        call.namespace,
        call.flow_id,
        tuple(call.namespace_span),
        tuple(call.flow_id_span),
        call.yaml_path,
        inputs,
        None if call.inputs_span is None else tuple(call.inputs_span),
        call.own_outputs,
    )


def entry_from_data(path: str, data: Any) -> FlowEntry | None:
    """The FlowEntry of file ``path`` that :func:`entry_to_data` made; None when ``data`` does not have its
    shape and types (a damaged cache entry: the file is read again)."""
    try:
        document, namespace, flow_id, ns_span, id_span, inputs, outputs, calls, listens, reads = data
        entry = FlowEntry(
            path,
            document,
            namespace,
            flow_id,
            _span(ns_span),
            _span(id_span),
            None if inputs is None else tuple(_input(i) for i in inputs),
            None if outputs is None else tuple(OutputDecl(_text(o[0]), _span(o[1])) for o in outputs),
            tuple(_call(c) for c in calls),
            tuple(_listen(listen) for listen in listens),
            tuple(_read(r) for r in reads),
        )
    except (TypeError, ValueError, LookupError):
        return None
    return entry if type(document) is int and _texts(namespace, flow_id) else None


class _Bad(ValueError):
    """A value of the wrong type in cached data."""


def _span(data: Any) -> Span:
    if type(data) is not tuple or len(data) != 6 or not all(type(n) is int for n in data):
        raise _Bad
    return Span(*data)


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Bad
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise _Bad
    return value


def _texts(*values: Any) -> bool:
    return all(type(v) is str for v in values)


def _input(data: Any) -> InputDecl:
    input_id, kind, required, has_defaults, defaults, span = data
    return InputDecl(
        _text(input_id),
        _optional_text(kind),
        _flag(required),
        _flag(has_defaults),
        _optional_text(defaults),
        _span(span),
    )


def _passed(data: Any) -> PassedInput:
    key, key_span, value, value_span = data
    return PassedInput(_text(key), _span(key_span), _optional_text(value), _span(value_span))


def _call(data: Any) -> Call:
    task_id, kind, namespace, flow_id, ns_span, id_span, yaml_path, inputs, inputs_span, own_outputs = data
    return Call(
        _optional_text(task_id),
        _text(kind),
        _text(namespace),
        _text(flow_id),
        _span(ns_span),
        _span(id_span),
        _text(yaml_path),
        None if inputs is None else tuple(_passed(p) for p in inputs),
        None if inputs_span is None else _span(inputs_span),
        _flag(own_outputs),
    )


def _listen(data: Any) -> Listen:
    trigger_id, namespace, flow_id, span, yaml_path = data
    return Listen(_optional_text(trigger_id), _text(namespace), _text(flow_id), _span(span), _text(yaml_path))


def _read(data: Any) -> OutputRead:
    task_id, output, span, yaml_path = data
    return OutputRead(_text(task_id), _text(output), _span(span), _text(yaml_path))
