"""``gitlab``: a GitLab Code Quality report (a JSON array of Code Climate issues).

Each issue has ``description`` (``CODE: message``), ``check_name`` (the code), a ``fingerprint`` that
survives unrelated edits (see ``fingerprints``), ``severity`` (error -> critical, warning -> minor,
info -> info) and ``location`` (``path`` and ``lines.begin``/``end``).
"""

from __future__ import annotations

import json
from typing import Any

from flowlint.diagnostics import Severity
from flowlint.formats import escape_text
from flowlint.formats.fingerprints import fingerprints
from flowlint.report import Report

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(report: Report, *, color: bool, quiet: bool) -> str:
    """The Code Quality JSON of ``report`` (``color`` and ``quiet`` do not apply)."""
    diagnostics = report.diagnostics
    issues: list[dict[str, Any]] = []
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics), strict=True):
        issue: dict[str, Any] = {
            "type": "issue",
            "description": f"{d.code}: {d.message}",
            "check_name": d.code,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[d.severity],
            "categories": ["Bug Risk"],
            "location": {"path": escape_text(d.path), "lines": {"begin": d.span.line, "end": d.span.end_line}},
        }
        if d.help:
            issue["content"] = {"body": f"help: {d.help}"}
        issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
