"""The repository as a whole (issue 17), end to end: FL701, FL702, FL703, FL705 judged across files in
several folders, with the index kept in the cache (and without it), suppressions, owned namespaces,
`flowlint graph`, and `flowlint impact` through calls."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.concise_run import concise, findings, manifest_text, write
from tests.conftest import run_cli

CONFIG = "manifest: manifest.json\nselect: [FL701, FL702, FL703, FL705]\n"
"""The standard test manifest has no Subflow (FL101 would report each call): the project rules alone."""

CHILD = """\
id: child
namespace: company.team
inputs:
  - id: day
    type: STRING
  - id: count
    type: INT
    defaults: 1
outputs:
  - id: total
    type: INT
    value: "{{ outputs.sum.values.total }}"
tasks:
  - id: sum
    type: io.kestra.plugin.core.output.OutputValues
    values:
      total: 3
"""
PARENT = """\
id: parent
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: child
    inputs:
      dya: monday
      count: many
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.call.outputs.totl }} of {{ outputs.call.outputs.total }}"
  - id: typo
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ outputs.call.uri }}"
    batch:
      rows: 1
    namespace: company.team
    flowId: chlid
  - id: vendor
    type: io.kestra.plugin.core.flow.Subflow
    namespace: vendor.tools
    flowId: anything
triggers:
  - id: after
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.team
        flowId: nightly
"""
GOOD = """\
id: good
namespace: company.ops
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: child
    inputs:
      day: monday
      count: "{{ 2 }}"
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.call.outputs.total }} {{ outputs.call.outputs.other ?? 0 }}"
"""
PARENT_FINDINGS = [
    "a/parent.yml:8:5: FL702 [error] Subflow task 'call' passes no value for input 'day' of company.team.child"
    " (no `defaults`, not `required: false`): the subflow's execution fails",
    "a/parent.yml:9:7: FL702 [warning] company.team.child declares no input 'dya': Subflow task 'call' passes a"
    " value the subflow never gets (an execution gets the inputs its flow declares, and only those)",
    "a/parent.yml:10:14: FL702 [error] input 'count' of company.team.child is INT: `many` is not a valid INT value,"
    " so the subflow's execution fails",
    "a/parent.yml:13:39: FL705 [error] company.team.child, the flow task 'call' starts, declares no output 'totl'"
    " (read as `outputs.call.outputs.totl`): the expression fails when it is rendered",
    "a/parent.yml:20:13: FL701 [error] ForEachItem task 'typo' starts company.team.chlid, a flow no file of the"
    " project defines (namespace company.team is the project's): the task fails when it runs",
    "a/parent.yml:31:17: FL701 [warning] Flow trigger 'after' listens to company.team.nightly, a flow no file of"
    " the project defines (namespace company.team is the project's): it never fires for it",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Flows in three folders: the caller in a/, the called flow in b/, a correct caller in c/."""
    return write(
        tmp_path,
        {
            "manifest.json": manifest_text(),
            ".flowlint.yaml": CONFIG,
            "a/parent.yml": PARENT,
            "b/child.yml": CHILD,
            "c/good.yml": GOOD,
        },
    )


def test_each_project_rule_reports_at_the_exact_place_and_a_correct_caller_gets_nothing(project: Path) -> None:
    done = concise([], project)
    assert findings(done.stdout) == PARENT_FINDINGS
    assert done.returncode == 1
    full = run_cli(["check", "--format", "full", "a/parent.yml"], cwd=project)
    assert "   = note: input 'day' of company.team.child at b/child.yml:4:9\n" in full.stdout
    assert "   = help: did you mean 'day'?\n" in full.stdout
    assert "    = help: did you mean 'total'?\n" in full.stdout
    assert "    = help: did you mean company.team.child?\n" in full.stdout


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["through the cache", "cold"])
def test_a_run_on_one_changed_file_judges_it_against_the_other_folders(project: Path, cache: list[str]) -> None:
    assert findings(concise(cache, project).stdout) == PARENT_FINDINGS  # a first run fills the cache
    one = concise([*cache, "a/parent.yml"], project)
    assert findings(one.stdout) == PARENT_FINDINGS
    # Another file changes: the unchanged caller's findings follow (no stale cached result).
    write(project, {"b/child.yml": CHILD.replace("id: day", "id: dya").replace("id: total", "id: totl")})
    again = findings(concise([*cache, "a/parent.yml"], project).stdout)
    assert [line.split(": ", 2)[1].split(" ")[0] for line in again] == ["FL702", "FL705", "FL701", "FL701"]
    assert again[0].startswith("a/parent.yml:10:14: FL702 [error] input 'count'")
    assert again[1].startswith("a/parent.yml:13:74: FL705 [error] company.team.child, the flow task 'call' starts, "
                               "declares no output 'total'")  # fmt: skip
    # A new file defines the flow the trigger waits for; then the called flow's file is deleted.
    write(project, {"b/nightly.yml": CHILD.replace("id: child", "id: nightly")})
    (project / "b" / "child.yml").unlink()
    last = findings(concise([*cache, "a/parent.yml"], project).stdout)
    assert [line.split(":")[1] for line in last] == ["7", "20"]  # call and typo: unknown flows; the trigger found
    assert "starts company.team.child, a flow no file of the project defines" in last[0]


@pytest.mark.parametrize("git", [True, False], ids=["in a git work tree", "outside any repository"])
def test_without_a_config_the_project_is_the_git_work_tree_else_the_checked_files_folders(
    tmp_path: Path, git: bool
) -> None:
    write(tmp_path, {"manifest.json": manifest_text(), "a/parent.yml": PARENT, "b/child.yml": CHILD})
    if git:
        (tmp_path / ".git").mkdir()
    flags = ["--no-cache", "--manifest", "../manifest.json", "--select", "FL701,FL702,FL703,FL705"]
    found = findings(concise([*flags, "parent.yml"], tmp_path / "a").stdout)
    codes = [line.split(": ")[1].split(" ")[0] + "@" + line.split(":")[1] for line in found]
    if git:  # from a subfolder, the whole work tree: the called flow in b/ is read
        assert codes == ["FL702@8", "FL702@9", "FL702@10", "FL705@13", "FL701@20", "FL701@31"]
    else:  # the checked file's folder only: b/ is not read, so the flow 'call' starts is unknown
        assert codes == ["FL701@7", "FL701@20", "FL701@31"]
        both = findings(concise([*flags, "parent.yml", "../b/child.yml"], tmp_path / "a").stdout)
        assert [line.split(":")[1] for line in both] == ["8", "9", "10", "13", "20", "31"]


def test_a_damaged_index_store_costs_time_never_a_wrong_result(project: Path) -> None:
    assert findings(concise([], project).stdout) == PARENT_FINDINGS
    [pack] = (project / ".flowlint_cache").glob("index-*.pack")
    data = bytearray(pack.read_bytes())
    for offset in (len(data) // 2, len(data) - 3):  # in the header, then in a file's entries
        data[offset] ^= 0xFF
        pack.write_bytes(bytes(data))
        assert findings(concise(["a/parent.yml"], project).stdout) == PARENT_FINDINGS
    pack.write_bytes(b"not a pack")
    assert findings(concise(["a/parent.yml"], project).stdout) == PARENT_FINDINGS


def _flip_entries(data: bytes) -> bytes:
    """Every 7th byte of the files' entries (after the header, whose length the 8 bytes before it give)."""
    start = len(b"flowlint project index 6\n") + 16 + 8
    area = start + int.from_bytes(data[start - 8 : start], "little")
    return data[:area] + bytes(b ^ 0xFF if i % 7 == 0 else b for i, b in enumerate(data[area:]))


STORE_DAMAGE = {
    "truncated in the entries": lambda data: data[:-5],
    "junk appended": lambda data: data + b"junk",
    "every file's entries changed": _flip_entries,
    "another version of the format": lambda data: data.replace(b"project index 6\n", b"project index 9\n", 1),
    "a changed flow name in the header": lambda data: data.replace(b"child", b"chile", 1),
}


@pytest.mark.parametrize("damage", STORE_DAMAGE.values(), ids=STORE_DAMAGE.keys())
def test_a_damaged_index_store_is_rewritten_and_judges_nothing(project: Path, damage: Callable[[bytes], bytes]) -> None:
    """Whatever the damage, a one-file run reports what a cold run does and rewrites the store without what is
    damaged; once the next run has read the files dropped, the store is taken as it is."""
    for name in (".flowlint.yaml", "a/parent.yml", "b/child.yml", "c/good.yml"):  # not written just now: the
        os.utime(project / name, ns=(time.time_ns() - 60 * 10**9,) * 2)  # store takes their stat at its word
    assert findings(concise(["--no-cache", "a/parent.yml"], project).stdout) == PARENT_FINDINGS
    concise([], project)
    [pack] = (project / ".flowlint_cache").glob("index-*.pack")
    sound = pack.read_bytes()
    pack.write_bytes(damage(sound))
    assert findings(concise(["a/parent.yml"], project).stdout) == PARENT_FINDINGS
    assert pack.read_bytes() != damage(sound)
    assert findings(concise(["a/parent.yml"], project).stdout) == PARENT_FINDINGS  # reads what was dropped
    repaired = pack.read_bytes()
    assert findings(concise(["a/parent.yml"], project).stdout) == PARENT_FINDINGS
    assert pack.read_bytes() == repaired


def test_owned_namespaces_come_from_the_config_else_from_the_flows(project: Path) -> None:
    extra = (
        "  - id: other\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.data\n    flowId: load\n"
    )
    write(project, {"c/good.yml": GOOD + extra})
    # By default the project owns company.team and company.ops (its flows' namespaces): company.data and
    # vendor.tools may live on the instance.
    assert [line for line in findings(concise(["c/good.yml"], project).stdout)] == []
    write(project, {".flowlint.yaml": CONFIG + "project:\n  namespaces: ['company.**']\n"})
    assert findings(concise(["c/good.yml"], project).stdout) == [
        "c/good.yml:17:13: FL701 [error] Subflow task 'other' starts company.data.load, a flow no file of the"
        " project defines (namespace company.data is the project's): the task fails when it runs"
    ]
    write(project, {".flowlint.yaml": CONFIG + "project:\n  namespaces: ['company.*.x']\n"})
    assert findings(concise(["a/parent.yml"], project).stdout) == PARENT_FINDINGS[:4]  # company.team not owned
    write(project, {".flowlint.yaml": CONFIG + "project:\n  namespces: ['company.**']\n"})
    typo = concise(["c/good.yml"], project)
    assert typo.returncode == 2
    assert typo.stderr == (
        f"flowlint: error: config {project / '.flowlint.yaml'}: $.project: Additional properties are not allowed"
        " ('namespces' was unexpected) (did you mean 'namespaces'?)\n"
    )


def test_duplicate_flows_are_reported_in_both_files_with_the_other_place(project: Path) -> None:
    write(project, {"c/copy.yml": CHILD.replace("defaults: 1", "defaults: 2")})
    done = run_cli(["check", "--format", "json", "b/child.yml", "c/copy.yml"], cwd=project)
    found = [
        (d["path"], d["code"], d["line"], d["column"], d["message"]) for d in json.loads(done.stdout)["diagnostics"]
    ]
    assert found == [
        ("b/child.yml", "FL703", 1, 5, "flow company.team.child is also defined in c/copy.yml (line 1): deployed, "
         "each replaces the other (the last one wins)"),
        ("c/copy.yml", "FL703", 1, 5, "flow company.team.child is also defined in b/child.yml (line 1): deployed, "
         "each replaces the other (the last one wins)"),
    ]  # fmt: skip
    full = run_cli(["check", "--format", "full", "c/copy.yml"], cwd=project)
    assert "  = note: flow company.team.child also defined here at b/child.yml:1:5\n" in full.stdout
    # The caller is not judged against a flow defined twice.
    assert [line.split(" ")[1] for line in findings(concise(["a/parent.yml"], project).stdout)] == ["FL701", "FL701"]


def test_suppressions_and_per_file_ignores_apply_to_the_project_rules(project: Path) -> None:
    suppressed = PARENT.replace("    flowId: chlid\n", "    flowId: chlid  # flowlint: ignore[FL701] renamed later\n")
    suppressed = suppressed.replace("  - id: log\n", "  # flowlint: disable[FL705]\n  - id: log\n")
    suppressed = suppressed.replace("  - id: typo\n", "  # flowlint: enable[FL705]\n  - id: typo\n")
    write(project, {"a/parent.yml": suppressed, ".flowlint.yaml": CONFIG.replace("FL705]", "FL705, FL900]")})
    codes = [line.split(" ")[1] for line in findings(concise(["a/parent.yml"], project).stdout)]
    assert codes == ["FL702", "FL702", "FL702", "FL701"]  # no FL900: each directive suppressed something
    ignores = CONFIG + "perFileIgnores: {'a/*.yml': [FL702, FL701]}\n"
    write(project, {"a/parent.yml": PARENT, ".flowlint.yaml": ignores})
    assert [line.split(" ")[1] for line in findings(concise(["a/parent.yml"], project).stdout)] == ["FL705"]


def test_graph_draws_calls_and_flow_triggers_as_mermaid_and_dot(project: Path) -> None:
    done = run_cli(["graph"], cwd=project)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "flowchart LR\n"
        '  f0["company.ops.good"]\n'
        '  f1["company.team.child"]\n'
        '  f2["company.team.chlid"]\n'
        '  f3["company.team.nightly"]\n'
        '  f4["company.team.parent"]\n'
        '  f5["vendor.tools.anything"]\n'
        '  f4 -->|"call (Subflow)"| f1\n'
        '  f4 -->|"typo (ForEachItem)"| f2\n'
        '  f4 -->|"vendor (Subflow)"| f5\n'
        '  f3 -.->|"after (Flow trigger)"| f4\n'
        '  f0 -->|"call (Subflow)"| f1\n'
        "  classDef outside stroke-dasharray: 5 5\n"
        "  class f2,f3,f5 outside\n"
    )
    dot = run_cli(["graph", "--format", "dot", "--namespace", "company.ops"], cwd=project)
    assert dot.stdout == (
        "digraph flows {\n"
        "  rankdir=LR;\n"
        '  "company.ops.good";\n'
        '  "company.team.child";\n'
        '  "company.ops.good" -> "company.team.child" [label="call (Subflow)"];\n'
        "}\n"
    )


def test_impact_lists_the_flows_a_plugin_change_reaches_through_calls(tmp_path: Path) -> None:
    query = "io.kestra.plugin.jdbc.postgresql.Query"
    manifest = json.loads(manifest_text())
    new = json.loads(manifest_text())
    postgres = next(p for p in new["plugins"] if p["artifactId"] == "plugin-jdbc-postgres")
    postgres["versions"] = [v for v in postgres["versions"] if v["version"] != "1.2.1"]
    call = "  - id: {id}\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: {to}\n"
    write(
        tmp_path,
        {
            "old.json": json.dumps(manifest),
            "new.json": json.dumps(new),
            ".flowlint.yaml": "manifest: old.json\n",
            "flows/db.yml": f"id: db\nnamespace: company.team\ntasks:\n  - id: q\n    type: {query}\n"
            '    version: "1.2.1"\n    url: jdbc:postgresql://db/shop\n    sql: SELECT 1\n',
            "flows/mid.yml": "id: mid\nnamespace: company.team\ntasks:\n" + call.format(id="run_db", to="db"),
            "other/top.yml": "id: top\nnamespace: company.team\ntasks:\n" + call.format(id="run_mid", to="mid"),
            "other/watch.yml": "id: watch\nnamespace: company.team\ntasks:\n  - id: log\n"
            "    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: after_db\n"
            "    type: io.kestra.plugin.core.trigger.Flow\n    preconditions:\n      id: db\n      flows:\n"
            "        - namespace: company.team\n          flowId: db\n",
            "other/alone.yml": "id: alone\nnamespace: company.team\ntasks:\n" + call.format(id="x", to="elsewhere"),
        },
    )
    done = run_cli(["impact", "--to", "new.json"], cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    start = lines.index("affected through calls: 3 flows")
    assert lines[start : start + 4] == [
        "affected through calls: 3 flows",
        "  flows/mid.yml:7:13  company.team.mid  calls company.team.db (Subflow 'run_db')",
        "  other/watch.yml:14:19  company.team.watch  is triggered by company.team.db (Flow trigger 'after_db')",
        "  other/top.yml:7:13  company.team.top  calls company.team.mid (Subflow 'run_mid'), which company.team.db"
        " reaches",
    ]
    rows = json.loads(run_cli(["impact", "--to", "new.json", "--format", "json"], cwd=tmp_path).stdout)
    assert len(rows["throughCalls"]) == 3
    assert rows["throughCalls"][2] == {
        "flow": "company.team.top",
        "file": "other/top.yml",
        "line": 7,
        "column": 13,
        "via": "company.team.mid",
        "kind": "Subflow",
        "id": "run_mid",
        "origin": "company.team.db",
    }


def test_a_warm_run_over_many_files_judges_again_what_another_file_changed(tmp_path: Path) -> None:
    """A run over MEMO_FROM files or more remembers the project findings of each file by what they depend on:
    every change below is to another file than the caller's, and each warm run reports what a cold run does."""
    from flowlint.project.findings import MEMO_FROM

    caller = PARENT.replace("dya: monday", "day: monday").replace("count: many", "count: 2")
    files = {"manifest.json": manifest_text(), ".flowlint.yaml": CONFIG, "a/parent.yml": caller, "b/child.yml": CHILD}
    files.update(
        {f"d/filler_{n}.yml": f"id: filler_{n}\nnamespace: company.ops\ntasks: []\n" for n in range(MEMO_FROM)}
    )
    project = write(tmp_path, files)

    def warm_and_cold() -> list[str]:
        warm = findings(concise([], project).stdout)
        assert warm == findings(concise(["--no-cache"], project).stdout)
        return warm

    first = warm_and_cold()
    assert [line.split(": ")[1].split(" ")[0] + "@" + line.split(":")[1] for line in first] == [
        "FL705@13",  # totl
        "FL701@20",  # chlid
        "FL701@31",  # nightly
    ]
    assert warm_and_cold() == first
    typo = run_cli(["check", "--format", "full", "a/parent.yml"], cwd=project)
    assert "    = help: did you mean company.team.child?\n" in typo.stdout
    (project / "b/child.yml").write_text(CHILD.replace("    defaults: 1\n", ""), "utf-8")  # count now required
    assert warm_and_cold() == first  # passed as 2: nothing new
    (project / "b/child.yml").write_text(CHILD.replace("    type: STRING\n", "    type: INT\n"), "utf-8")
    changed = warm_and_cold()
    assert changed[0].startswith("a/parent.yml:9:12: FL702 [error] input 'day' of company.team.child is INT:")
    assert changed[1:] == first
    (project / "b/child.yml").write_text(CHILD.replace("id: total", "id: totl"), "utf-8")  # the output renamed
    renamed = warm_and_cold()
    assert "declares no output 'total' (read as `outputs.call.outputs.total`)" in renamed[0]
    assert renamed[1:] == first[1:]
    (project / "b/child.yml").unlink()
    gone = warm_and_cold()
    assert [line.split(":")[1] for line in gone] == ["7", "20", "31"]
    assert "starts company.team.child, a flow no file of the project defines" in gone[0]
    (project / "d/nightly.yml").write_text("id: nightly\nnamespace: company.team\ntasks: []\n", "utf-8")
    assert [line.split(":")[1] for line in warm_and_cold()] == ["7", "20"]  # the trigger's flow now exists
    (project / "d/chlid_2.yml").write_text("id: chlid_2\nnamespace: company.team\ntasks: []\n", "utf-8")
    warm_and_cold()  # the did-you-mean of the unknown flows reads every flow id: a new one is seen
    typo = run_cli(["check", "--format", "full", "."], cwd=project)
    assert "    = help: did you mean company.team.chlid_2?\n" in typo.stdout


def test_a_warm_run_reads_again_a_file_rewritten_with_its_size_and_times_kept(project: Path) -> None:
    """A warm run takes the result of a file whose ``stat`` the index store knows without reading it: a
    rewrite that keeps its size and modification time still changes its ``ctime``, and is seen."""
    for name in (".flowlint.yaml", "a/parent.yml", "b/child.yml", "c/good.yml"):  # older than the racy window
        os.utime(project / name, ns=(time.time_ns() - 60 * 10**9,) * 2)
    assert findings(concise([], project).stdout) == PARENT_FINDINGS
    assert findings(concise([], project).stdout) == PARENT_FINDINGS
    parent = project / "a/parent.yml"
    before = parent.stat()
    parent.write_text(PARENT.replace("flowId: chlid", "flowId: child"), "utf-8")  # same length
    os.utime(parent, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (parent.stat().st_size, parent.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    typo = "a/parent.yml:20:13: FL702 [error] ForEachItem task 'typo' passes no value for input 'day' of"
    expected = [typo if ":20:13: FL701" in line else line for line in PARENT_FINDINGS]
    expected[4] += " company.team.child (no `defaults`, not `required: false`): the subflow's execution fails"
    assert findings(concise([], project).stdout) == expected
    assert findings(concise(["a/parent.yml"], project).stdout) == expected


def _age(root: Path) -> None:
    """Every file and folder under ``root`` (and itself) last modified a minute ago: older than the racy
    window, so the index store takes their ``stat`` (and the walk's) at its word."""
    past = time.time_ns() - 60 * 10**9
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(past, past))


def _settle(root: Path) -> None:
    """Wait until every change under ``root`` is older than the racy window: a walk is remembered only when the
    ctime of all it read is (a file's ``stat`` is taken at its word once its mtime is: :func:`_age` does that)."""
    _age(root)
    time.sleep(2.1)


def test_a_one_file_run_sees_files_added_removed_or_ignored_since_the_last_walk(project: Path) -> None:
    """A run whose project folders, ``.gitignore`` files and ``.git`` are as the last walk found them takes the
    project's files from the store without walking: each change below, made once the store holds such a walk,
    shows in the next one-file run."""
    nightly = "a/parent.yml:31:17: FL701"

    def settled() -> None:  # the store holds a walk the next run can take
        _settle(project)
        concise(["a/parent.yml"], project)
        assert findings(concise(["a/parent.yml"], project).stdout) == one_file()

    def one_file() -> list[str]:
        warm = findings(concise(["a/parent.yml"], project).stdout)
        assert warm == findings(concise(["--no-cache", "a/parent.yml"], project).stdout)
        return warm

    concise([], project)
    settled()
    assert one_file() == PARENT_FINDINGS
    (project / "b/nightly.yml").write_text("id: nightly\nnamespace: company.team\ntasks: []\n", "utf-8")
    assert [line for line in one_file() if line.startswith(nightly)] == []  # a file added to a folder
    settled()
    (project / "b/nightly.yml").unlink()
    assert one_file() == PARENT_FINDINGS  # and removed
    settled()
    (project / "e/deep").mkdir(parents=True)
    (project / "e/deep/nightly.yml").write_text("id: nightly\nnamespace: company.team\ntasks: []\n", "utf-8")
    assert [line for line in one_file() if line.startswith(nightly)] == []  # a new folder
    settled()
    (project / "e/.gitignore").write_text("deep/\n", "utf-8")
    assert one_file() == PARENT_FINDINGS  # a .gitignore added
    settled()
    (project / "e/.gitignore").write_text("other/\n", "utf-8")  # the same size, written in place
    assert [line for line in one_file() if line.startswith(nightly)] == []  # a .gitignore changed
    (project / ".flowlint.yaml").write_text(CONFIG + "include: [a, b, c, e]\n", "utf-8")
    settled()
    assert [line for line in one_file() if line.startswith(nightly)] == []
    (project / ".gitignore").write_text("e/deep/\n", "utf-8")  # above the folders walked
    assert one_file() == PARENT_FINDINGS


def test_a_warm_run_over_an_unchanged_project_gives_what_it_gave_and_sees_the_next_change(tmp_path: Path) -> None:
    """When no file of the project changed since the store learnt it, a run over many files takes each file's
    FL7xx outcome from the run that last saw the project so; a change to any file (not the caller) shows."""
    from flowlint.project.findings import MEMO_FROM

    files = {"manifest.json": manifest_text(), ".flowlint.yaml": CONFIG, "a/parent.yml": PARENT, "b/child.yml": CHILD}
    files.update(
        {f"d/filler_{n}.yml": f"id: filler_{n}\nnamespace: company.ops\ntasks: []\n" for n in range(MEMO_FROM)}
    )
    project = write(tmp_path, files)

    def settled_runs() -> list[str]:  # aged: the store takes every file's stat at its word, and the walk's
        _age(project)
        runs = [findings(concise([], project).stdout) for _ in range(3)]
        assert runs[0] == runs[1] == runs[2] == findings(concise(["--no-cache"], project).stdout)
        return runs[0]

    assert settled_runs() == PARENT_FINDINGS
    (project / "b/child.yml").write_text(CHILD.replace("id: total", "id: totl"), "utf-8")  # the output renamed
    changed = settled_runs()
    assert "declares no output 'total' (read as `outputs.call.outputs.total`)" in changed[3]
    (project / "b/child.yml").write_text(CHILD, "utf-8")  # back: the outcomes of this state were remembered
    assert settled_runs() == PARENT_FINDINGS


def test_a_warm_run_points_the_did_you_mean_at_where_the_suggested_flow_is_now(tmp_path: Path) -> None:
    """FL701's did-you-mean names a flow the caller does not otherwise read: moving that flow in its file, or
    to another file, shows in the finding's related location of a warm run over many files."""
    from flowlint.project.findings import MEMO_FROM

    caller = PARENT.split("  - id: log\n")[0].replace("flowId: child", "flowId: chlid").split("    inputs:")[0]
    files = {"manifest.json": manifest_text(), ".flowlint.yaml": CONFIG, "a/caller.yml": caller, "b/child.yml": CHILD}
    files.update(
        {f"d/filler_{n}.yml": f"id: filler_{n}\nnamespace: company.ops\ntasks: []\n" for n in range(MEMO_FROM)}
    )
    project = write(tmp_path, files)

    def full() -> str:
        warm = run_cli(["check", "--format", "full", "a/caller.yml", "b", "d"], cwd=project).stdout
        assert (
            warm == run_cli(["check", "--format", "full", "--no-cache", "a/caller.yml", "b", "d"], cwd=project).stdout
        )
        return warm

    assert "= note: flow company.team.child at b/child.yml:1:5" in full()
    assert "= note: flow company.team.child at b/child.yml:1:5" in full()
    (project / "b/child.yml").write_text("# the child\n# of the caller\n" + CHILD, "utf-8")
    assert "= note: flow company.team.child at b/child.yml:3:5" in full()
    (project / "b/child.yml").rename(project / "b/kid.yml")
    assert "= note: flow company.team.child at b/kid.yml:3:5" in full()


def test_a_one_file_run_follows_a_project_folder_symlink_pointed_elsewhere(tmp_path: Path) -> None:
    """The walk starts where a symlinked project folder points: pointed elsewhere, the next run walks there."""
    caller = PARENT.split("  - id: log\n")[0].replace("dya: monday", "day: monday").replace("count: many", "count: 2")
    project = write(
        tmp_path,
        {
            "manifest.json": manifest_text(),
            ".flowlint.yaml": CONFIG + "include: [flows, lib]\n",
            "flows/caller.yml": caller,
            "empty/README.md": "nothing here\n",
            "full/child.yml": CHILD,
        },
    )
    (project / "lib").symlink_to("empty")
    unknown = [
        "flows/caller.yml:7:13: FL701 [error] Subflow task 'call' starts company.team.child, a flow no file of"
        " the project defines (namespace company.team is the project's): the task fails when it runs"
    ]

    def one_file() -> list[str]:
        warm = findings(concise(["flows/caller.yml"], project).stdout)
        assert warm == findings(concise(["--no-cache", "flows/caller.yml"], project).stdout)
        return warm

    concise([], project)
    _settle(project)
    assert one_file() == unknown
    assert one_file() == unknown  # the walk remembered: taken
    (project / "lib").unlink()
    (project / "lib").symlink_to("full")
    assert one_file() == []


@pytest.mark.parametrize("where", ["a path the walk read", "a file's name"])
def test_a_walk_in_the_store_with_a_nul_in_a_name_is_not_taken(project: Path, where: str) -> None:
    """A pack can only hold a NUL in a name when made by hand (its checksum guards against damage): the run
    walks, as it does without a stored walk, rather than crash."""
    import marshal

    from flowlint.packfile import framed
    from flowlint.project.pack import MAGIC

    concise([], project)
    _settle(project)
    concise(["a/parent.yml"], project)  # remembers the walk
    [pack] = (project / ".flowlint_cache").glob("index-*.pack")
    data = pack.read_bytes()
    start = len(MAGIC) + 16 + 8
    size = int.from_bytes(data[start - 8 : start], "little")
    header = list(marshal.loads(data[start : start + size]))
    key, read, stats, files = header[11]
    if where == "a path the walk read":
        read = ["\0x", *read[1:]]
        stats = (-1).to_bytes(8, "little", signed=True) * 4 + stats[32:]
    else:
        header[0] = ["a/\0parent.yml", *header[0][1:]]
    header[11] = (key, read, stats, files)
    pack.write_bytes(framed(MAGIC, marshal.dumps(tuple(header))) + data[start + size :])
    done = concise(["a/parent.yml"], project)
    assert done.returncode == 1, done.stderr
    assert findings(done.stdout) == PARENT_FINDINGS
