"""``manifest import``: saved answers of Kestra's plugin endpoints, any mix, in any order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flowlint.datafile import parse_json, read_bytes
from flowlint.errors import UsageError
from flowlint.manifest.api.answers import Collector, UnknownShape
from flowlint.manifest.api.convert import build_manifest, generated_at_now
from flowlint.manifest.writer import BuildResult

_DETAILS_HINT = (
    "save each version's details (GET /api/v1/instance/versioned-plugins/{groupId}/{artifactId}/{version}) "
    "and import them too, or use `flowlint manifest pull`"
)


def import_responses(files: Sequence[Path], source: str | None) -> BuildResult:
    """Merge saved answers of Kestra's plugin endpoints (any mix, any order) into one manifest."""
    collector = Collector()
    for path in files:
        data = _read_json(path)
        try:
            collector.add(data, str(path))
        except UnknownShape:
            raise UsageError(
                f"{path}: not a saved Kestra API answer flowlint knows (GET /api/v1/plugins, "
                "/api/v1/plugins/{type}/versions, /api/v1/instance/versioned-plugins or one version's details, "
                "/api/v1/configs)"
            ) from None
    generated_at = generated_at_now()
    if source is None:
        names = [str(p) for p in files]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        source = f"imported from {shown} on {generated_at[:10]}"
    return build_manifest(collector, source, generated_at, _DETAILS_HINT)


def _read_json(path: Path) -> Any:
    return parse_json(read_bytes(path, ""), path, "")
