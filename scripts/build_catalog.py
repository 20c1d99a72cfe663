"""Convert ``kestra-plugins.json`` (the shared catalog of Kestra's official plugins) to a manifest.

Each released version of each artifact lists the types it contains, from each type's ``since`` and
``until`` (the first and last release that has it); aliases are attached to the versions that contain
their canonical type. Artifacts of the kestra-io/kestra repository (core, script, storage-local) are
bundled with Kestra: they are marked ``core``. Artifacts with no released version are left out.

Types whose ``since`` is not a release (unreleased, test fixtures) are in no version.

Usage: python scripts/build_catalog.py [SOURCE_JSON] [OUTPUT_JSON]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from flowlint.versions import parse_version

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "data" / "kestra-plugins.json"
BUNDLED_WITH_KESTRA = {("io.kestra", "core"), ("io.kestra", "script"), ("io.kestra", "storage-local")}
KIND_KEYS = {"task": "tasks", "trigger": "triggers", "condition": "conditions", "taskRunner": "taskRunners"}


def _key(text: str) -> tuple[int, ...]:
    parsed = parse_version(text)
    assert parsed is not None, text
    return parsed.sort_key


def convert(data: dict[str, Any], source: str) -> dict[str, Any]:
    """The native manifest for the catalog ``data``."""
    plugins = []
    for artifact in data["plugins"]:
        released = [v for v in artifact["versions"] if parse_version(v) is not None]
        if not released:
            continue
        versions = []
        for text in released:
            key = _key(text)
            lists: dict[str, list[str]] = {}
            present = set()
            for type_name, info in sorted(artifact["types"].items()):
                since, until = info.get("since"), info.get("until")
                if since is not None and parse_version(since) is None:
                    continue  # "unreleased (present at HEAD only)", "n/a (test fixture)"
                if since is not None and key < _key(since):
                    continue
                if until is not None and key > _key(until):
                    continue
                lists.setdefault(KIND_KEYS.get(info.get("kind", "other"), "others"), []).append(type_name)
                present.add(type_name)
            aliases = {a: c for a, c in sorted(artifact.get("aliases", {}).items()) if c in present}
            entry: dict[str, Any] = {"version": text, **lists}
            if aliases:
                entry["aliases"] = aliases
            versions.append(entry)
        plugins.append(
            {
                "groupId": artifact["group"],
                "artifactId": artifact["artifact"],
                "core": (artifact["group"], artifact["artifact"]) in BUNDLED_WITH_KESTRA,
                "versions": versions,
            }
        )
    return {"manifestVersion": 1, "source": source, "plugins": plugins}


def main(argv: list[str]) -> int:
    """Write the manifest built from ``argv[0]`` (default: shared data) to ``argv[1]`` (default: stdout)."""
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    data = json.loads(source.read_text("utf-8"))
    manifest = convert(data, "catalog of official plugins (kestra-plugins.json)")
    text = json.dumps(manifest, separators=(",", ":"))
    if len(argv) > 1:
        Path(argv[1]).write_text(text, "utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
