"""What one flow tells the rest of the project (:class:`FlowEntry`): where it is, its namespace and id, its
inputs and outputs, the flows it calls (Subflow, ForEachItem) and the flows its Flow triggers listen to,
each with the positions findings and editor navigation point at. Only literal values are recorded: a
namespace, id or ``flowId`` written as a Pebble expression is not (flowlint cannot know it).

:mod:`flowlint.project.build` makes entries from parsed flows; :mod:`flowlint.project.codec` turns them
into the plain tuples the persistent cache stores; :mod:`flowlint.project.index` answers questions on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

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
    conditional: bool = False
    """Whether it has a ``dependsOn.condition``: Kestra disables it (no value needed) when that is false."""

    @property
    def needs_value(self) -> bool:
        """Whether a caller must pass it: required, without defaults, and no condition can disable it."""
        return self.required and not self.has_defaults and not self.conditional


class OutputDecl(NamedTuple):
    """One output a flow declares (``outputs:``, Kestra 0.15+)."""

    id: str
    span: Span


class PassedInput(NamedTuple):
    """One entry of a Subflow or ForEachItem task's ``inputs:``."""

    key: str
    key_span: Span
    value: str | None
    """The value when it is a literal string scalar without an expression, else None."""
    value_span: Span
    misfits: tuple[tuple[str, str], ...]
    """The input types the literal value cannot be (``(type, reason)``, as FL609 judges a trigger's values:
    :func:`flowlint.rules.validation_io.literal_problem`): what FL702 reports against the target's input."""

    def misfit(self, kind: str | None) -> str | None:
        """Why the value cannot be of input type ``kind``, None when it can (or is not judged)."""
        return next((reason for misfit_kind, reason in self.misfits if misfit_kind == kind), None)


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
    default_inputs: tuple[str, ...] | None = ()
    """The input keys the flow's ``pluginDefaults`` for the task's type pass too (Kestra merges them into the
    task); None when a default sets ``inputs`` to something else than a literal mapping (FL702 then does not
    judge missing inputs)."""
    pinned: bool = False
    """The task sets ``revision``: the flow it starts may not be the file's current one (FL702 and FL705 are
    silent)."""

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


def report_lines(entry: FlowEntry) -> Iterator[int]:
    """The lines FL701, FL702 and FL705 may report on in ``entry`` (where its calls, listens and subflow
    output reads are): the lint pass keeps their text, so those findings join a cached result as they are."""
    for call in entry.calls:
        yield call.flow_id_span.line
        if call.inputs_span is not None:
            yield call.inputs_span.line
        for passed in call.inputs or ():
            yield passed.key_span.line
            yield passed.value_span.line
    for listen in entry.listens:
        yield listen.flow_id_span.line
    for read in entry.output_reads:
        yield read.span.line


def targets_of(entries: Iterable[FlowEntry]) -> tuple[FlowKey, ...]:
    """The (namespace, id) of the flows ``entries`` call or listen to, sorted, each once."""
    found: set[FlowKey] = set()
    for entry in entries:
        found.update(call.target for call in entry.calls)
        found.update(listen.target for listen in entry.listens)
    return tuple(sorted(found))
