"""The rule catalogue as ``flowlint rules`` prints it: one line per rule, or the README's Markdown table."""

from __future__ import annotations

from flowlint.rules import RULES


def listing(show_all: bool) -> str:
    """One line per rule: code, name, default severity, summary, ``[fix]`` when it has one, and with
    ``show_all`` whether it is off by default."""
    lines = []
    for rule in RULES:
        state = "" if rule.enabled_by_default or not show_all else "  (off by default)"
        fix = " [fix]" if rule.fixable else ""
        lines.append(f"{rule.code}  {rule.name:<28} {rule.severity.value:<8} {rule.summary}{fix}{state}")
    return "\n".join(lines)


def markdown_table() -> str:
    """The rules as the Markdown table of README's "Rules" section."""
    lines = ["| code | name | default | summary |", "|---|---|---|---|"]
    for rule in RULES:
        default = rule.severity.value if rule.enabled_by_default else f"{rule.severity.value}, off by default"
        summary = rule.summary.replace("|", "\\|") + (" [fix]" if rule.fixable else "")
        lines.append(f"| {rule.code} | {rule.name} | {default} | {summary} |")
    return "\n".join(lines)
