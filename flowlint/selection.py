"""Which rules a run uses, read from flags and config: rule selectors, severities and rule options.

A selector is ``ALL``, a rule code (``FL102``), a code prefix that some rule has (``FL1``, ``FL10``) or a
rule name (``unquoted-version``), in any case. Anything else is a usage error (exit 2) naming where it
was written and the nearest rule: a typo must never turn rules off silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flowlint.config import Settings
from flowlint.diagnostics import Severity
from flowlint.errors import UsageError
from flowlint.rules import ALL_CODES, RULE_NAMES, RULES_BY_CODE, Rule, selected


def _suggestion(text: str, prefixes: bool) -> str:
    """`` (did you mean FL101?)`` for the nearest code or name, else a pointer to the list."""
    import difflib

    wanted = text.strip()
    upper = wanted.upper()
    if upper.startswith("FL"):
        # the usual typos of a code: the letters O and I/L for the digits 0 and 1
        fixed = "FL" + upper[2:].replace("O", "0").replace("I", "1").replace("L", "1")
        if fixed != upper and (fixed in ALL_CODES or (prefixes and _is_prefix(fixed))):
            return f" (did you mean {fixed}?)"
        close = difflib.get_close_matches(fixed, sorted(ALL_CODES), n=1, cutoff=0.6)
    else:
        close = difflib.get_close_matches(wanted.lower(), sorted(RULE_NAMES), n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]}?)"
    return " (`flowlint rules` lists the codes and names)"


def _is_prefix(text: str) -> bool:
    return text.startswith("FL") and len(text) > 2 and any(code.startswith(text) for code in ALL_CODES)


def rule_of(text: str) -> Rule | None:
    """The rule a code or a name (any case) names, else None."""
    wanted = text.strip()
    code = wanted.upper() if wanted.upper() in RULES_BY_CODE else RULE_NAMES.get(wanted.lower())
    return RULES_BY_CODE[code] if code is not None else None


def selector(text: str, where: str, *, prefixes: bool = True) -> str:
    """``text`` as a code, a code prefix or ``ALL``; a UsageError naming ``where`` when no rule has it."""
    if not isinstance(text, str):
        raise UsageError(f"{where}: {text!r} is not a rule code (a string such as FL102)")
    upper = text.strip().upper()
    if prefixes and (upper == "ALL" or _is_prefix(upper)):
        return upper
    rule = rule_of(text)
    if rule is not None:
        return rule.code
    if not prefixes and _is_prefix(upper):
        raise UsageError(f"{where}: {text.strip()!r} is a prefix of several rules: give one rule's code or name")
    raise UsageError(f"{where}: unknown rule code or name {text.strip()!r}{_suggestion(text, prefixes)}")


def selectors(values: Iterable[str], where: str) -> tuple[str, ...]:
    """Comma-separated selectors (as flags give them) checked and normalised."""
    return tuple(selector(part, where) for value in values for part in str(value).split(",") if part.strip())


def _options(code: str, given: Any, where: str) -> dict[str, Any]:
    """A rule's options from config, checked against what the rule declares."""
    rule = RULES_BY_CODE[code]
    if not isinstance(given, Mapping):
        raise UsageError(f"{where}: the options of {code} are a mapping of option names to values")
    checked: dict[str, Any] = {}
    for name, value in given.items():
        option = rule.options.get(name) if isinstance(name, str) else None
        if option is None:
            declared = sorted(rule.options)
            if not declared:
                raise UsageError(f"{where}.{name}: {code} ({rule.name}) takes no options")
            import difflib

            close = difflib.get_close_matches(str(name), declared, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"{code} takes: {', '.join(declared)}"
            raise UsageError(f"{where}.{name}: unknown option of {code} ({rule.name}); {hint}")
        problem = option.problem(value)
        if problem is not None:
            raise UsageError(f"{where}.{name}: {problem}")
        checked[name] = value
    return checked


def checked_settings(settings: Settings) -> Settings:
    """``settings`` with every rule selector, severity key and rule option of the config checked (a
    UsageError naming the file and key otherwise) and rule names turned into codes."""
    if settings.config_path is None:
        return settings
    origin = f"config {settings.config_path}"
    severity: dict[str, Severity] = {}
    for key, level in settings.severity.items():
        chosen = selector(key, f"{origin}: severity")
        severity.update((code, level) for code in sorted(ALL_CODES) if selected(code, (chosen,)))
    per_file = {
        glob: selectors(codes, f"{origin}: perFileIgnores[{glob!r}]")
        for glob, codes in settings.per_file_ignores.items()
    }
    options: dict[str, Mapping[str, Any]] = {}
    for key, given in settings.rule_options.items():
        code = selector(key, f"{origin}: rules", prefixes=False)
        options[code] = _options(code, given, f"{origin}: rules.{key}")
    return settings.with_overrides(
        select=selectors(settings.select, f"{origin}: select"),
        ignore=selectors(settings.ignore, f"{origin}: ignore"),
        severity=severity,
        per_file_ignores=per_file,
        rule_options=options,
    )
