"""Installed plugins: the model, its type index and its loaders."""

from flowlint.manifest.loader import load_manifests, manifest_from_data
from flowlint.manifest.model import Manifest, Plugin, PluginVersion, TypeEntry

__all__ = ["Manifest", "Plugin", "PluginVersion", "TypeEntry", "load_manifests", "manifest_from_data"]
