"""``check --statistics``: how many findings each rule has, most first, instead of the findings.

Text: one line per code, ``COUNT  CODE  [*] name`` (``[*]`` when some of them have a safe fix), then the
summary; JSON (when the standard-output format is ``json``): a list of ``{code, name, count, fixable}``.
"""

from __future__ import annotations

import json
from collections import Counter

from flowlint.report import Report


def render_statistics(report: Report, *, as_json: bool, quiet: bool) -> str:
    """The per-code counts of ``report``, as text or JSON."""
    counts = Counter(d.code for d in report.diagnostics)
    names = {d.code: d.name for d in report.diagnostics}
    fixable = Counter(d.code for d in report.fixable if d.fix is not None and d.fix.safe)
    ordered = sorted(counts, key=lambda code: (-counts[code], code))
    if as_json:
        rows = [{"code": c, "name": names[c], "count": counts[c], "fixable": fixable[c]} for c in ordered]
        return json.dumps(rows, indent=2) + "\n"
    width = len(str(max(counts.values(), default=0)))
    lines = [f"{counts[c]:>{width}}  {c}  {'[*]' if fixable[c] else '   '} {names[c]}" for c in ordered]
    if not quiet:
        lines.append(report.summary_line())
        fixable_line = report.fixable_line()
        if fixable_line:
            lines.append(fixable_line)
    return "".join(f"{line}\n" for line in lines)
