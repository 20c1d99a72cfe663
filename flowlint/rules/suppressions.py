"""Metadata of FL900 and FL901; the logic lives in :mod:`flowlint.suppress`."""

from __future__ import annotations

from flowlint.diagnostics import Severity
from flowlint.rules.base import Rule

RULES = [
    Rule(
        "FL900", "unused-suppression", Severity.WARNING,
        "A `# flowlint:` comment that suppresses nothing.",
        "A suppression that no longer matches a finding hides nothing today but will hide a real "
        "finding tomorrow. Remove it, or the codes in it that no longer fire. Only codes enabled in the "
        "run are judged.",
        "tasks:\n  - id: log  # flowlint: ignore[FL102]\n    type: io.kestra.plugin.core.log.Log\n",
        "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n",
    ),
    Rule(
        "FL901", "unknown-code-in-suppression", Severity.WARNING,
        "A `# flowlint:` comment names a code flowlint does not have.",
        "Codes are `FL` and three digits, listed by `flowlint rules`. A misspelt code suppresses nothing.",
        "    version: 0.20  # flowlint: ignore[FL17]\n",
        "    version: 0.20  # flowlint: ignore[FL107]\n",
    ),
]  # fmt: skip
