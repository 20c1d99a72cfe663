"""The project index: the flows of every file of the repository (:mod:`flowlint.project.entries`), looked up.

A :class:`ProjectIndex` holds the entries of every flow of the project and answers the questions of the
FL7xx rules, ``flowlint graph``, ``impact`` and the language server: which flows define a namespace and
id, who calls or listens to a flow, which namespaces the project owns, and on what a file's findings
depend. :mod:`flowlint.project.gather` builds the index of a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING, Protocol

from flowlint.project.entries import Call, FlowEntry, FlowKey, Listen, targets_of
from flowlint.project.namespaces import matches_namespace
from flowlint.stamps import digest

if TYPE_CHECKING:
    from flowlint.rules.closest import Closest


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


_LOOKED_UP_ALONE = 256
"""Past this many look-ups and files of its own, an index makes the map of every (namespace, id) (a look-up
alone searches the stored table: a run on a few files asks of a few flows)."""


class StoredFiles(Protocol):
    """Files whose flows the index store holds, made into :class:`FileFlows` only when asked."""

    def paths(self) -> Iterable[str]:
        """Their names."""

    def file(self, path: str) -> FileFlows | None:
        """The flows of the file named ``path``, None when it is not one of them."""

    def content(self, path: str) -> str | None:
        """The content key of the file named ``path``, None when it is not one of them."""

    def places(self, key: FlowKey) -> list[tuple[str, int]]:
        """(file, position in the file) of each of their flows named ``key``."""

    def namespaces(self) -> set[str]:
        """The namespaces of their flows."""

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
        self._lookups = 0
        self.world: str | None = None
        """A key of the whole project (every file's name and content) when all of it came from the index
        store unchanged, else None."""

    @classmethod
    def of_files(
        cls, files: Iterable[FileFlows], owned: Sequence[str] = (), stored: StoredFiles | None = None
    ) -> ProjectIndex:
        """The index of ``files`` and of the ``stored`` ones (each file once, in either)."""
        index = cls((), owned)
        index._files = {f.path: f for f in files}
        index._stored = stored
        return index

    @cached_property
    def _by_key(self) -> dict[FlowKey, list[tuple[str, int]]]:
        """(namespace, id) -> where it is defined: (file, position in the file), in file order."""
        found: dict[FlowKey, list[tuple[str, int]]] = {}
        keyed = (
            (path, position, key) for path, files in self._files.items() for position, key in enumerate(files.keys)
        )
        for path, position, key in chain(keyed, self._stored.keyed() if self._stored is not None else ()):
            places = found.get(key)
            if places is None:
                found[key] = [(path, position)]
            else:
                places.append((path, position))
                places.sort()
        return found

    def _places(self, key: FlowKey) -> list[tuple[str, int]]:
        """Where ``key`` is defined, in file order: from the map of every key once it is made (or the index has
        many files of its own), else looked up alone (a run on a few files asks of a few flows)."""
        self._lookups += 1
        if "_by_key" in self.__dict__ or self._stored is None or self._lookups + len(self._files) > _LOOKED_UP_ALONE:
            return self._by_key.get(key, [])
        own = [(path, at) for path, files in self._files.items() for at, known in enumerate(files.keys) if known == key]
        return sorted([*own, *self._stored.places(key)])

    def dependency_key(self, path: str) -> str | None:
        """A key of all the project rules' findings of the file ``path`` depend on (for the same settings): its
        content, and that of every file defining one of its flows or a flow they call or listen to; where such
        a flow is defined nowhere, whether its namespace is owned, every (namespace, id) of the project (what a
        did-you-mean reads) and where the flow it suggests is. None when the content of one of those files is not
        known."""
        own = self._files.get(path) or (self._stored.file(path) if self._stored is not None else None)
        if own is None or own.content is None:
            return None
        parts: list[object] = [own.content]
        for key in sorted({*own.keys, *own.targets}) if own.targets else own.keys:
            places = self._places(key)
            if not places:  # FL701: its did-you-mean reads every flow id, and points at the flow it names
                close = sorted({near for besides in own.keys if (near := self.closest(*key, besides)) is not None})
                named = [(near, [(p, at, self._content(p)) for p, at in self._places(near)]) for near in close]
                parts.append((key, self.owns(key[0]), self._keys_digest, named))
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
        for path, position in self._places((namespace, flow_id)):
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
        if "_by_key" in self.__dict__ or self._stored is None:
            return frozenset(namespace for namespace, _ in self._by_key)
        own = {namespace for files in self._files.values() for namespace, _ in files.keys}
        return frozenset(own | self._stored.namespaces())

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
