"""``junit``: JUnit XML, one test case per checked file, for CI test-report views.

One ``<testsuite name="flowlint">`` (inside ``<testsuites>``) with one ``<testcase>`` per file
(``classname`` and ``name`` the file's path, ``file`` too). A file *fails* when it has a finding at
or above the run's fail-on severity (``--fail-on`` / ``failOn``, default error), the same rule that
decides the exit code; its ``<failure>`` has ``type`` the failing codes, a ``message`` counting them,
and lists every finding of the file as ``line:col: CODE [severity] message``. Findings below the
threshold of a passing file go to its ``<system-out>``. A YAML file with no flow in it is
``<skipped>``. ``errors`` is always 0: flowlint errors end the run instead (exit 2 or 3).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from flowlint.diagnostics import Diagnostic, Severity
from flowlint.formats import escape_text
from flowlint.report import Report


def render(report: Report, *, color: bool, quiet: bool, fail_on: Severity = Severity.ERROR) -> str:
    """The JUnit XML of ``report``; ``fail_on`` decides which files fail (``color``, ``quiet`` do not apply)."""
    by_path: dict[str, list[Diagnostic]] = {}
    for d in report.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    suite = ET.Element("testsuite", name="flowlint")
    failures = skipped = 0
    for file in report.files:
        found = by_path.get(file.path, [])
        path = escape_text(file.path)
        case = ET.SubElement(suite, "testcase", classname=path, name=path, file=path, time="0")
        failing = [d for d in found if d.severity.rank >= fail_on.rank]
        if file.skipped and not found:
            skipped += 1
            ET.SubElement(case, "skipped", message="no Kestra flow in this YAML file")
        elif failing:
            failures += 1
            codes = list(dict.fromkeys(d.code for d in failing))
            plural = "" if len(failing) == 1 else "s"
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(failing)} finding{plural} at or above {fail_on.value}: {', '.join(codes)}",
                type=" ".join(codes),
            )
            failure.text = _listing(found)
        elif found:
            ET.SubElement(case, "system-out").text = _listing(found)
    counts = {
        "tests": str(len(report.files)),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(skipped),
        "time": "0",
    }
    suite.attrib.update(counts)
    root = ET.Element("testsuites", {"name": "flowlint", **counts})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _listing(diagnostics: Sequence[Diagnostic]) -> str:
    lines: list[str] = []
    for d in diagnostics:
        lines.append(f"{d.span.line}:{d.span.column}: {d.code} [{d.severity.value}] {d.message}")
        if d.help:
            lines.append(f"    help: {d.help}")
    return escape_text("\n".join(lines) + "\n")
