"""Every flow of Kestra's own invalid test flows (../shared/corpus/flows-invalid, 41 files) against the table of
../shared/design/KESTRA-VALIDATION.md §4: each file Kestra rejects on save gets the finding that names its
mistake, at the line and column of the mistake, at a target Kestra version (and edition) where Kestra rejects it,
and no error but the other real mistakes the table lists; the three that fail only when they run get no error at
any target. Skipped when the folder is absent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import CORPUS, run_cli

INVALID = CORPUS / "flows-invalid"
KESTRA_TESTS = "kestra-io+kestra/core__src__test__resources__flows__invalids__"

pytestmark = pytest.mark.skipif(not INVALID.is_dir(), reason="Kestra's invalid flows absent")


class Case(NamedTuple):
    """Where Kestra rejects a file, and what flowlint must say there: (code, line, column) each."""

    target: str
    findings: tuple[tuple[str, int, int], ...]
    """The finding(s) that name the mistake KESTRA-VALIDATION.md §4 gives for the file."""
    edition: str | None = None
    also: tuple[tuple[str, int, int], ...] = ()
    """The other errors flowlint finds there (each a real mistake of the file): nothing else is an error."""


CASES: dict[str, Case] = {
    # YAML Kestra's parser refuses (§4 #1-3)
    "kestra-io+examples/examples__flows__git__gitPythonWithSecret.yml": Case("1.3", (("FL001", 15, 5),)),
    "kestra-io+examples/examples__postgres__eachSequentialPostgres.yml": Case("1.3", (("FL001", 7, 16),)),
    "kestra-io+examples/python_flow.yml": Case("1.3", (("FL001", 8, 15),)),
    "kestra-io+kestra/cli__src__test__resources__invalids__empty.yml": Case("1.3", (("FL003", 1, 1),)),
    f"{KESTRA_TESTS}dag-cyclicdependency.yml": Case("1.3", (("FL603", 13, 13),)),
    # accepted by 0.21 (DagTask.task is not @Valid there), refused by newer Kestra: Log's message is required
    f"{KESTRA_TESTS}dag-invalid-subtask.yml": Case("2.0", (("FL502", 9, 17),)),
    f"{KESTRA_TESTS}dag-notexist-task.yml": Case("1.3", (("FL603", 17, 13),)),
    f"{KESTRA_TESTS}duplicate-inputs.yml": Case("1.3", (("FL601", 8, 9),)),
    f"{KESTRA_TESTS}duplicate-key.yml": Case("1.3", (("FL002", 10, 7),)),
    # `outputs.t2` names no task of the flow
    f"{KESTRA_TESTS}duplicate-parallel.yml": Case("1.3", (("FL005", 38, 29),), also=(("FL301", 8, 49),)),
    # the 1.x maintenance releases from the end of 2025 (2.0 removes `preconditions` from the Flow trigger)
    f"{KESTRA_TESTS}duplicate-preconditions.yml": Case("1.2", (("FL611", 22, 11),)),
    f"{KESTRA_TESTS}duplicate.yml": Case(
        "0.21", (("FL005", 14, 9), ("FL005", 21, 13), ("FL005", 25, 13), ("FL005", 30, 9), ("FL005", 37, 9))
    ),
    # the input's id, `wrong one`, also breaks Kestra's pattern
    f"{KESTRA_TESTS}inputs-bad-type.yml": Case("1.3", (("FL601", 5, 11),), also=(("FL601", 4, 9),)),
    f"{KESTRA_TESTS}inputs-bad-validator-syntax.yml": Case("1.3", (("FL601", 6, 16),)),
    f"{KESTRA_TESTS}inputs-key-with-subtraction-symbol-validation.yml": Case("2.0", (("FL610", 12, 17),)),
    f"{KESTRA_TESTS}inputs-validation.yml": Case("0.21", (("FL601", 7, 15), ("FL601", 10, 15))),
    f"{KESTRA_TESTS}inputs.yml": Case("1.3", (("FL601", 4, 9),)),
    f"{KESTRA_TESTS}invalid-parallel.yml": Case(
        "1.3", (("FL004", 1, 5), ("FL004", 2, 12), ("FL502", 13, 11), ("FL604", 18, 12), ("FL502", 21, 11))
    ),
    f"{KESTRA_TESTS}invalid-property.yml": Case("1.3", (("FL501", 7, 5),)),
    f"{KESTRA_TESTS}invalid-task.yml": Case("1.3", (("FL101", 7, 15), ("FL101", 12, 11), ("FL101", 18, 11))),
    f"{KESTRA_TESTS}invalid.yml": Case("1.3", (("FL004", 1, 5), ("FL004", 2, 12), ("FL003", 4, 3))),
    f"{KESTRA_TESTS}listener.yml": Case("0.21", (("FL502", 7, 12), ("FL502", 9, 12))),
    f"{KESTRA_TESTS}outputs-key-with-subtraction-symbol-validation.yml": Case(
        "2.0", (("FL610", 11, 45), ("FL610", 16, 16))
    ),
    f"{KESTRA_TESTS}recursive-flow.yml": Case("1.3", (("FL606", 7, 13),)),
    f"{KESTRA_TESTS}scheduled-missing-inputs-defaults-2.yml": Case("2.0", (("FL609", 16, 11),)),
    f"{KESTRA_TESTS}scheduled-missing-inputs-defaults.yml": Case("2.0", (("FL609", 19, 11),)),
    f"{KESTRA_TESTS}secret-element-type.yml": Case("2.0", (("FL601", 6, 15),)),
    f"{KESTRA_TESTS}secret-input-as-item-type.yml": Case("2.0", (("FL601", 6, 15),)),
    f"{KESTRA_TESTS}switch-empty-case-invalid.yml": Case("2.0", (("FL604", 9, 7),)),
    f"{KESTRA_TESTS}switch-empty-defaults-invalid.yml": Case("2.0", (("FL604", 13, 15),)),
    f"{KESTRA_TESTS}switch-invalid.yml": Case("1.3", (("FL604", 12, 12),)),
    f"{KESTRA_TESTS}system-labels.yml": Case("1.3", (("FL607", 5, 3), ("FL607", 6, 3), ("FL003", 10, 5))),
    # Kestra OSS refuses a task's workerGroup from 0.10 up to 0.23 (0.24 dropped the check)
    f"{KESTRA_TESTS}worker-group.yml": Case("0.21", (("FL608", 8, 5),), edition="oss"),
    f"{KESTRA_TESTS}workingdirectory-invalid.yml": Case("1.3", (("FL604", 12, 15),)),
    f"{KESTRA_TESTS}workingdirectory-no-tasks.yml": Case("1.3", (("FL604", 6, 11),)),
    "kestra-io+kestra/webserver__src__test__resources__flows__simpleInvalidFlow.yml": Case("1.3", (("FL501", 9, 5),)),
    "kestra-io+kestra/webserver__src__test__resources__flows__validateMultipleInvalidFlows.yml": Case(
        "1.3", (("FL501", 7, 5), ("FL101", 15, 11))
    ),
    # If.condition is @NotNull from 2.0 (0.21 and 1.3.25 accept an If without one)
    f"{KESTRA_TESTS}if-without-condition.yml": Case("2.0", (("FL604", 6, 11),)),
}
RUNTIME_ONLY = (
    f"{KESTRA_TESTS}foreach-switch-failed.yml",
    f"{KESTRA_TESTS}loop-switch-failed.yml",
    f"{KESTRA_TESTS}worker-trigger-failure.yml",
)
"""Valid flows whose executions fail (a Fail task, a Pebble error when the trigger is evaluated): in Kestra's
invalid folder only so that its tests do not load them (§4 #13, #25, #37)."""


def _findings(tmp_path: Path, target: str, edition: str | None, names: list[str]) -> dict[str, list[tuple]]:
    """What ``flowlint check`` reports for ``names`` at ``target`` (and ``edition``): file -> findings."""
    config = tmp_path / f"flowlint-{target}-{edition}.yaml"
    config.write_text(f"targetKestraVersion: '{target}'\n" + (f"edition: {edition}\n" if edition else ""), "utf-8")
    done = run_cli(
        # FL703 is left out: several of Kestra's test files share one flow id, which says nothing of each file
        ["check", "--no-cache", "--select", "ALL", "--ignore", "FL703", "--format", "json", "--config", str(config)]
        + [str(INVALID / name) for name in names],
        tmp_path,
    )
    assert done.returncode in (0, 1), done.stderr
    found: dict[str, list[tuple]] = {name: [] for name in names}
    for d in json.loads(done.stdout)["diagnostics"]:
        name = Path(d["path"]).relative_to(INVALID).as_posix()
        found[name].append((d["code"], d["line"], d["column"], d["severity"]))
    return found


def test_the_table_names_every_file_of_the_folder() -> None:
    present = {p.relative_to(INVALID).as_posix() for p in INVALID.rglob("*") if p.is_file()}
    assert present == set(CASES) | set(RUNTIME_ONLY)
    assert len(present) == 41


def test_each_file_kestra_rejects_gets_the_finding_that_names_its_mistake_and_no_other_error(tmp_path: Path) -> None:
    runs: dict[tuple[str, str | None], list[str]] = {}
    for name, case in CASES.items():
        runs.setdefault((case.target, case.edition), []).append(name)
    wrong = []
    for (target, edition), names in sorted(runs.items(), key=str):
        found = _findings(tmp_path, target, edition, names)
        for name in names:
            have = {(code, line, column) for code, line, column, severity in found[name] if severity == "error"}
            want = set(CASES[name].findings) | set(CASES[name].also)
            if have != want:
                wrong.append((name, target, sorted(want - have), sorted(have - want)))
    assert wrong == []


@pytest.mark.parametrize("target", ["0.21", "1.3", "2.0"])
def test_flows_that_fail_only_when_they_run_get_no_error(tmp_path: Path, target: str) -> None:
    found = _findings(tmp_path, target, "oss", list(RUNTIME_ONLY))
    assert {name: [f for f in items if f[3] == "error"] for name, items in found.items()} == {
        name: [] for name in RUNTIME_ONLY
    }
