"""A read-only view of one flow document: its ids, its defaults and every plugin it uses.

One iterative walk over the whole document (SEMANTICS §1) finds duplicate keys, counts aliases and
collects plugin uses at any depth. A mapping whose ``type`` looks like a Java class name is a plugin
candidate wherever it stands; its *kind* comes from the slot it fills. Which keys of a plugin are slots
(hold tasks, conditions, task runners) comes from the bundled property data where it describes the type
(``plugin_slots.json``, built by scripts/build_properties.py: KestraTask's ``tasks`` hold tasks, an
Assert's ``conditions`` hold strings), else from a generic rule (:func:`_child_slot`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Literal, NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.limits import MAX_COLLECTION_ALIASES
from flowlint.nodes import get, is_null, is_str

PLUGIN_TYPE = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+")

PLUGIN_ROOTS = ("tasks", "errors", "finally", "afterExecution", "triggers", "listeners")
"""Top-level keys whose subtrees hold plugins; every other top-level subtree holds none."""

TASK_LISTS = frozenset({"tasks", "errors", "finally", "afterExecution", "then", "else", "defaults"})
"""Keys whose list items are tasks (Flowable children, Switch ``defaults``), under a flowable plugin."""

FLOWABLE_PACKAGES = ("io.kestra.plugin.core.flow.", "io.kestra.core.tasks.flows.", "org.kestra.core.tasks.flows.")
"""Where the property data does not say, the plugins whose task lists (:data:`TASK_LISTS`, ``cases``) hold
Kestra tasks: Kestra's flow package (and its old names). Under any other plugin those keys are the plugin's
own data (Azure Batch ``tasks`` are Batch task specs): a mapping there is a plugin only when its ``type`` is
a class name, like a mapping anywhere else."""
SLOTS_RESOURCE = "plugin_slots.json"
DATA_SLOTS = frozenset(
    {"task", "trigger", "condition", "taskRunner", "task-list", "trigger-list", "condition-list", "condition-map"}
    | {"case-map", "-"}
)
"""The slots the property data may give a key (``-``: the key holds no plugins)."""
Slots = Mapping[str, Mapping[str, str]]
"""Type -> key -> the slot its value is (:func:`walk_table`)."""

NO_PLUGINS_UNDER_A_PLUGIN = frozenset({"assets"})
"""Properties of a task or trigger that hold no plugins (asset ``type``s name asset kinds, not classes)."""

PluginKind = Literal["task", "trigger", "condition", "taskRunner", "other"]
"""What a plugin use is: its slot in the flow (``other``: a plugin object elsewhere, such as a property)."""

PLUGIN_SLOTS = frozenset({"task", "trigger", "condition", "taskRunner"})
_SLOT_KINDS: dict[str, PluginKind] = {
    "task": "task",
    "trigger": "trigger",
    "condition": "condition",
    "taskRunner": "taskRunner",
    "condition-map": "condition",
}
_LIST_SLOTS = {"task-list": "a list of tasks", "trigger-list": "a list of triggers"}
_ROOT_SLOTS = {
    "tasks": "task-list",
    "errors": "task-list",
    "finally": "task-list",
    "afterExecution": "task-list",
    "triggers": "trigger-list",
    "listeners": "listener-list",
}
_ITEM_SLOTS = {
    "task-list": "task",
    "trigger-list": "trigger",
    "condition-list": "condition",
    "listener-list": "listener",
}

_IDENTIFIER = re.compile(r"[A-Za-z0-9_$-]+")


class PluginUse(NamedTuple):
    """One task, trigger, condition, task runner or other plugin object of a flow."""

    kind: PluginKind
    node: MappingNode
    type_node: ScalarNode
    type_name: str
    yaml_path: str
    version_key: ScalarNode | None = None
    version_node: Node | None = None
    id_node: Node | None = None

    @property
    def id(self) -> str | None:
        """The ``id`` of the task or trigger, when it is a string."""
        return self.id_node.value if is_str(self.id_node) else None


class DuplicateKey(NamedTuple):
    """A key written twice in one mapping."""

    first: ScalarNode
    again: ScalarNode
    yaml_path: str


class FlowDefault(NamedTuple):
    """One entry of the flow's ``pluginDefaults`` (or legacy ``taskDefaults``)."""

    node: Node
    yaml_path: str
    type_node: Node | None
    values_node: Node | None
    version_node: Node | None
    forced_node: Node | None

    @property
    def type_name(self) -> str | None:
        """The ``type`` the default applies to (a type or a prefix), when it is a string."""
        return self.type_node.value if is_str(self.type_node) else None


class SlotItem(NamedTuple):
    """Whatever stands where a task, trigger, condition or task runner must be."""

    slot: str
    node: Node
    yaml_path: str


class ShapeError(NamedTuple):
    """A plugin list that is not a list (``tasks: {...}``)."""

    node: Node
    yaml_path: str
    expected: str


class Flow:
    """One YAML document that is a Kestra flow (filled in by :func:`read_flow`)."""

    def __init__(self, root: MappingNode, document_index: int) -> None:
        self.root = root
        self.document_index = document_index
        self.uses: list[PluginUse] = []
        self.duplicate_keys: list[DuplicateKey] = []
        self.alias_overflow: Node | None = None
        self.defaults: list[FlowDefault] = []
        self.slot_items: list[SlotItem] = []
        self.shape_errors: list[ShapeError] = []
        self.derived: dict[str, object] = {}
        """What the rules work out of the flow once for several of them (keyed by what it is)."""

    def top(self, key: str) -> tuple[ScalarNode, Node] | None:
        """The top-level (key node, value node) of ``key``."""
        return get(self.root, key)

    @property
    def id(self) -> str | None:
        """The flow id, when it is a string."""
        found = self.top("id")
        return found[1].value if found and is_str(found[1]) else None

    @property
    def namespace(self) -> str | None:
        """The flow namespace, when it is a string."""
        found = self.top("namespace")
        return found[1].value if found and is_str(found[1]) else None

    @property
    def defaults_key(self) -> str | None:
        """``pluginDefaults`` or ``taskDefaults``, whichever the flow uses (the last written wins)."""
        found = [
            key.value
            for key, _ in self.root.value
            if isinstance(key, ScalarNode) and key.value in ("pluginDefaults", "taskDefaults")
        ]
        return found[-1] if found else None


def is_flow_document(node: Node | None) -> bool:
    """A mapping with ``id`` and ``namespace``, or with ``tasks`` and one of them."""
    if not isinstance(node, MappingNode):
        return False
    keys = {k.value for k, _ in node.value if isinstance(k, ScalarNode)}
    return ("id" in keys and "namespace" in keys) or ("tasks" in keys and bool(keys & {"id", "namespace"}))


def flows_of(
    documents: Sequence[Node], within: Callable[[Node], bool] | None = None, slots: Slots | None = None
) -> Iterator[Flow]:
    """The flows of a file's documents, in order, each read when reached (``within``: only documents it
    accepts; ``slots``: the slot table of the manifest in use, else the bundled data's). The one way every
    command goes from a document to a flow: check, fix, inventory, impact and the language server."""
    for index, document in enumerate(documents):
        if is_flow_document(document) and (within is None or within(document)):
            assert isinstance(document, MappingNode)
            yield read_flow(document, index, slots)


def path_join(base: str, key: Node) -> str:
    """``base.key``, or ``base["key"]`` for keys that are not plain identifiers."""
    if not isinstance(key, ScalarNode):
        return f"{base}[?]"
    text = key.value
    if _IDENTIFIER.fullmatch(text):
        return f"{base}.{text}" if base else text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'{base}["{escaped}"]'


KeyChain = tuple["KeyChain | None", "Node | int"]
"""How a walk reached a node: (the chain of its parent or None at the root, its key node or index there).
Walks keep this instead of a path string; :func:`chain_path` spells the path out when one is reported."""


def chain_path(chain: KeyChain | None) -> str:
    """The YAML path of the node ``chain`` leads to."""
    keys: list[Node | int] = []
    while chain is not None:
        chain, key = chain
        keys.append(key)
    path = ""
    for key in reversed(keys):
        path = f"{path}[{key}]" if isinstance(key, int) else path_join(path, key)
    return path


def read_flow(root: MappingNode, document_index: int, slots: Slots | None = None) -> Flow:
    """Walk the document once and build its Flow view (``slots``: which keys of which types hold plugins,
    else the bundled data's table)."""
    flow = Flow(root=root, document_index=document_index)
    table = slots if slots is not None else data_slots()
    seen: set[int] = set()
    aliases = 0
    # (node, yaml path, slot, inside a plugin-bearing subtree)
    stack: list[tuple[Node, str, str, bool]] = []
    for key, value in reversed(root.value):
        name = key.value if isinstance(key, ScalarNode) else None
        slot = _ROOT_SLOTS.get(name or "", "any")
        stack.append((value, path_join("", key), slot, name in PLUGIN_ROOTS))
    _check_duplicates(root, "", flow)
    while stack:
        node, path, slot, bearing = stack.pop()
        if isinstance(node, MappingNode | SequenceNode):
            if id(node) in seen:
                aliases += 1
                if aliases > MAX_COLLECTION_ALIASES and flow.alias_overflow is None:
                    flow.alias_overflow = node
                continue
            seen.add(id(node))
        if bearing and slot in PLUGIN_SLOTS:
            flow.slot_items.append(SlotItem(slot, node, path))
        elif bearing and slot in _LIST_SLOTS and not isinstance(node, SequenceNode) and not is_null(node):
            flow.shape_errors.append(ShapeError(node, path, _LIST_SLOTS[slot]))
        # a scalar in no slot has nothing to record: it is not put on the stack (nor its path spelt out)
        if isinstance(node, SequenceNode):
            item_slot = _ITEM_SLOTS.get(slot, "any")
            for index in range(len(node.value) - 1, -1, -1):
                item = node.value[index]
                if item_slot == "task" and _is_wrapper(item):
                    stack.append((item, f"{path}[{index}]", "wrapper", bearing))
                elif item_slot != "any" or not isinstance(item, ScalarNode):
                    stack.append((item, f"{path}[{index}]", item_slot, bearing))
            continue
        if not isinstance(node, MappingNode):
            continue
        _check_duplicates(node, path, flow)
        type_name = _record_use(node, path, slot, flow) if bearing else None
        is_plugin = type_name is not None
        structural = is_plugin or slot in ("wrapper", "listener")
        flowable = not is_plugin or is_flowable(type_name or "")
        described = table.get(type_name) if type_name is not None else None
        for key, value in reversed(node.value):
            name = key.value if isinstance(key, ScalarNode) else None
            if described is not None and name is not None and name in described:
                child = described[name]
            else:
                child = _child_slot(name, value, slot, flowable) if structural or slot.endswith("-map") else "any"
            if child != "any" or not isinstance(value, ScalarNode):
                holds_plugins = bearing and not (is_plugin and name in NO_PLUGINS_UNDER_A_PLUGIN)
                stack.append((value, path_join(path, key), child, holds_plugins))
    flow.defaults = _flow_defaults(flow)
    return flow


def is_flowable(type_name: str) -> bool:
    """Whether the task lists of a plugin of this type hold Kestra tasks, where the data does not say."""
    return type_name.startswith(FLOWABLE_PACKAGES)


@cache
def data_slots() -> Slots:
    """The slot table of the bundled property data (read once, on first use)."""
    return walk_table(json.loads(resources.files("flowlint.data").joinpath(SLOTS_RESOURCE).read_bytes()))


def walk_table(raw: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Type -> key -> slot as the walk reads it, from a table of flowlint.properties.slots: a key that holds
    no plugins (``-``) is the slot ``any``; a slot this walk does not know is left to the generic rule."""
    return {
        type_name: {key: "any" if slot == "-" else slot for key, slot in keys.items() if slot in DATA_SLOTS}
        for type_name, keys in raw.items()
    }


def _child_slot(name: str | None, value: Node, parent_slot: str, flowable: bool) -> str:
    if parent_slot == "case-map":
        return "task-list"
    if parent_slot == "condition-map":
        return "condition"
    if name is None:
        return "any"
    if name == "conditions":
        return "condition-list" if isinstance(value, SequenceNode) else "condition-map"
    if name == "scheduleConditions":
        return "condition-list"
    if name == "taskRunner":
        return "taskRunner"
    if name in TASK_LISTS:
        return "task-list" if flowable else "any"
    if name == "cases":
        return "case-map" if flowable else "any"
    if name == "task":
        return "task"
    return "any"


def _is_wrapper(node: Node) -> bool:
    """A Dag item (``{task: {...}, dependsOn: [...]}``) in a task list: not a task itself."""
    if not isinstance(node, MappingNode):
        return False
    keys = {key.value for key, _ in node.value if isinstance(key, ScalarNode)}
    return "task" in keys and "type" not in keys and "id" not in keys


def _record_use(node: MappingNode, path: str, slot: str, flow: Flow) -> str | None:
    """Record ``node`` as a plugin use if its ``type`` is a class name; that type when it is."""
    found = id_entry = version = None
    for key, value in node.value:  # the last of each, as ``get`` finds them, in one pass
        if isinstance(key, ScalarNode):
            if key.value == "type":
                found = value
            elif key.value == "id":
                id_entry = (key, value)
            elif key.value == "version":
                version = (key, value)
    if not is_str(found) or not PLUGIN_TYPE.fullmatch(found.value):
        return None
    type_node = found
    kind = _SLOT_KINDS.get(slot) or ("task" if id_entry is not None else "other")
    use = PluginUse(
        kind=kind,
        node=node,
        type_node=type_node,
        type_name=type_node.value,
        yaml_path=path,
        version_key=version[0] if version else None,
        version_node=version[1] if version else None,
        id_node=id_entry[1] if id_entry else None,
    )
    flow.uses.append(use)
    return use.type_name


def _check_duplicates(node: MappingNode, path: str, flow: Flow) -> None:
    if len(node.value) < 2:
        return
    first: dict[str, ScalarNode] = {}
    for key, _ in node.value:
        if not isinstance(key, ScalarNode):
            continue
        earlier = first.get(key.value)
        if earlier is None:
            first[key.value] = key
        else:
            flow.duplicate_keys.append(DuplicateKey(earlier, key, path_join(path, key)))


def _flow_defaults(flow: Flow) -> list[FlowDefault]:
    key = flow.defaults_key
    found = flow.top(key) if key else None
    if found is None or not isinstance(found[1], SequenceNode):
        return []
    defaults = []
    for index, item in enumerate(found[1].value):
        values = get(item, "values")
        version = get(values[1], "version") if values else None
        type_entry = get(item, "type")
        forced = get(item, "forced")
        defaults.append(
            FlowDefault(
                node=item,
                yaml_path=f"{key}[{index}]",
                type_node=type_entry[1] if type_entry else None,
                values_node=values[1] if values else None,
                version_node=version[1] if version else None,
                forced_node=forced[1] if forced else None,
            )
        )
    return defaults
