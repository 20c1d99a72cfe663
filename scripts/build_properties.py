"""Build flowlint's bundled property data (``flowlint/data/properties.json``) from
``../shared/data/kestra-plugin-properties.json``.

The output is read lazily: its first line is a small head, then come the records (a type, a nested class, a
Kestra class or a base set, one per line, in the input's own entry format) and, last, one index line per
group of records, so a run reads the head, the index lines of the artifacts its flows use, and only the
records of the types they use. The head holds ``base.versions`` (the Kestra versions the base sets and Kestra
classes are described at) and ``groups``: a group name -> ``[offset, length]`` of its index line in the body
(the bytes after the head line). The groups are ``kestra`` (records ``B root`` a base set, ``BD fqn`` a
nested class of the base sets, ``K fqn`` a Kestra class), ``flow`` (from ``../shared/data/kestra-flow-model.json``,
the flow model per Kestra version at the same data points: records ``F fqn`` a class of the flow model
(``defs``), ``M name`` one of its tables: ``root``, ``topLevelKeys``, ``inputTypes``, ``models``, ``enums``) and
each ``group:artifact`` (its ``versions``, the releases its ranges refer to; records ``T fqn`` a type, ``D fqn`` a
nested class); an index line maps each record key to ``[offset, length]`` of its line in the body.

Nothing is changed in the records but for the keys the lookup does not need (none today): the entry
format stays the one documented in ../shared/data/README.md, which the native manifest's ``properties``
sections share.

It also writes ``flowlint/data/plugin_slots.json``, what the flow walk (flowlint.flow) takes from the data:
for each type, which keys hold plugins (the rules are flowlint.properties.slots's).

Usage: python scripts/build_properties.py [SOURCE_JSON [OUTPUT_JSON [SLOTS_JSON [FLOW_MODEL_JSON]]]]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # flowlint from this checkout, installed or not
from flowlint.properties.slots import type_slots  # noqa: E402 (after the path it is found on)

DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "kestra-plugin-properties.json"
DEFAULT_OUTPUT = ROOT / "flowlint" / "data" / "properties.json"
DEFAULT_SLOTS = ROOT / "flowlint" / "data" / "plugin_slots.json"
DEFAULT_FLOW_MODEL = ROOT.parent / "shared" / "data" / "kestra-flow-model.json"
FLOW_MODEL_TABLES = ("root", "topLevelKeys", "inputTypes", "models", "enums")
FORMAT = "flowlint-properties"


def groups(
    data: dict[str, Any], flow_model: dict[str, Any]
) -> list[tuple[str, list[str] | None, list[tuple[str, Any]]]]:
    """The groups of records: ``kestra`` (base sets ``B root``, their nested classes ``BD fqn``, Kestra classes
    ``K fqn``), ``flow`` (the flow model's classes ``F fqn`` and tables ``M name``), then each artifact (its
    versions; types ``T fqn``, nested classes ``D fqn``)."""
    kestra: list[tuple[str, Any]] = [(f"B {root}", r) for root, r in sorted(data["base"]["sets"].items())]
    kestra += [(f"BD {fqn}", r) for fqn, r in sorted(data["base"].get("defs", {}).items())]
    kestra += [(f"K {fqn}", r) for fqn, r in sorted(data.get("kestraDefs", {}).items())]
    if flow_model["versions"] != data["base"]["versions"]:
        raise SystemExit("the flow model and the property data describe different Kestra versions")
    flow = [(f"F {fqn}", r) for fqn, r in sorted(flow_model["defs"].items())]
    flow += [(f"M {name}", flow_model[name]) for name in FLOW_MODEL_TABLES]
    found: list[tuple[str, list[str] | None, list[tuple[str, Any]]]] = [("kestra", None, kestra), ("flow", None, flow)]
    for artifact in data["artifacts"]:
        rows = [(f"T {fqn}", r) for fqn, r in sorted(artifact.get("types", {}).items())]
        rows += [(f"D {fqn}", r) for fqn, r in sorted(artifact.get("defs", {}).items())]
        found.append((f"{artifact['group']}:{artifact['artifact']}", artifact["versions"], rows))
    return found


def encode(data: dict[str, Any], flow_model: dict[str, Any]) -> bytes:
    """The bundled file for ``data`` and ``flow_model``: the head line, then one record per line, then one index
    line per group."""
    body = bytearray()
    index_lines: list[tuple[str, bytes]] = []
    for name, versions, rows in groups(data, flow_model):
        index: dict[str, Any] = {} if versions is None else {"versions": versions}
        offsets: dict[str, list[int]] = {}
        for key, record in rows:
            line = json.dumps(record, separators=(",", ":"), sort_keys=True).encode("utf-8")
            offsets[key] = [len(body), len(line)]
            body += line + b"\n"
        index["records"] = offsets
        index_lines.append((name, json.dumps(index, separators=(",", ":")).encode("utf-8")))
    where: dict[str, list[int]] = {}
    for name, line in index_lines:
        where[name] = [len(body), len(line)]
        body += line + b"\n"
    head = {"format": FORMAT, "formatVersion": 2, "base": {"versions": data["base"]["versions"]}, "groups": where}
    return json.dumps(head, separators=(",", ":")).encode("utf-8") + b"\n" + bytes(body)


def plugin_slots(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Type -> key -> slot, for the types the data describes completely (flowlint.properties.slots)."""
    kestra = data.get("kestraDefs", {})
    types = [(fqn, record) for artifact in data["artifacts"] for fqn, record in artifact.get("types", {}).items()]
    return type_slots(types, lambda name: kestra.get(name, {}).get("props", ()))


def main(argv: list[str]) -> int:
    """Write the property data built from ``argv[0]`` to ``argv[1]``."""
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    data = json.loads(source.read_text("utf-8"))
    flow_model_source = Path(argv[3]) if len(argv) > 3 else DEFAULT_FLOW_MODEL
    encoded = encode(data, json.loads(flow_model_source.read_text("utf-8")))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(encoded)
    print(f"wrote {output}: {len(encoded):,} bytes, {len(data['artifacts'])} artifacts")
    slots_output = Path(argv[2]) if len(argv) > 2 else DEFAULT_SLOTS
    table = plugin_slots(data)
    slots_output.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n", "utf-8")
    print(f"wrote {slots_output}: {len(table)} types")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
