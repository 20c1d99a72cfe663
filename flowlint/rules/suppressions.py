"""Suppression rules FL900 and FL901: reported by :mod:`flowlint.suppress` once the checks have run, so
the rules name no check."""

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
        "- id: log\n  type: io.kestra.core.tasks.log.Log  # flowlint: ignore[FL18]\n  message: hi\n",
        "- id: log\n  type: io.kestra.core.tasks.log.Log  # flowlint: ignore[FL108]\n  message: hi\n",
    ),
]  # fmt: skip
