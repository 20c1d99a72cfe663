"""Which installed plugin version each plugin use runs with, and why (SEMANTICS §4).

The first source that applies decides the requested version: a forced namespace or global default,
the plugin's own ``version``, the flow's ``pluginDefaults``, namespace defaults (the flow's namespace,
then each parent), global defaults, and last the instance's ``defaultVersion``. The request is then
matched against the installed versions of the plugin that contain the type.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum
from fnmatch import fnmatchcase
from typing import Literal, NamedTuple

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.config import ConfiguredDefault, Settings
from flowlint.flow import Flow, FlowDefault, PluginUse
from flowlint.manifest.core import core_version
from flowlint.manifest.model import CORE_PREFIXES, Manifest, PluginVersion, TypeEntry
from flowlint.nodes import BOOL_TAG, FLOAT_TAG, INT_TAG, NULL_TAG, STR_TAG, kestra_text, tag_of
from flowlint.versions import (
    LEGACY,
    MODERN,
    Keyword,
    MatchRules,
    Request,
    Version,
    legacy_property_valid,
    match,
    parse_request,
)


class Status(Enum):
    """The outcome of resolving one plugin use."""

    CORE = "core"
    RESOLVED = "resolved"
    UNKNOWN_TYPE = "unknown-type"
    AMBIGUOUS = "ambiguous"
    INVALID = "invalid"
    NOT_INSTALLED = "not-installed"
    NOT_IN_VERSION = "not-in-version"
    NO_VERSION = "no-version"
    NOT_A_PLUGIN = "not-a-plugin"


class VersionValue(NamedTuple):
    """A ``version`` node read the way Kestra reads it."""

    written: str
    """The scalar as written ('' for a collection)."""
    text: str | None
    """What Kestra asks for; None when the value is unusable."""
    problem: str | None = None
    """Why the value is not a usable version."""
    numeric: bool = False
    """A plain scalar YAML reads as a number (``0.20`` -> ``0.2``)."""
    request: Request | None = None


Level = Literal["plugin", "flow", "namespace", "global", "instance"]
"""Where a requested version comes from: the plugin's own ``version``, the flow's ``pluginDefaults``,
namespace or global defaults, or the instance's ``defaultVersion``."""


class Origin(NamedTuple):
    """Where a requested version came from."""

    level: Level
    value: VersionValue
    description: str
    node: Node | None = None
    """The flow node that holds the version (the plugin's or a flow default's)."""
    flow_default: FlowDefault | None = None
    configured: ConfiguredDefault | None = None


class Resolution(NamedTuple):
    """The outcome for one use: status, where the version came from, what it selected."""

    use: PluginUse
    status: Status
    entries: tuple[TypeEntry, ...] = ()
    origin: Origin | None = None
    entry: TypeEntry | None = None
    version: PluginVersion | None = None
    """The selected version (RESOLVED), or the version that lacks the type (NOT_IN_VERSION)."""
    matches: tuple[tuple[TypeEntry, PluginVersion], ...] = ()
    """Every plugin that resolved the request (AMBIGUOUS)."""

    @property
    def request_text(self) -> str:
        """The requested version as Kestra reads it."""
        return self.origin.value.text or "" if self.origin else ""


def read_version(node: Node, settings: Settings) -> VersionValue:
    """Read a ``version`` value: a string, or a number as Kestra renders it; never a collection."""
    if isinstance(node, MappingNode | SequenceNode):
        kind = "a mapping" if isinstance(node, MappingNode) else "a list"
        return VersionValue("", None, f"a version must be a string, not {kind}")
    assert isinstance(node, ScalarNode)
    written = node.value
    tag = tag_of(node)
    if tag in (BOOL_TAG, NULL_TAG):
        kind = "a boolean" if tag == BOOL_TAG else "null"
        return VersionValue(written, None, f"a version must be a string, not {kind}")
    numeric = tag in (INT_TAG, FLOAT_TAG) and node.style in ("", None)
    text = kestra_text(node) if numeric else written
    if tag not in (STR_TAG, INT_TAG, FLOAT_TAG):
        return VersionValue(written, None, f"a version must be a string, not a value tagged {tag}")
    return check_version_text(VersionValue(written, text, numeric=numeric), settings)


def _shown(text: str) -> str:
    """``text`` quoted for a message; a long one cut in the middle, with its length."""
    if len(text) <= 60:
        return repr(text)
    return f"{text[:24]!r}…{text[-12:]!r} ({len(text):,} characters)"


def check_version_text(value: VersionValue, settings: Settings) -> VersionValue:
    """Attach the parsed request, or the reason the text is not one."""
    text = value.text or ""
    problem: str | None = None
    request: Request | None = None
    if "{{" in text or "{%" in text:
        problem = "Pebble expressions are not rendered in `version`: write the version itself"
    else:
        request = parse_request(text)
        if request is None:
            problem = f"{_shown(text)} is not a version (MAJOR[.MINOR[.PATCH]][-QUALIFIER]) nor LATEST, OLDEST or NONE"
        elif not settings.exact_full_versions and not legacy_property_valid(text):
            problem = (
                f"Kestra {settings.target_text} accepts only MAJOR.MINOR.PATCH[-QUALIFIER] or a keyword "
                f"as `version`, not {text!r}"
            )
            request = None
    return VersionValue(value.written, value.text, problem, value.numeric, request)


def namespace_chain(namespace: str | None) -> list[str]:
    """``a.b.c`` -> ``[a.b.c, a.b, a]``: the namespaces whose defaults apply, most specific first."""
    if not namespace:
        return []
    parts = namespace.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def namespace_matches(patterns: Iterable[str], namespace: str) -> bool:
    """Whether ``namespace`` matches one of ``patterns``: ``*`` is one segment (with fnmatch inside a
    segment, ``team*``), ``**`` zero or more segments."""
    parts = namespace.split(".") if namespace else []
    return any(_match_segments(pattern.split("."), parts) for pattern in patterns)


def _match_segments(pattern: Sequence[str], parts: Sequence[str]) -> bool:
    if not pattern:
        return not parts
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_match_segments(rest, parts[skip:]) for skip in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], head) and _match_segments(rest, parts[1:])


def pin_skipped(resolution: Resolution) -> str | None:
    """Why ``flowlint fix --pin`` leaves a use alone: "pinned" when it has its own version or its flow's
    default pins it exactly; another reason when it cannot be pinned; None when it gets a pin."""
    use, origin = resolution.use, resolution.origin
    if use.version_node is not None:
        return "pinned"
    if resolution.status in (Status.CORE, Status.NOT_A_PLUGIN, Status.UNKNOWN_TYPE):
        return "pinned"  # not versioned, or not a plugin flowlint knows
    if use.kind == "condition":
        return "conditions take no version"
    if origin is not None and origin.level == "flow" and is_exact(origin.value):
        return "pinned"
    if resolution.status is not Status.RESOLVED or resolution.version is None:
        return f"it does not resolve today ({resolution.status.value})"
    return None


def is_exact(value: VersionValue) -> bool:
    """Whether a requested version is an exact pin (a full ``MAJOR.MINOR.PATCH`` version)."""
    return isinstance(value.request, Version) and value.request.parts == 3


class Resolver:
    """Resolves every plugin use of one flow; built once per flow."""

    def __init__(self, flow: Flow, settings: Settings, manifest: Manifest) -> None:
        self.flow = flow
        self.settings = settings
        self.manifest = manifest
        self.rules = match_rules(settings)
        self._flow_defaults = [] if settings.kestra2 else self._usable_flow_defaults()
        chain = namespace_chain(flow.namespace)
        namespace_defaults = [d for ns in chain for d in settings.namespace_defaults.get(ns, ())]
        self._forced = [d for d in (*namespace_defaults, *settings.global_defaults) if d.forced]
        self._configured = [d for d in (*namespace_defaults, *settings.global_defaults) if not d.forced]

    def _usable_flow_defaults(self) -> list[tuple[FlowDefault, str, VersionValue]]:
        usable = []
        for default in self.flow.defaults:
            if default.type_name is None or default.version_node is None:
                continue
            usable.append((default, default.type_name, read_version(default.version_node, self.settings)))
        return usable

    def resolve_all(self) -> list[Resolution]:
        """A resolution for every plugin use of the flow, in document order."""
        return [self.resolve(use) for use in self.flow.uses]

    def resolve(self, use: PluginUse) -> Resolution:
        """Resolve one use."""
        entries = tuple(self.manifest.lookup(use.type_name))
        if not entries and use.type_name.startswith(CORE_PREFIXES) and not self.manifest.has_core:
            return Resolution(use, Status.CORE, entries)
        if any(entry.plugin.core for entry in entries):
            if any(entry.plugin.core and self._core_has(entry) for entry in entries):
                return Resolution(use, Status.CORE, entries)
            # Kestra's core had it in older versions only (scripts.Bash before 0.11): other plugins, if any
            entries = tuple(entry for entry in entries if not entry.plugin.core)
        if not entries:
            return Resolution(use, Status.NOT_A_PLUGIN if use.kind == "other" else Status.UNKNOWN_TYPE)
        return resolved(use, entries, self.origin(use), self.manifest, self.rules)

    def _core_has(self, entry: TypeEntry) -> bool:
        """Whether the core version that the target Kestra version carries has ``entry``'s type."""
        outcomes = self.manifest.outcomes
        key = ("core has", id(entry), self.settings.target)  # the manifest keeps its entries: ids stay theirs
        found = outcomes.get(key)
        if found is None:
            version = core_version(entry.plugin, self.settings.target)
            found = outcomes[key] = any(candidate is version for candidate in entry.versions)
        return bool(found)

    def origin(self, use: PluginUse) -> Origin:
        """The first source of SEMANTICS §4 that gives ``use`` a version."""
        for configured in self._forced:
            if self._applies(configured.type, use.type_name):
                return self._configured_origin(configured)
        if use.version_node is not None and use.kind != "condition":
            return Origin("plugin", read_version(use.version_node, self.settings), "its own version", use.version_node)
        for default, type_name, value in self._flow_defaults:
            if self._applies(type_name, use.type_name):
                return Origin(
                    "flow",
                    value,
                    f"the flow's {default.yaml_path} for {type_name}",
                    default.version_node,
                    flow_default=default,
                )
        for configured in self._configured:
            if self._applies(configured.type, use.type_name):
                return self._configured_origin(configured)
        return self._instance_origin()

    def _applies(self, default_type: str, type_name: str) -> bool:
        """A default for a type applies to it, to every type it prefixes, and (alias) to its canonical type."""
        if type_name.startswith(default_type):
            return True
        return any(e.canonical_in(v) == type_name for e in self.manifest.lookup(default_type) for v in e.versions)

    def _configured_origin(self, configured: ConfiguredDefault) -> Origin:
        value = check_version_text(VersionValue(configured.version, configured.version), self.settings)
        return Origin(configured.level, value, f"the {configured.describe()}", configured=configured)

    def _instance_origin(self) -> Origin:
        text = self.settings.default_version
        description = f"the instance default version {text} ({self.settings.default_version_origin})"
        if text.upper() == "CURRENT":
            target = self.settings.target
            current = Version(target.major, target.minor, 0, None, 2, f"{target.major}.{target.minor}")
            return Origin("instance", VersionValue(text, text, request=current), description)
        value = check_version_text(VersionValue(text, text), self.settings)
        return Origin("instance", value, description)


def resolved(
    use: PluginUse, entries: tuple[TypeEntry, ...], origin: Origin, manifest: Manifest, rules: MatchRules
) -> Resolution:
    """The resolution of ``use``, a type of the versioned plugins ``entries``, asking what ``origin`` asks."""
    request = origin.value.request
    if request is None:
        return Resolution(use, Status.INVALID, entries, origin)
    if request is Keyword.NONE:
        return Resolution(use, Status.NO_VERSION, entries, origin)
    key = (use.type_name, len(entries), request, rules)  # fewer entries: the core ones left out for the target
    outcome = manifest.outcomes.get(key)
    if outcome is None:
        outcome = manifest.outcomes[key] = _select(entries, request, rules)
    status, entry, version, matches = outcome
    return Resolution(use, status, entries, origin, entry, version, matches)


def as_written(resolution: Resolution, settings: Settings, manifest: Manifest) -> Resolution | None:
    """``resolution`` had its version been quoted as written (``"1.10"``, not the number 1.1); None when the
    version is not a YAML number that Kestra reads as another text."""
    origin = resolution.origin
    if origin is None or not origin.value.numeric or origin.value.text == origin.value.written:
        return None
    written = origin.value.written
    value = check_version_text(VersionValue(written, written), settings)
    return resolved(resolution.use, resolution.entries, origin._replace(value=value), manifest, match_rules(settings))


def match_rules(settings: Settings) -> MatchRules:
    """The matching rules of the target Kestra version (SEMANTICS §3)."""
    return MODERN if settings.exact_full_versions else LEGACY


Outcome = tuple[Status, TypeEntry | None, PluginVersion | None, tuple[tuple[TypeEntry, PluginVersion], ...]]
"""What a version request selects among a type's entries: status, entry, version, every match."""


def _select(entries: Sequence[TypeEntry], request: Version | Keyword, rules: MatchRules) -> Outcome:
    """The outcome of ``request`` for a type the manifest has (``entries``), whatever asked for it.

    The request picks one version among every version of every plugin that has the type (Kestra's
    plugin registry keeps the versions of a type: ``getAllVersionsForType``); the plugins that have the
    type at that version are the candidates. Several of them make it ambiguous; a plugin that had the
    type only in a release the request does not pick (plugin-jdbc-as400 0.16.0 and db2.Query) does not."""
    having = [(entry, version) for entry in entries for version in entry.versions]
    chosen = match(request, [version.version for _, version in having], rules)
    matches = [] if chosen is None else [(e, v) for e, v in having if v.version.same_release(chosen)]
    direct = [(entry, version) for entry, version in matches if entry.canonical_in(version) is None]
    if len(matches) > 1 and direct:
        matches = direct  # a plugin that has the class wins over one that only aliases it
    if len(matches) == 1:
        entry, version = matches[0]
        return Status.RESOLVED, entry, version, ()
    if matches:
        return Status.AMBIGUOUS, None, None, tuple(matches)
    for entry in entries:
        chosen = match(request, [v.version for v in entry.plugin.versions], rules)
        if chosen is not None:
            return Status.NOT_IN_VERSION, entry, _by_version(entry.plugin.versions, chosen), ()
    return Status.NOT_INSTALLED, entries[0], None, ()


def _by_version(versions: Sequence[PluginVersion], chosen: Version) -> PluginVersion:
    return next(v for v in versions if v.version is chosen)
