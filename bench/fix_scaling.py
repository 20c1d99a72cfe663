"""How ``flowlint fix --diff`` and FL301's did-you-mean grow with the size of one flow, next to ``check``.

For each size N (tasks in one flow), in a temp folder, against the bundled catalog:

- **fix**: the flow of ``perf-fix-superlinear.sh`` (N shell tasks, each ``version: 0.2X`` unquoted; one
  in ten is ``0.20``, an FL107 fix): times ``check --no-cache`` and ``fix --diff`` on it;
- **FL301**: the flow of ``perf-fl301-quadratic.yml`` (N Log tasks, each reading ``outputs.xIq.value``
  of a task that does not exist: N FL301 findings, each looking for a did-you-mean) and, for
  comparison, the same flow reading no outputs: times ``check --no-cache`` on both.

Times are wall seconds of a subprocess, start-up included, best of ``--repeat``; MB is its peak RSS.
Linear means the seconds per 1,000 tasks stay flat as N grows (start-up weighs on the smallest N).

    python bench/fix_scaling.py [--sizes 2500,5000,10000,20000] [--repeat 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from run import compile_flowlint, flowlint_command, repeat

FIX_TASK = (
    "  - id: t{i}\n    type: io.kestra.plugin.scripts.shell.Commands\n    version: 0.2{digit}\n    commands: [ls]\n"
)
READ_TASK = '  - id: t{i}\n    type: io.kestra.plugin.core.log.Log\n    message: "{{{{ outputs.x{i}q.value }}}}"\n'
PLAIN_TASK = "  - id: t{i}\n    type: io.kestra.plugin.core.log.Log\n    message: hello {i}\n"


def flow(task: str, tasks: int) -> str:
    """One flow of ``tasks`` tasks written from the ``task`` template."""
    body = "".join(task.format(i=i, digit=i % 10) for i in range(tasks))
    return f"id: big\nnamespace: company.team\ntasks:\n{body}"


def measure(tasks: int, times: int, folder: Path) -> dict[str, Any]:
    """The four timings for one size."""
    flowlint = flowlint_command()
    files = {"fix": FIX_TASK, "fl301": READ_TASK, "plain": PLAIN_TASK}
    for name, task in files.items():
        (folder / f"{name}.yml").write_text(flow(task, tasks), "utf-8")
    budget = float("inf")
    runs = {
        "check": repeat([*flowlint, "check", "--no-cache", "fix.yml"], folder, times, budget),
        "fix_diff": repeat([*flowlint, "fix", "--diff", "fix.yml"], folder, times, budget),
        "check_plain": repeat([*flowlint, "check", "--no-cache", "plain.yml"], folder, times, budget),
        "check_fl301": repeat([*flowlint, "check", "--no-cache", "fl301.yml"], folder, times, budget),
    }
    found = runs["check_fl301"]["_out"][0].count(": FL301 ")  # the full format's heading lines
    changed = runs["fix_diff"]["_out"][0].count("\n+    version: ")
    result: dict[str, Any] = {"tasks": tasks, "fl301_findings": found, "fix_lines_changed": changed}
    for key, run in runs.items():
        result[key] = {
            "seconds": round(run["seconds"], 3),
            "runs": run["runs"],
            "peak_rss_mb": run["peak_rss_kib"] // 1024,
        }
    return result


def table(results: list[dict[str, Any]]) -> str:
    def row(*cells: object) -> str:
        return " ".join(f"{cell:>12}" for cell in cells)

    lines = ["fix --diff on N tasks with unquoted versions (one in ten an FL107 fix):"]
    lines.append(row("tasks", "check s", "fix --diff s", "x check", "check s/1k", "fix s/1k", "check MB", "fix MB"))
    for r in results:
        check, fix, n = r["check"], r["fix_diff"], r["tasks"] / 1000
        lines.append(
            row(
                r["tasks"],
                f"{check['seconds']:.2f}",
                f"{fix['seconds']:.2f}",
                f"{fix['seconds'] / check['seconds']:.1f}",
                f"{check['seconds'] / n:.3f}",
                f"{fix['seconds'] / n:.3f}",
                check["peak_rss_mb"],
                fix["peak_rss_mb"],
            )
        )
    lines += ["", "check on N tasks that each read the outputs of an unknown task (FL301, did-you-mean):"]
    lines.append(row("tasks", "plain s", "FL301 s", "x plain", "plain s/1k", "FL301 s/1k", "findings", "FL301 MB"))
    for r in results:
        plain, fl301, n = r["check_plain"], r["check_fl301"], r["tasks"] / 1000
        lines.append(
            row(
                r["tasks"],
                f"{plain['seconds']:.2f}",
                f"{fl301['seconds']:.2f}",
                f"{fl301['seconds'] / plain['seconds']:.1f}",
                f"{plain['seconds'] / n:.3f}",
                f"{fl301['seconds'] / n:.3f}",
                r["fl301_findings"],
                fl301["peak_rss_mb"],
            )
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2500,5000,10000,20000", help="tasks per flow, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (the best is kept)")
    parser.add_argument("--json", type=Path, help="also write every result as JSON here")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    compile_flowlint()
    results = []
    with tempfile.TemporaryDirectory(prefix="flowlint-fix-scaling-") as folder:
        for tasks in sizes:
            results.append(measure(tasks, args.repeat, Path(folder)))
            print(f"measured {tasks} tasks", file=sys.stderr)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({"results": results}, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
