"""Build flowlint's bundled property data (``flowlint/data/properties.json``) from
``../shared/data/kestra-plugin-properties.json``.

The output is read lazily: its first line is an index, every later line one record (a type, a nested
class, a Kestra class or a base set) in the input's own entry format, so a run decodes only the records of
the types its flows use. The index holds:

- ``base``: the Kestra versions the base sets and Kestra classes are described at (``base.versions``);
- ``artifacts``: ``group:artifact`` -> the releases the artifact's ranges refer to (its ``versions``);
- ``records``: a key -> ``[offset, length]`` of its line in the body (the bytes after the index line):
  ``T group:artifact fqn`` a type, ``D group:artifact fqn`` a nested class of an artifact, ``K fqn`` a
  Kestra class (``kestraDefs``), ``B root`` a base set, ``BD fqn`` a nested class of the base sets.

Nothing is changed in the records but for the keys the lookup does not need (none today): the entry
format stays the one documented in ../shared/data/README.md, which the native manifest's ``properties``
sections share.

It also writes ``flowlint/data/plugin_slots.json``, what the flow walk (flowlint.flow) takes from the data:
for each type, which keys hold plugins (the rules are flowlint.properties.slots's).

Usage: python scripts/build_properties.py [SOURCE_JSON [OUTPUT_JSON [SLOTS_JSON]]]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from flowlint.properties.slots import type_slots

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "kestra-plugin-properties.json"
DEFAULT_OUTPUT = ROOT / "flowlint" / "data" / "properties.json"
DEFAULT_SLOTS = ROOT / "flowlint" / "data" / "plugin_slots.json"
FORMAT = "flowlint-properties"


def records(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The index head (without offsets) and the ``(key, record)`` pairs of ``data``."""
    head: dict[str, Any] = {
        "format": FORMAT,
        "formatVersion": 1,
        "base": {"versions": data["base"]["versions"]},
        "artifacts": {},
    }
    rows: list[tuple[str, Any]] = []
    for root, record in sorted(data["base"]["sets"].items()):
        rows.append((f"B {root}", record))
    for fqn, record in sorted(data["base"].get("defs", {}).items()):
        rows.append((f"BD {fqn}", record))
    for fqn, record in sorted(data.get("kestraDefs", {}).items()):
        rows.append((f"K {fqn}", record))
    for artifact in data["artifacts"]:
        coordinates = f"{artifact['group']}:{artifact['artifact']}"
        head["artifacts"][coordinates] = artifact["versions"]
        for fqn, record in sorted(artifact.get("types", {}).items()):
            rows.append((f"T {coordinates} {fqn}", record))
        for fqn, record in sorted(artifact.get("defs", {}).items()):
            rows.append((f"D {coordinates} {fqn}", record))
    return head, rows


def encode(data: dict[str, Any]) -> bytes:
    """The bundled file for ``data``: the index line, then one record per line."""
    head, rows = records(data)
    body = bytearray()
    index: dict[str, list[int]] = {}
    for key, record in rows:
        line = json.dumps(record, separators=(",", ":"), sort_keys=True).encode("utf-8")
        index[key] = [len(body), len(line)]
        body += line + b"\n"
    head["records"] = index
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
    encoded = encode(data)
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
