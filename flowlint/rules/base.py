"""What a rule is, and the context a check reports its findings through."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from ruamel.yaml.nodes import Node

from flowlint.config import Settings
from flowlint.diagnostics import Diagnostic, Fix, Related, Severity, Span
from flowlint.flow import Flow
from flowlint.manifest.model import Manifest
from flowlint.nodes import span_of
from flowlint.resolve import Resolution, Resolver
from flowlint.secrets import Secret
from flowlint.secrets import find as find_secrets
from flowlint.source import Source

DOCS_URL = "https://flowlint.dev/rules/{code}"


class Option(NamedTuple):
    """One option a rule takes in the config (``rules: {CODE: {name: value}}``): its type and default."""

    kind: Literal["strings", "string", "boolean", "integer"]
    default: Any
    help: str

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not of this option's type, or None when it is."""
        if self.kind == "strings":
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                return None
            return f"must be a list of strings, not {_shown(value)}"
        expected = {"string": str, "boolean": bool, "integer": int}[self.kind]
        if isinstance(value, expected) and (self.kind != "integer" or not isinstance(value, bool)):
            return None
        return f"must be {'an' if self.kind == 'integer' else 'a'} {self.kind}, not {_shown(value)}"


def _shown(value: Any) -> str:
    kinds = {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "a list"}
    return "null" if value is None else kinds.get(type(value), "a mapping" if isinstance(value, Mapping) else "that")


_NO_OPTIONS: Mapping[str, Option] = MappingProxyType({})


def applies_from(ctx: CheckContext, since: tuple[int, int, int]) -> bool:
    """Whether the target Kestra version is ``since`` or newer (a check applies from the version that
    introduced it)."""
    target = ctx.settings.target
    return (target.major, target.minor, target.patch) >= since


class CheckContext:
    """One flow under check: its source, view, settings, manifest, and the findings so far."""

    def __init__(
        self,
        source: Source,
        flow: Flow,
        settings: Settings,
        manifest: Manifest,
        rules: dict[str, Rule],
        enabled: frozenset[str],
        resolutions: list[Resolution] | None = None,
    ) -> None:
        if resolutions is not None:  # already worked out by the caller (impact resolves every flow first)
            self.__dict__["resolutions"] = resolutions
        self.source = source
        self.flow = flow
        self.settings = settings
        self.manifest = manifest
        self.rules = rules
        self.enabled = enabled
        self.diagnostics: list[Diagnostic] = []
        self.unknown_properties = 0
        """How many plugin uses resolved but have no property data (FL5xx could not check them)."""

    @cached_property
    def resolutions(self) -> list[Resolution]:
        """The resolution of every plugin use, computed once."""
        return Resolver(self.flow, self.settings, self.manifest).resolve_all()

    @cached_property
    def secrets(self) -> list[Secret]:
        """The literal credentials of the flow, found once: FL401 reports them, every output masks them."""
        return find_secrets(self.source.text, self.flow.root)

    def option(self, code: str, name: str) -> Any:
        """The configured value of option ``name`` of rule ``code``, else the option's default."""
        given = self.settings.rule_options.get(code, {})
        return given[name] if name in given else self.rules[code].options[name].default

    def on(self, code: str) -> bool:
        """Whether ``code`` is enabled in this run."""
        return code in self.enabled

    def report(
        self,
        code: str,
        at: Node | Span,
        message: str,
        *,
        yaml_path: str = "",
        help: str | None = None,
        related: Iterable[tuple[Node | Span, str]] = (),
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> None:
        """Record a finding of rule ``code`` at a node or span, unless the rule is off."""
        if code not in self.enabled:
            return
        rule = self.rules[code]
        level = self.settings.severity.get(code) or severity or rule.severity
        self.diagnostics.append(
            Diagnostic(
                code=code,
                name=rule.name,
                severity=level,
                message=message,
                path=self.source.path,
                span=at if isinstance(at, Span) else span_of(at),
                yaml_path=yaml_path,
                help=help,
                related=tuple(
                    Related(self.source.path, where if isinstance(where, Span) else span_of(where), note)
                    for where, note in related
                ),
                fix=fix,
            )
        )


Check = Callable[[CheckContext], None]
"""A check reads a CheckContext and reports through it."""


class Rule(NamedTuple):
    """One rule: a stable code, a name, a default severity, the documentation users read (summary,
    explanation, a bad and a good example), its options, and the check that reports it."""

    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str
    bad: str
    good: str
    enabled_by_default: bool = True
    fixable: bool = False
    options: Mapping[str, Option] = _NO_OPTIONS
    """The options the rule takes in the config, by name."""
    check: Check | None = None
    """The check that reports the rule, run once per flow for all the rules it reports (None: reported
    outside the checks, as the suppression rules are)."""

    @property
    def url(self) -> str:
        """Where the rule's documentation lives (also printed by ``flowlint rule CODE``)."""
        return DOCS_URL.format(code=self.code)
