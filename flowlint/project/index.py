"""The project index: every flow of the repository, with what other files need to know of it.

A :class:`FlowEntry` is what one flow document tells the rest of the project: where it is, its namespace
and id, its inputs and outputs, the flows it calls (Subflow, ForEachItem) and the flows its Flow triggers
listen to, each with the positions findings and editor navigation point at. Only literal values are
recorded: a namespace, id or ``flowId`` written as a Pebble expression is not (flowlint cannot know it).

A :class:`ProjectIndex` holds the entries of every flow of the project and answers the questions of the
FL7xx rules, ``flowlint graph``, ``impact`` and the language server: which flows define a namespace and
id, who calls or listens to a flow, which namespaces the project owns.

The API of this module is stable: :mod:`flowlint.project.build` makes entries from parsed flows and builds
the index of a run; :mod:`flowlint.project.codec` turns entries into the plain tuples the persistent cache
stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple, Protocol

from flowlint.diagnostics import Span
from flowlint.project.namespaces import matches_namespace
from flowlint.stamps import digest

if TYPE_CHECKING:
    from flowlint.rules.closest import Closest

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


# the index -----------------------------------------------------------------------------------------------


class FileFlows:
    """The flows of one file: their (namespace, id) at once, their entries when first asked (a run on one
    file decodes the stored entries of the few files it needs, not of the whole project). ``content``: the
    key of the file's content (:func:`flowlint.stamps.file_key`), None when not known (unsaved text)."""

    __slots__ = ("_entries", "_load", "_targets", "content", "keys", "path")

    def __init__(
        self,
        path: str,
        keys: tuple[FlowKey, ...],
        entries: tuple[FlowEntry, ...] | None = None,
        load: Callable[[], Sequence[FlowEntry]] | None = None,
        targets: tuple[FlowKey, ...] | None = None,
        content: str | None = None,
    ) -> None:
        self.path = path
        self.keys = keys
        self._entries = entries
        self._load = load
        self._targets = targets
        self.content = content

    @classmethod
    def of(cls, path: str, entries: Sequence[FlowEntry], content: str | None = None) -> FileFlows:
        """The flows of a file whose entries are at hand."""
        return cls(path, tuple(entry.key for entry in entries), tuple(entries), content=content)

    @property
    def entries(self) -> tuple[FlowEntry, ...]:
        """The entries, in document order (decoded, or the file read again, on first use)."""
        if self._entries is None:
            self._entries = tuple(self._load()) if self._load is not None else ()
            self._load = None
        return self._entries

    @property
    def targets(self) -> tuple[FlowKey, ...]:
        """The (namespace, id) of the flows its flows call or listen to, sorted, each once."""
        if self._targets is None:
            self._targets = targets_of(self.entries)
        return self._targets


def targets_of(entries: Iterable[FlowEntry]) -> tuple[FlowKey, ...]:
    """The (namespace, id) of the flows ``entries`` call or listen to, sorted, each once."""
    found: set[FlowKey] = set()
    for entry in entries:
        found.update(call.target for call in entry.calls)
        found.update(listen.target for listen in entry.listens)
    return tuple(sorted(found))


class StoredFiles(Protocol):
    """Files whose flows the index store holds, made into :class:`FileFlows` only when asked."""

    def paths(self) -> Iterable[str]:
        """Their names."""

    def file(self, path: str) -> FileFlows | None:
        """The flows of the file named ``path``, None when it is not one of them."""

    def content(self, path: str) -> str | None:
        """The content key of the file named ``path``, None when it is not one of them."""

    def keyed(self) -> Iterator[tuple[str, int, FlowKey]]:
        """(file, position in the file, (namespace, id)) of each of their flows."""


class ProjectIndex:
    """The flows of a project, looked up by (namespace, id), by file, by who calls or listens to them.

    ``owned``: the namespace globs the config gives (``project: {namespaces: [...]}``); empty: the project
    owns exactly the namespaces that have at least one of its flows.
    """

    def __init__(self, entries: Iterable[FlowEntry] = (), owned: Sequence[str] = ()) -> None:
        by_path: dict[str, list[FlowEntry]] = {}
        for entry in entries:
            by_path.setdefault(entry.path, []).append(entry)
        self._files: dict[str, FileFlows] = {
            path: FileFlows.of(path, sorted(found, key=lambda e: e.document)) for path, found in by_path.items()
        }
        self._stored: StoredFiles | None = None
        self.owned_globs = tuple(owned)
        self._owned_memo: dict[str, bool] = {}
        self._closest_ids: dict[str, Closest] = {}
        self._same_memo: dict[tuple[str, str], str | None] = {}
        self._by_key: dict[FlowKey, list[tuple[str, int]]] = {}
        self._index_keys()

    @classmethod
    def of_files(
        cls, files: Iterable[FileFlows], owned: Sequence[str] = (), stored: StoredFiles | None = None
    ) -> ProjectIndex:
        """The index of ``files`` and of the ``stored`` ones (each file once, in either)."""
        index = cls((), owned)
        index._files = {f.path: f for f in files}
        index._stored = stored
        index._index_keys()
        return index

    def _index_keys(self) -> None:
        """(namespace, id) -> where it is defined: (file, position in the file), in file order."""
        self._by_key = {}
        keyed = (
            (path, position, key) for path, found in self._files.items() for position, key in enumerate(found.keys)
        )
        for path, position, key in chain(keyed, self._stored.keyed() if self._stored is not None else ()):
            places = self._by_key.get(key)
            if places is None:
                self._by_key[key] = [(path, position)]
            else:
                places.append((path, position))
                places.sort()

    def dependency_key(self, path: str) -> str | None:
        """A key of all the project rules' findings of the file ``path`` depend on (for the same settings): its
        content, and that of every file defining one of its flows or a flow they call or listen to; where such
        a flow is defined nowhere, whether its namespace is owned and every (namespace, id) of the project (what
        a did-you-mean reads). None when the content of one of those files is not known."""
        own = self._files.get(path) or (self._stored.file(path) if self._stored is not None else None)
        if own is None or own.content is None:
            return None
        parts: list[object] = [own.content]
        for key in sorted({*own.keys, *own.targets}) if own.targets else own.keys:
            places = self._by_key.get(key)
            if places is None:
                parts.append((key, self.owns(key[0]), self._keys_digest))
                continue
            contents = [(place, position, self._content(place)) for place, position in places]
            if any(content is None for _, _, content in contents):
                return None
            parts.append((key, contents))
        return digest(repr(parts).encode())

    def _content(self, path: str) -> str | None:
        """The content key of the file ``path``, None when not known."""
        found = self._files.get(path)
        if found is not None:
            return found.content
        return self._stored.content(path) if self._stored is not None else None

    @cached_property
    def _keys_digest(self) -> str:
        return digest(*("\0".join(key).encode() for key in sorted(self._by_key)))

    @cached_property
    def flows(self) -> tuple[FlowEntry, ...]:
        """Every flow, by file then document (every stored entry decoded)."""
        paths = sorted({*self._files, *(self._stored.paths() if self._stored is not None else ())})
        return tuple(entry for path in paths for entry in self.in_file(path))

    def flow_keys(self) -> Iterator[FlowKey]:
        """Every (namespace, id) defined, each once."""
        return iter(self._by_key)

    def flow(self, namespace: str, flow_id: str) -> FlowEntry | None:
        """The flow that defines (namespace, id): the first in file order when several do."""
        found = self.definitions(namespace, flow_id)
        return found[0] if found else None

    def definitions(self, namespace: str, flow_id: str) -> list[FlowEntry]:
        """Every flow that defines (namespace, id), in file order (more than one: FL703)."""
        found = []
        for path, position in self._by_key.get((namespace, flow_id), ()):
            entries = self.in_file(path)
            if position < len(entries) and entries[position].key == (namespace, flow_id):
                found.append(entries[position])
        return found

    def in_file(self, path: str) -> tuple[FlowEntry, ...]:
        """The flows of the file ``path`` (as findings name it), in document order."""
        found = self._files.get(path) or (self._stored.file(path) if self._stored is not None else None)
        return found.entries if found is not None else ()

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
        return self._ids_by_namespace.get(namespace, [])

    @cached_property
    def _ids_by_namespace(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for namespace, flow_id in sorted(self._by_key):
            found.setdefault(namespace, []).append(flow_id)
        return found

    def closest(self, namespace: str, flow_id: str, besides: FlowKey | None = None) -> FlowKey | None:
        """The defined flow whose name is closest to ``namespace.flow_id`` (did-you-mean): an id of the same
        namespace, else the same id in the owned namespace closest to ``namespace``; None when none is
        close. ``besides``: a flow never suggested (the one that names the unknown flow: it does not mean
        itself). Each spelling is compared with the namespace's ids once per index."""
        from flowlint.rules.closest import Closest  # only for a reference to an unknown flow

        if (namespace, flow_id) not in self._same_memo:  # one spelling, however many flows refer to it
            if namespace not in self._closest_ids:
                self._closest_ids[namespace] = Closest(self.flow_ids(namespace))
            self._same_memo[namespace, flow_id] = self._closest_ids[namespace].closest(flow_id)
        same = self._same_memo[namespace, flow_id]
        if besides is not None and (namespace, same) == besides:
            same = Closest(i for i in self.flow_ids(namespace) if i != besides[1]).closest(flow_id)
        elsewhere = [ns for ns in self._namespaces_by_id.get(flow_id, ()) if self.owns(ns) and (ns, flow_id) != besides]
        found: FlowKey | None = None
        if same is not None:
            found = (namespace, same)
        elif elsewhere:
            found = (Closest(elsewhere).closest(namespace) or elsewhere[0], flow_id)
        return found

    @cached_property
    def _namespaces_by_id(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for namespace, flow_id in sorted(self._by_key):
            found.setdefault(flow_id, []).append(namespace)
        return found
