"""How long the language server takes to re-lint a typical flow after a change.

Starts ``python -m flowlint lsp`` (debounce off), opens a ~150-line flow of 20 tasks (nested
flowables, pinned versions, a task runner, triggers) checked against the bundled catalog (or
``--manifest``), then sends N ``didChange`` edits one at a time and times each from the moment the
change is written to the moment its ``publishDiagnostics`` is read: JSON-RPC both ways, the lint and the
conversion to LSP diagnostics. For comparison it times ``Linter.lint_text`` on the same text in-process.

    python bench/lsp_relint.py [--edits 50] [--manifest PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

TASKS = [
    ("io.kestra.plugin.jdbc.postgresql.Query", '"1.15.5"', "sql: SELECT * FROM orders WHERE day = '{{ inputs.day }}'"),
    ("io.kestra.plugin.scripts.python.Script", '"1.9"', "script: print('hello')"),
    ("io.kestra.plugin.aws.s3.Upload", "LATEST", "from: '{{ outputs.extract.uri }}'"),
    ("io.kestra.plugin.serdes.csv.CsvToIon", '"1.10.2"', "from: '{{ outputs.download.uri }}'"),
    ("io.kestra.plugin.gcp.bigquery.Query", "2.10", "sql: SELECT 1"),  # unquoted: a finding
]


def typical_flow(marker: int = 0) -> str:
    """A flow of 20 tasks, ~150 lines; ``marker`` changes one message (the edit)."""
    lines = [
        "id: nightly_etl",
        "namespace: company.team.data",
        "description: |",
        "  Nightly extract, transform and load of the orders, with notifications.",
        "labels:",
        "  owner: data-team",
        "  tier: gold",
        "concurrency:",
        "  limit: 1",
        "variables:",
        "  bucket: s3://company-data/orders",
        "  table: analytics.orders",
        "inputs:",
        "  - id: day",
        "    type: STRING",
        "    defaults: '2024-01-01'",
        "pluginDefaults:",
        "  - type: io.kestra.plugin.scripts",
        "    values:",
        '      version: "1.9.8"',
        "tasks:",
        "  - id: start",
        "    type: io.kestra.plugin.core.log.Log",
        f"    message: run {marker} for {{{{ inputs.day }}}}",
    ]
    count = 1

    def task(indent: str, index: int) -> list[str]:
        type_name, version, prop = TASKS[index % len(TASKS)]
        return [
            f"{indent}- id: step_{index}",
            f"{indent}  type: {type_name}",
            f"{indent}  version: {version}",
            f"{indent}  {prop}",
            f"{indent}  timeout: PT10M",
        ]

    lines += ["  - id: parallel", "    type: io.kestra.plugin.core.flow.Parallel", "    tasks:"]
    for _ in range(5):
        lines += task("      ", count)
        count += 1
    lines += [
        "  - id: branch",
        "    type: io.kestra.plugin.core.flow.If",
        '    condition: "{{ outputs.step_1.size > 0 }}"',
        "    then:",
    ]
    for _ in range(4):
        lines += task("      ", count)
        count += 1
    lines += [
        "      - id: shell",
        "        type: io.kestra.plugin.scripts.shell.Commands",
        "        taskRunner:",
        "          type: io.kestra.plugin.scripts.runner.docker.Docker",
        "        commands:",
        "          - ./load.sh",
        "    else:",
        "      - id: nothing",
        "        type: io.kestra.plugin.core.log.Log",
        "        message: nothing to load",
    ]
    count += 2
    for _ in range(20 - count):
        lines += task("  ", count)
        count += 1
    lines += [
        "errors:",
        "  - id: alert",
        "    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook",
        '    version: "1.3.0"',
        "    url: https://hooks.slack.com/services/x",
        "triggers:",
        "  - id: nightly",
        "    type: io.kestra.plugin.core.trigger.Schedule",
        '    cron: "0 2 * * *"',
        "    inputs:",
        "      day: '{{ trigger.date | date(\"yyyy-MM-dd\") }}'",
        "outputs:",
        "  - id: rows",
        "    type: STRING",
        "    value: '{{ outputs.step_1.size }}'",
        "  - id: report",
        "    type: STRING",
        "    value: '{{ outputs.step_2.uri }}'",
        "  - id: status",
        "    type: STRING",
        "    value: done",
    ]
    return "\n".join(lines) + "\n"


class Client:
    """Content-Length framed JSON-RPC over the server's stdio (single-threaded: replies are awaited)."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        self.stdin: IO[bytes] = process.stdin
        self.stdout: IO[bytes] = process.stdout
        self.ident = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.stdin.flush()

    def read(self) -> dict[str, Any]:
        length = 0
        while True:
            line = self.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            if not line.strip():
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        message: dict[str, Any] = json.loads(self.stdout.read(length))
        return message

    def request(self, method: str, params: Any) -> Any:
        self.ident += 1
        self.send({"id": self.ident, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == self.ident and "method" not in message:
                return message.get("result")

    def diagnostics(self, uri: str, version: int) -> list[Any]:
        while True:
            message = self.read()
            params = message.get("params") or {}
            published = message.get("method") == "textDocument/publishDiagnostics"
            if published and params.get("uri") == uri and params.get("version") == version:
                found: list[Any] = params["diagnostics"]
                return found


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--manifest", type=Path, help="a manifest to check against (default: the bundled catalog)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        if args.manifest:
            (folder / ".flowlint.yaml").write_text(f"manifest: {json.dumps(str(args.manifest.resolve()))}\n")
        flow = folder / "flow.yml"
        text = typical_flow()
        flow.write_text(text, "utf-8")
        process = subprocess.Popen(
            [sys.executable, "-m", "flowlint", "lsp"],
            cwd=folder,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ},
        )
        client = Client(process)
        client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": folder.as_uri(),
                "capabilities": {},
                "initializationOptions": {"debounceMs": 0, "reloadIntervalSeconds": 0},
            },
        )
        client.send({"method": "initialized", "params": {}})
        uri = flow.as_uri()
        item = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
        findings = client.diagnostics(uri, 1)
        timings: list[float] = []
        for edit in range(args.edits):
            version = edit + 2
            changed = typical_flow(edit + 1)
            started = time.perf_counter()
            client.send(
                {
                    "method": "textDocument/didChange",
                    "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": changed}]},
                }
            )
            client.diagnostics(uri, version)
            timings.append((time.perf_counter() - started) * 1000)
        client.request("shutdown", None)
        client.send({"method": "exit", "params": None})
        process.wait(timeout=10)

        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from flowlint.config import find_config, load_settings
        from flowlint.lint import Linter
        from flowlint.manifest.catalog import load_catalog
        from flowlint.manifest.loader import load_manifests
        from flowlint.rules import enabled_codes

        settings = load_settings(find_config(folder), folder)
        manifest = load_manifests(settings.manifests) if settings.manifests else load_catalog()
        linter = Linter(settings, manifest, enabled_codes(settings.select, settings.ignore))
        linter.lint_text(text, str(flow))  # builds the type index once, as the server's first lint did
        in_process: list[float] = []
        for edit in range(args.edits):
            changed = typical_flow(edit + 1)
            started = time.perf_counter()
            linter.lint_text(changed, str(flow))
            in_process.append((time.perf_counter() - started) * 1000)

    lines = text.count("\n")
    print(f"flow: {lines} lines, 20 tasks, {len(findings)} findings")
    print(f"manifest: {manifest.source} ({manifest.summary()})")
    print(
        f"LSP didChange -> publishDiagnostics over {args.edits} edits: "
        f"median {statistics.median(timings):.2f} ms, p95 {percentile(timings, 0.95):.2f} ms, "
        f"max {max(timings):.2f} ms"
    )
    print(
        f"in-process Linter.lint_text, same text: "
        f"median {statistics.median(in_process):.2f} ms, p95 {percentile(in_process, 0.95):.2f} ms"
    )


if __name__ == "__main__":
    main()
