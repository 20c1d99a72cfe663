"""What changes for a set of flows when the installed plugins change from one manifest to another.

Every plugin use is resolved against both: the uses that would stop resolving (with the finding they
would get), the uses that still resolve but whose properties would break (a key they set that the
version they move to does not have, a property they lack that it requires: the FL501 and FL502 findings
they would get and do not get today), the uses whose resolved version would move (LATEST, OLDEST,
partial versions, defaults), and the uses that would start resolving, each grouped by plugin. A CI job
guards an instance change with the exit code: 1 when something would break.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from flowlint.batch import default_jobs
from flowlint.config import Settings
from flowlint.diagnostics import Diagnostic
from flowlint.files import Candidate
from flowlint.flow import Flow
from flowlint.inventory import Use, read_text, resolutions_of, use_of
from flowlint.manifest.model import Manifest
from flowlint.project.graph import Reached, command_index, reached_rows, reached_text, through_calls
from flowlint.properties.lookup import lookup_for
from flowlint.resolve import Resolution, Status
from flowlint.rules import RULES_BY_CODE
from flowlint.rules.base import CheckContext
from flowlint.rules.properties import check_properties, subject_of
from flowlint.rules.property_walk import Subject
from flowlint.rules.version_status import STATUS_CODES, invalid_value, report_status
from flowlint.run import CheckOptions, load_manifest, prepare_files
from flowlint.source import Source, parse
from flowlint.wording import plural

_OK = (Status.RESOLVED, Status.CORE, Status.NOT_A_PLUGIN)
_DESCRIBED = (Status.RESOLVED, Status.CORE)
"""The statuses whose uses have a plugin version (or Kestra's core) to check properties against."""
PROPERTY_CODES = frozenset({"FL501", "FL502"})
"""The property findings a change of plugins can bring: a key the new version lacks, a property it requires."""


@dataclass(frozen=True)
class Change:
    """One use whose outcome differs between the two manifests."""

    before: Use
    after: Use
    code: str | None = None
    """The finding the use would get (breaks) or has now (starts resolving)."""
    message: str | None = None
    findings: tuple[Diagnostic, ...] = ()
    """The property findings the use would get and does not get now (property breaks)."""

    @property
    def plugin(self) -> str:
        """The plugin it belongs to (as known before, else after, else its type)."""
        return self.before.plugin or self.after.plugin or self.before.type


@dataclass(frozen=True)
class Impact:
    """The outcome of comparing every use against both manifests."""

    old_source: str
    new_source: str
    breaks: tuple[Change, ...]
    property_breaks: tuple[Change, ...]
    """Uses that still resolve but would get FL501 or FL502 (not counted among the moves)."""
    moves: tuple[Change, ...]
    fixes: tuple[Change, ...]
    uses: int
    flows: int
    through_calls: tuple[Reached, ...] = ()
    """The flows the changes reach through calls (callers and Flow-trigger listeners, transitively)."""

    @property
    def unchanged(self) -> int:
        """Uses with the same outcome under both manifests."""
        return self.uses - len(self.breaks) - len(self.property_breaks) - len(self.moves) - len(self.fixes)

    @property
    def breaking(self) -> bool:
        """Whether some use would stop resolving or break on its properties."""
        return bool(self.breaks or self.property_breaks)


class ImpactRun(NamedTuple):
    """What ``flowlint impact`` was asked for."""

    files: CheckOptions
    """Which files, with which config and current manifest (as ``check`` takes them)."""
    new_manifests: tuple[Path, ...]
    """The manifests of the plugins the instance would have (merged; relative to ``files.cwd``)."""


def run_impact(run: ImpactRun) -> Impact:
    """The impact on the run's files of moving from the current manifest to the new one."""
    setup, found = prepare_files(run.files)
    new = load_manifest([run.files.cwd / p for p in run.new_manifests], setup.settings)
    impact = compute(found, setup.settings, setup.manifest, new, setup.enabled)
    changes = (*impact.breaks, *impact.property_breaks, *impact.moves, *impact.fixes)
    changed = {(c.before.namespace, c.before.flow_id) for c in changes}
    keys = {(ns, fid) for ns, fid in changed if ns is not None and fid is not None}
    if not keys:
        return impact
    index = command_index(setup, found, default_jobs())
    return replace(impact, through_calls=tuple(through_calls(index, keys)))


def compute(
    candidates: Iterable[Candidate],
    settings: Settings,
    old: Manifest,
    new: Manifest,
    enabled: frozenset[str],
) -> Impact:
    """Resolve every use of the candidate files against ``old`` and ``new`` and compare."""
    breaks: list[Change] = []
    property_breaks: list[Change] = []
    moves: list[Change] = []
    fixes: list[Change] = []
    uses = 0
    flows: set[tuple[str, str | None, str | None]] = set()
    for candidate in candidates:
        text = read_text(candidate)
        if text is None:
            continue
        display = candidate.display
        source = parse(display, text)
        before = resolutions_of(source, settings, old)
        after = resolutions_of(source, settings, new)
        properties = _PropertyFindings(source, settings, (old, new), enabled, (before, after))
        for (flow, was), (new_flow, now) in zip(before, after, strict=True):
            if was.status is Status.NOT_A_PLUGIN and now.status is Status.NOT_A_PLUGIN:
                continue
            uses += 1
            flows.add((display, flow.namespace, flow.id))
            old_use = use_of(was, display, flow.namespace, flow.id)
            new_use = use_of(now, display, flow.namespace, flow.id)
            if was.status in _OK and now.status not in _OK:
                code, message = _finding(CheckContext(source, flow, settings, new, RULES_BY_CODE, enabled), now)
                breaks.append(Change(old_use, new_use, code, message))
            elif was.status not in _OK and now.status in _OK:
                code, message = _finding(CheckContext(source, flow, settings, old, RULES_BY_CODE, enabled), was)
                fixes.append(Change(old_use, new_use, code, message))
            elif found := properties.new_findings((flow, new_flow), was, now):
                property_breaks.append(Change(old_use, new_use, findings=found))
            elif was.status is Status.RESOLVED and now.status is Status.RESOLVED and _moved(old_use, new_use):
                moves.append(Change(old_use, new_use))
    return Impact(
        old.source,
        new.source,
        tuple(breaks),
        tuple(property_breaks),
        tuple(moves),
        tuple(fixes),
        uses,
        len(flows),
    )


class _PropertyFindings:
    """The FL501 and FL502 findings of one file's plugin uses under the old and the new manifest, as
    ``check`` reports them (the rule itself runs, plugin defaults merged), worked out per flow on first need."""

    def __init__(
        self,
        source: Source,
        settings: Settings,
        manifests: tuple[Manifest, Manifest],
        enabled: frozenset[str],
        resolved: tuple[Sequence[tuple[Flow, Resolution]], Sequence[tuple[Flow, Resolution]]],
    ) -> None:
        self.source = source
        self.settings = settings
        self.manifests = manifests
        self.resolved = resolved
        """Every use of the file resolved under each manifest, with its flow (as :func:`resolutions_of` gives)."""
        self.codes = enabled & PROPERTY_CODES
        self._memo: dict[tuple[int, int], dict[str, list[Diagnostic]]] = {}

    def new_findings(self, flows: tuple[Flow, Flow], was: Resolution, now: Resolution) -> tuple[Diagnostic, ...]:
        """The findings ``now`` gets under the new manifest that ``was`` does not get under the old one;
        none when the old data does not describe the use (whether its keys held there cannot be known)."""
        if not self.codes or was.status not in _DESCRIBED or now.status not in _DESCRIBED:
            return ()
        old_subject, new_subject = subject_of(was), subject_of(now)
        if old_subject is None or new_subject is None or self._same_set(old_subject, new_subject):
            return ()
        old = self.manifests[0]
        old_set = lookup_for(old, self.settings.target).of_type(
            old_subject.plugin, old_subject.version, old_subject.type_name
        )
        if old_set is None:
            return ()
        path = was.use.yaml_path
        held = {_about(d) for d in self._by_use(0, flows[0]).get(path, ())}
        found = [
            d
            for d in self._by_use(1, flows[1]).get(path, ())
            if _about(d) not in held and not (d.code == "FL501" and old_set.partial)
        ]
        return tuple(sorted(found, key=lambda d: d.sort_key))

    def _same_set(self, old: Subject, new: Subject) -> bool:
        """Whether both subjects are the same class of the same plugin version in the same property data."""

        def key(subject: Subject) -> tuple[str, str | None, str]:
            return subject.plugin.coordinates, subject.version.text if subject.version else None, subject.type_name

        stores = (m.property_store for m in self.manifests)
        return key(old) == key(new) and next(stores) is next(stores)

    def _by_use(self, side: int, flow: Flow) -> dict[str, list[Diagnostic]]:
        """The findings of ``flow`` under manifest ``side`` (0: old, 1: new) by the YAML path of their use."""
        memo = (side, id(flow))
        if memo not in self._memo:
            resolved = [r for f, r in self.resolved[side] if f is flow]
            manifest = self.manifests[side]
            ctx = CheckContext(self.source, flow, self.settings, manifest, RULES_BY_CODE, self.codes, resolved)
            check_properties(ctx)
            paths = [r.use.yaml_path for r in ctx.resolutions if r.status in _DESCRIBED]
            found: dict[str, list[Diagnostic]] = {}
            for finding in ctx.diagnostics:
                found.setdefault(_owner(finding.yaml_path, paths), []).append(finding)
            self._memo[memo] = found
        return self._memo[memo]


def _owner(path: str, uses: Sequence[str]) -> str:
    """The YAML path of the use a finding at ``path`` belongs to: the deepest use it lies in."""
    inside = [u for u in uses if path == u or path.startswith((f"{u}.", f"{u}["))]
    return max(inside, key=len, default=path)


_QUOTED = re.compile(r"'([^']*)'")


def _about(finding: Diagnostic) -> tuple[str, str, str]:
    """What a property finding is about whatever version its message names: its code, where, and the
    property it quotes."""
    quoted = _QUOTED.search(finding.message)
    return finding.code, finding.yaml_path, quoted.group(1) if quoted else finding.message


def _moved(before: Use, after: Use) -> bool:
    return (before.plugin, (before.resolved or "").lower()) != (after.plugin, (after.resolved or "").lower())


def _finding(ctx: CheckContext, resolution: Resolution) -> tuple[str, str]:
    """The finding a failing use gets, as check words it (the rules' own status report, not a re-lint); a
    description of its status when that finding is not reported (its rule is off)."""
    found = invalid_value(resolution)
    if found is not None and found[0] == "FL104" and "FL104" in ctx.enabled:
        return found  # check reports it at the version the plugin wrote
    report_status(ctx, resolution)
    if ctx.diagnostics:
        return ctx.diagnostics[0].code, ctx.diagnostics[0].message
    code = STATUS_CODES.get(resolution.status, "FL1")
    return code, f"{resolution.use.type_name} would not resolve ({resolution.status.value})"


def _by_plugin(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.plugin, []).append(change)
    return sorted(groups.items())


def _where(use: Use) -> str:
    task = f"{use.kind} '{use.task_id}'" if use.task_id else use.kind
    return f"{use.file}:{use.line}:{use.column}  {use.flow}  {task}"


def _how(use: Use) -> str:
    return f"requested {use.requested}: {use.origin}" if use.origin else f"requested {use.requested}"


def render_text(impact: Impact) -> str:
    """The impact in words, grouped by plugin."""
    lines = [f"impact of moving the installed plugins from {impact.old_source} to {impact.new_source}"]
    sections = (
        ("breaks", "would stop resolving", impact.breaks),
        ("properties", "would break on their properties", impact.property_breaks),
        ("moves", "would change version", impact.moves),
        ("fixes", "would start resolving", impact.fixes),
    )
    for kind, title, changes in sections:
        if not changes:
            continue
        lines.append("")
        lines.append(f"{title}: {len(changes)} {plural('use', len(changes))}")
        for plugin, group in _by_plugin(changes):
            lines.append(f"  {plugin}")
            for change in group:
                before, after = change.before, change.after
                if kind in ("moves", "properties"):
                    detail = f"{before.resolved} -> {after.resolved}  ({_how(after)})"
                elif kind == "breaks":
                    detail = f"{before.resolved} -> {change.code} {change.message}"
                else:
                    detail = f"{change.code} -> {after.resolved}"
                lines.append(f"    {_where(before)}  {before.type}: {detail}")
                lines.extend(
                    f"      {before.file}:{f.span.line}:{f.span.column}  {f.code} {f.message}" for f in change.findings
                )
    lines.extend(reached_text(impact.through_calls))
    lines.append("")
    lines.append(
        f"{impact.uses} plugin {plural('use', impact.uses)} in {impact.flows} {plural('flow', impact.flows)}: "
        f"{len(impact.breaks)} would stop resolving, {len(impact.property_breaks)} would break on their "
        f"properties, {len(impact.moves)} would change version, {len(impact.fixes)} would start resolving, "
        f"{impact.unchanged} unchanged"
    )
    return "\n".join(lines) + "\n"


def _row(change: Change) -> dict[str, Any]:
    row = {k: v for k, v in change.before.as_row().items() if k not in ("resolved", "status")}
    row.update(
        {
            "from": change.before.resolved,
            "to": change.after.resolved,
            "statusBefore": change.before.status,
            "statusAfter": change.after.status,
            "requestedFromAfter": change.after.requested_from,
        }
    )
    if change.code is not None:
        row["finding"] = {"code": change.code, "message": change.message}
    if change.findings:
        row["findings"] = [_finding_row(f) for f in change.findings]
    return row


def _finding_row(finding: Diagnostic) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "line": finding.span.line,
        "column": finding.span.column,
        "yamlPath": finding.yaml_path,
        "help": finding.help,
    }


def render_json(impact: Impact) -> str:
    """The impact as JSON: each kind of change as a list of plugins with their uses."""

    def groups(changes: Sequence[Change]) -> list[dict[str, Any]]:
        return [{"plugin": plugin, "uses": [_row(c) for c in group]} for plugin, group in _by_plugin(changes)]

    data = {
        "version": 1,
        "from": impact.old_source,
        "to": impact.new_source,
        "breaks": groups(impact.breaks),
        "propertyBreaks": groups(impact.property_breaks),
        "moves": groups(impact.moves),
        "fixes": groups(impact.fixes),
        "throughCalls": reached_rows(impact.through_calls),
        "summary": {
            "uses": impact.uses,
            "flows": impact.flows,
            "breaks": len(impact.breaks),
            "propertyBreaks": len(impact.property_breaks),
            "moves": len(impact.moves),
            "fixes": len(impact.fixes),
            "unchanged": impact.unchanged,
        },
    }
    return json.dumps(data, indent=2) + "\n"
