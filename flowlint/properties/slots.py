"""Which keys of a plugin hold plugins, as property data says it: the slot table the flow walk follows
(flowlint.flow), for the bundled data (built into ``data/plugin_slots.json`` by
scripts/build_properties.py) and for the types a manifest describes itself.

A key is in a type's table when the data says it holds lists or maps of plugins (``task-list``,
``condition-list``, ``condition-map``, ``case-map``, ...), or when it is one of the keys the walk's generic
rule takes for plugin slots (:data:`SLOT_KEYS`), with what the data says it holds there (``taskRunner``, or
``-``: an Assert's ``conditions`` are strings). A key counts only when every version that has it agrees; a
key of objects (a Dag's ``tasks`` of ``{task, dependsOn}``) is left to the generic rule, and so is a single
plugin-typed key outside :data:`SLOT_KEYS` (the data marks AzureBatchTaskRunner's ``blobStorage``, a storage
spec without ``id`` or ``type``, as a task). A type the data describes in part is left out. The base sets'
keys (a trigger's ``conditions``) are the generic rule's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from flowlint.flow import Slots, data_slots, walk_table
from flowlint.manifest.model import Manifest

SLOT_KEYS = frozenset(
    {"conditions", "scheduleConditions", "taskRunner", "task", "cases", "tasks", "errors", "finally"}
    | {"afterExecution", "then", "else", "defaults"}
)
"""Keys flowlint.flow's generic walk takes for plugin slots (under any plugin, or under a flowable)."""
COLLECTION_SLOTS = ("-list", "-map")

Record = Mapping[str, Any]


def slot_of(entry: Mapping[str, Any]) -> str | None:
    """The walk slot an entry's value is (``-``: no plugins; None: objects, or a kind the data does not know)."""
    kind, of = entry.get("kind"), entry.get("of")
    if entry.get("kindUnknown"):
        return None
    if kind == "plugin":
        return of if isinstance(of, str) else None
    item: Mapping[str, Any] = of if isinstance(of, Mapping) else {}
    if kind in ("list", "map") and item.get("kind") == "plugin" and isinstance(item.get("of"), str):
        return f"{item['of']}-{kind}"
    nested = item.get("of")
    inner: Mapping[str, Any] = nested if isinstance(nested, Mapping) else {}
    if kind == "map" and item.get("kind") == "list" and inner.get("kind") == "plugin" and inner.get("of") == "task":
        return "case-map"
    if kind in ("object", "any") or item.get("kind") in ("object", "any", "list", "map") or item.get("kindUnknown"):
        return None
    return "-"


def type_slots(
    types: Iterable[tuple[str, Record]], kestra_props: Callable[[str], Sequence[Mapping[str, Any]]]
) -> dict[str, dict[str, str]]:
    """Type -> key -> slot for the type records ``types`` (a type named twice: its records together);
    ``kestra_props`` gives the entries of a Kestra class a record lists in ``kestraClasses``."""
    found: dict[str, dict[str, set[str | None]]] = {}
    partial: set[str] = set()
    for fqn, record in types:
        if record.get("partial") or record.get("partialByVersion"):
            partial.add(fqn)
        entries = list(record.get("props", ()))
        for item in record.get("kestraClasses", ()):
            if isinstance(item, Mapping) and isinstance(item.get("class"), str):
                entries += kestra_props(item["class"])
        keys = found.setdefault(fqn, {})
        for entry in entries:
            name = entry.get("name") if isinstance(entry, Mapping) else None
            if not isinstance(name, str):
                continue
            slot = slot_of(entry)
            if name in SLOT_KEYS or (slot is not None and slot.endswith(COLLECTION_SLOTS)):
                keys.setdefault(name, set()).add(slot)
    table: dict[str, dict[str, str]] = {}
    for fqn, keys in sorted(found.items()):
        agreed = {name: s for name, slots in sorted(keys.items()) if len(slots) == 1 and (s := next(iter(slots)))}
        if agreed and fqn not in partial:
            table[fqn] = agreed
    return table


def manifest_slots(manifest: Manifest) -> Slots | None:
    """The walk's slot table for ``manifest``: the bundled data's with the types of the manifest's own
    ``properties`` sections over it (None: the manifest has none, the bundled table alone applies).
    Worked out once per manifest."""
    if not manifest.property_sections:
        return None
    key = ("walk slots",)
    found = manifest.outcomes.get(key)
    if found is None:
        store = manifest.property_store
        types = [
            (name, record)
            for _, section in manifest.property_sections.values()
            for name, record in (section.get("types") or {}).items()
            if isinstance(record, Mapping)
        ]

        def kestra_props(name: str) -> Sequence[Mapping[str, Any]]:
            record = store.kestra_record(name)
            return record.get("props", ()) if record is not None else ()

        found = manifest.outcomes[key] = {**data_slots(), **walk_table(type_slots(types, kestra_props))}
    table: Slots = found
    return table
