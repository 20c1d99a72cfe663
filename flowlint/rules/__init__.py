"""The rule registry: every rule's metadata, and the checks that report them."""

from __future__ import annotations

from collections.abc import Iterable

from flowlint.rules import outputs, plugins, policy, secrets, structure, suppressions
from flowlint.rules.base import Check, CheckContext, Rule

RULES: list[Rule] = [
    *structure.RULES,
    *plugins.RULES,
    *policy.RULES,
    *outputs.RULES,
    *secrets.RULES,
    *suppressions.RULES,
]
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
CHECKS: list[Check] = [structure.check, plugins.check, policy.check, outputs.check, secrets.check]
ALL_CODES = frozenset(RULES_BY_CODE)
RULE_NAMES: dict[str, str] = {rule.name: rule.code for rule in RULES}
"""Rule name -> code: rules can be named either way wherever codes are accepted."""


def _matches(code: str, selectors: Iterable[str]) -> bool:
    return any(s == "ALL" or code.startswith(s) for s in selectors)


def enabled_codes(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> frozenset[str]:
    """Codes on in a run: ``select`` (codes, prefixes such as ``FL1``, or ``ALL``) else the defaults,
    minus ``ignore``."""
    selectors = list(select)
    ignored = list(ignore)
    chosen = (
        {code for code in ALL_CODES if _matches(code, selectors)}
        if selectors
        else {rule.code for rule in RULES if rule.enabled_by_default}
    )
    return frozenset(code for code in chosen if not _matches(code, ignored))


__all__ = ["ALL_CODES", "CHECKS", "RULES", "RULES_BY_CODE", "RULE_NAMES", "CheckContext", "Rule", "enabled_codes"]
