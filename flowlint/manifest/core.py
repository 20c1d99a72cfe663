"""Kestra's core types for manifests that do not describe them.

Core types (``io.kestra.plugin.core.*`` and the old ``io.kestra.core.*`` aliases) ship with Kestra, not
in its plugins folder: a manifest built from that folder, and most written by hand, has no entry marked
``core``. Without one, no core type could be checked (``io.kestra.plugin.core.log.Lgo`` would pass), so
such a manifest takes the bundled catalog's core artifacts at the version that fits the target Kestra
version, and says so in its summary.
"""

from __future__ import annotations

import dataclasses

from flowlint.manifest.model import Manifest, Plugin, PluginVersion
from flowlint.versions import Version


def _fits(version: Version, target: Version) -> bool:
    """Whether ``version`` is not newer than ``target`` (a partial target covers its whole line)."""
    if (version.major, version.minor) != (target.major, target.minor):
        return (version.major, version.minor) < (target.major, target.minor)
    return target.parts < 3 or version.patch <= target.patch


def core_version(plugin: Plugin, target: Version) -> PluginVersion:
    """The version of a bundled core artifact that Kestra ``target`` carries: the newest not newer than
    it (the catalog's newest version also lists the core types seen after its source snapshot)."""
    ordered = sorted(plugin.versions, key=lambda v: v.version.sort_key)
    fitting = [v for v in ordered if _fits(v.version, target)]
    return fitting[-1] if fitting else ordered[0]


def with_core(manifest: Manifest, target: Version, catalog: Manifest | None = None) -> Manifest:
    """``manifest`` itself when it describes Kestra's core; else ``manifest`` with the core artifacts of
    ``catalog`` (default: the bundled one) at the version that fits ``target``."""
    if manifest.has_core:
        return manifest
    if catalog is None:
        from flowlint.manifest.catalog import load_catalog

        catalog = load_catalog()
    borrowed = [p._replace(versions=(core_version(p, target),)) for p in catalog.core_plugins() if p.versions]
    if not borrowed:
        return manifest
    core = borrowed[0]
    note = f"core types of Kestra {target.text} from the bundled catalog, {core.coordinates} {core.versions[0].text}"
    return dataclasses.replace(
        manifest, plugins=(*manifest.plugins, *borrowed), core_note=note, borrowed_plugins=len(borrowed)
    )
