"""Kestra's own invalid test flows (../shared/corpus/flows-invalid) whose only mistake is an unknown task
property: flowlint reports it at the key, as Kestra does (`Unrecognized field`). Skipped when absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CORPUS, run_cli

KESTRA = CORPUS / "flows-invalid" / "kestra-io+kestra"
INVALID_PROPERTY = KESTRA / "core__src__test__resources__flows__invalids__invalid-property.yml"
SIMPLE_INVALID = KESTRA / "webserver__src__test__resources__flows__simpleInvalidFlow.yml"

pytestmark = pytest.mark.skipif(
    not (INVALID_PROPERTY.is_file() and SIMPLE_INVALID.is_file()), reason="Kestra's invalid flows absent"
)


def test_unknown_task_properties_are_fl501_at_the_key(tmp_path: Path) -> None:
    done = run_cli(
        [
            "check",
            "--no-cache",
            "--ignore",
            "FL703",  # the folder's other test flows share these files' ids
            "--format",
            "json",
            "--target-kestra-version",
            "1.3",
            str(INVALID_PROPERTY),
            str(SIMPLE_INVALID),
        ],
        tmp_path,
    )
    assert done.returncode == 1, done.stderr
    found = [
        (Path(d["path"]).name, d["code"], d["severity"], d["line"], d["column"], d["endColumn"], d["message"])
        for d in json.loads(done.stdout)["diagnostics"]
    ]
    assert found == [
        (
            INVALID_PROPERTY.name,
            "FL501",
            "error",
            7,
            5,
            12,
            "'invalid' is not a property of io.kestra.plugin.core.debug.Return (Kestra 1.3)",
        ),
        (
            SIMPLE_INVALID.name,
            "FL501",
            "error",
            9,
            5,
            18,
            "'badProperties' is not a property of io.kestra.plugin.core.debug.Return (Kestra 1.3)",
        ),
    ]
