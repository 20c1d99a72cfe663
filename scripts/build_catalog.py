"""Build flowlint's bundled catalog of Kestra's official plugins from ``kestra-plugins.json``.

The input (``../shared/data/kestra-plugins.json``) lists, per artifact, its released versions and its
types with ``since``/``until`` (the first and last release that has each type) and aliases; files in the
same format add to it (``kestra-plugins-extra.json``: types the first one lacks, and artifacts). The output
(``flowlint/data/catalog.json``) is flowlint's compact catalog: per plugin, its versions oldest first and
each type once, as ``[type, kind, first index, last index]`` into that list; aliases apply wherever
their canonical type does. "Installed" means "released" with the catalog.

- An extra file's types and aliases join those of the same artifact (whose versions stay the first
  file's: the extra ``core`` lists the 1.3.25 source copy, not a release); its other artifacts are added
  after the first file's. A type both list keeps the first file's range.
- Artifacts of the kestra-io/kestra repository (core, script, storage-local) ship with Kestra: ``core``.
- Types whose ``since`` is not a release ("unreleased", "n/a (test fixture)") are left out.
- The core types seen after the data's kestra-io/kestra snapshot (``typesSeenAfterSnapshot``) are
  added to the newest core version: core types are never versioned, only their existence matters. So
  are core types whose ``since`` is after that version (the extra's "present in 1.3.25").
- Artifacts with no released version are left out.
- A type declared as its own alias (plugin-serdes declares ``InferAvroSchemaFromIon`` so) is no alias:
  such entries are left out.

Usage: python scripts/build_catalog.py [SOURCE_JSON [OUTPUT_JSON [AS_OF_DATE [EXTRA_JSON...]]]]
Without arguments: ``kestra-plugins.json`` with ``kestra-plugins-extra.json``; with a SOURCE_JSON, only
the EXTRA_JSON files named are merged.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any

from flowlint.versions import parse_version

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "kestra-plugins.json"
DEFAULT_EXTRA = ROOT.parent / "shared" / "data" / "kestra-plugins-extra.json"
DEFAULT_OUTPUT = ROOT / "flowlint" / "data" / "catalog.json"
BUNDLED_WITH_KESTRA = {("io.kestra", "core"), ("io.kestra", "script"), ("io.kestra", "storage-local")}
KINDS = {"task", "trigger", "condition", "taskRunner"}


def _key(text: str) -> tuple[int, ...]:
    parsed = parse_version(text)
    assert parsed is not None, text
    return parsed.sort_key


def merged(data: dict[str, Any], extras: list[dict[str, Any]]) -> dict[str, Any]:
    """``data`` with the types, aliases and artifacts of each of ``extras`` added (``data`` is left as is)."""
    plugins = [dict(artifact) for artifact in data["plugins"]]
    by_key = {(a["group"], a["artifact"]): a for a in plugins}
    for extra in extras:
        for artifact in extra["plugins"]:
            known = by_key.get((artifact["group"], artifact["artifact"]))
            if known is None:
                known = by_key[(artifact["group"], artifact["artifact"])] = dict(artifact)
                plugins.append(known)
                continue
            known["types"] = {**artifact.get("types", {}), **known["types"]}
            known["aliases"] = {**artifact.get("aliases", {}), **known.get("aliases", {})}
    return {**data, "plugins": plugins}


def compact(data: dict[str, Any], as_of: str) -> dict[str, Any]:
    """The compact catalog for ``data``."""
    plugins = []
    for artifact in data["plugins"]:
        released = sorted((v for v in artifact["versions"] if parse_version(v) is not None), key=_key)
        if not released:
            continue
        keys = [_key(v) for v in released]
        core = (artifact["group"], artifact["artifact"]) in BUNDLED_WITH_KESTRA
        types = []
        for type_name, info in sorted(artifact["types"].items()):
            since, until = info.get("since"), info.get("until")
            if since is None or parse_version(since) is None:
                continue
            first = next((i for i, k in enumerate(keys) if k >= _key(since)), len(keys) - 1 if core else None)
            last = max((i for i, k in enumerate(keys) if until is None or k <= _key(until)), default=None)
            if first is None or last is None or first > last:
                continue
            kind = info.get("kind", "other")
            types.append([type_name, kind if kind in KINDS else "other", first, last])
        known = {t[0] for t in types}
        for type_name, info in sorted(artifact.get("typesSeenAfterSnapshot", {}).items()):
            if type_name not in known:
                kind = info.get("kind", "other")
                types.append([type_name, kind if kind in KINDS else "other", len(released) - 1, len(released) - 1])
        aliases = [[a, c] for a, c in sorted(artifact.get("aliases", {}).items()) if a != c]
        plugins.append(
            {
                "g": artifact["group"],
                "a": artifact["artifact"],
                "c": core,
                "v": released,
                "t": types,
                "al": aliases,
            }
        )
    return {"format": "flowlint-catalog", "formatVersion": 1, "asOf": as_of, "plugins": plugins}


def main(argv: list[str]) -> int:
    """Write the catalog built from ``argv[0]`` merged with ``argv[3:]`` to ``argv[1]``, dated ``argv[2]``
    (default: today)."""
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    as_of = argv[2] if len(argv) > 2 else datetime.date.today().isoformat()
    extras = [Path(a) for a in argv[3:]] if argv else [DEFAULT_EXTRA]
    data = merged(json.loads(source.read_text("utf-8")), [json.loads(e.read_text("utf-8")) for e in extras])
    catalog = compact(data, as_of)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(catalog, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {output}: {len(catalog['plugins'])} artifacts, as of {as_of}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
