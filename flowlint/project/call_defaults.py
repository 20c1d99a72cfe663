"""What plugin defaults add to a Subflow or ForEachItem call: Kestra deep-merges a default's ``values`` into
every task whose type the default's ``type`` prefixes, so the inputs a call passes may come from them."""

from __future__ import annotations

from ruamel.yaml.nodes import MappingNode

from flowlint.config import Settings
from flowlint.flow import Flow, PluginUse
from flowlint.nodes import get, is_null, is_str
from flowlint.resolve import namespace_chain
from flowlint.rules.validation_flowables import CORE_TYPES


def type_names(kind: str, written: str | None = None) -> frozenset[str]:
    """The type names a call of core task ``kind`` may go by (every alias, and the one ``written``)."""
    return frozenset({name for name, core in CORE_TYPES.items() if core == kind} | ({written} if written else set()))


def flow_default_inputs(flow: Flow, use: PluginUse, kind: str) -> tuple[str, ...] | None:
    """The input keys the flow's ``pluginDefaults`` pass to the call ``use``; None when one that applies sets
    ``inputs`` to something else than a mapping of literal keys (an expression, a list)."""
    names = type_names(kind, use.type_name)
    keys: list[str] = []
    for default in flow.defaults:
        prefix = default.type_name
        if not prefix or not any(name.startswith(prefix) for name in names):
            continue
        found = get(default.values_node, "inputs") if isinstance(default.values_node, MappingNode) else None
        if found is None or is_null(found[1]):
            continue
        literal = isinstance(found[1], MappingNode) and all(is_str(k) and "{" not in k.value for k, _ in found[1].value)
        if not literal:
            return None
        keys.extend(k.value for k, _ in found[1].value if k.value not in keys)
    return tuple(keys)


def configured_inputs(settings: Settings, namespace: str, kind: str) -> bool:
    """Whether a namespace or global plugin default of the config (for the namespace of the calling flow) sets
    ``inputs`` for calls of ``kind``: which ones flowlint does not record, so missing inputs are not judged."""
    names = type_names(kind)
    chain = namespace_chain(namespace)
    return any(
        "inputs" in default.keys
        and (default.scope == "global" or default.scope in chain)
        and any(name.startswith(default.type) for name in names)
        for default in settings.value_defaults
    )
