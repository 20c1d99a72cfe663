"""Every plugin use of a set of flows with the version it resolves to: a table, CSV or JSON.

One row per use (task, trigger, condition, task runner): file, line, flow id, namespace, task id, kind,
type, plugin, requested version and where it came from, resolved version and status. ``--by plugin``
groups the rows by plugin and resolved version: which flows run plugin-jdbc-postgres 0.19.0?
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from flowlint.config import Settings
from flowlint.files import Candidate
from flowlint.flow import Flow, PluginKind, flows_of
from flowlint.formats import escape_text
from flowlint.manifest.model import Manifest, in_package
from flowlint.properties.slots import manifest_slots
from flowlint.resolve import Level, Resolution, Resolver, Status
from flowlint.run import CheckOptions, prepare_files
from flowlint.source import Source, decode, parse
from flowlint.wording import plural

COLUMNS = (
    "file",
    "line",
    "column",
    "namespace",
    "flowId",
    "taskId",
    "kind",
    "type",
    "plugin",
    "requested",
    "requestedFrom",
    "resolved",
    "status",
    "yamlPath",
)


@dataclass(frozen=True)
class Use:
    """One plugin use and what it resolves to."""

    file: str
    line: int
    column: int
    namespace: str | None
    flow_id: str | None
    task_id: str | None
    kind: PluginKind
    type: str
    plugin: str | None
    """``groupId:artifactId`` of the plugin that provides the type (the resolved one when it resolves)."""
    requested: str | None
    """The requested version as Kestra reads it; None for core plugins."""
    requested_from: Level | None
    origin: str | None
    """Where the request comes from, in words."""
    resolved: str | None
    status: str
    yaml_path: str

    @property
    def flow(self) -> str:
        """``namespace/id``, as Kestra names a flow."""
        return f"{self.namespace or '?'}/{self.flow_id or '?'}"

    def as_row(self) -> dict[str, Any]:
        """The row: the COLUMNS, values as in JSON."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "namespace": self.namespace,
            "flowId": self.flow_id,
            "taskId": self.task_id,
            "kind": self.kind,
            "type": self.type,
            "plugin": self.plugin,
            "requested": self.requested,
            "requestedFrom": self.requested_from,
            "resolved": self.resolved,
            "status": self.status,
            "yamlPath": self.yaml_path,
        }


def use_of(resolution: Resolution, display: str, namespace: str | None, flow_id: str | None) -> Use:
    """The inventory row of one resolution."""
    use, origin = resolution.use, resolution.origin
    mark = use.type_node.start_mark
    entry = resolution.entry or (resolution.entries[0] if resolution.entries else None)
    if resolution.status is Status.AMBIGUOUS:
        plugin: str | None = " | ".join(e.plugin.coordinates for e, _ in resolution.matches)
    else:
        plugin = entry.plugin.coordinates if entry is not None else None
    resolved = None
    if resolution.status is Status.RESOLVED and resolution.version is not None:
        resolved = resolution.version.text
    elif resolution.status is Status.CORE:
        resolved = "core"
    return Use(
        file=escape_text(display),
        line=mark.line + 1,
        column=mark.column + 1,
        namespace=namespace,
        flow_id=flow_id,
        task_id=use.id,
        kind=use.kind,
        type=use.type_name,
        plugin=plugin,
        requested=origin.value.text if origin is not None else None,
        requested_from=origin.level if origin is not None else None,
        origin=origin.description if origin is not None else None,
        resolved=resolved,
        status=resolution.status.value,
        yaml_path=use.yaml_path,
    )


def resolutions_of(source: Source, settings: Settings, manifest: Manifest) -> list[tuple[Flow, Resolution]]:
    """Every plugin candidate of every flow of ``source`` resolved, with its flow, in document order whatever
    the manifest (so two manifests give lists of the same length; mappings that are not plugins have the
    status NOT_A_PLUGIN). Documents after a YAML error are not read."""
    flows = flows_of(source.documents, slots=manifest_slots(manifest))
    return [(flow, r) for flow in flows for r in Resolver(flow, settings, manifest).resolve_all()]


def resolutions_of_text(
    text: str, display: str, settings: Settings, manifest: Manifest
) -> list[tuple[Resolution, str | None, str | None]]:
    """:func:`resolutions_of` the text of a file, each as (resolution, namespace, flow id)."""
    return [(r, flow.namespace, flow.id) for flow, r in resolutions_of(parse(display, text), settings, manifest)]


def read_text(candidate: Candidate) -> str | None:
    """The decoded text of a candidate file, None when it cannot be read or decoded."""
    try:
        data = candidate.path.read_bytes()
    except OSError:
        return None
    text = decode(data)
    return text if isinstance(text, str) else None


def collect_uses(
    candidates: Iterable[Candidate], settings: Settings, manifest: Manifest, warnings: list[str] | None = None
) -> list[Use]:
    """The rows of every file, in file and document order."""
    rows: list[Use] = []
    for candidate in candidates:
        text = read_text(candidate)
        if text is None:
            if warnings is not None:
                warnings.append(f"{candidate.display}: cannot be read as text, skipped")
            continue
        source = parse(candidate.display, text)
        if warnings is not None and source.error is not None:
            warnings.append(f"{candidate.display}: not valid YAML, only the documents before the error are read")
        for flow, resolution in resolutions_of(source, settings, manifest):
            if resolution.status is not Status.NOT_A_PLUGIN:
                rows.append(use_of(resolution, candidate.display, flow.namespace, flow.id))
    return rows


InventoryFormat = Literal["table", "csv", "json"]


class InventoryRun(NamedTuple):
    """What ``flowlint inventory`` was asked for."""

    files: CheckOptions
    """Which files, with which config and manifest (as ``check`` takes them)."""
    output_format: InventoryFormat = "table"
    by: Literal["plugin"] | None = None
    plugin: str | None = None
    """Only uses of this plugin (``groupId:artifactId`` or a type prefix)."""


class InventoryOutcome(NamedTuple):
    """The rendered inventory, and the files it could not read fully."""

    text: str
    warnings: tuple[str, ...]


def run_inventory(run: InventoryRun) -> InventoryOutcome:
    """The inventory of the run's files, rendered."""
    setup, found = prepare_files(run.files)
    warnings: list[str] = []
    rows = collect_uses(found, setup.settings, setup.manifest, warnings)
    wanted = run.plugin
    if wanted:
        rows = [r for r in rows if (r.plugin == wanted if ":" in wanted else in_package(r.type, wanted))]
    return InventoryOutcome(render(rows, run.output_format, run.by), tuple(warnings))


@dataclass(frozen=True)
class Group:
    """The uses of one plugin at one resolved version."""

    plugin: str
    version: str
    uses: tuple[Use, ...]

    @property
    def flows(self) -> list[str]:
        """The flows (``namespace/id``) with such a use, sorted."""
        return sorted({u.flow for u in self.uses})


def group_by_plugin(rows: Sequence[Use]) -> list[Group]:
    """Rows grouped by (plugin, resolved version), sorted; unresolved uses under their status."""
    groups: dict[tuple[str, str], list[Use]] = {}
    for row in rows:
        plugin = row.plugin or ("(core)" if row.status == Status.CORE.value else f"({row.type})")
        version = row.resolved or f"({row.status})"
        groups.setdefault((plugin, version), []).append(row)
    return [Group(plugin, version, tuple(uses)) for (plugin, version), uses in sorted(groups.items(), key=_group_key)]


def _group_key(item: tuple[tuple[str, str], list[Use]]) -> tuple[str, tuple[Any, ...]]:
    from flowlint.versions import parse_version

    plugin, version = item[0]
    parsed = parse_version(version)
    return plugin, ((0, *parsed.sort_key) if parsed is not None else (1, version))


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows)
    return lines


def render(rows: Sequence[Use], fmt: str, by: str | None = None) -> str:
    """The inventory as ``table``, ``csv`` or ``json``; ``by="plugin"`` groups it."""
    if by == "plugin":
        return _render_groups(group_by_plugin(rows), fmt)
    if fmt == "json":
        return json.dumps({"version": 1, "uses": [r.as_row() for r in rows]}, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r.as_row() for r in rows)
        return out.getvalue()
    header = ("FILE:LINE", "NAMESPACE", "FLOW", "TASK", "TYPE", "REQUESTED", "FROM", "RESOLVED")
    cells = [
        (
            f"{r.file}:{r.line}",
            _cell(r.namespace),
            _cell(r.flow_id),
            _cell(r.task_id) or f"({r.kind})",
            r.type,
            _cell(r.requested),
            _cell(r.requested_from),
            r.resolved or f"({r.status})",
        )
        for r in rows
    ]
    return "\n".join([*_table(header, cells), _summary(rows)]) + "\n"


def _summary(rows: Sequence[Use]) -> str:
    flows = len({(r.file, r.flow) for r in rows})
    unresolved = sum(1 for r in rows if r.resolved is None)
    return f"{len(rows)} plugin uses in {flows} flows; {unresolved} do not resolve"


def _render_groups(groups: Sequence[Group], fmt: str) -> str:
    if fmt == "json":
        data = [
            {
                "plugin": g.plugin,
                "version": g.version,
                "uses": len(g.uses),
                "flows": g.flows,
                "locations": [
                    {k: u.as_row()[k] for k in ("file", "line", "column", "namespace", "flowId", "taskId", "type")}
                    for u in g.uses
                ],
            }
            for g in groups
        ]
        return json.dumps({"version": 1, "plugins": data}, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["plugin", "version", "uses", "flows"])
        for g in groups:
            writer.writerow([g.plugin, g.version, len(g.uses), " ".join(g.flows)])
        return out.getvalue()
    lines: list[str] = []
    for g in groups:
        flows = g.flows
        lines.append(
            f"{g.plugin} {g.version}: {len(g.uses)} {plural('use', len(g.uses))} in {len(flows)} "
            f"{plural('flow', len(flows))}"
        )
        for use in g.uses:
            task = use.task_id or f"({use.kind})"
            lines.append(f"  {use.flow}  {task}  {use.type}  {use.file}:{use.line}")
    return "\n".join(lines) + ("\n" if lines else "")
