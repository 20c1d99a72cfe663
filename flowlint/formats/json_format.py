"""``json``: the report as one JSON document, valid against ``schemas/report.schema.json``."""

from __future__ import annotations

import json
from typing import Any

from flowlint import __version__
from flowlint.diagnostics import Diagnostic, Severity
from flowlint.formats import escape_text
from flowlint.report import Report


def render(report: Report, *, color: bool, quiet: bool) -> str:
    """The JSON text of ``report`` (``color`` and ``quiet`` do not apply)."""
    counts = report.counts
    document = {
        "version": 1,
        "tool": {"name": "flowlint", "version": __version__},
        "manifest": {"source": report.manifest_source, "plugins": report.manifest_plugins},
        "files": [
            {
                "path": escape_text(f.path),
                "documents": f.documents,
                "flows": f.flows,
                "skipped": f.skipped,
                "invalid": f.invalid,
                "propertiesUnknown": f.properties_unknown,
            }
            for f in report.files
        ],
        "diagnostics": [diagnostic_json(d) for d in report.diagnostics],
        "summary": {
            "files": len(report.files),
            "flows": report.flows,
            "skipped": report.skipped,
            "invalid": report.invalid,
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "info": counts[Severity.INFO],
            "propertiesUnknown": report.properties_unknown,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    """One finding with exactly the keys of SPEC.md."""
    fix = None
    if d.fix is not None:
        fix = {
            "description": d.fix.description,
            "safe": d.fix.safe,
            "edits": [
                {
                    "line": e.span.line,
                    "column": e.span.column,
                    "endLine": e.span.end_line,
                    "endColumn": e.span.end_column,
                    "replacement": e.replacement,
                }
                for e in d.fix.edits
            ],
        }
    return {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "path": escape_text(d.path),
        "line": d.span.line,
        "column": d.span.column,
        "endLine": d.span.end_line,
        "endColumn": d.span.end_column,
        "yamlPath": d.yaml_path,
        "help": d.help,
        "fix": fix,
    }
