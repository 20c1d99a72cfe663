"""The rule registry, derived from the rule modules: each family's module lists its rule objects (code,
name, severity, documentation, options, and the check that reports them); the registry collects them in
code order, and the checks once each, in that order."""

from __future__ import annotations

from collections.abc import Iterable

from flowlint.rules import (
    input_refs,
    outputs,
    policy,
    properties,
    repository,
    secrets,
    structure,
    suppressions,
    validation_edition,
    validation_flowables,
    validation_inputs,
    validation_io,
    validation_preconditions,
    validation_triggers,
    versions,
)
from flowlint.rules.base import Check, CheckContext, Rule

FAMILIES = (
    structure,
    versions,
    policy,
    outputs,
    secrets,
    properties,
    validation_flowables,
    validation_inputs,
    validation_io,
    validation_preconditions,
    validation_triggers,
    validation_edition,
    input_refs,
    repository,
    suppressions,
)
"""The modules of the rule families (FL0xx structure, FL1xx versions, FL2xx policy, FL3xx outputs, FL4xx
secrets, FL5xx plugin properties, FL6xx Kestra's save-time validation of flowables, of outputs and trigger inputs,
of triggers, labels and references, of Enterprise-only features, FL9xx suppressions)."""
RULES: list[Rule] = sorted((rule for family in FAMILIES for rule in family.RULES), key=lambda rule: rule.code)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
CHECKS: list[Check] = list(dict.fromkeys(rule.check for rule in RULES if rule.check is not None))
"""Each check once, in the order of the first rule it reports: a flow runs each of them once."""
ALL_CODES = frozenset(RULES_BY_CODE)
RULE_NAMES: dict[str, str] = {rule.name: rule.code for rule in RULES}
"""Rule name -> code: rules can be named either way wherever codes are accepted."""


def selected(code: str, selectors: Iterable[str]) -> bool:
    """Whether one of ``selectors`` (codes, prefixes such as ``FL1``, or ``ALL``) takes in ``code``."""
    return any(s == "ALL" or code.startswith(s) for s in selectors)


def enabled_codes(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> frozenset[str]:
    """Codes on in a run: ``select`` (codes, prefixes such as ``FL1``, or ``ALL``) else the defaults,
    minus ``ignore``."""
    selectors = list(select)
    ignored = list(ignore)
    chosen = (
        {code for code in ALL_CODES if selected(code, selectors)}
        if selectors
        else {rule.code for rule in RULES if rule.enabled_by_default}
    )
    return frozenset(code for code in chosen if not selected(code, ignored))


__all__ = [
    "ALL_CODES",
    "CHECKS",
    "RULES",
    "RULES_BY_CODE",
    "RULE_NAMES",
    "CheckContext",
    "Rule",
    "enabled_codes",
    "selected",
]
