"""Where property records come from: the bundled data (``flowlint/data/properties.json``), read lazily,
and the ``properties`` sections of a native manifest.

Both answer the same questions: the record of a type in an artifact, of a nested class of an artifact,
of a Kestra class (``kestraDefs``), of a base set (task, trigger, condition, taskRunner) and of a nested
class of the base sets, and the versions an artifact's ranges and Kestra's data points refer to. The flow
model (../shared/data/kestra-flow-model.json: the Flow and the objects it nests, at the same Kestra data
points) is always the bundled one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache, cached_property
from importlib import resources
from typing import TYPE_CHECKING, Any

from flowlint.errors import UsageError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

PROPERTIES_RESOURCE = "properties.json"
FORMAT = "flowlint-properties"

Record = Mapping[str, Any]


class Store:
    """Property records by kind and name (an empty store knows nothing)."""

    def artifact_versions(self, artifact: str) -> Sequence[str] | None:
        """The versions ``artifact``'s ranges refer to (None: the store has no such artifact)."""
        return None

    def type_record(self, artifact: str, type_name: str) -> Record | None:
        """The record of ``type_name`` in ``artifact``."""
        return None

    def def_record(self, artifact: str, class_name: str) -> Record | None:
        """The record of a nested class of ``artifact``."""
        return None

    @property
    def kestra_versions(self) -> Sequence[str]:
        """The Kestra versions base sets and Kestra classes are described at."""
        return ()

    def kestra_record(self, class_name: str) -> Record | None:
        """The record of a Kestra class (``kestraDefs``)."""
        return None

    def base_record(self, root: str) -> Record | None:
        """The base set of a plugin kind (``task``, ``trigger``, ``condition``, ``taskRunner``)."""
        return None

    def base_def_record(self, class_name: str) -> Record | None:
        """The record of a nested class of the base sets."""
        return None

    def flow_record(self, class_name: str) -> Record | None:
        """The record of a class of the flow model (its ``defs``: Flow, Input and its subtypes, Output, ...)."""
        return None

    def flow_table(self, name: str) -> Any:
        """A table of the flow model: ``root``, ``topLevelKeys``, ``inputTypes``, ``models`` or ``enums``."""
        return None


class BundledStore(Store):
    """The bundled data: its head is read on first use, an index line or a record when first asked for."""

    def __init__(self, source: Traversable) -> None:
        self._source = source
        """The file (scripts/build_properties.py): its head is read on first use, an artifact's index line and
        each record when first asked for (a run reads a few of the 2.9 MB)."""
        self._decoded: dict[str, Record | None] = {}
        self._groups: dict[str, Mapping[str, Any] | None] = {}

    @cached_property
    def _head(self) -> tuple[Mapping[str, Any], int]:
        with self._source.open("rb") as file:
            line = file.readline()
        head = json.loads(line)
        if head.get("format") != FORMAT or head.get("formatVersion") != 2:
            raise UsageError("the bundled property data is not in a format this flowlint reads")
        return head, len(line)

    def _line(self, where: Sequence[int]) -> Any:
        """The JSON of the body line at ``where`` (``[offset, length]``)."""
        with self._source.open("rb") as file:
            file.seek(self._head[1] + where[0])
            return json.loads(file.read(where[1]))

    def _group(self, name: str) -> Mapping[str, Any] | None:
        """The index line of a group (``kestra``, or an artifact's coordinates), read when first asked for."""
        if name not in self._groups:
            where = self._head[0]["groups"].get(name)
            self._groups[name] = self._line(where) if where is not None else None
        return self._groups[name]

    def _record(self, group: str, key: str) -> Record | None:
        cache_key = f"{group} {key}"
        if cache_key in self._decoded:
            return self._decoded[cache_key]
        index = self._group(group)
        where = index["records"].get(key) if index is not None else None
        record: Record | None = self._line(where) if where is not None else None
        self._decoded[cache_key] = record
        return record

    def artifact_versions(self, artifact: str) -> Sequence[str] | None:
        """The releases the data describes ``artifact`` at."""
        index = self._group(artifact)
        return index["versions"] if index is not None else None

    def type_record(self, artifact: str, type_name: str) -> Record | None:
        """The bundled record of ``type_name`` in ``artifact``."""
        return self._record(artifact, f"T {type_name}")

    def def_record(self, artifact: str, class_name: str) -> Record | None:
        """The bundled record of a nested class of ``artifact``."""
        return self._record(artifact, f"D {class_name}")

    @property
    def kestra_versions(self) -> Sequence[str]:
        """The Kestra versions of the bundled base sets."""
        versions: Sequence[str] = self._head[0]["base"]["versions"]
        return versions

    def kestra_record(self, class_name: str) -> Record | None:
        """The bundled record of a Kestra class."""
        return self._record("kestra", f"K {class_name}")

    def base_record(self, root: str) -> Record | None:
        """The bundled base set of ``root``."""
        return self._record("kestra", f"B {root}")

    def base_def_record(self, class_name: str) -> Record | None:
        """The bundled record of a nested class of the base sets."""
        return self._record("kestra", f"BD {class_name}")

    def flow_record(self, class_name: str) -> Record | None:
        """The bundled record of a class of the flow model."""
        return self._record("flow", f"F {class_name}")

    def flow_table(self, name: str) -> Any:
        """A bundled table of the flow model."""
        return self._record("flow", f"M {name}")


class ManifestStore(Store):
    """The ``properties`` sections of a native manifest (per plugin, and ``kestra`` for Kestra's own
    classes); what they do not hold is asked of ``fallback`` (the bundled data)."""

    def __init__(
        self,
        plugins: Mapping[str, tuple[Sequence[str], Mapping[str, Any]]],
        kestra: Mapping[str, Any] | None,
        fallback: Store,
    ) -> None:
        self._plugins = plugins
        """``group:artifact`` -> (its versions in the manifest, its ``properties`` section)."""
        self._kestra = kestra
        self._fallback = fallback

    def artifact_versions(self, artifact: str) -> Sequence[str] | None:
        """The manifest's versions of ``artifact`` when it describes its properties."""
        found = self._plugins.get(artifact)
        return found[0] if found is not None else self._fallback.artifact_versions(artifact)

    def type_record(self, artifact: str, type_name: str) -> Record | None:
        """The manifest's record of ``type_name`` (an artifact it describes is not asked of the fallback)."""
        found = self._plugins.get(artifact)
        if found is None:
            return self._fallback.type_record(artifact, type_name)
        record: Record | None = found[1].get("types", {}).get(type_name)
        return record

    def def_record(self, artifact: str, class_name: str) -> Record | None:
        """The manifest's record of a nested class of ``artifact``."""
        found = self._plugins.get(artifact)
        if found is None:
            return self._fallback.def_record(artifact, class_name)
        record: Record | None = found[1].get("defs", {}).get(class_name)
        return record

    @property
    def kestra_versions(self) -> Sequence[str]:
        """The manifest's Kestra data points, else the bundled ones."""
        if self._kestra is not None:
            versions: Sequence[str] = self._kestra.get("versions", ())
            return versions
        return self._fallback.kestra_versions

    def kestra_record(self, class_name: str) -> Record | None:
        """The manifest's record of a Kestra class, else the bundled one."""
        if self._kestra is not None:
            record: Record | None = self._kestra.get("kestraDefs", {}).get(class_name)
            return record
        return self._fallback.kestra_record(class_name)

    def base_record(self, root: str) -> Record | None:
        """The manifest's base set of ``root``, else the bundled one."""
        if self._kestra is not None:
            record: Record | None = self._kestra.get("sets", {}).get(root)
            return record
        return self._fallback.base_record(root)

    def base_def_record(self, class_name: str) -> Record | None:
        """The manifest's nested class of the base sets, else the bundled one."""
        if self._kestra is not None:
            record: Record | None = self._kestra.get("defs", {}).get(class_name)
            return record
        return self._fallback.base_def_record(class_name)

    def flow_record(self, class_name: str) -> Record | None:
        """The bundled record of a class of the flow model (a manifest does not describe it)."""
        return self._fallback.flow_record(class_name)

    def flow_table(self, name: str) -> Any:
        """A bundled table of the flow model."""
        return self._fallback.flow_table(name)


@cache
def bundled_store() -> BundledStore:
    """The bundled property data (read once per process, on first use)."""
    return BundledStore(resources.files("flowlint.data").joinpath(PROPERTIES_RESOURCE))
