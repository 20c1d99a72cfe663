"""What `manifest pull` and `manifest import` make of the instance of STANDARD_MANIFEST lints exactly like
STANDARD_MANIFEST itself."""

from __future__ import annotations

import copy
import json
import textwrap
from pathlib import Path
from typing import Any

from tests.conftest import STANDARD_MANIFEST, run_cli
from tests.manifest.fake_kestra import LOCAL, FakeKestra, save
from tests.manifest.kestra_answers import CONFIGS, all_details, plugins_answer, versioned_answer

FLOWS = {
    "core.yml": """\
        id: core
        namespace: company.team
        tasks:
          - id: log
            type: io.kestra.core.tasks.log.Log
            message: hi
          - id: parallel
            type: io.kestra.plugin.core.flow.Parallel
            tasks:
              - id: inner
                type: io.kestra.plugin.core.log.Log
                message: inner
          - id: typo
            type: io.kestra.plugin.core.log.log
        triggers:
          - id: schedule
            type: io.kestra.plugin.core.trigger.Schedule
            cron: "0 * * * *"
            conditions:
              - type: io.kestra.plugin.core.condition.Weekend
        """,
    "versions.yml": """\
        id: versions
        namespace: company.team
        tasks:
          - id: missing
            type: io.kestra.plugin.jdbc.postgresql.Query
            version: "1.2.0"
          - id: copy
            type: io.kestra.plugin.jdbc.postgresql.CopyIn
            version: "0.19.0"
          - id: script
            type: io.kestra.plugin.scripts.shell.Script
            taskRunner:
              type: io.kestra.plugin.scripts.runner.docker.Docker
              version: "1.1"
          - id: unknown
            type: io.kestra.plugin.nothere.Task
        """,
}


def lint(tmp_path: Path, manifest: Path) -> list[dict[str, Any]]:
    done = run_cli(["check", "flows", "--manifest", str(manifest), "--format", "json"], tmp_path, env=LOCAL)
    assert done.returncode in (0, 1), done.stderr
    diagnostics: list[dict[str, Any]] = json.loads(done.stdout)["diagnostics"]
    return diagnostics


def test_pulled_and_imported_manifests_lint_like_the_hand_written_one(kestra: FakeKestra, tmp_path: Path) -> None:
    for name, text in FLOWS.items():
        (tmp_path / "flows").mkdir(exist_ok=True)
        (tmp_path / "flows" / name).write_text(textwrap.dedent(text), "utf-8")
    hand = save(tmp_path, "hand.json", copy.deepcopy(STANDARD_MANIFEST))

    kestra.serve_kestra()
    pulled = run_cli(["manifest", "pull", kestra.url, "-o", "pulled.yaml"], tmp_path, env=LOCAL)
    assert pulled.returncode == 0, pulled.stderr
    assert pulled.stderr == "flowlint: wrote pulled.yaml\n"

    save(tmp_path, "versioned.json", versioned_answer())
    names = []
    for index, detail in enumerate(all_details().values()):
        names.append(str(save(tmp_path, f"d{index}.json", detail).name))
    save(tmp_path, "plugins.json", plugins_answer())
    save(tmp_path, "configs.json", CONFIGS)
    imported = run_cli(
        ["manifest", "import", "versioned.json", *names, "plugins.json", "configs.json", "-o", "imported.json"],
        tmp_path,
        env=LOCAL,
    )
    assert imported.returncode == 0, imported.stderr

    expected = lint(tmp_path, hand)
    codes = {d["code"] for d in expected}
    assert {"FL102", "FL108"} <= codes and len(expected) >= 4, expected
    assert lint(tmp_path, tmp_path / "pulled.yaml") == expected
    assert lint(tmp_path, tmp_path / "imported.json") == expected
