"""Finding, validating and reading flowlint's configuration into run Settings.

Looked for from the working directory (or the folder of ``--stdin-filename``) upwards:
``.flowlint.yaml``, ``.flowlint.yml``, then ``[tool.flowlint]`` in ``pyproject.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, NamedTuple

from flowlint.datafile import load_data, parse_data, read_bytes, validate
from flowlint.diagnostics import Severity
from flowlint.errors import UsageError
from flowlint.stamps import Stamps
from flowlint.versions import Version, parse_keyword, parse_version

CONFIG_NAMES = (".flowlint.yaml", ".flowlint.yml")
DEFAULT_TARGET = "1.3"
INSTANCE_KEYWORDS = ("LATEST", "OLDEST", "CURRENT", "NONE")


DefaultLevel = Literal["namespace", "global"]
"""Where a configured plugin default is set."""


class ConfiguredDefault(NamedTuple):
    """A namespace or global plugin default that sets a ``version``."""

    type: str
    version: str
    forced: bool
    level: DefaultLevel
    scope: str
    """The namespace it is set for, or ``global``."""
    origin: str
    """The file it was read from."""

    def describe(self) -> str:
        """How messages name this default."""
        forced = "forced " if self.forced else ""
        where = f"namespace {self.scope}" if self.level == "namespace" else "global"
        return f"{forced}{where} plugin default for {self.type} ({self.origin})"


class ValueDefault(NamedTuple):
    """A namespace or global plugin default: the property keys it gives the types it applies to."""

    type: str
    """The type, or type prefix, it applies to."""
    keys: frozenset[str]
    scope: str
    """The namespace it is set for, or ``global``."""
    origin: str


@dataclass(frozen=True)
class Settings:
    """Everything a run needs besides the flows and the manifest."""

    target: Version = field(default_factory=lambda: _parse_target(DEFAULT_TARGET, "default"))
    target_origin: str = "flowlint's default"
    """Where ``target`` was set: the config file, ``--target-kestra-version``, or flowlint's default."""
    edition: str | None = None
    """``oss`` or ``ee`` (None: unknown, FL608 reports nothing)."""
    default_version: str = "LATEST"
    default_version_origin: str = "Kestra's default"
    global_defaults: tuple[ConfiguredDefault, ...] = ()
    namespace_defaults: Mapping[str, tuple[ConfiguredDefault, ...]] = field(default_factory=dict)
    value_defaults: tuple[ValueDefault, ...] = ()
    """Every namespace and global plugin default, with the property keys it sets (FL502 counts them)."""
    manifests: tuple[Path, ...] = ()
    manifest_max_age_days: int = 90
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    config_path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    project_namespaces: tuple[str, ...] = ()
    """``project: {namespaces: [...]}``: the namespace globs the project owns (none: those of its flows)."""

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields replaced (command-line options over config)."""
        return replace(self, **changes)

    @property
    def target_text(self) -> str:
        """The target Kestra version as written."""
        return self.target.text

    @property
    def kestra2(self) -> bool:
        """Whether the target is Kestra 2.0 or later."""
        return self.target.major >= 2

    @property
    def exact_full_versions(self) -> bool:
        """Kestra >= 1.1 matches a full version exactly; before, on its major.minor."""
        return (self.target.major, self.target.minor) >= (1, 1)


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above ``start``: .flowlint.yaml/.yml or a pyproject with the table."""
    folder = start.resolve()
    for candidate_dir in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_dir / name
            if candidate.is_file():
                return candidate
        pyproject = candidate_dir / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return "[tool.flowlint" in text


def load_settings(config: Path | None, cwd: Path, stamps: Stamps | None = None) -> Settings:
    """Settings from ``config`` (None: flowlint's defaults, relative to ``cwd``)."""
    if config is None:
        return Settings(root=cwd)
    data, content = _read_config(config)
    what = f"config {config}"
    validate(data, "config", what, stamps, content)
    root = config.parent.resolve()
    default_version = data.get("defaultVersion")
    origin = str(config)
    global_defaults = _defaults(data.get("pluginDefaults", []), "global", "global", origin)
    value_defaults = _value_defaults(data.get("pluginDefaults", []), "global", origin)
    if "kestraConfig" in data:
        kestra_path = root / data["kestraConfig"]
        kestra_default, kestra_defaults, kestra_values = read_kestra_config(kestra_path)
        if default_version is None and kestra_default is not None:
            default_version, origin = kestra_default, str(kestra_path)
        global_defaults += kestra_defaults
        value_defaults += kestra_values
    namespaces = {}
    for name, spec in data.get("namespaces", {}).items():
        namespaces[name] = _defaults(spec.get("pluginDefaults", []), "namespace", name, str(config))
        value_defaults += _value_defaults(spec.get("pluginDefaults", []), name, str(config))
    settings = Settings(
        target=_parse_target(data.get("targetKestraVersion", DEFAULT_TARGET), what),
        target_origin=str(config) if "targetKestraVersion" in data else "flowlint's default",
        edition=data.get("edition"),
        default_version=_check_instance_default(default_version or "LATEST", origin),
        default_version_origin=origin if default_version else "Kestra's default",
        global_defaults=global_defaults,
        namespace_defaults=namespaces,
        value_defaults=value_defaults,
        manifests=tuple(root / m for m in _as_list(data.get("manifest"))),
        manifest_max_age_days=data.get("manifestMaxAgeDays", 90),
        include=tuple(data.get("include", ())),
        exclude=tuple(data.get("exclude", ())),
        select=tuple(data.get("select", ())),
        ignore=tuple(data.get("ignore", ())),
        severity={code: Severity(level) for code, level in data.get("severity", {}).items()},
        per_file_ignores={glob: tuple(codes) for glob, codes in data.get("perFileIgnores", {}).items()},
        fail_on=Severity(data.get("failOn", "error")),
        rule_options=data.get("rules", {}),
        config_path=config,
        root=root,
        project_namespaces=tuple(data.get("project", {}).get("namespaces", ())),
    )
    return settings


def _read_config(config: Path) -> tuple[Any, bytes]:
    """The config's data (``{}`` when empty) and the bytes it was read from."""
    raw = read_bytes(config, "config")
    data = parse_data(raw, config, "config")
    if config.name == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("flowlint") if isinstance(tool, dict) else None
        return ({} if table is None else table), raw
    return ({} if data is None else data), raw


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _parse_target(text: str, what: str) -> Version:
    parsed = parse_version(text)
    if parsed is None or (parsed.qualifier is not None and parsed.parts < 3):
        raise UsageError(f"{what}: targetKestraVersion: {text!r} is not a Kestra version")
    return parsed


def _check_instance_default(text: str, origin: str) -> str:
    if text.upper() in INSTANCE_KEYWORDS or parse_version(text) is not None:
        return text
    raise UsageError(f"{origin}: defaultVersion: {text!r} is not LATEST, OLDEST, CURRENT, NONE or a version")


def _defaults(
    entries: Sequence[Mapping[str, Any]], level: DefaultLevel, scope: str, origin: str
) -> tuple[ConfiguredDefault, ...]:
    result = []
    for entry in entries:
        version = entry.get("values", {}).get("version")
        if version is None:
            continue
        if parse_keyword(version) is None and parse_version(version) is None:
            raise UsageError(
                f"{origin}: plugin default for {entry['type']}: version {version!r} is not a version "
                "nor LATEST, OLDEST or NONE"
            )
        result.append(ConfiguredDefault(entry["type"], version, bool(entry.get("forced", False)), level, scope, origin))
    return tuple(result)


def _value_defaults(entries: Sequence[Mapping[str, Any]], scope: str, origin: str) -> tuple[ValueDefault, ...]:
    result = []
    for entry in entries:
        values = entry.get("values")
        if isinstance(values, Mapping) and isinstance(entry.get("type"), str):
            result.append(ValueDefault(entry["type"], frozenset(str(k) for k in values), scope, origin))
    return tuple(result)


def read_kestra_config(
    path: Path,
) -> tuple[str | None, tuple[ConfiguredDefault, ...], tuple[ValueDefault, ...]]:
    """``kestra.plugins.management.defaultVersion`` and ``kestra.plugins.defaults`` of application.yml: the
    defaults that set a version, and every default with the keys it sets."""
    data = load_data(path, "Kestra configuration")
    if not isinstance(data, Mapping):
        return None, (), ()
    plugins = _dig(data, ("kestra", "plugins"))
    management = _dig(plugins, ("management",))
    default_version = _dig(management, ("defaultVersion",))
    if default_version is None:
        default_version = _dig(data, ("kestra.plugins.management.defaultVersion",))
    defaults = _dig(plugins, ("defaults",))
    if defaults is None:
        defaults = _dig(data, ("kestra.plugins.defaults",))
    entries: list[Mapping[str, Any]] = []
    versioned: list[Mapping[str, Any]] = []
    for index, entry in enumerate(defaults or []):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("type"), str):
            raise UsageError(f"Kestra configuration {path}: kestra.plugins.defaults[{index}] has no type")
        entries.append(entry)
        values = entry.get("values") or {}
        version = values.get("version") if isinstance(values, Mapping) else None
        if version is not None:
            versioned.append({**entry, "values": {"version": str(version)}})
    text = None if default_version is None else str(default_version)
    if text is not None:
        _check_instance_default(text, str(path))
    origin = str(path)
    return text, _defaults(versioned, "global", "global", origin), _value_defaults(entries, "global", origin)


def _dig(data: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data
