"""``sarif``: a SARIF 2.1.0 log (GitHub code scanning and other viewers), valid against the official schema.

One run: the driver lists every rule (descriptions, help URI, default level); each result has its
rule, level, message (with the help appended), a region with end line and column (columns count
Unicode code points: ``columnKind`` says so), related locations, fixes and a stable partial
fingerprint. Relative paths are relative to ``%SRCROOT%``, the working folder of the run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flowlint import __version__
from flowlint.diagnostics import Diagnostic, Severity, Span
from flowlint.formats.fingerprints import fingerprints
from flowlint.report import Report
from flowlint.rules import RULES, Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://flowlint.dev"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "flowlint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_DRIVE = re.compile(r"^[A-Za-z]:/")


def render(report: Report, *, color: bool, quiet: bool) -> str:
    """The SARIF text of ``report`` (``color`` and ``quiet`` do not apply)."""
    index = {rule.code: i for i, rule in enumerate(RULES)}
    diagnostics = report.diagnostics
    results = [
        _result(d, index, fingerprint) for d, fingerprint in zip(diagnostics, fingerprints(diagnostics), strict=True)
    ]
    artifacts = sorted({f.path for f in report.files} | {d.path for d in diagnostics})
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "flowlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in RULES],
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {
                "uri": Path.cwd().as_uri().rstrip("/") + "/",
                "description": {"text": "The folder flowlint ran in; file paths are relative to it."},
            }
        },
        "artifacts": [{"location": _artifact(path), "roles": ["analysisTarget"]} for path in artifacts],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(rule: Rule) -> dict[str, Any]:
    markdown = (
        f"{rule.explanation}\n\nBad:\n\n```yaml\n{rule.bad.rstrip()}\n```\n\n"
        f"Good:\n\n```yaml\n{rule.good.rstrip()}\n```\n\n[More]({rule.url})"
    )
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": f"{rule.explanation}\n\nMore: {rule.url}", "markdown": markdown},
        "helpUri": rule.url,
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": rule.enabled_by_default},
        "properties": {"fixable": rule.fixable},
    }


def _result(d: Diagnostic, index: dict[str, int], fingerprint: str) -> dict[str, Any]:
    text = d.message if not d.help else f"{d.message}\nhelp: {d.help}"
    result: dict[str, Any] = {"ruleId": d.code}
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    result.update(
        {
            "level": LEVELS[d.severity],
            "message": {"text": text},
            "locations": [{"physicalLocation": _physical(d.path, d.span)}],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
    )
    if d.yaml_path:
        result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": d.yaml_path, "kind": "member"}]
    if d.related:
        result["relatedLocations"] = [
            {"id": number, "physicalLocation": _physical(r.path, r.span), "message": {"text": r.message}}
            for number, r in enumerate(d.related, start=1)
        ]
    if d.fix is not None:
        applicability = "safe" if d.fix.safe else "unsafe: may change what the flow does"
        result["fixes"] = [
            {
                "description": {"text": f"{d.fix.description} ({applicability})"},
                "artifactChanges": [
                    {
                        "artifactLocation": _artifact(d.path),
                        "replacements": [
                            {"deletedRegion": _region(e.span), "insertedContent": {"text": e.replacement}}
                            for e in d.fix.edits
                        ],
                    }
                ],
                "properties": {"safe": d.fix.safe},
            }
        ]
    return result


def _physical(path: str, span: Span) -> dict[str, Any]:
    return {"artifactLocation": _artifact(path), "region": _region(span)}


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }


def _artifact(path: str) -> dict[str, str]:
    """A relative path is relative to %SRCROOT%; an absolute one becomes a file URI. A name that is not
    UTF-8 keeps its bytes, percent-encoded (``bad%FF.yml``), as a URI names such a file."""
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return {"uri": "file://" + quote(posix, errors="surrogateescape")}
    if _DRIVE.match(posix):
        return {"uri": "file:///" + quote(posix, safe="/:", errors="surrogateescape")}
    return {"uri": quote(posix, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}
